/*
 * decision.c: deciding applications and rounds. An award commits the
 * round's money, records the decision, offers a grant and writes the
 * letter, all in one transaction; a decline says why and, where the round
 * was scored, how the application scored on each published criterion and
 * what the assessors said, unattributed, so the group learns something.
 * Decision targets are counted here in working days (lib/workday.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "domain/domain.h"

#define DECIDE_OFFER_DAYS	5	/* working days to send the offer */
#define DECIDE_AT_RISK		2	/* working days left, or fewer */

/* An application as deciding reads it, its round already locked. */
struct decide_app {
	long long	 id, round_id, fund_id;
	char		 reference[33], state[17];
	int64_t		 requested, max_award;
	int		 has_max;
	json_t		*row;
};

/* ---- rules and working days ---- */

int
decide_rules(long long round_id, struct decide_rules *r, struct dom_err *e)
{
	json_t	*row;

	if ((row = db_query_row("SELECT scoring, COALESCE(decision_days, -1) "
	    "AS days, min_per_priority, moderation_spread, scale_max FROM "
	    "rounds WHERE id = ?", "i", (int64_t)round_id)) == NULL)
		return dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		return dom_fail(e, DOM_NOT_FOUND, "no such round");
	}
#define N(k) (int)json_integer_value(json_object_get(row, k))
	r->scoring = N("scoring");
	r->decision_days = N("days");
	r->min_per_priority = N("min_per_priority");
	r->moderation_spread = N("moderation_spread");
	r->scale_max = N("scale_max");
#undef N
	json_decref(row);
	return 0;
}

/*
 * The bank holidays from the file the configuration names, read each
 * time (an officer may have added a day). Unreadable, weekends only: a
 * target a day early is better than no letter.
 */
void
decide_calendar(struct workday_calendar *c)
{
	const char	*path = grantd_config->bank_holidays;
	char		*text, err[GRANT_ERRLEN];
	size_t		 len;

	c->n = 0;
	if (path == NULL)
		return;
	if ((text = file_read(path, 1 << 20, &len)) == NULL) {
		log_warn("bank holidays: %s (counting weekends only)", path);
		return;
	}
	if (workday_load(c, text, err, sizeof err) == -1) {
		log_warnx("bank holidays: %s: %s (counting weekends only)",
		    path, err);
		c->n = 0;
	}
	free(text);
}

/* A UTC DATETIME as the day it was in London; -1 if unreadable. */
long
decide_local_day(const char *utc)
{
	time_t	t;
	char	buf[32];
	long	day;

	if (date_parse_utc(utc, &t) == -1 || workday_parse_date(
	    date_format_local_input(t, buf, sizeof buf), &day) == -1)
		return -1;
	return day;
}

/* ---- reading and checking ---- */

static const char *
decide_str(json_t *row, const char *key)
{
	return json_string_value(json_object_get(row, key));
}

/* Lock the round, then the application: the order round decide uses. */
static int
decide_app_lock(const char *ref, struct decide_app *a, struct dom_err *e)
{
	json_t	*row;

	memset(a, 0, sizeof *a);
	if ((row = db_query_row("SELECT round_id FROM applications WHERE "
	    "reference = ?", "s", ref)) == NULL)
		return dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		return dom_fail(e, DOM_NOT_FOUND, "no application %s", ref);
	}
	a->round_id = json_integer_value(json_object_get(row, "round_id"));
	json_decref(row);
	if ((row = db_query_row("SELECT id FROM rounds WHERE id = ? FOR UPDATE",
	    "i", (int64_t)a->round_id)) == NULL)
		return dom_db_fail(e);
	json_decref(row);
	if ((a->row = db_query_row("SELECT a.id, a.reference, a.state, "
	    "a.fund_id, a.round_id, a.email, a.organisation, a.contact_name, "
	    "a.project_title, a.amount_requested, a.officer_id, "
	    "COALESCE(r.max_award, f.max_award) AS max_award FROM applications "
	    "a JOIN rounds r ON r.id = a.round_id JOIN funds f ON f.id = "
	    "a.fund_id WHERE a.reference = ? FOR UPDATE", "s", ref)) == NULL)
		return dom_db_fail(e);
	if (json_is_null(a->row)) {
		json_decref(a->row);
		a->row = NULL;
		return dom_fail(e, DOM_NOT_FOUND, "no application %s", ref);
	}
