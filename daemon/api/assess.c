/* assess.c: the API of assessment: conflicts, assignment, queues, scores. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

/* POST /v1/assess/conflicts {reference, user, reason} */
static void
api_assess_conflict(struct api_req *r)
{
	struct dom_err	 e;
	const char	*user = api_str(r, "user");

	if (assess_conflict(r->user_name, r->roles, api_str(r, "reference"),
	    user, api_text(r, "reason", CHECK_TEXT_MAX), &e) == -1)
		api_fail(r, &e);
	else
		api_reply(r, 201, json_pack("{s:s,s:s}", "reference",
		    api_str(r, "reference"), "user", user != NULL &&
		    *user != '\0' ? user : r->user_name));
}

/* POST /v1/assess/assign {round, per_app} */
static void
api_assess_assign(struct api_req *r)
{
	struct dom_err	 e;
	json_t		*n = json_object_get(r->body, "per_app");

	if (!json_is_integer(n)) {
		api_error(r, 400, "--per-app must be a number");
		return;
	}
	api_result(r, 200, assess_assign(r->user_name, api_str(r, "round"),
	    (int)json_integer_value(n), &e), &e);
}

/* GET /v1/assess?mine=1&round=R */
static void
api_assess_list(struct api_req *r)
{
	struct dom_err	 e;
	const char	*mine = api_query(r, "mine");

	api_list(r, "assignments", assess_list(r->user_id, r->roles,
	    mine != NULL && strcmp(mine, "0") != 0, api_query(r, "round"), &e),
	    &e);
}

/* POST /v1/assess/scores {reference, scores: ["need=3"], comment} */
static void
api_assess_score(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, assess_score(r->user_name, r->user_id,
	    api_str(r, "reference"), json_object_get(r->body, "scores"),
	    api_text(r, "comment", CHECK_TEXT_MAX), &e), &e);
}

/* POST /v1/assess/import {csv} */
static void
api_assess_import(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, assess_import(r->user_name, api_str(r, "csv"), &e),
	    &e);
}

const struct api_route api_assess_routes[] = {
	{ "POST", "/v1/assess/conflicts", ROLE_OFFICER | ROLE_ASSESSOR,
	    api_assess_conflict },
	{ "POST", "/v1/assess/assign", ROLE_OFFICER, api_assess_assign },
	{ "GET", "/v1/assess", ROLE_OFFICER | ROLE_ASSESSOR, api_assess_list },
	{ "POST", "/v1/assess/scores", ROLE_OFFICER | ROLE_ASSESSOR,
	    api_assess_score },
	{ "POST", "/v1/assess/import", ROLE_OFFICER, api_assess_import },
	{ NULL, NULL, 0, NULL }
};
