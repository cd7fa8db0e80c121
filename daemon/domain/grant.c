/*
 * grant.c: a grant from its offer to its end. An award (decision.c) or
 * grant create offers it; the grantee accepts by reply or an officer for
 * them; acceptance makes its tranches from its plan and tells the
 * grantee every date money will come. An offer not accepted is chased
 * once, then flagged to its officer. Variations (amount, suspension,
 * termination, underspend) keep the round's committed money exact, and
 * every change is audited and told to the grantee in the same
 * transaction.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "domain/domain.h"

#define GRANT_CHECK_SECONDS	600
#define GRANT_DEFAULT_PLAN	"single"

static struct event	*grant_ev;

/* ---- reading ---- */

#define GRANT_COLUMNS "g.id, g.reference, g.application_id, g.fund_id, " \
	"g.round_id, g.officer_id, g.state, g.org_key, g.organisation, " \
	"g.email, g.plan, g.amount, g.returned"

static void
grant_from_row(json_t *row, struct grant *g)
{
#define S(k) json_string_value(json_object_get(row, k))
#define I(k) json_integer_value(json_object_get(row, k))
	memset(g, 0, sizeof *g);
	g->id = I("id");
	g->app_id = I("application_id");
	g->fund_id = I("fund_id");
	g->round_id = I("round_id");
	g->has_round = json_is_integer(json_object_get(row, "round_id"));
	g->officer_id = I("officer_id");
	g->amount = I("amount");
	g->returned = I("returned");
	snprintf(g->reference, sizeof g->reference, "%s", S("reference"));
	snprintf(g->state, sizeof g->state, "%s", S("state"));
	snprintf(g->org_key, sizeof g->org_key, "%s", S("org_key") ?
	    S("org_key") : "");
	snprintf(g->organisation, sizeof g->organisation, "%s",
	    S("organisation"));
	snprintf(g->email, sizeof g->email, "%s", S("email"));
	snprintf(g->plan, sizeof g->plan, "%s", S("plan") ? S("plan") :
	    GRANT_DEFAULT_PLAN);
#undef S
#undef I
}

/* A grant by reference; locked FOR UPDATE when lock. */
int
grant_get(const char *ref, int lock, struct grant *g, struct dom_err *e)
{
	json_t	*row;

	if (ref == NULL || *ref == '\0')
		return dom_fail(e, DOM_BAD, "which grant? give its reference");
	row = lock ? db_query_row("SELECT " GRANT_COLUMNS " FROM grants g "
	    "WHERE g.reference = ? FOR UPDATE", "s", ref) :
	    db_query_row("SELECT " GRANT_COLUMNS " FROM grants g WHERE "
	    "g.reference = ?", "s", ref);
	if (row == NULL)
		return dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		return dom_fail(e, DOM_NOT_FOUND, "no grant %s", ref);
	}
	grant_from_row(row, g);
	json_decref(row);
	return 0;
}

static int
grant_get_id(long long id, struct grant *g)
{
	json_t	*row;

	if ((row = db_query_row("SELECT " GRANT_COLUMNS " FROM grants g WHERE "
	    "g.id = ? FOR UPDATE", "i", (int64_t)id)) == NULL ||
	    json_is_null(row)) {
		json_decref(row);
		return -1;
	}
	grant_from_row(row, g);
	json_decref(row);
	return 0;
}

/*
 * An organisation's name as grants compare it when nothing better is
 * known (no registration number): lower case, letters and digits, one
 * space between words.
 */
void
grant_org_fold(const char *name, char *out, size_t len)
{
	size_t	n = 0;
	int	space = 0;

	for (; *name != '\0' && n + 2 < len; name++) {
		unsigned char c = (unsigned char)*name;

		if (isalnum(c) || c >= 0x80) {
			if (space && n > 0)
				out[n++] = ' ';
			out[n++] = (char)tolower(c);
			space = 0;
		} else
			space = 1;
	}
	out[n] = '\0';
}

/* ---- letters ---- */

static const char *
grant_str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* "Friday 11 December 2026" without the day's name. */
static void
grant_day_text(long day, char *buf, size_t len)
{
	char	d[64];

	workday_format(day, d, sizeof d);
	snprintf(buf, len, "%s", strchr(d, ' ') != NULL ? strchr(d, ' ') + 1 :
	    d);
}

