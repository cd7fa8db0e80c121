/*
 * payrun.c: payment runs. Finance gathers the tranches that are due and
 * may be released into a draft run, a second finance user approves it, it
 * is exported as a bank file (bankfile.c), and its tranches are marked
 * paid, by hand or from the bank's statement (reconcile.c). A tranche is
 * in one run at a time (tranches.run_id) and paid once (its state, moved
 * only from in_run, and its unique end-to-end id); the approver is never
 * the creator (payrun_four_eyes in the schema, and here in plain words).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "domain/domain.h"
#include "mail/mail.h"

/* Bacs credits reach the payee on the third working day: sent on day one,
 * processed on day two, in the account on day three. */
#define PAYRUN_CLEARING_DAYS	2
#define PAYRUN_CREATE_TRIES	3
#define ER_LOCK_DEADLOCK	1213

#define PAYRUN_SELECT \
	"SELECT id, reference, state, due_by, total, count, created_by, " \
	"approved_by, approved_at, exported_at, export_format, export_sha256, " \
	"created_at FROM payment_runs "

static const char *
payrun_s(json_t *row, const char *key)
{
	const char	*s = json_string_value(json_object_get(row, key));

	return s != NULL ? s : "";
}

static void
payrun_from_row(json_t *row, struct payrun *p)
{
	memset(p, 0, sizeof *p);
	p->id = json_integer_value(json_object_get(row, "id"));
	snprintf(p->reference, sizeof p->reference, "%s",
	    payrun_s(row, "reference"));
	snprintf(p->state, sizeof p->state, "%s", payrun_s(row, "state"));
	snprintf(p->created_by, sizeof p->created_by, "%s",
	    payrun_s(row, "created_by"));
	snprintf(p->approved_by, sizeof p->approved_by, "%s",
	    payrun_s(row, "approved_by"));
	snprintf(p->format, sizeof p->format, "%s",
	    payrun_s(row, "export_format"));
	snprintf(p->sha256, sizeof p->sha256, "%s",
	    payrun_s(row, "export_sha256"));
	p->total = json_integer_value(json_object_get(row, "total"));
	p->count = (int)json_integer_value(json_object_get(row, "count"));
}

/* The run called ref, locked when for_update (inside a transaction). */
int
payrun_get(const char *ref, int for_update, struct payrun *p,
    struct dom_err *e)
{
	json_t	*row;

	if (ref == NULL)
		return dom_fail(e, DOM_BAD, "which payment run?");
	row = for_update ? db_query_row(PAYRUN_SELECT "WHERE reference = ? "
	    "FOR UPDATE", "s", ref) : db_query_row(PAYRUN_SELECT "WHERE "
	    "reference = ?", "s", ref);
	if (row == NULL)
		return dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		return dom_fail(e, DOM_NOT_FOUND, "no payment run %s (grantctl "
		    "pay run list shows them)", ref);
	}
	payrun_from_row(row, p);
	json_decref(row);
	return 0;
}

/* ---- creating, approving, cancelling ---- */

/* 0, or -1 with e filled (-2: a deadlock, worth trying again). */
static int
payrun_gather(const char *actor, const char *due_by, char ref[33],
    struct dom_err *e)
{
	json_t		*sum;
	long long	 id, n;

