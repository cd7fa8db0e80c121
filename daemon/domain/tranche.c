/*
 * tranche.c: the payments of a grant. A tranche is paid only when it is
 * due, not held, and releasable: the agreement accepted, the
 * organisation's bank details verified by a second person, and, after
 * the first, the grant's latest monitoring return due by then approved
 * (or that condition waived with a reason). Payment runs read the same
 * definition (TRANCHE_RELEASABLE_SQL in domain.h), so the two never
 * disagree about what may be paid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "domain/domain.h"

/*
 * Is tranche id releasable? 1 yes, 0 no (why says which condition is
 * not met, in plain words), -1 the database failed or no such tranche.
 * It does not ask whether the tranche is due or held: a run asks that
 * itself (TRANCHE_PAYABLE_SQL).
 */
int
tranche_releasable(long long id, char *why, size_t len)
{
	json_t		*row;
	const char	*ret;
	int		 rc;

	if (len > 0)
		*why = '\0';
	if ((row = db_query_row("SELECT t.number, t.waived_reason, g.state "
	    "AS grant_state, g.reference, EXISTS (SELECT 1 FROM bank_details "
	    "b WHERE b.org_key = g.org_key AND b.state = 'verified') AS "
	    "bank, (SELECT m.state FROM monitoring_returns m WHERE "
	    "m.grant_id = t.grant_id AND m.due_date <= t.due_date AND m.kind "
	    "<> 'followup' ORDER BY m.due_date DESC, m.id DESC LIMIT 1) AS "
	    "return_state, (SELECT m.period FROM monitoring_returns m WHERE "
	    "m.grant_id = t.grant_id AND m.due_date <= t.due_date AND m.kind "
	    "<> 'followup' ORDER BY m.due_date DESC, m.id DESC LIMIT 1) AS "
	    "return_period, (" TRANCHE_RELEASABLE_SQL ") AS ok "
	    "FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE t.id = ?",
	    "i", (int64_t)id)) == NULL)
		return -1;
	if (json_is_null(row)) {
		json_decref(row);
		snprintf(why, len, "no such tranche");
		return -1;
	}
#define S(k) json_string_value(json_object_get(row, k))
	rc = json_integer_value(json_object_get(row, "ok")) != 0;
	ret = S("return_state");
	if (rc)
		;
	else if (strcmp(S("grant_state"), "accepted") != 0 &&
	    strcmp(S("grant_state"), "active") != 0)
		snprintf(why, len, "grant %s is %s, not accepted",
		    S("reference"), S("grant_state"));
	else if (json_integer_value(json_object_get(row, "bank")) == 0)
		snprintf(why, len, "the organisation's bank details are not "
		    "verified");
	else
		snprintf(why, len, "the %s monitoring return is %s, not "
		    "approved", S("return_period") ? S("return_period") : "",
		    ret ? ret : "missing");
#undef S
	json_decref(row);
	return rc;
}

#define TRANCHE_UNPAID	"('scheduled', 'due', 'held')"
#define TRANCHE_STARTED	"('released', 'in_run', 'paid')"

/* Money of grant_id paid or on its way (released, in a run, paid). */
int64_t
tranche_started(long long grant_id)
{
	json_t	*row;
	int64_t	 n;

	if ((row = db_query_row("SELECT COALESCE(SUM(amount), 0) AS n FROM "
	    "tranches WHERE grant_id = ? AND state IN " TRANCHE_STARTED, "i",
	    (int64_t)grant_id)) == NULL)
		return -1;
	n = json_integer_value(json_object_get(row, "n"));
	json_decref(row);
	return n;
}

/* A tranche's end-to-end id: the grant's reference and the tranche's
 * number where they fit in the 35 characters banks carry. */
static void
tranche_e2e(const struct grant *g, int number, char *out, size_t len)
{
	if (strlen(g->reference) + 12 <= 35)
		snprintf(out, len, "%s-T%d", g->reference, number);
	else
		snprintf(out, len, "G%lld-T%d", g->id, number);
}

