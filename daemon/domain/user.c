/*
 * user.c: grantd users, each a Unix uid with roles. Access is revoked by
 * disabling a user or changing their roles, never by editing SQL, and the
 * last active admin can be neither disabled nor stripped of admin.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"

#define USER_SELECT \
	"SELECT name, uid, roles, email, notify, active, created_at FROM users "

static const char *role_names[] = { "admin", "officer", "assessor", "finance" };

int
roles_parse(const char *s, int *roles, char *err, size_t errlen)
{
	char	*copy, *p, *tok;
	size_t	 i;
	int	 found;

	*roles = 0;
	copy = p = xstrdup(s);
	while ((tok = strsep(&p, ",")) != NULL) {
		found = 0;
		for (i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
			if (strcmp(tok, role_names[i]) == 0) {
				*roles |= 1 << i;
				found = 1;
			}
		if (!found) {
			errfmt(err, errlen, "unknown role '%s' (roles are "
			    "admin, officer, assessor, finance)", tok);
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}

char *
roles_format(int roles)
{
	char	buf[64] = "";
	size_t	i;

	for (i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
		if (roles & (1 << i)) {
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
			    "%s%s", *buf != '\0' ? "," : "", role_names[i]);
		}
	return xstrdup(buf);
}

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
user_from_row(json_t *row, struct user *u)
{
	char	err[GRANT_ERRLEN];

	memset(u, 0, sizeof *u);
	u->id = json_integer_value(json_object_get(row, "id"));
	u->uid = (long long)json_integer_value(json_object_get(row, "uid"));
	snprintf(u->name, sizeof u->name, "%s",
	    json_string_value(json_object_get(row, "name")));
	if (roles_parse(json_string_value(json_object_get(row, "roles")),
	    &u->roles, err, sizeof err) == -1)
		u->roles = 0;		/* an unknown role grants nothing */
	u->active = json_integer_value(json_object_get(row, "active")) != 0;
}

/*
 * The user called name (locked, for a change) or, with name NULL, the
 * active user a Unix uid belongs to. 0, or -1 with e filled.
 */
static int
user_find(const char *name, long long uid, struct user *u, struct dom_err *e)
{
	json_t	*row;

	row = name != NULL ? db_query_row("SELECT id, name, uid, roles, active "
	    "FROM users WHERE name = ? FOR UPDATE", "s", name) :
	    db_query_row("SELECT id, name, uid, roles, active FROM users WHERE "
	    "uid = ? AND active = 1", "i", (int64_t)uid);
	if (row == NULL)
		return dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		return name != NULL ? dom_fail(e, DOM_NOT_FOUND, "no user %s "
		    "(grantctl user list shows them)", name) :
		    dom_fail(e, DOM_NOT_FOUND, "uid %lld is not a grantd user",
		    uid);
	}
	user_from_row(row, u);
	json_decref(row);
	return 0;
}

int
user_by_uid(long long uid, struct user *u, struct dom_err *e)
{
	return user_find(NULL, uid, u, e);
}

static int
user_new_read(json_t *in, struct user_new *n, struct dom_err *e)
{
	json_t		*uidv = json_object_get(in, "uid");
	const char	*rolestr = dom_str(in, "roles");
	char		 err[GRANT_ERRLEN];

	n->name = dom_str(in, "name");
	n->email = dom_str(in, "email");
	if (!user_name_valid(n->name))
		return dom_fail(e, DOM_BAD, "a user name is 1 to 64 letters, "
		    "digits, '.', '_' or '-'");
	n->uid = -1;
	if (uidv != NULL && !json_is_null(uidv) && (!json_is_integer(uidv) ||
	    (n->uid = json_integer_value(uidv)) < 0 || n->uid > 4294967294LL))
		return dom_fail(e, DOM_BAD, "--uid must be a Unix user id (a "
		    "number)");
	if (rolestr == NULL)
		return dom_fail(e, DOM_BAD, "a user needs at least one role");
	if (roles_parse(rolestr, &n->roles, err, sizeof err) == -1)
		return dom_fail(e, DOM_BAD, "%s", err);
	if (n->email != NULL && !check_address(n->email))
		return dom_fail(e, DOM_BAD, "'%s' is not an email address",
		    n->email);
	/*
	 * A panel member is often a volunteer with no account here: they
	 * score by email, so an assessor needs no uid, only an address.
	 * Anyone else works through grantctl, which needs the uid.
	 */
	if (n->uid == -1 && (n->roles != ROLE_ASSESSOR || n->email == NULL))
		return dom_fail(e, DOM_BAD, "--uid is needed, except for an "
		    "assessor with --email (who scores by email)");
	return 0;
}

