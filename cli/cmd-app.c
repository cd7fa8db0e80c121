/* cmd-app.c: grantctl app list|show|withdraw|eligibility|decide */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grantctl.h"

int
cmd_app_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 m[MONEY_BUFLEN], d[64];

	r = client_get_query("/v1/applications", a, "round", "state", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(7, "REFERENCE", "STATE", "RECEIVED", "AMOUNT", "OFFICER",
	    "ORGANISATION", "PROJECT");
	json_array_foreach(json_object_get(r, "applications"), i, x)
		table_add(t, out_str(x, "reference"), out_str(x, "state"),
		    out_date(x, "received_at", d, sizeof d),
		    out_money(x, "amount_requested", m, sizeof m),
		    out_str(x, "officer"), out_str(x, "organisation"),
		    out_str(x, "project_title"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

/*
 * The form's questions in its order (templates/application-form.txt), with
 * the reader's field names (daemon/mail/form.c). Where the reader also
 * kept a typed value (pence, a date), that is what a person is shown.
 */
enum app_kind { APP_TEXT, APP_LIST, APP_MONEY, APP_DAY };
static const struct app_question {
	const char	*key;
	const char	*label;
	enum app_kind	 kind;
	const char	*typed;		/* the reader's typed value, if any */
} app_questions[] = {
	{ "organisation",	"Organisation name",	APP_TEXT,  NULL },
	{ "org_type",		"Organisation type",	APP_TEXT,  NULL },
	{ "charity_number",	"Charity number",	APP_TEXT,  NULL },
	{ "company_number",	"Company number",	APP_TEXT,  NULL },
	{ "contact_name",	"Contact name",		APP_TEXT,  NULL },
	{ "email",		"Email",		APP_TEXT,  NULL },
	{ "phone",		"Phone",		APP_TEXT,  NULL },
	{ "postcode",		"Postcode",		APP_TEXT,  NULL },
	{ "project_title",	"Project title",	APP_TEXT,  NULL },
	{ "summary",		"Project summary",	APP_TEXT,  NULL },
	{ "priorities",		"Priorities",		APP_LIST,  NULL },
	{ "amount",		"Amount requested",	APP_MONEY, "amount_pence" },
	{ "start",		"Start date",		APP_DAY,   "start_date" },
	{ "end",		"End date",		APP_DAY,   "end_date" },
	{ "beneficiaries",	"People who will benefit", APP_TEXT, "beneficiaries_count" },
	{ "budget",		"Budget",		APP_TEXT,  NULL },
};
#define APP_LABEL_WIDTH	23	/* "People who will benefit" */

/* A field the reader keeps for itself, not a question on the form. */
static int
app_internal(const char *key)
{
	size_t	i;

	if (strcmp(key, "unrecognised") == 0)
		return 1;
	for (i = 0; i < sizeof app_questions / sizeof app_questions[0]; i++)
		if (app_questions[i].typed != NULL &&
		    strcmp(key, app_questions[i].typed) == 0)
			return 1;
	return 0;
}

static int
app_known(const char *key)
{
	size_t	i;

	for (i = 0; i < sizeof app_questions / sizeof app_questions[0]; i++)
		if (strcmp(key, app_questions[i].key) == 0)
			return 1;
	return 0;
}

/* One answer under its label; an answer's later lines keep its column. */
static void
app_answer(const char *label, const char *answer)
{
	char	*text, *line, *save;
	int	 first = 1;

	label = out_escape(label, 0);
	if ((int)strlen(label) > APP_LABEL_WIDTH) {
		printf("  %s\n", label);
		first = 0;
	} else
		printf("  %-*s ", APP_LABEL_WIDTH, label);
	text = xstrdup(out_escape(answer != NULL && *answer != '\0' ? answer :
	    "-", 1));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), first = 0)
		printf("%*s%s\n", first ? 0 : APP_LABEL_WIDTH + 3, "", line);
	if (first)
		printf("-\n");
	free(text);
}

/* A value as a person reads it: list items on lines, JSON otherwise. */
static char *
app_plain(json_t *v)
{
	struct strbuf	 b = { NULL, 0, 0 };
	json_t		*x;
	size_t		 i;

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_null(v) || v == NULL)
		return xstrdup("");
	if (!json_is_array(v))
		return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	strbuf_add(&b, "", 0);
	json_array_foreach(v, i, x) {
		char *item = app_plain(x);

		strbuf_add(&b, i > 0 ? "\n- " : "- ", i > 0 ? 3 : 2);
		strbuf_add(&b, item, strlen(item));
		free(item);
	}
	return b.s;
}