static int
tranche_next_number(long long grant_id)
{
	json_t	*row;
	int	 n;

	if ((row = db_query_row("SELECT COALESCE(MAX(number), 0) AS n FROM "
	    "tranches WHERE grant_id = ?", "i", (int64_t)grant_id)) == NULL)
		return -1;
	n = (int)json_integer_value(json_object_get(row, "n")) + 1;
	json_decref(row);
	return n;
}

/* Cancel what is not paid or on its way; how much that was. */
int64_t
tranche_cancel_rest(long long grant_id, struct dom_err *e)
{
	json_t	*row;
	int64_t	 n;

	if ((row = db_query_row("SELECT COALESCE(SUM(amount), 0) AS n FROM "
	    "tranches WHERE grant_id = ? AND state IN " TRANCHE_UNPAID, "i",
	    (int64_t)grant_id)) == NULL)
		return dom_db_fail(e);
	n = json_integer_value(json_object_get(row, "n"));
	json_decref(row);
	if (db_exec("UPDATE tranches SET state = 'cancelled' WHERE grant_id = ? "
	    "AND state IN " TRANCHE_UNPAID, "i", (int64_t)grant_id) == -1)
		return dom_db_fail(e);
	return n;
}

/* Mark tranches due whose day has come; how many. */
int
tranche_mark_due(void)
{
	char		today[16];
	long long	n;

	date_today_local(today, sizeof today, NULL);
	if (db_begin() == -1)
		return -1;
	if ((n = db_exec("UPDATE tranches SET state = 'due' WHERE state = "
	    "'scheduled' AND due_date <= ?", "s", today)) == -1 ||
	    (n > 0 && audit_append("grantd", "tranche.due", today, json_pack(
	    "{s:I}", "tranches", (json_int_t)n)) == -1) || db_commit() == -1) {
		db_rollback();
		return -1;
	}
	return (int)n;
}

/*
 * The grant's unpaid tranches replaced by its plan from start for what
 * is left to pay (inside the caller's transaction, g locked).
 */
int
tranche_plan(const char *actor, const struct grant *g, const char *plan,
    long start, struct dom_err *e)
{
	struct schedule_spec	*s = xmalloc(sizeof *s);
	struct schedule_tranche	*t = xcalloc(SCHEDULE_MAX, sizeof *t);
	struct workday_calendar	*cal = xmalloc(sizeof *cal);
	char			 err[GRANT_ERRLEN], day[16], e2e[40];
	int64_t			 started, rest;
	size_t			 n = 0, i;
	int			 number, rc = -1;

	decide_calendar(cal);
	if ((started = tranche_started(g->id)) < 0 ||
	    tranche_cancel_rest(g->id, e) < 0 ||
	    (number = tranche_next_number(g->id)) < 0) {
		dom_db_fail(e);
		goto out;
	}
	rest = g->amount - g->returned - started;
	if (schedule_parse(plan, s, err, sizeof err) == -1 ||
	    schedule_make(s, cal, start, rest, t, &n, err, sizeof err) == -1) {
		dom_fail(e, DOM_BAD, "%s", err);
		goto out;
	}
	for (i = 0; i < n; i++, number++) {
		tranche_e2e(g, number, e2e, sizeof e2e);
		if (db_exec("INSERT INTO tranches (grant_id, number, due_date, "
		    "amount, match_amount, end_to_end_id) VALUES (?, ?, ?, ?, "
		    "IF(?, ?, NULL), ?)", "idsidis", (int64_t)g->id, number,
		    workday_iso(t[i].day, day, sizeof day), t[i].amount,
		    t[i].has_match, t[i].match, e2e) != 1) {
			dom_db_fail(e);
			goto out;
		}
	}
	if (audit_append(actor, "tranche.plan", g->reference, json_pack(
	    "{s:s,s:I,s:i}", "plan", plan, "amount", (json_int_t)rest,
	    "tranches", (int)n)) == -1) {
		dom_db_fail(e);
		goto out;
	}
	/* a tranche due today is due now, not at the next tick */
	if (db_exec("UPDATE tranches SET state = 'due' WHERE grant_id = ? AND "
	    "state = 'scheduled' AND due_date <= ?", "is", (int64_t)g->id,
	    workday_iso(workday_today(), day, sizeof day)) == -1) {
		dom_db_fail(e);
		goto out;
	}
	rc = 0;
out:
	free(s);
	free(t);
	free(cal);
	return rc;
}

