/*
 * audit.c: an append-only log of every state change. Each row's hash covers
 * the previous row's hash, and audit_head holds the last hash and the count,
 * so altering, deleting or appending behind grantd's back is detectable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "core/core.h"
#include "domain/domain.h"

#define AUDIT_BATCH 1000

static void
audit_hash(const char *prev, const char *at, const char *actor,
    const char *action, const char *entity, const char *detail, char out[65])
{
	char	*input;
	int	 n;

	n = xasprintf(&input, "%s\n%s\n%s\n%s\n%s\n%s", prev, at, actor, action,
	    entity, detail);
	sha256_hex(input, (size_t)n, out);
	free(input);
}

/*
 * A detail's values come from outside (a reason, a title, a header): each
 * string is bounded, so one long value cannot make the row fail to insert
 * or fill the log, and the whole is bounded to its column after.
 */
static json_t *
audit_short(json_t *x)
{
	char	*c = check_bounded(json_string_value(x), CHECK_VALUE_MAX);
	json_t	*r = json_string(c);

	free(c);
	return r;
}

static void
audit_bound(json_t *v)
{
	const char	*k;
	json_t		*x;
	size_t		 i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, x) {
			if (json_is_string(x) && json_string_length(x) >
			    CHECK_VALUE_MAX)
				json_object_set_new(v, k, audit_short(x));
			else
				audit_bound(x);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (json_is_string(x) && json_string_length(x) >
			    CHECK_VALUE_MAX)
				json_array_set_new(v, i, audit_short(x));
			else
				audit_bound(x);
		}
	}
}

/*
 * Append one row inside the caller's transaction. The head row is locked
 * first, so concurrent writers (several grantd on one database) queue.
 */
int
audit_append(const char *actor, const char *action, const char *entity,
    json_t *detail)
{
	struct timeval	 tv;
	struct tm	 tm;
	json_t		*head;
	char		 at[40], hash[65], prev[65], *text;
	long long	 rc;

	head = db_query_row("SELECT hash FROM audit_head WHERE id = 1 "
	    "FOR UPDATE", "");
	if (head == NULL || json_is_null(head)) {
		json_decref(head);
		return -1;
	}
	snprintf(prev, sizeof prev, "%s",
	    json_string_value(json_object_get(head, "hash")));
	json_decref(head);

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(at + strlen(at), sizeof at - strlen(at), ".%06ld",
	    (long)tv.tv_usec);
	audit_bound(detail);
	text = detail != NULL ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) :
	    xstrdup("{}");
	check_bound(text, CHECK_TEXT_MAX);
	audit_hash(prev, at, actor, action, entity, text, hash);
	rc = db_exec("INSERT INTO audit_log (at, actor, action, entity, detail, "
	    "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)", "sssssss", at,
	    actor, action, entity, text, prev, hash);
	free(text);
	json_decref(detail);
	if (rc == -1)
		return -1;
	if (db_exec("UPDATE audit_head SET hash = ?, last_id = ?, "
	    "count = count + 1 WHERE id = 1", "si", hash,
	    (int64_t)db_insert_id()) != 1)
		return -1;
	return 0;
}

static json_t *
audit_broken(long long id, const char *why)
{
	return json_pack("{s:b,s:I,s:s}", "ok", 0, "first_bad_id", id,
	    "reason", why);
}

/*
 * Walk the chain in id order. Returns {"ok":true,"rows":N} or the first row
 * that does not fit; NULL on a database error.
 */
json_t *
audit_verify(void)
{
	json_t		*head, *rows, *row;
	char		 prev[65] = "", hash[65];
	long long	 last = 0, count = 0, id = 0;
	size_t		 i;

	if ((head = db_query_row("SELECT hash, count, last_id FROM audit_head "
	    "WHERE id = 1", "")) == NULL)
		return NULL;
	if (json_is_null(head))
		return audit_broken(0, "the audit head row is missing");
	snprintf(prev, sizeof prev, "%064d", 0);
	for (;;) {
		rows = db_query("SELECT id, DATE_FORMAT(at, '%Y-%m-%d "
		    "%H:%i:%s.%f') AS at_raw, actor, action, entity, detail, "
		    "prev_hash, hash FROM audit_log WHERE id > ? ORDER BY id "
		    "LIMIT ?", "id", (int64_t)last, AUDIT_BATCH);
		if (rows == NULL) {
			json_decref(head);
			return NULL;
		}
		json_array_foreach(rows, i, row) {
			id = json_integer_value(json_object_get(row, "id"));
#define F(k) json_string_value(json_object_get(row, k))
			if (strcmp(F("prev_hash"), prev) != 0) {
				json_decref(rows);
				json_decref(head);
				return audit_broken(id, "it does not follow the "
				    "row before it (a row was deleted or "
				    "inserted)");
			}
			audit_hash(prev, F("at_raw"), F("actor"), F("action"),
			    F("entity"), F("detail"), hash);
			if (strcmp(hash, F("hash")) != 0) {
				json_decref(rows);
				json_decref(head);
				return audit_broken(id, "its content was changed");
			}
#undef F
			snprintf(prev, sizeof prev, "%s", hash);
			count++;
			last = id;
		}
		i = json_array_size(rows);
		json_decref(rows);
		if (i < AUDIT_BATCH)
			break;
	}
	if (strcmp(prev, json_string_value(json_object_get(head, "hash"))) != 0 ||
	    count != json_integer_value(json_object_get(head, "count"))) {
		long long	hid = json_integer_value(json_object_get(head,
		    "last_id"));
		json_decref(head);
		return audit_broken(hid > last ? hid : last + 1,
		    "the log ends early (its last rows were deleted)");
	}
	json_decref(head);
	return json_pack("{s:b,s:I}", "ok", 1, "rows", count);
}
