/* cmd-fund.c: grantctl fund create|list|show|target */
#include <stdio.h>
#include <stdlib.h>

#include "grantctl.h"

int
cmd_fund_create(struct args *a)
{
	json_t	*body, *r;
	char	 m[MONEY_BUFLEN];

	if (!args_has(a, "name") || !args_has(a, "budget"))
		return cmd_usage_error("fund create needs --name and --budget");
	body = json_pack("{s:s,s:s,s:s}", "code", a->argv[0], "name",
	    args_get(a, "name"), "budget", args_get(a, "budget"));
	if (args_has(a, "max-award"))
		json_object_set_new(body, "max_award",
		    json_string(args_get(a, "max-award")));
	if (args_has(a, "min-award"))
		json_object_set_new(body, "min_award",
		    json_string(args_get(a, "min-award")));
	if (args_has(a, "monitoring"))
		json_object_set_new(body, "monitoring",
		    json_string(args_get(a, "monitoring")));
	r = client_call("POST", "/v1/funds", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Created fund %s (%s) with a budget of %s.\n", out_str(r, "code"),
	    out_str(r, "name"), out_money(r, "budget", m, sizeof m));
	json_decref(r);
	return CMD_OK;
}

int
cmd_fund_list(struct args *a)
{
	json_t		*r, *f;
	struct table	*t;
	size_t		 i;
	char		 m1[MONEY_BUFLEN], m2[MONEY_BUFLEN], m3[MONEY_BUFLEN];
	char		 m4[MONEY_BUFLEN];

	if ((r = client_call("GET", "/v1/funds", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(7, "CODE", "BUDGET", "IN ROUNDS", "UNALLOCATED",
	    "MAX AWARD", "ROUNDS", "NAME");
	json_array_foreach(json_object_get(r, "funds"), i, f)
		table_add(t, out_str(f, "code"), out_money(f, "budget", m1,
		    sizeof m1), out_money(f, "allocated", m2, sizeof m2),
		    out_money(f, "unallocated", m3, sizeof m3),
		    out_money(f, "max_award", m4, sizeof m4),
		    out_str(f, "rounds"), out_str(f, "name"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_fund_show(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 m1[MONEY_BUFLEN], m2[MONEY_BUFLEN], d[64];

	r = client_call_on("GET", "/v1/funds/", a->argv[0], NULL, NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	out_field("fund", out_str(r, "code"));
	out_field("name", out_str(r, "name"));
	out_field("budget", out_money(r, "budget", m1, sizeof m1));
	out_field("in rounds", out_money(r, "allocated", m1, sizeof m1));
	out_field("unallocated", out_money(r, "unallocated", m1, sizeof m1));
	out_field("committed", out_money(r, "committed", m1, sizeof m1));
	out_field("paid", out_money(r, "paid", m1, sizeof m1));
	out_field("max award", out_money(r, "max_award", m1, sizeof m1));
	out_field("min award", out_money(r, "min_award", m1, sizeof m1));
	if (json_object_size(json_object_get(r, "targets")) > 0) {
		x = json_object_get(r, "targets");
		snprintf(d, sizeof d, "%s grants, %s people, %s volunteers",
		    json_object_get(x, "grants") ? out_str(x, "grants") : "-",
		    json_object_get(x, "people") ? out_str(x, "people") : "-",
		    json_object_get(x, "volunteers") ? out_str(x, "volunteers") :
		    "-");
		out_field("targets", d);
	}
	if (json_array_size(json_object_get(r, "round_list")) > 0) {
		printf("\nRounds:\n");
		t = table_new(5, "ROUND", "STATE", "BUDGET", "COMMITTED", "TITLE");
		json_array_foreach(json_object_get(r, "round_list"), i, x)
			table_add(t, out_str(x, "code"), out_str(x, "state"),
			    out_money(x, "budget", m1, sizeof m1),
			    out_money(x, "committed", m2, sizeof m2),
			    out_str(x, "title"));
		table_print(t);
	}
	if (json_array_size(json_object_get(r, "transfers")) > 0) {
		printf("\nBudget transfers:\n");
		t = table_new(5, "WHEN", "FROM", "TO", "AMOUNT", "REASON");
		json_array_foreach(json_object_get(r, "transfers"), i, x)
			table_add(t, out_date(x, "created_at", d, sizeof d),
			    out_str(x, "from_code"), out_str(x, "to_code"),
			    out_money(x, "amount", m1, sizeof m1),
			    out_str(x, "reason"));
		table_print(t);
	}
	json_decref(r);
	return CMD_OK;
}

int
cmd_fund_target(struct args *a)
{
	static const char *const measures[] = { "grants", "people",
	    "volunteers", NULL };
	json_t	*body, *r, *t;
	int	 i;

	body = json_object();
	for (i = 0; measures[i] != NULL; i++)
		if (args_has(a, measures[i]))
			json_object_set_new(body, measures[i],
			    json_string(args_get(a, measures[i])));
	if (json_object_size(body) == 0) {
		json_decref(body);
		return cmd_usage_error("fund target needs --grants, --people or "
		    "--volunteers");
	}
	r = client_call_on("POST", "/v1/funds/", a->argv[0], "/targets", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Targets of fund %s:", out_str(r, "code"));
	t = json_object_get(r, "targets");
	for (i = 0; measures[i] != NULL; i++)
		if (json_object_get(t, measures[i]) != NULL)
			printf(" %s %s", measures[i], out_str(t, measures[i]));
	printf(".\n");
	json_decref(r);
	return CMD_OK;
}
