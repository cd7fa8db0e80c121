/*
 * trust-held.c: what trust.c's rules need from the database, and mail
 * held for an officer: whether a reply answers a letter grantd sent to
 * the address on record, marking mail held, listing it, and an officer's
 * decision, which applies the mail as if it had been trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "mail/mime.h"
#include "mail/form.h"
#include "domain/domain.h"

#define TRUST_THREAD_IDS 20	/* newest References looked at */

/*
 * Whether m answers (In-Reply-To, or one of its newest References) a
 * letter grantd sent about reference to on_record: 1, 0, or -1 on a
 * database error.
 */
int
trust_threaded(const struct mime_message *m, const char *reference,
    const char *on_record)
{
	char	*refs, *p, *tok, *ids[TRUST_THREAD_IDS + 1];
	json_t	*row;
	int	 n = 0, i, found = 0;

	refs = xstrdup(m->references != NULL ? m->references : "");
	for (p = refs; (tok = strsep(&p, " ")) != NULL; )
		if (*tok != '\0')
			ids[n++ % TRUST_THREAD_IDS] = tok;
	if (n > TRUST_THREAD_IDS)
		n = TRUST_THREAD_IDS;
	if (m->in_reply_to != NULL)
		ids[n++] = m->in_reply_to;
	for (i = 0; i < n && !found; i++) {
		row = db_query_row("SELECT id FROM outbox WHERE message_id = ? "
		    "AND reference = ? AND to_addr = ?", "sss", ids[i],
		    reference, on_record);
		if (row == NULL) {
			free(refs);
			return -1;
		}
		found = !json_is_null(row);
		json_decref(row);
	}
	free(refs);
	return found;
}

/* ---- held mail ---- */

/* Mark mail_id held, with why, in the intake's transaction. */
int
trust_hold(long long mail_id, const char *why)
{
	return db_exec("UPDATE mail_in SET held_state = 'held', held_reason = "
	    "LEFT(?, 500) WHERE id = ?", "si", why, (int64_t)mail_id) == 1 ?
	    0 : -1;
}

/* Mail held for an officer: only what waits, or (all) every decision too. */
json_t *
trust_held_list(int all)
{
	return db_query("SELECT m.id, m.source, a.reference, m.kind, "
	    "m.from_addr, m.subject, m.held_reason AS reason, m.held_state AS "
	    "state, m.held_by AS decided_by, m.received_at, m.held_decided_at "
	    "AS decided_at FROM mail_in m LEFT JOIN applications a ON a.id = "
	    "m.application_id WHERE m.held_state = 'held' OR (? AND "
	    "m.held_state IS NOT NULL) ORDER BY m.id", "d", all ? 1 : 0);
}

/* One message, held or decided, with its text: NULL on a database error. */
json_t *
trust_held_get(long long id)
{
	return db_query_row("SELECT m.id, m.source, a.reference, m.kind, "
	    "m.from_addr, m.subject, m.body, m.held_reason AS reason, "
	    "m.held_state AS state, m.held_by AS decided_by, m.received_at, "
	    "m.held_decided_at AS decided_at FROM mail_in m LEFT JOIN "
	    "applications a ON a.id = m.application_id WHERE m.id = ? AND "
	    "m.held_state IS NOT NULL", "i", (int64_t)id);
}

/*
 * What accepting held mail does: a reply to an incomplete application is
 * applied as if it had been trusted (a letter to the address on record);
 * a held new application gets its letter; anything else is only noted.
 * What happened goes in outcome.
 */
static int
trust_accept(json_t *mail, json_t *app, char *outcome, size_t len)
{
	const char	*kind = json_string_value(json_object_get(mail, "kind"));
	const char	*mid = json_string_value(json_object_get(mail,
			    "message_id"));
	const char	*state;
	long long	 id;
	json_t		*fields;
	int		 rc;

	if (strcmp(kind, "score-held") == 0) {
		/* Scores by email count only from the assessor themself. */
		snprintf(outcome, len, "noted; scores count only from the "
		    "assessor's address on record (grantctl assess import "
		    "enters them)");
		return 0;
	}
	if (strcmp(kind, "monitoring-held") == 0) {
		/* A return is the grant's word: only from its address. */
		snprintf(outcome, len, "noted; a monitoring return counts only "
		    "from the grant's address on record (ask the group to "
		    "reply from there)");
		return 0;
	}
	if (strcmp(kind, "grant-held") == 0) {
		/* acceptance and bank details are recorded by a person */
		snprintf(outcome, len, "noted; record an acceptance with "
		    "grantctl grant accept, bank details with grantctl bank "
		    "set");
		return 0;
	}
	if (app == NULL || json_is_null(app)) {
		snprintf(outcome, len, "noted; it is about no application");
		return 0;
	}
	id = json_integer_value(json_object_get(app, "id"));
	state = json_string_value(json_object_get(app, "state"));
	if (strcmp(kind, "application-held") == 0) {
		if (strcmp(state, "incomplete") != 0 &&
		    strcmp(state, "eligible") != 0 &&
		    strcmp(state, "ineligible") != 0) {
			snprintf(outcome, len, "noted; the application is %s, "
			    "so no letter goes", state);
			return 0;
		}
		snprintf(outcome, len, "the letter for the application (%s) "
		    "goes to %s", state, json_string_value(json_object_get(app,
		    "email")));
		return intake_letter(id, state, mid, NULL);
	}
	if (strcmp(state, "incomplete") != 0) {
		snprintf(outcome, len, "noted; the application is %s, which "
		    "mail does not change", state);
		return 0;
	}
	snprintf(outcome, len, "the reply is applied to the application and "
	    "answered at %s", json_string_value(json_object_get(app, "email")));
	fields = form_extract(json_string_value(json_object_get(mail, "body")));
	rc = intake_reply_apply(app, fields, mid, NULL);
	json_decref(fields);
	return rc;
}

