/*
 * test-eligibility.c: the pure parts of the eligibility rules — postcode
 * districts and ranges read, matched at their edges, and organisations'
 * names folded so that one group is one group however it writes itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "domain/domain.h"

/* The module's overrule sends letters; grantd's configuration is not run. */
struct config	*grantd_config;

static const char *
canon(const char *in)
{
	static char	out[ROUND_AREAS_LEN];
	char		err[GRANT_ERRLEN];

	if (elig_areas_parse(in, out, sizeof out, err, sizeof err) == -1)
		return NULL;
	return out;
}

static void
test_areas_parse(void **state)
{
	char	out[ROUND_AREAS_LEN], err[GRANT_ERRLEN];

	(void)state;
	assert_string_equal(canon("OL1-OL16,M35"), "OL1-OL16,M35");
	assert_string_equal(canon(" ol1 - ol16 , m35 "), "OL1-OL16,M35");
	assert_string_equal(canon("OL,EC1A,SW1"), "OL,EC1A,SW1");
	assert_string_equal(canon("M35,,"), "M35");
	assert_null(canon(""));
	assert_null(canon(","));
	assert_null(canon("OL16-OL1"));
	assert_null(canon("OL1-OL1"));
	assert_null(canon("OL1-M16"));
	assert_null(canon("OL1A-OL16"));
	assert_null(canon("OL-OL16"));
	assert_null(canon("XYZ1"));
	assert_null(canon("1OL"));
	assert_null(canon("OL123"));
	assert_null(canon("OL1 2AB"));
	assert_int_equal(elig_areas_parse("OL16-OL1", out, sizeof out, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "from the lower number to the higher"));
	assert_int_equal(elig_areas_parse("OL1-M16", out, sizeof out, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "same letters"));
	/* Too long for the column: refused, not cut. */
	assert_int_equal(elig_areas_parse("OL1,OL2,OL3", out, 8, err,
	    sizeof err), -1);
}

static void
test_area_match(void **state)
{
	const char	*a = "OL1-OL16,M35";

	(void)state;
	/* A range's edges, and just past them. */
	assert_int_equal(elig_area_match(a, "OL1 1AA"), 1);
	assert_int_equal(elig_area_match(a, "OL16 9ZZ"), 1);
	assert_int_equal(elig_area_match(a, "OL8 4QQ"), 1);
	assert_int_equal(elig_area_match(a, "OL17 1AA"), 0);
	/* Not another area whose letters end the same, or begin so. */
	assert_int_equal(elig_area_match(a, "L1 8JQ"), 0);
	assert_int_equal(elig_area_match(a, "BL1 1AA"), 0);
	assert_int_equal(elig_area_match(a, "M1 1AA"), 0);
	/* One district is that district only. */
	assert_int_equal(elig_area_match(a, "M35 0AA"), 1);
	assert_int_equal(elig_area_match(a, "M3 5AA"), 0);
	/* A district holds its sub-districts; a sub-district only itself. */
	assert_int_equal(elig_area_match("EC1", "EC1A 1BB"), 1);
	assert_int_equal(elig_area_match("EC1A", "EC1A 1BB"), 1);
	assert_int_equal(elig_area_match("EC1A", "EC1M 1BB"), 0);
	assert_int_equal(elig_area_match("EC1-EC4", "EC4Y 0HQ"), 1);
	/* An area's letters alone hold all of it. */
	assert_int_equal(elig_area_match("OL", "OL99 1AA"), 1);
	assert_int_equal(elig_area_match("OL", "L99 1AA"), 0);
	/* Not a postcode: nothing to compare. */
	assert_int_equal(elig_area_match(a, "OLDHAM"), -1);
	assert_int_equal(elig_area_match(a, NULL), -1);
}

/* The name folded, kept until the next call; fold(NULL) frees it. */
static const char *
fold(const char *name)
{
	static char	*last;

	free(last);
	return last = name != NULL ? elig_fold_name(name) : NULL;
}

static void
test_fold_name(void **state)
{
	(void)state;
	assert_string_equal(fold("Riverside Allotment Group"),
	    "riversideallotmentgroup");
	assert_string_equal(fold("The Riverside Allotment Group Ltd."),
	    "riversideallotmentgroup");
	assert_string_equal(fold("RIVERSIDE  allotment-group"),
	    "riversideallotmentgroup");
	assert_string_equal(fold("Northside Youth Club CIC"),
	    "northsideyouthclub");
	assert_string_equal(fold("Northside Youth Club C.I.C."),
	    "northsideyouthclub");
	assert_string_equal(fold("Bread & Roses Limited"), "breadandroses");
	assert_string_equal(fold("Bread and Roses"), "breadandroses");
	assert_string_equal(fold("St. Mark's Church"), "stmarkschurch");
	/* "The" only at the start; a name that is only a suffix stays. */
	assert_string_equal(fold("Theatre Group"), "theatregroup");
	assert_string_equal(fold("Ltd"), "ltd");
	/* Beyond ASCII, letters stay as written. */
	assert_string_equal(fold("Café Ūnion"), "caféŪnion");
	fold(NULL);
}

static void
test_org_key(void **state)
{
	json_t	*f;
	char	*k;

	(void)state;
	f = json_pack("{s:s,s:s}", "organisation", "The Oak Club",
	    "charity_number", " 1234 567 ");
	k = elig_org_key(f);
	assert_string_equal(k, "charity:1234567");
	free(k);
	json_decref(f);
	f = json_pack("{s:s,s:s}", "organisation", "Oak Club Ltd",
	    "company_number", "1234567");
	k = elig_org_key(f);
	assert_string_equal(k, "company:01234567");
	free(k);
	json_decref(f);
	f = json_pack("{s:s}", "organisation", "The Oak Club Ltd");
	k = elig_org_key(f);
	assert_string_equal(k, "name:oakclub");
	free(k);
	json_decref(f);
	f = json_object();
	assert_null(elig_org_key(f));
	json_decref(f);
}

static void
test_kinds(void **state)
{
	char	out[ROUND_KINDS_LEN], err[GRANT_ERRLEN], *p;
	json_t	*names;

	(void)state;
	assert_int_equal(elig_kinds_parse("cio, Charity", out, sizeof out, err,
	    sizeof err), 0);
	assert_string_equal(out, "registered charity,cio");
	assert_int_equal(elig_kinds_parse("charity,plc", out, sizeof out, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "'plc' is not a kind of group"));
	assert_int_equal(elig_kinds_parse(" , ", out, sizeof out, err,
	    sizeof err), -1);
	names = elig_kinds_names("registered charity,unincorporated group");
	assert_int_equal(json_array_size(names), 2);
	assert_string_equal(json_string_value(json_array_get(names, 1)),
	    "group");
	json_decref(names);
	p = elig_kinds_plain("registered charity,cio,cic");
	assert_string_equal(p, "registered charities, CIOs and CICs");
	free(p);
	p = elig_areas_plain("OL1-OL16,M35");
	assert_string_equal(p, "OL1 to OL16 and M35");
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_areas_parse),
		cmocka_unit_test(test_area_match),
		cmocka_unit_test(test_fold_name),
		cmocka_unit_test(test_org_key),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
