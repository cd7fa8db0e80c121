/* cmd-intake.c: grantctl intake status|poll|quarantine|held */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

int
cmd_intake_status(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 d[64];

	if ((r = client_call("GET", "/v1/intake", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(8, "MAILBOX", "TYPE", "ROUND", "LAST POLL", "TAKEN",
	    "QUARANTINED", "DUPLICATES", "ERROR");
	json_array_foreach(json_object_get(r, "mailboxes"), i, x)
		table_add(t, out_str(x, "name"), out_str(x, "type"),
		    out_str(x, "round"), out_date(x, "last_poll_at", d, sizeof d),
		    out_str(x, "taken"), out_str(x, "quarantined"),
		    out_str(x, "duplicates"), out_str(x, "last_error"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_intake_poll(struct args *a)
{
	json_t	*r, *x;
	size_t	 i;

	if ((r = client_call("POST", "/v1/intake/poll", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	if (json_array_size(json_object_get(r, "mailboxes")) == 0)
		printf("No mailbox to poll: grantd.conf has no [intake NAME] "
		    "section.\n");
	json_array_foreach(json_object_get(r, "mailboxes"), i, x)
		printf("Polling %s (%s) %s.\n", out_str(x, "name"),
		    out_str(x, "type"), out_str(x, "poll"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_quarantine_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 d[64];

	if ((r = client_call("GET", "/v1/intake/quarantine", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(6, "ID", "MAILBOX", "STATE", "RECEIVED", "BYTES", "REASON");
	json_array_foreach(json_object_get(r, "messages"), i, x)
		table_add(t, out_str(x, "id"), out_str(x, "source"),
		    out_str(x, "state"), out_date(x, "received_at", d, sizeof d),
		    out_str(x, "size"), out_str(x, "reason"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_quarantine_show(struct args *a)
{
	json_t	*r;

	r = client_call_on("GET", "/v1/intake/quarantine/", a->argv[0], NULL, NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	out_field("quarantined", out_str(r, "id"));
	out_field("mailbox", out_str(r, "source"));
	out_field("state", out_str(r, "state"));
	out_field("reason", out_str(r, "reason"));
	printf("\n%s\n", out_text(r, "raw"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_quarantine_retry(struct args *a)
{
	json_t	*r;

	r = client_call_on("POST", "/v1/intake/quarantine/", a->argv[0], "/retry", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Quarantined message %s: %s.\n", out_str(r, "id"),
	    out_str(r, "result"));
	json_decref(r);
	return CMD_OK;
}

/* "intake quarantine list | show ID | retry ID": one row, three verbs. */
int
cmd_intake_quarantine(struct args *a)
{
	const char	*verb = a->argv[0];

	if (strcmp(verb, "list") == 0 && a->argc == 1)
		return cmd_quarantine_list(a);
	if (a->argc == 2) {
		a->argv[0] = a->argv[1];
		a->argc = 1;
		if (strcmp(verb, "show") == 0)
			return cmd_quarantine_show(a);
		if (strcmp(verb, "retry") == 0)
			return cmd_quarantine_retry(a);
	}
	return cmd_usage_error("usage: grantctl intake quarantine list | "
	    "show ID | retry ID");
}

static int
cmd_held_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;
	char		 d[64];

	if ((r = client_get_query("/v1/intake/held", a, "all", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(6, "ID", "APPLICATION", "STATE", "RECEIVED", "FROM",
	    "WHY");
	json_array_foreach(json_object_get(r, "messages"), i, x)
		table_add(t, out_str(x, "id"), out_str(x, "reference"),
		    out_str(x, "state"), out_date(x, "received_at", d, sizeof d),
		    out_str(x, "from_addr"), out_str(x, "reason"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

static int
cmd_held_show(struct args *a)
{
	json_t	*r;
	char	 d[64], *body;

	r = client_call_on("GET", "/v1/intake/held/", a->argv[0], NULL, NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	out_field("held", out_str(r, "id"));
	out_field("application", out_str(r, "reference"));
	out_field("state", out_str(r, "state"));
	out_field("from", out_str(r, "from_addr"));
	out_field("received", out_date(r, "received_at", d, sizeof d));
	out_field("why", out_str(r, "reason"));
	if (json_is_string(json_object_get(r, "decided_by")))
		out_field("decided by", out_str(r, "decided_by"));
	out_field("subject", out_str(r, "subject"));
	/* The text is a stranger's: escaped, so it cannot drive the terminal. */
	body = check_text_escape(out_str(r, "body"), 1);
	printf("\n%s\n", body);
	free(body);
	json_decref(r);
	return CMD_OK;
}

static int
cmd_held_decide(struct args *a, const char *verb)
{
	json_t	*r;

	r = client_call_on("POST", "/v1/intake/held/", a->argv[0],
	    strcmp(verb, "accept") == 0 ? "/accept" : "/reject", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Held message %s is %s: %s.\n", out_str(r, "id"),
	    out_str(r, "state"), out_str(r, "outcome"));
	json_decref(r);
	return CMD_OK;
}

/* "intake held list [--all] | show ID | accept ID | reject ID": one row. */
int
cmd_intake_held(struct args *a)
{
	const char	*verb = a->argv[0];

	if (strcmp(verb, "list") == 0 && a->argc == 1)
		return cmd_held_list(a);
	if (a->argc == 2 && !args_has(a, "all")) {
		a->argv[0] = a->argv[1];
		a->argc = 1;
		if (strcmp(verb, "show") == 0)
			return cmd_held_show(a);
		if (strcmp(verb, "accept") == 0 || strcmp(verb, "reject") == 0)
			return cmd_held_decide(a, verb);
	}
	return cmd_usage_error("usage: grantctl intake held list [--all] | "
	    "show ID | accept ID | reject ID");
}
