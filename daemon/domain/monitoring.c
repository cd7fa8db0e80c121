/*
 * monitoring.c: the returns a grant owes. A grant's plan comes from its
 * fund (funds.monitoring_plan): 'end', one return some weeks after the
 * last payment or the project's end; or 'quarterly', a return every
 * quarter from acceptance plus an annual one each year. Either way a
 * short follow-up return comes some months after the last, for the
 * wellbeing questions asked again (followup_weeks). The group is
 * reminded before the due date and on it, and when a return is overdue
 * the group is written to and the grant's named officer told: each once,
 * each marked in the same transaction as its letter, so two grantd
 * sharing the database never send one twice. Returns arrive by email
 * (mail/intake-monitor.c); an officer approves them, which releases the
 * payments that were held waiting for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "core/core.h"
#include "mail/mail.h"
#include "domain/domain.h"

#define MONITOR_QUARTERS_MAX	40	/* ten years of quarters */
#define MONITOR_YEARS_MAX	10
#define MONITOR_OPEN		"'scheduled', 'due', 'incomplete'"

static struct event	*monitor_ev;

static const char *
monitor_s(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void
monitor_today(char *buf, size_t len)
{
	date_today_local(buf, len, NULL);
}

/* "2027-03-01": a date as the database gives one, checked. */
static int
monitor_date_ok(const char *s)
{
	long	day;

	return s != NULL && strlen(s) == 10 && workday_parse_date(s, &day) == 0;
}

/* ---- the plan ---- */

/* A return due n units after from, then weeks more (0 but for the
 * follow-up, which comes after the last one): 1 added, 0 already there. */
static int
monitor_add(long long grant_id, const char *kind, const char *period,
    const char *from, const char *unit, long n, long weeks)
{
	/* unit is one of two fixed words, never input. */
	char	sql[320];

	snprintf(sql, sizeof sql, "INSERT IGNORE INTO monitoring_returns "
	    "(grant_id, kind, period, due_date) VALUES (?, ?, ?, DATE_ADD("
	    "DATE_ADD(?, INTERVAL ? %s), INTERVAL ? WEEK))", unit);
	return db_exec(sql, "isssii", (int64_t)grant_id, kind, period, from,
	    (int64_t)n, (int64_t)weeks);
}

/* The follow-up after the last return (from + n units), if asked for. */
static int
monitor_add_followup(long long grant_id, const char *from, const char *unit,
    long n)
{
	if (grantd_config->monitor_followup_weeks == 0)
		return 0;
	return monitor_add(grant_id, "followup", "follow-up", from, unit, n,
	    grantd_config->monitor_followup_weeks);
}

/* The day a year after start ("2027-01-15"), as the database counts. */
static int
monitor_year_on(const char *start, char basis[11])
{
	json_t	*d;

	d = db_query_row("SELECT DATE_FORMAT(DATE_ADD(?, INTERVAL 12 MONTH), "
	    "'%Y-%m-%d') AS d", "s", start);
	if (d == NULL)
		return -1;
	snprintf(basis, 11, "%s", json_string_value(json_object_get(d, "d")));
	json_decref(d);
	return 0;
}

/*
 * The returns the grant's fund asks for, scheduled (none twice): how many
 * were added, or -1 on a database error. Called inside the caller's
 * transaction when a grant becomes accepted.
 */
int
monitor_plan_create(long long grant_id)
{
	json_t		*g;
	const char	*plan, *start, *last, *end;
	char		 basis[11], period[64];
	long		 months, n, i;
	int		 added = 0, rc = 0;

	g = db_query_row("SELECT f.monitoring_plan AS plan, DATE_FORMAT("
	    "COALESCE(g.accepted_at, UTC_TIMESTAMP(6)), '%Y-%m-%d') AS start, "
	    "(SELECT DATE_FORMAT(MAX(t.due_date), '%Y-%m-%d') FROM tranches t "
	    "WHERE t.grant_id = g.id AND t.state <> 'cancelled') AS last_tranche, "
	    "JSON_VALUE(a.fields, '$.end_date') AS project_end FROM grants g "
	    "JOIN funds f ON f.id = g.fund_id LEFT JOIN applications a ON "
	    "a.id = g.application_id WHERE g.id = ?", "i", (int64_t)grant_id);
	if (g == NULL)
		return -1;
	if (json_is_null(g)) {
		json_decref(g);
		return 0;
	}
	plan = monitor_s(g, "plan");
	start = monitor_s(g, "start");
	last = monitor_s(g, "last_tranche");
	end = monitor_s(g, "project_end");
	/* The later of the last payment and the project's own end. */
	basis[0] = '\0';
	if (monitor_date_ok(last))
		snprintf(basis, sizeof basis, "%s", last);
	if (monitor_date_ok(end) && strcmp(end, basis) > 0)
		snprintf(basis, sizeof basis, "%s", end);
	if (strcmp(plan, "end") == 0) {
		/* Nothing says when it ends: a year from acceptance. */
		if (basis[0] == '\0' && monitor_year_on(start, basis) == -1)
			rc = -1;
		else if ((rc = monitor_add(grant_id, "end", "end of project",
		    basis, "WEEK", grantd_config->monitor_end_weeks, 0)) != -1) {
			added = monitor_add_followup(grant_id, basis, "WEEK",
			    grantd_config->monitor_end_weeks);
			rc = added == -1 ? -1 : rc + added;
		}
		json_decref(g);
		return rc;
	}
	months = 12;
	if (basis[0] != '\0') {
		json_t *d = db_query_row("SELECT TIMESTAMPDIFF(MONTH, ?, ?) AS "
		    "m", "ss", start, basis);
		if (d == NULL) {
			json_decref(g);
			return -1;
		}
		if (json_integer_value(json_object_get(d, "m")) > months)
			months = json_integer_value(json_object_get(d, "m"));
		json_decref(d);
	}
	/* Every quarter to the end; a year's return only for a whole year. */
	n = (months + 2) / 3;
	for (i = 1; i <= n && i <= MONITOR_QUARTERS_MAX; i++) {
		snprintf(period, sizeof period, "quarter %ld", i);
		if ((rc = monitor_add(grant_id, "quarterly", period, start,
		    "MONTH", 3 * i, 0)) == -1)
			break;
		added += rc;
	}
	if (rc != -1 && (rc = monitor_add_followup(grant_id, start, "MONTH",
	    3 * (i - 1))) != -1)
		added += rc;
	for (i = 1; rc != -1 && i <= months / 12 &&
	    i <= MONITOR_YEARS_MAX; i++) {
		snprintf(period, sizeof period, "year %ld", i);
		if ((rc = monitor_add(grant_id, "annual", period, start,
		    "MONTH", 12 * i, 0)) != -1)
			added += rc;
	}
	json_decref(g);
	return rc == -1 ? -1 : added;
}

/* ---- reading ---- */

/* A return with its grant, for letters and rules: NULL on a database error. */
static json_t *
monitor_row(long long id, int lock)
{
	char	today[16];

	monitor_today(today, sizeof today);
#define MONITOR_ROW "SELECT r.id, r.grant_id, r.kind, r.period, r.state, " \
	"r.fields, DATE_FORMAT(r.due_date, '%Y-%m-%d') AS due_date, " \
	"DATEDIFF(r.due_date, ?) AS days_left, g.reference, g.email, " \
	"g.organisation, g.state AS grant_state, g.officer_id, " \
	"g.application_id FROM monitoring_returns r JOIN grants g ON g.id = " \
	"r.grant_id WHERE r.id = ?"
	return db_query_row(lock ? MONITOR_ROW " FOR UPDATE" : MONITOR_ROW,
	    "si", today, (int64_t)id);
#undef MONITOR_ROW
}

int
monitor_get(long long id, struct monitor_return *m, int lock)
{
	json_t	*r;

	memset(m, 0, sizeof *m);
	if ((r = monitor_row(id, lock)) == NULL)
		return -1;
	if (json_is_null(r)) {
		json_decref(r);
		return 0;
	}
	m->id = id;
	m->grant_id = json_integer_value(json_object_get(r, "grant_id"));
	m->app_id = json_integer_value(json_object_get(r, "application_id"));
	m->officer_id = json_integer_value(json_object_get(r, "officer_id"));
	m->days_left = json_integer_value(json_object_get(r, "days_left"));
	snprintf(m->kind, sizeof m->kind, "%s", monitor_s(r, "kind"));
	snprintf(m->state, sizeof m->state, "%s", monitor_s(r, "state"));
	snprintf(m->reference, sizeof m->reference, "%s",
	    monitor_s(r, "reference"));
	snprintf(m->email, sizeof m->email, "%s", monitor_s(r, "email"));
	snprintf(m->due, sizeof m->due, "%s", monitor_s(r, "due_date"));
	m->fields = json_loads(monitor_s(r, "fields") != NULL ?
	    monitor_s(r, "fields") : "{}", 0, NULL);
	json_decref(r);
	return 1;
}

void
monitor_free(struct monitor_return *m)
{
	json_decref(m->fields);
	m->fields = NULL;
}

/* The return a letter grantd sent was about, by its message id: 0 if none. */
long long
monitor_by_message(const char *message_id)
{
	json_t		*row;
	long long	 id;

	row = db_query_row("SELECT CAST(JSON_VALUE(vars, '$.return_id') AS "
	    "INTEGER) AS id FROM outbox WHERE message_id = ? AND template LIKE "
	    "'monitoring-%'", "s", message_id);
	if (row == NULL)
		return -1;
	id = json_is_null(row) ? 0 : json_integer_value(json_object_get(row,
	    "id"));
	json_decref(row);
	return id;
}

static void
monitor_title(const char *kind, const char *period, char *buf, size_t len)
{
	if (strcmp(kind, "end") == 0)
		snprintf(buf, len, "end-of-project monitoring return");
	else if (strcmp(kind, "followup") == 0)
		snprintf(buf, len, "follow-up wellbeing return");
	else if (strcmp(kind, "annual") == 0)
		snprintf(buf, len, "annual monitoring return (%s)", period);
	else
		snprintf(buf, len, "quarterly monitoring return (%s)", period);
}

/* What a letter about return id says: NULL on a database error. */
json_t *
monitor_letter_vars(long long id)
{
	json_t		*r, *vars;
	json_int_t	 left;
	char		 title[128], today[16], days_left[32], days_over[32];

	monitor_today(today, sizeof today);
	r = db_query_row("SELECT r.kind, r.period, DATE_FORMAT(r.due_date, "
	    "'%W %e %M %Y') AS due, DATEDIFF(r.due_date, ?) AS days_left, "
	    "g.reference, g.email, g.organisation, a.contact_name, "
	    "COALESCE(a.project_title, g.purpose) AS project_title, f.name AS "
	    "fund_name, u.name AS officer_name, u.email AS officer_email FROM "
	    "monitoring_returns r JOIN grants g ON g.id = r.grant_id JOIN funds "
	    "f ON f.id = g.fund_id LEFT JOIN applications a ON a.id = "
	    "g.application_id LEFT JOIN users u ON u.id = g.officer_id WHERE "
	    "r.id = ?", "si", today, (int64_t)id);
	if (r == NULL || json_is_null(r)) {
		json_decref(r);
		return NULL;
	}
	monitor_title(monitor_s(r, "kind"), monitor_s(r, "period"), title,
	    sizeof title);
	left = json_integer_value(json_object_get(r, "days_left"));
	/* "1 day", "5 days": said, not computed, in the letter. */
	snprintf(days_left, sizeof days_left, "%lld day%s", (long long)left,
	    left == 1 ? "" : "s");
	snprintf(days_over, sizeof days_over, "%lld day%s", (long long)-left,
	    left == -1 ? "" : "s");
	vars = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "return_id", (json_int_t)id, "return_title", title,
	    "return_due", monitor_s(r, "due"),
	    "reference", monitor_s(r, "reference"),
	    "email", monitor_s(r, "email"),
	    "organisation", monitor_s(r, "organisation"),
	    "project_title", monitor_s(r, "project_title"),
	    "fund_name", monitor_s(r, "fund_name"),
	    "days_left", days_left, "days_overdue", days_over);
	json_object_set_new(vars, "followup", json_boolean(strcmp(
	    monitor_s(r, "kind"), "followup") == 0));
	json_object_set_new(vars, "contact_name", json_string(
	    monitor_s(r, "contact_name") != NULL ? monitor_s(r, "contact_name") :
	    monitor_s(r, "organisation")));
	json_object_set_new(vars, "officer_name", json_string(
	    monitor_s(r, "officer_name") != NULL ? monitor_s(r, "officer_name") :
	    "the grants team"));
	json_object_set_new(vars, "officer_email", json_string(
	    monitor_s(r, "officer_email") != NULL ?
	    monitor_s(r, "officer_email") : grantd_config->mail_from));
	json_decref(r);
	return vars;
}

