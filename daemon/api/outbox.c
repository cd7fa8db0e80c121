/* api-outbox.c: the outbox, templates and staff notifications. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "mail/mail.h"
#include "domain/domain.h"
#include "mail/template.h"

#define OUTBOX_LIST_MAX 1000

static void
api_outbox_list(struct api_req *r)
{
	const char	*state = api_query(r, "state");
	const char	*ref = api_query(r, "reference");
	const char	*lim = api_query(r, "limit");
	long		 limit = 100;
	char		*end;
	json_t		*rows;

	if (state != NULL && strcmp(state, "queued") != 0 &&
	    strcmp(state, "sending") != 0 && strcmp(state, "sent") != 0 &&
	    strcmp(state, "failed") != 0) {
		api_error(r, 400, "'%s' is not an outbox state (queued, "
		    "sending, sent, failed)", state);
		return;
	}
	if (lim != NULL && ((limit = strtol(lim, &end, 10)) < 1 ||
	    limit > OUTBOX_LIST_MAX || *end != '\0')) {
		api_error(r, 400, "limit must be from 1 to %d", OUTBOX_LIST_MAX);
		return;
	}
	rows = db_query("SELECT * FROM (SELECT id, state, template, to_addr, "
	    "to_name, reference, COALESCE(subject, template) AS subject, "
	    "attempts, queued_at, next_attempt_at, sent_at, last_error FROM "
	    "outbox WHERE (? IS NULL OR state = ?) AND (? IS NULL OR "
	    "reference = ?) ORDER BY id DESC LIMIT ?) t ORDER BY id", "ssssd",
	    state, state, ref, ref, (int)limit);
	if (rows == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "messages", rows));
}

static int
api_outbox_id(struct api_req *r, long long *id)
{
	char	*end;

	*id = strtoll(r->parts[2], &end, 10);
	if (*end != '\0' || *id <= 0) {
		api_error(r, 400, "'%s' is not an outbox message number",
		    r->parts[2]);
		return -1;
	}
	return 0;
}

static void
api_outbox_show(struct api_req *r)
{
	long long	 id;
	json_t		*row;

	if (api_outbox_id(r, &id) == -1)
		return;
	row = db_query_row("SELECT id, state, template, to_addr, to_name, "
	    "reply_to_addr, reference, message_id, in_reply_to, refs, "
	    "auto_submitted, attempts, queued_at, next_attempt_at, sent_at, "
	    "last_error, subject, body FROM outbox WHERE id = ?", "i",
	    (int64_t)id);
	if (row == NULL) {
		api_db_error(r);
		return;
	}
	if (json_is_null(row)) {
		api_error(r, 404, "no outbox message %lld", id);
		return;
	}
	api_reply(r, 200, row);
}

/* Send a failed message again, with a fresh retry window. */
static void
api_outbox_retry(struct api_req *r)
{
	long long	 id;
	json_t		*row;

	if (api_outbox_id(r, &id) == -1)
		return;
	if (db_begin() == -1 || (row = db_query_row("SELECT state FROM outbox "
	    "WHERE id = ? FOR UPDATE", "i", (int64_t)id)) == NULL)
		goto dberr;
	if (json_is_null(row)) {
		db_rollback();
		api_error(r, 404, "no outbox message %lld", id);
		return;
	}
	if (strcmp(json_string_value(json_object_get(row, "state")),
	    "failed") != 0) {
		api_error(r, 409, "message %lld is %s; only failed messages "
		    "can be retried", id, json_string_value(json_object_get(row,
		    "state")));
		json_decref(row);
		db_rollback();
		return;
	}
	json_decref(row);
	if (db_exec("UPDATE outbox SET state = 'queued', queued_at = "
	    "UTC_TIMESTAMP(6), next_attempt_at = UTC_TIMESTAMP(6) WHERE id = ?",
	    "i", (int64_t)id) != 1 ||
	    audit_append(r->user_name, "outbox.retry", "outbox",
	    json_pack("{s:I}", "id", (json_int_t)id)) == -1 ||
	    db_commit() == -1)
		goto dberr;
	outbox_kick();
	api_reply(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id,
	    "state", "queued"));
	return;
