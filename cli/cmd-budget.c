/* cmd-budget.c: grantctl budget transfer|list */
#include <stdio.h>

#include "grantctl.h"

int
cmd_budget_transfer(struct args *a)
{
	static const char	*need[] = { "from", "to", "amount", "reason", NULL };
	const char		**n;
	json_t			*body, *r;
	char			 m[MONEY_BUFLEN];

	for (n = need; *n != NULL; n++)
		if (!args_has(a, *n))
			return cmd_usage_error("budget transfer needs --%s", *n);
	body = json_pack("{s:s,s:s,s:s,s:s}", "from", args_get(a, "from"),
	    "to", args_get(a, "to"), "amount", args_get(a, "amount"),
	    "reason", args_get(a, "reason"));
	r = client_call("POST", "/v1/budget/transfers", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Moved %s from %s to %s (transfer %s).\n",
	    out_money(r, "amount", m, sizeof m), out_str(r, "from_code"),
	    out_str(r, "to_code"), out_str(r, "id"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_budget_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 m[MONEY_BUFLEN], d[64];

	if ((r = client_call("GET", "/v1/budget/transfers", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(7, "ID", "WHEN", "FROM", "TO", "AMOUNT", "BY", "REASON");
	json_array_foreach(json_object_get(r, "transfers"), i, x)
		table_add(t, out_str(x, "id"), out_date(x, "created_at", d,
		    sizeof d), out_str(x, "from_code"), out_str(x, "to_code"),
		    out_money(x, "amount", m, sizeof m), out_str(x, "actor"),
		    out_str(x, "reason"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}
