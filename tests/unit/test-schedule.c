/*
 * test-schedule.c: payment plans as tranches: amounts that add up to the
 * award exactly with the remainder on the last, month ends and leap
 * years, due dates moved back over weekends and the bank holidays in
 * data/bank-holidays.txt, taper shares with the partners' match, and
 * the plan's text refused in plain words when it is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grant.h"

static struct workday_calendar	cal;
static struct schedule_tranche	t[SCHEDULE_MAX];

static long
D(const char *s)
{
	long	day;

	if (workday_parse_date(s, &day) == -1)
		fail_msg("bad date in test: %s", s);
	return day;
}

static const char *
iso(long day)
{
	static char	buf[16];

	return workday_iso(day, buf, sizeof buf);
}

static int
setup_file(void **state)
{
	char	*text, err[GRANT_ERRLEN];
	size_t	 len;

	(void)state;
	if ((text = file_read(BANK_HOLIDAYS, 1 << 20, &len)) == NULL)
		return -1;
	if (workday_load(&cal, text, err, sizeof err) == -1) {
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

/* Make plan for award from start; the number of tranches. */
static size_t
make(const char *plan, const char *start, int64_t award)
{
	struct schedule_spec	s;
	char			err[GRANT_ERRLEN];
	size_t			n = 0;

	if (schedule_parse(plan, &s, err, sizeof err) == -1)
		fail_msg("%s: %s", plan, err);
	if (schedule_make(&s, &cal, D(start), award, t, &n, err, sizeof err)
	    == -1)
		fail_msg("%s: %s", plan, err);
	return n;
}

static int64_t
sum(size_t n)
{
	int64_t	s = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		s += t[i].amount;
	return s;
}

static void
test_single(void **state)
{
	(void)state;
	assert_int_equal(make("single", "2027-03-31", 500000), 1);
	assert_string_equal(iso(t[0].day), "2027-03-31");
	assert_int_equal(t[0].amount, 500000);
	/* Monday 28 December 2026 is the Boxing Day holiday, Friday the
	 * 25th Christmas: the working day before is Thursday the 24th. */
	make("single", "2026-12-28", 500000);
	assert_string_equal(iso(t[0].day), "2026-12-24");
}

static void
test_quarterly_remainder(void **state)
{
	size_t	n, i;

	(void)state;
	n = make("quarterly --years 2", "2026-12-31", 100001);
	assert_int_equal(n, 8);
	for (i = 0; i < 7; i++)
		assert_int_equal(t[i].amount, 12500);
	assert_int_equal(t[7].amount, 12501);
	assert_int_equal(sum(n), 100001);
	assert_string_equal(iso(t[0].day), "2026-12-31");
	assert_string_equal(iso(t[1].day), "2027-03-31");
	assert_string_equal(iso(t[2].day), "2027-06-30");
	assert_string_equal(iso(t[3].day), "2027-09-30");
	assert_string_equal(iso(t[4].day), "2027-12-31");
	/* 31 March 2028 is a Friday */
	assert_string_equal(iso(t[5].day), "2028-03-31");
	/* Saturday 30 September 2028: Friday the 29th */
	assert_string_equal(iso(t[7].day), "2028-09-29");
	/* one penny in three tranches cannot be paid */
	{
		struct schedule_spec	s;
		char			err[GRANT_ERRLEN];

		assert_int_equal(schedule_parse("yearly --years 3", &s, err,
		    sizeof err), 0);
		assert_int_equal(schedule_make(&s, &cal, D("2027-01-04"), 2, t,
		    &n, err, sizeof err), -1);
		assert_string_equal(err, "£0.02 is too little to pay in 3 "
		    "tranches");
	}
}

static void
test_month_ends_and_leap_years(void **state)
{
	(void)state;
	/* the 30th: February 2028 has 29 days, 2027 only 28 */
	make("quarterly --years 1", "2027-11-30", 400000);
	assert_string_equal(iso(t[1].day), "2028-02-29");
	assert_string_equal(iso(t[2].day), "2028-05-30");
	/* Sunday 28 February 2027: Friday the 26th */
	make("quarterly --years 1", "2026-11-30", 400000);
	assert_string_equal(iso(t[1].day), "2027-02-26");
	/* a year after 29 February is 28 February */
	make("yearly --years 2", "2028-02-29", 300000);
	assert_string_equal(iso(t[0].day), "2028-02-29");
	assert_string_equal(iso(t[1].day), "2029-02-28");
	assert_int_equal(t[0].amount, 150000);
	assert_int_equal(t[1].amount, 150000);
	assert_int_equal(schedule_add_months(D("2027-01-31"), 1),
	    D("2027-02-28"));
	assert_int_equal(schedule_add_months(D("2027-11-15"), 3),
	    D("2028-02-15"));
	/* a spring bank holiday, Monday 31 May 2027: Friday the 28th */
	make("yearly --years 1", "2027-05-31", 100);
	assert_string_equal(iso(t[0].day), "2027-05-28");
}