/*
 * A letter about return id, to the grant's address on record, threaded
 * under in_reply_to when it answers the group. Replies come to grantd,
 * not to the officer: they are the return. extra's values are added.
 */
int
monitor_letter(long long id, const char *template, const char *in_reply_to,
    const char *references, json_t *extra)
{
	struct outbox_new	 n;
	json_t			*vars;
	int			 rc;

	if ((vars = monitor_letter_vars(id)) == NULL)
		return -1;
	if (extra != NULL)
		json_object_update(vars, extra);
	memset(&n, 0, sizeof n);
	n.template = template;
	n.to_addr = monitor_s(vars, "email");
	n.to_name = monitor_s(vars, "contact_name");
	n.reference = monitor_s(vars, "reference");
	n.in_reply_to = in_reply_to;
	n.references = references;
	n.auto_submitted = in_reply_to != NULL ? "auto-replied" : NULL;
	n.vars = vars;
	rc = outbox_queue(&n) == -1 ? -1 : 0;
	json_decref(vars);
	return rc;
}

/* ---- reminders ---- */

/*
 * One reminder: marked (column) only if not marked yet, so another
 * grantd that got there first wins and nothing is sent twice.
 */
static int
monitor_remind_one(long long id, const char *column, const char *template)
{
	json_t		*r;
	char		 sql[200];
	long long	 officer;
	int		 rc;

	if (db_begin() == -1)
		return -1;
	/* column is one of three fixed names, never input. */
	snprintf(sql, sizeof sql, "UPDATE monitoring_returns SET %s = "
	    "UTC_TIMESTAMP(6), state = IF(state = 'scheduled', 'due', state) "
	    "WHERE id = ? AND %s IS NULL", column, column);
	if ((rc = db_exec(sql, "i", (int64_t)id)) == -1)
		goto fail;
	if (rc == 0) {
		db_rollback();
		return 0;
	}
	if (monitor_letter(id, template, NULL, NULL, NULL) == -1)
		goto fail;
	if (strcmp(column, "escalated_at") == 0) {
		r = db_query_row("SELECT g.reference, g.organisation, "
		    "g.officer_id, DATE_FORMAT(m.due_date, '%Y-%m-%d') AS due "
		    "FROM monitoring_returns m JOIN grants g ON g.id = "
		    "m.grant_id WHERE m.id = ?", "i", (int64_t)id);
		if (r == NULL || json_is_null(r)) {
			json_decref(r);
			goto fail;
		}
		if (audit_append("grantd", "monitoring.overdue",
		    monitor_s(r, "reference"), json_pack("{s:I,s:s}", "return",
		    (json_int_t)id, "due", monitor_s(r, "due"))) == -1) {
			json_decref(r);
			goto fail;
		}
		officer = json_integer_value(json_object_get(r, "officer_id"));
		rc = officer > 0 ? staff_notify_user(officer, "%s (%s): "
		    "monitoring return %lld was due on %s and is overdue "
		    "(grantctl monitor show %lld)", monitor_s(r, "reference"),
		    monitor_s(r, "organisation"), id, monitor_s(r, "due"), id) :
		    staff_notify(ROLE_OFFICER, "%s (%s): monitoring return "
		    "%lld was due on %s and is overdue (grantctl monitor show "
		    "%lld)", monitor_s(r, "reference"), monitor_s(r,
		    "organisation"), id, monitor_s(r, "due"), id);
		json_decref(r);
		if (rc == -1)
			goto fail;
	}
	if (db_commit() == -1)
		goto fail;
	return 1;
fail:
	db_rollback();
	return -1;
}

