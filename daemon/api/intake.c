/* api-intake.c: applications, intake mailboxes and quarantined mail. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "mail/mail.h"
#include "domain/domain.h"
#include "mail/mime.h"

#define APP_SELECT \
	"SELECT a.reference, a.state, f.code AS fund, r.code AS round, " \
	"a.email, a.contact_name, a.organisation, a.project_title, " \
	"a.amount_requested, a.received_at, a.updated_at, u.name AS officer " \
	"FROM applications a JOIN funds f ON f.id = a.fund_id JOIN rounds r " \
	"ON r.id = a.round_id LEFT JOIN users u ON u.id = a.officer_id "

static void
api_app_list(struct api_req *r)
{
	const char	*round = api_query(r, "round"), *state = api_query(r, "state");
	json_t		*rows;

	if (state != NULL && !state_valid(STATE_APPLICATION, state)) {
		api_error(r, 400, "'%s' is not an application state", state);
		return;
	}
	rows = db_query(APP_SELECT "WHERE (? IS NULL OR r.code = ?) AND "
	    "(? IS NULL OR a.state = ?) ORDER BY a.id", "ssss", round, round,
	    state, state);
	if (rows == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "applications", rows));
}

static void
api_app_show(struct api_req *r)
{
	const char	*ref = r->parts[2];
	json_t		*app, *extra, *in, *out, *att;

	if ((app = db_query_row(APP_SELECT "WHERE a.reference = ?", "s",
	    ref)) == NULL)
		goto dberr;
	if (json_is_null(app)) {
		api_error(r, 404, "no application %s", ref);
		return;
	}
	extra = db_query_row("SELECT fields, problems, reason FROM applications "
	    "WHERE reference = ?", "s", ref);
	/* Both directions, in the order they happened. */
	in = db_query("SELECT * FROM (SELECT m.id, 'in' AS direction, m.kind, "
	    "m.from_addr AS who, m.subject, m.received_at AS at, NULL AS state, "
	    "NULL AS last_error FROM mail_in m JOIN applications a ON a.id = "
	    "m.application_id WHERE a.reference = ? UNION ALL SELECT id, 'out', "
	    "template, to_addr, COALESCE(subject, template), queued_at, state, "
	    "last_error FROM outbox WHERE reference = ?) t ORDER BY at, "
	    "direction", "ss", ref, ref);
	out = json_array();
	att = db_query("SELECT t.filename, t.content_type, t.size, t.sha256, "
	    "t.refused, t.refused_reason FROM attachments t JOIN mail_in m ON "
	    "m.id = t.mail_id JOIN applications a ON a.id = m.application_id "
	    "WHERE a.reference = ? ORDER BY t.id", "s", ref);
	if (extra == NULL || in == NULL || out == NULL || att == NULL) {
		json_decref(app);
		json_decref(extra);
		json_decref(in);
		json_decref(out);
		json_decref(att);
		goto dberr;
	}
	json_object_set_new(app, "fields", json_loads(json_string_value(
	    json_object_get(extra, "fields")), 0, NULL));
	json_object_set_new(app, "problems", json_loads(json_string_value(
	    json_object_get(extra, "problems")), 0, NULL));
	json_object_set(app, "reason", json_object_get(extra, "reason"));
	json_array_extend(in, out);
	json_object_set_new(app, "thread", in);
	json_object_set_new(app, "attachments", att);
	json_decref(extra);
	json_decref(out);
	api_reply(r, 200, app);
	return;
dberr:
	api_db_error(r);
}

static void
api_app_withdraw(struct api_req *r)
{
	const char	*ref = r->parts[2], *reason = api_text(r, "reason", CHECK_TEXT_MAX);
	json_t		*row;
	char		 from[32];

	if (reason == NULL || *reason == '\0') {
		api_error(r, 400, "say why the application is withdrawn "
		    "(--reason)");
		return;
	}
	if (db_begin() == -1 || (row = db_query_row("SELECT state FROM "
	    "applications WHERE reference = ? FOR UPDATE", "s", ref)) == NULL)
		goto dberr;
	if (json_is_null(row)) {
		db_rollback();
		api_error(r, 404, "no application %s", ref);
		return;
	}
	snprintf(from, sizeof from, "%s", json_string_value(json_object_get(row,
	    "state")));
	json_decref(row);
	if (!state_can_move(STATE_APPLICATION, from, "withdrawn")) {
		db_rollback();
		api_error(r, 409, "application %s is already %s", ref, from);
		return;
	}
	if (db_exec("UPDATE applications SET state = 'withdrawn', reason = ?, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE reference = ?", "ss", reason,
	    ref) != 1 ||
	    audit_append(r->user_name, "application.state", ref, json_pack(
	    "{s:s,s:s,s:s}", "from", from, "to", "withdrawn", "reason",
	    reason)) == -1 || db_commit() == -1)
		goto dberr;
	api_reply(r, 200, json_pack("{s:s,s:s}", "reference", ref, "state",
	    "withdrawn"));
	return;
dberr:
	api_db_error(r);
}