	if (db_begin() == -1)
		return dom_db_fail(e);
	if (db_exec("INSERT INTO payment_runs (reference, due_by, created_by) "
	    "VALUES (REPLACE(UUID(), '-', ''), ?, ?)", "ss", due_by, actor) != 1)
		return dom_db_fail(e);
	id = db_insert_id();
	snprintf(ref, 33, "PAY-%d-%04lld", date_year_local(time(NULL)), id);
	/* One statement: InnoDB reads each row as it now is and locks it, so
	 * two runs made at once cannot both take a tranche. */
	n = db_exec("UPDATE tranches t JOIN grants g ON g.id = t.grant_id SET "
	    "t.state = 'in_run', t.run_id = ?, t.bank_id = (SELECT MAX(b.id) "
	    "FROM bank_details b WHERE b.org_key = g.org_key AND b.state = "
	    "'verified') WHERE t.due_date <= ? AND t.run_id IS NULL AND "
	    TRANCHE_PAYABLE_SQL, "is",
	    (int64_t)id, due_by);
	if (n == -1) {
		/* read before the rollback clears it */
		int deadlock = db_errno() == ER_LOCK_DEADLOCK;

		dom_db_fail(e);
		return deadlock ? -2 : -1;
	}
	if (n == 0)
		return dom_fail(e, DOM_CONFLICT, "no tranche is due by %s and "
		    "ready to pay (grantctl tranche list --due shows what is "
		    "due and why any is held)", due_by);
	if ((sum = db_query_row("SELECT COUNT(*) AS n, COALESCE(SUM(amount), "
	    "0) AS total FROM tranches WHERE run_id = ?", "i", (int64_t)id))
	    == NULL || json_is_null(sum)) {
		json_decref(sum);
		return dom_db_fail(e);
	}
	if (db_exec("UPDATE payment_runs SET reference = ?, total = ?, count = "
	    "? WHERE id = ?", "siii", ref, (int64_t)json_integer_value(
	    json_object_get(sum, "total")), (int64_t)json_integer_value(
	    json_object_get(sum, "n")), (int64_t)id) != 1 ||
	    audit_append(actor, "payrun.create", ref, json_pack("{s:s,s:O,s:O}",
	    "due_by", due_by, "count", json_object_get(sum, "n"), "total",
	    json_object_get(sum, "total"))) == -1 || db_commit() == -1) {
		json_decref(sum);
		return dom_db_fail(e);
	}
	json_decref(sum);
	return 0;
}

/* A draft run of what is due by due_by; its reference is left in ref. */
int
payrun_create(const char *actor, const char *due_by, char ref[33],
    struct dom_err *e)
{
	long	day;
	int	try, rc;

	if (due_by == NULL || workday_parse_date(due_by, &day) == -1)
		return dom_fail(e, DOM_BAD, "--due-by must be a date "
		    "(YYYY-MM-DD)");
	/* Two runs at once may deadlock (-2); the loser tries again and
	 * takes what the winner left. */
	for (try = 1; ; try++) {
		rc = payrun_gather(actor, due_by, ref, e);
		if (rc != -2 || try == PAYRUN_CREATE_TRIES)
			return rc == 0 ? 0 : -1;
		log_info("payment run: a deadlock with another run; trying "
		    "again");
	}
}

/*
 * A tranche may be held after its run was made (its organisation's bank
 * details changed, its grant suspended): then the run is not approved or
 * sent to the bank until finance has cancelled it and made it again.
 */
static int
payrun_check_holds(const struct payrun *p, const char *doing,
    struct dom_err *e)
{
	json_t	*row;
	int	 rc = 0;

	if ((row = db_query_row("SELECT COUNT(*) AS n, MIN(CONCAT(g.reference, "
	    "' payment ', t.number, ': ', t.hold_reason)) AS first FROM "
	    "tranches t JOIN grants g ON g.id = t.grant_id WHERE t.run_id = ? "
	    "AND t.state = 'in_run' AND t.hold_reason IS NOT NULL", "i",
	    (int64_t)p->id)) == NULL)
		return dom_db_fail(e);
	if (json_integer_value(json_object_get(row, "n")) > 0)
		rc = dom_fail(e, DOM_CONFLICT, "payment run %s cannot be %s: "
		    "%lld of its payments went on hold after it was made (%s); "
		    "cancel it with grantctl pay run cancel and make it again",
		    p->reference, doing, (long long)json_integer_value(
		    json_object_get(row, "n")), json_string_value(
		    json_object_get(row, "first")));
	json_decref(row);
	return rc;
}

int
payrun_approve(const char *actor, const char *ref, struct dom_err *e)
{
	struct payrun	p;

	if (db_begin() == -1)
		return dom_db_fail(e);
	if (payrun_get(ref, 1, &p, e) == -1)
		return -1;
	if (!state_can_move(STATE_PAYRUN, p.state, "approved"))
		return dom_fail(e, DOM_CONFLICT, "payment run %s is %s; only a "
		    "draft run can be approved", ref, p.state);
	if (strcmp(p.created_by, actor) == 0)
		return dom_fail(e, DOM_CONFLICT, "you created payment run %s, so "
		    "you cannot approve it: another finance user must", ref);
	if (payrun_check_holds(&p, "approved", e) == -1)
		return -1;
	if (db_exec("UPDATE payment_runs SET state = 'approved', approved_by = "
	    "?, approved_at = UTC_TIMESTAMP(6) WHERE id = ?", "si", actor,
	    (int64_t)p.id) != 1 || audit_append(actor, "payrun.approve", ref,
	    json_pack("{s:s,s:I,s:i}", "created_by", p.created_by, "total",
	    (json_int_t)p.total, "count", p.count)) == -1 || db_commit() == -1)
		return dom_db_fail(e);
	return 0;
}

