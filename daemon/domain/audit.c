/*
 * audit.c: an append-only log of every state change. Each row's hash covers
 * the previous row's hash, and audit_head holds the last hash and the count,
 * so altering, deleting or appending behind grantd's back is detectable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "core/core.h"
#include "domain/domain.h"

#define AUDIT_BATCH 1000

/*
 * Rows written before detail_hash existed hash their detail itself; newer
 * rows hash "sha256:" and the detail's own hash, so the detail can later be
 * replaced by a redaction marker (personal data erased) and the chain still
 * verifies.
 */
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
	char		 at[40], hash[65], prev[65], dhash[65], *text, *covered;
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
	sha256_hex(text, strlen(text), dhash);
	xasprintf(&covered, "sha256:%s", dhash);
	audit_hash(prev, at, actor, action, entity, covered, hash);
	free(covered);
	rc = db_exec("INSERT INTO audit_log (at, actor, action, entity, detail, "
	    "detail_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    "ssssssss", at, actor, action, entity, text, dhash, prev, hash);
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

/* Where an anchor is met in the walk: by its count, or by its hash alone. */
struct audit_anchor {
	long long	 count;		/* 0: any row with the hash */
	char		 hash[65];
	int		 met;
};

static json_t *
audit_anchor_missed(const struct audit_anchor *a, long long rows)
{
	char	why[256];

	if (a->count > rows)
		snprintf(why, sizeof why, "the log has %lld entries, fewer than "
		    "the anchor's %lld (entries were removed and the chain "
		    "rewritten)", rows, a->count);
	else if (a->count > 0)
		snprintf(why, sizeof why, "entry %lld does not have the "
		    "anchor's hash (the log was rewritten)", a->count);
	else
		snprintf(why, sizeof why, "no entry has the anchor's hash "
		    "(the log was rewritten)");
	return json_pack("{s:b,s:s}", "ok", 0, "reason", why);
}

/* One row of the walk: NULL if it fits, else the answer saying why not. */
static json_t *
audit_walk_row(json_t *row, char prev[65], long long count,
    struct audit_anchor *a)
{
	long long	 id = json_integer_value(json_object_get(row, "id"));
	char		 hash[65], dhash[65], *covered;

#define F(k) json_string_value(json_object_get(row, k))
	if (strcmp(F("prev_hash"), prev) != 0)
		return audit_broken(id, "it does not follow the row before it "
		    "(a row was deleted or inserted)");
	if (F("detail_hash") == NULL)
		audit_hash(prev, F("at_raw"), F("actor"), F("action"),
		    F("entity"), F("detail"), hash);
	else {
		/* A redacted detail holds only the marker; any other must
		 * still be the text its hash was taken of. */
		if (json_is_null(json_object_get(row, "redacted_at"))) {
			sha256_hex(F("detail"), strlen(F("detail")), dhash);
			if (strcmp(dhash, F("detail_hash")) != 0)
				return audit_broken(id, "its content was "
				    "changed");
		} else if (strcmp(F("detail"), AUDIT_REDACTED) != 0)
			return audit_broken(id, "its content was changed");
		xasprintf(&covered, "sha256:%s", F("detail_hash"));
		audit_hash(prev, F("at_raw"), F("actor"), F("action"),
		    F("entity"), covered, hash);
		free(covered);
	}
	if (strcmp(hash, F("hash")) != 0)
		return audit_broken(id, "its content was changed");
#undef F
	snprintf(prev, 65, "%s", hash);
	if (a != NULL && !a->met && strcmp(a->hash, hash) == 0 &&
	    (a->count == 0 || a->count == count))
		a->met = 1;
	return NULL;
}

/*
 * Walk the chain in id order, from the start to the head; with an anchor,
 * it must be met on the way. Returns {"ok":true,"rows":N} or the first
 * thing that does not fit; NULL on a database error.
 */
static json_t *
audit_walk(struct audit_anchor *a)
{
	json_t		*head, *rows, *row, *bad = NULL;
	char		 prev[65];
	long long	 last = 0, count = 0;
	size_t		 i;

	if ((head = db_query_row("SELECT hash, count, last_id FROM audit_head "
	    "WHERE id = 1", "")) == NULL)
		return NULL;
	if (json_is_null(head))
		return audit_broken(0, "the audit head row is missing");
	snprintf(prev, sizeof prev, "%064d", 0);
	if (a != NULL && a->count == 0 && strcmp(a->hash, prev) == 0)
		a->met = 1;	/* the empty log's anchor */
	for (;;) {
		rows = db_query("SELECT id, DATE_FORMAT(at, '%Y-%m-%d "
		    "%H:%i:%s.%f') AS at_raw, actor, action, entity, detail, "
		    "detail_hash, redacted_at, prev_hash, hash FROM audit_log WHERE id > ? ORDER BY id "
		    "LIMIT ?", "id", (int64_t)last, AUDIT_BATCH);
		if (rows == NULL) {
			json_decref(head);
			return NULL;
		}
		json_array_foreach(rows, i, row) {
			if ((bad = audit_walk_row(row, prev, ++count, a)) != NULL)
				break;
			last = json_integer_value(json_object_get(row, "id"));
		}
		i = json_array_size(rows);
		json_decref(rows);
		if (bad != NULL) {
			json_decref(head);
			return bad;
		}
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
	if (a != NULL && !a->met)
		return audit_anchor_missed(a, count);
	return json_pack("{s:b,s:I}", "ok", 1, "rows", count);
}

json_t *
audit_verify(void)
{
	return audit_walk(NULL);
}

/*
 * "COUNT:HASH" (or just "HASH"), as audit_anchor_get() gives it: the
 * chain must still reach that entry with that hash. Returns -1 with err
 * on a malformed anchor, else 0 with *result (NULL on a database error).
 */
int
audit_verify_anchor(const char *anchor, json_t **result, char *err,
    size_t errlen)
{
	struct audit_anchor	 a;
	const char		*h = anchor, *colon;
	char			*end;

	memset(&a, 0, sizeof a);
	if ((colon = strchr(anchor, ':')) != NULL) {
		errno = 0;
		a.count = strtoll(anchor, &end, 10);
		if (end != colon || end == anchor || errno != 0 ||
		    a.count < 0 || *anchor == '-' || *anchor == '+') {
			errfmt(err, errlen, "an anchor is COUNT:HASH, as "
			    "'grantctl audit anchor' prints it");
			return -1;
		}
		h = colon + 1;
	}
	if (strlen(h) != 64 || strspn(h, "0123456789abcdef") != 64) {
		errfmt(err, errlen, "an anchor's hash is 64 hexadecimal digits, "
		    "as 'grantctl audit anchor' prints it");
		return -1;
	}
	memcpy(a.hash, h, 65);
	if (colon != NULL && a.count == 0 && strspn(h, "0") != 64) {
		errfmt(err, errlen, "entry 0 is the empty log, whose hash is "
		    "all zeros");
		return -1;
	}
	*result = audit_walk(&a);
	return 0;
}

/* The chain's head, {"count":N,"hash":H,"anchor":"N:H"}; NULL on error. */
json_t *
audit_anchor_get(void)
{
	json_t	*head, *r;
	char	*anchor;

	if ((head = db_query_row("SELECT count, hash FROM audit_head WHERE "
	    "id = 1", "")) == NULL || json_is_null(head)) {
		json_decref(head);
		return NULL;
	}
	xasprintf(&anchor, "%lld:%s", (long long)json_integer_value(
	    json_object_get(head, "count")), json_string_value(
	    json_object_get(head, "hash")));
	r = json_pack("{s:O,s:O,s:s}", "count", json_object_get(head, "count"),
	    "hash", json_object_get(head, "hash"), "anchor", anchor);
	free(anchor);
	json_decref(head);
	return r;
}

/*
 * Once a day the head goes to the log (syslog), which the database's
 * writers cannot rewrite: an anchor to check the chain against later.
 */
#define AUDIT_ANCHOR_FIRST	5
#define AUDIT_ANCHOR_EVERY	86400
static struct event	*audit_ev;

static void
audit_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timeval	 tv = { AUDIT_ANCHOR_EVERY, 0 };
	json_t		*a;

	if (db_available() && (a = audit_anchor_get()) != NULL) {
		log_info("audit anchor: %s", json_string_value(
		    json_object_get(a, "anchor")));
		json_decref(a);
	} else
		tv.tv_sec = 600;	/* the database is away: soon again */
	event_add(audit_ev, &tv);
}

void
audit_start(struct event_base *base)
{
	struct timeval	tv = { AUDIT_ANCHOR_FIRST, 0 };

	audit_ev = evtimer_new(base, audit_timer_cb, NULL);
	event_add(audit_ev, &tv);
}

void
audit_stop(void)
{
	if (audit_ev != NULL) {
		event_free(audit_ev);
		audit_ev = NULL;
	}
}

/*
 * Replace the detail of every row about one entity (an application's
 * reference), or holding a given text (an email address; NULL: none),
 * with the redaction marker, inside the caller's transaction.
 * Rows from before detail_hash cannot be redacted without breaking the
 * chain, so they are left, and counted. Returns the rows redacted, -1 on a
 * database error.
 */
long long
audit_redact(const char *entity, const char *text, long long *kept)
{
	json_t	*row;

	*kept = 0;
	if ((row = db_query_row("SELECT COUNT(*) AS n FROM audit_log WHERE "
	    "(entity = ? OR (? IS NOT NULL AND INSTR(detail, ?) > 0)) AND "
	    "detail_hash IS NULL", "sss", entity, text, text)) == NULL)
		return -1;
	*kept = json_integer_value(json_object_get(row, "n"));
	json_decref(row);
	return db_exec("UPDATE audit_log SET detail = ?, redacted_at = "
	    "UTC_TIMESTAMP(6) WHERE (entity = ? OR (? IS NOT NULL AND "
	    "INSTR(detail, ?) > 0)) AND detail_hash IS NOT NULL AND "
	    "redacted_at IS NULL", "ssss", AUDIT_REDACTED, entity, text, text);
}

#define AUDIT_LIST_MAX 1000

/* The newest limit rows (of one entity, if given), shown oldest first. */
json_t *
audit_list(const char *entity, long limit, struct dom_err *e)
{
	json_t	*rows;

	if (limit < 1 || limit > AUDIT_LIST_MAX) {
		dom_fail(e, DOM_BAD, "limit must be from 1 to %d",
		    AUDIT_LIST_MAX);
		return NULL;
	}
	if ((rows = db_query("SELECT * FROM (SELECT id, at, actor, action, "
	    "entity, detail FROM audit_log WHERE (? IS NULL OR entity = ?) "
	    "ORDER BY id DESC LIMIT ?) t ORDER BY id", "ssd", entity, entity,
	    (int)limit)) == NULL)
		dom_db_fail(e);
	return rows;
}
