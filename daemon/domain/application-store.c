/*
 * application-store.c: applications as officers see and change them —
 * listed, shown with their whole thread, withdrawn. (application.c holds
 * the rules that run when mail makes or completes an application.)
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"

#define APP_SELECT \
	"SELECT a.id, a.reference, a.state, f.code AS fund, r.code AS round, " \
	"a.email, a.contact_name, a.organisation, a.project_title, " \
	"a.amount_requested, a.received_at, a.updated_at, u.name AS officer " \
	"FROM applications a JOIN funds f ON f.id = a.fund_id JOIN rounds r " \
	"ON r.id = a.round_id LEFT JOIN users u ON u.id = a.officer_id "

static json_t *
app_not_found(const char *ref, struct dom_err *e)
{
	dom_fail(e, DOM_NOT_FOUND, "no application %s", ref);
	return NULL;
}

json_t *
app_list(const char *round, const char *state, struct dom_err *e)
{
	json_t	*rows, *v;
	size_t	 i;

	if (state != NULL && !state_valid(STATE_APPLICATION, state)) {
		dom_fail(e, DOM_BAD, "'%s' is not an application state", state);
		return NULL;
	}
	if ((rows = db_query(APP_SELECT "WHERE (? IS NULL OR r.code = ?) AND "
	    "(? IS NULL OR a.state = ?) ORDER BY a.id", "ssss", round, round,
	    state, state)) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	json_array_foreach(rows, i, v)
		json_object_del(v, "id");
	return rows;
}

/* Mail both ways, in the order it happened. */
static json_t *
app_thread(long long id, const char *ref)
{
	return db_query("SELECT * FROM (SELECT m.id, 'in' AS direction, "
	    "m.kind, m.from_addr AS who, m.subject, m.received_at AS at, NULL "
	    "AS state, NULL AS last_error FROM mail_in m WHERE "
	    "m.application_id = ? UNION ALL SELECT id, 'out', template, "
	    "to_addr, COALESCE(subject, template), queued_at, state, "
	    "last_error FROM outbox WHERE reference = ?) t ORDER BY at, "
	    "direction", "is", (int64_t)id, ref);
}

/* JSON kept as text in a column, as the value it holds. */
static void
app_set_json(json_t *app, const char *key, json_t *row)
{
	json_object_set_new(app, key, json_loads(json_string_value(
	    json_object_get(row, key)), 0, NULL));
}

/*
 * What the reader did not understand is stored among the fields; it is
 * shown beside them, for the officer to read as the applicant wrote it.
 */
static void
app_take_unrecognised(json_t *app)
{
	json_t	*fields = json_object_get(app, "fields");
	json_t	*other = json_object_get(fields, "unrecognised");

	json_object_set_new(app, "unrecognised", json_is_array(other) ?
	    json_incref(other) : json_array());
	json_object_del(fields, "unrecognised");
}

/* An application with its answers, problems, thread and attachments. */
json_t *
app_show(const char *ref, struct dom_err *e)
{
	json_t		*app, *extra = NULL, *thread = NULL, *att = NULL;
	long long	 id;

	if ((app = db_query_row(APP_SELECT "WHERE a.reference = ?", "s",
	    ref)) == NULL)
		goto fail;
	if (json_is_null(app)) {
		json_decref(app);
		return app_not_found(ref, e);
	}
	id = json_integer_value(json_object_get(app, "id"));
	json_object_del(app, "id");
	extra = db_query_row("SELECT fields, problems, reason, "
	    "eligibility_override, override_reason, override_by, override_at "
	    "FROM applications WHERE id = ?", "i", (int64_t)id);
	thread = app_thread(id, ref);
	att = db_query("SELECT t.filename, t.content_type, t.size, t.sha256, "
	    "t.refused, t.refused_reason FROM attachments t JOIN mail_in m ON "
	    "m.id = t.mail_id WHERE m.application_id = ? ORDER BY t.id", "i",
	    (int64_t)id);
	if (extra == NULL || thread == NULL || att == NULL)
		goto fail;
	app_set_json(app, "fields", extra);
	app_take_unrecognised(app);
	app_set_json(app, "problems", extra);
	json_object_set(app, "reason", json_object_get(extra, "reason"));
	/* An officer's overrule of the eligibility rules, or null. */
	json_object_set_new(app, "override", json_is_string(json_object_get(
	    extra, "eligibility_override")) ? json_pack("{s:O,s:O,s:O,s:O}",
	    "verdict", json_object_get(extra, "eligibility_override"), "reason",
	    json_object_get(extra, "override_reason"), "by",
	    json_object_get(extra, "override_by"), "at",
	    json_object_get(extra, "override_at")) : json_null());
	json_object_set_new(app, "thread", thread);
	json_object_set_new(app, "attachments", att);
	json_decref(extra);
	return app;
fail:
	json_decref(app);
	json_decref(extra);
	json_decref(thread);
	json_decref(att);
	dom_db_fail(e);
	return NULL;
}

/* Withdraw an application, at the group's request, with the reason. */
int
app_withdraw(const char *actor, const char *ref, const char *reason,
    struct dom_err *e)
{
	json_t	*row;
	char	 from[32];

	if (reason == NULL || *reason == '\0')
		return dom_fail(e, DOM_BAD, "say why the application is "
		    "withdrawn (--reason)");
	if (db_begin() == -1 || (row = db_query_row("SELECT state FROM "
	    "applications WHERE reference = ? FOR UPDATE", "s", ref)) == NULL)
		return dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		app_not_found(ref, e);
		return -1;
	}
	snprintf(from, sizeof from, "%s", json_string_value(json_object_get(row,
	    "state")));
	json_decref(row);
	if (!state_can_move(STATE_APPLICATION, from, "withdrawn"))
		return dom_fail(e, DOM_CONFLICT, "application %s is already %s",
		    ref, from);
	if (db_exec("UPDATE applications SET state = 'withdrawn', reason = ?, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE reference = ?", "ss", reason,
	    ref) != 1 ||
	    audit_append(actor, "application.state", ref, json_pack(
	    "{s:s,s:s,s:s}", "from", from, "to", "withdrawn", "reason",
	    reason)) == -1 || db_commit() == -1)
		return dom_db_fail(e);
	return 0;
}

/* The variables of a letter to this applicant, as grantd would send it. */
json_t *
app_letter_vars_by_ref(const char *ref, struct dom_err *e)
{
	json_t		*row, *vars;
	long long	 id;

	if ((row = db_query_row("SELECT id FROM applications WHERE reference "
	    "= ?", "s", ref)) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_is_null(row)) {
		json_decref(row);
		return app_not_found(ref, e);
	}
	id = json_integer_value(json_object_get(row, "id"));
	json_decref(row);
	if ((vars = app_letter_vars(id)) == NULL)
		dom_db_fail(e);
	return vars;
}
