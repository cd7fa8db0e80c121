/* funds.c: the API of funds, the pots of money rounds are carved from. */
#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

static void
api_fund_create(struct api_req *r)
{
	struct dom_err	 e;
	json_t		*fund;

	if (fund_create(r->user_name, r->body, &e) == -1) {
		api_fail(r, &e);
		return;
	}
	/* Done: a failed read-back must not look like a failed create. */
	if ((fund = fund_show(api_str(r, "code"), &e)) == NULL)
		fund = json_pack("{s:s}", "code", api_str(r, "code"));
	api_reply(r, 201, fund);
}

static void
api_fund_list(struct api_req *r)
{
	struct dom_err	e;

	api_list(r, "funds", fund_list(&e), &e);
}

static void
api_fund_show(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, fund_show(r->parts[2], &e), &e);
}

static void
api_fund_target(struct api_req *r)
{
	struct dom_err	e;

	if (fund_target(r->user_name, r->parts[2], r->body, &e) == -1)
		api_fail(r, &e);
	else
		api_reply(r, 200, json_pack("{s:s,s:o}", "code", r->parts[2],
		    "targets", fund_targets(r->parts[2])));
}

const struct api_route api_fund_routes[] = {
	{ "GET", "/v1/funds", ROLE_ANY, api_fund_list },
	{ "POST", "/v1/funds", ROLE_OFFICER, api_fund_create },
	{ "GET", "/v1/funds/*", ROLE_ANY, api_fund_show },
	{ "POST", "/v1/funds/*/targets", ROLE_OFFICER, api_fund_target },
	{ NULL, NULL, 0, NULL }
};
