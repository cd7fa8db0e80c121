/* cmd-template.c: grantctl template list|preview */
#include <stdio.h>
#include <stdlib.h>

#include "grantctl.h"

int
cmd_template_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;

	if ((r = client_call("GET", "/v1/templates", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(3, "NAME", "SUBJECT", "FILE");
	json_array_foreach(json_object_get(r, "templates"), i, x)
		table_add(t, out_str(x, "name"), out_str(x, "subject"),
		    out_str(x, "path"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_template_preview(struct args *a)
{
	json_t	*r, *body = json_object();

	if (args_has(a, "app"))
		json_object_set_new(body, "app", json_string(args_get(a, "app")));
	r = client_call_on("POST", "/v1/templates/", a->argv[0], "/preview", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Subject: %s\n\n%s", out_str(r, "subject"), out_text(r, "body"));
	json_decref(r);
	return CMD_OK;
}