/* What every letter about a grant says: names, amounts, the officer. */
json_t *
grant_letter_vars(const struct grant *g)
{
	json_t	*row, *vars;
	char	 m[MONEY_BUFLEN];

	if ((row = db_query_row("SELECT g.purpose, g.conditions, f.name AS "
	    "fund_name, f.monitoring_plan, a.contact_name, u.name AS "
	    "officer_name, u.email AS officer_email FROM grants g JOIN funds f "
	    "ON f.id = g.fund_id LEFT JOIN applications a ON a.id = "
	    "g.application_id LEFT JOIN users u ON u.id = g.officer_id WHERE "
	    "g.id = ?", "i", (int64_t)g->id)) == NULL || json_is_null(row)) {
		json_decref(row);
		return NULL;
	}
	vars = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}",
	    "reference", g->reference, "email", g->email,
	    "organisation", g->organisation,
	    "contact_name", grant_str(row, "contact_name") ?
	    grant_str(row, "contact_name") : g->organisation,
	    "fund_name", grant_str(row, "fund_name"),
	    "purpose", grant_str(row, "purpose"),
	    "project_title", grant_str(row, "purpose"),
	    "grant_total", money_format(g->amount - g->returned, m, sizeof m),
	    "reporting_quarterly", strcmp(grant_str(row, "monitoring_plan"),
	    "quarterly") == 0);
	json_object_set_new(vars, "officer_name", json_string(
	    grant_str(row, "officer_name") ? grant_str(row, "officer_name") :
	    "the grants team"));
	json_object_set_new(vars, "officer_email", json_string(
	    grant_str(row, "officer_email") ? grant_str(row, "officer_email") :
	    grantd_config->mail_from));
	if (grant_str(row, "conditions") != NULL &&
	    *grant_str(row, "conditions") != '\0')
		json_object_set_new(vars, "conditions", json_pack("[s]",
		    grant_str(row, "conditions")));
	json_decref(row);
	return vars;
}

/* Queue template to the grantee's address on record, answered by the
 * officer; vars is consumed. */
int
grant_letter(const struct grant *g, const char *template, json_t *vars)
{
	return grant_letter_reply(g, template, vars, NULL);
}

/* The same, answering the grantee's message in_reply_to (NULL: none). */
int
grant_letter_reply(const struct grant *g, const char *template, json_t *vars,
    const char *in_reply_to)
{
	struct outbox_new	 n;
	long long		 rc;

	if (vars == NULL)
		return -1;
	memset(&n, 0, sizeof n);
	n.template = template;
	n.in_reply_to = in_reply_to;
	n.references = in_reply_to;
	n.to_addr = g->email;
	n.to_name = grant_str(vars, "contact_name");
	n.reference = g->reference;
	if (grant_str(vars, "officer_email") != NULL &&
	    strchr(grant_str(vars, "officer_email"), '<') == NULL) {
		n.reply_to_addr = grant_str(vars, "officer_email");
		n.reply_to_name = grant_str(vars, "officer_name");
	}
	n.vars = vars;
	rc = outbox_queue(&n);
	json_decref(vars);
	return rc == -1 ? -1 : 0;
}

/* The tranches a plan would make if accepted today, for the offer. */
static json_t *
grant_planned(const struct grant *g)
{
	struct schedule_spec	*s = xmalloc(sizeof *s);
	struct schedule_tranche	*t = xcalloc(SCHEDULE_MAX, sizeof *t);
	struct workday_calendar	*cal = xmalloc(sizeof *cal);
	json_t			*list = json_array();
	char			 err[GRANT_ERRLEN], d[64], m[MONEY_BUFLEN];
	size_t			 n = 0, i;

	decide_calendar(cal);
	if (schedule_parse(g->plan, s, err, sizeof err) == 0 &&
	    schedule_make(s, cal, workday_today(), g->amount, t, &n, err,
	    sizeof err) == 0)
		for (i = 0; i < n; i++) {
			grant_day_text(t[i].day, d, sizeof d);
			json_array_append_new(list, json_pack("{s:i,s:s,s:s}",
			    "number", (int)i + 1, "due", d, "amount",
			    money_format(t[i].amount, m, sizeof m)));
		}
	free(s);
	free(t);
	free(cal);
	return list;
}

/*
 * Inside the transaction that created grant id (decision.c, or grant
 * create): the organisation's key, the fund's default plan unless one
 * is set, and the offer letter; revised, the offer again after its plan
 * changed, saying it replaces the one before.
 */
