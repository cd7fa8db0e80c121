/*
 * grants.c: the API of grants, their tranches and organisations' bank
 * details. The rules are in grant.c, tranche.c and bank.c; each handler
 * reads the request, calls them, and answers.
 */
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

/* GET /v1/grants?state=STATE */
static void
api_grant_list(struct api_req *r)
{
	struct dom_err	e;

	api_list(r, "grants", grant_list(api_query(r, "state"), &e), &e);
}

/* POST /v1/grants {fund, organisation, email, amount, purpose, plan} */
static void
api_grant_create(struct api_req *r)
{
	struct dom_err	e;

	api_text(r, "purpose", CHECK_TEXT_MAX);
	api_result(r, 201, grant_create(r->user_name, r->body, &e), &e);
}

static void
api_grant_show(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, grant_show(r->parts[2], &e), &e);
}

/* POST /v1/grants/REF/accept {by: "name, role"} */
static void
api_grant_accept(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, grant_accept(r->user_name, r->parts[2],
	    api_text(r, "by", CHECK_NAME_MAX), &e), &e);
}

/* POST /v1/grants/REF/plan {plan} */
static void
api_grant_plan(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, grant_plan(r->user_name, r->parts[2],
	    api_text(r, "plan", CHECK_NAME_MAX), &e), &e);
}

/* POST /v1/grants/REF/vary {action, amount, reason} */
static void
api_grant_vary(struct api_req *r)
{
	struct dom_err	e;

	api_text(r, "reason", CHECK_VALUE_MAX);
	api_result(r, 200, grant_vary(r->user_name, r->parts[2], r->body, &e),
	    &e);
}

/* POST /v1/grant-check: what the timer does, now. */
static void
api_grant_check(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, grant_check(&e), &e);
}

/* GET /v1/tranches?grant=REF&due=1 */
static void
api_tranche_list(struct api_req *r)
{
	struct dom_err	 e;
	const char	*due = api_query(r, "due");

	api_result(r, 200, tranche_list(api_query(r, "grant"), due != NULL &&
	    strcmp(due, "0") != 0, &e), &e);
}

/* POST /v1/tranches/ID/waive {reason} */
static void
api_tranche_waive(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, tranche_waive(r->user_name, r->parts[2],
	    api_text(r, "reason", CHECK_VALUE_MAX), &e), &e);
}

static void
api_bank_show(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, bank_show(r->parts[2], &e), &e);
}

/* POST /v1/banks/ORG {account_name, sort_code, account_number} */
static void
api_bank_set(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, bank_set(r->user_name, r->parts[2], r->body, &e),
	    &e);
}

static void
api_bank_verify(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, bank_verify(r->user_name, r->parts[2], &e), &e);
}

/* GET /v1/finance-tasks[?all=1] */
static void
api_task_list(struct api_req *r)
{
	struct dom_err	e;
	json_t		*rows;

	if ((rows = bank_tasks(api_query(r, "all") != NULL, &e)) == NULL)
		api_fail(r, &e);
	else
		api_reply(r, 200, json_pack("{s:o}", "tasks", rows));
}

/* POST /v1/finance-tasks/ID/done {"note"} */
static void
api_task_done(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, bank_task_done(r->user_name, r->parts[2],
	    api_text(r, "note", CHECK_VALUE_MAX), &e), &e);
}

const struct api_route api_grant_routes[] = {
	{ "GET", "/v1/grants", ROLE_ANY, api_grant_list },
	{ "POST", "/v1/grants", ROLE_OFFICER, api_grant_create },
	{ "GET", "/v1/grants/*", ROLE_ANY, api_grant_show },
	{ "POST", "/v1/grants/*/accept", ROLE_OFFICER, api_grant_accept },
	{ "POST", "/v1/grants/*/plan", ROLE_OFFICER, api_grant_plan },
	{ "POST", "/v1/grants/*/vary", ROLE_OFFICER, api_grant_vary },
	{ "POST", "/v1/grant-check", ROLE_OFFICER | ROLE_FINANCE,
	    api_grant_check },
	{ "GET", "/v1/tranches", ROLE_OFFICER | ROLE_FINANCE, api_tranche_list },
	{ "POST", "/v1/tranches/*/waive", ROLE_OFFICER, api_tranche_waive },
	{ "GET", "/v1/banks/*", ROLE_FINANCE, api_bank_show },
	{ "POST", "/v1/banks/*", ROLE_FINANCE, api_bank_set },
	{ "POST", "/v1/banks/*/verify", ROLE_FINANCE, api_bank_verify },
	{ "GET", "/v1/finance-tasks", ROLE_FINANCE, api_task_list },
	{ "POST", "/v1/finance-tasks/*/done", ROLE_FINANCE, api_task_done },
	{ NULL, NULL, 0, NULL }
};
