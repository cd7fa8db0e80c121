/*
 * api-budget.c: moving unallocated money between funds and rounds, with a
 * reason, as when Fast Grants money was repurposed into a Covid recovery
 * fund. A transfer never overdraws its source.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

/* A fund or a round, locked for the transfer. */
struct budget_pot {
	const char	*code;
	int		 is_round;
	long long	 fund_id;
	long long	 round_id;
	int64_t		 available;	/* what may leave it */
};

static int
budget_lock(struct api_req *r, const char *code, struct budget_pot *p)
{
	json_t	*row;

	memset(p, 0, sizeof *p);
	p->code = code;
	row = db_query_row("SELECT f.id AS fund_id, f.budget - COALESCE((SELECT "
	    "SUM(budget) FROM rounds WHERE fund_id = f.id), 0) AS available "
	    "FROM funds f WHERE f.code = ? FOR UPDATE", "s", code);
	if (row != NULL && json_is_null(row)) {
		p->is_round = 1;
		row = db_query_row("SELECT r.fund_id, r.id AS round_id, "
		    "r.budget - r.committed AS available FROM rounds r WHERE "
		    "r.code = ? FOR UPDATE", "s", code);
	}
	if (row == NULL) {
		api_db_error(r);
		return -1;
	}
	if (json_is_null(row)) {
		db_rollback();
		api_error(r, 404, "no fund or round called %s", code);
		return -1;
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

static void
api_budget_transfer(struct api_req *r)
{
	const char		*from = api_str(r, "from"), *to = api_str(r, "to");
	const char		*reason = api_text(r, "reason", CHECK_TEXT_MAX);
	struct budget_pot	 src, dst;
	int64_t			 amount;
	long long		 id;
	json_t			*row;
	char			 a[MONEY_BUFLEN], b[MONEY_BUFLEN];

	if (from == NULL || to == NULL) {
		api_error(r, 400, "a transfer needs --from and --to");
		return;
	}
	if (strcmp(from, to) == 0) {
		api_error(r, 400, "cannot transfer from %s to itself", from);
		return;
	}
	if (reason == NULL || *reason == '\0') {
		api_error(r, 400, "a transfer needs a reason, for the record");
		return;
	}
	if (api_money(r, "amount", 1, &amount) == -1)
		return;
	if (amount == 0) {
		api_error(r, 400, "the amount must be more than £0.00");
		return;
	}
	if (db_begin() == -1) {
		api_db_error(r);
		return;
	}
	if (budget_lock(r, from, &src) == -1 || budget_lock(r, to, &dst) == -1)
		return;
	if (amount > src.available) {
		db_rollback();
		api_error(r, 409, "cannot move %s from %s: only %s is %s",
		    money_format(amount, a, sizeof a), from,
		    money_format(src.available, b, sizeof b),
		    src.is_round ? "uncommitted in that round" :
		    "unallocated in that fund");
		return;
	}
	if (budget_move(&src, -amount) == -1 || budget_move(&dst, amount) == -1 ||
	    db_exec("INSERT INTO budget_transfers (from_code, to_code, amount, "
	    "reason, actor) VALUES (?, ?, ?, ?, ?)", "ssiss", from, to, amount,
	    reason, r->user_name) != 1)
		goto dberr;
	id = db_insert_id();
	if (audit_append(r->user_name, "budget.transfer", from, json_pack(
	    "{s:s,s:s,s:I,s:s}", "from", from, "to", to, "amount",
	    (json_int_t)amount, "reason", reason)) == -1 ||
	    db_commit() == -1)
		goto dberr;
	/* Done: a failed read-back must not look like a failed transfer. */
	if ((row = db_query_row("SELECT id, from_code, to_code, amount, reason, "
	    "actor, created_at FROM budget_transfers WHERE id = ?", "i",
	    (int64_t)id)) == NULL || json_is_null(row)) {
		json_decref(row);
		row = json_pack("{s:I,s:s,s:s,s:I,s:s}", "id", (json_int_t)id,
		    "from_code", from, "to_code", to, "amount",
		    (json_int_t)amount, "reason", reason);
	}
	api_reply(r, 201, row);
	return;
dberr:
	api_db_error(r);
}

static void
api_budget_list(struct api_req *r)
{
	json_t	*rows;

	if ((rows = db_query("SELECT id, from_code, to_code, amount, reason, "
	    "actor, created_at FROM budget_transfers ORDER BY id", "")) == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "transfers", rows));
}

const struct api_route api_budget_routes[] = {
	{ "GET", "/v1/budget/transfers", ROLE_ANY, api_budget_list },
	{ "POST", "/v1/budget/transfers", ROLE_OFFICER | ROLE_FINANCE,
	    api_budget_transfer },
	{ NULL, NULL, 0, NULL }
};
