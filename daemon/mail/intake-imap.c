/*
 * intake-imap.c: an IMAP mailbox through libcurl's multi interface on the
 * event loop. Each poll: STATUS (UIDVALIDITY UIDNEXT MESSAGES), which is
 * all when nothing came since the last UID taken; otherwise NOOP (so the
 * selected mailbox shows what arrived), UID SEARCH past that UID, then per
 * message UID FETCH → its documents read, if it has any, while the loop
 * goes on (intake-documents.c) → intake → after the commit, flag it \Seen
 * and UID MOVE it to the processed folder. A crash before the move only
 * means the message is fetched again and found to be a duplicate.
 *
 * STATUS and CREATE go over connections of their own (a curl_loop_pool)
 * on which no mailbox is ever selected: Dovecot answers STATUS for the
 * selected mailbox from the session's view, blind to mail delivered since.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"

enum imap_step { IMAP_CREATE, IMAP_STATUS, IMAP_NOOP, IMAP_SEARCH,
    IMAP_FETCH, IMAP_STORE, IMAP_MOVE };

struct imap_run {
	const struct intake_conf *in;
	enum imap_step		 step;
	int			 busy;
	int			 pending;	/* asked for while busy */
	int			 created;	/* processed folder made */
	CURLSH			*pool;		/* for STATUS and CREATE */
	char			*base, *mailbox;
	uint64_t		*uids;
	size_t			 nuids, pos;
	char			*buf;
	size_t			 len, cap;
	size_t			 limit;
	uint64_t		 uidvalidity;
	uint64_t		 uidnext;	/* from STATUS; 0 if not told */
	struct intake_reading	*rd;	/* the fetched message's documents */
	char			 errbuf[CURL_ERROR_SIZE];
};

static struct imap_run	imap_runs[CONFIG_MAX_INTAKE];
static int		nimap_runs;
static int		imap_stopping;

static struct imap_run *
imap_run_for(const struct intake_conf *in)
{
	struct imap_run	*r;
	const char	*slash;
	int		 i;

	for (i = 0; i < nimap_runs; i++)
		if (imap_runs[i].in == in)
			return &imap_runs[i];
	if (nimap_runs == CONFIG_MAX_INTAKE)
		fatalx("too many IMAP mailboxes");
	r = &imap_runs[nimap_runs++];
	memset(r, 0, sizeof *r);
	r->in = in;
	r->pool = curl_loop_pool();
	/* imap://host:port/MAILBOX → "imap://host:port/" and "MAILBOX" */
	slash = strchr(strstr(in->url, "://") + 3, '/');
	if (slash == NULL) {
		xasprintf(&r->base, "%s/", in->url);
		r->mailbox = xstrdup("INBOX");
	} else {
		r->base = strndup(in->url, (size_t)(slash - in->url + 1));
		r->mailbox = xstrdup(slash[1] != '\0' ? slash + 1 : "INBOX");
	}
	return r;
}

static size_t
imap_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct imap_run	*r = arg;
	size_t		 add = size * n, keep = add;

	/* Past the limit, keep draining but stop storing. */
	if (r->len + keep > r->limit)
		keep = r->len < r->limit ? r->limit - r->len : 0;
	if (r->len + keep + 1 > r->cap) {
		r->cap = (r->len + keep + 1) * 2;
		if ((r->buf = realloc(r->buf, r->cap)) == NULL)
			fatal("realloc");
	}
	memcpy(r->buf + r->len, data, keep);
	r->len += keep;
	r->buf[r->len] = '\0';
	return add;
}

