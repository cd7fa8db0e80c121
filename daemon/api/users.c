/* api-users.c: grantd users, each a Unix uid with roles. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

static int
user_name_valid(const char *s)
{
	size_t	i;

	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._-", s[i]) == NULL)
			return 0;
	return 1;
}

static void
api_user_add(struct api_req *r)
{
	const char	*name = api_str(r, "name"), *rolestr = api_str(r, "roles");
	const char	*email = api_str(r, "email");
	json_t		*uidv = json_object_get(r->body, "uid"), *row;
	char		 err[GRANT_ERRLEN], *canon;
	int		 roles;
	json_int_t	 uid;

	if (!user_name_valid(name)) {
		api_error(r, 400, "a user name is 1 to 64 letters, digits, "
		    "'.', '_' or '-'");
		return;
	}
	if (!json_is_integer(uidv) || (uid = json_integer_value(uidv)) < 0 ||
	    uid > 4294967294LL) {
		api_error(r, 400, "--uid must be a Unix user id (a number)");
		return;
	}
	if (rolestr == NULL || roles_parse(rolestr, &roles, err, sizeof err)
	    == -1) {
		api_error(r, 400, "%s", rolestr == NULL ? "a user needs at "
		    "least one role" : err);
		return;
	}
	if (email != NULL && !check_address(email)) {
		api_error(r, 400, "'%s' is not an email address", email);
		return;
	}
	if (db_begin() == -1 || (row = db_query_row("SELECT name, uid FROM "
	    "users WHERE name = ? OR uid = ? FOR UPDATE", "si", name,
	    (int64_t)uid)) == NULL)
		goto dberr;
	if (!json_is_null(row)) {
		api_error(r, 409, "user %s already has %s",
		    json_string_value(json_object_get(row, "name")),
		    strcmp(json_string_value(json_object_get(row, "name")),
		    name) == 0 ? "that name" : "that uid");
		json_decref(row);
		db_rollback();
		return;
	}
	canon = roles_format(roles);
	if (db_exec("INSERT INTO users (name, uid, roles, email) VALUES "
	    "(?, ?, ?, ?)", "siss", name, (int64_t)uid, canon, email) != 1 ||
	    audit_append(r->user_name, "user.create", name, json_pack(
	    "{s:I,s:s}", "uid", uid, "roles", canon)) == -1 ||
	    db_commit() == -1) {
		free(canon);
		goto dberr;
	}
	free(canon);
	if ((row = db_query_row("SELECT name, uid, roles, email, notify, "
	    "created_at FROM users WHERE name = ?", "s", name)) == NULL)
		goto dberr;
	api_reply(r, 201, row);
	return;
dberr:
	api_db_error(r);
}

static void
api_user_list(struct api_req *r)
{
	json_t	*rows;

	if ((rows = db_query("SELECT name, uid, roles, email, notify, active, "
	    "created_at FROM users ORDER BY name", "")) == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "users", rows));
}

/* How a user hears about work: daily digest, at once, or not at all. */
static void
api_user_notify(struct api_req *r)
{
	const char	*name = r->parts[2], *how = api_str(r, "digest");
	long long	 rc;

	if (how == NULL || (strcmp(how, "daily") != 0 &&
	    strcmp(how, "immediate") != 0 && strcmp(how, "off") != 0)) {
		api_error(r, 400, "--digest must be daily, immediate or off");
		return;
	}
	if (!(r->roles & ROLE_ADMIN) && strcmp(name, r->user_name) != 0) {
		api_error(r, 403, "only an admin may change another user's "
		    "notifications");
		return;
	}
	if (db_begin() == -1 || (rc = db_exec("UPDATE users SET notify = ? "
	    "WHERE name = ?", "ss", how, name)) == -1)
		goto dberr;
	if (rc == 0) {
		json_t *row = db_query_row("SELECT id FROM users WHERE name = ?",
		    "s", name);
		int missing = row != NULL && json_is_null(row);
		json_decref(row);
		if (missing) {
			db_rollback();
			api_error(r, 404, "no user %s", name);
			return;
		}
	}
	if (audit_append(r->user_name, "user.notify", name,
	    json_pack("{s:s}", "digest", how)) == -1 || db_commit() == -1)
		goto dberr;
	api_reply(r, 200, json_pack("{s:s,s:s}", "name", name, "notify", how));
	return;
dberr:
	api_db_error(r);
}

const struct api_route api_user_routes[] = {
	{ "POST", "/v1/users/*/notify", ROLE_ANY, api_user_notify },
	{ "GET", "/v1/users", ROLE_ANY, api_user_list },
	{ "POST", "/v1/users", ROLE_ADMIN, api_user_add },
	{ NULL, NULL, 0, NULL }
};