/* Returns of live grants in one step of their reminders. */
static int
monitor_remind_step(const char *sql, const char *today, const char *column,
    const char *template)
{
	json_t	*ids, *row;
	size_t	 i;
	int	 n = 0, rc;

	ids = strcmp(column, "reminded_at") == 0 ? db_query(sql, "ssi", today,
	    today, (int64_t)grantd_config->monitor_remind_days) :
	    db_query(sql, "s", today);
	if (ids == NULL)
		return -1;
	json_array_foreach(ids, i, row) {
		rc = monitor_remind_one(json_integer_value(json_object_get(row,
		    "id")), column, template);
		if (rc == -1) {
			json_decref(ids);
			return -1;
		}
		n += rc;
	}
	json_decref(ids);
	return n;
}

/* Every reminder due now: how many were sent, or -1. */
int
monitor_remind_all(void)
{
	char	today[16];
	int	a, b, c;

	monitor_today(today, sizeof today);
	a = monitor_remind_step("SELECT r.id FROM monitoring_returns r JOIN "
	    "grants g ON g.id = r.grant_id WHERE g.state IN ('accepted', "
	    "'active') AND r.state IN ('scheduled', 'due') AND r.reminded_at "
	    "IS NULL AND r.due_date > ? AND r.due_date <= DATE_ADD(?, "
	    "INTERVAL ? DAY) ORDER BY r.id", today, "reminded_at",
	    "monitoring-reminder");
	b = a == -1 ? -1 : monitor_remind_step("SELECT r.id FROM "
	    "monitoring_returns r JOIN grants g ON g.id = r.grant_id WHERE "
	    "g.state IN ('accepted', 'active') AND r.state IN ('scheduled', "
	    "'due') AND r.due_reminded_at IS NULL AND r.due_date = ? ORDER BY r.id", today, "due_reminded_at",
	    "monitoring-due");
	c = b == -1 ? -1 : monitor_remind_step("SELECT r.id FROM "
	    "monitoring_returns r JOIN grants g ON g.id = r.grant_id WHERE "
	    "g.state IN ('accepted', 'active') AND r.state IN (" MONITOR_OPEN
	    ") AND r.escalated_at IS NULL AND r.due_date < ? ORDER BY r.id", today, "escalated_at", "monitoring-overdue");
	return c == -1 ? -1 : a + b + c;
}

