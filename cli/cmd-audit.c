/* cmd-audit.c: grantctl audit list|verify|anchor */
#include <stdio.h>
#include <stdlib.h>

#include "grantctl.h"

int
cmd_audit_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 d[64];

	r = client_get_query("/v1/audit", a, "limit", "entity", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(6, "ID", "WHEN", "BY", "ACTION", "ENTITY", "DETAIL");
	json_array_foreach(json_object_get(r, "entries"), i, x)
		table_add(t, out_str(x, "id"), out_date(x, "at", d, sizeof d),
		    out_str(x, "actor"), out_str(x, "action"),
		    out_str(x, "entity"), out_str(x, "detail"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_audit_verify(struct args *a)
{
	json_t	*r;
	int	 ok;

	if ((r = client_get_query("/v1/audit/verify", a, "anchor",
	    NULL)) == NULL)
		return CMD_FAILED;
	ok = json_is_true(json_object_get(r, "ok"));
	if (cmd_json)
		output_json(r);
	else if (ok && args_get(a, "anchor") != NULL)
		printf("Audit log intact: %s entries, every hash checks, and "
		    "the anchor is in the chain.\n", out_str(r, "rows"));
	else if (ok)
		printf("Audit log intact: %s entries, every hash checks.\n",
		    out_str(r, "rows"));
	else if (json_object_get(r, "first_bad_id") == NULL)
		printf("Audit log BROKEN: %s.\n", out_str(r, "reason"));
	else
		printf("Audit log BROKEN at entry %s: %s.\n",
		    out_str(r, "first_bad_id"), out_str(r, "reason"));
	json_decref(r);
	return ok ? CMD_OK : CMD_FAILED;
}

/*
 * The head of the chain as COUNT:HASH, alone on a line, for an admin to
 * keep where the database's writers cannot change it.
 */
int
cmd_audit_anchor(struct args *a)
{
	json_t	*r;

	(void)a;
	if ((r = client_call("GET", "/v1/audit/anchor", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("%s\n", out_str(r, "anchor"));
	json_decref(r);
	return CMD_OK;
}