static void	imap_next(struct imap_run *);
static void	imap_done_cb(CURL *, CURLcode, void *);
static void	imap_command(struct imap_run *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * The poll is over: record how it ended (unless it only stopped for the
 * database), and start the one asked for meanwhile.
 */
static void
imap_end(struct imap_run *r, int record, const char *error)
{
	if (record)
		intake_polled(r->in, error);
	r->busy = 0;
	if (r->pending && !imap_stopping) {
		r->pending = 0;
		intake_again(r->in);
	}
}

/*
 * One transfer: url is appended to the server's base URL (a mailbox makes
 * curl SELECT it first, unless its connection has it selected already);
 * cmd, if not NULL, is sent as a custom command. Without a mailbox it goes
 * over the run's own pool.
 */
static void
imap_transfer(struct imap_run *r, const char *path, char *cmd)
{
	const struct intake_conf	*in = r->in;
	CURL				*easy;
	char				*url, *password = NULL, err[GRANT_ERRLEN];

	r->len = 0;
	if (r->buf != NULL)
		*r->buf = '\0';
	*r->errbuf = '\0';
	if (config_read_secret(in->password_file, &password, err,
	    sizeof err) == -1) {
		imap_end(r, 1, err);
		free(cmd);
		return;
	}
	xasprintf(&url, "%s%s", r->base, path);
	if ((easy = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	curl_easy_setopt(easy, CURLOPT_URL, url);
	if (cmd != NULL)
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, cmd);
	curl_easy_setopt(easy, CURLOPT_USERNAME, in->user);
	curl_easy_setopt(easy, CURLOPT_PASSWORD, password ? password : "");
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, imap_write_cb);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, r->errbuf);
	if (*path == '\0')
		curl_easy_setopt(easy, CURLOPT_SHARE, r->pool);
	curl_loop_mail_options(easy, 300L, in->starttls, in->ca_file);
	free(url);
	free(cmd);
	free(password);
	if (curl_loop_add(easy, imap_done_cb, r) == -1) {
		curl_easy_cleanup(easy);
		imap_end(r, 1, "cannot start an IMAP transfer");
	}
}

static void
imap_command(struct imap_run *r, int with_mailbox, const char *fmt, ...)
{
	char	*cmd;
	va_list	 ap;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	imap_transfer(r, with_mailbox ? r->mailbox : "", cmd);
}

/*
 * curl's own UID FETCH, which hands over the message itself; it also
 * refuses if the mailbox's UIDVALIDITY is no longer the one we read.
 */
static void
imap_fetch(struct imap_run *r, uint64_t uid)
{
	char	*path;

	xasprintf(&path, "%s;UIDVALIDITY=%" PRIu64 ";UID=%" PRIu64, r->mailbox,
	    r->uidvalidity, uid);
	imap_transfer(r, path, NULL);
	free(path);
}

/* "* STATUS INBOX (UIDVALIDITY 1234 UIDNEXT 5)": one of them, by name. */
static int
imap_parse_status(const char *buf, const char *item, uint64_t *v)
{
	const char	*p = buf != NULL ? strrchr(buf, '(') : NULL;

	/* Past the mailbox name, which may be any word. */
	p = p != NULL ? strstr(p, item) : NULL;

	return p != NULL && p[strlen(item)] == ' ' &&
	    sscanf(p + strlen(item) + 1, "%" SCNu64, v) == 1 ? 0 : -1;
}

/* "* SEARCH 3 4 5": the UIDs above last_uid, ascending. */
static void
imap_parse_search(struct imap_run *r, uint64_t last)
{
	const char	*p = r->buf != NULL ? strstr(r->buf, "* SEARCH") : NULL;
	char		*end;
	uint64_t	 uid;

	free(r->uids);
	r->uids = NULL;
	r->nuids = r->pos = 0;
	if (p == NULL)
		return;
	for (p += 8; *p != '\0' && *p != '\r' && *p != '\n'; p = end) {
		while (*p == ' ')
			p++;
		uid = strtoull(p, &end, 10);
		if (end == p)
			break;
		if (uid <= last)
			continue;
		if ((r->uids = realloc(r->uids, (r->nuids + 1) *
		    sizeof *r->uids)) == NULL)
			fatal("realloc");
		r->uids[r->nuids++] = uid;
	}
}

static void
imap_fail(struct imap_run *r, const char *what, CURLcode rc)
{
	char	err[CURL_ERROR_SIZE + 128];

	snprintf(err, sizeof err, "IMAP %s at %s: %s", what, r->in->url,
	    *r->errbuf != '\0' ? r->errbuf : curl_easy_strerror(rc));
	imap_end(r, 1, err);
}