static void
monitor_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	if (db_available() && monitor_remind_all() == -1)
		log_warnx("monitoring reminders: %s", db_last_error());
}

void
monitor_start(struct event_base *base)
{
	struct timeval	tv = { grantd_config->monitor_check_interval, 0 };

	monitor_ev = event_new(base, -1, EV_PERSIST, monitor_timer_cb, NULL);
	event_add(monitor_ev, &tv);
}

void
monitor_stop(void)
{
	if (monitor_ev != NULL) {
		event_free(monitor_ev);
		monitor_ev = NULL;
	}
}

/* ---- returns received ---- */

/*
 * What a reply made of return m (already locked): fields read and merged
 * by the caller, missing what it still lacks (an empty list: complete).
 * The spend, people and volunteers go in their columns, wellbeing in
 * wellbeing_counts; received or incomplete, audited. 0 or -1.
 */
int
monitor_record(const struct monitor_return *m, long long mail_id,
    json_t *fields, json_t *missing)
{
	json_t		*w;
	char		*ftext, *ptext;
	const char	*state = json_array_size(missing) == 0 ? "received" :
			    "incomplete";
	size_t		 i;
	int		 rc;

#define OPT(k) (json_is_integer(json_object_get(fields, k)) ? \
	(int64_t)json_integer_value(json_object_get(fields, k)) : (int64_t)-1)
	ftext = json_dumps(fields, JSON_COMPACT);
	ptext = json_dumps(missing, JSON_COMPACT);
	rc = db_exec("UPDATE monitoring_returns SET state = ?, received_at = "
	    "UTC_TIMESTAMP(6), mail_id = ?, fields = ?, problems = ?, spend = "
	    "NULLIF(?, -1), people = NULLIF(?, -1), volunteers = NULLIF(?, -1) "
	    "WHERE id = ?", "sissiiii", state, (int64_t)mail_id, ftext, ptext,
	    OPT("spend_pence"), OPT("people"), OPT("volunteers"),
	    (int64_t)m->id);
