/* applications.c: the API of applications, as officers see them. */
#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

static void
api_app_list(struct api_req *r)
{
	struct dom_err	e;

	api_list(r, "applications", app_list(api_query(r, "round"),
	    api_query(r, "state"), &e), &e);
}

/* With the panel's scores, as far as the caller may see them. */
static void
api_app_show(struct api_req *r)
{
	struct dom_err	 e;
	json_t		*app, *scores;

	if ((app = app_show(r->parts[2], &e)) == NULL) {
		api_fail(r, &e);
		return;
	}
	if ((scores = assess_view(r->parts[2], r->user_name, r->roles, &e))
	    == NULL && e.status != DOM_OK) {
		json_decref(app);
		api_fail(r, &e);
		return;
	}
	if (scores != NULL)
		json_object_set_new(app, "assessment", scores);
	api_reply(r, 200, app);
}

static void
api_app_withdraw(struct api_req *r)
{
	struct dom_err	e;

	if (app_withdraw(r->user_name, r->parts[2], api_text(r, "reason",
	    CHECK_TEXT_MAX), &e) == -1)
		api_fail(r, &e);
	else
		api_reply(r, 200, json_pack("{s:s,s:s}", "reference",
		    r->parts[2], "state", "withdrawn"));
}

/* POST /v1/applications/REF/decide {decision, amount, conditions, reason} */
static void
api_app_decide(struct api_req *r)
{
	struct dom_err	e;

	/* bounded to their columns, as the module stores them */
	api_text(r, "reason", CHECK_TEXT_MAX);
	api_text(r, "conditions", CHECK_TEXT_MAX);
	api_result(r, 200, decide_app(r->user_name, r->parts[2], r->body, &e),
	    &e);
}

/* POST /v1/applications/REF/eligibility {"verdict", "reason"} */
static void
api_app_eligibility(struct api_req *r)
{
	struct dom_err	e;
	char		state[16];

	if (elig_override(r->user_name, r->parts[2], api_str(r, "verdict"),
	    api_text(r, "reason", CHECK_TEXT_MAX), state, sizeof state,
	    &e) == -1)
		api_fail(r, &e);
	else
		api_reply(r, 200, json_pack("{s:s,s:s,s:s}", "reference",
		    r->parts[2], "state", state, "eligibility",
		    api_str(r, "verdict")));
}

const struct api_route api_app_routes[] = {
	{ "GET", "/v1/applications", ROLE_OFFICER | ROLE_ASSESSOR |
	    ROLE_FINANCE, api_app_list },
	{ "GET", "/v1/applications/*", ROLE_OFFICER | ROLE_ASSESSOR |
	    ROLE_FINANCE, api_app_show },
	{ "POST", "/v1/applications/*/withdraw", ROLE_OFFICER, api_app_withdraw },
	{ "POST", "/v1/applications/*/decide", ROLE_OFFICER, api_app_decide },
	{ "POST", "/v1/applications/*/eligibility", ROLE_OFFICER,
	    api_app_eligibility },
	{ NULL, NULL, 0, NULL }
};