/* What the thread calls the message once decided. */
static const char *
trust_kind(const char *kind, int accept)
{
	if (strcmp(kind, "reply-held") == 0)
		return accept ? "reply" : "reply-rejected";
	if (strcmp(kind, "score-held") == 0)
		return accept ? "score-noted" : "score-rejected";
	if (strcmp(kind, "monitoring-held") == 0)
		return accept ? "monitor-noted" : "monitor-rejected";
	if (strcmp(kind, "grant-held") == 0)
		return accept ? "grant-noted" : "grant-rejected";
	return accept ? "application" : kind;	/* the letter stays unsent */
}

/* The held message id, locked; NULL on a database error or refusal. */
static json_t *
trust_held_row(long long id, int *status, char *err, size_t errlen)
{
	json_t	*row;

	row = db_query_row("SELECT id, kind, application_id, held_state, "
	    "held_reason, body, message_id, from_addr FROM mail_in WHERE id = "
	    "? AND held_state IS NOT NULL FOR UPDATE", "i", (int64_t)id);
	if (row == NULL)
		return NULL;
	if (json_is_null(row)) {
		*status = 404;
		snprintf(err, errlen, "no held message %lld", id);
	} else if (strcmp(json_string_value(json_object_get(row,
	    "held_state")), "held") != 0) {
		*status = 409;
		snprintf(err, errlen, "message %lld is already %s", id,
		    json_string_value(json_object_get(row, "held_state")));
	} else
		return row;
	json_decref(row);
	return NULL;
}

/*
 * An officer (actor) accepts or rejects held message id, in one
 * transaction with its audit row and any letter. 0 and *result, or -1:
 * then *status is 404 or 409 with err, or 0 for a database error.
 */
int
trust_held_decide(long long id, int accept, const char *actor,
    json_t **result, int *status, char *err, size_t errlen)
{
	json_t		*mail, *app = NULL;
	const char	*kind, *ref = NULL;
	char		 outcome[300] = "nothing changes; nobody is answered";
	int		 rc = -1;

	*result = NULL;
	*status = 0;
	if (db_begin() == -1)
		return -1;
	if ((mail = trust_held_row(id, status, err, errlen)) == NULL)
		goto out;
	if (json_is_integer(json_object_get(mail, "application_id")) &&
	    (app = db_query_row("SELECT id, reference, state, email, "
	    "round_id, fields FROM applications WHERE id = ? FOR UPDATE", "i",
	    (int64_t)json_integer_value(json_object_get(mail,
	    "application_id")))) == NULL)
		goto out;
	if (app != NULL && !json_is_null(app))
		ref = json_string_value(json_object_get(app, "reference"));
	kind = json_string_value(json_object_get(mail, "kind"));
	if (accept && trust_accept(mail, app, outcome, sizeof outcome) == -1)
		goto out;
	if (db_exec("UPDATE mail_in SET held_state = ?, held_by = ?, "
	    "held_decided_at = UTC_TIMESTAMP(6), kind = ? WHERE id = ?", "sssi",
	    accept ? "accepted" : "rejected", actor, trust_kind(kind, accept),
	    (int64_t)id) != 1 ||
	    audit_append(actor, accept ? "mail.accept" : "mail.reject",
	    ref != NULL ? ref : "mail", json_pack("{s:I,s:O?,s:O?,s:s}", "id",
	    (json_int_t)id, "from", json_object_get(mail, "from_addr"),
	    "reason", json_object_get(mail, "held_reason"), "outcome",
	    outcome)) == -1 || db_commit() == -1)
		goto out;
	*result = json_pack("{s:I,s:s?,s:s,s:s}", "id", (json_int_t)id,
	    "reference", ref, "state", accept ? "accepted" : "rejected",
	    "outcome", outcome);
	rc = 0;
out:
	if (rc == -1)
		db_rollback();
	json_decref(mail);
	json_decref(app);
	return rc;
}
