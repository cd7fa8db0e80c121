/* cmd-outbox.c: grantctl outbox list|show|retry|test, notify digests */
#include <stdio.h>
#include <stdlib.h>

#include "grantctl.h"

int
cmd_outbox_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		*path, *q = NULL, d[64];
	const char	*state = args_has(a, "failed") ? "failed" :
			    args_get(a, "state");

	if (state != NULL)
		q = client_path("state=", state, "&");
	if (args_has(a, "reference")) {
		char *ref = client_path("reference=", args_get(a, "reference"),
		    NULL);
		xasprintf(&path, "/v1/outbox?%s%s", q ? q : "", ref);
		free(ref);
	} else
		xasprintf(&path, "/v1/outbox?%s", q ? q : "");
	free(q);
	r = client_call("GET", path, NULL);
	free(path);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(7, "ID", "STATE", "QUEUED", "TRIES", "TO", "SUBJECT",
	    "PROBLEM");
	json_array_foreach(json_object_get(r, "messages"), i, x)
		table_add(t, out_str(x, "id"), out_str(x, "state"),
		    out_date(x, "queued_at", d, sizeof d), out_str(x, "attempts"),
		    out_str(x, "to_addr"), out_str(x, "subject"),
		    out_str(x, "last_error"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_outbox_show(struct args *a)
{
	json_t	*r;
	char	*path, d[64];

	path = client_path("/v1/outbox/", a->argv[0], NULL);
	r = client_call("GET", path, NULL);
	free(path);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	out_field("message", out_str(r, "id"));
	out_field("state", out_str(r, "state"));
	out_field("to", out_str(r, "to_addr"));
	out_field("reference", out_str(r, "reference"));
	out_field("template", out_str(r, "template"));
	out_field("message-id", out_str(r, "message_id"));
	out_field("queued", out_date(r, "queued_at", d, sizeof d));
	out_field("sent", out_date(r, "sent_at", d, sizeof d));
	out_field("tries", out_str(r, "attempts"));
	out_field("problem", out_str(r, "last_error"));
	printf("\nSubject: %s\n\n%s", out_str(r, "subject"), out_str(r, "body"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_outbox_retry(struct args *a)
{
	json_t	*r;
	char	*path;

	path = client_path("/v1/outbox/", a->argv[0], "/retry");
	r = client_call("POST", path, NULL);
	free(path);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Message %s queued to send again.\n", out_str(r, "id"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_outbox_test(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "to"))
		return cmd_usage_error("outbox test needs --to");
	body = json_pack("{s:s}", "to", args_get(a, "to"));
	if (args_has(a, "name"))
		json_object_set_new(body, "name", json_string(args_get(a, "name")));
	if (args_has(a, "note"))
		json_object_set_new(body, "note", json_string(args_get(a, "note")));
	r = client_call("POST", "/v1/outbox/test", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Test message %s queued.\n", out_str(r, "id"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_notify_digests(struct args *a)
{
	json_t	*r;

	if ((r = client_call("POST", "/v1/notify/digests", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("%s digest%s queued.\n", out_str(r, "digests"),
	    json_integer_value(json_object_get(r, "digests")) == 1 ? "" : "s");
	json_decref(r);
	return CMD_OK;
}
