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

/*
 * Take a quarantined message in again, e.g. after grantd was improved. It
 * stays in quarantine, marked released, once it is taken in. Returns what
 * became of it, or -1.
 */
int
quarantine_retry(const char *actor, long long id, enum intake_result *res,
    struct dom_err *e)
{
	const struct intake_conf	*in;
	struct intake_reading		*rd;
	json_t				*row;
	const char			*raw;
	size_t				 len;
	char				 source[64];

	if ((row = quarantine_row(id, e)) == NULL)
		return -1;
	snprintf(source, sizeof source, "%s",
	    json_string_value(json_object_get(row, "source")));
	if ((in = quarantine_source(source)) == NULL) {
		json_decref(row);
		return dom_fail(e, DOM_CONFLICT, "mailbox %s is no longer "
		    "configured", source);
	}
	raw = json_string_value(json_object_get(row, "raw"));
	len = json_string_length(json_object_get(row, "raw"));
	/*
	 * The officer waits for the answer, and so, for the few seconds
	 * its documents may take, does the loop: a rare, deliberate act.
	 */
	rd = intake_read_now(in, raw, len);
	*res = intake_process(in, raw, len, rd);
	intake_read_free(rd);
	json_decref(row);
	if ((*res == INTAKE_STORED || *res == INTAKE_DUPLICATE) &&
	    db_exec("UPDATE quarantine SET state = 'released' WHERE id = ?", "i",
	    (int64_t)id) == -1)
		return dom_db_fail(e);
	if (db_begin() == -1 || audit_append(actor, "quarantine.retry", source,
	    json_pack("{s:I,s:s}", "id", (json_int_t)id, "result",
	    quarantine_result_name(*res))) == -1 || db_commit() == -1)
		return dom_db_fail(e);
	if (*res == INTAKE_RETRY)
		return dom_fail(e, DOM_UNAVAILABLE, "database unavailable, try again "
		    "shortly");
	return 0;
}
