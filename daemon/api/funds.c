/* api-funds.c: funds, the pots of money that rounds are carved from. */
#include <ctype.h>
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

#define FUND_SELECT \
	"SELECT f.code, f.name, f.budget, f.max_award, f.min_award, " \
	"f.currency, COALESCE(SUM(r.budget), 0) AS allocated, " \
	"f.budget - COALESCE(SUM(r.budget), 0) AS unallocated, " \
	"COALESCE(SUM(r.committed), 0) AS committed, " \
	"COALESCE(SUM(r.paid), 0) AS paid, COUNT(r.id) AS rounds, " \
	"f.created_at FROM funds f LEFT JOIN rounds r ON r.fund_id = f.id "

/* Fund codes are short and plain: "FG", "SAF", "CRF". */
#define fund_code_valid(c) check_code((c), 2, 10, 0)

static void
api_fund_create(struct api_req *r)
{
	const char	*code = api_str(r, "code"), *name = api_str(r, "name");
	int64_t		 budget, max = 0, min = 0;
	int		 hasmax, hasmin;
	json_t		*row;
	char		 a[MONEY_BUFLEN], b[MONEY_BUFLEN];

	if (!fund_code_valid(code)) {
		api_error(r, 400, "fund code must be 2 to 10 capital letters or "
		    "digits, starting with a letter (like FG or SAF)");
		return;
	}
	if (name == NULL || *name == '\0' || strlen(name) > 200) {
		api_error(r, 400, "a fund needs a name (up to 200 characters)");
		return;
	}
	if (api_money(r, "budget", 1, &budget) == -1 ||
	    (hasmax = api_money(r, "max_award", 0, &max)) == -1 ||
	    (hasmin = api_money(r, "min_award", 0, &min)) == -1)
		return;
	if (hasmax && max == 0) {
		api_error(r, 400, "max_award must be more than %s",
		    money_format(0, a, sizeof a));
		return;
	}
	if (hasmax && hasmin && min > max) {
		api_error(r, 400, "the minimum award (%s) is more than the "
		    "maximum (%s)", money_format(min, a, sizeof a),
		    money_format(max, b, sizeof b));
		return;
	}
	if (db_begin() == -1)
		goto dberr;
	if ((row = db_query_row("SELECT id FROM funds WHERE code = ? FOR UPDATE",
	    "s", code)) == NULL)
		goto dberr;
	if (!json_is_null(row)) {
		json_decref(row);
		db_rollback();
		api_error(r, 409, "fund %s already exists", code);
		return;
	}
	if (db_exec("INSERT INTO funds (code, name, budget, max_award, "
	    "min_award) VALUES (?, ?, ?, IF(?, ?, NULL), IF(?, ?, NULL))",
	    "ssididi", code, name, budget, hasmax, max, hasmin, min)
	    != 1 ||
	    audit_append(r->user_name, "fund.create", code, json_pack(
	    "{s:s,s:I,s:o,s:o}", "name", name, "budget", (json_int_t)budget,
	    "max_award", hasmax ? json_integer(max) : json_null(),
	    "min_award", hasmin ? json_integer(min) : json_null())) == -1 ||
	    db_commit() == -1)
		goto dberr;
	if ((row = db_query_row(FUND_SELECT "WHERE f.code = ? GROUP BY f.id",
	    "s", code)) == NULL || json_is_null(row)) {
		json_decref(row);
		row = json_pack("{s:s,s:s,s:I}", "code", code, "name", name,
		    "budget", (json_int_t)budget);
	}
	api_reply(r, 201, row);
	return;
dberr:
	api_db_error(r);
}

static void
api_fund_list(struct api_req *r)
{
	json_t	*rows;

	if ((rows = db_query(FUND_SELECT "GROUP BY f.id ORDER BY f.code",
	    "")) == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "funds", rows));
}

static void
api_fund_show(struct api_req *r)
{
	const char	*code = r->parts[2];
	json_t		*fund, *rounds, *transfers;

	if ((fund = db_query_row(FUND_SELECT "WHERE f.code = ? GROUP BY f.id",
	    "s", code)) == NULL) {
		api_db_error(r);
		return;
	}
	if (json_is_null(fund)) {
		api_error(r, 404, "no fund %s (grantctl fund list shows them)",
		    code);
		return;
	}
	rounds = db_query("SELECT r.code, r.title, r.state, r.budget, "
	    "r.committed, r.paid, r.opens_at, r.closes_at FROM rounds r "
	    "JOIN funds f ON f.id = r.fund_id WHERE f.code = ? ORDER BY r.id",
	    "s", code);
	transfers = db_query("SELECT id, from_code, to_code, amount, reason, "
	    "actor, created_at FROM budget_transfers WHERE from_code = ? OR "
	    "to_code = ? OR from_code LIKE CONCAT(?, '-%') OR to_code LIKE "
	    "CONCAT(?, '-%') ORDER BY id", "ssss", code, code, code, code);
	if (rounds == NULL || transfers == NULL) {
		json_decref(fund);
		json_decref(rounds);
		json_decref(transfers);
		api_db_error(r);
		return;
	}
	json_object_set_new(fund, "round_list", rounds);
	json_object_set_new(fund, "transfers", transfers);
	api_reply(r, 200, fund);
}

const struct api_route api_fund_routes[] = {
	{ "GET", "/v1/funds", ROLE_ANY, api_fund_list },
	{ "POST", "/v1/funds", ROLE_OFFICER, api_fund_create },
	{ "GET", "/v1/funds/*", ROLE_ANY, api_fund_show },
	{ NULL, NULL, 0, NULL }
};
