/* test-assess.c: a criterion named as an assessor writes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "domain/domain.h"

/* grantd.c's, which the assessment module's mail code reads. */
struct config			*grantd_config;

static struct assess_round	r;

static int
setup(void **state)
{
	static const char	*names[] = { "Need and evidence", "Innovation",
				    "Inclusion", "Health", "Strengths" };
	int			 i;

	(void)state;
	memset(&r, 0, sizeof r);
	r.ncrit = 5;
	for (i = 0; i < 5; i++)
		snprintf(r.name[i], sizeof r.name[i], "%s", names[i]);
	return 0;
}

static void
test_find(void **state)
{
	(void)state;
	assert_int_equal(assess_criterion_find(&r, "need"), 0);
	assert_int_equal(assess_criterion_find(&r, " NEED and EVIDENCE "), 0);
	assert_int_equal(assess_criterion_find(&r, "innov"), 1);
	assert_int_equal(assess_criterion_find(&r, "in"), -2);	/* two */
	assert_int_equal(assess_criterion_find(&r, "health"), 3);
	assert_int_equal(assess_criterion_find(&r, "2"), 1);
	assert_int_equal(assess_criterion_find(&r, "5"), 4);
	assert_int_equal(assess_criterion_find(&r, "2. Innovation"), 1);
	assert_int_equal(assess_criterion_find(&r, "0"), -1);
	assert_int_equal(assess_criterion_find(&r, "6"), -1);
	/* as the letter lists it */
	assert_int_equal(assess_criterion_find(&r, "Health (20%)"), 3);
	assert_int_equal(assess_criterion_find(&r, "Healthy"), -1);
	assert_int_equal(assess_criterion_find(&r, "cost"), -1);
	assert_int_equal(assess_criterion_find(&r, ""), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_find, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
