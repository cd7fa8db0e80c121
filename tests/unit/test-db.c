/*
 * test-db.c: a database call's format against its SQL and the types of its
 * arguments, as the db_exec and db_query macros check it on every call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

#define SQL3	"INSERT INTO t (a, b, c) VALUES (?, ?, ?)"

/* check SQL FMT ARGS...: db_params_check on a call as the macros see it. */
#define check(err, sql, ...)						\
	db_params_check((sql), DB_FIRST(__VA_ARGS__, 0), DB_TYPES(__VA_ARGS__), \
	    (err), sizeof (err))
#define DB_FIRST(a, ...)	(a)

static void
test_db_agrees(void **state)
{
	char		 err[GRANT_ERRLEN] = "";
	int64_t		 id = 7;
	int		 n = 3;
	const char	*name = "Fast Grants", *none = NULL;
	char		 buf[16] = "abc";
	const char	*raw = "\x01\x02";
	size_t		 len = 2;

	assert_int_equal(check(err, SQL3, "isd", id, name, n), 0);
	assert_int_equal(check(err, SQL3, "ssi", none, NULL, (int64_t)n), 0);
	assert_int_equal(check(err, SQL3, "sss", buf, "x", name), 0);
	assert_int_equal(check(err, "SELECT 1", ""), 0);
	assert_int_equal(check(err, "INSERT INTO t VALUES (?, ?)", "sb", name,
	    raw, len), 0);
	/* A ? in quoted text is no placeholder. */
	assert_int_equal(check(err, "SELECT 'a?', \"b?\", `c?` FROM t WHERE "
	    "x = 'it\\'s?' AND y = ?", "d", n), 0);
	assert_string_equal(err, "");
}

static void
test_db_wrong_type(void **state)
{
	char		err[GRANT_ERRLEN];
	int		n = 3;
	int64_t		id = 7;
	unsigned int	u = 1;
	const char	*raw = "ab";

	assert_int_equal(check(err, SQL3, "iss", n, "a", "b"), -1);
	assert_string_equal(err, "format \"iss\": parameter 1 ('i') is given "
	    "an int: " SQL3);
	assert_int_equal(check(err, SQL3, "sds", "a", id, "b"), -1);
	assert_string_equal(err, "format \"sds\": parameter 2 ('d') is given "
	    "an int64_t: " SQL3);
	assert_int_equal(check(err, SQL3, "ssd", "a", "b", u), -1);
	assert_string_equal(err, "format \"ssd\": parameter 3 ('d') is given "
	    "an argument of another type: " SQL3);
	assert_int_equal(check(err, SQL3, "sis", "a", "b", "c"), -1);
	assert_string_equal(err, "format \"sis\": parameter 2 ('i') is given "
	    "a char *: " SQL3);
	/* Bytes are a pointer and a size_t, not an int. */
	assert_int_equal(check(err, "SELECT ?", "b", raw, n), -1);
	assert_string_equal(err, "format \"b\": parameter 1 ('b') is given "
	    "a char *: SELECT ?");
}

static void
test_db_wrong_count(void **state)
{
	char	err[GRANT_ERRLEN];

	assert_int_equal(check(err, SQL3, "ss", "a", "b"), -1);
	assert_string_equal(err, "format \"ss\" has 2 parameters, the "
	    "statement 3: " SQL3);
	assert_int_equal(check(err, SQL3, "sss", "a", "b"), -1);
	assert_string_equal(err, "format \"sss\": parameter 3 ('s') is given "
	    "no argument: " SQL3);
	assert_int_equal(check(err, SQL3, "sss", "a", "b", "c", "d"), -1);
	assert_string_equal(err, "format \"sss\" is given 1 more "
	    "argument than it names: " SQL3);
	assert_int_equal(check(err, SQL3, "sxs", "a", "b", "c"), -1);
	assert_string_equal(err, "format \"sxs\": unknown letter 'x': " SQL3);
}

/*
 * Through db_exec itself: the check comes before the connection, so a bad
 * call fails, and says why, with no server at all.
 */
static void
test_db_exec_refuses(void **state)
{
	int	n = 3;

	assert_int_equal(db_exec("DELETE FROM t WHERE id = ?", "i", n), -1);
	assert_non_null(strstr(db_last_error(), "database call does not match "
	    "its format: format \"i\": parameter 1 ('i') is given an int"));
	assert_null(db_query("SELECT a FROM t", "", n));
	assert_non_null(strstr(db_last_error(), "is given 1 more argument"));
	assert_null(db_query_row("SELECT a FROM t WHERE id = ? AND b = ?",
	    "d", n));
	assert_non_null(strstr(db_last_error(), "has 1 parameters, the "
	    "statement 2"));
	assert_int_equal(db_errno(), 0);
	/* A good call gets as far as the missing connection: 2006, gone. */
	assert_int_equal(db_exec("DELETE FROM t WHERE id = ?", "d", n), -1);
	assert_int_equal(db_errno(), 2006);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_db_agrees),
		cmocka_unit_test(test_db_wrong_type),
		cmocka_unit_test(test_db_wrong_count),
		cmocka_unit_test(test_db_exec_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