/* A draft run is undone: its tranches go back to be paid another time. */
int
payrun_cancel(const char *actor, const char *ref, struct dom_err *e)
{
	struct payrun	p;

	if (db_begin() == -1)
		return dom_db_fail(e);
	if (payrun_get(ref, 1, &p, e) == -1)
		return -1;
	/* until it is exported, nothing of it has reached the bank */
	if (strcmp(p.state, "draft") != 0 && strcmp(p.state, "approved") != 0)
		return dom_fail(e, DOM_CONFLICT, "payment run %s is %s; only a "
		    "run not yet exported can be cancelled", ref, p.state);
	if (db_exec("UPDATE tranches SET state = 'released', run_id = NULL, "
	    "bank_id = NULL WHERE run_id = ? AND state = 'in_run'", "i",
	    (int64_t)p.id) == -1 || db_exec("DELETE FROM payment_runs WHERE "
	    "id = ?", "i", (int64_t)p.id) != 1 ||
	    audit_append(actor, "payrun.cancel", ref, json_pack("{s:I,s:i}",
	    "total", (json_int_t)p.total, "count", p.count)) == -1 ||
	    db_commit() == -1)
		return dom_db_fail(e);
	return 0;
}

/* ---- reading ---- */

json_t *
payrun_show(const char *ref, struct dom_err *e)
{
	json_t		*run, *lines;
	long long	 id;

	if ((run = db_query_row(PAYRUN_SELECT "WHERE reference = ?", "s", ref))
	    == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_is_null(run)) {
		json_decref(run);
		dom_fail(e, DOM_NOT_FOUND, "no payment run %s (grantctl pay run "
		    "list shows them)", ref);
		return NULL;
	}
	id = json_integer_value(json_object_get(run, "id"));
	json_object_del(run, "id");
	if ((lines = db_query("SELECT t.end_to_end_id, g.reference AS "
	    "grant_reference, t.number, g.organisation, t.amount, t.due_date, "
	    "t.state, t.bank_ref, t.paid_at, b.account_name, b.sort_code, "
	    "b.account_number FROM tranches t JOIN grants g ON g.id = "
	    "t.grant_id LEFT JOIN bank_details b ON b.id = t.bank_id WHERE "
	    "t.run_id = ? ORDER BY t.id", "i", (int64_t)id)) == NULL) {
		json_decref(run);
		dom_db_fail(e);
		return NULL;
	}
	json_object_set_new(run, "tranches", lines);
	return run;
}

