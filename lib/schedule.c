/*
 * schedule.c: a grant's payment plan as tranches, pure arithmetic. The
 * amounts always add up to the award exactly, in pence, the remainder
 * on the last tranche, so nothing is lost or paid twice to rounding;
 * every due date is a working day, moved back (never forward) over
 * weekends and bank holidays, so money is never later than promised.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grant.h"

static const char *schedule_names[] = {
	"single", "quarterly", "yearly", "taper", "custom"
};

static int
schedule_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
schedule_month_days(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return m == 2 && schedule_leap(y) ? 29 : n[m - 1];
}

/* day plus months, the day of the month kept where the month has it
 * (31 January + 1 month is the last day of February). */
long
schedule_add_months(long day, int months)
{
	int	y, m, d, dim;

	workday_ymd(day, &y, &m, &d);
	m += months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	if ((dim = schedule_month_days(y, m)) < d)
		d = dim;
	return workday_day(y, m, d);
}

/* The day itself if a working day, else the working day before it. */
long
schedule_working_before(const struct workday_calendar *cal, long day)
{
	while (!workday_is_working(cal, day))
		day--;
	return day;
}

/* "100,50,20" → shares; each 1 to 100. */
static int
schedule_shares(struct schedule_spec *s, const char *text, char *err,
    size_t errlen)
{
	const char	*p = text;
	char		*end;
	long		 v;

	s->nshares = 0;
	while (p != NULL && *p != '\0') {
		if (!isdigit((unsigned char)*p) || (v = strtol(p, &end, 10)) < 1
		    || v > 100 || (*end != ',' && *end != '\0')) {
			errfmt(err, errlen, "--shares takes percentages from 1 "
			    "to 100 separated by commas, such as 100,50,20");
			return -1;
		}
		if (s->nshares == SCHEDULE_MAX_YEARS) {
			errfmt(err, errlen, "at most %d shares, one a year",
			    SCHEDULE_MAX_YEARS);
			return -1;
		}
		s->shares[s->nshares++] = (int)v;
		p = *end == ',' ? end + 1 : end;
	}
	if (s->nshares == 0) {
		errfmt(err, errlen, "a taper plan needs --shares, such as "
		    "--shares 100,50,20");
		return -1;
	}
	return 0;
}

/* "2027-01-15:1,250.00" → a day and pence. */
static int
schedule_custom(struct schedule_spec *s, const char *text, char *err,
    size_t errlen)
{
	char	date[11], merr[GRANT_ERRLEN];
	long	day;
	int64_t	amount;

	if (strlen(text) < 12 || text[10] != ':') {
		errfmt(err, errlen, "--tranche takes DATE:AMOUNT, such as "
		    "2027-04-01:2500.00, not '%s'", text);
		return -1;
	}
	memcpy(date, text, 10);
	date[10] = '\0';
	if (workday_parse_date(date, &day) == -1) {
		errfmt(err, errlen, "'%s' is not a date (YYYY-MM-DD)", date);
		return -1;
	}
	if (money_parse(text + 11, &amount, merr, sizeof merr) == -1) {
		errfmt(err, errlen, "tranche on %s: %s", date, merr);
		return -1;
	}
	if (amount <= 0) {
		errfmt(err, errlen, "tranche on %s: a tranche must be more "
		    "than £0.00", date);
		return -1;
	}
	if (s->ncustom == SCHEDULE_MAX) {
		errfmt(err, errlen, "at most %d tranches", SCHEDULE_MAX);
		return -1;
	}
	s->custom_day[s->ncustom] = day;
	s->custom_amount[s->ncustom++] = amount;
	return 0;
}

/*
 * A plan as text, the words grantctl takes: "single", "quarterly
 * --years 2", "yearly --years 3", "taper --shares 100,50,20", "custom
 * --tranche 2027-01-15:500 --tranche 2027-06-01:500". The same text is
 * kept with the grant, so a plan read back is the plan given.
 */
