/* test-bankfile.c: bank files from a run, without a database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "domain/domain.h"

/* grantd.c's, which the domain modules read. */
struct config			*grantd_config;

static struct bankfile_line	lines[2] = {
	{ "FG-2026-0001-1", "FG-2026-0001", "Café Élan & Co-op (No.2)",
	    "404142", "87654321", 123456 },
	{ "FG-2026-0002-1", "FG-2026-0002", "Zoë’s “Choir” <Ltd>", "070116",
	    "00012345", 5 },
};

static void
run_init(struct bankfile_run *r)
{
	memset(r, 0, sizeof *r);
	r->reference = "PAY-2026-0007";
	snprintf(r->created, sizeof r->created, "2026-12-02T18:00:00");
	r->debtor_name = "Community Grants Trust";
	r->debtor_sort_code = "20-00-00";
	r->debtor_account = "12345678";
	r->line = lines;
	r->n = 2;
	r->total = 123461;
}

static void
test_bacs_text(void **state)
{
	char	out[19];

	(void)state;
	bankfile_bacs_text("Café Élan & Co-op (No.2)", out, sizeof out);
	assert_string_equal(out, "CAFE ELAN & CO-OP");
	bankfile_bacs_text("  Zoë’s   shed  ", out, sizeof out);
	assert_string_equal(out, "ZOE S SHED");
	bankfile_bacs_text("Ørsted Æther Straße", out, sizeof out);
	assert_string_equal(out, "ORSTED AETHER STRA");
	bankfile_bacs_text("\xff\xfe bad bytes", out, sizeof out);
	assert_string_equal(out, "BAD BYTES");
}

static void
test_bacs18(void **state)
{
	struct bankfile_run	 r;
	struct dom_err		 e;
	char			*f;
	size_t			 len;

	(void)state;
	run_init(&r);
	f = bankfile_write("bacs18", &r, &len, &e);
	assert_non_null(f);
	assert_int_equal(len, 2 * 107);
	assert_memory_equal(f, "40414287654321" "0" "99" "200000" "12345678"
	    "    " "00000123456" "COMMUNITY GRANTS T" "FG-2026-0001-1    "
	    "CAFE ELAN & CO-OP " " 26336\n", 107);
	assert_memory_equal(f + 107 + 35, "00000000005", 11);
	free(f);
}

static void
test_pain001(void **state)
{
	struct bankfile_run	 r;
	struct dom_err		 e;
	char			*f;
	size_t			 len;

	(void)state;
	run_init(&r);
	f = bankfile_write("pain001", &r, &len, &e);
	assert_non_null(f);
	assert_non_null(strstr(f, "<GrpHdr><MsgId>PAY-2026-0007</MsgId>"
	    "<CreDtTm>2026-12-02T18:00:00</CreDtTm><NbOfTxs>2</NbOfTxs>"
	    "<CtrlSum>1234.61</CtrlSum>"));
	assert_non_null(strstr(f, "<InstdAmt Ccy=\"GBP\">0.05</InstdAmt>"));
	/* the SEPA set: no &, quotes or angle brackets reach the file */
	assert_non_null(strstr(f, "<Nm>Cafe Elan Co-op (No.2)</Nm>"));
	assert_non_null(strstr(f, "<Nm>Zoe's Choir Ltd</Nm>"));
	free(f);
}

static void
test_debtor_checked(void **state)
{
	struct bankfile_run	 r;
	struct dom_err		 e;
	size_t			 len;

	(void)state;
	run_init(&r);
	r.debtor_account = "1234567";
	assert_null(bankfile_write("csv", &r, &len, &e));
	assert_int_equal(e.status, DOM_UNAVAILABLE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bacs_text),
		cmocka_unit_test(test_bacs18),
		cmocka_unit_test(test_pain001),
		cmocka_unit_test(test_debtor_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
