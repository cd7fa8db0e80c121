/*
 * cmd-round.c: grantctl round create|edit|list|show|recheck|open|close|
 * assess|rank|decide|sla|archive
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

/*
 * The eligibility rules and the score scale, as given, into body; the
 * daemon checks the values. CMD_USAGE when two options contradict.
 */
static int
cmd_round_rules(struct args *a, json_t *body)
{
	static const struct { const char *opt, *key; } map[] = {
		{ "org-types", "org_types" }, { "area", "areas" },
		{ "min-award", "min_award" }, { "award-gap", "award_gap_months" },
		{ "scale", "scale" }, { "moderation-spread", "moderation_spread" },
		{ "decision-days", "decision_days" },
		{ "min-per-priority", "min_per_priority" },
	};
	size_t	i;

	if (args_has(a, "one-per-org") && args_has(a, "many-per-org"))
		return cmd_usage_error("give --one-per-org or --many-per-org, "
		    "not both");
	if (args_has(a, "scoring") && args_has(a, "no-scoring"))
		return cmd_usage_error("give --scoring or --no-scoring, not "
		    "both");
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (args_has(a, map[i].opt))
			json_object_set_new(body, map[i].key,
			    json_string(args_get(a, map[i].opt)));
	if (args_has(a, "one-per-org") || args_has(a, "many-per-org"))
		json_object_set_new(body, "one_per_org",
		    json_boolean(args_has(a, "one-per-org")));
	if (args_has(a, "scoring") || args_has(a, "no-scoring"))
		json_object_set_new(body, "scoring",
		    json_boolean(args_has(a, "scoring")));
	if (args_has(a, "descriptor"))
		json_object_set_new(body, "descriptors",
		    args_list(a, "descriptor"));
	return CMD_OK;
}

