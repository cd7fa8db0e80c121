/* budget.c: the API of budget transfers between funds and rounds. */
#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

static void
api_budget_transfer(struct api_req *r)
{
	struct dom_err	 e;
	int64_t		 amount;
	long long	 id;
	json_t		*row;

	if (api_money(r, "amount", 1, &amount) == -1)
		return;
	if ((id = budget_transfer(r->user_name, api_str(r, "from"),
	    api_str(r, "to"), amount, api_text(r, "reason", CHECK_TEXT_MAX),
	    &e)) == -1) {
		api_fail(r, &e);
		return;
	}
	/* Done: a failed read-back must not look like a failed transfer. */
	if ((row = budget_transfers(id, &e)) == NULL || json_is_null(row)) {
		json_decref(row);
		row = json_pack("{s:I}", "id", (json_int_t)id);
	}
	api_reply(r, 201, row);
}

static void
api_budget_list(struct api_req *r)
{
	struct dom_err	e;

	api_list(r, "transfers", budget_transfers(0, &e), &e);
}

const struct api_route api_budget_routes[] = {
	{ "GET", "/v1/budget/transfers", ROLE_ANY, api_budget_list },
	{ "POST", "/v1/budget/transfers", ROLE_OFFICER | ROLE_FINANCE,
	    api_budget_transfer },
	{ NULL, NULL, 0, NULL }
};
