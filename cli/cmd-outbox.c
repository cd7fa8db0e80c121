/* cmd-outbox.c: grantctl outbox list|show|retry|test, notify digests */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

int
cmd_outbox_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 d[64];

	/* --failed is the everyday spelling of --state failed. */
	if (args_has(a, "failed")) {
		if (args_has(a, "state"))
			return cmd_usage_error("--failed and --state are one or "
			    "the other");
		if (a->nopts == ARGS_MAX)
			return cmd_usage_error("too many options");
		a->opts[a->nopts].name = xstrdup("state");
		a->opts[a->nopts++].value = "failed";
	}
	r = client_get_query("/v1/outbox", a, "state", "reference", NULL);
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
	char	d[64];

	r = client_call_on("GET", "/v1/outbox/", a->argv[0], NULL, NULL);
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
	printf("\nSubject: %s\n\n%s", out_str(r, "subject"), out_text(r, "body"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_outbox_retry(struct args *a)
{
	json_t	*r;

	r = client_call_on("POST", "/v1/outbox/", a->argv[0], "/retry", NULL);
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
