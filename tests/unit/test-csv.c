/* test-csv.c: a panel's spreadsheet as spreadsheets save it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "grant.h"

static struct csv_record	*recs;
static size_t			 nrecs;
static char			 err[GRANT_ERRLEN];

static int
parse(const char *text)
{
	csv_free(recs, nrecs);
	*err = '\0';
	return csv_parse(text, strlen(text), &recs, &nrecs, err, sizeof err);
}

static void
test_plain(void **state)
{
	(void)state;
	assert_int_equal(parse("reference,assessor\nFG-1,ann\n"), 0);
	assert_int_equal(nrecs, 2);
	assert_int_equal(recs[1].nfields, 2);
	assert_string_equal(recs[1].fields[0], "FG-1");
	assert_string_equal(recs[1].fields[1], "ann");
	assert_int_equal(recs[1].line, 2);
	/* no newline at the end, and an empty last field */
	assert_int_equal(parse("a,b,\nc,d,"), 0);
	assert_int_equal(nrecs, 2);
	assert_int_equal(recs[0].nfields, 3);
	assert_int_equal(recs[1].nfields, 3);
	assert_string_equal(recs[1].fields[2], "");
}

/* Commas, doubled quotes and line breaks inside quotes; CRLF; blanks. */
static void
test_quoted(void **state)
{
	(void)state;
	assert_int_equal(parse("h1,h2\r\n\r\n\"Good, but \"\"costs\"\"\",x\r\n"
	    "\"two\r\nlines\",y\r\nlast,z\r\n"), 0);
	assert_int_equal(nrecs, 4);
	assert_string_equal(recs[1].fields[0], "Good, but \"costs\"");
	assert_string_equal(recs[1].fields[1], "x");
	assert_int_equal(recs[1].line, 3);	/* the blank line counted */
	assert_string_equal(recs[2].fields[0], "two\r\nlines");
	assert_int_equal(recs[2].line, 4);
	assert_int_equal(recs[3].line, 6);	/* after a two-line record */
	assert_string_equal(recs[3].fields[1], "z");
	assert_int_equal(parse("\"\",\"\"\n"), 0);
	assert_int_equal(recs[0].nfields, 2);
	assert_string_equal(recs[0].fields[1], "");
}

static void
test_broken(void **state)
{
	(void)state;
	assert_int_equal(parse("a,b\n\"never closed,c\nd\n"), -1);
	assert_string_equal(err, "line 2: a quoted field is never closed");
	assert_int_equal(nrecs, 0);
	assert_int_equal(parse("a,b\nc,\"x\"y\n"), -1);
	assert_non_null(strstr(err, "line 2: something follows"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quoted),
		cmocka_unit_test(test_broken),
	};
	int	rc = cmocka_run_group_tests(tests, NULL, NULL);

	csv_free(recs, nrecs);
	return rc;
}
