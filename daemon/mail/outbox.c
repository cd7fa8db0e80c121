/*
 * outbox.c: every email grantd sends. Rows are written in the transaction
 * of the change that causes them (outbox_queue); the sender claims due
 * rows in the database, so several grantd can share one, renders them,
 * hands them to the transport and records what happened. Transient
 * failures retry with exponential backoff and jitter until max_age;
 * permanent ones fail at once and tell the staff.
 */
#include <sys/random.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "mail/mail.h"
#include "domain/domain.h"
#include "mail/template.h"

#define OUTBOX_BATCH		20	/* rows claimed at a time */
#define OUTBOX_MAX_INFLIGHT	20	/* sends started, not yet finished */
#define OUTBOX_BACKOFF_MAX	3600	/* seconds */
#define OUTBOX_LEASE_MINUTES	15	/* a claim older than this is stale */

static struct event_base	*outbox_base;
static struct event		*outbox_poll_ev, *outbox_kick_ev;
static int			 outbox_inflight, outbox_stopping;
static double			 outbox_tokens;
static struct timespec		 outbox_refilled;

static void	outbox_run(void);
static void	outbox_reclaim(int);
static time_t	outbox_reclaimed;

/* "Fast Grants <grants@example.org>" → name and address (malloc'd). */
void
outbox_parse_from(const char *from, char **name, char **addr)
{
	const char	*lt = strchr(from, '<'), *gt;
	size_t		 n;

	if (lt == NULL || (gt = strchr(lt, '>')) == NULL) {
		*name = xstrdup("");
		*addr = xstrdup(from);
		return;
	}
	*addr = strndup(lt + 1, (size_t)(gt - lt - 1));
	n = (size_t)(lt - from);
	while (n > 0 && isspace((unsigned char)from[n - 1]))
		n--;
	if (n >= 2 && from[0] == '"' && from[n - 1] == '"')
		*name = strndup(from + 1, n - 2);
	else
		*name = strndup(from, n);
	if (*name == NULL || *addr == NULL)
		fatal("strndup");
}