dberr:
	api_db_error(r);
}

/* A test message, to check that mail leaves and arrives. */
static void
api_outbox_test(struct api_req *r)
{
	const char	*to = api_str(r, "to"), *name = api_str(r, "name");
	const char	*note = api_str(r, "note");
	struct outbox_new n;
	long long	 id;

	if (!check_address(to)) {
		api_error(r, 400, "'%s' is not an email address", to ? to : "");
		return;
	}
	memset(&n, 0, sizeof n);
	n.template = "test-message";
	n.to_addr = to;
	n.to_name = name;
	n.vars = json_pack("{s:s,s:s}", "contact_name", name != NULL ? name :
	    to, "note", note != NULL ? note : "a test");
	if (db_begin() == -1 || (id = outbox_queue(&n)) == -1 ||
	    audit_append(r->user_name, "outbox.test", "outbox",
	    json_pack("{s:I,s:s}", "id", (json_int_t)id, "to", to)) == -1 ||
	    db_commit() == -1) {
		json_decref(n.vars);
		api_db_error(r);
		return;
	}
	json_decref(n.vars);
	api_reply(r, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id,
	    "state", "queued"));
}

static void
api_template_list(struct api_req *r)
{
	api_reply(r, 200, json_pack("{s:o}", "templates", template_list()));
}

static void
api_template_preview(struct api_req *r)
{
	json_t	*vars;
	char	*subject, *body, err[GRANT_ERRLEN];

	if (!template_exists(r->parts[2])) {
		api_error(r, 404, "no template called %s (grantctl template "
		    "list shows them)", r->parts[2]);
		return;
	}
	/* With --app, the letter as that applicant would get it. */
	if (api_str(r, "app") != NULL) {
		json_t *app = db_query_row("SELECT id FROM applications WHERE "
		    "reference = ?", "s", api_str(r, "app"));
		if (app == NULL) {
			api_db_error(r);
			return;
		}
		if (json_is_null(app)) {
			api_error(r, 404, "no application %s", api_str(r, "app"));
			return;
		}
		vars = app_letter_vars(json_integer_value(json_object_get(app,
		    "id")));
		json_decref(app);
		if (vars == NULL) {
			api_db_error(r);
			return;
		}
	} else
		vars = template_sample_vars();
	if (template_render(r->parts[2], vars, &subject, &body, err,
	    sizeof err) == -1) {
		json_decref(vars);
		api_error(r, 400, "%s", err);
		return;
	}
	json_decref(vars);
	api_reply(r, 200, json_pack("{s:s,s:s,s:s}", "template", r->parts[2],
	    "subject", subject, "body", body));
	free(subject);
	free(body);
}

static void
api_notify_digests(struct api_req *r)
{
	int	n;

	if ((n = staff_send_digests(1)) == -1) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:i}", "digests", n));
}

const struct api_route api_outbox_routes[] = {
	{ "GET", "/v1/outbox", ROLE_OFFICER | ROLE_FINANCE, api_outbox_list },
	{ "GET", "/v1/outbox/*", ROLE_OFFICER | ROLE_FINANCE, api_outbox_show },
	{ "POST", "/v1/outbox/*/retry", ROLE_OFFICER | ROLE_FINANCE,
	    api_outbox_retry },
	{ "POST", "/v1/outbox/test", ROLE_OFFICER, api_outbox_test },
	{ "GET", "/v1/templates", ROLE_ANY, api_template_list },
	{ "POST", "/v1/templates/*/preview", ROLE_ANY, api_template_preview },
	{ "POST", "/v1/notify/digests", ROLE_ADMIN, api_notify_digests },
	{ NULL, NULL, 0, NULL }
};
