/*
 * fund.c: funds, the pots of money rounds are carved from, and budget
 * transfers between funds and rounds, with a reason, as when Fast Grants
 * money was repurposed into a Covid recovery fund. A transfer never
 * overdraws its source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"

/* What grants made outside any round still hold (grant.c). */
#define FUND_OUTSIDE_ROUNDS \
	"COALESCE((SELECT SUM(g.amount - g.returned) FROM grants g WHERE " \
	"g.fund_id = f.id AND g.round_id IS NULL), 0)"

#define FUND_SELECT \
	"SELECT f.code, f.name, f.budget, f.max_award, f.min_award, " \
	"f.currency, COALESCE(SUM(r.budget), 0) AS allocated, " \
	"f.budget - COALESCE(SUM(r.budget), 0) - " FUND_OUTSIDE_ROUNDS \
	" AS unallocated, " \
	"COALESCE(SUM(r.committed), 0) AS committed, " \
	"COALESCE(SUM(r.paid), 0) AS paid, COUNT(r.id) AS rounds, " \
	"f.created_at FROM funds f LEFT JOIN rounds r ON r.fund_id = f.id "

#define TRANSFER_SELECT \
	"SELECT id, from_code, to_code, amount, reason, actor, created_at " \
	"FROM budget_transfers "

/* Fund codes are short and plain: "FG", "SAF", "CRF". */
int
fund_code_valid(const char *code)
{
	return check_code(code, 2, 10, 0);
}

static int
fund_new_read(json_t *in, struct fund_new *n, struct dom_err *e)
{
	char	a[MONEY_BUFLEN], b[MONEY_BUFLEN];

	memset(n, 0, sizeof *n);
	n->code = dom_str(in, "code");
	n->name = dom_str(in, "name");
	if (!fund_code_valid(n->code))
		return dom_fail(e, DOM_BAD, "fund code must be 2 to 10 capital "
		    "letters or digits, starting with a letter (like FG or "
		    "SAF)");
	if (n->name == NULL || *n->name == '\0' ||
	    strlen(n->name) > CHECK_NAME_MAX)
		return dom_fail(e, DOM_BAD, "a fund needs a name (up to 200 "
		    "characters)");
	if (dom_money(in, "budget", 1, &n->budget, e) == -1 ||
	    (n->has_max = dom_money(in, "max_award", 0, &n->max, e)) == -1 ||
	    (n->has_min = dom_money(in, "min_award", 0, &n->min, e)) == -1)
		return -1;
	if (n->has_max && n->max == 0)
		return dom_fail(e, DOM_BAD, "max_award must be more than %s",
		    money_format(0, a, sizeof a));
	if (n->has_max && n->has_min && n->min > n->max)
		return dom_fail(e, DOM_BAD, "the minimum award (%s) is more "
		    "than the maximum (%s)", money_format(n->min, a, sizeof a),
		    money_format(n->max, b, sizeof b));
	return 0;
}

/* Create a fund from a request's fields; its code is in->code. */
int
fund_create(const char *actor, json_t *in, struct dom_err *e)
{
	struct fund_new	 n;
	json_t		*row;
	const char	*plan;
	int		 exists;

	if (fund_new_read(in, &n, e) == -1)
		return -1;
	/* Which monitoring returns the fund's grants owe (monitoring.c). */
	if ((plan = dom_str(in, "monitoring")) != NULL &&
	    strcmp(plan, "end") != 0 && strcmp(plan, "quarterly") != 0)
		return dom_fail(e, DOM_BAD, "--monitoring is end (one return at "
		    "the end of each project) or quarterly (a return every "
		    "quarter and one each year)");
	if (db_begin() == -1 || (row = db_query_row("SELECT id FROM funds "
	    "WHERE code = ? FOR UPDATE", "s", n.code)) == NULL)
		return dom_db_fail(e);
	exists = !json_is_null(row);
	json_decref(row);
	if (exists)
		return dom_fail(e, DOM_CONFLICT, "fund %s already exists",
		    n.code);
	if (db_exec("INSERT INTO funds (code, name, budget, max_award, "
	    "min_award) VALUES (?, ?, ?, IF(?, ?, NULL), IF(?, ?, NULL))",
	    "ssididi", n.code, n.name, n.budget, n.has_max, n.max, n.has_min,
	    n.min) != 1 || (plan != NULL && db_exec("UPDATE funds SET "
	    "monitoring_plan = ? WHERE code = ?", "ss", plan, n.code) == -1) ||
	    audit_append(actor, "fund.create", n.code, json_pack(
	    "{s:s,s:I,s:o,s:o}", "name", n.name, "budget",
	    (json_int_t)n.budget, "max_award", n.has_max ?
	    json_integer(n.max) : json_null(), "min_award", n.has_min ?
	    json_integer(n.min) : json_null())) == -1 || db_commit() == -1)
		return dom_db_fail(e);
	return 0;
}