/* "2027-02-01" as "1 Feb 2027"; NULL if it is no such date. */
static const char *
app_day(json_t *v, char *buf, size_t len)
{
	struct tm	tm;
	int		y, m, d;
	char		c;

	if (!json_is_string(v) || sscanf(json_string_value(v), "%4d-%2d-%2d%c",
	    &y, &m, &d, &c) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return NULL;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	snprintf(buf, len, "%d ", d);
	strftime(buf + strlen(buf), len - strlen(buf), "%b %Y", &tm);
	return buf;
}

static void
app_question(json_t *fields, const struct app_question *q)
{
	json_t		*typed = q->typed != NULL ?
			    json_object_get(fields, q->typed) : NULL;
	const char	*shown = NULL;
	char		 buf[64], *text;

	if (q->kind == APP_MONEY && json_is_integer(typed))
		shown = money_format(json_integer_value(typed), buf, sizeof buf);
	else if (q->kind == APP_DAY)
		shown = app_day(typed, buf, sizeof buf);
	if (shown != NULL) {
		app_answer(q->label, shown);
		return;
	}
	text = app_plain(json_object_get(fields, q->key));
	app_answer(q->label, text);
	free(text);
}

/* What the reader kept but could not place: [{label, answer}]. */
static void
app_unrecognised(json_t *r)
{
	json_t	*list, *x;
	size_t	 i;

	list = json_object_get(r, "unrecognised");
	if (list == NULL)
		list = json_object_get(json_object_get(r, "fields"),
		    "unrecognised");
	if (json_array_size(list) == 0)
		return;
	printf("\nNot understood by the reader:\n");
	json_array_foreach(list, i, x)
		app_answer(out_str(x, "label"), out_text(x, "answer"));
}

static void
app_form(json_t *r)
{
	json_t		*fields = json_object_get(r, "fields"), *v;
	const char	*key;
	char		*text;
	size_t		 i;

	printf("\nWhat the form says:\n");
	for (i = 0; i < sizeof app_questions / sizeof app_questions[0]; i++)
		app_question(fields, &app_questions[i]);
	/* A field this grantctl does not know yet is still shown. */
	json_object_foreach(fields, key, v) {
		if (app_known(key) || app_internal(key))
			continue;
		text = app_plain(v);
		app_answer(key, text);
		free(text);
	}
	app_unrecognised(r);
}

static void
app_thread(json_t *r)
{
	struct table	*t;
	json_t		*x;
	size_t		 i;
	char		 d[64];

	printf("\nThread:\n");
	t = table_new(6, "WHEN", "DIR", "KIND", "WHO", "STATE", "SUBJECT");
	json_array_foreach(json_object_get(r, "thread"), i, x)
		table_add(t, out_date(x, "at", d, sizeof d),
		    out_str(x, "direction"), out_str(x, "kind"),
		    out_str(x, "who"), json_is_string(json_object_get(x,
		    "last_error")) && strcmp(out_str(x, "state"), "sent") != 0 ?
		    out_str(x, "last_error") : out_str(x, "state"),
		    out_str(x, "subject"));
	table_print(t);
}

/*
 * Why it is ineligible (or withdrawn), a reason a line; and an officer's
 * overrule: "eligible — overruled by priya on 2 Dec 2026: reason".
 */
static void
app_reasons(json_t *r)
{
	json_t		*o = json_object_get(r, "override");
	const char	*why = json_string_value(json_object_get(r, "reason"));
	char		*copy, *p, *line, d[64], *text;
	int		 first = 1;

	if (json_is_object(o)) {
		json_t	*day;
		time_t	 t;
		char	 local[32] = "";

		/* The day in the UK of a UTC time, as "2 Dec 2026". */
		if (date_parse_utc(out_str(o, "at"), &t) == 0)
			date_format_local_input(t, local, sizeof local);
		day = json_stringn(local, strlen(local) < 10 ? 0 : 10);
		xasprintf(&text, "%s \xe2\x80\x94 overruled by %s on %s: %s",
		    out_str(o, "verdict"), out_str(o, "by"), app_day(day, d,
		    sizeof d) != NULL ? d : "-", out_str(o, "reason"));
		json_decref(day);
		out_field("eligibility", text);
		free(text);
	}
	if (why == NULL || (json_is_object(o) && strcmp(out_str(r, "state"),
	    "ineligible") == 0))
		return;		/* the overrule's reason says it all */
	copy = xstrdup(why);
	for (p = copy; (line = strsep(&p, "\n")) != NULL; first = 0)
		out_field(first ? "reason" : "", line);
	free(copy);
}

int
cmd_app_show(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 m[MONEY_BUFLEN], d[64];

	r = client_call_on("GET", "/v1/applications/", a->argv[0], NULL, NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	out_field("application", out_str(r, "reference"));
	out_field("state", out_str(r, "state"));
	out_field("round", out_str(r, "round"));
	out_field("from", out_str(r, "email"));
	out_field("officer", out_str(r, "officer"));
	out_field("received", out_date(r, "received_at", d, sizeof d));
	out_field("amount", out_money(r, "amount_requested", m, sizeof m));
	app_reasons(r);
	app_form(r);
	if (json_array_size(json_object_get(r, "problems")) > 0) {
		printf("\nProblems:\n");
		json_array_foreach(json_object_get(r, "problems"), i, x)
			printf("  - %s\n", out_escape(json_string_value(x), 0));
	}
	if (json_array_size(json_object_get(r, "attachments")) > 0) {
		printf("\nAttachments:\n");
		t = table_new(4, "FILE", "TYPE", "BYTES", "NOTE");
		json_array_foreach(json_object_get(r, "attachments"), i, x)
			table_add(t, out_str(x, "filename"),
			    out_str(x, "content_type"), out_str(x, "size"),
			    json_integer_value(json_object_get(x, "refused")) ?
			    out_str(x, "refused_reason") : "kept");
		table_print(t);
	}
	assess_show(json_object_get(r, "assessment"));
	app_thread(r);
	json_decref(r);
	return CMD_OK;
}

int
cmd_app_eligibility(struct args *a)
{
	json_t	*body, *r;

	if (args_has(a, "eligible") == args_has(a, "ineligible"))
		return cmd_usage_error("app eligibility needs --eligible or "
		    "--ineligible");
	if (!args_has(a, "reason"))
		return cmd_usage_error("app eligibility needs --reason");
	body = json_pack("{s:s,s:s}", "verdict", args_has(a, "eligible") ?
	    "eligible" : "ineligible", "reason", args_get(a, "reason"));
	r = client_call_on("POST", "/v1/applications/", a->argv[0],
	    "/eligibility", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Application %s is %s (eligibility overruled: %s).\n",
	    out_str(r, "reference"), out_str(r, "state"),
	    out_str(r, "eligibility"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_app_withdraw(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "reason"))
		return cmd_usage_error("app withdraw needs --reason");
	body = json_pack("{s:s}", "reason", args_get(a, "reason"));
	r = client_call_on("POST", "/v1/applications/", a->argv[0], "/withdraw", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Application %s is withdrawn.\n", out_str(r, "reference"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_app_decide(struct args *a)
{
	json_t		*body, *r;
	const char	*how;
	char		 m[MONEY_BUFLEN];
	int		 n;

	n = args_has(a, "award") + args_has(a, "decline") +
	    args_has(a, "waitlist");
	if (n != 1)
		return cmd_usage_error("app decide needs one of --award, "
		    "--decline or --waitlist");
	how = args_has(a, "award") ? "award" : args_has(a, "decline") ?
	    "decline" : "waitlist";
	if ((args_has(a, "amount") || args_has(a, "conditions")) &&
	    !args_has(a, "award"))
		return cmd_usage_error("--amount and --conditions go with "
		    "--award");
	if (args_has(a, "reason") && !args_has(a, "decline"))
		return cmd_usage_error("--reason goes with --decline");
	if (args_has(a, "decline") && !args_has(a, "reason"))
		return cmd_usage_error("app decide --decline needs --reason");
	body = json_pack("{s:s}", "decision", how);
	if (args_has(a, "amount"))
		json_object_set_new(body, "amount",
		    json_string(args_get(a, "amount")));
	if (args_has(a, "conditions"))
		json_object_set_new(body, "conditions",
		    json_string(args_get(a, "conditions")));
	if (args_has(a, "reason"))
		json_object_set_new(body, "reason",
		    json_string(args_get(a, "reason")));
	r = client_call_on("POST", "/v1/applications/", a->argv[0], "/decide",
	    body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	if (strcmp(out_str(r, "state"), "approved") == 0)
		printf("Application %s is awarded %s; the offer is made.\n",
		    out_str(r, "reference"), out_money(r, "amount_awarded", m,
		    sizeof m));
	else
		printf("Application %s is %s.\n", out_str(r, "reference"),
		    out_str(r, "state"));
	json_decref(r);
	return CMD_OK;
}
