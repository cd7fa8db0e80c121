/* cmd-app.c: grantctl app list|show|withdraw */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

int
cmd_app_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 m[MONEY_BUFLEN], d[64];

	r = client_get_query("/v1/applications", a, "round", "state", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(7, "REFERENCE", "STATE", "RECEIVED", "AMOUNT", "OFFICER",
	    "ORGANISATION", "PROJECT");
	json_array_foreach(json_object_get(r, "applications"), i, x)
		table_add(t, out_str(x, "reference"), out_str(x, "state"),
		    out_date(x, "received_at", d, sizeof d),
		    out_money(x, "amount_requested", m, sizeof m),
		    out_str(x, "officer"), out_str(x, "organisation"),
		    out_str(x, "project_title"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_app_show(struct args *a)
{
	json_t		*r, *x, *fields, *v;
	struct table	*t;
	const char	*key;
	size_t		 i;
	char		*text, *line, *save, m[MONEY_BUFLEN], d[64];
	int		 first;

	r = client_call_on("GET", "/v1/applications/", a->argv[0], NULL, NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	out_field("application", out_str(r, "reference"));
	out_field("state", out_str(r, "state"));
	out_field("round", out_str(r, "round"));
	out_field("from", out_str(r, "email"));
	out_field("officer", out_str(r, "officer"));
	out_field("received", out_date(r, "received_at", d, sizeof d));
	out_field("amount", out_money(r, "amount_requested", m, sizeof m));
	if (json_is_string(json_object_get(r, "reason")))
		out_field("reason", out_str(r, "reason"));
	printf("\nWhat the form says:\n");
	fields = json_object_get(r, "fields");
	json_object_foreach(fields, key, v) {
		text = json_is_string(v) ? xstrdup(json_string_value(v)) :
		    json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		line = xstrdup(out_escape(text, 1));
		free(text);
		text = line;
		/* Answers over several lines stay in their column. */
		printf("  %-16s ", out_escape(key, 0));
		for (line = strtok_r(text, "\n", &save), first = 1; line != NULL;
		    line = strtok_r(NULL, "\n", &save), first = 0)
			printf("%*s%s\n", first ? 0 : 19, "", line);
		if (*text == '\0')
			printf("\n");
		free(text);
	}
	if (json_array_size(json_object_get(r, "problems")) > 0) {
		printf("\nProblems:\n");
		json_array_foreach(json_object_get(r, "problems"), i, x)
			printf("  - %s\n", out_escape(json_string_value(x), 0));
	}
	if (json_array_size(json_object_get(r, "attachments")) > 0) {
		printf("\nAttachments:\n");
		t = table_new(4, "FILE", "TYPE", "BYTES", "NOTE");
		json_array_foreach(json_object_get(r, "attachments"), i, x)
			table_add(t, out_str(x, "filename"),
			    out_str(x, "content_type"), out_str(x, "size"),
			    json_integer_value(json_object_get(x, "refused")) ?
			    out_str(x, "refused_reason") : "kept");
		table_print(t);
	}
	printf("\nThread:\n");
	t = table_new(6, "WHEN", "DIR", "KIND", "WHO", "STATE", "SUBJECT");
	json_array_foreach(json_object_get(r, "thread"), i, x)
		table_add(t, out_date(x, "at", d, sizeof d),
		    out_str(x, "direction"), out_str(x, "kind"),
		    out_str(x, "who"), json_is_string(json_object_get(x,
		    "last_error")) && strcmp(out_str(x, "state"), "sent") != 0 ?
		    out_str(x, "last_error") : out_str(x, "state"),
		    out_str(x, "subject"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_app_withdraw(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "reason"))
		return cmd_usage_error("app withdraw needs --reason");
	body = json_pack("{s:s}", "reason", args_get(a, "reason"));
	r = client_call_on("POST", "/v1/applications/", a->argv[0], "/withdraw", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Application %s is withdrawn.\n", out_str(r, "reference"));
	json_decref(r);
	return CMD_OK;
}
