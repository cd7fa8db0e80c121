/*
 * cmd-monitor.c: grantctl monitor list|show|plan|approve|chase
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

int
cmd_monitor_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;

	r = client_get_query("/v1/monitoring", a, "overdue", "fund", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(8, "ID", "GRANT", "FUND", "RETURN", "DUE", "STATE",
	    "OVERDUE", "ORGANISATION");
	json_array_foreach(json_object_get(r, "returns"), i, x) {
		char	ret[96], late[32];
		json_int_t d = json_integer_value(json_object_get(x,
		    "days_overdue"));

		snprintf(ret, sizeof ret, "%s", strcmp(out_str(x, "kind"),
		    "end") == 0 ? "end of project" : out_str(x, "period"));
		if (d > 0 && strcmp(out_str(x, "state"), "received") != 0 &&
		    strcmp(out_str(x, "state"), "approved") != 0)
			snprintf(late, sizeof late, "%lld day%s", (long long)d,
			    d == 1 ? "" : "s");
		else
			snprintf(late, sizeof late, "-");
		table_add(t, out_str(x, "id"), out_str(x, "reference"),
		    out_str(x, "fund"), ret, out_str(x, "due_date"),
		    out_str(x, "state"), late, out_str(x, "organisation"));
	}
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

/* A written answer, escaped for the terminal, each line indented. */
static void
monitor_show_text(const char *title, json_t *f, const char *key)
{
	const char	*p = out_text(f, key), *nl;

	printf("\n%s:\n", title);
	if (*p == '\0')
		printf("  -\n");
	for (; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		printf("  %.*s\n", (int)(nl - p), p);
	}
}

/* "baseline, life satisfaction: 3 scored 6, 2 scored 7", as the form. */
static void
monitor_show_wellbeing(json_t *list)
{
	static const char *const q[][2] = { { "life", "life satisfaction" },
	    { "worthwhile", "worthwhile" }, { "happy", "happiness" },
	    { "anxious", "anxiety" } };
	json_t		*w;
	size_t		 i, k;
	const char	*stage = "", *question = "";
	int		 first;

	printf("\nWellbeing (how many people gave each score, 0 to 10):\n");
	if (json_array_size(list) == 0)
		printf("  (none)\n");
	json_array_foreach(list, i, w) {
		first = strcmp(out_str(w, "stage"), stage) != 0 ||
		    strcmp(out_str(w, "question"), question) != 0;
		if (first) {
			stage = out_str(w, "stage");
			question = out_str(w, "question");
			for (k = 0; k < 4; k++)
				if (strcmp(q[k][0], question) == 0)
					break;
			printf("%s  %s, %s:", i > 0 ? "\n" : "",
			    strcmp(stage, "followup") == 0 ? "follow-up" :
			    stage, k < 4 ? q[k][1] : question);
		}
		printf("%s %s scored %s", first ? "" : ",", out_str(w,
		    "people"), out_str(w, "score"));
	}
	if (json_array_size(list) > 0)
		printf("\n");
}

