/* cmd-grant.c: grantctl grant create|list|show|accept|plan|vary|suspend|
 * resume|terminate|underspend|check */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

/*
 * A plan as grantd keeps it, from KIND and the options that shape it:
 * "quarterly --years 2", "custom --tranche 2027-04-01:500 ...". NULL
 * (after a usage error) when an option does not fit.
 */
static char *
cmd_grant_plan_text(const char *kind, struct args *a)
{
	struct strbuf	 b = { NULL, 0, 0 };
	json_t		*list, *v;
	size_t		 i;

	strbuf_add(&b, kind, strlen(kind));
	if (args_has(a, "years")) {
		strbuf_add(&b, " --years ", 9);
		strbuf_add(&b, args_get(a, "years"), strlen(args_get(a,
		    "years")));
	}
	if (args_has(a, "shares")) {
		strbuf_add(&b, " --shares ", 10);
		strbuf_add(&b, args_get(a, "shares"), strlen(args_get(a,
		    "shares")));
	}
	list = args_list(a, "tranche");
	json_array_foreach(list, i, v) {
		if (strchr(json_string_value(v), ' ') != NULL) {
			json_decref(list);
			free(b.s);
			cmd_usage_error("--tranche takes DATE:AMOUNT without "
			    "spaces, such as 2027-04-01:2500.00");
			return NULL;
		}
		strbuf_add(&b, " --tranche ", 11);
		strbuf_add(&b, json_string_value(v), strlen(json_string_value(v)));
	}
	json_decref(list);
	return b.s;
}

/* A grant's or the programme's tranches as a table (tranche list too). */
void
cmd_grant_tranches(json_t *list)
{
	struct table	*t;
	json_t		*x;
	size_t		 i;
	char		 m1[MONEY_BUFLEN], m2[MONEY_BUFLEN];

	t = table_new(8, "ID", "GRANT", "NO", "DUE", "AMOUNT", "MATCH",
	    "STATE", "WAITING FOR");
	json_array_foreach(list, i, x)
		table_add(t, out_str(x, "id"), out_str(x, "grant_ref"),
		    out_str(x, "number"), out_str(x, "due_date"),
		    out_money(x, "amount", m1, sizeof m1),
		    out_money(x, "match_amount", m2, sizeof m2),
		    out_str(x, "state"), json_is_string(json_object_get(x,
		    "why")) ? out_str(x, "why") : "-");
	table_print(t);
}

static int
cmd_grant_print(json_t *r)
{
	char	m[MONEY_BUFLEN], d[64];

	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	out_field("grant", out_str(r, "reference"));
	out_field("state", out_str(r, "state"));
	out_field("fund", out_str(r, "fund"));
	out_field("round", json_is_string(json_object_get(r, "round")) ?
	    out_str(r, "round") : "none (outside a round)");
	out_field("organisation", out_str(r, "organisation"));
	out_field("org key", out_str(r, "org_key"));
	out_field("email", out_str(r, "email"));
	out_field("amount", out_money(r, "holds", m, sizeof m));
	if (json_integer_value(json_object_get(r, "returned")) > 0)
		out_field("returned", out_money(r, "returned", m, sizeof m));
	out_field("purpose", out_str(r, "purpose"));
	out_field("plan", out_str(r, "plan"));
	out_field("offered", out_date(r, "offer_sent_at", d, sizeof d));
	if (json_is_string(json_object_get(r, "accepted_at"))) {
		out_field("accepted", out_date(r, "accepted_at", d, sizeof d));
		out_field("accepted by", out_str(r, "accepted_by"));
	}
	printf("\nTranches:\n");
	if (json_array_size(json_object_get(r, "tranches")) == 0)
		printf("  (none yet: they are made when the offer is "
		    "accepted)\n");
	else
		cmd_grant_tranches(json_object_get(r, "tranches"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_grant_create(struct args *a)
{
	json_t	*body, *r;
	char	*plan = NULL;

	if (!args_has(a, "fund") || !args_has(a, "org") ||
	    !args_has(a, "email") || !args_has(a, "amount") ||
	    !args_has(a, "purpose"))
		return cmd_usage_error("grant create needs --fund, --org, "
		    "--email, --amount and --purpose");
	if (!args_has(a, "plan") && (args_has(a, "years") ||
	    args_has(a, "shares") || args_has(a, "tranche")))
		return cmd_usage_error("--years, --shares and --tranche go "
		    "with --plan");
	if (args_has(a, "plan") && (plan = cmd_grant_plan_text(args_get(a,
	    "plan"), a)) == NULL)
		return CMD_USAGE;
	body = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?}", "fund", args_get(a,
	    "fund"), "organisation", args_get(a, "org"), "email", args_get(a,
	    "email"), "amount", args_get(a, "amount"), "purpose", args_get(a,
	    "purpose"), "plan", plan);
	free(plan);
	r = client_call("POST", "/v1/grants", body);
	json_decref(body);
	if (r != NULL && !cmd_json)
		printf("Grant %s is offered; the offer is sent.\n",
		    out_str(r, "reference"));
	return cmd_json ? output_result(r) : r == NULL ? CMD_FAILED :
	    (json_decref(r), CMD_OK);
}