static void
api_intake_status(struct api_req *r)
{
	json_t	*list;

	if ((list = intake_status()) == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "mailboxes", list));
}

static void
api_intake_poll(struct api_req *r)
{
	intake_poll_all();
	api_reply(r, 200, json_pack("{s:s}", "result", "polling"));
}

static void
api_quarantine_list(struct api_req *r)
{
	json_t	*rows;

	if ((rows = db_query("SELECT id, source, state, reason, size, "
	    "received_at FROM quarantine ORDER BY id", "")) == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "messages", rows));
}

static json_t *
api_quarantine_row(struct api_req *r, long long *id)
{
	json_t	*row;
	char	*end;

	*id = strtoll(r->parts[3], &end, 10);
	if (*end != '\0' || *id <= 0) {
		api_error(r, 400, "'%s' is not a quarantine number", r->parts[3]);
		return NULL;
	}
	if ((row = db_query_row("SELECT id, source, state, reason, size, raw, "
	    "received_at FROM quarantine WHERE id = ?", "i", (int64_t)*id))
	    == NULL) {
		api_db_error(r);
		return NULL;
	}
	if (json_is_null(row)) {
		api_error(r, 404, "no quarantined message %lld", *id);
		return NULL;
	}
	return row;
}

static void
api_quarantine_show(struct api_req *r)
{
	json_t		*row;
	long long	 id;
	char		*clean;

	if ((row = api_quarantine_row(r, &id)) == NULL)
		return;
	/* Raw mail may be any bytes; show it as text, invalid bytes marked. */
	clean = mime_utf8_clean(json_string_value(json_object_get(row, "raw")),
	    json_string_length(json_object_get(row, "raw")));
	json_object_set_new(row, "raw", json_string(clean));
	free(clean);
	api_reply(r, 200, row);
}

/*
 * Take a quarantined message in again, e.g. after grantd was improved. It
 * stays in quarantine, marked released, once it is taken in.
 */
static void
api_quarantine_retry(struct api_req *r)
{
	json_t			*row;
	long long		 id;
	char			 source[64];
	int			 i;
	enum intake_result	 res;
	static const char	*names[] = { "taken in", "a duplicate",
				    "still unreadable", "not stored; try again" };

	if ((row = api_quarantine_row(r, &id)) == NULL)
		return;
	snprintf(source, sizeof source, "%s",
	    json_string_value(json_object_get(row, "source")));
	for (i = 0; i < grantd_config->nintake; i++)
		if (strcmp(grantd_config->intake[i]->name, source) == 0)
			break;
	if (i == grantd_config->nintake) {
		api_error(r, 409, "mailbox %s is no longer configured", source);
		json_decref(row);
		return;
	}
	res = intake_process(grantd_config->intake[i],
	    json_string_value(json_object_get(row, "raw")),
	    json_string_length(json_object_get(row, "raw")));
	json_decref(row);
	if ((res == INTAKE_STORED || res == INTAKE_DUPLICATE) &&
	    db_exec("UPDATE quarantine SET state = 'released' WHERE id = ?", "i",
	    (int64_t)id) == -1) {
		api_db_error(r);
		return;
	}
	if (db_begin() == -1 || audit_append(r->user_name, "quarantine.retry",
	    source, json_pack("{s:I,s:s}", "id", (json_int_t)id, "result",
	    names[res])) == -1 || db_commit() == -1) {
		api_db_error(r);
		return;
	}
	if (res == INTAKE_RETRY)
		api_error(r, 503, "database unavailable, try again shortly");
	else
		api_reply(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id,
		    "result", names[res]));
}

const struct api_route api_intake_routes[] = {
	{ "GET", "/v1/applications", ROLE_OFFICER | ROLE_ASSESSOR |
	    ROLE_FINANCE, api_app_list },
	{ "GET", "/v1/applications/*", ROLE_OFFICER | ROLE_ASSESSOR |
	    ROLE_FINANCE, api_app_show },
	{ "POST", "/v1/applications/*/withdraw", ROLE_OFFICER, api_app_withdraw },
	{ "GET", "/v1/intake", ROLE_OFFICER, api_intake_status },
	{ "POST", "/v1/intake/poll", ROLE_OFFICER, api_intake_poll },
	{ "GET", "/v1/intake/quarantine", ROLE_OFFICER, api_quarantine_list },
	{ "GET", "/v1/intake/quarantine/*", ROLE_OFFICER, api_quarantine_show },
	{ "POST", "/v1/intake/quarantine/*/retry", ROLE_OFFICER,
	    api_quarantine_retry },
	{ NULL, NULL, 0, NULL }
};