#undef OPT
	free(ftext);
	free(ptext);
	if (rc == -1 || db_exec("DELETE FROM wellbeing_counts WHERE return_id "
	    "= ?", "i", (int64_t)m->id) == -1)
		return -1;
	json_array_foreach(json_object_get(fields, "wellbeing"), i, w)
		if (db_exec("INSERT INTO wellbeing_counts (return_id, stage, "
		    "question, score, people) VALUES (?, ?, ?, ?, ?)", "issii",
		    (int64_t)m->id, monitor_s(w, "stage"), monitor_s(w,
		    "question"), (int64_t)json_integer_value(json_object_get(w,
		    "score")), (int64_t)json_integer_value(json_object_get(w,
		    "people"))) == -1)
			return -1;
	return audit_append("grantd", "monitoring.received", m->reference,
	    json_pack("{s:I,s:s,s:I,s:I}", "return", (json_int_t)m->id,
	    "state", state, "mail", (json_int_t)mail_id, "missing",
	    (json_int_t)json_array_size(missing)));
}

/* ---- officers' commands ---- */

static long long
monitor_id(const char *s, struct dom_err *e)
{
	char		*end;
	long long	 id;

	if (s == NULL || *s == '\0' || (id = strtoll(s, &end, 10)) <= 0 ||
	    *end != '\0')
		return dom_fail(e, DOM_BAD, "a monitoring return is named by its "
		    "number, as monitor list shows it"), -1;
	return id;
}