#define I(k) json_integer_value(json_object_get(a->row, k))
	a->id = I("id");
	a->fund_id = I("fund_id");
	a->round_id = I("round_id");
	a->requested = I("amount_requested");
	a->has_max = json_is_integer(json_object_get(a->row, "max_award"));
	a->max_award = I("max_award");
#undef I
	snprintf(a->reference, sizeof a->reference, "%s", decide_str(a->row,
	    "reference"));
	snprintf(a->state, sizeof a->state, "%s", decide_str(a->row, "state"));
	return 0;
}

/* May an application in a->state be moved to `to` in this round? */
static int
decide_allowed(const struct decide_app *a, const char *to,
    const struct decide_rules *rules, struct dom_err *e)
{
	const char	*from = a->state, *need;
	int		 ok;

	if (strcmp(to, "waitlisted") == 0) {
		ok = strcmp(from, "scored") == 0;
		need = "scored";
	} else {
		ok = strcmp(from, "scored") == 0 ||
		    strcmp(from, "waitlisted") == 0;
		need = "scored or waitlisted";
	}
	if (!rules->scoring) {
		ok = ok || strcmp(from, "eligible") == 0;
		need = strcmp(to, "waitlisted") == 0 ? "eligible" :
		    "eligible or waitlisted";
	}
	if (ok && state_can_move(STATE_APPLICATION, from, to))
		return 0;
	return dom_fail(e, DOM_CONFLICT, "application %s is %s; only an "
	    "application that is %s can be %s", a->reference, from, need,
	    strcmp(to, "approved") == 0 ? "awarded" : to);
}

/* The amount to award: as requested unless given, never more. */
static int
decide_amount(const struct decide_app *a, json_t *in, int64_t *amount,
    struct dom_err *e)
{
	char	m1[MONEY_BUFLEN], m2[MONEY_BUFLEN];
	int	given;

	if ((given = dom_money(in, "amount", 0, amount, e)) == -1)
		return -1;
	if (!given)
		*amount = a->requested;
	if (*amount <= 0)
		return dom_fail(e, DOM_BAD, "an award must be more than £0.00");
	if (*amount > a->requested)
		return dom_fail(e, DOM_BAD, "%s is more than the %s that %s "
		    "asked for", money_format(*amount, m1, sizeof m1),
		    money_format(a->requested, m2, sizeof m2), a->reference);
	if (a->has_max && *amount > a->max_award)
		return dom_fail(e, DOM_BAD, "%s is more than this round's "
		    "maximum award of %s", money_format(*amount, m1, sizeof m1),
		    money_format(a->max_award, m2, sizeof m2));
	return 0;
}

/* ---- letters ---- */

