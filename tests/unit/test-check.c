/* test-check.c: what outside input may be — addresses, codes, text shown
 * in a terminal, lengths bounded to their columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grant.h"

static void
test_check_address(void **state)
{
	const char	*good[] = { "group@example.org", "a.b+fg@mail.example.co.uk",
	    "grants@localhost", "café@exämple.org", "x@a-b.org" };
	const char	*bad[] = { "", "@example.org", "group@", "a@b>x",
	    "a b@example.org", "a@@example.org", "a@b@example.org",
	    ".a@example.org", "a.@example.org", "a..b@example.org",
	    "a@.example.org", "a@example..org", "a@example.org.",
	    "a@-example.org", "a@example.org-", "\"a\"@example.org",
	    "a@[127.0.0.1]", "a\n@example.org", "a;b@example.org" };
	char		 longer[300];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!check_address(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (check_address(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
	assert_false(check_address(NULL));
	memset(longer, 'a', sizeof longer);
	strcpy(longer + 250, "@example.org");	/* 262 bytes */
	assert_false(check_address(longer));
	/* Applicants must give a public address. */
	assert_true(check_address_public("group@example.org"));
	assert_false(check_address_public("group@gmail"));
	assert_false(check_address_public("group@gmail.c"));
	assert_false(check_address_public("grants@localhost"));
}

static void
test_check_code(void **state)
{
	(void)state;
	assert_true(check_code("FG", 2, 10, 0));
	assert_true(check_code("SAF2", 2, 10, 0));
	assert_false(check_code("F", 2, 10, 0));
	assert_false(check_code("FG-1", 2, 10, 0));
	assert_false(check_code("fg", 2, 10, 0));
	assert_false(check_code("2FG", 2, 10, 0));
	assert_false(check_code("ABCDEFGHIJK", 2, 10, 0));
	assert_true(check_code("FG-2026-0042", 1, 32, 1));
	assert_false(check_code("FG-2026-0042;", 1, 32, 1));
	assert_false(check_code(NULL, 1, 32, 1));
}

static void
clean_is(const char *in, int multiline, const char *want)
{
	char	*s = strdup(in);

	check_text_clean(s, multiline);
	if (strcmp(s, want) != 0)
		fail_msg("clean('%s') = '%s', wanted '%s'", in, s, want);
	free(s);
}

static void
escape_is(const char *in, const char *want)
{
	char	*s = check_text_escape(in, 0);

	if (strcmp(s, want) != 0)
		fail_msg("escape gave '%s', wanted '%s'", s, want);
	free(s);
}

static void
test_check_text(void **state)
{
	(void)state;
	clean_is("Caf\xc3\xa9 \x1b[2J\x1b[31mUnion\x1b[0m", 0, "Café Union");
	clean_is("a\x1b]0;evil title\x07z", 0, "az");
	clean_is("a\x1b]0;t\x1b\\z", 0, "az");
	clean_is("a\xc2\x9b" "31mz", 0, "az");		/* C1 CSI */
	clean_is("line\r\nnext\tx", 0, "line next x");
	clean_is("line\nnext\tx\a", 1, "line\nnext\tx");
	clean_is("\x1b", 0, "");
	clean_is("Urdu \xd8\xa7\xd8\xb1\xd8\xaf\xd9\x88", 0,
	    "Urdu \xd8\xa7\xd8\xb1\xd8\xaf\xd9\x88");
	escape_is("ok \x1b[2J", "ok \\e[2J");
	escape_is("bell\a", "bell\\x07");
	escape_is("c1 \xc2\x85", "c1 \\u0085");
	escape_is("bad \xff\xc3", "bad \\xff\\xc3");
	escape_is("£ é Ū ’", "£ é Ū ’");
	escape_is("a\nb", "a\\x0ab");
}

static void
test_check_bound(void **state)
{
	char	s[64];

	(void)state;
	strcpy(s, "short");
	assert_int_equal(check_bound(s, 10), 0);
	assert_string_equal(s, "short");
	strcpy(s, "exactly ten");
	assert_int_equal(check_bound(s, 11), 0);
	strcpy(s, "a longer value than allowed");
	assert_int_equal(check_bound(s, 10), 1);
	assert_string_equal(s, "a longe...");
	strcpy(s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");	/* éééé, 8 bytes */
	assert_int_equal(check_bound(s, 6), 1);
	assert_string_equal(s, "\xc3\xa9...");		/* never half an é */
	assert_true(strlen(s) <= 6);
}

static void
test_check_bound_ids(void **state)
{
	char	s[64], *c;

	(void)state;
	strcpy(s, "a@x b@x c@x");
	assert_int_equal(check_bound_ids(s, 11), 0);
	assert_string_equal(s, "a@x b@x c@x");
	/* The first and the last kept whole; the middle dropped. */
	strcpy(s, "first@x mid1@x mid2@x last@x");
	assert_int_equal(check_bound_ids(s, 20), 1);
	assert_string_equal(s, "first@x last@x");
	strcpy(s, "first@x mid1@x mid2@x last@x");
	assert_int_equal(check_bound_ids(s, 22), 1);
	assert_string_equal(s, "first@x mid2@x last@x");
	/* No whole id fits after the first: only the first. */
	strcpy(s, "first@x a-very-long-last-one@x");
	assert_int_equal(check_bound_ids(s, 12), 1);
	assert_string_equal(s, "first@x");
	/* The first alone too long: cut and marked. */
	strcpy(s, "a-very-long-first-id@x b@x");
	assert_int_equal(check_bound_ids(s, 10), 1);
	assert_string_equal(s, "a-very-...");
	c = check_bounded("a longer value than allowed", 10);
	assert_string_equal(c, "a longe...");
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_address),
		cmocka_unit_test(test_check_code),
		cmocka_unit_test(test_check_text),
		cmocka_unit_test(test_check_bound),
		cmocka_unit_test(test_check_bound_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