/*
 * After the award changed: the unpaid tranches keep their dates and
 * share what is left to pay in the proportions they had (a taper's
 * shares stay, and its match with them), the remainder on the last. If
 * nothing was left unpaid, one new tranche due today.
 */
int
tranche_replan_rest(const char *actor, const struct grant *g,
    struct dom_err *e)
{
	json_t		*rows, *v;
	int64_t		 started, rest, old = 0, sum = 0, amount, match;
	size_t		 i, n;
	char		 day[16], e2e[40];
	int		 number;

	if ((started = tranche_started(g->id)) < 0 ||
	    (rows = db_query("SELECT id, amount, match_amount FROM tranches "
	    "WHERE grant_id = ? AND state IN " TRANCHE_UNPAID " ORDER BY "
	    "number FOR UPDATE", "i", (int64_t)g->id)) == NULL)
		return dom_db_fail(e);
	rest = g->amount - g->returned - started;
	n = json_array_size(rows);
	json_array_foreach(rows, i, v)
		old += json_integer_value(json_object_get(v, "amount"));
	if (n == 0) {
		json_decref(rows);
		if ((number = tranche_next_number(g->id)) < 0)
			return dom_db_fail(e);
		tranche_e2e(g, number, e2e, sizeof e2e);
		if (db_exec("INSERT INTO tranches (grant_id, number, due_date, "
		    "amount, state, end_to_end_id) VALUES (?, ?, ?, ?, 'due', "
		    "?)", "idsis", (int64_t)g->id, number, workday_iso(
		    workday_today(), day, sizeof day), rest, e2e) != 1)
			return dom_db_fail(e);
		goto audit;
	}
	json_array_foreach(rows, i, v) {
		int64_t a = json_integer_value(json_object_get(v, "amount"));
		json_t *mv = json_object_get(v, "match_amount");

		amount = i + 1 == n ? rest - sum :
		    (int64_t)((__int128)rest * a / old);
		sum += amount;
		match = json_is_integer(mv) ? (int64_t)(((__int128)
		    json_integer_value(mv) * amount * 2 + a) / (2 * a)) : 0;
		if (amount <= 0 || db_exec("UPDATE tranches SET amount = ?, "
		    "match_amount = IF(?, ?, NULL) WHERE id = ?", "idii",
		    amount, json_is_integer(mv) ? 1 : 0, match,
		    (int64_t)json_integer_value(json_object_get(v, "id"))) != 1) {
			json_decref(rows);
			if (amount <= 0)
				return dom_fail(e, DOM_BAD, "too little is left "
				    "to pay in %zu tranches", n);
			return dom_db_fail(e);
		}
	}
	json_decref(rows);
audit:
	return audit_append(actor, "tranche.plan", g->reference, json_pack(
	    "{s:s,s:I,s:I}", "plan", "unpaid tranches in proportion", "from",
	    (json_int_t)old, "to", (json_int_t)rest)) == -1 ?
	    dom_db_fail(e) : 0;
}

/* The tranches still to pay, for a letter: number, the day we pay, the
 * amount, and the day it should be in the grantee's account (a Bacs
 * payment takes three working days). */
