/* money.c: amounts people type, as integer pence. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "grant.h"

#define POUND_SIGN "\xc2\xa3"	/* "£" in UTF-8 */

/*
 * Accept "£1,234.56", "1234.56", "1234", "1234.5", " 450 " and "GBP 450".
 * Thousands separators must group by three; at most two decimals. Refuse
 * signs, exponents and anything else rather than guess.
 */
int
money_parse(const char *s, int64_t *pence, char *err, size_t errlen)
{
	const char	*p = s;
	int64_t		 pounds = 0, frac = 0;
	int		 digits = 0, group = -1, decimals = 0;

	if (s == NULL) {
		errfmt(err, errlen, "no amount given");
		return -1;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-') {
		errfmt(err, errlen, "amount '%s' is negative", s);
		return -1;
	}
	if (strncmp(p, POUND_SIGN, strlen(POUND_SIGN)) == 0)
		p += strlen(POUND_SIGN);
	else if (strncasecmp(p, "GBP", 3) == 0) {
		p += 3;
		while (isspace((unsigned char)*p))
			p++;
	}
	if (*p == '-') {
		errfmt(err, errlen, "amount '%s' is negative", s);
		return -1;
	}
	for (; *p != '\0' && *p != '.'; p++) {
		if (*p == ',') {
			if (digits == 0 || (group != -1 && group != 3) ||
			    (group == -1 && digits > 3))
				goto bad;
			group = 0;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			break;
		if (pounds > (MONEY_MAX_PENCE / 100 - (*p - '0')) / 10) {
			errfmt(err, errlen, "amount '%s' is too large", s);
			return -1;
		}
		pounds = pounds * 10 + (*p - '0');
		digits++;
		if (group != -1)
			group++;
	}
	if (digits == 0 || (group != -1 && group != 3))
		goto bad;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (++decimals > 2) {
				errfmt(err, errlen, "amount '%s' has more than "
				    "two decimal places", s);
				return -1;
			}
			frac = frac * 10 + (*p - '0');
		}
		if (decimals == 0)
			goto bad;
		if (decimals == 1)
			frac *= 10;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		goto bad;
	*pence = pounds * 100 + frac;
	return 0;

bad:
	errfmt(err, errlen, "'%s' is not an amount of money (try 1234.56 "
	    "or £1,234.56)", s);
	return -1;
}

/* "£1,234.56" */
const char *
money_format(int64_t pence, char *buf, size_t len)
{
	char		 digits[32], grouped[48];
	const char	*sign = "";
	uint64_t	 v;
	size_t		 n, i, o = 0;

	if (pence < 0) {
		sign = "-";
		v = (uint64_t)(-(pence + 1)) + 1;
	} else
		v = (uint64_t)pence;
	snprintf(digits, sizeof digits, "%" PRIu64, v / 100);
	n = strlen(digits);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			grouped[o++] = ',';
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	snprintf(buf, len, "%s" POUND_SIGN "%s.%02u", sign, grouped,
	    (unsigned)(v % 100));
	return buf;
}
