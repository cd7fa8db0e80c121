/* cmd-pay.c: grantctl pay run create|list|show|approve|cancel|export|
 * mark-paid, and pay reconcile. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grantctl.h"

#define PAY_STATEMENT_MAX	(1 << 20)	/* as grantd takes */

static void
pay_run_print(json_t *r)
{
	json_t		*x;
	struct table	*t;
	size_t		 i;
	char		 m[MONEY_BUFLEN], d[64];

	out_field("run", out_str(r, "reference"));
	out_field("state", out_str(r, "state"));
	out_field("due by", out_str(r, "due_by"));
	out_field("tranches", out_str(r, "count"));
	out_field("total", out_money(r, "total", m, sizeof m));
	out_field("created by", out_str(r, "created_by"));
	out_field("approved by", out_str(r, "approved_by"));
	out_field("exported", out_date(r, "exported_at", d, sizeof d));
	out_field("format", out_str(r, "export_format"));
	out_field("sha256", out_str(r, "export_sha256"));
	if (json_array_size(json_object_get(r, "tranches")) == 0)
		return;
	printf("\n");
	t = table_new(7, "END-TO-END ID", "GRANT", "ORGANISATION", "AMOUNT",
	    "DUE", "STATE", "ACCOUNT");
	json_array_foreach(json_object_get(r, "tranches"), i, x) {
		char acct[64];

		snprintf(acct, sizeof acct, "%s %s", out_str(x, "sort_code"),
		    out_str(x, "account_number"));
		table_add(t, out_str(x, "end_to_end_id"), out_str(x,
		    "grant_reference"), out_str(x, "organisation"),
		    out_money(x, "amount", m, sizeof m), out_str(x, "due_date"),
		    out_str(x, "state"), acct);
	}
	table_print(t);
}

static int
pay_run_create(struct args *a)
{
	json_t	*body, *r;
	char	 m[MONEY_BUFLEN];

	if (!args_has(a, "due-by"))
		return cmd_usage_error("pay run create needs --due-by DATE");
	body = json_pack("{s:s}", "due_by", args_get(a, "due-by"));
	r = client_call("POST", "/v1/payruns", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Created payment run %s: %s tranches, %s. Another finance user "
	    "must approve it.\n", out_str(r, "reference"), out_str(r, "count"),
	    out_money(r, "total", m, sizeof m));
	json_decref(r);
	return CMD_OK;
}