static int
imap_saved_uids(struct imap_run *r, uint64_t *validity, uint64_t *last)
{
	json_t	*row;

	row = db_query_row("SELECT COALESCE(uidvalidity, 0) AS v, last_uid FROM "
	    "intake_mailboxes WHERE name = ?", "s", r->in->name);
	if (row == NULL)
		return -1;
	*validity = *last = 0;
	if (!json_is_null(row)) {
		*validity = (uint64_t)json_integer_value(json_object_get(row, "v"));
		*last = (uint64_t)json_integer_value(json_object_get(row,
		    "last_uid"));
	}
	json_decref(row);
	return 0;
}

/* Nothing at or below uid is left to read. */
static void
imap_taken_upto(struct imap_run *r, uint64_t uid)
{
	db_exec("UPDATE intake_mailboxes SET last_uid = ? WHERE name = ? AND "
	    "last_uid < ?", "isi", (int64_t)uid, r->in->name, (int64_t)uid);
}

/*
 * STATUS answered: start afresh on a new UIDVALIDITY, and stop here when
 * no UID was handed out past the last one taken, or the mailbox is empty.
 * Returns 1 to read on.
 */
static int
imap_status_read(struct imap_run *r, CURLcode rc)
{
	uint64_t	validity, saved, last, messages = 0;

	if (rc != CURLE_OK || imap_parse_status(r->buf, "UIDVALIDITY",
	    &validity) == -1) {
		imap_fail(r, "STATUS", rc);
		return 0;
	}
	/* Not told: search every time. */
	if (imap_parse_status(r->buf, "UIDNEXT", &r->uidnext) == -1 ||
	    imap_parse_status(r->buf, "MESSAGES", &messages) == -1)
		r->uidnext = 0;
	if (!db_available() || imap_saved_uids(r, &saved, &last) == -1) {
		imap_end(r, 0, NULL);
		return 0;
	}
	r->uidvalidity = validity;
	/* A new UIDVALIDITY means old UIDs mean nothing: start over. */
	if (saved != validity) {
		if (saved != 0)
			log_warnx("intake %s: UIDVALIDITY changed from %" PRIu64
			    " to %" PRIu64 "; reading the mailbox afresh",
			    r->in->name, saved, validity);
		db_exec("INSERT INTO intake_mailboxes (name, uidvalidity, "
		    "last_uid) VALUES (?, ?, 0) ON DUPLICATE KEY UPDATE "
		    "uidvalidity = ?, last_uid = 0", "sii", r->in->name,
		    (int64_t)validity, (int64_t)validity);
		last = 0;
	}
	/*
	 * Empty, every UID below UIDNEXT is gone, read or not ours (moved
	 * away by a person): the next STATUS with this UIDNEXT is all, even
	 * past a gap in the UIDs.
	 */
	if (r->uidnext != 0 && messages == 0 && r->uidnext > last + 1)
		imap_taken_upto(r, r->uidnext - 1);
	else if (r->uidnext == 0 || r->uidnext > last + 1)
		return 1;
	imap_end(r, 1, NULL);
	return 0;
}

/* The fetched message in (with its documents, read): then mark it. */
static void
imap_take(struct imap_run *r)
{
	enum intake_result	res;

	res = intake_process(r->in, r->buf != NULL ? r->buf : "", r->len,
	    r->rd);
	intake_read_free(r->rd);
	r->rd = NULL;
	if (res == INTAKE_RETRY) {
		imap_end(r, 0, NULL);
		return;
	}
	r->step = IMAP_STORE;
	imap_command(r, 1, "UID STORE %" PRIu64 " +FLAGS (\\Seen)",
	    r->uids[r->pos]);
}

static void
imap_read_cb(struct intake_reading *rd, void *arg)
{
	imap_take(arg);
}

