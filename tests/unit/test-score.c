/* test-score.c: weighted scores and means, exact to the hundredth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "grant.h"

static const char *
fmt(int64_t h)
{
	static char	buf[SCORE_BUFLEN];

	return score_format(h, buf, sizeof buf);
}

/* The Social Action Fund's five criteria, weights adding up to 100. */
static void
test_weighted(void **state)
{
	const int	w[] = { 30, 20, 20, 15, 15 };
	const int	s1[] = { 4, 3, 2, 1, 0 };
	const int	full[] = { 4, 4, 4, 4, 4 };

	(void)state;
	/* 4*30 + 3*20 + 2*20 + 1*15 + 0 = 235 hundredths: 2.35 */
	assert_int_equal(score_weighted(s1, w, 5), 235);
	assert_string_equal(fmt(score_weighted(s1, w, 5)), "2.35");
	assert_string_equal(fmt(score_weighted(full, w, 5)), "4.00");
	assert_int_equal(score_weighted(s1, w, 0), 0);
}

/* One rounding, at the end, half away from zero. */
static void
test_mean(void **state)
{
	(void)state;
	assert_string_equal(fmt(score_mean(235 + 300 + 300, 3)), "2.78");
	assert_string_equal(fmt(score_mean(1, 2)), "0.01");	/* 0.005 up */
	assert_string_equal(fmt(score_mean(1, 3)), "0.00");
	assert_string_equal(fmt(score_mean(2, 3)), "0.01");
	assert_string_equal(fmt(score_mean(-1, 2)), "-0.01");
	assert_string_equal(fmt(score_mean(100, 0)), "0.00");
	/* a criterion's mean: scores 3, 4, 4 */
	assert_string_equal(fmt(score_mean((3 + 4 + 4) * 100, 3)), "3.67");
	/* rounding each assessor first would give a different answer */
	assert_int_equal(score_mean(333 + 333 + 334, 3), 333);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weighted),
		cmocka_unit_test(test_mean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