int
schedule_parse(const char *text, struct schedule_spec *s, char *err,
    size_t errlen)
{
	char	*copy, *p, *word, *opt = NULL;
	size_t	 i;
	int	 rc = -1, kind = -1;

	memset(s, 0, sizeof *s);
	copy = xstrdup(text != NULL ? text : "");
	p = copy;
	while ((word = strsep(&p, " \t")) != NULL) {
		if (*word == '\0')
			continue;
		if (kind == -1) {
			for (i = 0; i < sizeof schedule_names /
			    sizeof schedule_names[0]; i++)
				if (strcmp(word, schedule_names[i]) == 0)
					kind = (int)i;
			if (kind == -1) {
				errfmt(err, errlen, "no plan called '%s': "
				    "single, quarterly, yearly, taper or "
				    "custom", word);
				goto out;
			}
			continue;
		}
		if (opt == NULL) {
			opt = word;
			continue;
		}
		if (strcmp(opt, "--years") == 0 && (kind ==
		    SCHEDULE_QUARTERLY || kind == SCHEDULE_YEARLY)) {
			char *end;

			s->years = (int)strtol(word, &end, 10);
			if (*end != '\0' || s->years < 1 || s->years >
			    SCHEDULE_MAX_YEARS) {
				errfmt(err, errlen, "--years takes a number "
				    "from 1 to %d", SCHEDULE_MAX_YEARS);
				goto out;
			}
		} else if (strcmp(opt, "--shares") == 0 && kind ==
		    SCHEDULE_TAPER) {
			if (schedule_shares(s, word, err, errlen) == -1)
				goto out;
		} else if (strcmp(opt, "--tranche") == 0 && kind ==
		    SCHEDULE_CUSTOM) {
			if (schedule_custom(s, word, err, errlen) == -1)
				goto out;
		} else {
			errfmt(err, errlen, "a %s plan does not take %s",
			    schedule_names[kind], opt);
			goto out;
		}
		opt = NULL;
	}
	if (kind == -1) {
		errfmt(err, errlen, "no plan given: single, quarterly, yearly, "
		    "taper or custom");
		goto out;
	}
	s->kind = kind;
	if (opt != NULL)
		errfmt(err, errlen, "%s needs a value", opt);
	else if ((kind == SCHEDULE_QUARTERLY || kind == SCHEDULE_YEARLY) &&
	    s->years == 0)
		errfmt(err, errlen, "a %s plan needs --years N",
		    schedule_names[kind]);
	else if (kind == SCHEDULE_TAPER && s->nshares == 0)
		errfmt(err, errlen, "a taper plan needs --shares, such as "
		    "--shares 100,50,20");
	else if (kind == SCHEDULE_CUSTOM && s->ncustom == 0)
		errfmt(err, errlen, "a custom plan needs at least one "
		    "--tranche DATE:AMOUNT");
	else
		rc = 0;
out:
	free(copy);
	return rc;
}

const char *
schedule_kind_name(enum schedule_kind k)
{
	return schedule_names[k];
}

/* Equal parts of award, the remainder on the last. */
static void
schedule_equal(struct schedule_tranche *t, size_t n, int64_t award)
{
	size_t	i;

	for (i = 0; i < n; i++)
		t[i].amount = award / (int64_t)n;
	t[n - 1].amount += award - award / (int64_t)n * (int64_t)n;
}

/*
 * The award in proportion to the shares, the remainder on the last; a
 * year's match is what the partners pay of that year's cost when the
 * funder pays share percent of it: amount x (100 - share) / share,
 * rounded half up to the penny.
 */
static void
schedule_taper(const struct schedule_spec *s, struct schedule_tranche *t,
    int64_t award)
{
	int64_t	total = 0, sum = 0;
	int	i, n = s->nshares;

	for (i = 0; i < n; i++)
		total += s->shares[i];
	for (i = 0; i < n; i++) {
		t[i].amount = i == n - 1 ? award - sum :
		    award * s->shares[i] / total;
		sum += t[i].amount;
		t[i].has_match = 1;
		t[i].match = (t[i].amount * (100 - s->shares[i]) * 2 +
		    s->shares[i]) / (2 * (int64_t)s->shares[i]);
	}
}

static int
schedule_by_day(const void *a, const void *b)
{
	const struct schedule_tranche *x = a, *y = b;

	return x->day < y->day ? -1 : x->day > y->day;
}

/*
 * The tranches of plan s for award, the first on start (the day the
 * offer was accepted). t holds SCHEDULE_MAX. 0, or -1 with err.
 */
int
schedule_make(const struct schedule_spec *s, const struct workday_calendar
    *cal, long start, int64_t award, struct schedule_tranche *t, size_t *n,
    char *err, size_t errlen)
{
	char	m1[MONEY_BUFLEN], m2[MONEY_BUFLEN];
	int64_t	sum = 0;
	size_t	i;

	memset(t, 0, sizeof *t * SCHEDULE_MAX);
	switch (s->kind) {
	case SCHEDULE_SINGLE:
		*n = 1;
		t[0].day = start;
		t[0].amount = award;
		break;
	case SCHEDULE_QUARTERLY:
	case SCHEDULE_YEARLY:
		*n = (size_t)s->years * (s->kind == SCHEDULE_QUARTERLY ? 4 : 1);
		for (i = 0; i < *n; i++)
			t[i].day = schedule_add_months(start, (int)i *
			    (s->kind == SCHEDULE_QUARTERLY ? 3 : 12));
		schedule_equal(t, *n, award);
		break;
	case SCHEDULE_TAPER:
		*n = (size_t)s->nshares;
		for (i = 0; i < *n; i++)
			t[i].day = schedule_add_months(start, (int)i * 12);
		schedule_taper(s, t, award);
		break;
	case SCHEDULE_CUSTOM:
		*n = (size_t)s->ncustom;
		for (i = 0; i < *n; i++) {
			t[i].day = s->custom_day[i];
			t[i].amount = s->custom_amount[i];
			sum += t[i].amount;
		}
		if (sum != award) {
			errfmt(err, errlen, "the tranches add up to %s, not the "
			    "award of %s", money_format(sum, m1, sizeof m1),
			    money_format(award, m2, sizeof m2));
			return -1;
		}
		qsort(t, *n, sizeof *t, schedule_by_day);
		break;
	}
	for (i = 0; i < *n; i++) {
		if (t[i].amount <= 0) {
			errfmt(err, errlen, "%s is too little to pay in %zu "
			    "tranches", money_format(award, m1, sizeof m1), *n);
			return -1;
		}
		t[i].day = schedule_working_before(cal, t[i].day);
	}
	return 0;
}