/* GET /v1/monitoring?overdue=1&fund=FG */
json_t *
monitor_list(int overdue, const char *fund, struct dom_err *e)
{
	json_t	*list, *f;
	char	 today[16];

	if (fund != NULL && *fund != '\0') {
		if ((f = db_query_row("SELECT id FROM funds WHERE code = ?", "s",
		    fund)) == NULL)
			return dom_db_fail(e), NULL;
		if (json_is_null(f)) {
			json_decref(f);
			dom_fail(e, DOM_NOT_FOUND, "no fund %s (grantctl fund "
			    "list shows them)", fund);
			return NULL;
		}
		json_decref(f);
	}
	monitor_today(today, sizeof today);
	list = db_query("SELECT r.id, g.reference, g.organisation, f.code AS "
	    "fund, r.kind, r.period, DATE_FORMAT(r.due_date, '%Y-%m-%d') AS "
	    "due_date, r.state, GREATEST(DATEDIFF(?, r.due_date), 0) AS "
	    "days_overdue, u.name AS officer FROM monitoring_returns r JOIN "
	    "grants g ON g.id = r.grant_id JOIN funds f ON f.id = g.fund_id "
	    "LEFT JOIN users u ON u.id = g.officer_id WHERE (? = '' OR f.code "
	    "= ?) AND (? = 0 OR (r.state IN (" MONITOR_OPEN ") AND r.due_date "
	    "< ?)) ORDER BY r.due_date, r.id", "sssds", today,
	    fund != NULL ? fund : "", fund != NULL ? fund : "", overdue, today);
	if (list == NULL)
		dom_db_fail(e);
	return list;
}

/* GET /v1/monitoring/ID: the return, what it says, its wellbeing counts. */
json_t *
monitor_show(const char *idtext, struct dom_err *e)
{
	json_t		*r, *f;
	long long	 id;

	if ((id = monitor_id(idtext, e)) == -1)
		return NULL;
	r = db_query_row("SELECT r.id, g.reference, g.organisation, g.email, "
	    "f.code AS fund, r.kind, r.period, DATE_FORMAT(r.due_date, "
	    "'%Y-%m-%d') AS due_date, r.state, r.spend, r.people, "
	    "r.volunteers, r.fields, r.problems, r.reminded_at, "
	    "r.due_reminded_at, r.escalated_at, r.chased_at, r.received_at, "
	    "r.mail_id, r.approved_by, r.approved_at, u.name AS officer FROM "
	    "monitoring_returns r JOIN grants g ON g.id = r.grant_id JOIN funds "
	    "f ON f.id = g.fund_id LEFT JOIN users u ON u.id = g.officer_id "
	    "WHERE r.id = ?", "i", (int64_t)id);
	if (r == NULL)
		return dom_db_fail(e), NULL;
	if (json_is_null(r)) {
		json_decref(r);
		dom_fail(e, DOM_NOT_FOUND, "there is no monitoring return %lld",
		    id);
		return NULL;
	}
	/* Stored as JSON text: shown as what it is. */
	f = json_loads(monitor_s(r, "fields") ? monitor_s(r, "fields") : "null",
	    JSON_DECODE_ANY, NULL);
	json_object_set_new(r, "fields", f != NULL ? f : json_null());
	f = json_loads(monitor_s(r, "problems") ? monitor_s(r, "problems") :
	    "[]", JSON_DECODE_ANY, NULL);
	json_object_set_new(r, "missing", f != NULL ? f : json_array());
	json_object_del(r, "problems");
	json_object_set_new(r, "wellbeing", db_query("SELECT stage, question, "
	    "score, people FROM wellbeing_counts WHERE return_id = ? ORDER BY "
	    "FIELD(stage, 'baseline', 'end', 'followup'), FIELD(question, "
	    "'life', 'worthwhile', 'happy', 'anxious'), score", "i",
	    (int64_t)id));
	json_object_set_new(r, "attachments", db_query("SELECT filename, "
	    "content_type, size, refused FROM attachments WHERE mail_id = ? "
	    "ORDER BY id", "i", (int64_t)(json_is_integer(json_object_get(r,
	    "mail_id")) ? json_integer_value(json_object_get(r, "mail_id")) :
	    0)));
	if (json_object_get(r, "wellbeing") == NULL ||
	    json_object_get(r, "attachments") == NULL) {
		json_decref(r);
		return dom_db_fail(e), NULL;
	}
	return r;
}

