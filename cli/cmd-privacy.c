/* cmd-privacy.c: grantctl privacy export|erase|retention */
#include <stdio.h>
#include <stdlib.h>

#include "grantctl.h"

int
cmd_privacy_export(struct args *a)
{
	json_t	*r;
	char	*text;
	int	 rc;

	if (!args_has(a, "email"))
		return cmd_usage_error("privacy export needs --email ADDRESS");
	if ((r = client_get_query("/v1/privacy/export", a, "email",
	    NULL)) == NULL)
		return CMD_FAILED;
	/* JSON always: it is what the person is given. */
	text = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	rc = cmd_write_out(args_get(a, "out"), text);
	if (args_get(a, "out") == NULL)
		putchar('\n');
	free(text);
	json_decref(r);
	return rc;
}

int
cmd_privacy_erase(struct args *a)
{
	json_t	*body, *r, *x;
	size_t	 i;

	if (!args_has(a, "email"))
		return cmd_usage_error("privacy erase needs --email ADDRESS");
	body = json_pack("{s:s}", "email", args_get(a, "email"));
	r = client_call("POST", "/v1/privacy/erase", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	if (json_array_size(json_object_get(r, "erased")) == 0)
		printf("No application has that address; any grant or letter "
		    "that had it no longer does.\n");
	else {
		printf("Personal data erased from:");
		json_array_foreach(json_object_get(r, "erased"), i, x)
			printf(" %s", out_escape(json_string_value(x), 0));
		printf(".\n");
	}
	json_decref(r);
	return CMD_OK;
}

int
cmd_privacy_retention(struct args *a)
{
	json_t	*r, *x;
	size_t	 i;

	if ((r = client_call("POST", "/v1/privacy/retention", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	if (json_integer_value(json_object_get(r, "days")) <= 0)
		printf("Retention is off (retention_days = 0).\n");
	else if (json_array_size(json_object_get(r, "erased")) == 0)
		printf("Nothing is past its %lld days.\n", (long long)
		    json_integer_value(json_object_get(r, "days")));
	else {
		printf("Personal data removed from:");
		json_array_foreach(json_object_get(r, "erased"), i, x)
			printf(" %s", out_escape(json_string_value(x), 0));
		printf(".\n");
	}
	json_decref(r);
	return CMD_OK;
}
