/* users.c: the API of grantd users, each a Unix uid with roles. */
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

static void
api_user_answer(struct api_req *r, int status, const char *name)
{
	struct dom_err	 e;
	json_t		*user;

	if ((user = user_show(name, &e)) == NULL)
		user = json_pack("{s:s}", "name", name);
	api_reply(r, status, user);
}

static void
api_user_add(struct api_req *r)
{
	struct dom_err	e;

	if (user_add(r->user_name, r->body, &e) == -1)
		api_fail(r, &e);
	else
		api_user_answer(r, 201, api_str(r, "name"));
}

static void
api_user_list(struct api_req *r)
{
	struct dom_err	e;

	api_list(r, "users", user_show(NULL, &e), &e);
}

static void
api_user_notify(struct api_req *r)
{
	struct dom_err	e;

	if (!(r->roles & ROLE_ADMIN) && strcmp(r->parts[2], r->user_name) != 0) {
		api_error(r, 403, "only an admin may change another user's "
		    "notifications");
		return;
	}
	if (user_notify(r->user_name, r->parts[2], api_str(r, "digest"), &e)
	    == -1)
		api_fail(r, &e);
	else
		api_reply(r, 200, json_pack("{s:s,s:s}", "name", r->parts[2],
		    "notify", api_str(r, "digest")));
}

/* POST /v1/users/NAME/access {"active": true|false, "roles": "a,b"} */
static void
api_user_access(struct api_req *r)
{
	json_t		*active = json_object_get(r->body, "active");
	struct dom_err	 e;

	if (active != NULL && !json_is_boolean(active)) {
		api_error(r, 400, "active must be true or false");
		return;
	}
	if (user_set_access(r->user_name, r->parts[2], active == NULL ? -1 :
	    json_is_true(active), api_str(r, "roles"), &e) == -1)
		api_fail(r, &e);
	else
		api_user_answer(r, 200, r->parts[2]);
}

const struct api_route api_user_routes[] = {
	{ "POST", "/v1/users/*/notify", ROLE_ANY, api_user_notify },
	{ "POST", "/v1/users/*/access", ROLE_ADMIN, api_user_access },
	{ "GET", "/v1/users", ROLE_ANY, api_user_list },
	{ "POST", "/v1/users", ROLE_ADMIN, api_user_add },
	{ NULL, NULL, 0, NULL }
};