/* POST /v1/monitoring/plan {"grant": REF}: the grant's plan, made now. */
json_t *
monitor_plan(const char *actor, const char *ref, struct dom_err *e)
{
	json_t	*g;
	int	 n;

	if (ref == NULL || !check_code(ref, 1, 33, 1))
		return dom_fail(e, DOM_BAD, "monitor plan needs a grant's "
		    "reference"), NULL;
	if (db_begin() == -1)
		return dom_db_fail(e), NULL;
	g = db_query_row("SELECT id, state FROM grants WHERE reference = ? "
	    "FOR UPDATE", "s", ref);
	if (g == NULL)
		return dom_db_fail(e), NULL;
	if (json_is_null(g)) {
		json_decref(g);
		return dom_fail(e, DOM_NOT_FOUND, "there is no grant %s", ref),
		    NULL;
	}
	if (strcmp(monitor_s(g, "state"), "accepted") != 0 &&
	    strcmp(monitor_s(g, "state"), "active") != 0) {
		dom_fail(e, DOM_CONFLICT, "grant %s is %s: only an accepted or "
		    "active grant owes monitoring returns", ref,
		    monitor_s(g, "state"));
		json_decref(g);
		return NULL;
	}
	n = monitor_plan_create(json_integer_value(json_object_get(g, "id")));
	json_decref(g);
	if (n == -1 || audit_append(actor, "monitoring.plan", ref, json_pack(
	    "{s:i}", "added", n)) == -1 || db_commit() == -1)
		return dom_db_fail(e), NULL;
	g = db_query("SELECT r.id, r.kind, r.period, DATE_FORMAT(r.due_date, "
	    "'%Y-%m-%d') AS due_date, r.state FROM monitoring_returns r JOIN "
	    "grants g ON g.id = r.grant_id WHERE g.reference = ? ORDER BY "
	    "r.due_date, r.id", "s", ref);
	if (g == NULL)
		return dom_db_fail(e), NULL;
	return json_pack("{s:s,s:i,s:o}", "grant", ref, "added", n, "returns",
	    g);
}

/*
 * POST /v1/monitoring/ID/approve: a received return approved, and the
 * grant's payments that were held for it (and for no other return still
 * open that is due before them) become due again. One transaction.
 */