static int
pay_run_list(void)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 m[MONEY_BUFLEN];

	if ((r = client_call("GET", "/v1/payruns", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(7, "RUN", "STATE", "DUE BY", "TRANCHES", "TOTAL",
	    "CREATED BY", "APPROVED BY");
	json_array_foreach(json_object_get(r, "runs"), i, x)
		table_add(t, out_str(x, "reference"), out_str(x, "state"),
		    out_str(x, "due_by"), out_str(x, "count"), out_money(x,
		    "total", m, sizeof m), out_str(x, "created_by"),
		    out_str(x, "approved_by"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

static int
pay_run_show(const char *ref)
{
	json_t	*r;

	if ((r = client_call_on("GET", "/v1/payruns/", ref, NULL, NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	pay_run_print(r);
	json_decref(r);
	return CMD_OK;
}

static int
pay_run_approve(const char *ref)
{
	json_t	*r;
	char	 m[MONEY_BUFLEN];

	r = client_call_on("POST", "/v1/payruns/", ref, "/approve", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Approved payment run %s: %s tranches, %s, created by %s.\n",
	    ref, out_str(r, "count"), out_money(r, "total", m, sizeof m),
	    out_str(r, "created_by"));
	json_decref(r);
	return CMD_OK;
}

static int
pay_run_cancel(const char *ref)
{
	json_t	*r;

	r = client_call_on("POST", "/v1/payruns/", ref, "/cancel", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Cancelled payment run %s; its tranches can go in another "
	    "run.\n", ref);
	json_decref(r);
	return CMD_OK;
}

/* The file beside its final name, then renamed: never half a bank file. */
static int
pay_write_file(const char *path, const char *data, size_t len)
{
	char	*tmp;
	FILE	*f;
	int	 fd, ok;

	xasprintf(&tmp, "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (f = fdopen(fd, "wb")) == NULL) {
		fprintf(stderr, "grantctl: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	ok = fwrite(data, 1, len, f) == len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) == -1) {
		fprintf(stderr, "grantctl: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int
pay_run_export(struct args *a, const char *ref)
{
	json_t		*body, *r;
	char		 m[MONEY_BUFLEN], *esc, *path, *file = NULL;
	size_t		 len = 0;
	int		 rc;

	if (!args_has(a, "format") || !args_has(a, "out"))
		return cmd_usage_error("pay run export needs --format "
		    "pain001|bacs18|csv and --out FILE");
	body = json_pack("{s:s}", "format", args_get(a, "format"));
	esc = http_escape(ref);
	xasprintf(&path, "/v1/payruns/%s/export", esc);
	r = client_call_file("POST", path, body, &file, &len);
	free(esc);
	free(path);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	rc = pay_write_file(args_get(a, "out"), file, len);
	free(file);
	if (rc == -1) {
		json_decref(r);
		return CMD_FAILED;
	}
	if (cmd_json)
		return output_result(r);
	printf("Wrote payment run %s as %s to %s: %s tranches, %s (sha256 "
	    "%s).\n", ref, out_str(r, "format"), args_get(a, "out"),
	    out_str(r, "count"), out_money(r, "total", m, sizeof m),
	    out_str(r, "sha256"));
	json_decref(r);
	return CMD_OK;
}

static int
pay_run_paid(struct args *a, const char *ref)
{
	json_t	*body, *r, *x;
	size_t	 i;

	if (args_has(a, "tranche") != args_has(a, "bank-ref") &&
	    args_has(a, "tranche"))
		return cmd_usage_error("pay run mark-paid --tranche needs "
		    "--bank-ref, the bank's reference for the payment");
	body = json_object();
	if (args_has(a, "tranche"))
		json_object_set_new(body, "tranche",
		    json_string(args_get(a, "tranche")));
	if (args_has(a, "bank-ref"))
		json_object_set_new(body, "bank_ref",
		    json_string(args_get(a, "bank-ref")));
	r = client_call_on("POST", "/v1/payruns/", ref, "/paid", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Marked %zu tranches of payment run %s paid; each grantee is "
	    "sent a remittance letter.\n", json_array_size(json_object_get(r,
	    "paid")), ref);
	json_array_foreach(json_object_get(r, "paid"), i, x)
		printf("  %s\n", out_escape(json_string_value(x), 0));
	json_decref(r);
	return CMD_OK;
}

int
cmd_pay_run(struct args *a)
{
	const char	*verb = a->argv[0], *ref = a->argc > 1 ? a->argv[1] : NULL;

	if (strcmp(verb, "create") == 0 && ref == NULL)
		return pay_run_create(a);
	if (strcmp(verb, "list") == 0 && ref == NULL)
		return pay_run_list();
	if (ref != NULL && strcmp(verb, "show") == 0)
		return pay_run_show(ref);
	if (ref != NULL && strcmp(verb, "approve") == 0)
		return pay_run_approve(ref);
	if (ref != NULL && strcmp(verb, "cancel") == 0)
		return pay_run_cancel(ref);
	if (ref != NULL && strcmp(verb, "export") == 0)
		return pay_run_export(a, ref);
	if (ref != NULL && strcmp(verb, "mark-paid") == 0)
		return pay_run_paid(a, ref);
	return cmd_usage_error("usage: grantctl pay run create --due-by DATE | "
	    "list | show RUN | approve RUN | cancel RUN | export RUN --format "
	    "pain001|bacs18|csv --out FILE | mark-paid RUN [--tranche ID "
	    "--bank-ref REF]");
}

int
cmd_pay_reconcile(struct args *a)
{
	json_t		*body, *r, *x;
	struct table	*t;
	size_t		 i, len;
	char		*text;

	if ((text = file_read(a->argv[0], PAY_STATEMENT_MAX, &len)) == NULL) {
		fprintf(stderr, "grantctl: %s: cannot read it (or it is over "
		    "1 MiB)\n", a->argv[0]);
		return CMD_FAILED;
	}
	body = json_pack("{s:s%}", "content", text, len);
	free(text);
	if (body == NULL) {
		fprintf(stderr, "grantctl: %s is not UTF-8 text\n", a->argv[0]);
		return CMD_FAILED;
	}
	r = client_call("POST", "/v1/statements", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Paid from the statement: %zu. Not matched: %zu.\n",
	    json_array_size(json_object_get(r, "matched")),
	    json_array_size(json_object_get(r, "unmatched")));
	json_array_foreach(json_object_get(r, "matched"), i, x)
		printf("  paid: %s %s (%s)\n", out_str(x, "end_to_end_id"),
		    out_str(x, "amount"), out_str(x, "where"));
	if (json_array_size(json_object_get(r, "unmatched")) > 0) {
		printf("\nNot matched:\n");
		t = table_new(4, "WHERE", "END-TO-END ID", "AMOUNT", "WHY");
		json_array_foreach(json_object_get(r, "unmatched"), i, x)
			table_add(t, out_str(x, "where"), out_str(x,
			    "end_to_end_id"), out_str(x, "amount"),
			    out_str(x, "why"));
		table_print(t);
	}
	json_decref(r);
	return CMD_OK;
}
