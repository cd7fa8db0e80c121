/* test-trust.c: which Authentication-Results are believed, what counts as
 * a fail for the sender's domain, and the rule for replies. Messages go
 * through the real MIME parser, folding and all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grant.h"
#include "mail/mime.h"
#include "mail/mail.h"

#define MX "mx.grants.example.org"

/* Whether a message from kim@example.com with these header lines fails. */
static int
fails(const char *headers, const char *ids, char *why, size_t len)
{
	struct mime_message	*m;
	struct trust_auth	 a;
	char			*raw, err[256];

	xasprintf(&raw, "%sFrom: Kim <kim@example.com>\nTo: a@example.org\n"
	    "Subject: x\nMessage-ID: <k@example.com>\n\nPostcode: LS1\n",
	    headers);
	if (mime_parse(raw, strlen(raw), NULL, &m, err, sizeof err) != 0)
		fail_msg("parse: %s", err);
	trust_auth_check(m, ids, &a);
	if (why != NULL)
		snprintf(why, len, "%s", a.why);
	mime_free(m);
	free(raw);
	return a.fail;
}

static void
test_believed(void **state)
{
	char	why[300];

	(void)state;
	assert_true(fails("Authentication-Results: " MX "; dmarc=fail "
	    "header.from=example.com\n", MX, why, sizeof why));
	assert_string_equal(why, "dmarc=fail header.from=example.com (by " MX
	    ")");
	/* Not ours, or nothing configured: ignored, whatever it says. */
	assert_false(fails("Authentication-Results: mx.other.example; "
	    "dmarc=fail header.from=example.com\n", MX, NULL, 0));
	assert_false(fails("Authentication-Results: " MX "; dmarc=fail\n",
	    NULL, NULL, 0));
	/* A suffix of our name is not our name. */
	assert_false(fails("Authentication-Results: x" MX "; dmarc=fail\n",
	    MX, NULL, 0));
	/* One of several names, in any case. */
	assert_true(fails("Authentication-Results: MX2.Example.Org; spf=fail "
	    "smtp.mailfrom=kim@example.com\n", MX ", mx2.example.org", NULL,
	    0));
}

static void
test_syntax(void **state)
{
	char	why[300];

	(void)state;
	/* Folded, with a version, comments holding ';' and '=', and spaces. */
	assert_true(fails("Authentication-Results: " MX " 1;\n"
	    "\tdkim=pass (good; d=example.com) header.d=example.com;\n"
	    "\tdmarc = fail (p=reject; dis=none) header.from = example.com\n",
	    MX, why, sizeof why));
	assert_string_equal(why, "dmarc=fail header.from=example.com (by " MX
	    ")");
	/* A comment before the id, a quoted reason with ';' in it. */
	assert_true(fails("Authentication-Results: (the MX) " MX "; dkim=fail "
	    "reason=\"bad; very\" header.d=example.com\n", MX, NULL, 0));
	/* A method with a version. */
	assert_true(fails("Authentication-Results: " MX "; spf/2=fail "
	    "smtp.mailfrom=example.com\n", MX, NULL, 0));
	/* Nothing checked, or passes, or a softfail: not a fail. */
	assert_false(fails("Authentication-Results: " MX "; none\n", MX, NULL,
	    0));
	assert_false(fails("Authentication-Results: " MX "; dkim=pass "
	    "header.d=example.com; spf=softfail smtp.mailfrom=example.com; "
	    "dmarc=pass\n", MX, NULL, 0));
	/* Another method's fail is not ours to judge. */
	assert_false(fails("Authentication-Results: " MX "; arc=fail\n", MX,
	    NULL, 0));
	/* Garbage: no crash, no fail. */
	assert_false(fails("Authentication-Results: ;;;=;\n", MX, NULL, 0));
	assert_false(fails("Authentication-Results: " MX "; =fail; dmarc\n",
	    MX, NULL, 0));
	assert_false(fails("Authentication-Results: " MX "; (unclosed dmarc="
	    "fail\n", MX, NULL, 0));
}

/* A long result is cut for the officer between characters, never inside. */
static void
test_long_result(void **state)
{
	char	hdr[2000], why[300];
	size_t	i, n;

	(void)state;
	n = (size_t)snprintf(hdr, sizeof hdr, "Authentication-Results: " MX
	    "; dmarc=fail xy=");
	for (i = 0; i < 300; i++)
		n += (size_t)snprintf(hdr + n, sizeof hdr - n, "\xc3\xa9");
	snprintf(hdr + n, sizeof hdr - n, "\n");
	assert_true(fails(hdr, MX, why, sizeof why));
	assert_true(strlen(why) < 300);
	assert_int_equal(strlen(why + strlen("dmarc=fail xy=")) % 2, 0);
}

static void
test_domain(void **state)
{
	(void)state;
	/* A signature of another domain failing is not the sender failing. */
	assert_false(fails("Authentication-Results: " MX "; dkim=fail "
	    "header.d=lists.example.org\n", MX, NULL, 0));
	assert_false(fails("Authentication-Results: " MX "; spf=fail "
	    "smtp.mailfrom=bounce@esp.example.net\n", MX, NULL, 0));
	/* The sender's organisation, above or below, is the sender. */
	assert_true(fails("Authentication-Results: " MX "; dkim=fail "
	    "header.i=@mail.example.com\n", MX, NULL, 0));
	assert_false(fails("Authentication-Results: " MX "; dkim=fail "
	    "header.d=notexample.com\n", MX, NULL, 0));
	/* A fail naming no domain is believed to be the sender's. */
	assert_true(fails("Authentication-Results: " MX "; dkim=fail\n", MX,
	    NULL, 0));
	/* A fail anywhere outweighs a pass anywhere. */
	assert_true(fails("Authentication-Results: " MX "; dmarc=pass\n"
	    "Authentication-Results: " MX "; dkim=fail header.d=example.com\n",
	    MX, NULL, 0));
}

static void
test_reply_rule(void **state)
{
	struct trust_auth	pass = { 0, "" }, bad = { 1, "dmarc=fail" };
	struct trust_reply	r = { "sam@example.net", "sam@example.net", 1,
				    &pass, "From" };
	char			why[400];

	(void)state;
	assert_null(trust_reply_hold(&r, why, sizeof why));
	r.from_addr = "SAM@Example.NET";	/* addresses are stored lower-cased */
	assert_null(trust_reply_hold(&r, why, sizeof why));
	r.threaded = 0;
	assert_non_null(trust_reply_hold(&r, why, sizeof why));
	assert_non_null(strstr(why, "does not answer a letter"));
	r.threaded = 1;
	r.from_addr = "other@example.net";
	assert_non_null(trust_reply_hold(&r, why, sizeof why));
	assert_non_null(strstr(why, "not from the address on record"));
	r.from_addr = "sam@example.net";
	r.from_header = "Reply-To";	/* From had no address: a fallback */
	assert_non_null(trust_reply_hold(&r, why, sizeof why));
	assert_non_null(strstr(why, "Reply-To, which the sender chooses"));
	r.from_header = "From";
	assert_null(trust_reply_hold(&r, why, sizeof why));
	r.auth = &bad;
	assert_non_null(trust_reply_hold(&r, why, sizeof why));
	assert_non_null(strstr(why, "dmarc=fail"));
	assert_non_null(trust_new_hold(&bad, why, sizeof why));
	assert_null(trust_new_hold(&pass, why, sizeof why));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_believed),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_long_result),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_reply_rule),
	};

	mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
