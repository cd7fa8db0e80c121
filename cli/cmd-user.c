/* cmd-user.c: grantctl user add|list|notify|disable|enable|role */
#include <stdio.h>
#include <stdlib.h>

#include "grantctl.h"

int
cmd_user_add(struct args *a)
{
	json_t		*body, *r;
	const char	*uid = args_get(a, "uid");
	char		*end;
	long long	 n;

	if (!args_has(a, "role"))
		return cmd_usage_error("user add needs --role");
	body = json_pack("{s:s,s:s}", "name", a->argv[0], "roles",
	    args_get(a, "role"));
	/* Without --uid: an assessor who scores by email (grantd checks). */
	if (uid != NULL) {
		n = strtoll(uid, &end, 10);
		if (*uid == '\0' || *end != '\0' || n < 0) {
			json_decref(body);
			return cmd_usage_error("--uid must be a number, not "
			    "'%s'", uid);
		}
		json_object_set_new(body, "uid", json_integer(n));
	}
	if (args_has(a, "email"))
		json_object_set_new(body, "email",
		    json_string(args_get(a, "email")));
	r = client_call("POST", "/v1/users", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	if (json_is_integer(json_object_get(r, "uid")))
		printf("Added user %s (uid %s) with roles %s.\n",
		    out_str(r, "name"), out_str(r, "uid"), out_str(r, "roles"));
	else
		printf("Added user %s (no uid: by email only) with roles %s.\n",
		    out_str(r, "name"), out_str(r, "roles"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_user_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;

	if ((r = client_call("GET", "/v1/users", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(6, "NAME", "UID", "ROLES", "ACTIVE", "NOTIFY", "EMAIL");
	json_array_foreach(json_object_get(r, "users"), i, x)
		table_add(t, out_str(x, "name"), out_str(x, "uid"),
		    out_str(x, "roles"), json_integer_value(json_object_get(x,
		    "active")) ? "yes" : "no", out_str(x, "notify"),
		    out_str(x, "email"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_user_notify(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "digest"))
		return cmd_usage_error("user notify needs --digest "
		    "daily|immediate|off");
	body = json_pack("{s:s}", "digest", args_get(a, "digest"));
	r = client_call_on("POST", "/v1/users/", a->argv[0], "/notify", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("%s will be told: %s.\n", out_str(r, "name"),
	    out_str(r, "notify"));
	json_decref(r);
	return CMD_OK;
}

/* One change of access; grantd refuses what would lock everyone out. */
static int
cmd_user_access(struct args *a, json_t *body)
{
	json_t	*r;

	r = client_call_on("POST", "/v1/users/", a->argv[0], "/access", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("%s is %s, with roles %s.\n", out_str(r, "name"),
	    json_integer_value(json_object_get(r, "active")) ? "enabled" :
	    "disabled", out_str(r, "roles"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_user_disable(struct args *a)
{
	return cmd_user_access(a, json_pack("{s:b}", "active", 0));
}

int
cmd_user_enable(struct args *a)
{
	return cmd_user_access(a, json_pack("{s:b}", "active", 1));
}

int
cmd_user_role(struct args *a)
{
	if (!args_has(a, "set"))
		return cmd_usage_error("user role needs --set ROLE[,ROLE]");
	return cmd_user_access(a, json_pack("{s:s}", "roles",
	    args_get(a, "set")));
}