int
cmd_round_create(struct args *a)
{
	static const char	*need[] = { "title", "opens", "budget", NULL };
	const char		**n;
	json_t			*body, *r;

	for (n = need; *n != NULL; n++)
		if (!args_has(a, *n))
			return cmd_usage_error("round create needs --%s", *n);
	if (!args_has(a, "closes") && !args_has(a, "rolling"))
		return cmd_usage_error("round create needs --closes (or "
		    "--rolling for a round with no closing date)");
	body = json_pack("{s:s,s:s,s:s,s:s,s:b,s:o,s:o}", "fund", a->argv[0],
	    "title", args_get(a, "title"), "opens", args_get(a, "opens"),
	    "budget", args_get(a, "budget"), "rolling", args_has(a, "rolling"),
	    "priorities", args_list(a, "priority"),
	    "criteria", args_list(a, "criterion"));
	if (args_has(a, "closes"))
		json_object_set_new(body, "closes",
		    json_string(args_get(a, "closes")));
	if (args_has(a, "max-award"))
		json_object_set_new(body, "max_award",
		    json_string(args_get(a, "max-award")));
	if (cmd_round_rules(a, body) != CMD_OK) {
		json_decref(body);
		return CMD_USAGE;
	}
	r = client_call("POST", "/v1/rounds", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("%s\n", out_str(r, "code"));
	json_decref(r);
	return CMD_OK;
}

/* Only what was given: the daemon keeps the rest. */
int
cmd_round_edit(struct args *a)
{
	static const struct { const char *opt, *key; } map[] = {
		{ "title", "title" }, { "opens", "opens" },
		{ "closes", "closes" }, { "budget", "budget" },
		{ "max-award", "max_award" },
	};
	json_t	*body = json_object(), *r;
	size_t	 i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (args_has(a, map[i].opt))
			json_object_set_new(body, map[i].key,
			    json_string(args_get(a, map[i].opt)));
	if (args_has(a, "rolling"))
		json_object_set_new(body, "rolling", json_true());
	if (args_has(a, "priority"))
		json_object_set_new(body, "priorities", args_list(a, "priority"));
	if (args_has(a, "criterion"))
		json_object_set_new(body, "criteria", args_list(a, "criterion"));
	if (cmd_round_rules(a, body) != CMD_OK) {
		json_decref(body);
		return CMD_USAGE;
	}
	if (json_object_size(body) == 0) {
		json_decref(body);
		return cmd_usage_error("round edit needs something to change");
	}
	r = client_call_on("POST", "/v1/rounds/", a->argv[0], NULL, body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Round %s changed.\n", out_str(r, "code"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_round_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 m[MONEY_BUFLEN], d1[64], d2[64];

	r = client_get_query("/v1/rounds", a, "fund", "state", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(7, "ROUND", "STATE", "OPENS", "CLOSES", "BUDGET",
	    "COMMITTED", "TITLE");
	json_array_foreach(json_object_get(r, "rounds"), i, x) {
		char m2[MONEY_BUFLEN];
		table_add(t, out_str(x, "code"), out_str(x, "state"),
		    out_date(x, "opens_at", d1, sizeof d1),
		    json_is_null(json_object_get(x, "closes_at")) ? "rolling" :
		    out_date(x, "closes_at", d2, sizeof d2),
		    out_money(x, "budget", m, sizeof m),
		    out_money(x, "committed", m2, sizeof m2),
		    out_str(x, "title"));
	}
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

/* Items of a list of strings joined with ", ". */
static char *
cmd_round_joined(json_t *list)
{
	struct strbuf	 b = { NULL, 0, 0 };
	json_t		*x;
	size_t		 i;

	strbuf_add(&b, "", 0);
	json_array_foreach(list, i, x) {
		if (i > 0)
			strbuf_add(&b, ", ", 2);
		if (json_is_string(x))
			strbuf_add(&b, json_string_value(x),
			    json_string_length(x));
	}
	return b.s;
}

static void
cmd_round_show_rules(json_t *r)
{
	char	*s, m[MONEY_BUFLEN], line[128];
	json_int_t gap = json_integer_value(json_object_get(r,
	    "award_gap_months"));

	printf("\nWho can apply:\n");
	s = cmd_round_joined(json_object_get(r, "org_types"));
	out_field("  groups", json_array_size(json_object_get(r,
	    "org_types")) == 5 ? "any kind (charity, cio, cic, company, group)"
	    : s);
	free(s);
	out_field("  area", json_is_string(json_object_get(r, "areas")) ?
	    out_str(r, "areas") : "anywhere");
	out_field("  min award", json_is_integer(json_object_get(r,
	    "min_award")) ? out_money(r, "min_award", m, sizeof m) :
	    "none (the fund's, if it has one)");
	out_field("  per group", json_is_true(json_object_get(r,
	    "one_per_org")) ? "one live application per organisation" :
	    "many applications per organisation");
	if (gap > 0)
		snprintf(line, sizeof line, "no award from this fund in the "
		    "last %lld months", (long long)gap);
	out_field("  award gap", gap > 0 ? line : "none");
}

static void
cmd_round_show_scoring(json_t *r)
{
	json_t	*x;
	size_t	 i;
	char	 line[64];

	printf("\nHow applications are judged:\n");
	if (!json_is_true(json_object_get(r, "scoring")))
		out_field("  scoring", "none: an officer decides directly");
	else {
		snprintf(line, sizeof line, "0 to %s", out_str(r, "scale_max"));
		out_field("  scale", line);
		json_array_foreach(json_object_get(r, "descriptors"), i, x) {
			snprintf(line, sizeof line, "    %zu", i);
			out_field(line, json_string_value(x));
		}
		out_field("  moderation", out_str(r, "moderation_spread"));
		out_field("  per priority", out_str(r, "min_per_priority"));
	}
	if (json_is_integer(json_object_get(r, "decision_days"))) {
		snprintf(line, sizeof line, "within %s working days of receipt",
		    out_str(r, "decision_days"));
		out_field("  decision", line);
	}
}

int
cmd_round_show(struct args *a)
{
	json_t	*r, *x;
	size_t	 i;
	char	 m[MONEY_BUFLEN], d[64];

	r = client_call_on("GET", "/v1/rounds/", a->argv[0], NULL, NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	out_field("round", out_str(r, "code"));
	out_field("fund", out_str(r, "fund"));
	out_field("title", out_str(r, "title"));
	out_field("state", out_str(r, "state"));
	out_field("opens", out_date(r, "opens_at", d, sizeof d));
	out_field("closes", json_is_null(json_object_get(r, "closes_at")) ?
	    "rolling, no closing date" : out_date(r, "closes_at", d, sizeof d));
	out_field("budget", out_money(r, "budget", m, sizeof m));
	out_field("committed", out_money(r, "committed", m, sizeof m));
	out_field("uncommitted", out_money(r, "uncommitted", m, sizeof m));
	out_field("paid", out_money(r, "paid", m, sizeof m));
	out_field("max award", out_money(r, "max_award", m, sizeof m));
	out_field("applications", out_str(r, "applications"));
	out_field("requested", out_money(r, "requested", m, sizeof m));
	printf("\nPriorities:\n");
	if (json_array_size(json_object_get(r, "priorities")) == 0)
		printf("  (none)\n");
	json_array_foreach(json_object_get(r, "priorities"), i, x)
		printf("  %zu. %s\n", i + 1, out_str(x, "text"));
	printf("\nCriteria (published weights):\n");
	if (json_array_size(json_object_get(r, "criteria")) == 0)
		printf("  (none published)\n");
	json_array_foreach(json_object_get(r, "criteria"), i, x)
		printf("  %3s%%  %s\n", out_str(x, "weight"), out_str(x, "name"));
	cmd_round_show_rules(r);
	cmd_round_show_scoring(r);
	json_decref(r);
	return CMD_OK;
}

/* Rerun the eligibility rules; say what moved, and why. */
int
cmd_round_recheck(struct args *a)
{
	json_t	*body = json_object(), *r, *x, *why;
	size_t	 i, j, moved = 0;

	r = client_call_on("POST", "/v1/rounds/", a->argv[0], "/recheck",
	    body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	json_array_foreach(json_object_get(r, "changes"), i, x) {
		if (json_is_string(json_object_get(x, "note")))
			printf("%s: %s (%s)\n", out_str(x, "reference"),
			    out_str(x, "from"), out_str(x, "note"));
		else {
			printf("%s: %s -> %s\n", out_str(x, "reference"),
			    out_str(x, "from"), out_str(x, "to"));
			moved++;
		}
		json_array_foreach(json_object_get(x, "reasons"), j, why)
			printf("  - %s\n", out_escape(json_string_value(why), 0));
	}
	printf("%zu of %s applications checked in %s changed state.\n", moved,
	    out_str(r, "checked"), out_str(r, "round"));
	json_decref(r);
	return CMD_OK;
}

static int
cmd_round_move(struct args *a, const char *to)
{
	json_t	*body, *r;

	body = json_pack("{s:s}", "to", to);
	r = client_call_on("POST", "/v1/rounds/", a->argv[0], "/transition", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Round %s is now %s.\n", out_str(r, "code"), out_str(r, "state"));
	json_decref(r);
	return CMD_OK;
}

int cmd_round_open(struct args *a) { return cmd_round_move(a, "open"); }
int cmd_round_close(struct args *a) { return cmd_round_move(a, "closed"); }
int cmd_round_assess(struct args *a) { return cmd_round_move(a, "assessing"); }
int cmd_round_archive(struct args *a) { return cmd_round_move(a, "archived"); }

/* ---- ranking, deciding, decision targets ---- */

static const char *
rank_score(json_t *o, const char *key, char *buf, size_t len)
{
	return score_format(json_integer_value(json_object_get(o, key)), buf,
	    len);
}

/* 123.45: a spreadsheet reads it as a number. */
static const char *
rank_pounds(json_t *o, const char *key, char *buf, size_t len)
{
	int64_t	p = json_integer_value(json_object_get(o, key));

	snprintf(buf, len, "%s%lld.%02lld", p < 0 ? "-" : "",
	    (long long)(p < 0 ? -p : p) / 100, (long long)(p < 0 ? -p : p) % 100);
	return buf;
}

/* One CSV field, RFC 4180: quoted when it holds a comma, quote or break. */
static void
rank_csv_field(const char *s, int last)
{
	const char	*p;

	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, stdout);
	else {
		putchar('"');
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	}
	fputs(last ? "\r\n" : ",", stdout);
}

static void
rank_csv(json_t *r)
{
	static const char *head[] = { "rank", "reference", "organisation",
	    "amount_requested", "mean", "total", "assessors", "moderation",
	    "running_total", "recommendation", NULL };
	json_t	*x;
	size_t	 i, k;
	char	 b[5][MONEY_BUFLEN];

	for (k = 0; head[k] != NULL; k++)
		rank_csv_field(head[k], head[k + 1] == NULL);
	json_array_foreach(json_object_get(r, "applications"), i, x) {
		const char *row[] = { out_str(x, "rank"), out_str(x, "reference"),
		    out_str(x, "organisation"), rank_pounds(x,
		    "amount_requested", b[0], sizeof b[0]), rank_score(x, "mean",
		    b[1], sizeof b[1]), rank_score(x, "total", b[2],
		    sizeof b[2]), out_str(x, "assessors"), json_is_true(
		    json_object_get(x, "moderation")) ? "yes" : "no",
		    rank_pounds(x, "running_total", b[3], sizeof b[3]),
		    out_str(x, "recommendation"), NULL };
		for (k = 0; row[k] != NULL; k++)
			rank_csv_field(row[k], row[k + 1] == NULL);
	}
}

int
cmd_round_rank(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 m[4][MONEY_BUFLEN], s[3][SCORE_BUFLEN], rec[32];

	r = client_call_on("GET", "/v1/rounds/", a->argv[0], "/ranking", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	if (args_has(a, "csv")) {
		rank_csv(r);
		json_decref(r);
		return CMD_OK;
	}
	t = table_new(10, "RANK", "REFERENCE", "ORGANISATION", "REQUESTED",
	    "MEAN", "TOTAL", "ASSESSORS", "MODERATE", "RUNNING", "RECOMMEND");
	json_array_foreach(json_object_get(r, "applications"), i, x) {
		snprintf(rec, sizeof rec, "%s%s", out_str(x, "recommendation"),
		    json_is_true(json_object_get(x, "for_priority")) ?
		    " (priority)" : "");
		table_add(t, out_str(x, "rank"), out_str(x, "reference"),
		    out_str(x, "organisation"), out_money(x, "amount_requested",
		    m[0], sizeof m[0]), rank_score(x, "mean", s[0], sizeof s[0]),
		    rank_score(x, "total", s[1], sizeof s[1]),
		    out_str(x, "assessors"), json_is_true(json_object_get(x,
		    "moderation")) ? "yes" : "", out_money(x, "running_total",
		    m[1], sizeof m[1]), rec);
	}
	table_print(t);
	printf("\nUncommitted %s; recommended %s.\n", out_money(r,
	    "uncommitted", m[2], sizeof m[2]), out_money(r, "recommended",
	    m[3], sizeof m[3]));
	json_decref(r);
	return CMD_OK;
}

int
cmd_round_decide(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "accept-recommendation"))
		return cmd_round_move(a, "decided");
	body = json_pack("{s:b}", "accept_recommendation", 1);
	r = client_call_on("POST", "/v1/rounds/", a->argv[0], "/decide", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Round %s is now decided: %s awarded, %s waitlisted.\n",
	    out_str(r, "code"), out_str(r, "approved"), out_str(r,
	    "waitlisted"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_round_sla(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 d[64];

	r = client_call_on("GET", "/v1/rounds/", a->argv[0], "/sla", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(7, "REFERENCE", "STATE", "RECEIVED", "TARGET", "LEFT",
	    "STATUS", "ORGANISATION");
	json_array_foreach(json_object_get(r, "applications"), i, x)
		table_add(t, out_str(x, "reference"), out_str(x, "state"),
		    out_date(x, "received_at", d, sizeof d), out_str(x,
		    "target"), out_str(x, "days_left"), out_str(x, "status"),
		    out_str(x, "organisation"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}