int
cmd_monitor_show(struct args *a)
{
	json_t	*r, *f, *x;
	size_t	 i;
	char	 m[MONEY_BUFLEN], d[64];

	r = client_call_on("GET", "/v1/monitoring/", a->argv[0], NULL, NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	f = json_object_get(r, "fields");
	out_field("return", out_str(r, "id"));
	out_field("grant", out_str(r, "reference"));
	out_field("organisation", out_str(r, "organisation"));
	out_field("fund", out_str(r, "fund"));
	out_field("kind", strcmp(out_str(r, "kind"), "end") == 0 ?
	    "end of project" : out_str(r, "period"));
	out_field("due", out_str(r, "due_date"));
	out_field("state", out_str(r, "state"));
	out_field("officer", out_str(r, "officer"));
	out_field("reminded", out_date(r, "reminded_at", d, sizeof d));
	out_field("due reminder", out_date(r, "due_reminded_at", d, sizeof d));
	out_field("escalated", out_date(r, "escalated_at", d, sizeof d));
	out_field("chased", out_date(r, "chased_at", d, sizeof d));
	out_field("received", out_date(r, "received_at", d, sizeof d));
	out_field("spend", out_money(r, "spend", m, sizeof m));
	out_field("people", out_str(r, "people"));
	out_field("volunteers", out_str(r, "volunteers"));
	if (json_is_string(json_object_get(r, "approved_by"))) {
		out_field("approved by", out_str(r, "approved_by"));
		out_field("approved", out_date(r, "approved_at", d, sizeof d));
	}
	if (json_is_object(f)) {
		monitor_show_text("Activities delivered", f, "activities");
		monitor_show_text("Story", f, "story");
	}
	monitor_show_wellbeing(json_object_get(r, "wellbeing"));
	if (json_array_size(json_object_get(r, "missing")) > 0) {
		printf("\nStill missing:\n");
		json_array_foreach(json_object_get(r, "missing"), i, x)
			printf("  - %s\n", out_escape(json_string_value(x), 0));
	}
	if (json_is_object(f) && json_array_size(json_object_get(f,
	    "unrecognised")) > 0) {
		printf("\nOther answers:\n");
		json_array_foreach(json_object_get(f, "unrecognised"), i, x)
			printf("  %s: %s\n", out_escape(out_str(x, "label"), 0),
			    out_escape(out_str(x, "answer"), 1));
	}
	if (json_array_size(json_object_get(r, "attachments")) > 0) {
		printf("\nAttachments:\n");
		json_array_foreach(json_object_get(r, "attachments"), i, x)
			printf("  %s (%s, %s bytes)%s\n", out_escape(out_str(x,
			    "filename"), 0), out_str(x, "content_type"),
			    out_str(x, "size"), json_integer_value(
			    json_object_get(x, "refused")) ? ", not kept" : "");
	}
	json_decref(r);
	return CMD_OK;
}

int
cmd_monitor_plan(struct args *a)
{
	json_t	*body, *r, *x;
	size_t	 i;

	body = json_pack("{s:s}", "grant", a->argv[0]);
	r = client_call("POST", "/v1/monitoring/plan", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Grant %s owes %zu monitoring return%s (%s new):\n",
	    out_str(r, "grant"), json_array_size(json_object_get(r, "returns")),
	    json_array_size(json_object_get(r, "returns")) == 1 ? "" : "s",
	    out_str(r, "added"));
	json_array_foreach(json_object_get(r, "returns"), i, x)
		printf("  %s  %s  %s  %s\n", out_str(x, "id"),
		    out_str(x, "due_date"), strcmp(out_str(x, "kind"), "end") ==
		    0 ? "end of project" : out_str(x, "period"),
		    out_str(x, "state"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_monitor_approve(struct args *a)
{
	json_t	*r, *x;
	size_t	 i;

	r = client_call_on("POST", "/v1/monitoring/", a->argv[0], "/approve",
	    NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Monitoring return %s for %s is approved.\n", out_str(r, "id"),
	    out_str(r, "reference"));
	json_array_foreach(json_object_get(r, "released"), i, x)
		printf("Payment %lld of %s, held for it, is due again.\n",
		    (long long)json_integer_value(x), out_str(r, "reference"));
	json_array_foreach(json_object_get(r, "unblocked"), i, x)
		printf("Payment %lld of %s, which waited for it, may now be "
		    "paid.\n", (long long)json_integer_value(x),
		    out_str(r, "reference"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_monitor_chase(struct args *a)
{
	json_t	*r;

	r = client_call_on("POST", "/v1/monitoring/", a->argv[0], "/chase",
	    NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Monitoring return %s for %s: the group has been reminded "
	    "again.\n", out_str(r, "id"), out_str(r, "reference"));
	json_decref(r);
	return CMD_OK;
}
