/*
 * workday.c: working days, for the decision targets promised to
 * applicants: Monday to Friday, less the bank holidays in a list the
 * funder keeps (data/bank-holidays.txt), since those are announced, moved
 * and added (a coronation, a jubilee) rather than computed. Pure: the
 * caller reads the file and says what today is.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grant.h"

/* Days since 1970-01-01 in the proleptic Gregorian calendar. */
long
workday_day(int y, int m, int d)
{
	long	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
workday_ymd(long day, int *y, int *m, int *d)
{
	long	z = day + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 Monday ... 6 Sunday (1970-01-01 was a Thursday). */
int
workday_weekday(long day)
{
	long	w = (day + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

/* "2026-12-25", exactly, and a real date; 0, or -1. */
int
workday_parse_date(const char *s, long *day)
{
	int	y, m, d, dy, dm, dd;
	size_t	i;

	if (s == NULL || strlen(s) < 10)
		return -1;
	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' :
		    !isdigit((unsigned char)s[i]))
			return -1;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = workday_day(y, m, d);
	workday_ymd(*day, &dy, &dm, &dd);
	return dy == y && dm == m && dd == d ? 0 : -1;
}

static int
workday_cmp(const void *a, const void *b)
{
	long	x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/*
 * The holidays list: one YYYY-MM-DD a line, anything after it a comment
 * ('#' for choice); blank and '#' lines skipped. A line that is not a
 * date is an error naming it, so a typing slip is not silently a workday.
 */
int
workday_load(struct workday_calendar *c, const char *text, char *err,
    size_t errlen)
{
	const char	*p, *end;
	int		 line = 0;
	long		 day;

	c->n = 0;
	for (p = text; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "\n");
		line++;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p == end || *p == '#')
			continue;
		if (workday_parse_date(p, &day) == -1 || (p + 10 < end &&
		    !isspace((unsigned char)p[10]) && p[10] != '#')) {
			errfmt(err, errlen, "line %d: '%.*s' is not a date "
			    "(YYYY-MM-DD)", line, (int)(end - p > 40 ? 40 :
			    end - p), p);
			return -1;
		}
		if (c->n == WORKDAY_MAX_HOLIDAYS) {
			errfmt(err, errlen, "line %d: more than %d holidays",
			    line, WORKDAY_MAX_HOLIDAYS);
			return -1;
		}
		c->days[c->n++] = day;
	}
	qsort(c->days, c->n, sizeof c->days[0], workday_cmp);
	return 0;
}

int
workday_is_working(const struct workday_calendar *c, long day)
{
	if (workday_weekday(day) >= 5)
		return 0;
	return c == NULL || bsearch(&day, c->days, c->n, sizeof c->days[0],
	    workday_cmp) == NULL;
}

/* The n-th working day after day (day itself never counts). */
long
workday_add(const struct workday_calendar *c, long day, int n)
{
	while (n > 0)
		if (workday_is_working(c, ++day))
			n--;
	return day;
}

/*
 * Working days after from, up to and including to: what is left until a
 * target. When to is before from, minus those after to up to and
 * including from: how far past it.
 */
long
workday_between(const struct workday_calendar *c, long from, long to)
{
	long	n = 0, d;

	if (to < from)
		return -workday_between(c, to, from);
	for (d = from + 1; d <= to; d++)
		n += workday_is_working(c, d);
	return n;
}

/* "Friday 11 December 2026", as a letter says it. */
const char *
workday_format(long day, char *buf, size_t len)
{
	static const char *days[] = { "Monday", "Tuesday", "Wednesday",
	    "Thursday", "Friday", "Saturday", "Sunday" };
	static const char *months[] = { "January", "February", "March",
	    "April", "May", "June", "July", "August", "September", "October",
	    "November", "December" };
	int	y, m, d;

	workday_ymd(day, &y, &m, &d);
	snprintf(buf, len, "%s %d %s %d", days[workday_weekday(day)], d,
	    months[m - 1], y);
	return buf;
}

/* "2026-12-11". */
const char *
workday_iso(long day, char *buf, size_t len)
{
	int	y, m, d;

	workday_ymd(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
	return buf;
}

/* Today in UK time, as a day number. */
long
workday_today(void)
{
	char	today[16];
	long	day = 0;

	date_today_local(today, sizeof today, NULL);
	workday_parse_date(today, &day);
	return day;
}