json_t *
tranche_schedule(long long grant_id)
{
	struct workday_calendar	*cal;
	json_t			*rows, *v, *list;
	size_t			 i;
	long			 day;
	char			 d[64], x[64], m[MONEY_BUFLEN];

	if ((rows = db_query("SELECT number, due_date, amount FROM tranches "
	    "WHERE grant_id = ? AND state NOT IN ('paid', 'cancelled') ORDER "
	    "BY number", "i", (int64_t)grant_id)) == NULL)
		return NULL;
	cal = xmalloc(sizeof *cal);
	decide_calendar(cal);
	list = json_array();
	json_array_foreach(rows, i, v) {
		if (workday_parse_date(json_string_value(json_object_get(v,
		    "due_date")), &day) == -1)
			continue;
		workday_format(day, d, sizeof d);
		workday_format(workday_add(cal, day, TRANCHE_BACS_DAYS), x,
		    sizeof x);
		json_array_append_new(list, json_pack("{s:O,s:s,s:s,s:s}",
		    "number", json_object_get(v, "number"), "due", d,
		    "expected", x, "amount", money_format(json_integer_value(
		    json_object_get(v, "amount")), m, sizeof m)));
	}
	free(cal);
	json_decref(rows);
	return list;
}

/* Hold every tranche of a grant, or of an organisation, not yet paid. */
int
tranche_hold_grant(long long grant_id, const char *reason, struct dom_err *e)
{
	return db_exec("UPDATE tranches SET hold_reason = ? WHERE grant_id = ? "
	    "AND state IN ('scheduled', 'due', 'released', 'in_run') AND "
	    "hold_reason IS NULL", "si", reason, (int64_t)grant_id) == -1 ?
	    dom_db_fail(e) : 0;
}

int
tranche_release_grant(long long grant_id, const char *reason,
    struct dom_err *e)
{
	return db_exec("UPDATE tranches SET hold_reason = NULL WHERE grant_id "
	    "= ? AND hold_reason = ?", "is", (int64_t)grant_id, reason) == -1 ?
	    dom_db_fail(e) : 0;
}

long long
tranche_hold_org(const char *org_key, const char *reason)
{
	return db_exec("UPDATE tranches t JOIN grants g ON g.id = t.grant_id "
	    "SET t.hold_reason = ? WHERE g.org_key = ? AND t.state IN "
	    "('scheduled', 'due', 'released', 'in_run') AND t.hold_reason IS "
	    "NULL", "ss", reason, org_key);
}

long long
tranche_release_org(const char *org_key, const char *reason)
{
	return db_exec("UPDATE tranches t JOIN grants g ON g.id = t.grant_id "
	    "SET t.hold_reason = NULL WHERE g.org_key = ? AND t.hold_reason = "
	    "?", "ss", org_key, reason);
}

/* One row for a list: the tranche and why it may not be paid yet. */
static json_t *
tranche_row(json_t *v)
{
	char	why[300];
	int	ok;

	ok = tranche_releasable(json_integer_value(json_object_get(v, "id")),
	    why, sizeof why);
	json_object_set_new(v, "releasable", json_boolean(ok == 1));
	if (json_is_string(json_object_get(v, "hold_reason")))
		json_object_set(v, "why", json_object_get(v, "hold_reason"));
	else if (ok == 0)
		json_object_set_new(v, "why", json_string(why));
	return v;
}