static void
imap_done_cb(CURL *easy, CURLcode rc, void *arg)
{
	struct imap_run		*r = arg;
	uint64_t		 saved, last;

	/* Shutting down: leave the rest for the next start. */
	if (imap_stopping) {
		imap_end(r, 0, NULL);
		return;
	}
	switch (r->step) {
	case IMAP_CREATE:
		/* "already exists" is fine; any real trouble shows next. */
		r->created = 1;
		r->step = IMAP_STATUS;
		imap_command(r, 0, "STATUS \"%s\" (UIDVALIDITY UIDNEXT MESSAGES)",
		    r->mailbox);
		return;
	case IMAP_STATUS:
		if (!imap_status_read(r, rc))
			return;
		/*
		 * A connection that has the mailbox selected sees new
		 * mail only once it asks the server again.
		 */
		r->step = IMAP_NOOP;
		imap_command(r, 1, "NOOP");
		return;
	case IMAP_NOOP:
		if (rc != CURLE_OK) {
			imap_fail(r, "SELECT", rc);
			return;
		}
		if (imap_saved_uids(r, &saved, &last) == -1) {
			imap_end(r, 0, NULL);
			return;
		}
		r->step = IMAP_SEARCH;
		imap_command(r, 1, "UID SEARCH UID %" PRIu64 ":*", last + 1);
		return;
	case IMAP_SEARCH:
		if (rc != CURLE_OK) {
			imap_fail(r, "SEARCH", rc);
			return;
		}
		if (imap_saved_uids(r, &saved, &last) == -1) {
			imap_end(r, 0, NULL);
			return;
		}
		imap_parse_search(r, last);
		imap_next(r);
		return;
	case IMAP_FETCH:
		if (rc != CURLE_OK) {
			imap_fail(r, "FETCH", rc);
			return;
		}
		/* Documents to read: the run waits for them, the loop not. */
		r->rd = intake_read_start(intake_loop(), r->in, r->buf != NULL ?
		    r->buf : "", r->len, imap_read_cb, r);
		if (r->rd == NULL)
			imap_take(r);
		return;
	case IMAP_STORE:
		if (rc != CURLE_OK) {
			imap_fail(r, "STORE", rc);
			return;
		}
		r->step = IMAP_MOVE;
		imap_command(r, 1, "UID MOVE %" PRIu64 " \"%s\"", r->uids[r->pos],
		    r->in->processed_folder);
		return;
	case IMAP_MOVE:
		if (rc != CURLE_OK) {
			imap_fail(r, "MOVE", rc);
			return;
		}
		imap_taken_upto(r, r->uids[r->pos]);
		r->pos++;
		imap_next(r);
		return;
	}
}

static void
imap_next(struct imap_run *r)
{
	if (r->pos >= r->nuids) {
		imap_end(r, 1, NULL);
		return;
	}
	r->step = IMAP_FETCH;
	imap_fetch(r, r->uids[r->pos]);
}

/*
 * Returns 0 when a poll starts, 1 when one is under way and another will
 * follow it, -1 when none can start (the database is unavailable).
 */
int
intake_imap_poll(const struct intake_conf *in)
{
	struct imap_run	*r = imap_run_for(in);

	if (imap_stopping || !db_available())
		return -1;
	if (r->busy) {
		r->pending = 1;
		return 1;
	}
	r->busy = 1;
	/* Room for the largest message the intake takes, and a little over. */
	r->limit = (size_t)grantd_config->max_message + 4096;
	if (!r->created) {
		r->step = IMAP_CREATE;
		imap_command(r, 0, "CREATE \"%s\"", in->processed_folder);
	} else {
		r->step = IMAP_STATUS;
		imap_command(r, 0, "STATUS \"%s\" (UIDVALIDITY UIDNEXT MESSAGES)",
		    r->mailbox);
	}
	return 0;
}

int
intake_imap_busy(const struct intake_conf *in)
{
	return imap_run_for(in)->busy;
}

/*
 * From now on, transfers that end start nothing new; documents still
 * being read are given up, their messages left unmarked.
 */
void
intake_imap_stop(void)
{
	int	i;

	imap_stopping = 1;
	for (i = 0; i < nimap_runs; i++)
		if (imap_runs[i].rd != NULL) {
			intake_read_free(imap_runs[i].rd);
			imap_runs[i].rd = NULL;
			imap_end(&imap_runs[i], 0, NULL);
		}
}
