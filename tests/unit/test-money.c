/* test-money.c: amounts as people type them, into integer pence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "grant.h"

static void
parses(const char *in, int64_t want)
{
	int64_t	got = -1;
	char	err[GRANT_ERRLEN] = "";

	if (money_parse(in, &got, err, sizeof err) != 0)
		fail_msg("'%s' refused: %s", in, err);
	if (got != want)
		fail_msg("'%s' gave %lld pence, wanted %lld", in,
		    (long long)got, (long long)want);
}

static void
refuses(const char *in, const char *why)
{
	int64_t	got = 12345;
	char	err[GRANT_ERRLEN] = "";

	if (money_parse(in, &got, err, sizeof err) != -1)
		fail_msg("'%s' accepted as %lld", in, (long long)got);
	if (strstr(err, why) == NULL)
		fail_msg("'%s': error '%s' lacks '%s'", in, err, why);
	assert_int_equal(got, 12345);	/* untouched on failure */
}

static void
test_money_accepts(void **state)
{
	parses("1234", 123400);
	parses("1234.56", 123456);
	parses("1234.5", 123450);
	parses("£1,234.56", 123456);
	parses("£450", 45000);
	parses(" 450 ", 45000);
	parses("GBP 450", 45000);
	parses("gbp450.00", 45000);
	parses("0", 0);
	parses("0.01", 1);
	parses("1,000,000", 100000000);
	parses("£9,999,999,999,999.99", 999999999999999);
}

static void
test_money_refuses(void **state)
{
	refuses("-5", "negative");
	refuses("£-5", "negative");
	refuses("1.234", "more than two decimal places");
	refuses("abc", "not an amount");
	refuses("", "not an amount");
	refuses("£", "not an amount");
	refuses("12,34", "not an amount");
	refuses("1,2345", "not an amount");
	refuses(",123", "not an amount");
	refuses("1234,567", "not an amount");
	refuses("1.", "not an amount");
	refuses(".5", "not an amount");
	refuses("1e5", "not an amount");
	refuses("12 34", "not an amount");
	refuses("450 pounds", "not an amount");
	refuses("$450", "not an amount");
	refuses("10000000000000", "too large");
	refuses("99999999999999999999999", "too large");
	refuses(NULL, "no amount");
}

static void
test_money_format(void **state)
{
	char	buf[MONEY_BUFLEN];

	assert_string_equal(money_format(0, buf, sizeof buf), "£0.00");
	assert_string_equal(money_format(1, buf, sizeof buf), "£0.01");
	assert_string_equal(money_format(45000, buf, sizeof buf), "£450.00");
	assert_string_equal(money_format(123456, buf, sizeof buf), "£1,234.56");
	assert_string_equal(money_format(85000000, buf, sizeof buf),
	    "£850,000.00");
	assert_string_equal(money_format(-150, buf, sizeof buf), "-£1.50");
	assert_string_equal(money_format(INT64_MIN, buf, sizeof buf),
	    "-£92,233,720,368,547,758.08");
}

static void
test_money_round_trip(void **state)
{
	char	buf[MONEY_BUFLEN];
	int64_t	v, back;

	for (v = 0; v < 200000; v += 997) {
		money_format(v, buf, sizeof buf);
		assert_int_equal(money_parse(buf, &back, NULL, 0), 0);
		assert_int_equal(back, v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_accepts),
		cmocka_unit_test(test_money_refuses),
		cmocka_unit_test(test_money_format),
		cmocka_unit_test(test_money_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
