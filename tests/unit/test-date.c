/* test-date.c: UK dates typed by people, across both clock changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "grant.h"

static void
utc_is(const char *in, int end_of_day, const char *want)
{
	time_t	t;
	char	err[GRANT_ERRLEN], buf[32];

	if (date_parse_local(in, end_of_day, &t, err, sizeof err) != 0)
		fail_msg("'%s' refused: %s", in, err);
	assert_string_equal(date_format_utc(t, buf, sizeof buf), want);
}

static void
test_date_local(void **state)
{
	utc_is("2026-01-15", 0, "2026-01-15T00:00:00Z");	/* GMT */
	utc_is("2026-07-15", 0, "2026-07-14T23:00:00Z");	/* BST */
	utc_is("2026-07-15", 1, "2026-07-15T22:59:59Z");
	utc_is("2026-07-15 09:30", 0, "2026-07-15T08:30:00Z");
	utc_is("2026-07-15T09:30", 0, "2026-07-15T08:30:00Z");
	utc_is("2026-03-29 03:00", 0, "2026-03-29T02:00:00Z");	/* after the change */
	utc_is("2024-02-29", 0, "2024-02-29T00:00:00Z");
}

static void
test_date_refuses(void **state)
{
	static const char *bad[] = { "2026-02-30", "2025-02-29", "2026-13-01",
	    "15/07/2026", "tomorrow", "", "2026-07-15 25:00", "2026-07-15x",
	    NULL };
	const char	**b;
	time_t		 t;
	char		 err[GRANT_ERRLEN];

	for (b = bad; *b != NULL; b++) {
		if (date_parse_local(*b, 0, &t, err, sizeof err) != -1)
			fail_msg("'%s' accepted", *b);
		assert_non_null(strstr(err, "is not a date"));
	}
	assert_int_equal(date_parse_local(NULL, 0, &t, err, sizeof err), -1);
}

static void
test_date_utc_and_display(void **state)
{
	time_t	t;
	char	buf[64];

	assert_int_equal(date_parse_utc("2026-07-14T23:00:00Z", &t), 0);
	assert_string_equal(date_format_local(t, buf, sizeof buf),
	    "15 Jul 2026 00:00");
	assert_int_equal(date_year_local(t), 2026);
	assert_int_equal(date_parse_utc("2026-12-31 23:30:00.123456", &t), 0);
	assert_string_equal(date_format_local(t, buf, sizeof buf),
	    "31 Dec 2026 23:30");
	assert_int_equal(date_parse_utc("yesterday", &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_local),
		cmocka_unit_test(test_date_refuses),
		cmocka_unit_test(test_date_utc_and_display),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