static void
outbox_new_message_id(char *buf, size_t len)
{
	unsigned char	 r[12];
	char		*name, *addr, *at;
	size_t		 i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		fatal("getrandom");
	outbox_parse_from(grantd_config->mail_from, &name, &addr);
	at = strchr(addr, '@');
	snprintf(buf, len, "grantd.");
	for (i = 0; i < sizeof r; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%02x", r[i]);
	snprintf(buf + strlen(buf), len - strlen(buf), "@%s",
	    at != NULL && at[1] != '\0' ? at + 1 : "grantd.invalid");
	free(name);
	free(addr);
}

/*
 * Queue a message inside the caller's transaction; it is sent only once
 * that commits. Returns the row id, or -1 on a database error.
 */
long long
outbox_queue(const struct outbox_new *n)
{
	char		 mid[160], *vars;
	long long	 rc;

	outbox_new_message_id(mid, sizeof mid);
	vars = n->vars != NULL ? json_dumps(n->vars, JSON_COMPACT) : xstrdup("{}");
	rc = db_exec("INSERT INTO outbox (template, to_addr, to_name, "
	    "reply_to_addr, reply_to_name, reference, message_id, in_reply_to, "
	    "refs, auto_submitted, vars) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?)", "sssssssssss", n->template, n->to_addr, n->to_name,
	    n->reply_to_addr, n->reply_to_name, n->reference, mid,
	    n->in_reply_to, n->references, n->auto_submitted != NULL ?
	    n->auto_submitted : "auto-generated", vars);
	free(vars);
	if (rc != 1)
		return -1;
	outbox_kick();
	return db_insert_id();
}

static void
outbox_record(long long id, const char *state, const char *error,
    long long delay_ms)
{
	if (db_exec("UPDATE outbox SET state = ?, last_error = ?, "
	    "sent_at = IF(? = 'sent', UTC_TIMESTAMP(6), sent_at), "
	    "next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND, "
	    "claimed_by = NULL WHERE id = ? AND state = 'sending'", "sssii",
	    state, error, state, (int64_t)(delay_ms * 1000), (int64_t)id) == -1)
		log_warnx("outbox: message %lld: cannot record '%s': %s; it "
		    "will be sent again with the same Message-ID", id, state,
		    db_last_error());
}

/*
 * Mail to staff (alerts, digests) is never itself the subject of a staff
 * alert: the outbox tells staff of failures through staff_notify, which
 * queues staff mail, so a failed alert that raised an alert could loop.
 * Its failure is logged instead, where an administrator will see it.
 */
static const char *outbox_staff_templates[] = {
	"staff-alert", "staff-digest", NULL
};

int
outbox_template_is_staff(const char *template)
{
	const char	**t;

	for (t = outbox_staff_templates; template != NULL && *t != NULL; t++)
		if (strcmp(*t, template) == 0)
			return 1;
	return 0;
}

/* A failed message: mark it, and tell the officers in the same commit. */
static void
outbox_fail(long long id, const char *error)
{
	json_t	*row;

	if (db_begin() == -1)
		return;
	row = db_query_row("SELECT to_addr, template, reference FROM outbox "
	    "WHERE id = ?", "i", (int64_t)id);
	outbox_record(id, "failed", error, 0);
	if (row != NULL && !json_is_null(row) && outbox_template_is_staff(
	    json_string_value(json_object_get(row, "template"))))
		log_warnx("outbox: staff email %lld to %s failed: %s", id,
		    json_string_value(json_object_get(row, "to_addr")), error);
	else if (row != NULL && !json_is_null(row))
		staff_notify(ROLE_OFFICER | ROLE_ADMIN, "Email %lld (%s%s%s) to "
		    "%s failed: %s", id, json_string_value(json_object_get(row,
		    "template")), json_is_string(json_object_get(row,
		    "reference")) ? " for " : "", json_is_string(json_object_get(
		    row, "reference")) ? json_string_value(json_object_get(row,
		    "reference")) : "", json_string_value(json_object_get(row,
		    "to_addr")), error);
	json_decref(row);
	if (db_commit() == -1)
		db_rollback();
}

static long long
outbox_backoff_ms(int attempts)
{
	long long	base = grantd_config->mail_retry_base * 1000LL, ms;
	uint32_t	r;

	ms = base << (attempts > 1 ? (attempts - 1 > 20 ? 20 : attempts - 1) : 0);
	if (ms > OUTBOX_BACKOFF_MAX * 1000LL)
		ms = OUTBOX_BACKOFF_MAX * 1000LL;
	/* Jitter of ±25%, so many messages failing together spread out. */
	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = 0;
	return ms * 3 / 4 + (long long)(r % (uint32_t)(ms / 2 + 1));
}

static void
outbox_done(long long id, enum send_result result, const char *detail)
{
	json_t	*row;

	outbox_inflight--;
	if (!db_available()) {
		log_warnx("outbox: message %lld: %s, but the database is down; "
		    "it will be sent again, with the same Message-ID, once the database "
		    "is back", id, detail);
		return;
	}
	switch (result) {
	case SEND_OK:
		log_info("outbox: message %lld sent: %s", id, detail);
		outbox_record(id, "sent", NULL, 0);
		break;
	case SEND_PERMFAIL:
		log_warnx("outbox: message %lld failed: %s", id, detail);
		outbox_fail(id, detail);
		break;
	case SEND_TEMPFAIL:
		row = db_query_row("SELECT attempts, TIMESTAMPDIFF(SECOND, "
		    "queued_at, UTC_TIMESTAMP(6)) AS age FROM outbox WHERE id = ?",
		    "i", (int64_t)id);
		if (row == NULL || json_is_null(row)) {
			json_decref(row);
			break;
		}
		if (json_integer_value(json_object_get(row, "age")) >=
		    grantd_config->mail_max_age) {
			log_warnx("outbox: message %lld failed, still not "
			    "accepted after %ld seconds: %s", id,
			    grantd_config->mail_max_age, detail);
			outbox_fail(id, detail);
		} else {
			long long ms = outbox_backoff_ms((int)json_integer_value(
			    json_object_get(row, "attempts")));
			log_info("outbox: message %lld deferred, retry in %lld "
			    "s: %s", id, (ms + 999) / 1000, detail);
			outbox_record(id, "queued", detail, ms);
		}
		json_decref(row);
		break;
	}
	if (!outbox_stopping)
		outbox_kick();
}

/* Variables every letter may use without the producer setting them. */
static void
outbox_default_vars(json_t *vars)
{
	char	*name, *addr;

	outbox_parse_from(grantd_config->mail_from, &name, &addr);
	if (json_object_get(vars, "fund_name") == NULL)
		json_object_set_new(vars, "fund_name", json_string(*name ?
		    name : "grantd"));
	if (json_object_get(vars, "fund_email") == NULL)
		json_object_set_new(vars, "fund_email", json_string(addr));
	free(name);
	free(addr);
}

static void
outbox_send_row(json_t *row)
{
	const struct transport	*t;
	struct message_spec	 m;
	json_t			*vars;
	long long		 id;
	char			*subject = NULL, *body = NULL, *data, *fname, *faddr;
	char			 err[GRANT_ERRLEN];
	size_t			 len;

#define F(k) json_string_value(json_object_get(row, k))
	id = json_integer_value(json_object_get(row, "id"));
	outbox_inflight++;
	if ((t = transport_find(grantd_config->mail_transport)) == NULL)
		fatalx("unknown transport %s", grantd_config->mail_transport);
	if (!check_address(F("to_addr"))) {
		outbox_done(id, SEND_PERMFAIL, "the recipient's address is not "
		    "a valid email address");
		return;
	}
	vars = json_loads(F("vars"), 0, NULL);
	if (vars == NULL)
		vars = json_object();
	outbox_default_vars(vars);
	if (template_render(F("template"), vars, &subject, &body, err,
	    sizeof err) == -1) {
		json_decref(vars);
		outbox_done(id, SEND_PERMFAIL, err);
		return;
	}
	json_decref(vars);
	outbox_parse_from(grantd_config->mail_from, &fname, &faddr);
	memset(&m, 0, sizeof m);
	m.from_name = fname;
	m.from_addr = faddr;
	m.to_name = F("to_name");
	m.to_addr = F("to_addr");
	m.reply_to_name = F("reply_to_name");
	m.reply_to_addr = F("reply_to_addr");
	/*
	 * A group's reply to its named officer goes to grantd too: grantd reads
	 * it (the missing answers, "I accept", a monitoring return) and the
	 * officer sees it. Staff and assessors reply to a person only.
	 */
	m.reply_to_from = !outbox_template_is_staff(F("template")) &&
	    strncmp(F("template") != NULL ? F("template") : "", "assessor-",
	    9) != 0;
	m.subject = subject;
	m.body = body;
	m.message_id = F("message_id");
	m.in_reply_to = F("in_reply_to");
	m.references = F("refs");
	m.auto_submitted = F("auto_submitted");
	m.date = time(NULL);
	data = message_build(&m, t->crlf, &len);
#undef F
	/* Keep what was sent, for the application's thread. */
	if (db_exec("UPDATE outbox SET subject = ?, body = ? WHERE id = ?",
	    "ssi", subject, body, (int64_t)id) == -1)
		log_warnx("outbox: message %lld: %s", id, db_last_error());
	t->send(id, faddr, m.to_addr, data, len, outbox_done);
	free(data);
	free(subject);
	free(body);
	free(fname);
	free(faddr);
}

/* The rate limit, per grantd: a bucket of rate_per_minute tokens. */
static int
outbox_take_tokens(int want)
{
	struct timespec	now;
	double		rate = grantd_config->mail_rate_per_minute / 60.0;
	double		cap = grantd_config->mail_rate_per_minute;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (outbox_refilled.tv_sec == 0)
		outbox_tokens = cap < OUTBOX_BATCH ? cap : OUTBOX_BATCH;
	else
		outbox_tokens += rate * ((double)(now.tv_sec -
		    outbox_refilled.tv_sec) + (now.tv_nsec -
		    outbox_refilled.tv_nsec) / 1e9);
	if (outbox_tokens > cap)
		outbox_tokens = cap;
	outbox_refilled = now;
	if (want > (int)outbox_tokens)
		want = (int)outbox_tokens;
	outbox_tokens -= want;
	return want;
}

/* Claim up to n due rows for this instance; their ids in a JSON array. */
static json_t *
outbox_claim(int n)
{
	json_t	*ids, *row;
	size_t	 i;

	if (db_begin() == -1)
		return NULL;
	ids = db_query("SELECT id FROM outbox WHERE state = 'queued' AND "
	    "next_attempt_at <= UTC_TIMESTAMP(6) ORDER BY next_attempt_at, id "
	    "LIMIT ? FOR UPDATE SKIP LOCKED", "d", n);
	if (ids == NULL) {
		db_rollback();
		return NULL;
	}
	json_array_foreach(ids, i, row)
		if (db_exec("UPDATE outbox SET state = 'sending', claimed_by = ?, "
		    "claimed_at = UTC_TIMESTAMP(6), attempts = attempts + 1 "
		    "WHERE id = ?", "si", grantd_config->instance,
		    (int64_t)json_integer_value(json_object_get(row, "id")))
		    != 1) {
			db_rollback();
			json_decref(ids);
			return NULL;
		}
	if (db_commit() == -1) {
		json_decref(ids);
		return NULL;
	}
	return ids;
}

static void
outbox_run(void)
{
	json_t	*ids, *row, *full;
	size_t	 i;
	int	 n;

	if (outbox_stopping || !db_available())
		return;
	/* Claims left behind (a lost database, another grantd gone). */
	if (time(NULL) - outbox_reclaimed >= 30)
		outbox_reclaim(outbox_inflight == 0);
	n = OUTBOX_MAX_INFLIGHT - outbox_inflight;
	if (n > OUTBOX_BATCH)
		n = OUTBOX_BATCH;
	if (n <= 0 || (n = outbox_take_tokens(n)) == 0)
		return;
	if ((ids = outbox_claim(n)) == NULL)
		return;
	/* Tokens not used go back in the bucket. */
	outbox_tokens += n - (int)json_array_size(ids);
	json_array_foreach(ids, i, row) {
		full = db_query_row("SELECT id, template, to_addr, to_name, "
		    "reply_to_addr, reply_to_name, reference, message_id, "
		    "in_reply_to, refs, auto_submitted, vars FROM outbox WHERE "
		    "id = ?", "i", (int64_t)json_integer_value(json_object_get(
		    row, "id")));
		if (full != NULL && !json_is_null(full))
			outbox_send_row(full);
		json_decref(full);
	}
	if ((int)json_array_size(ids) == n)
		outbox_kick();	/* more may be waiting */
	json_decref(ids);
}

static void
outbox_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	outbox_run();
}

