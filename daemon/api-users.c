/* api-users.c: grantd users, each a Unix uid with roles. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "grantd.h"

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
	if (email != NULL && (strchr(email, '@') == NULL ||
	    strpbrk(email, " \r\n<>") != NULL || strlen(email) > 254)) {
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

const struct api_route api_user_routes[] = {
	{ "GET", "/v1/users", ROLE_ANY, api_user_list },
	{ "POST", "/v1/users", ROLE_ADMIN, api_user_add },
	{ NULL, NULL, 0, NULL }
};