json_t *
fund_list(struct dom_err *e)
{
	json_t	*rows;

	if ((rows = db_query(FUND_SELECT "GROUP BY f.id ORDER BY f.code",
	    "")) == NULL)
		dom_db_fail(e);
	return rows;
}

/* A fund with its rounds and the transfers in and out of it. */
json_t *
fund_show(const char *code, struct dom_err *e)
{
	json_t	*fund, *rounds, *transfers, *targets;

	if ((fund = db_query_row(FUND_SELECT "WHERE f.code = ? GROUP BY f.id",
	    "s", code)) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_is_null(fund)) {
		json_decref(fund);
		dom_fail(e, DOM_NOT_FOUND, "no fund %s (grantctl fund list "
		    "shows them)", code);
		return NULL;
	}
	rounds = db_query("SELECT r.code, r.title, r.state, r.budget, "
	    "r.committed, r.paid, r.opens_at, r.closes_at FROM rounds r "
	    "JOIN funds f ON f.id = r.fund_id WHERE f.code = ? ORDER BY r.id",
	    "s", code);
	transfers = db_query(TRANSFER_SELECT "WHERE from_code = ? OR "
	    "to_code = ? OR from_code LIKE CONCAT(?, '-%') OR to_code LIKE "
	    "CONCAT(?, '-%') ORDER BY id", "ssss", code, code, code, code);
	if (rounds == NULL || transfers == NULL) {
		json_decref(fund);
		json_decref(rounds);
		json_decref(transfers);
		dom_db_fail(e);
		return NULL;
	}
	json_object_set_new(fund, "round_list", rounds);
	json_object_set_new(fund, "transfers", transfers);
	if ((targets = fund_targets(code)) != NULL)
		json_object_set_new(fund, "targets", targets);
	return fund;
}

/* ---- budget transfers ---- */

/* A fund or a round, locked for the transfer. */
struct budget_pot {
	const char	*code;
	int		 is_round;
	long long	 fund_id;
	long long	 round_id;
	int64_t		 available;	/* what may leave it */
};

static int
budget_lock(const char *code, struct budget_pot *p, struct dom_err *e)
{
	json_t	*row;

	memset(p, 0, sizeof *p);
	p->code = code;
	row = db_query_row("SELECT f.id AS fund_id, f.budget - COALESCE((SELECT "
	    "SUM(budget) FROM rounds WHERE fund_id = f.id), 0) - "
	    FUND_OUTSIDE_ROUNDS " AS available FROM funds f WHERE f.code = ? "
	    "FOR UPDATE", "s", code);
	if (row != NULL && json_is_null(row)) {
		json_decref(row);
		p->is_round = 1;
		row = db_query_row("SELECT r.fund_id, r.id AS round_id, "
		    "r.budget - r.committed AS available FROM rounds r WHERE "
		    "r.code = ? FOR UPDATE", "s", code);
	}
	if (row == NULL)
		return dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		return dom_fail(e, DOM_NOT_FOUND, "no fund or round called %s",
		    code);
	}
	p->fund_id = json_integer_value(json_object_get(row, "fund_id"));
	p->round_id = json_integer_value(json_object_get(row, "round_id"));
	p->available = json_integer_value(json_object_get(row, "available"));
	json_decref(row);
	return 0;
}

/*
 * Money in a round is also counted in its fund's budget, so moving it out
 * of a round lowers both and moving it in raises both; funds alone move
 * only their unallocated part.
 */
static int
budget_move(const struct budget_pot *p, int64_t delta)
{
	if (db_exec("UPDATE funds SET budget = budget + ? WHERE id = ?", "ii",
	    delta, (int64_t)p->fund_id) != 1)
		return -1;
	if (p->is_round && db_exec("UPDATE rounds SET budget = budget + ? "
	    "WHERE id = ?", "ii", delta, (int64_t)p->round_id) != 1)
		return -1;
	return 0;
}

static int
budget_check(const char *from, const char *to, const char *reason,
    int64_t amount, struct dom_err *e)
{
	if (from == NULL || to == NULL)
		return dom_fail(e, DOM_BAD, "a transfer needs --from and --to");
	if (strcmp(from, to) == 0)
		return dom_fail(e, DOM_BAD, "cannot transfer from %s to itself",
		    from);
	if (reason == NULL || *reason == '\0')
		return dom_fail(e, DOM_BAD, "a transfer needs a reason, for the "
		    "record");
	if (amount == 0)
		return dom_fail(e, DOM_BAD, "the amount must be more than "
		    "£0.00");
	return 0;
}

/*
 * Move amount from one fund or round to another, with a reason. Returns
 * the transfer's id, or -1.
 */