json_t *
payrun_list(struct dom_err *e)
{
	json_t	*rows, *v;
	size_t	 i;

	if ((rows = db_query(PAYRUN_SELECT "ORDER BY id", "")) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	json_array_foreach(rows, i, v)
		json_object_del(v, "id");
	return rows;
}

/* ---- paying ---- */

static long
payrun_today(void)
{
	char	today[16];
	long	day = 0;

	date_today_local(today, sizeof today, NULL);
	workday_parse_date(today, &day);
	return day;
}

/* "Friday 11 December 2026" without the day's name. */
static json_t *
payrun_day_text(long day)
{
	char	d[64];

	workday_format(day, d, sizeof d);
	return json_string(strchr(d, ' ') != NULL ? strchr(d, ' ') + 1 : d);
}

/* What the letter says besides the tranche: the grantee and the officer. */
static json_t *
payrun_letter_base(json_t *g)
{
	json_t	*vars = NULL;

	if (json_is_integer(json_object_get(g, "application_id")))
		vars = app_letter_vars(json_integer_value(json_object_get(g,
		    "application_id")));
	if (vars == NULL || json_is_null(vars)) {
		json_decref(vars);
		vars = json_pack("{s:O,s:O,s:O,s:s,s:s}", "fund_name",
		    json_object_get(g, "fund_name"), "organisation",
		    json_object_get(g, "organisation"), "contact_name",
		    json_object_get(g, "organisation"), "officer_name",
		    json_is_string(json_object_get(g, "officer_name")) ?
		    payrun_s(g, "officer_name") : "the grants team",
		    "officer_email", json_is_string(json_object_get(g,
		    "officer_email")) ? payrun_s(g, "officer_email") :
		    grantd_config->mail_from);
	}
	json_object_set(vars, "reference", json_object_get(g, "reference"));
	json_object_set(vars, "email", json_object_get(g, "email"));
	json_object_set(vars, "organisation", json_object_get(g,
	    "organisation"));
	return vars;
}

/* The remittance letter: this payment, when to expect it, what is left. */
static int
payrun_letter(long long grant_id, long long tranche_id, int64_t amount,
    const char *e2e)
{
	struct workday_calendar	*cal;
	struct outbox_new	 n;
	json_t			*g, *vars, *rest, *v;
	size_t			 i;
	char			 m[MONEY_BUFLEN];
	long			 today, day;
	long long		 rc;

	if ((g = db_query_row("SELECT g.reference, g.application_id, g.email, "
	    "g.organisation, f.name AS fund_name, u.name AS officer_name, "
	    "u.email AS officer_email FROM grants g JOIN funds f ON f.id = "
	    "g.fund_id LEFT JOIN users u ON u.id = g.officer_id WHERE g.id = ?",
	    "i", (int64_t)grant_id)) == NULL || json_is_null(g)) {
		json_decref(g);
		return -1;
	}
	if ((rest = db_query("SELECT number, due_date, amount FROM tranches "
	    "WHERE grant_id = ? AND id <> ? AND state NOT IN ('paid', "
	    "'cancelled') ORDER BY number", "ii", (int64_t)grant_id,
	    (int64_t)tranche_id)) == NULL) {
		json_decref(g);
		return -1;
	}
	vars = payrun_letter_base(g);
	cal = xmalloc(sizeof *cal);
	decide_calendar(cal);
	today = payrun_today();
	json_object_set_new(vars, "amount", json_string(money_format(amount, m,
	    sizeof m)));
	json_object_set_new(vars, "paid_on", payrun_day_text(today));
	json_object_set_new(vars, "expect_by", payrun_day_text(workday_add(cal,
	    today, PAYRUN_CLEARING_DAYS)));
	json_object_set_new(vars, "payment_reference", json_string(e2e));
	json_array_foreach(rest, i, v) {
		workday_parse_date(payrun_s(v, "due_date"), &day);
		json_object_set_new(v, "due", payrun_day_text(day));
		json_object_set_new(v, "amount", json_string(money_format(
		    json_integer_value(json_object_get(v, "amount")), m,
		    sizeof m)));
		json_object_del(v, "due_date");
	}
	free(cal);
	json_object_set_new(vars, "to_come", json_boolean(json_array_size(rest)
	    > 0));
	json_object_set_new(vars, "tranches", rest);
	memset(&n, 0, sizeof n);
	n.template = "payment-sent";
	n.to_addr = payrun_s(vars, "email");
	n.to_name = payrun_s(vars, "contact_name");
	n.reference = payrun_s(g, "reference");
	if (strchr(payrun_s(vars, "officer_email"), '<') == NULL) {
		n.reply_to_addr = payrun_s(vars, "officer_email");
		n.reply_to_name = payrun_s(vars, "officer_name");
	}
	n.vars = vars;
	rc = outbox_queue(&n);
	json_decref(vars);
	json_decref(g);
	return rc == -1 ? -1 : 0;
}

/* When every tranche of an exported run is paid, the run is reconciled. */
static int
payrun_maybe_reconciled(const char *actor, long long run_id)
{
	json_t	*r;
	int	 rc = 0;

	if ((r = db_query_row("SELECT p.reference, p.state, (SELECT COUNT(*) "
	    "FROM tranches WHERE run_id = p.id AND state <> 'paid') AS unpaid "
	    "FROM payment_runs p WHERE p.id = ?", "i", (int64_t)run_id))
	    == NULL || json_is_null(r)) {
		json_decref(r);
		return -1;
	}
	if (state_can_move(STATE_PAYRUN, payrun_s(r, "state"), "reconciled") &&
	    json_integer_value(json_object_get(r, "unpaid")) == 0 &&
	    (db_exec("UPDATE payment_runs SET state = 'reconciled' WHERE id = "
	    "?", "i", (int64_t)run_id) != 1 || audit_append(actor,
	    "payrun.reconciled", payrun_s(r, "reference"), NULL) == -1))
		rc = -1;
	json_decref(r);
	return rc;
}

/*
 * Inside the caller's transaction: the tranche whose end-to-end id is e2e
 * is paid, if it is in an exported run and not yet paid; its grant
 * becomes active on its first payment, its round's paid total grows, and
 * the grantee is sent the remittance letter. Returns 1 when paid, 0 when
 * refused (e says why; nothing is rolled back), -1 when the database
 * failed.
 */
int
payrun_pay_tranche(const char *actor, const char *e2e, int64_t amount,
    const char *bank_ref, struct dom_err *e)
{
	json_t		*t;
	long long	 id, grant_id, run_id, active;
	int64_t		 due;
	char		 a[MONEY_BUFLEN], b[MONEY_BUFLEN];
	int		 rc = 0;

	if ((t = db_query_row("SELECT t.id, t.grant_id, t.run_id, t.amount, "
	    "t.state, t.paid_at, t.bank_ref, p.state AS run_state, "
	    "p.reference AS run, g.round_id, g.reference AS grant_reference "
	    "FROM tranches t JOIN grants g ON g.id = t.grant_id LEFT JOIN "
	    "payment_runs p ON p.id = t.run_id WHERE t.end_to_end_id = ? FOR "
	    "UPDATE", "s", e2e)) == NULL)
		return -1;
	e->status = DOM_CONFLICT;
	if (json_is_null(t)) {
		e->status = DOM_NOT_FOUND;
		snprintf(e->msg, sizeof e->msg, "no tranche has end-to-end id "
		    "%s", e2e);
		goto out;
	}
	id = json_integer_value(json_object_get(t, "id"));
	grant_id = json_integer_value(json_object_get(t, "grant_id"));
	run_id = json_integer_value(json_object_get(t, "run_id"));
	due = json_integer_value(json_object_get(t, "amount"));
	if (strcmp(payrun_s(t, "state"), "paid") == 0) {
		snprintf(e->msg, sizeof e->msg, "%s was already paid on %.10s "
		    "(bank reference %s); it is not paid again", e2e,
		    payrun_s(t, "paid_at"), json_is_string(json_object_get(t,
		    "bank_ref")) ? payrun_s(t, "bank_ref") : "none");
		goto out;
	}
	if (amount >= 0 && amount != due) {
		snprintf(e->msg, sizeof e->msg, "%s: the amount differs: the "
		    "statement says %s, the tranche is %s", e2e,
		    money_format(amount, a, sizeof a), money_format(due, b,
		    sizeof b));
		goto out;
	}
	if (!state_can_move(STATE_TRANCHE, payrun_s(t, "state"), "paid") ||
	    (strcmp(payrun_s(t, "run_state"), "exported") != 0 &&
	    strcmp(payrun_s(t, "run_state"), "reconciled") != 0)) {
		snprintf(e->msg, sizeof e->msg, "%s is not in an exported "
		    "payment run (it is %s%s%s), so it cannot have been paid",
		    e2e, payrun_s(t, "state"), run_id ? " in a run that is " :
		    "", run_id ? payrun_s(t, "run_state") : "");
		goto out;
	}
	rc = -1;
	if (db_exec("UPDATE tranches SET state = 'paid', paid_at = "
	    "UTC_TIMESTAMP(6), bank_ref = ? WHERE id = ? AND state = 'in_run'",
	    "si", bank_ref, (int64_t)id) != 1 ||
	    (active = db_exec("UPDATE grants SET state = 'active', updated_at "
	    "= UTC_TIMESTAMP(6) WHERE id = ? AND state = 'accepted'", "i",
	    (int64_t)grant_id)) == -1 || (active == 1 && audit_append(actor,
	    "grant.state", payrun_s(t, "grant_reference"), json_pack("{s:s,"
	    "s:s,s:s}", "from", "accepted", "to", "active", "why",
	    "first payment")) == -1) ||
	    db_exec("UPDATE rounds SET paid = paid + ? WHERE id = ?", "ii", due,
	    (int64_t)json_integer_value(json_object_get(t, "round_id"))) == -1 ||
	    audit_append(actor, "tranche.paid", e2e, json_pack("{s:O,s:O,s:I,"
	    "s:s?}", "grant", json_object_get(t, "grant_reference"), "run",
	    json_object_get(t, "run"), "amount", (json_int_t)due, "bank_ref",
	    bank_ref)) == -1 ||
	    payrun_letter(grant_id, id, due, e2e) == -1 ||
	    payrun_maybe_reconciled(actor, run_id) == -1)
		goto out;
	rc = 1;
out:
	json_decref(t);
	return rc;
}

/*
 * Mark an exported run's tranches paid, all (bank_ref applies to each) or
 * the one whose end-to-end id is tranche, in one transaction.
 */
json_t *
payrun_mark_paid(const char *actor, const char *ref, const char *tranche,
    const char *bank_ref, struct dom_err *e)
{
	struct payrun	 p;
	json_t		*rows, *v, *paid;
	size_t		 i;
	int		 rc;

	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (payrun_get(ref, 1, &p, e) == -1)
		return NULL;
	if (strcmp(p.state, "reconciled") == 0) {
		dom_fail(e, DOM_CONFLICT, "payment run %s is reconciled: every "
		    "tranche in it is already paid, and none is paid again",
		    ref);
		return NULL;
	}
	if (strcmp(p.state, "exported") != 0) {
		dom_fail(e, DOM_CONFLICT, "payment run %s is %s; only a run "
		    "exported to the bank can be marked paid", ref, p.state);
		return NULL;
	}
	if (tranche != NULL)
		rows = db_query("SELECT end_to_end_id FROM tranches WHERE "
		    "run_id = ? AND end_to_end_id = ?", "is", (int64_t)p.id,
		    tranche);
	else
		rows = db_query("SELECT end_to_end_id FROM tranches WHERE "
		    "run_id = ? AND state = 'in_run' ORDER BY id", "i",
		    (int64_t)p.id);
	if (rows == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (tranche != NULL && json_array_size(rows) == 0) {
		json_decref(rows);
		dom_fail(e, DOM_NOT_FOUND, "payment run %s has no tranche %s "
		    "(grantctl pay run show %s lists them)", ref, tranche, ref);
		return NULL;
	}
	paid = json_array();
	json_array_foreach(rows, i, v) {
		rc = payrun_pay_tranche(actor, payrun_s(v, "end_to_end_id"), -1,
		    bank_ref, e);
		if (rc == 1)
			json_array_append(paid, json_object_get(v,
			    "end_to_end_id"));
		else {
			char why[sizeof e->msg];

			snprintf(why, sizeof why, "%s", e->msg);
			if (rc == -1)
				dom_db_fail(e);
			else
				dom_fail(e, e->status, "%s", why);
			json_decref(rows);
			json_decref(paid);
			return NULL;
		}
	}
	json_decref(rows);
	if (db_commit() == -1) {
		json_decref(paid);
		dom_db_fail(e);
		return NULL;
	}
	return json_pack("{s:s,s:o}", "reference", ref, "paid", paid);
}

/* ---- exporting ---- */

static int
payrun_debtor(struct bankfile_run *b, struct dom_err *e)
{
	b->debtor_name = grantd_config->pay_debtor_name;
	b->debtor_sort_code = grantd_config->pay_debtor_sort_code;
	b->debtor_account = grantd_config->pay_debtor_account;
	if (b->debtor_name == NULL || b->debtor_sort_code == NULL ||
	    b->debtor_account == NULL)
		return dom_fail(e, DOM_UNAVAILABLE, "the account to pay from is "
		    "not set: grantd.conf needs debtor_name, debtor_sort_code "
		    "and debtor_account in its [payments] section");
	return 0;
}

static int
payrun_lines(long long run_id, struct bankfile_run *b)
{
	json_t	*rows, *v;
	size_t	 i;

	if ((rows = db_query("SELECT t.end_to_end_id, t.amount, g.reference, "
	    "b.account_name, b.sort_code, b.account_number FROM tranches t "
	    "JOIN grants g ON g.id = t.grant_id JOIN bank_details b ON b.id = "
	    "t.bank_id WHERE t.run_id = ? ORDER BY t.id", "i",
	    (int64_t)run_id)) == NULL)
		return -1;
	b->n = json_array_size(rows);
	b->line = xcalloc(b->n ? b->n : 1, sizeof *b->line);
	json_array_foreach(rows, i, v) {
		struct bankfile_line *l = &b->line[i];

		snprintf(l->e2e, sizeof l->e2e, "%s", payrun_s(v,
		    "end_to_end_id"));
		snprintf(l->grant_ref, sizeof l->grant_ref, "%s", payrun_s(v,
		    "reference"));
		snprintf(l->account_name, sizeof l->account_name, "%s",
		    payrun_s(v, "account_name"));
		snprintf(l->sort_code, sizeof l->sort_code, "%s", payrun_s(v,
		    "sort_code"));
		snprintf(l->account, sizeof l->account, "%s", payrun_s(v,
		    "account_number"));
		l->amount = json_integer_value(json_object_get(v, "amount"));
		b->total += l->amount;
	}
	json_decref(rows);
	return 0;
}

/*
 * The run's bank file, left in *file (*len bytes, to free), described by
 * what is returned. The first export fixes the time the file names,
 * so exporting again gives the same bytes; a file that would differ (the
 * account in grantd.conf changed) or another format is refused, so the
 * bank is never sent a second, different file for the same payments.
 */
json_t *
payrun_export(const char *actor, const char *ref, const char *format,
    char **file_out, size_t *len_out, struct dom_err *e)
{
	struct payrun		 p;
	struct bankfile_run	 b;
	json_t			*row, *out = NULL;
	char			*file = NULL, sha[65];
	size_t			 len;

	memset(&b, 0, sizeof b);
	if (format == NULL || bankfile_format_valid(format) == 0) {
		dom_fail(e, DOM_BAD, "--format must be pain001, bacs18 or csv");
		return NULL;
	}
	if (payrun_debtor(&b, e) == -1)
		return NULL;
	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (payrun_get(ref, 1, &p, e) == -1)
		return NULL;
	if (!state_can_move(STATE_PAYRUN, p.state, "exported") &&
	    strcmp(p.state, "exported") != 0) {
		dom_fail(e, DOM_CONFLICT, "payment run %s is %s; only an "
		    "approved run can be exported%s", ref, p.state,
		    strcmp(p.state, "draft") == 0 ? " (a second finance user "
		    "approves it with grantctl pay run approve)" : "");
		return NULL;
	}
	if (strcmp(p.state, "exported") == 0 && strcmp(p.format, format) != 0) {
		dom_fail(e, DOM_CONFLICT, "payment run %s was exported as %s; "
		    "it can be exported again only as %s, so the bank is not "
		    "sent the same payments twice", ref, p.format, p.format);
		return NULL;
	}
	if (strcmp(p.state, "approved") == 0 &&
	    payrun_check_holds(&p, "exported", e) == -1)
		return NULL;
	if (strcmp(p.state, "approved") == 0 && db_exec("UPDATE payment_runs "
	    "SET state = 'exported', export_format = ?, exported_at = "
	    "UTC_TIMESTAMP() WHERE id = ?", "si", format, (int64_t)p.id) != 1)
		goto dbfail;
	if ((row = db_query_row("SELECT DATE_FORMAT(exported_at, "
	    "'%Y-%m-%dT%H:%i:%s') AS created FROM payment_runs WHERE id = ?",
	    "i", (int64_t)p.id)) == NULL || json_is_null(row)) {
		json_decref(row);
		goto dbfail;
	}
	snprintf(b.created, sizeof b.created, "%s", payrun_s(row, "created"));
	json_decref(row);
	b.reference = p.reference;
	if (payrun_lines(p.id, &b) == -1)
		goto dbfail;
	if ((file = bankfile_write(format, &b, &len, e)) == NULL) {
		db_rollback();
		goto out;
	}
	sha256_hex(file, len, sha);
	if (strcmp(p.state, "exported") == 0 && strcmp(p.sha256, sha) != 0) {
		dom_fail(e, DOM_CONFLICT, "payment run %s would not be the file "
		    "exported before (the account in grantd.conf may have "
		    "changed); it is not exported again", ref);
		goto out;
	}
	if (strcmp(p.state, "approved") == 0 && (db_exec("UPDATE payment_runs "
	    "SET export_sha256 = ? WHERE id = ?", "si", sha, (int64_t)p.id) != 1
	    || audit_append(actor, "payrun.export", ref, json_pack("{s:s,s:s,"
	    "s:I,s:i}", "format", format, "sha256", sha, "total",
	    (json_int_t)b.total, "count", (int)b.n)) == -1))
		goto dbfail;
	if (db_commit() == -1)
		goto dbfail;
	out = json_pack("{s:s,s:s,s:s,s:I,s:i}", "reference", ref,
	    "format", format, "sha256", sha, "total", (json_int_t)b.total,
	    "count", (int)b.n);
	*file_out = file;
	*len_out = len;
	file = NULL;
	goto out;
dbfail:
	dom_db_fail(e);
out:
	free(file);
	free(b.line);
	return out;
}