json_t *
monitor_approve(const char *actor, const char *idtext, struct dom_err *e)
{
	struct monitor_return	 m;
	json_t			*held, *t, *rows, *released;
	json_t			*unblocked = NULL;
	long long		 id;
	size_t			 i;
	int			 rc;

	if ((id = monitor_id(idtext, e)) == -1)
		return NULL;
	if (db_begin() == -1 || (rc = monitor_get(id, &m, 1)) == -1)
		return dom_db_fail(e), NULL;
	if (rc == 0)
		return dom_fail(e, DOM_NOT_FOUND, "there is no monitoring return "
		    "%lld", id), NULL;
	if (strcmp(m.state, "received") != 0) {
		dom_fail(e, DOM_CONFLICT, "monitoring return %lld is %s: only a "
		    "received return can be approved%s", id, m.state,
		    strcmp(m.state, "incomplete") == 0 ? " (the group has been "
		    "asked for what is missing)" : "");
		monitor_free(&m);
		return NULL;
	}
	held = db_query("SELECT t.id, t.number, DATE_FORMAT(t.due_date, "
	    "'%Y-%m-%d') AS due_date FROM tranches t WHERE t.grant_id = ? AND "
	    "t.state = 'held' AND t.hold_reason LIKE '%monitoring%' AND NOT "
	    "EXISTS (SELECT 1 FROM monitoring_returns r WHERE r.grant_id = "
	    "t.grant_id AND r.id <> ? AND r.state <> 'approved' AND "
	    "r.due_date <= t.due_date) ORDER BY t.number FOR UPDATE", "ii",
	    (int64_t)m.grant_id, (int64_t)id);
	/*
	 * Payments after the first wait for the latest return due by their
	 * own date (tranche.c): those that waited for this one may now go.
	 */
	rows = held == NULL ? NULL : db_query("SELECT t.number FROM "
	    "tranches t WHERE t.grant_id = ? AND t.number > 1 AND t.state IN ('scheduled', "
	    "'due') AND t.hold_reason IS NULL AND (SELECT rm.id FROM "
	    "monitoring_returns rm WHERE rm.grant_id = t.grant_id AND "
	    "rm.due_date <= t.due_date ORDER BY rm.due_date DESC, rm.id DESC "
	    "LIMIT 1) = ? ORDER BY t.number", "ii", (int64_t)m.grant_id,
	    (int64_t)id);
	unblocked = rows != NULL ? json_array() : NULL;
	json_array_foreach(rows, i, t)
		json_array_append(unblocked, json_object_get(t, "number"));
	json_decref(rows);
	if (held == NULL || unblocked == NULL ||
	    db_exec("UPDATE monitoring_returns SET state = 'approved', "
	    "approved_by = ?, approved_at = UTC_TIMESTAMP(6) WHERE id = ?",
	    "si", actor, (int64_t)id) != 1)
		goto dbfail;
	released = json_array();
	json_array_foreach(held, i, t) {
		if (db_exec("UPDATE tranches SET state = 'due', hold_reason = "
		    "NULL WHERE id = ? AND state = 'held'", "i",
		    (int64_t)json_integer_value(json_object_get(t, "id"))) != 1 ||
		    audit_append(actor, "tranche.release", m.reference,
		    json_pack("{s:O,s:s,s:I}", "tranche", json_object_get(t,
		    "number"), "because", "monitoring return approved",
		    "return", (json_int_t)id)) == -1) {
			json_decref(released);
			goto dbfail;
		}
		json_array_append(released, json_object_get(t, "number"));
	}
	if (audit_append(actor, "monitoring.approve",
	    m.reference, json_pack("{s:I,s:O,s:O}", "return", (json_int_t)id,
	    "released", released, "unblocked", unblocked)) == -1 ||
	    db_commit() == -1) {
		json_decref(released);
		goto dbfail;
	}
	json_decref(held);
	monitor_free(&m);
	return json_pack("{s:I,s:s,s:s,s:o,s:o}", "id", (json_int_t)id,
	    "reference", m.reference, "state", "approved", "released",
	    released, "unblocked", unblocked);
dbfail:
	json_decref(held);
	json_decref(unblocked);
	monitor_free(&m);
	return dom_db_fail(e), NULL;
}

/*
 * POST /v1/monitoring/ID/chase: the reminder sent again now, whichever
 * fits the day (before, on or after the due date), audited.
 */
json_t *
monitor_chase(const char *actor, const char *idtext, struct dom_err *e)
{
	struct monitor_return	 m;
	const char		*tmpl;
	long long		 id;
	int			 rc;

	if ((id = monitor_id(idtext, e)) == -1)
		return NULL;
	if (db_begin() == -1 || (rc = monitor_get(id, &m, 1)) == -1)
		return dom_db_fail(e), NULL;
	if (rc == 0)
		return dom_fail(e, DOM_NOT_FOUND, "there is no monitoring return "
		    "%lld", id), NULL;
	if (strcmp(m.state, "received") == 0 ||
	    strcmp(m.state, "approved") == 0) {
		dom_fail(e, DOM_CONFLICT, "monitoring return %lld is already %s: "
		    "there is nothing to chase", id, m.state);
		monitor_free(&m);
		return NULL;
	}
	tmpl = m.days_left < 0 ? "monitoring-overdue" : m.days_left == 0 ?
	    "monitoring-due" : "monitoring-reminder";
	monitor_free(&m);
	if (db_exec("UPDATE monitoring_returns SET chased_at = "
	    "UTC_TIMESTAMP(6), state = IF(state = 'scheduled', 'due', state) "
	    "WHERE id = ?", "i", (int64_t)id) != 1 ||
	    monitor_letter(id, tmpl, NULL, NULL, NULL) == -1 ||
	    audit_append(actor, "monitoring.chase", m.reference, json_pack(
	    "{s:I,s:s}", "return", (json_int_t)id, "letter", tmpl)) == -1 ||
	    db_commit() == -1)
		return dom_db_fail(e), NULL;
	return json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "reference",
	    m.reference, "letter", tmpl);
}