/* Add a user from a request's fields: name, uid, roles, email. */
int
user_add(const char *actor, json_t *in, struct dom_err *e)
{
	struct user_new	 n;
	json_t		*row;
	char		*canon;
	int		 rc;

	if (user_new_read(in, &n, e) == -1)
		return -1;
	if (db_begin() == -1 || (row = db_query_row("SELECT name, uid FROM "
	    "users WHERE name = ? OR uid = ? FOR UPDATE", "si", n.name,
	    (int64_t)n.uid)) == NULL)
		return dom_db_fail(e);
	if (!json_is_null(row)) {
		rc = dom_fail(e, DOM_CONFLICT, "user %s already has %s",
		    json_string_value(json_object_get(row, "name")),
		    strcmp(json_string_value(json_object_get(row, "name")),
		    n.name) == 0 ? "that name" : "that uid");
		json_decref(row);
		return rc;
	}
	json_decref(row);
	canon = roles_format(n.roles);
	rc = db_exec("INSERT INTO users (name, uid, roles, email) VALUES "
	    "(?, NULLIF(?, -1), ?, ?)", "siss", n.name, (int64_t)n.uid, canon,
	    n.email) != 1 ||
	    audit_append(actor, "user.create", n.name, json_pack("{s:o,s:s}",
	    "uid", n.uid == -1 ? json_null() : json_integer(n.uid), "roles",
	    canon)) == -1 ||
	    db_commit() == -1 ? dom_db_fail(e) : 0;
	free(canon);
	return rc;
}

/* One user by name (as an object), or all of them (name NULL). */
json_t *
user_show(const char *name, struct dom_err *e)
{
	json_t	*rows;

	rows = name != NULL ? db_query_row(USER_SELECT "WHERE name = ?", "s",
	    name) : db_query(USER_SELECT "ORDER BY name", "");
	if (rows == NULL)
		dom_db_fail(e);
	else if (json_is_null(rows)) {
		json_decref(rows);
		rows = NULL;
		dom_fail(e, DOM_NOT_FOUND, "no user %s", name);
	}
	return rows;
}

/* How a user hears about work: daily digest, at once, or not at all. */
int
user_notify(const char *actor, const char *name, const char *how,
    struct dom_err *e)
{
	struct user	u;

	if (how == NULL || (strcmp(how, "daily") != 0 &&
	    strcmp(how, "immediate") != 0 && strcmp(how, "off") != 0))
		return dom_fail(e, DOM_BAD, "--digest must be daily, immediate "
		    "or off");
	if (db_begin() == -1)
		return dom_db_fail(e);
	if (user_find(name, 0, &u, e) == -1)
		return -1;
	if (db_exec("UPDATE users SET notify = ? WHERE id = ?", "si", how,
	    (int64_t)u.id) == -1 || audit_append(actor, "user.notify", name,
	    json_pack("{s:s}", "digest", how)) == -1 || db_commit() == -1)
		return dom_db_fail(e);
	return 0;
}

/*
 * Would this change leave nobody able to administer grantd? Counted
 * inside the transaction, with the admins locked, so two admins removing
 * each other at once cannot both succeed.
 */
static int
user_last_admin(const struct user *u, int active, int roles,
    struct dom_err *e)
{
	json_t	*rows, *v;
	size_t	 i;
	int	 others = 0, r;
	char	 err[GRANT_ERRLEN];

	if (!(u->roles & ROLE_ADMIN) || !u->active ||
	    (active && (roles & ROLE_ADMIN)))
		return 0;
	if ((rows = db_query("SELECT id, roles FROM users WHERE active = 1 "
	    "AND id <> ? FOR UPDATE", "i", (int64_t)u->id)) == NULL)
		return dom_db_fail(e);
	json_array_foreach(rows, i, v)
		if (roles_parse(json_string_value(json_object_get(v, "roles")),
		    &r, err, sizeof err) == 0 && (r & ROLE_ADMIN))
			others++;
	json_decref(rows);
	if (others == 0)
		return dom_fail(e, DOM_CONFLICT, "%s is the last admin; add "
		    "another admin first", u->name);
	return 0;
}

/*
 * Change a user's access: active (1 enable, 0 disable, -1 leave) and
 * roles (NULL to leave). Audited, with what it was and what it became.
 */
int
user_set_access(const char *actor, const char *name, int active,
    const char *rolestr, struct dom_err *e)
{
	struct user	 u;
	char		 err[GRANT_ERRLEN], *before, *after;
	int		 roles, rc;

	if (db_begin() == -1)
		return dom_db_fail(e);
	if (user_find(name, 0, &u, e) == -1)
		return -1;
	roles = u.roles;
	if (rolestr != NULL && roles_parse(rolestr, &roles, err, sizeof err)
	    == -1)
		return dom_fail(e, DOM_BAD, "%s", err);
	if (roles == 0)
		return dom_fail(e, DOM_BAD, "a user needs at least one role");
	if (active == -1)
		active = u.active;
	if (user_last_admin(&u, active, roles, e) == -1)
		return -1;
	before = roles_format(u.roles);
	after = roles_format(roles);
	rc = db_exec("UPDATE users SET active = ?, roles = ? WHERE id = ?",
	    "dsi", active, after, (int64_t)u.id) == -1 ||
	    audit_append(actor, "user.access", name, json_pack(
	    "{s:b,s:b,s:s,s:s}", "was_active", u.active, "active", active,
	    "roles_were", before, "roles", after)) == -1 || db_commit() == -1 ?
	    dom_db_fail(e) : 0;
	free(before);
	free(after);
	return rc;
}