int
cmd_grant_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 m[MONEY_BUFLEN];

	if ((r = client_get_query("/v1/grants", a, "state", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(6, "GRANT", "STATE", "FUND", "AMOUNT", "PLAN",
	    "ORGANISATION");
	json_array_foreach(json_object_get(r, "grants"), i, x)
		table_add(t, out_str(x, "reference"), out_str(x, "state"),
		    out_str(x, "fund"), out_money(x, "amount", m, sizeof m),
		    out_str(x, "plan"), out_str(x, "organisation"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_grant_show(struct args *a)
{
	return cmd_grant_print(client_call_on("GET", "/v1/grants/",
	    a->argv[0], NULL, NULL));
}

int
cmd_grant_accept(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "by"))
		return cmd_usage_error("grant accept needs --by \"NAME, ROLE\": "
		    "who accepted for the organisation");
	body = json_pack("{s:s}", "by", args_get(a, "by"));
	r = client_call_on("POST", "/v1/grants/", a->argv[0], "/accept", body);
	json_decref(body);
	if (r != NULL && !cmd_json)
		printf("Grant %s is accepted; the payment dates are sent.\n",
		    out_str(r, "reference"));
	return cmd_grant_print(r);
}

int
cmd_grant_plan(struct args *a)
{
	json_t	*body, *r;
	char	*plan;

	if ((plan = cmd_grant_plan_text(a->argv[1], a)) == NULL)
		return CMD_USAGE;
	body = json_pack("{s:s}", "plan", plan);
	free(plan);
	r = client_call_on("POST", "/v1/grants/", a->argv[0], "/plan", body);
	json_decref(body);
	return cmd_grant_print(r);
}

static int
cmd_grant_vary_as(struct args *a, const char *action)
{
	json_t	*body, *r;

	body = json_pack("{s:s}", "action", action);
	if (args_has(a, "amount"))
		json_object_set_new(body, "amount", json_string(args_get(a,
		    "amount")));
	if (args_has(a, "reason"))
		json_object_set_new(body, "reason", json_string(args_get(a,
		    "reason")));
	r = client_call_on("POST", "/v1/grants/", a->argv[0], "/vary", body);
	json_decref(body);
	return cmd_grant_print(r);
}

int
cmd_grant_vary(struct args *a)
{
	if (!args_has(a, "amount"))
		return cmd_usage_error("grant vary needs --amount");
	return cmd_grant_vary_as(a, "amount");
}

int
cmd_grant_suspend(struct args *a)
{
	if (!args_has(a, "reason"))
		return cmd_usage_error("grant suspend needs --reason");
	return cmd_grant_vary_as(a, "suspend");
}

int
cmd_grant_resume(struct args *a)
{
	if (!args_has(a, "reason"))
		return cmd_usage_error("grant resume needs --reason");
	return cmd_grant_vary_as(a, "resume");
}

int
cmd_grant_terminate(struct args *a)
{
	if (!args_has(a, "reason"))
		return cmd_usage_error("grant terminate needs --reason");
	return cmd_grant_vary_as(a, "terminate");
}

int
cmd_grant_underspend(struct args *a)
{
	if (!args_has(a, "amount") || !args_has(a, "reason"))
		return cmd_usage_error("grant underspend needs --amount and "
		    "--reason");
	return cmd_grant_vary_as(a, "underspend");
}

int
cmd_grant_check(struct args *a)
{
	json_t	*r;

	(void)a;
	if ((r = client_call("POST", "/v1/grant-check", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("%s tranche(s) marked due; %s offer(s) chased or flagged.\n",
	    out_str(r, "tranches_due"), out_str(r, "offers"));
	json_decref(r);
	return CMD_OK;
}
