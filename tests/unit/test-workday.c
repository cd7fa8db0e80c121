/*
 * test-workday.c: working days for decision targets: weekends, the bank
 * holidays in data/bank-holidays.txt (Christmas and Boxing Day moved off a
 * weekend, Easter), and the holidays file's own format.
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

static void
test_dates(void **state)
{
	long	day;
	int	y, m, d;
	char	buf[64];

	(void)state;
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(workday_weekday(D("1970-01-01")), 3);	/* Thursday */
	assert_int_equal(workday_weekday(D("2026-12-11")), 4);	/* Friday */
	workday_ymd(D("2028-02-29"), &y, &m, &d);
	assert_true(y == 2028 && m == 2 && d == 29);
	assert_int_equal(workday_parse_date("2027-02-29", &day), -1);
	assert_int_equal(workday_parse_date("2026-13-01", &day), -1);
	assert_int_equal(workday_parse_date("26-12-01", &day), -1);
	assert_string_equal(workday_format(D("2026-12-11"), buf, sizeof buf),
	    "Friday 11 December 2026");
}

/* A Friday plus one working day is the Monday; a weekend counts none. */
static void
test_weekends(void **state)
{
	(void)state;
	assert_false(workday_is_working(&cal, D("2026-12-05")));  /* Sat */
	assert_false(workday_is_working(&cal, D("2026-12-06")));  /* Sun */
	assert_true(workday_is_working(&cal, D("2026-12-07")));
	assert_string_equal(iso(workday_add(&cal, D("2026-12-04"), 1)),
	    "2026-12-07");
	/* received on a Saturday: Monday is the first working day */
	assert_string_equal(iso(workday_add(&cal, D("2026-12-05"), 1)),
	    "2026-12-07");
	assert_string_equal(iso(workday_add(&cal, D("2026-11-27"), 10)),
	    "2026-12-11");
	assert_int_equal(workday_between(&cal, D("2026-12-04"),
	    D("2026-12-11")), 5);
	assert_int_equal(workday_between(&cal, D("2026-12-11"),
	    D("2026-12-11")), 0);
	assert_int_equal(workday_between(&cal, D("2026-12-11"),
	    D("2026-12-04")), -5);
}

/*
 * 2026: Christmas on a Friday, Boxing Day on a Saturday, moved to Monday
 * 28th. 2027: both on the weekend, moved to Monday 27th and Tuesday 28th.
 * 2022's rule (Christmas on a Sunday) shows in 2033, outside the file.
 */
static void
test_christmas(void **state)
{
	(void)state;
	assert_false(workday_is_working(&cal, D("2026-12-25")));
	assert_false(workday_is_working(&cal, D("2026-12-28")));
	assert_true(workday_is_working(&cal, D("2026-12-29")));
	assert_string_equal(iso(workday_add(&cal, D("2026-12-24"), 1)),
	    "2026-12-29");
	assert_false(workday_is_working(&cal, D("2027-12-27")));
	assert_false(workday_is_working(&cal, D("2027-12-28")));
	assert_string_equal(iso(workday_add(&cal, D("2027-12-24"), 1)),
	    "2027-12-29");
	/* New Year's Day 2028 is a Saturday: Monday 3rd instead */
	assert_false(workday_is_working(&cal, D("2028-01-03")));
	assert_string_equal(iso(workday_add(&cal, D("2027-12-31"), 1)),
	    "2028-01-04");
	/* ten working days from Friday 18 December 2026 */
	assert_string_equal(iso(workday_add(&cal, D("2026-12-18"), 10)),
	    "2027-01-06");
}

/* Good Friday and Easter Monday move with Easter. */
static void
test_easter(void **state)
{
	(void)state;
	assert_false(workday_is_working(&cal, D("2026-04-03")));
	assert_false(workday_is_working(&cal, D("2026-04-06")));
	assert_string_equal(iso(workday_add(&cal, D("2026-04-02"), 1)),
	    "2026-04-07");
	assert_false(workday_is_working(&cal, D("2027-03-26")));
	assert_false(workday_is_working(&cal, D("2027-03-29")));
	assert_false(workday_is_working(&cal, D("2030-04-19")));
	assert_false(workday_is_working(&cal, D("2030-04-22")));
	assert_true(workday_is_working(&cal, D("2030-04-23")));
	assert_int_equal(workday_between(&cal, D("2026-04-02"),
	    D("2026-04-09")), 3);
}

/* Every year of the file has its eight days, none on a weekend. */
static void
test_file(void **state)
{
	size_t	i;
	int	y, m, d, per[2031] = { 0 };

	(void)state;
	assert_int_equal(cal.n, 7 * 8);
	for (i = 0; i < cal.n; i++) {
		assert_true(workday_weekday(cal.days[i]) < 5);
		workday_ymd(cal.days[i], &y, &m, &d);
		assert_true(y >= 2024 && y <= 2030);
		per[y]++;
	}
	for (y = 2024; y <= 2030; y++)
		assert_int_equal(per[y], 8);
}

static void
test_load(void **state)
{
	struct workday_calendar	*c = calloc(1, sizeof *c);
	char			 err[GRANT_ERRLEN];

	(void)state;
	assert_int_equal(workday_load(c, "# a comment\n\n2026-12-28 # moved\n"
	    "  2026-12-25\r\n2026-12-26\tBoxing Day\n", err, sizeof err), 0);
	assert_int_equal(c->n, 3);
	assert_false(workday_is_working(c, D("2026-12-25")));
	assert_int_equal(workday_load(c, "2026-12-25\n2026-12-32\n", err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(workday_load(c, "25/12/2026\n", err, sizeof err), -1);
	assert_int_equal(workday_load(c, "2026-12-255\n", err, sizeof err), -1);
	assert_int_equal(workday_load(c, "", err, sizeof err), 0);
	assert_int_equal(c->n, 0);
	/* without holidays, only weekends are skipped */
	assert_true(workday_is_working(c, D("2026-12-25")));
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_load),
		cmocka_unit_test_setup(test_weekends, setup_file),
		cmocka_unit_test_setup(test_christmas, setup_file),
		cmocka_unit_test_setup(test_easter, setup_file),
		cmocka_unit_test_setup(test_file, setup_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