long long
budget_transfer(const char *actor, const char *from, const char *to,
    int64_t amount, const char *reason, struct dom_err *e)
{
	struct budget_pot	 src, dst;
	long long		 id;
	char			 a[MONEY_BUFLEN], b[MONEY_BUFLEN];

	if (budget_check(from, to, reason, amount, e) == -1)
		return -1;
	if (db_begin() == -1)
		return dom_db_fail(e);
	if (budget_lock(from, &src, e) == -1 || budget_lock(to, &dst, e) == -1)
		return -1;
	if (amount > src.available)
		return dom_fail(e, DOM_CONFLICT, "cannot move %s from %s: only "
		    "%s is %s", money_format(amount, a, sizeof a), from,
		    money_format(src.available, b, sizeof b), src.is_round ?
		    "uncommitted in that round" : "unallocated in that fund");
	if (budget_move(&src, -amount) == -1 || budget_move(&dst, amount) == -1 ||
	    db_exec("INSERT INTO budget_transfers (from_code, to_code, amount, "
	    "reason, actor) VALUES (?, ?, ?, ?, ?)", "ssiss", from, to, amount,
	    reason, actor) != 1)
		return dom_db_fail(e);
	id = db_insert_id();
	if (audit_append(actor, "budget.transfer", from, json_pack(
	    "{s:s,s:s,s:I,s:s}", "from", from, "to", to, "amount",
	    (json_int_t)amount, "reason", reason)) == -1 || db_commit() == -1)
		return dom_db_fail(e);
	return id;
}

/* One transfer (id > 0) as an object, or all of them as a list. */
json_t *
budget_transfers(long long id, struct dom_err *e)
{
	json_t	*rows;

	rows = id > 0 ? db_query_row(TRANSFER_SELECT "WHERE id = ?", "i",
	    (int64_t)id) : db_query(TRANSFER_SELECT "ORDER BY id", "");
	if (rows == NULL)
		dom_db_fail(e);
	return rows;
}

/* ---- programme targets ---- */

/* What a fund's programme is measured by, as report.c counts it. */
static const char *const fund_measures[] = { "grants", "people",
    "volunteers", NULL };

/*
 * Set a fund's targets from {"grants": N, "people": N, ...} (whole numbers,
 * as strings or numbers); the measures not given stay as they were.
 */
int
fund_target(const char *actor, const char *code, json_t *in,
    struct dom_err *e)
{
	json_t		*row, *v, *done;
	long long	 fund_id, n;
	const char	*s;
	char		*end;
	int		 i;

	done = json_object();
	for (i = 0; fund_measures[i] != NULL; i++) {
		if ((v = json_object_get(in, fund_measures[i])) == NULL ||
		    json_is_null(v))
			continue;
		if (json_is_integer(v))
			n = json_integer_value(v);
		else if ((s = json_string_value(v)) != NULL && *s != '\0' &&
		    (n = strtoll(s, &end, 10), *end == '\0'))
			;
		else
			n = -1;
		if (n < 0 || n > 1000000000) {
			json_decref(done);
			return dom_fail(e, DOM_BAD, "the %s target must be a "
			    "whole number from 0 to 1000000000",
			    fund_measures[i]);
		}
		json_object_set_new(done, fund_measures[i], json_integer(n));
	}
	if (json_object_size(done) == 0) {
		json_decref(done);
		return dom_fail(e, DOM_BAD, "give at least one target: "
		    "--grants, --people or --volunteers");
	}
	if (db_begin() == -1 || (row = db_query_row("SELECT id FROM funds "
	    "WHERE code = ? FOR UPDATE", "s", code)) == NULL) {
		json_decref(done);
		return dom_db_fail(e);
	}
	if (json_is_null(row)) {
		json_decref(row);
		json_decref(done);
		return dom_fail(e, DOM_NOT_FOUND, "no fund %s (grantctl fund "
		    "list shows them)", code);
	}
	fund_id = json_integer_value(json_object_get(row, "id"));
	json_decref(row);
	for (i = 0; fund_measures[i] != NULL; i++) {
		if ((v = json_object_get(done, fund_measures[i])) == NULL)
			continue;
		if (db_exec("INSERT INTO fund_targets (fund_id, measure, "
		    "target) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE target = "
		    "VALUES(target)", "isi", (int64_t)fund_id, fund_measures[i],
		    (int64_t)json_integer_value(v)) == -1) {
			json_decref(done);
			return dom_db_fail(e);
		}
	}
	if (audit_append(actor, "fund.target", code, done) == -1 ||
	    db_commit() == -1)
		return dom_db_fail(e);
	return 0;
}

/* A fund's targets, {"grants": N, ...}; NULL on a database error. */
json_t *
fund_targets(const char *code)
{
	json_t	*rows, *row, *r;
	size_t	 i;

	if ((rows = db_query("SELECT t.measure, t.target FROM fund_targets t "
	    "JOIN funds f ON f.id = t.fund_id WHERE f.code = ? ORDER BY "
	    "t.measure", "s", code)) == NULL)
		return NULL;
	r = json_object();
	json_array_foreach(rows, i, row)
		json_object_set(r, json_string_value(json_object_get(row,
		    "measure")), json_object_get(row, "target"));
	json_decref(rows);
	return r;
}
