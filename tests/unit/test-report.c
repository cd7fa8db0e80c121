/* test-report.c: the report's arithmetic: nearest-rank percentiles, the
 * change in a mean rounded half away from zero, postcode districts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "domain/domain.h"

struct config	*grantd_config;

static void
test_rank(void **state)
{
	static const long long	one[] = { 7 };
	static const long long	ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const long long	eleven[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
				    11 };

	(void)state;
	assert_int_equal(report_rank(one, 1, 50), 7);
	assert_int_equal(report_rank(one, 1, 90), 7);
	/* ⌈0.5 × 10⌉ = 5, ⌈0.9 × 10⌉ = 9: no averaging of the middle two. */
	assert_int_equal(report_rank(ten, 10, 50), 5);
	assert_int_equal(report_rank(ten, 10, 90), 9);
	/* ⌈0.5 × 11⌉ = 6, ⌈0.9 × 11⌉ = ⌈9.9⌉ = 10. */
	assert_int_equal(report_rank(eleven, 11, 50), 6);
	assert_int_equal(report_rank(eleven, 11, 90), 10);
	assert_int_equal(report_rank(ten, 4, 50), 2);
}

static void
test_change(void **state)
{
	(void)state;
	/* 6/1 - 5/1 = 1.00 */
	assert_int_equal(report_change(5, 1, 6, 1), 100);
	/* 7/2 - 3/1 = 0.50 */
	assert_int_equal(report_change(3, 1, 7, 2), 50);
	/* 1/3 - 0 = 0.333… → 33; 2/3 → 67 */
	assert_int_equal(report_change(0, 1, 1, 3), 33);
	assert_int_equal(report_change(0, 1, 2, 3), 67);
	/* half a hundredth: 1/200 → 1, and -1/200 → -1 (away from zero) */
	assert_int_equal(report_change(0, 1, 1, 200), 1);
	assert_int_equal(report_change(1, 200, 0, 1), -1);
	assert_int_equal(report_change(4, 1, 4, 1), 0);
}

static void
test_district(void **state)
{
	char	d[16];

	(void)state;
	report_district("OL1 2AB", d, sizeof d);
	assert_string_equal(d, "OL1");
	report_district("SK15 1JK", d, sizeof d);
	assert_string_equal(d, "SK15");
	report_district("M11AA", d, sizeof d);
	assert_string_equal(d, "M1");
	report_district("AB", d, sizeof d);
	assert_string_equal(d, "");
	report_district("", d, sizeof d);
	assert_string_equal(d, "");
	report_district(NULL, d, sizeof d);
	assert_string_equal(d, "");
	report_district("AVERYLONGOUTWARDCODE 1AA", d, sizeof d);
	assert_string_equal(d, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_district),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
