/*
 * date.c: times are stored and exchanged in UTC; people type and read them
 * in Europe/London, where the funder is, across both clock changes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grant.h"

static void
date_use_london(void)
{
	static int	done;

	if (!done) {
		setenv("TZ", GRANT_DISPLAY_TZ, 1);
		tzset();
		done = 1;
	}
}

/*
 * "2026-12-01" or "2026-12-01 09:30" (or with 'T'), London time. A bare
 * date means the start of that day, or its last second if end_of_day is set,
 * so a round that "closes 31 January" takes mail all that day.
 */
int
date_parse_local(const char *s, int end_of_day, time_t *out, char *err,
    size_t errlen)
{
	struct tm	 tm, check;
	const char	*rest;
	int		 has_time = 0;

	date_use_london();
	memset(&tm, 0, sizeof tm);
	if (s == NULL || (rest = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		goto bad;
	if (*rest == 'T' || *rest == ' ') {
		if ((rest = strptime(rest + 1, "%H:%M", &tm)) == NULL)
			goto bad;
		if (*rest == ':' && (rest = strptime(rest + 1, "%S", &tm)) == NULL)
			goto bad;
		has_time = 1;
	}
	if (*rest != '\0')
		goto bad;
	if (!has_time && end_of_day) {
		tm.tm_hour = 23;
		tm.tm_min = 59;
		tm.tm_sec = 59;
	}
	check = tm;
	tm.tm_isdst = -1;
	if ((*out = mktime(&tm)) == (time_t)-1)
		goto bad;
	/* mktime normalises 2026-02-30 into March; refuse it instead. */
	if (tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon)
		goto bad;
	return 0;

bad:
	errfmt(err, errlen, "'%s' is not a date (use YYYY-MM-DD or "
	    "YYYY-MM-DD HH:MM, UK time)", s != NULL ? s : "");
	return -1;
}

/* "2026-12-01T00:00:00Z" or MariaDB's "2026-12-01 00:00:00[.ffffff]". */
int
date_parse_utc(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*rest;

	memset(&tm, 0, sizeof tm);
	if (s == NULL ||
	    (rest = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return -1;
	if (*rest == 'T' || *rest == ' ') {
		if ((rest = strptime(rest + 1, "%H:%M:%S", &tm)) == NULL)
			return -1;
		if (*rest == '.')
			for (rest++; isdigit((unsigned char)*rest); rest++)
				;
		if (*rest == 'Z')
			rest++;
	}
	if (*rest != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

const char *
date_format_utc(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* "1 Dec 2026 09:30" in London time, as a letter would put it. */
const char *
date_format_local(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	date_use_london();
	localtime_r(&t, &tm);
	snprintf(buf, len, "%d ", tm.tm_mday);
	strftime(buf + strlen(buf), len - strlen(buf), "%b %Y %H:%M", &tm);
	return buf;
}

int
date_year_local(time_t t)
{
	struct tm	tm;

	date_use_london();
	localtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

/* Today's date in London, "YYYY-MM-DD", and the hour there. */
void
date_today_local(char *buf, size_t len, int *hour)
{
	time_t		now = time(NULL);
	struct tm	tm;

	date_use_london();
	localtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
	if (hour != NULL)
		*hour = tm.tm_hour;
}

/* "2026-12-01 09:30:00" in London time: what date_parse_local() reads. */
const char *
date_format_local_input(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	date_use_london();
	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}