/* Look for work as soon as the loop is free, e.g. after a commit. */
void
outbox_kick(void)
{
	static const struct timeval	now = { 0, 0 };

	if (outbox_kick_ev != NULL && !outbox_stopping)
		evtimer_add(outbox_kick_ev, &now);
}

/*
 * Rows this instance claimed but is not sending (it stopped, or lost the
 * database as a send finished), and anyone's claim that is long stale, go
 * back in the queue. A message the server had accepted just before is
 * sent again, with the same Message-ID.
 */
static void
outbox_reclaim(int own)
{
	long long	n;

	outbox_reclaimed = time(NULL);
	n = db_exec("UPDATE outbox SET state = 'queued', claimed_by = NULL "
	    "WHERE state = 'sending' AND ((? AND claimed_by = ?) OR claimed_at "
	    "< UTC_TIMESTAMP(6) - INTERVAL ? MINUTE)", "dsd", own,
	    grantd_config->instance, OUTBOX_LEASE_MINUTES);
	if (n > 0)
		log_info("outbox: %lld interrupted message%s queued again", n,
		    n == 1 ? "" : "s");
}

void
outbox_start(struct event_base *base)
{
	struct timeval	tv = { grantd_config->mail_poll_interval, 0 };

	outbox_base = base;
	if (db_available())
		outbox_reclaim(1);
	outbox_poll_ev = event_new(base, -1, EV_PERSIST, outbox_timer_cb, NULL);
	event_add(outbox_poll_ev, &tv);
	outbox_kick_ev = evtimer_new(base, outbox_timer_cb, NULL);
	outbox_kick();
}

/* Stop claiming; sends under way finish (see outbox_idle). */
void
outbox_stop(void)
{
	outbox_stopping = 1;
	if (outbox_poll_ev != NULL) {
		event_free(outbox_poll_ev);
		outbox_poll_ev = NULL;
	}
	if (outbox_kick_ev != NULL) {
		event_free(outbox_kick_ev);
		outbox_kick_ev = NULL;
	}
}

int
outbox_idle(void)
{
	return outbox_inflight == 0;
}