int
grant_offer(long long id, int revised)
{
	struct grant	 g;
	json_t		*vars, *row;
	char		 key[201], d[64];

	if (grant_get_id(id, &g) == -1)
		return -1;
	if (g.org_key[0] == '\0') {
		row = g.app_id != 0 ? db_query_row("SELECT org_key FROM "
		    "applications WHERE id = ?", "i", (int64_t)g.app_id) : NULL;
		if (row != NULL && grant_str(row, "org_key") != NULL)
			snprintf(key, sizeof key, "%s", grant_str(row,
			    "org_key"));
		else
			grant_org_fold(g.organisation, key, sizeof key);
		json_decref(row);
		snprintf(g.org_key, sizeof g.org_key, "%s", key);
	}
	/* the fund's way of paying, unless this grant has its own */
	if (db_exec("UPDATE grants g JOIN funds f ON f.id = g.fund_id SET "
	    "g.org_key = ?, g.plan = COALESCE(g.plan, f.default_plan), "
	    "g.offer_sent_at = UTC_TIMESTAMP(6) WHERE g.id = ?", "si",
	    g.org_key, (int64_t)id) != 1 || grant_get_id(id, &g) == -1)
		return -1;
	if ((vars = grant_letter_vars(&g)) == NULL)
		return -1;
	grant_day_text(workday_today() + grantd_config->notify_offer_chase_days,
	    d, sizeof d);
	json_object_set_new(vars, "accept_by", json_string(d));
	json_object_set_new(vars, "tranches", grant_planned(&g));
	json_object_set_new(vars, "instalments", json_boolean(json_array_size(
	    json_object_get(vars, "tranches")) > 1));
	json_object_set_new(vars, "revised", json_boolean(revised));
	return grant_letter(&g, "offer", vars);
}

/* ---- acceptance ---- */

/*
 * Inside the caller's transaction, g locked: accepted, its tranches
 * made from its plan, and the grantee told every date.
 */
int
grant_accept_locked(const char *actor, struct grant *g, const char *by,
    const char *in_reply_to, struct dom_err *e)
{
	if (strcmp(g->state, "offered") != 0)
		return dom_fail(e, DOM_CONFLICT, "grant %s is %s; only an "
		    "offered grant can be accepted", g->reference, g->state);
	if (by == NULL || *by == '\0')
		return dom_fail(e, DOM_BAD, "say who accepted, with their role "
		    "(--by \"Ann Smith, Treasurer\")");
	if (db_exec("UPDATE grants SET state = 'accepted', accepted_at = "
	    "UTC_TIMESTAMP(6), accepted_by = ?, updated_at = UTC_TIMESTAMP(6) "
	    "WHERE id = ?", "si", by, (int64_t)g->id) != 1 ||
	    audit_append(actor, "grant.state", g->reference, json_pack(
	    "{s:s,s:s,s:s}", "from", "offered", "to", "accepted",
	    "accepted_by", by)) == -1)
		return dom_db_fail(e);
	snprintf(g->state, sizeof g->state, "accepted");
	if (tranche_plan(actor, g, g->plan, workday_today(), e) == -1)
		return -1;
	/* after the tranches: an end-of-project return follows the last */
	if (monitor_plan_create(g->id) == -1)
		return dom_db_fail(e);
	return grant_schedule_letter(g, "tranche-schedule", NULL, in_reply_to,
	    e);
}

/* The grantee told the tranches still to come (template), with extra. */
int
grant_schedule_letter(const struct grant *g, const char *template,
    json_t *extra, const char *in_reply_to, struct dom_err *e)
{
	json_t	*vars, *t;

	if ((vars = grant_letter_vars(g)) == NULL ||
	    (t = tranche_schedule(g->id)) == NULL) {
		json_decref(vars);
		json_decref(extra);
		return dom_db_fail(e);
	}
	json_object_set_new(vars, "tranches", t);
	json_object_set_new(vars, "scheduled", json_boolean(
	    json_array_size(t) > 0));
	if (extra != NULL) {
		json_object_update(vars, extra);
		json_decref(extra);
	}
	if (grant_letter_reply(g, template, vars, in_reply_to) == -1)
		return dom_db_fail(e);
	return 0;
}

