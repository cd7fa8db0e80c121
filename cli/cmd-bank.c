/* cmd-bank.c: grantctl bank set|verify|show|tasks|done */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

static int
cmd_bank_print(json_t *r)
{
	struct table	*t;
	json_t		*x;
	size_t		 i;

	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	out_field("organisation", out_str(r, "organisation"));
	out_field("org key", out_str(r, "org_key"));
	printf("\n");
	t = table_new(8, "ID", "STATE", "ACCOUNT NAME", "SORT CODE", "ACCOUNT",
	    "FROM", "ENTERED BY", "VERIFIED BY");
	json_array_foreach(json_object_get(r, "details"), i, x)
		table_add(t, out_str(x, "id"), out_str(x, "state"),
		    out_str(x, "account_name"), out_str(x, "sort_code"),
		    out_str(x, "account_number"), out_str(x, "source"),
		    out_str(x, "entered_by"), json_is_string(json_object_get(x,
		    "verified_by")) ? out_str(x, "verified_by") : "-");
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_bank_set(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "account-name") || !args_has(a, "sort-code") ||
	    !args_has(a, "account-number"))
		return cmd_usage_error("bank set needs --account-name, "
		    "--sort-code and --account-number");
	body = json_pack("{s:s,s:s,s:s}", "account_name", args_get(a,
	    "account-name"), "sort_code", args_get(a, "sort-code"),
	    "account_number", args_get(a, "account-number"));
	r = client_call_on("POST", "/v1/banks/", a->argv[0], NULL, body);
	json_decref(body);
	if (r != NULL && !cmd_json)
		printf("Bank details entered; another finance user must verify "
		    "them (grantctl bank verify) before anything is paid.\n\n");
	return cmd_bank_print(r);
}

int
cmd_bank_verify(struct args *a)
{
	json_t	*r;

	r = client_call_on("POST", "/v1/banks/", a->argv[0], "/verify", NULL);
	if (r != NULL && !cmd_json)
		printf("Bank details verified.\n\n");
	return cmd_bank_print(r);
}

int
cmd_bank_show(struct args *a)
{
	return cmd_bank_print(client_call_on("GET", "/v1/banks/", a->argv[0],
	    NULL, NULL));
}

/* What mail asked of finance (a change of bank details): never done by
 * mail itself, so it waits here for a person. */
int
cmd_bank_tasks(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 d[64];

	if ((r = client_get_query("/v1/finance-tasks", a, "all", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(6, "ID", "STATE", "RAISED", "GRANT", "ORGANISATION",
	    "WHAT");
	json_array_foreach(json_object_get(r, "tasks"), i, x)
		table_add(t, out_str(x, "id"), out_str(x, "state"),
		    out_date(x, "created_at", d, sizeof d), out_str(x,
		    "reference"), out_str(x, "organisation"), out_str(x,
		    "detail"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_bank_done(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "note"))
		return cmd_usage_error("bank done needs --note TEXT: what was "
		    "done");
	body = json_pack("{s:s}", "note", args_get(a, "note"));
	r = client_call_on("POST", "/v1/finance-tasks/", a->argv[0], "/done",
	    body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Finance task %s is done.\n", out_str(r, "id"));
	json_decref(r);
	return CMD_OK;
}