static void
test_taper(void **state)
{
	size_t	n;

	(void)state;
	n = make("taper --shares 100,50,20", "2027-04-01", 1700000);
	assert_int_equal(n, 3);
	assert_int_equal(t[0].amount, 1000000);
	assert_int_equal(t[1].amount, 500000);
	assert_int_equal(t[2].amount, 200000);
	assert_int_equal(t[0].match, 0);
	assert_int_equal(t[1].match, 500000);
	assert_int_equal(t[2].match, 800000);
	assert_string_equal(iso(t[1].day), "2028-03-31");	/* Sat 1 Apr */
	/* 100 pence in 100:50:20 is 58.8, 29.4, 11.8: floors, then the
	 * rest on the last */
	n = make("taper --shares 100,50,20", "2027-04-01", 100);
	assert_int_equal(t[0].amount, 58);
	assert_int_equal(t[1].amount, 29);
	assert_int_equal(t[2].amount, 13);
	assert_int_equal(sum(n), 100);
	assert_int_equal(t[2].match, 52);
	/* a third of a penny rounds half up: 1 x 67/33 = 2.03 → 2 */
	make("taper --shares 33", "2027-04-01", 1);
	assert_int_equal(t[0].match, 2);
}

static void
test_custom(void **state)
{
	struct schedule_spec	s;
	char			err[GRANT_ERRLEN];
	size_t			n;

	(void)state;
	n = make("custom --tranche 2027-09-01:£1,000.50 --tranche "
	    "2027-04-03:250", "2027-01-01", 125050);
	assert_int_equal(n, 2);
	/* in date order; Saturday 3 April 2027 to Friday the 2nd */
	assert_int_equal(t[0].amount, 25000);
	assert_int_equal(t[1].amount, 100050);
	assert_string_equal(iso(t[0].day), "2027-04-02");
	assert_string_equal(iso(t[1].day), "2027-09-01");
	assert_int_equal(schedule_parse("custom --tranche 2027-04-01:100",
	    &s, err, sizeof err), 0);
	assert_int_equal(schedule_make(&s, &cal, D("2027-01-01"), 20000, t,
	    &n, err, sizeof err), -1);
	assert_string_equal(err, "the tranches add up to £100.00, not the "
	    "award of £200.00");
}

static void
test_parse_errors(void **state)
{
	struct schedule_spec	s;
	char			err[GRANT_ERRLEN];

	(void)state;
#define REFUSED(text, msg) do {						\
	assert_int_equal(schedule_parse(text, &s, err, sizeof err), -1);	\
	assert_string_equal(err, msg);					\
} while (0)
	REFUSED("monthly", "no plan called 'monthly': single, quarterly, "
	    "yearly, taper or custom");
	REFUSED("", "no plan given: single, quarterly, yearly, taper or "
	    "custom");
	REFUSED("quarterly", "a quarterly plan needs --years N");
	REFUSED("yearly --years 0", "--years takes a number from 1 to 10");
	REFUSED("yearly --years 2x", "--years takes a number from 1 to 10");
	REFUSED("taper --shares 100,0", "--shares takes percentages from 1 "
	    "to 100 separated by commas, such as 100,50,20");
	REFUSED("taper --shares 100,101", "--shares takes percentages from 1 "
	    "to 100 separated by commas, such as 100,50,20");
	REFUSED("single --years 2", "a single plan does not take --years");
	REFUSED("custom --tranche 2027-02-30:100", "'2027-02-30' is not a "
	    "date (YYYY-MM-DD)");
	REFUSED("custom --tranche 2027-02-01", "--tranche takes DATE:AMOUNT, "
	    "such as 2027-04-01:2500.00, not '2027-02-01'");
	REFUSED("custom --tranche 2027-02-01:0", "tranche on 2027-02-01: a "
	    "tranche must be more than £0.00");
	REFUSED("custom", "a custom plan needs at least one --tranche "
	    "DATE:AMOUNT");
	REFUSED("yearly --years", "--years needs a value");
	assert_int_equal(schedule_parse("taper --shares 100,50,20", &s, err,
	    sizeof err), 0);
	assert_int_equal(s.nshares, 3);
	assert_int_equal(s.shares[2], 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_quarterly_remainder),
		cmocka_unit_test(test_month_ends_and_leap_years),
		cmocka_unit_test(test_taper),
		cmocka_unit_test(test_custom),
		cmocka_unit_test(test_parse_errors),
	};

	return cmocka_run_group_tests(tests, setup_file, NULL);
}