/* POST /v1/grants/REF/accept {by}: an officer records acceptance. */
json_t *
grant_accept(const char *actor, const char *ref, const char *by,
    struct dom_err *e)
{
	struct grant	g;

	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (grant_get(ref, 1, &g, e) == -1 ||
	    grant_accept_locked(actor, &g, by, NULL, e) == -1)
		return NULL;
	if (db_commit() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	return grant_show(ref, e);
}

/* ---- grants outside a round ---- */

/* The fund's money not given to a round nor to a grant outside one. */
static int
grant_unallocated(long long fund_id, int64_t *left)
{
	json_t	*row;

	if ((row = db_query_row("SELECT f.budget - COALESCE((SELECT "
	    "SUM(budget) FROM rounds WHERE fund_id = f.id), 0) - "
	    "COALESCE((SELECT SUM(amount - returned) FROM grants WHERE "
	    "fund_id = f.id AND round_id IS NULL), 0) AS left_ FROM funds f "
	    "WHERE f.id = ? FOR UPDATE", "i", (int64_t)fund_id)) == NULL)
		return -1;
	*left = json_integer_value(json_object_get(row, "left_"));
	json_decref(row);
	return 0;
}

/* FUND-YYYY-Gnnn, the next number of the fund's year. */
static int
grant_next_reference(const char *fund, char *ref, size_t len)
{
	json_t	*row;
	char	 prefix[32];
	int	 year;

	date_today_local(prefix, sizeof prefix, NULL);
	year = atoi(prefix);
	snprintf(prefix, sizeof prefix, "%s-%d-G", fund, year);
	if ((row = db_query_row("SELECT COUNT(*) AS n FROM grants WHERE "
	    "reference LIKE CONCAT(?, '%')", "s", prefix)) == NULL)
		return -1;
	snprintf(ref, len, "%.24s%03d", prefix, (int)json_integer_value(
	    json_object_get(row, "n")) % 100000 + 1);
	json_decref(row);
	return 0;
}

/*
 * POST /v1/grants {fund, organisation, email, amount, purpose, plan}:
 * an offered grant outside any round, from the fund's unallocated money.
 */
json_t *
grant_create(const char *actor, json_t *in, struct dom_err *e)
{
	const char	*fund = dom_str(in, "fund"), *org = dom_str(in,
			    "organisation"), *email = dom_str(in, "email"),
			*purpose = dom_str(in, "purpose"), *plan = dom_str(in,
			    "plan");
	struct schedule_spec	*s;
	json_t		*row;
	int64_t		 amount, left;
	long long	 fund_id, id;
	char		 ref[64], key[201], err[GRANT_ERRLEN];
	char		 m1[MONEY_BUFLEN], m2[MONEY_BUFLEN];
	int		 rc;

	if (fund == NULL || org == NULL || *org == '\0' || email == NULL ||
	    purpose == NULL || *purpose == '\0') {
		dom_fail(e, DOM_BAD, "a grant needs --fund, --org, --email, "
		    "--amount and --purpose");
		return NULL;
	}
	if (!check_address(email)) {
		dom_fail(e, DOM_BAD, "'%s' is not an email address", email);
		return NULL;
	}
	if (strlen(org) > CHECK_NAME_MAX) {
		dom_fail(e, DOM_BAD, "the organisation's name is longer than "
		    "%d characters", CHECK_NAME_MAX);
		return NULL;
	}
	if (dom_money(in, "amount", 1, &amount, e) == -1)
		return NULL;
	if (amount <= 0) {
		dom_fail(e, DOM_BAD, "a grant must be more than £0.00");
		return NULL;
	}
	/* without a plan, the fund's (grant_offer()) */
	s = xmalloc(sizeof *s);
	rc = plan == NULL ? 0 : schedule_parse(plan, s, err, sizeof err);
	free(s);
	if (rc == -1) {
		dom_fail(e, DOM_BAD, "%s", err);
		return NULL;
	}
	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if ((row = db_query_row("SELECT id FROM funds WHERE code = ? FOR "
	    "UPDATE", "s", fund)) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_is_null(row)) {
		json_decref(row);
		dom_fail(e, DOM_NOT_FOUND, "no fund %s", fund);
		return NULL;
	}
	fund_id = json_integer_value(json_object_get(row, "id"));
	json_decref(row);
	if (grant_unallocated(fund_id, &left) == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (amount > left) {
		dom_fail(e, DOM_CONFLICT, "fund %s has only %s unallocated; a "
		    "grant of %s does not fit", fund, money_format(left, m1,
		    sizeof m1), money_format(amount, m2, sizeof m2));
		return NULL;
	}
	grant_org_fold(org, key, sizeof key);
	if (grant_next_reference(fund, ref, sizeof ref) == -1 ||
	    db_exec("INSERT INTO grants (reference, fund_id, organisation, "
	    "email, amount, purpose, org_key, plan, officer_id) VALUES (?, ?, "
	    "?, ?, ?, ?, ?, ?, (SELECT id FROM users WHERE name = ?))",
	    "sississss", ref, (int64_t)fund_id, org, email, amount, purpose,
	    key, plan, actor) != 1 ||
	    (id = db_insert_id()) <= 0 ||
	    audit_append(actor, "grant.create", ref, json_pack("{s:I,s:s,s:I,"
	    "s:s,s:s?}", "grant", (json_int_t)id, "state", "offered", "amount",
	    (json_int_t)amount, "fund", fund, "plan", plan)) == -1 ||
	    grant_offer(id, 0) == -1 || db_commit() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	return grant_show(ref, e);
}

/* ---- plans ---- */

/* POST /v1/grants/REF/plan {plan}: before any payment has started. */
json_t *
grant_plan(const char *actor, const char *ref, const char *plan,
    struct dom_err *e)
{
	struct schedule_spec	*s;
	struct grant		 g;
	char			 err[GRANT_ERRLEN];
	int			 rc;

	s = xmalloc(sizeof *s);
	rc = schedule_parse(plan, s, err, sizeof err);
	free(s);
	if (rc == -1) {
		dom_fail(e, DOM_BAD, "%s", err);
		return NULL;
	}
	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (grant_get(ref, 1, &g, e) == -1)
		return NULL;
	if (strcmp(g.state, "offered") != 0 && strcmp(g.state, "accepted")
	    != 0) {
		dom_fail(e, DOM_CONFLICT, "grant %s is %s; a plan can only be "
		    "changed before payment starts", ref, g.state);
		return NULL;
	}
	if (tranche_started(g.id) != 0) {
		dom_fail(e, DOM_CONFLICT, "grant %s has a payment under way or "
		    "made; change its amount with grant vary instead", ref);
		return NULL;
	}
	if (db_exec("UPDATE grants SET plan = ?, updated_at = "
	    "UTC_TIMESTAMP(6) WHERE id = ?", "si", plan, (int64_t)g.id) != 1 ||
	    audit_append(actor, "grant.plan", ref, json_pack("{s:s,s:s}",
	    "from", g.plan, "to", plan)) == -1) {
		dom_db_fail(e);
		return NULL;
	}
	snprintf(g.plan, sizeof g.plan, "%s", plan);
	/* An offer not yet accepted is sent again with the new dates. */
	if (strcmp(g.state, "offered") == 0 && grant_offer(g.id, 1) == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (strcmp(g.state, "accepted") == 0 &&
	    (tranche_plan(actor, &g, plan, workday_today(), e) == -1 ||
	    grant_schedule_letter(&g, "grant-changed", json_pack("{s:s}",
	    "change", "We have changed the dates and amounts of your "
	    "payments."), NULL, e) == -1))
		return NULL;
	if (db_commit() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	return grant_show(ref, e);
}

/* ---- variations ---- */

/* What grant id has been paid; -1 on a database error. */
static int64_t
grant_paid(long long id)
{
	json_t	*row;
	int64_t	 n;

	if ((row = db_query_row("SELECT COALESCE(SUM(amount), 0) AS n FROM "
	    "tranches WHERE grant_id = ? AND state = 'paid'", "i", (int64_t)id))
	    == NULL)
		return -1;
	n = json_integer_value(json_object_get(row, "n"));
	json_decref(row);
	return n;
}

/* The round's committed money moved by delta, refused past its budget. */
static int
grant_round_commit(const struct grant *g, int64_t delta, struct dom_err *e)
{
	char		m1[MONEY_BUFLEN];
	json_t		*row;
	int64_t		 left;
	long long	 rc;

	if (delta == 0)
		return 0;
	if (!g->has_round) {
		if (delta < 0)
			return 0;	/* the fund's unallocated grows alone */
		if (grant_unallocated(g->fund_id, &left) == -1)
			return dom_db_fail(e);
		if (delta > left)
			return dom_fail(e, DOM_CONFLICT, "the fund has only %s "
			    "unallocated", money_format(left, m1, sizeof m1));
		return 0;
	}
	rc = db_exec("UPDATE rounds SET committed = committed + ? WHERE id = ? "
	    "AND committed + ? <= budget AND committed + ? >= 0", "iiii",
	    delta, (int64_t)g->round_id, delta, delta);
	if (rc == -1)
		return dom_db_fail(e);
	if (rc == 1)
		return 0;
	if ((row = db_query_row("SELECT budget - committed AS left_ FROM "
	    "rounds WHERE id = ?", "i", (int64_t)g->round_id)) == NULL)
		return dom_db_fail(e);
	money_format(json_integer_value(json_object_get(row, "left_")), m1,
	    sizeof m1);
	json_decref(row);
	return dom_fail(e, DOM_CONFLICT, "the round has only %s uncommitted",
	    m1);
}

static int
grant_move(const char *actor, struct grant *g, const char *to,
    const char *reason, struct dom_err *e)
{
	if (!state_can_move(STATE_GRANT, g->state, to))
		return dom_fail(e, DOM_CONFLICT, "grant %s is %s, so it cannot "
		    "be %s", g->reference, g->state, to);
	if (db_exec("UPDATE grants SET state = ?, updated_at = "
	    "UTC_TIMESTAMP(6) WHERE id = ?", "si", to, (int64_t)g->id) != 1 ||
	    audit_append(actor, "grant.state", g->reference, json_pack(
	    "{s:s,s:s,s:s}", "from", g->state, "to", to, "reason", reason))
	    == -1)
		return dom_db_fail(e);
	snprintf(g->state, sizeof g->state, "%s", to);
	return 0;
}

/* A new award: the round's money moved by the difference, the unpaid
 * tranches planned again for what is left to pay. */
static int
grant_vary_amount(const char *actor, struct grant *g, int64_t amount,
    const char *reason, char *change, size_t len, struct dom_err *e)
{
	char	m1[MONEY_BUFLEN], m2[MONEY_BUFLEN];
	int64_t	started = tranche_started(g->id), old = g->amount - g->returned;

	if (amount <= 0)
		return dom_fail(e, DOM_BAD, "a grant must be more than £0.00; "
		    "to end it, use grant terminate");
	if (started < 0)
		return dom_db_fail(e);
	if (amount - g->returned <= started)
		return dom_fail(e, DOM_CONFLICT, "%s has been paid or is being "
		    "paid already; the award cannot be less than that plus "
		    "a penny", money_format(started, m1, sizeof m1));
	if (strcmp(g->state, "terminated") == 0 ||
	    strcmp(g->state, "completed") == 0)
		return dom_fail(e, DOM_CONFLICT, "grant %s is %s", g->reference,
		    g->state);
	if (grant_round_commit(g, amount - g->returned - old, e) == -1)
		return -1;
	if (db_exec("UPDATE grants SET amount = ?, updated_at = "
	    "UTC_TIMESTAMP(6) WHERE id = ?", "ii", amount, (int64_t)g->id) != 1
	    || audit_append(actor, "grant.vary", g->reference, json_pack(
	    "{s:I,s:I,s:s?}", "from", (json_int_t)g->amount, "to",
	    (json_int_t)amount, "reason", reason)) == -1)
		return dom_db_fail(e);
	snprintf(change, len, "Your grant is now %s (it was %s).",
	    money_format(amount - g->returned, m1, sizeof m1),
	    money_format(old, m2, sizeof m2));
	g->amount = amount;
	if (strcmp(g->state, "offered") != 0 &&
	    tranche_replan_rest(actor, g, e) == -1)
		return -1;
	return 0;
}

/*
 * POST /v1/grants/REF/vary {action: amount|suspend|resume|terminate|
 * underspend, amount, reason}: every change audited, the round's money
 * kept exact, the grantee told.
 */
json_t *
grant_vary(const char *actor, const char *ref, json_t *in, struct dom_err *e)
{
	const char	*action = dom_str(in, "action"), *reason = dom_str(in,
			    "reason");
	struct grant	 g;
	int64_t		 amount = 0, cancelled, paid;
	char		 change[600], m[MONEY_BUFLEN];
	json_t		*extra;

	if (action == NULL) {
		dom_fail(e, DOM_BAD, "vary how: amount, suspend, resume, "
		    "terminate or underspend");
		return NULL;
	}
	if (strcmp(action, "amount") != 0 && (reason == NULL ||
	    *reason == '\0')) {
		dom_fail(e, DOM_BAD, "say why (--reason): the letter tells the "
		    "grantee");
		return NULL;
	}
	if ((strcmp(action, "amount") == 0 || strcmp(action, "underspend") ==
	    0) && dom_money(in, "amount", 1, &amount, e) == -1)
		return NULL;
	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (grant_get(ref, 1, &g, e) == -1)
		return NULL;
	/* the round before its money moves, as decision.c locks it */
	if (g.has_round) {
		json_t *lock = db_query_row("SELECT id FROM rounds WHERE id = ? "
		    "FOR UPDATE", "i", (int64_t)g.round_id);

		if (lock == NULL) {
			dom_db_fail(e);
			return NULL;
		}
		json_decref(lock);
	}
	if (strcmp(action, "amount") == 0) {
		if (grant_vary_amount(actor, &g, amount, reason, change,
		    sizeof change, e) == -1)
			return NULL;
	} else if (strcmp(action, "suspend") == 0) {
		if (grant_move(actor, &g, "suspended", reason, e) == -1 ||
		    tranche_hold_grant(g.id, "grant suspended", e) == -1)
			return NULL;
		snprintf(change, sizeof change, "We have suspended your grant: "
		    "no payment will be made until we lift the suspension.");
	} else if (strcmp(action, "resume") == 0) {
		if (strcmp(g.state, "suspended") != 0) {
			dom_fail(e, DOM_CONFLICT, "grant %s is %s, not "
			    "suspended", ref, g.state);
			return NULL;
		}
		/* back to active if a payment was made, else accepted */
		if ((paid = grant_paid(g.id)) == -1) {
			dom_db_fail(e);
			return NULL;
		}
		if (grant_move(actor, &g, paid > 0 ? "active" : "accepted",
		    reason, e) == -1 ||
		    tranche_release_grant(g.id, "grant suspended", e) == -1)
			return NULL;
		snprintf(change, sizeof change, "We have lifted the suspension "
		    "of your grant: payments are made again as planned.");
	} else if (strcmp(action, "terminate") == 0) {
		/* all that is not paid or being paid goes back, whether or
		 * not it was in tranches yet (an offer has none) */
		if (grant_move(actor, &g, "terminated", reason, e) == -1 ||
		    tranche_cancel_rest(g.id, e) < 0 ||
		    (cancelled = tranche_started(g.id)) < 0)
			return NULL;
		cancelled = g.amount - g.returned - cancelled;
		if (grant_round_commit(&g, -cancelled, e) == -1 ||
		    db_exec("UPDATE grants SET returned = returned + ? WHERE "
		    "id = ?", "ii", cancelled, (int64_t)g.id) != 1) {
			dom_db_fail(e);
			return NULL;
		}
		snprintf(change, sizeof change, "We have ended your grant. No "
		    "further payments will be made: the %s not yet paid is "
		    "cancelled.", money_format(cancelled, m, sizeof m));
	} else if (strcmp(action, "underspend") == 0) {
		/* money paid and not spent: never more than was paid */
		if ((paid = grant_paid(g.id)) < 0) {
			dom_db_fail(e);
			return NULL;
		}
		if (amount <= 0 || amount > paid || amount > g.amount -
		    g.returned) {
			dom_fail(e, DOM_BAD, "an underspend is money paid and not "
			    "spent: more than £0.00 and at most the %s paid so "
			    "far (to pay less, use grant vary)", money_format(
			    paid < g.amount - g.returned ? paid : g.amount -
			    g.returned, m, sizeof m));
			return NULL;
		}
		if (grant_round_commit(&g, -amount, e) == -1 ||
		    db_exec("UPDATE grants SET returned = returned + ?, "
		    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?", "ii", amount,
		    (int64_t)g.id) != 1 || audit_append(actor, "grant.underspend",
		    ref, json_pack("{s:I,s:s}", "amount", (json_int_t)amount,
		    "reason", reason)) == -1) {
			dom_db_fail(e);
			return NULL;
		}
		g.returned += amount;
		snprintf(change, sizeof change, "We have recorded %s of your "
		    "grant as not spent; it goes back to the programme.",
		    money_format(amount, m, sizeof m));
	} else {
		dom_fail(e, DOM_BAD, "vary how: amount, suspend, resume, "
		    "terminate or underspend, not %s", action);
		return NULL;
	}
	extra = json_pack("{s:s,s:s?}", "change", change, "reason", reason);
	/* A suspended grant's dates mean nothing until it is resumed. */
	if (strcmp(action, "suspend") == 0)
		json_object_set_new(extra, "scheduled", json_false());
	if (grant_schedule_letter(&g, "grant-changed", extra, NULL, e) == -1)
		return NULL;
	if (db_commit() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	return grant_show(ref, e);
}

/* ---- showing ---- */

json_t *
grant_show(const char *ref, struct dom_err *e)
{
	json_t	*row, *t;

	if ((row = db_query_row("SELECT g.reference, g.state, g.organisation, "
	    "g.org_key, g.email, g.amount, g.returned, g.amount - g.returned "
	    "AS holds, g.purpose, g.conditions, g.plan, g.accepted_at, "
	    "g.accepted_by, g.offer_sent_at, g.offer_chased_at, "
	    "g.offer_flagged_at, f.code AS fund, r.code AS round FROM grants g "
	    "JOIN funds f ON f.id = g.fund_id LEFT JOIN rounds r ON r.id = "
	    "g.round_id WHERE g.reference = ?", "s", ref)) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_is_null(row)) {
		json_decref(row);
		dom_fail(e, DOM_NOT_FOUND, "no grant %s", ref);
		return NULL;
	}
	if ((t = tranche_list(ref, 0, e)) == NULL) {
		json_decref(row);
		return NULL;
	}
	json_object_set(row, "tranches", json_object_get(t, "tranches"));
	json_decref(t);
	return row;
}

json_t *
grant_list(const char *state, struct dom_err *e)
{
	json_t	*rows;

	rows = db_query("SELECT g.reference, g.state, g.organisation, "
	    "g.amount - g.returned AS amount, g.plan, f.code AS fund FROM "
	    "grants g JOIN funds f ON f.id = g.fund_id WHERE (? IS NULL OR "
	    "g.state = ?) ORDER BY g.id", "ss", state, state);
	if (rows == NULL)
		dom_db_fail(e);
	return rows;
}

/* ---- timers ---- */

/* Offers not accepted: chased once, then flagged to the officer. */
static int
grant_chase_offers(void)
{
	json_t		*rows, *v;
	struct grant	 g;
	struct dom_err	 e;
	size_t		 i;
	int		 n = 0, days = (int)grantd_config->notify_offer_chase_days;

	if ((rows = db_query("SELECT reference, offer_chased_at IS NULL AS "
	    "chase FROM grants WHERE state = 'offered' AND ((offer_chased_at "
	    "IS NULL AND offer_sent_at < UTC_TIMESTAMP(6) - INTERVAL ? DAY) OR "
	    "(offer_flagged_at IS NULL AND offer_chased_at < UTC_TIMESTAMP(6) "
	    "- INTERVAL ? DAY)) ORDER BY id", "dd", days, days)) == NULL)
		return -1;
	json_array_foreach(rows, i, v) {
		if (db_begin() == -1 || grant_get(grant_str(v, "reference"), 1,
		    &g, &e) == -1) {
			db_rollback();
			continue;
		}
		if (json_integer_value(json_object_get(v, "chase"))) {
			json_t *vars = grant_letter_vars(&g);
			char d[64];

			grant_day_text(workday_today() + days, d, sizeof d);
			if (vars != NULL)
				json_object_set_new(vars, "accept_by",
				    json_string(d));
			if (grant_letter(&g, "offer-chase", vars) == -1 ||
			    db_exec("UPDATE grants SET offer_chased_at = "
			    "UTC_TIMESTAMP(6) WHERE id = ?", "i",
			    (int64_t)g.id) != 1 || audit_append("grantd",
			    "grant.chase", g.reference, json_pack("{}")) == -1) {
				db_rollback();
				continue;
			}
		} else if ((g.officer_id != 0 ? staff_notify_user(g.officer_id,
		    "The offer of grant %s to %s is still not accepted after "
		    "a reminder (grantctl grant show %s)", g.reference,
		    g.organisation, g.reference) : staff_notify(ROLE_OFFICER,
		    "The offer of grant %s to %s is still not accepted after "
		    "a reminder (grantctl grant show %s)", g.reference,
		    g.organisation, g.reference)) == -1 ||
		    db_exec("UPDATE grants SET offer_flagged_at = "
		    "UTC_TIMESTAMP(6) WHERE id = ?", "i", (int64_t)g.id) != 1) {
			db_rollback();
			continue;
		}
		if (db_commit() == 0)
			n++;
	}
	json_decref(rows);
	return n;
}

/* What grantd does on its timer, also on demand (grant check). */
json_t *
grant_check(struct dom_err *e)
{
	int	chased, due;

	if ((due = tranche_mark_due()) == -1 ||
	    (chased = grant_chase_offers()) == -1) {
		dom_db_fail(e);
		return NULL;
	}
	return json_pack("{s:i,s:i}", "tranches_due", due, "offers", chased);
}

static void
grant_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dom_err	e;
	json_t		*done;

	(void)fd;
	(void)what;
	(void)arg;
	if (!db_available())
		return;
	if ((done = grant_check(&e)) == NULL)
		log_warnx("grants: %s", e.msg);
	json_decref(done);
}

void
grant_start(struct event_base *base)
{
	struct timeval	tv = { GRANT_CHECK_SECONDS, 0 };

	grant_ev = event_new(base, -1, EV_PERSIST, grant_timer_cb, NULL);
	event_add(grant_ev, &tv);
}

void
grant_stop(void)
{
	if (grant_ev != NULL) {
		event_free(grant_ev);
		grant_ev = NULL;
	}
}
