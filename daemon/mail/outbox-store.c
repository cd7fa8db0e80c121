/*
 * outbox-store.c: the outbox as staff see and steer it — listed, shown,
 * a failed message sent again, a test message queued. (outbox.c queues
 * and sends.)
 */
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"
#include "mail/mail.h"

#define OUTBOX_LIST_MAX 1000

static int
outbox_state_valid(const char *s)
{
	return strcmp(s, "queued") == 0 || strcmp(s, "sending") == 0 ||
	    strcmp(s, "sent") == 0 || strcmp(s, "failed") == 0;
}

/* The newest limit messages (state and reference optional), oldest first. */
json_t *
outbox_list(const char *state, const char *ref, long limit,
    struct dom_err *e)
{
	json_t	*rows;

	if (state != NULL && !outbox_state_valid(state)) {
		dom_fail(e, DOM_BAD, "'%s' is not an outbox state (queued, "
		    "sending, sent, failed)", state);
		return NULL;
	}
	if (limit < 1 || limit > OUTBOX_LIST_MAX) {
		dom_fail(e, DOM_BAD, "limit must be from 1 to %d",
		    OUTBOX_LIST_MAX);
		return NULL;
	}
	if ((rows = db_query("SELECT * FROM (SELECT id, state, template, "
	    "to_addr, to_name, reference, COALESCE(subject, template) AS "
	    "subject, attempts, queued_at, next_attempt_at, sent_at, "
	    "last_error FROM outbox WHERE (? IS NULL OR state = ?) AND (? IS "
	    "NULL OR reference = ?) ORDER BY id DESC LIMIT ?) t ORDER BY id",
	    "ssssd", state, state, ref, ref, (int)limit)) == NULL)
		dom_db_fail(e);
	return rows;
}

json_t *
outbox_show(long long id, struct dom_err *e)
{
	json_t	*row;

	if ((row = db_query_row("SELECT id, state, template, to_addr, to_name, "
	    "reply_to_addr, reference, message_id, in_reply_to, refs, "
	    "auto_submitted, attempts, queued_at, next_attempt_at, sent_at, "
	    "last_error, subject, body FROM outbox WHERE id = ?", "i",
	    (int64_t)id)) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_is_null(row)) {
		json_decref(row);
		dom_fail(e, DOM_NOT_FOUND, "no outbox message %lld", id);
		return NULL;
	}
	return row;
}

/* Send a failed message again, with a fresh retry window. */
int
outbox_retry(const char *actor, long long id, struct dom_err *e)
{
	json_t	*row;
	char	 state[16];

	if (db_begin() == -1 || (row = db_query_row("SELECT state FROM outbox "
	    "WHERE id = ? FOR UPDATE", "i", (int64_t)id)) == NULL)
		return dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		return dom_fail(e, DOM_NOT_FOUND, "no outbox message %lld", id);
	}
	snprintf(state, sizeof state, "%s",
	    json_string_value(json_object_get(row, "state")));
	json_decref(row);
	if (strcmp(state, "failed") != 0)
		return dom_fail(e, DOM_CONFLICT, "message %lld is %s; only "
		    "failed messages can be retried", id, state);
	if (db_exec("UPDATE outbox SET state = 'queued', queued_at = "
	    "UTC_TIMESTAMP(6), next_attempt_at = UTC_TIMESTAMP(6) WHERE id = ?",
	    "i", (int64_t)id) != 1 ||
	    audit_append(actor, "outbox.retry", "outbox", json_pack("{s:I}",
	    "id", (json_int_t)id)) == -1 || db_commit() == -1)
		return dom_db_fail(e);
	outbox_kick();
	return 0;
}

/* A test message, to check that mail leaves and arrives. Its id, or -1. */
long long
outbox_test(const char *actor, const char *to, const char *name,
    const char *note, struct dom_err *e)
{
	struct outbox_new	n;
	long long		id;

	if (!check_address(to))
		return dom_fail(e, DOM_BAD, "'%s' is not an email address",
		    to != NULL ? to : "");
	memset(&n, 0, sizeof n);
	n.template = "test-message";
	n.to_addr = to;
	n.to_name = name;
	n.vars = json_pack("{s:s,s:s}", "contact_name", name != NULL ? name :
	    to, "note", note != NULL ? note : "a test");
	if (db_begin() == -1 || (id = outbox_queue(&n)) == -1 ||
	    audit_append(actor, "outbox.test", "outbox", json_pack("{s:I,s:s}",
	    "id", (json_int_t)id, "to", to)) == -1 || db_commit() == -1)
		id = dom_db_fail(e);
	json_decref(n.vars);
	return id;
}