/* GET /v1/tranches?grant=REF&due=1 */
json_t *
tranche_list(const char *ref, int due, struct dom_err *e)
{
	json_t	*rows, *v;
	size_t	 i;

	rows = db_query("SELECT t.id, g.reference AS grant_ref, g.organisation, "
	    "t.number, t.due_date, t.amount, t.match_amount, t.state, "
	    "t.hold_reason, t.waived_reason, t.end_to_end_id FROM tranches t "
	    "JOIN grants g ON g.id = t.grant_id WHERE (? IS NULL OR "
	    "g.reference = ?) AND (? = 0 OR t.state IN ('due', 'released')) "
	    "AND t.state <> 'cancelled' ORDER BY t.due_date, g.reference, "
	    "t.number", "ssd", ref, ref, due);
	if (rows == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	json_array_foreach(rows, i, v)
		tranche_row(v);
	return json_pack("{s:o}", "tranches", rows);
}

/* POST /v1/tranches/ID/waive {reason}: the monitoring condition waived. */
json_t *
tranche_waive(const char *actor, const char *id_text, const char *reason,
    struct dom_err *e)
{
	json_t		*row;
	char		*end;
	long long	 id = strtoll(id_text, &end, 10);

	if (*id_text == '\0' || *end != '\0' || id <= 0) {
		dom_fail(e, DOM_BAD, "a tranche is named by its number in "
		    "tranche list's first column, not '%s'", id_text);
		return NULL;
	}
	if (reason == NULL || *reason == '\0') {
		dom_fail(e, DOM_BAD, "say why the condition is waived "
		    "(--reason)");
		return NULL;
	}
	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if ((row = db_query_row("SELECT t.state, t.number, t.end_to_end_id "
	    "FROM tranches t WHERE t.id = ? FOR UPDATE", "i", (int64_t)id))
	    == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_is_null(row)) {
		json_decref(row);
		dom_fail(e, DOM_NOT_FOUND, "no tranche %lld", id);
		return NULL;
	}
	if (strcmp(json_string_value(json_object_get(row, "state")), "paid")
	    == 0 || strcmp(json_string_value(json_object_get(row, "state")),
	    "cancelled") == 0) {
		dom_fail(e, DOM_CONFLICT, "tranche %lld is %s", id,
		    json_string_value(json_object_get(row, "state")));
		json_decref(row);
		return NULL;
	}
	if (db_exec("UPDATE tranches SET waived_reason = ?, waived_by = ? "
	    "WHERE id = ?", "ssi", reason, actor, (int64_t)id) != 1 ||
	    audit_append(actor, "tranche.waive", json_string_value(
	    json_object_get(row, "end_to_end_id")), json_pack("{s:I,s:s}",
	    "tranche", (json_int_t)id, "reason", reason)) == -1 ||
	    db_commit() == -1) {
		json_decref(row);
		dom_db_fail(e);
		return NULL;
	}
	json_decref(row);
	return json_pack("{s:I,s:s}", "id", (json_int_t)id, "waived_reason",
	    reason);
}

/*
 * For finance's digest: what is due, what is ready to pay and what is
 * held, and why, one line each (at most 20 held named).
 */
json_t *
tranche_digest(void)
{
	json_t	*list, *items, *v;
	size_t	 i;
	int	 ready = 0, held = 0;
	int64_t	 total = 0;
	char	 text[500], m[MONEY_BUFLEN];
	struct dom_err e;

	if ((list = tranche_list(NULL, 1, &e)) == NULL)
		return NULL;
	items = json_array();
	json_array_foreach(json_object_get(list, "tranches"), i, v) {
		if (json_is_true(json_object_get(v, "releasable")) &&
		    !json_is_string(json_object_get(v, "hold_reason"))) {
			ready++;
			total += json_integer_value(json_object_get(v,
			    "amount"));
			continue;
		}
		if (++held > 20)
			continue;
		snprintf(text, sizeof text, "Tranche %lld (%s, %s) is due but "
		    "cannot be paid yet: %s", (long long)json_integer_value(json_object_get(v,
		    "id")), json_string_value(json_object_get(v,
		    "end_to_end_id")), money_format(json_integer_value(
		    json_object_get(v, "amount")), m, sizeof m),
		    json_string_value(json_object_get(v, "why")));
		json_array_append_new(items, json_pack("{s:s}", "text", text));
	}
	if (ready > 0) {
		snprintf(text, sizeof text, "%d tranche%s due and ready to "
		    "pay, %s in all (grantctl tranche list --due)", ready,
		    ready == 1 ? " is" : "s are", money_format(total, m,
		    sizeof m));
		json_array_insert_new(items, 0, json_pack("{s:s}", "text",
		    text));
	}
	json_decref(list);
	return items;
}
