/* test-state.c: the lifecycles allow exactly the moves HACKING.md names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "grant.h"

static void
test_round_moves(void **state)
{
	static const char *order[] = { "draft", "open", "closed", "assessing",
	    "decided", "archived" };
	size_t	i, j;

	for (i = 0; i < 6; i++)
		for (j = 0; j < 6; j++)
			assert_int_equal(state_can_move(STATE_ROUND, order[i],
			    order[j]), j == i + 1);
	assert_false(state_can_move(STATE_ROUND, "draft", "opened"));
	assert_false(state_can_move(STATE_ROUND, NULL, "open"));
	assert_false(state_valid(STATE_ROUND, "Draft"));
}

static void
test_application_moves(void **state)
{
	assert_true(state_can_move(STATE_APPLICATION, "received", "eligible"));
	assert_true(state_can_move(STATE_APPLICATION, "incomplete", "eligible"));
	assert_true(state_can_move(STATE_APPLICATION, "scored", "waitlisted"));
	assert_false(state_can_move(STATE_APPLICATION, "received", "approved"));
	assert_false(state_can_move(STATE_APPLICATION, "declined", "approved"));
	/* withdrawn from anywhere, but not again */
	assert_true(state_can_move(STATE_APPLICATION, "received", "withdrawn"));
	assert_true(state_can_move(STATE_APPLICATION, "scored", "withdrawn"));
	assert_false(state_can_move(STATE_APPLICATION, "withdrawn", "withdrawn"));
	assert_false(state_can_move(STATE_APPLICATION, "withdrawn", "received"));
}

static void
test_money_paths(void **state)
{
	/* a tranche is paid only through a payment run */
	assert_false(state_can_move(STATE_TRANCHE, "due", "paid"));
	assert_true(state_can_move(STATE_TRANCHE, "in_run", "paid"));
	assert_false(state_can_move(STATE_TRANCHE, "paid", "in_run"));
	assert_false(state_can_move(STATE_PAYRUN, "draft", "exported"));
	assert_true(state_can_move(STATE_PAYRUN, "approved", "exported"));
	assert_true(state_can_move(STATE_GRANT, "suspended", "active"));
	assert_false(state_can_move(STATE_GRANT, "completed", "active"));
	assert_string_equal(state_machine_name(STATE_PAYRUN), "payment run");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_moves),
		cmocka_unit_test(test_application_moves),
		cmocka_unit_test(test_money_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
