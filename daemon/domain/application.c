/*
 * application.c: an application made from a community group's email:
 * numbered, checked against the round's published rules, given a named
 * officer, and answered with one letter that says what happens next.
 * Everything here runs inside the intake's transaction.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "domain/domain.h"
#include "mail/form.h"

#define APP_DECISION_DAYS 28	/* after the round closes (or the mail, if rolling) */

static const struct {
	const char	*key, *label;
} app_labels[] = {
	{ "organisation", "Organisation" }, { "org_type", "Type" },
	{ "charity_number", "Charity number" },
	{ "company_number", "Company number" },
	{ "contact_name", "Contact" }, { "email", "Email" },
	{ "phone", "Phone" }, { "postcode", "Postcode" },
	{ "project_title", "Project" }, { "summary", "Summary" },
	{ "priorities", "Priorities" }, { "amount", "Amount requested" },
	{ "start", "Start" }, { "end", "End" },
	{ "beneficiaries", "People who will benefit" },
	{ "budget", "Budget" },
};

static const char *
app_field(json_t *fields, const char *key)
{
	json_t	*v = json_object_get(fields, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

#define APP_LETTER_VALUE_MAX 2000	/* bytes of one answer shown in a letter */

/*
 * One line per field, for letters: lists joined with "; ", line breaks
 * shown as " / ", and long answers cut (the full text stays on record).
 */
static char *
app_flatten(json_t *v)
{
	struct strbuf	 b = { NULL, 0, 0 };
	json_t		*item;
	const char	*p;
	size_t		 i, n;

	if (!json_is_array(v) && !json_is_string(v))
		return NULL;
	strbuf_add(&b, "", 0);
	n = json_is_array(v) ? json_array_size(v) : 1;
	for (i = 0; i < n && b.len <= APP_LETTER_VALUE_MAX; i++) {
		item = json_is_array(v) ? json_array_get(v, i) : v;
		if (i > 0)
			strbuf_add(&b, "; ", 2);
		p = json_is_string(item) ? json_string_value(item) : "";
		for (; *p != '\0' && b.len <= APP_LETTER_VALUE_MAX; p++)
			strbuf_add(&b, *p == '\n' ? " / " : p, *p == '\n' ? 3 : 1);
	}
	if (b.len > APP_LETTER_VALUE_MAX) {
		utf8_truncate(b.s, APP_LETTER_VALUE_MAX);
		b.len = strlen(b.s);
		strbuf_add(&b, " ...", 4);
	}
	return b.s;
}

json_t *
app_understood(json_t *fields)
{
	json_t	*list = json_array();
	char	*v, m[MONEY_BUFLEN];
	size_t	 i;

	for (i = 0; i < sizeof app_labels / sizeof app_labels[0]; i++) {
		if (strcmp(app_labels[i].key, "amount") == 0 &&
		    json_is_integer(json_object_get(fields, "amount_pence")))
			v = xstrdup(money_format(json_integer_value(
			    json_object_get(fields, "amount_pence")), m, sizeof m));
		else if ((v = app_flatten(json_object_get(fields,
		    app_labels[i].key))) == NULL)
			continue;
		json_array_append_new(list, json_pack("{s:s,s:s}", "label",
		    app_labels[i].label, "value", v));
		free(v);
	}
	return list;
}

/*
 * The officer with the fewest live applications becomes the named
 * contact; with no officers yet, the fund's own address stands in.
 */
static json_t *
app_pick_officer(void)
{
	return db_query_row("SELECT u.id, u.name, u.email FROM users u WHERE "
	    "u.active = 1 AND u.email IS NOT NULL AND FIND_IN_SET('officer', "
	    "u.roles) ORDER BY (SELECT COUNT(*) FROM applications a WHERE "
	    "a.officer_id = u.id AND a.state NOT IN ('withdrawn', 'declined', "
	    "'ineligible', 'approved')), u.id LIMIT 1", "");
}

/*
 * A round with a decision target promises a day: so many working days
 * from the day the application came in ("Friday 11 December 2026").
 */
static void
app_decision_target(json_t *vars, const char *received_at, int days)
{
	struct workday_calendar	*cal;
	long			 day;
	char			 d[64];

	if ((day = decide_local_day(received_at)) < 0)
		return;
	cal = xmalloc(sizeof *cal);
	decide_calendar(cal);
	day = workday_add(cal, day, days);
	free(cal);
	json_object_set_new(vars, "decision_date", json_string(workday_format(
	    day, d, sizeof d)));
}

/* The reasons, kept a line each in applications.reason, as a list. */
static void
app_set_reasons(json_t *vars, const char *reason)
{
	json_t	*list = json_array();
	char	*copy = xstrdup(reason), *p = copy, *line;

	while ((line = strsep(&p, "\n")) != NULL)
		if (*line != '\0')
			json_array_append_new(list, json_string(line));
	free(copy);
	json_object_set_new(vars, "reasons", list);
}

/* The letter's values: who, what, which round, who to talk to, when. */
json_t *
app_letter_vars(long long app_id)
{
	json_t	*a, *vars, *fields;
	char	 m[MONEY_BUFLEN], d[64];
	time_t	 t;

	a = db_query_row("SELECT a.reference, a.email, a.contact_name, "
	    "a.organisation, a.project_title, a.amount_requested, a.fields, "
	    "a.problems, a.reason, a.received_at, f.name AS fund_name, "
	    "f.code AS fund_code, r.title AS round_title, r.code AS round_code, "
	    "r.closes_at, r.max_award, r.decision_days, u.name AS "
	    "officer_name, u.email AS "
	    "officer_email, DATE_FORMAT(COALESCE(r.closes_at, a.received_at) + "
	    "INTERVAL ? DAY, '%Y-%m-%d') AS decide_by FROM applications a "
	    "JOIN funds f ON f.id = a.fund_id JOIN rounds r ON r.id = "
	    "a.round_id LEFT JOIN users u ON u.id = a.officer_id WHERE a.id = ?",
	    "di", APP_DECISION_DAYS, (int64_t)app_id);
	if (a == NULL || json_is_null(a))
		return a;
#define S(k) json_string_value(json_object_get(a, k))
	fields = json_loads(S("fields"), 0, NULL);
	vars = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "reference", S("reference"), "email", S("email"),
	    "fund_name", S("fund_name"), "round_title", S("round_title"),
	    "round_code", S("round_code"),
	    "officer_name", S("officer_name") ? S("officer_name") :
	    "the grants team",
	    "officer_email", S("officer_email") ? S("officer_email") :
	    grantd_config->mail_from);
	json_object_set_new(vars, "contact_name", json_string(
	    S("contact_name") ? S("contact_name") : "applicant"));
	if (S("organisation"))
		json_object_set_new(vars, "organisation",
		    json_string(S("organisation")));
	if (S("project_title"))
		json_object_set_new(vars, "project_title",
		    json_string(S("project_title")));
	if (json_is_integer(json_object_get(a, "amount_requested"))) {
		money_format(json_integer_value(json_object_get(a,
		    "amount_requested")), m, sizeof m);
		json_object_set_new(vars, "amount", json_string(m));
		json_object_set_new(vars, "amount_requested", json_string(m));
	}
	if (json_is_integer(json_object_get(a, "max_award")))
		json_object_set_new(vars, "max_award", json_string(money_format(
		    json_integer_value(json_object_get(a, "max_award")), m,
		    sizeof m)));
	if (date_parse_utc(S("received_at"), &t) == 0)
		json_object_set_new(vars, "received",
		    json_string(date_format_local(t, d, sizeof d)));
	if (S("closes_at") != NULL && date_parse_utc(S("closes_at"), &t) == 0)
		json_object_set_new(vars, "closes",
		    json_string(date_format_local(t, d, sizeof d)));
	if (json_is_integer(json_object_get(a, "decision_days")))
		app_decision_target(vars, S("received_at"), (int)
		    json_integer_value(json_object_get(a, "decision_days")));
	else if (date_parse_utc(S("decide_by"), &t) == 0) {
		struct tm tm;
		gmtime_r(&t, &tm);
		snprintf(d, sizeof d, "%d ", tm.tm_mday);
		strftime(d + strlen(d), sizeof d - strlen(d), "%B %Y", &tm);
		json_object_set_new(vars, "decision_date", json_string(d));
	}
	app_set_understood(vars, fields, 0);
	json_object_set_new(vars, "problems", json_loads(S("problems"), 0,
	    NULL));
	if (S("reason")) {
		json_object_set_new(vars, "reason", json_string(S("reason")));
		app_set_reasons(vars, S("reason"));
	}
#undef S
	json_decref(fields);
	json_decref(a);
	return vars;
}

/* The round's rules for form_problems(). */
static int
app_rules(long long round_id, struct form_rules *rules, json_t **prio)
{
	json_t	*r;

	r = db_query_row("SELECT COALESCE(r.max_award, f.max_award, 0) AS maxa, "
	    "COALESCE(f.min_award, 0) AS mina FROM rounds r JOIN funds f ON "
	    "f.id = r.fund_id WHERE r.id = ?", "i", (int64_t)round_id);
	*prio = round_priorities(round_id);
	if (r == NULL || *prio == NULL || json_is_null(r)) {
		json_decref(r);
		json_decref(*prio);
		return -1;
	}
	rules->max_award = json_integer_value(json_object_get(r, "maxa"));
	rules->min_award = json_integer_value(json_object_get(r, "mina"));
	rules->priorities = *prio;
	json_decref(r);
	return 0;
}

/*
 * What every first reply shows of the form: "understood", and "form_read"
 * to say there is anything to show. With a round, priorities answered by
 * number are named, as app_assess() stores them.
 */
int
app_set_understood(json_t *vars, json_t *fields, long long round_id)
{
	struct form_rules	 rules;
	json_t			*prio = NULL, *list;

	if (round_id > 0) {
		if (app_rules(round_id, &rules, &prio) == -1)
			return -1;
		json_decref(form_problems(fields, &rules));
		json_decref(prio);
	}
	list = app_understood(fields);
	json_object_set_new(vars, "form_read", json_boolean(
	    json_array_size(list) > 0));
	json_object_set_new(vars, "understood", list);
	return 0;
}

/* {verdict, reason}: an officer's overrule (nulls if none); NULL on error. */
static json_t *
app_override(long long app_id)
{
	return db_query_row("SELECT eligibility_override AS verdict, "
	    "override_reason AS reason FROM applications WHERE id = ?", "i",
	    (int64_t)app_id);
}

/*
 * Check fields against the round's rules (eligibility.c) and settle the
 * application's state: ineligible (with every reason), incomplete (with
 * the list) or eligible. Writes the state, the fields as understood, and
 * an audit row.
 */
int
app_assess(long long app_id, long long round_id, const char *reference,
    json_t *fields, const char *from_state, char *state, size_t statelen)
{
	struct elig_verdict	 v;
	json_t			*ov;
	char			*ftext, *ptext;
	long long		 rc;

	if ((ov = app_override(app_id)) == NULL || json_is_null(ov)) {
		json_decref(ov);
		return -1;
	}
	rc = elig_judge(app_id, round_id, fields, json_string_value(
	    json_object_get(ov, "verdict")), json_string_value(
	    json_object_get(ov, "reason")), &v);
	json_decref(ov);
	if (rc == -1)
		return -1;
	snprintf(state, statelen, "%s", v.state);
	ftext = json_dumps(fields, JSON_COMPACT);
	ptext = json_dumps(v.problems, JSON_COMPACT);
	/* The columns are for lists; the full answers are in fields. */
	rc = db_exec("UPDATE applications SET state = ?, fields = ?, "
	    "problems = ?, reason = ?, org_key = ?, contact_name = LEFT(?, "
	    "200), organisation = LEFT(?, 200), project_title = LEFT(?, 200), "
	    "amount_requested = ?, updated_at = "
	    "UTC_TIMESTAMP(6) WHERE id = ?", "ssssssssii", state, ftext, ptext,
	    v.reason, v.org_key, app_field(fields, "contact_name"),
	    app_field(fields, "organisation"), app_field(fields,
	    "project_title"), (int64_t)(json_is_integer(json_object_get(fields,
	    "amount_pence")) ? json_integer_value(json_object_get(fields,
	    "amount_pence")) : 0), (int64_t)app_id);
	free(ftext);
	free(ptext);
	if (rc != 1) {
		elig_verdict_free(&v);
		return -1;
	}
	rc = audit_append("grantd", "application.state", reference,
	    json_pack("{s:I,s:s,s:s,s:O,s:O}", "id", (json_int_t)app_id,
	    "from", from_state, "to", state, "problems", v.problems,
	    "reasons", v.reasons));
	elig_verdict_free(&v);
	return rc == -1 ? -1 : 0;
}

/*
 * A new application in round_id from the sender. Returns its id and
 * reference, or -1 on a database error.
 */
long long
app_create(long long round_id, const char *email, json_t *fields,
    char *reference, size_t reflen)
{
	json_t		*row, *officer;
	long long	 id;
	int		 year, seq;
	char		 today[16], *ftext;

	date_today_local(today, sizeof today, NULL);
	year = atoi(today);
	/* The fund row is the lock that keeps application numbers unique. */
	row = db_query_row("SELECT f.id AS fund_id, f.code, COALESCE((SELECT "
	    "MAX(seq) FROM applications WHERE fund_id = f.id AND year = ?), 0) "
	    "+ 1 AS seq FROM rounds r JOIN funds f ON f.id = r.fund_id WHERE "
	    "r.id = ? FOR UPDATE", "di", year, (int64_t)round_id);
	if (row == NULL || json_is_null(row) ||
	    (officer = app_pick_officer()) == NULL) {
		json_decref(row);
		return -1;
	}
	seq = (int)json_integer_value(json_object_get(row, "seq"));
	snprintf(reference, reflen, "%s-%d-%04d", json_string_value(
	    json_object_get(row, "code")), year, seq);
	ftext = json_dumps(fields, JSON_COMPACT);
	id = db_exec("INSERT INTO applications (reference, fund_id, round_id, "
	    "year, seq, email, fields, problems, officer_id) VALUES (?, ?, ?, "
	    "?, ?, ?, ?, '[]', NULLIF(?, 0))", "siiddssi", reference, (int64_t)
	    json_integer_value(json_object_get(row, "fund_id")),
	    (int64_t)round_id, year, seq, email, ftext, (int64_t)(json_is_null(
	    officer) ? 0 : json_integer_value(json_object_get(officer, "id"))));
	free(ftext);
	json_decref(row);
	json_decref(officer);
	if (id != 1)
		return -1;
	id = db_insert_id();
	if (audit_append("grantd", "application.create", reference,
	    json_pack("{s:s,s:I}", "email", email, "round",
	    (json_int_t)round_id)) == -1)
		return -1;
	return id;
}

/* The application's named officer: a user id, 0 if none, -1 on error. */
long long
app_officer(long long app_id)
{
	json_t		*row;
	long long	 id;

	if ((row = db_query_row("SELECT COALESCE(officer_id, 0) AS o FROM "
	    "applications WHERE id = ?", "i", (int64_t)app_id)) == NULL)
		return -1;
	id = json_is_null(row) ? 0 : json_integer_value(json_object_get(row,
	    "o"));
	json_decref(row);
	return id;
}