/* Newlines as spaces: a comment is one paragraph in a letter. */
static char *
decide_one_line(const char *s)
{
	char	*t = xstrdup(s), *p;

	for (p = t; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return t;
}

/*
 * Each criterion with its weight and its mean across the assessors who
 * scored every criterion ("3.50 out of 4"), and their comments without
 * their names. Nothing when the round was not scored.
 */
static int
decide_feedback(const struct decide_app *a, const struct decide_rules *rules,
    json_t *vars)
{
	json_t	*rows, *v, *list;
	size_t	 i;
	char	 s[SCORE_BUFLEN], text[64], *c;

	json_object_set_new(vars, "scored", json_false());
	if (!rules->scoring)
		return 0;
	if ((rows = db_query("SELECT c.name, c.weight, COALESCE(SUM(s.score), "
	    "0) AS total, COUNT(s.score) AS n FROM round_criteria c LEFT JOIN "
	    "assessment_scores s ON s.application_id = ? AND s.position = "
	    "c.position AND s.user_id IN (SELECT user_id FROM "
	    "assessment_scores WHERE application_id = ? GROUP BY user_id "
	    "HAVING COUNT(*) = (SELECT COUNT(*) FROM round_criteria WHERE "
	    "round_id = ?)) WHERE c.round_id = ? GROUP BY c.position, c.name, "
	    "c.weight ORDER BY c.position", "iiii", (int64_t)a->id,
	    (int64_t)a->id, (int64_t)a->round_id, (int64_t)a->round_id)) == NULL)
		return -1;
	list = json_array();
	json_array_foreach(rows, i, v) {
		if (json_integer_value(json_object_get(v, "n")) == 0)
			continue;
		snprintf(text, sizeof text, "%s out of %d", score_format(
		    score_mean(json_integer_value(json_object_get(v, "total")) *
		    100, json_integer_value(json_object_get(v, "n"))), s,
		    sizeof s), rules->scale_max);
		json_array_append_new(list, json_pack("{s:O,s:O,s:s}",
		    "criterion", json_object_get(v, "name"), "weight",
		    json_object_get(v, "weight"), "score", text));
	}
	json_decref(rows);
	if (json_array_size(list) == 0) {
		json_decref(list);
		return 0;
	}
	json_object_set_new(vars, "scored", json_true());
	json_object_set_new(vars, "criteria", list);
	if ((rows = db_query("SELECT comment FROM assessment_assignments WHERE "
	    "application_id = ? AND comment IS NOT NULL AND comment <> '' "
	    "ORDER BY scored_at, user_id", "i", (int64_t)a->id)) == NULL)
		return -1;
	list = json_array();
	json_array_foreach(rows, i, v) {
		c = decide_one_line(decide_str(v, "comment"));
		json_array_append_new(list, json_string(c));
		free(c);
	}
	json_decref(rows);
	json_object_set_new(vars, "commented", json_boolean(
	    json_array_size(list) > 0));
	json_object_set_new(vars, "comments", list);
	return 0;
}

/* The decision letter, to the address on record, answered by the officer. */
static int
decide_letter(const struct decide_app *a, const char *to, int64_t amount,
    const char *conditions, const char *reason,
    const struct decide_rules *rules)
{
	struct workday_calendar	*cal;
	struct outbox_new	 n;
	json_t			*vars;
	char			 m[MONEY_BUFLEN], d[64];
	long long		 rc;
	long			 day;

	if ((vars = app_letter_vars(a->id)) == NULL || json_is_null(vars)) {
		json_decref(vars);
		return -1;
	}
	memset(&n, 0, sizeof n);
	if (strcmp(to, "approved") == 0) {
		n.template = "decision-award";
		json_object_set_new(vars, "amount", json_string(money_format(
		    amount, m, sizeof m)));
		if (conditions != NULL && *conditions != '\0')
			json_object_set_new(vars, "conditions",
			    json_pack("[s]", conditions));
		cal = xmalloc(sizeof *cal);
		decide_calendar(cal);
		day = workday_add(cal, workday_today(), DECIDE_OFFER_DAYS);
		free(cal);
		workday_format(day, d, sizeof d);
		/* "Friday 11 December 2026" without the day's name */
		json_object_set_new(vars, "offer_by", json_string(strchr(d,
		    ' ') + 1));
	} else if (strcmp(to, "declined") == 0) {
		n.template = "decision-decline";
		json_object_set_new(vars, "reason", json_string(reason));
		if (decide_feedback(a, rules, vars) == -1) {
			json_decref(vars);
			return -1;
		}
	} else
		n.template = "decision-waitlist";
	n.to_addr = decide_str(vars, "email");
	n.to_name = decide_str(vars, "contact_name");
	n.reference = a->reference;
	if (decide_str(vars, "officer_email") != NULL &&
	    strchr(decide_str(vars, "officer_email"), '<') == NULL) {
		n.reply_to_addr = decide_str(vars, "officer_email");
		n.reply_to_name = decide_str(vars, "officer_name");
	}
	n.vars = vars;
	rc = outbox_queue(&n);
	json_decref(vars);
	return rc == -1 ? -1 : 0;
}

/* ---- deciding ---- */

/* The money, inside the transaction; refused if the round has too little. */
static int
decide_commit_money(const struct decide_app *a, int64_t amount,
    struct dom_err *e)
{
	json_t		*row;
	long long	 rc;
	char		 m1[MONEY_BUFLEN], m2[MONEY_BUFLEN];

	rc = db_exec("UPDATE rounds SET committed = committed + ? WHERE id = ? "
	    "AND committed + ? <= budget", "iii", amount, (int64_t)a->round_id,
	    amount);
	if (rc == -1)
		return dom_db_fail(e);
	if (rc == 1)
		return 0;
	if ((row = db_query_row("SELECT budget - committed AS left_ FROM "
	    "rounds WHERE id = ?", "i", (int64_t)a->round_id)) == NULL)
		return dom_db_fail(e);
	money_format(json_integer_value(json_object_get(row, "left_")), m1,
	    sizeof m1);
	json_decref(row);
	return dom_fail(e, DOM_CONFLICT, "the round has only %s uncommitted; "
	    "%s for %s does not fit", m1, money_format(amount, m2, sizeof m2),
	    a->reference);
}

/* The grant an award becomes, in state 'offered'. */
static int
decide_grant(const char *actor, const struct decide_app *a, int64_t amount,
    const char *conditions)
{
	const char	*org = decide_str(a->row, "organisation");
	long long	 id;

	if (org == NULL)
		org = decide_str(a->row, "contact_name");
	if (db_exec("INSERT INTO grants (reference, application_id, fund_id, "
	    "round_id, organisation, email, amount, purpose, conditions, "
	    "officer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "siiississi",
	    a->reference, (int64_t)a->id, (int64_t)a->fund_id,
	    (int64_t)a->round_id, org != NULL ? org : decide_str(a->row,
	    "email"), decide_str(a->row, "email"), amount,
	    decide_str(a->row, "project_title") != NULL ? decide_str(a->row,
	    "project_title") : "", conditions, (int64_t)json_integer_value(
	    json_object_get(a->row, "officer_id"))) != 1)
		return -1;
	id = db_insert_id();
	if (audit_append(actor, "grant.create", a->reference, json_pack(
	    "{s:I,s:s,s:I}", "grant", (json_int_t)id, "state",
	    "offered", "amount", (json_int_t)amount)) == -1)
		return -1;
	return grant_offer(id, 0);
}

/*
 * One decision inside the caller's transaction (the round locked): the
 * money, the record, the audit row, the grant and the letter.
 */
static int
decide_one(const char *actor, const struct decide_app *a, const char *to,
    int64_t amount, const char *conditions, const char *reason,
    const struct decide_rules *rules, struct dom_err *e)
{
	int	award = strcmp(to, "approved") == 0;

	if (award && decide_commit_money(a, amount, e) == -1)
		return -1;
	if (db_exec("UPDATE applications SET state = ?, amount_awarded = "
	    "NULLIF(?, 0), "
	    "conditions = ?, decision_reason = ?, decided_by = ?, decided_at = "
	    "UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6) WHERE id = ?",
	    "sisssi", to, award ? amount :
	    (int64_t)0, conditions, reason, actor, (int64_t)a->id) != 1 ||
	    audit_append(actor, "application.state", a->reference, json_pack(
	    "{s:s,s:s,s:I,s:s?,s:s?}", "from", a->state, "to", to, "amount",
	    (json_int_t)(award ? amount : 0), "conditions", conditions,
	    "reason", reason)) == -1 ||
	    (award && decide_grant(actor, a, amount, conditions) == -1) ||
	    decide_letter(a, to, amount, conditions, reason, rules) == -1)
		return dom_db_fail(e);
	return 0;
}

static const char *
decide_to(json_t *in, struct dom_err *e)
{
	const char	*d = dom_str(in, "decision");

	if (d != NULL && strcmp(d, "award") == 0)
		return "approved";
	if (d != NULL && strcmp(d, "decline") == 0)
		return "declined";
	if (d != NULL && strcmp(d, "waitlist") == 0)
		return "waitlisted";
	dom_fail(e, DOM_BAD, "decide how: award, decline or waitlist");
	return NULL;
}

/*
 * POST /v1/applications/REF/decide {decision: award|decline|waitlist,
 * amount, conditions, reason}.
 */
json_t *
decide_app(const char *actor, const char *ref, json_t *in, struct dom_err *e)
{
	struct decide_app	 a;
	struct decide_rules	 rules;
	const char		*to, *conditions = dom_str(in, "conditions");
	const char		*reason = dom_str(in, "reason");
	int64_t			 amount = 0;
	json_t			*out;

	if ((to = decide_to(in, e)) == NULL)
		return NULL;
	if (strcmp(to, "declined") == 0 && (reason == NULL || *reason == '\0')) {
		dom_fail(e, DOM_BAD, "say why the application is declined "
		    "(--reason): the letter tells the group");
		return NULL;
	}
	if (strcmp(to, "approved") != 0 && conditions != NULL) {
		dom_fail(e, DOM_BAD, "conditions go with an award");
		return NULL;
	}
	if (strcmp(to, "declined") != 0)
		reason = NULL;
	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (decide_app_lock(ref, &a, e) == -1 ||
	    decide_rules(a.round_id, &rules, e) == -1 ||
	    decide_allowed(&a, to, &rules, e) == -1 ||
	    (strcmp(to, "approved") == 0 && decide_amount(&a, in, &amount,
	    e) == -1) ||
	    decide_one(actor, &a, to, amount, conditions, reason, &rules,
	    e) == -1) {
		json_decref(a.row);
		return NULL;
	}
	json_decref(a.row);
	if (db_commit() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	out = json_pack("{s:s,s:s}", "reference", ref, "state", to);
	if (strcmp(to, "approved") == 0)
		json_object_set_new(out, "amount_awarded", json_integer(amount));
	return out;
}

/* ---- rounds ---- */

#define DECIDE_UNDECIDED "('received', 'incomplete', 'eligible', " \
	"'shortlisted', 'scored')"

/* Applications still waiting for a decision (waitlisted is one). */
static long long
decide_undecided(long long round_id, const char *states)
{
	json_t		*row;
	long long	 n;

	if (strcmp(states, "all") == 0)
		row = db_query_row("SELECT COUNT(*) AS n FROM applications "
		    "WHERE round_id = ? AND state IN " DECIDE_UNDECIDED, "i",
		    (int64_t)round_id);
	else
		row = db_query_row("SELECT COUNT(*) AS n FROM applications "
		    "WHERE round_id = ? AND state IN ('received', 'incomplete', "
		    "'eligible', 'shortlisted')", "i", (int64_t)round_id);
	if (row == NULL)
		return -1;
	n = json_integer_value(json_object_get(row, "n"));
	json_decref(row);
	return n;
}

/* The ranking's recommendation, applied: fund → approved, else waitlisted. */
static int
decide_accept(const char *actor, const struct round *r,
    const struct decide_rules *rules, int *approved, int *waitlisted,
    struct dom_err *e)
{
	struct rank_list	 l;
	struct decide_app	 a;
	size_t			 i;
	int			 rc = 0;

	if (rank_compute(r->id, r->budget - r->committed, rules, &l, e) == -1)
		return -1;
	for (i = 0; i < l.n && rc == 0; i++) {
		const char *to = l.e[i].fund ? "approved" : "waitlisted";
		const char *state = json_string_value(json_object_get(
		    l.e[i].row, "state"));

		if (!l.e[i].fund && strcmp(state, "waitlisted") == 0)
			continue;	/* told already */
		if ((rc = decide_app_lock(json_string_value(json_object_get(
		    l.e[i].row, "reference")), &a, e)) == 0 &&
		    (rc = decide_allowed(&a, to, rules, e)) == 0 &&
		    (rc = decide_amount(&a, NULL, &l.e[i].amount, e)) == 0 &&
		    (rc = decide_one(actor, &a, to, l.e[i].amount, NULL, NULL,
		    rules, e)) == 0)
			(*(l.e[i].fund ? approved : waitlisted))++;
		json_decref(a.row);
	}
	rank_free(&l);
	return rc;
}

/* A database failure, for functions that answer with JSON or NULL. */
static json_t *
decide_db_null(struct dom_err *e)
{
	dom_db_fail(e);
	return NULL;
}

/*
 * Mark a round decided. With accept, first decide every scored or
 * waitlisted application as the ranking recommends, all in this one
 * transaction; a round must be in assessment for that, and scored.
 * Either way no application may be left undecided.
 */
json_t *
decide_round(const char *actor, const char *code, int accept,
    struct dom_err *e)
{
	struct round		 r;
	struct decide_rules	 rules;
	long long		 n;
	int			 approved = 0, waitlisted = 0;
	json_t			*out;

	if (db_begin() == -1)
		return decide_db_null(e);
	if (round_get(code, 1, &r, e) == -1 ||
	    decide_rules(r.id, &rules, e) == -1)
		return NULL;
	if (!state_can_move(STATE_ROUND, r.state, "decided")) {
		dom_fail(e, DOM_CONFLICT, "round %s is %s, so it cannot be "
		    "moved to decided: only a round in assessment can%s", code,
		    r.state,
		    strcmp(r.state, "closed") == 0 ? " (grantctl round assess "
		    "moves it there)" : "");
		return NULL;
	}
	if (accept && !rules.scoring) {
		dom_fail(e, DOM_CONFLICT, "round %s is not scored, so there is "
		    "no ranking to accept: decide its applications with "
		    "grantctl app decide", code);
		return NULL;
	}
	if ((n = decide_undecided(r.id, accept ? "unscored" : "all")) == -1)
		return decide_db_null(e);
	if (n > 0) {
		dom_fail(e, DOM_CONFLICT, "round %s has %lld application%s %s: "
		    "decide %s first (grantctl app decide, or withdraw)%s", code,
		    n, n == 1 ? "" : "s", accept ? "not yet scored" :
		    "still undecided", n == 1 ? "it" : "them", accept ? "" :
		    "; or accept the ranking's recommendation with "
		    "--accept-recommendation");
		return NULL;
	}
	if (accept && decide_accept(actor, &r, &rules, &approved, &waitlisted,
	    e) == -1)
		return NULL;
	if (db_exec("UPDATE rounds SET state = 'decided' WHERE id = ?", "i",
	    (int64_t)r.id) != 1 || audit_append(actor, "round.state", code,
	    json_pack("{s:s,s:s,s:b}", "from", r.state, "to", "decided",
	    "accepted_recommendation", accept)) == -1 || db_commit() == -1)
		return decide_db_null(e);
	out = json_pack("{s:s,s:s,s:i,s:i}", "code", code, "state", "decided",
	    "approved", approved, "waitlisted", waitlisted);
	return out;
}

/* ---- decision targets ---- */

struct decide_target {
	long	 target;	/* the day */
	long	 left;		/* working days left; < 0 overdue */
	const char *status;	/* "overdue", "at risk" or "" */
};

static void
decide_target_of(const struct workday_calendar *cal, long today,
    const char *received_at, int days, struct decide_target *t)
{
	long	recv = decide_local_day(received_at);

	t->target = workday_add(cal, recv < 0 ? today : recv, days);
	t->left = workday_between(cal, today, t->target);
	t->status = t->left < 0 ? "overdue" : t->left <= DECIDE_AT_RISK ?
	    "at risk" : "";
}

/* GET /v1/rounds/CODE/sla: undecided applications and their targets. */
json_t *
decide_sla(const char *code, struct dom_err *e)
{
	struct round		 r;
	struct decide_rules	 rules;
	struct workday_calendar	*cal;
	struct decide_target	 t;
	json_t			*rows, *v, *list;
	size_t			 i;
	long			 today = workday_today();
	char			 d[64];

	if (round_get(code, 0, &r, e) == -1 ||
	    decide_rules(r.id, &rules, e) == -1)
		return NULL;
	if (rules.decision_days < 0) {
		dom_fail(e, DOM_CONFLICT, "round %s has no decision target in "
		    "working days (decision_days)", code);
		return NULL;
	}
	if ((rows = db_query("SELECT reference, state, organisation, "
	    "received_at FROM applications WHERE round_id = ? AND state IN "
	    DECIDE_UNDECIDED " ORDER BY received_at, id", "i", (int64_t)r.id))
	    == NULL)
		return decide_db_null(e);
	cal = xmalloc(sizeof *cal);
	decide_calendar(cal);
	list = json_array();
	json_array_foreach(rows, i, v) {
		decide_target_of(cal, today, decide_str(v, "received_at"),
		    rules.decision_days, &t);
		json_array_append_new(list, json_pack("{s:O,s:O,s:O,s:O,s:s,"
		    "s:s,s:I,s:s}", "reference", json_object_get(v, "reference"),
		    "state", json_object_get(v, "state"), "organisation",
		    json_object_get(v, "organisation"), "received_at",
		    json_object_get(v, "received_at"), "target", workday_iso(
		    t.target, d, sizeof d), "target_day", workday_format(
		    t.target, d, sizeof d), "days_left", (json_int_t)t.left,
		    "status", t.status));
	}
	free(cal);
	json_decref(rows);
	return json_pack("{s:s,s:i,s:s,s:o}", "round", code, "decision_days",
	    rules.decision_days, "today", workday_iso(today, d, sizeof d),
	    "applications", list);
}

/*
 * For an officer's digest: per round with a decision target, how many of
 * their undecided applications are at risk or overdue, as lines of text.
 */
json_t *
decide_sla_digest(long long user_id)
{
	struct workday_calendar	*cal;
	struct decide_target	 t;
	json_t			*rows, *v, *items;
	size_t			 i;
	long			 today = workday_today();
	int			 risk = 0, over = 0;
	char			 text[300];
	const char		*round = NULL;

	if ((rows = db_query("SELECT r.code, r.decision_days, a.received_at "
	    "FROM applications a JOIN rounds r ON r.id = a.round_id WHERE "
	    "a.officer_id = ? AND r.decision_days IS NOT NULL AND a.state IN "
	    DECIDE_UNDECIDED " ORDER BY r.code, a.id", "i", (int64_t)user_id))
	    == NULL)
		return NULL;
	cal = xmalloc(sizeof *cal);
	decide_calendar(cal);
	items = json_array();
	for (i = 0; i <= json_array_size(rows); i++) {
		v = json_array_get(rows, i);
		if (round != NULL && (v == NULL || strcmp(round,
		    decide_str(v, "code")) != 0) && risk + over > 0) {
			snprintf(text, sizeof text, "%s: %d at risk of "
			    "missing the decision target, %d overdue (grantctl "
			    "round sla %s)", round, risk, over, round);
			json_array_append_new(items, json_pack("{s:s}", "text",
			    text));
		}
		if (v == NULL)
			break;
		if (round == NULL || strcmp(round, decide_str(v, "code")) != 0)
			risk = over = 0;
		round = decide_str(v, "code");
		decide_target_of(cal, today, decide_str(v, "received_at"),
		    (int)json_integer_value(json_object_get(v,
		    "decision_days")), &t);
		risk += strcmp(t.status, "at risk") == 0;
		over += strcmp(t.status, "overdue") == 0;
	}
	free(cal);
	json_decref(rows);
	return items;
}
