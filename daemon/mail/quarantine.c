/*
 * quarantine.c: mail grantd could not read, kept whole for an officer to
 * look at and, once grantd reads it better, to take in again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"
#include "mail/mail.h"
#include "mail/mime.h"

json_t *
quarantine_list(struct dom_err *e)
{
	json_t	*rows;

	if ((rows = db_query("SELECT id, source, state, reason, size, "
	    "received_at FROM quarantine ORDER BY id", "")) == NULL)
		dom_db_fail(e);
	return rows;
}

/* One quarantined message with its raw text, exactly as it came. */
static json_t *
quarantine_row(long long id, struct dom_err *e)
{
	json_t	*row;

	if ((row = db_query_row("SELECT id, source, state, reason, size, raw, "
	    "received_at FROM quarantine WHERE id = ?", "i", (int64_t)id))
	    == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_is_null(row)) {
		json_decref(row);
		dom_fail(e, DOM_NOT_FOUND, "no quarantined message %lld", id);
		return NULL;
	}
	return row;
}

/* For people: raw mail may be any bytes, so invalid ones are marked. */
json_t *
quarantine_show(long long id, struct dom_err *e)
{
	json_t	*row, *raw;
	char	*clean;

	if ((row = quarantine_row(id, e)) == NULL)
		return NULL;
	raw = json_object_get(row, "raw");
	clean = mime_utf8_clean(json_string_value(raw), json_string_length(raw));
	json_object_set_new(row, "raw", json_string(clean));
	free(clean);
	return row;
}

static const struct intake_conf *
quarantine_source(const char *name)
{
	int	i;

	for (i = 0; i < grantd_config->nintake; i++)
		if (strcmp(grantd_config->intake[i]->name, name) == 0)
			return grantd_config->intake[i];
	return NULL;
}

const char *
quarantine_result_name(enum intake_result res)
{
	static const char	*names[] = { "taken in", "a duplicate",
				    "still unreadable", "not stored; try again" };

	return names[res];
}

/* A retry while its documents are read: what it needs to finish. */
struct quarantine_retrying {
	char				 actor[65];
	long long			 id;
	const struct intake_conf	*in;
	char				*raw;
	size_t				 len;
	quarantine_retry_cb		 done;
	void				*arg;
};

/* The documents are read (or there were none): take the message in. */
static void
quarantine_retry_finish(struct intake_reading *rd, void *arg)
{
	struct quarantine_retrying	*q = arg;
	struct dom_err			 e;
	enum intake_result		 res;
	int				 rc = 0;

	memset(&e, 0, sizeof e);
	res = intake_process(q->in, q->raw, q->len, rd);
	intake_read_free(rd);
	if ((res == INTAKE_STORED || res == INTAKE_DUPLICATE) &&
	    db_exec("UPDATE quarantine SET state = 'released' WHERE id = ?", "i",
	    (int64_t)q->id) == -1)
		rc = dom_db_fail(&e);
	else if (db_begin() == -1 || audit_append(q->actor, "quarantine.retry",
	    q->in->name, json_pack("{s:I,s:s}", "id", (json_int_t)q->id,
	    "result", quarantine_result_name(res))) == -1 || db_commit() == -1)
		rc = dom_db_fail(&e);
	else if (res == INTAKE_RETRY)
		rc = dom_fail(&e, DOM_UNAVAILABLE, "database unavailable, try "
		    "again shortly");
	q->done(rc, res, &e, q->arg);
	free(q->raw);
	free(q);
}

/*
 * Take a quarantined message in again, e.g. after grantd was improved. It
 * stays in quarantine, marked released, once it is taken in. Its
 * documents are read by grantd-docread while the loop goes on, as for
 * new mail; done(rc, result, e, arg) then says what became of it (rc -1
 * with e filled if it could not be taken in), from the loop or, with no
 * documents to read, before this returns. -1 with e filled if there is no
 * such message or its mailbox is gone, and done is not called.
 */
int
quarantine_retry(const char *actor, long long id, quarantine_retry_cb done,
    void *arg, struct dom_err *e)
{
	struct quarantine_retrying	*q;
	struct intake_reading		*rd;
	json_t				*row, *raw;
	const char			*source;

	if ((row = quarantine_row(id, e)) == NULL)
		return -1;
	q = xcalloc(1, sizeof *q);
	source = json_string_value(json_object_get(row, "source"));
	if ((q->in = quarantine_source(source)) == NULL) {
		dom_fail(e, DOM_CONFLICT, "mailbox %s is no longer configured",
		    source);
		json_decref(row);
		free(q);
		return -1;
	}
	snprintf(q->actor, sizeof q->actor, "%s", actor);
	q->id = id;
	raw = json_object_get(row, "raw");
	q->len = json_string_length(raw);
	q->raw = xmalloc(q->len + 1);
	memcpy(q->raw, json_string_value(raw), q->len + 1);
	q->done = done;
	q->arg = arg;
	json_decref(row);
	if ((rd = intake_read_start(intake_loop(), q->in, q->raw, q->len,
	    quarantine_retry_finish, q)) == NULL)
		quarantine_retry_finish(NULL, q);
	return 0;
}
