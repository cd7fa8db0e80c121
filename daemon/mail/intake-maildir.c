/*
 * intake-maildir.c: messages in a Maildir's new/ are taken in, then moved
 * to cur/ with the S flag, only after their transaction commits. tmp/ is
 * another writer's business and never read. inotify says when something
 * lands in new/, so it is read at once; the poll timer remains for what
 * inotify cannot see (a file system shared over the network).
 *
 * A message with documents waits, unmarked in new/, while they are read
 * (intake-documents.c); the Maildir reads nothing else meanwhile, so its
 * messages are still taken in one at a time, oldest first, and goes on
 * from there once that one is taken in.
 */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "mail/mail.h"

#define MAILDIR_BATCH 200	/* messages per turn of the loop */

struct maildir_watch {
	const struct intake_conf	*in;
	int				 wd;	/* -1: not watched (yet) */
	struct intake_reading		*rd;	/* a message's documents */
	char				*name;	/* that message, in new/ */
	char				*raw;
	size_t				 len;
};

static struct maildir_watch	 maildir_watches[CONFIG_MAX_INTAKE];
static int			 maildir_nwatches;
static int			 maildir_ifd = -1;
static struct event		*maildir_iev;

static struct maildir_watch *
maildir_watch_for(const struct intake_conf *in)
{
	int	i;

	for (i = 0; i < maildir_nwatches; i++)
		if (maildir_watches[i].in == in)
			return &maildir_watches[i];
	return NULL;
}

/*
 * Watch new/ for arrivals: renamed in from tmp/, as a Maildir writer
 * should, or written there and closed. Tried again at each poll while it
 * fails (new/ not there yet, or gone and made again).
 */
static void
maildir_watch_add(struct maildir_watch *w)
{
	char	*dir;

	if (maildir_ifd == -1 || w->wd != -1)
		return;
	xasprintf(&dir, "%s/new", w->in->path);
	w->wd = inotify_add_watch(maildir_ifd, dir, IN_MOVED_TO |
	    IN_CLOSE_WRITE | IN_ONLYDIR);
	if (w->wd == -1)
		log_debug("intake %s: cannot watch %s (%s); reading it every "
		    "%ld s", w->in->name, dir, strerror(errno),
		    w->in->poll_interval);
	free(dir);
}

/* One event: ask for a read of the Maildir it is about. */
static void
maildir_event(const struct inotify_event *ev)
{
	struct maildir_watch	*w;
	int			 i;

	for (i = 0; i < maildir_nwatches; i++) {
		w = &maildir_watches[i];
		/* The queue overflowed: any of them may have mail. */
		if (!(ev->mask & IN_Q_OVERFLOW) && w->wd != ev->wd)
			continue;
		if (ev->mask & IN_IGNORED) {
			/* new/ is gone; perhaps made again already. */
			w->wd = -1;
			maildir_watch_add(w);
		}
		intake_again(w->in);
	}
}

/*
 * Drain every event waiting; intake_again() makes all those for one
 * Maildir a single read, at the next turn of the loop.
 */
static void
maildir_inotify_cb(evutil_socket_t fd, short what, void *arg)
{
	char	 buf[8192] __attribute__((aligned(__alignof__(struct
		     inotify_event))));
	const struct inotify_event *ev;
	ssize_t	 n;
	char	*p;

	while ((n = read(fd, buf, sizeof buf)) > 0 || (n == -1 &&
	    errno == EINTR))
		for (p = buf; n > 0 && p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			maildir_event(ev);
		}
	if (n == -1 && errno != EAGAIN)
		log_warn("intake: reading inotify events");
}

/* Read in->path/new/ as soon as mail lands there. */
void
intake_maildir_watch(struct event_base *base, const struct intake_conf *in)
{
	struct maildir_watch	*w;

	if (maildir_ifd == -1 && maildir_nwatches == 0) {
		if ((maildir_ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
		    == -1)
			log_warn("intake: inotify; Maildirs are read every "
			    "poll_interval only");
		else {
			maildir_iev = event_new(base, maildir_ifd, EV_READ |
			    EV_PERSIST, maildir_inotify_cb, NULL);
			event_add(maildir_iev, NULL);
		}
	}
	w = &maildir_watches[maildir_nwatches++];
	w->in = in;
	w->wd = -1;
	maildir_watch_add(w);
}

/* The message waiting on its documents is done with, taken in or not. */
static void
maildir_wait_end(struct maildir_watch *w)
{
	intake_read_free(w->rd);
	free(w->name);
	free(w->raw);
	w->rd = NULL;
	w->name = w->raw = NULL;
}

/* Readers still at work are stopped; their messages stay in new/. */
void
intake_maildir_unwatch(void)
{
	int	i;

	for (i = 0; i < maildir_nwatches; i++)
		maildir_wait_end(&maildir_watches[i]);
	if (maildir_iev != NULL)
		event_free(maildir_iev);
	maildir_iev = NULL;
	if (maildir_ifd != -1)
		close(maildir_ifd);
	maildir_ifd = -1;
	maildir_nwatches = 0;
}

static int
maildir_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* new/NAME → cur/NAME:2,S (keeping flags already there, adding S). */
static int
maildir_done(const char *dir, const char *name)
{
	char	*from, *to;
	int	 rc;

	xasprintf(&from, "%s/new/%s", dir, name);
	if (strstr(name, ":2,") != NULL)
		xasprintf(&to, "%s/cur/%s%s", dir, name,
		    strchr(strstr(name, ":2,"), 'S') ? "" : "S");
	else
		xasprintf(&to, "%s/cur/%s:2,S", dir, name);
	rc = rename(from, to);
	free(from);
	free(to);
	return rc;
}

/*
 * new/NAME is a symbolic link, a FIFO, a directory or the like: no MTA
 * delivers those, and reading one could hang the daemon or pull in a file
 * nobody sent. It is moved (the link itself, never its target) to
 * unsafe/ beside new/, where whoever runs the mailbox can look, and
 * logged once, there.
 */
static void
maildir_set_aside(const struct intake_conf *in, const char *name, int why)
{
	char	*from, *dir, *to;

	xasprintf(&from, "%s/new/%s", in->path, name);
	xasprintf(&dir, "%s/unsafe", in->path);
	xasprintf(&to, "%s/%s", dir, name);
	if ((mkdir(dir, 0700) == -1 && errno != EEXIST) ||
	    rename(from, to) == -1)
		log_warn("intake %s: new/%s is not a regular file and cannot "
		    "be moved to unsafe/", in->name, name);
	else
		log_warnx("intake %s: new/%s is %s, not a message; not read, "
		    "moved to unsafe/", in->name, name, why == ELOOP ?
		    "a symbolic link" : "not a regular file");
	free(from);
	free(dir);
	free(to);
}

/*
 * new/NAME in: marked done unless it must wait (-1: try again later).
 * rd holds its documents, read; NULL if it had none.
 */
static int
maildir_take(const struct intake_conf *in, const char *name, const char *raw,
    size_t len, struct intake_reading *rd)
{
	if (intake_process(in, raw, len, rd) == INTAKE_RETRY)
		return -1;
	if (maildir_done(in->path, name) == -1)
		log_warn("intake %s: cannot move %s to cur/", in->name, name);
	return 0;
}

/* Its documents are read: take the message in, then read on. */
static void
maildir_read_cb(struct intake_reading *rd, void *arg)
{
	struct maildir_watch	*w = arg;
	int			 rc;

	rc = maildir_take(w->in, w->name, w->raw, w->len, rd);
	maildir_wait_end(w);
	if (rc == -1)
		intake_later(w->in);
	else
		intake_again(w->in);
}

/* Returns 1 while a message waits on its documents (it reads on after). */
int
intake_maildir_poll(const struct intake_conf *in)
{
	DIR			*d;
	struct dirent		*de;
	char			*dir, **names = NULL, *path, *raw, err[512];
	size_t			 n = 0, cap = 0, i, len;
	struct maildir_watch	*w;
	struct intake_reading	*rd;
	int			 more = 0, retry = 0, waiting = 0, saved;

	/* intake_start() watches every Maildir before it is polled */
	if ((w = maildir_watch_for(in)) == NULL)
		fatalx("intake %s: polled before it is watched", in->name);
	if (w->rd != NULL)
		return 1;
	if (!db_available()) {
		intake_later(in);
		return 0;
	}
	/* Before reading: what lands after the read is then seen. */
	maildir_watch_add(w);
	xasprintf(&dir, "%s/new", in->path);
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, sizeof err, "Maildir %s: %s", dir, strerror(errno));
		intake_polled(in, err);
		free(dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((names = realloc(names, cap * sizeof *names)) == NULL)
				fatal("realloc");
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	log_debug("intake %s: %zu in new/", in->name, n);
	/* Oldest first: Maildir names start with the delivery time. */
	if (n > 0)
		qsort(names, n, sizeof *names, maildir_name_cmp);
	for (i = 0; i < n; i++) {
		if (i == MAILDIR_BATCH) {
			more = 1;
			break;
		}
		xasprintf(&path, "%s/%s", dir, names[i]);
		/* One byte past the limit is enough for the intake to refuse it. */
		raw = file_read(path, (size_t)grantd_config->max_message + 1, &len);
		saved = errno;
		free(path);
		if (raw == NULL && (saved == ELOOP || saved == EINVAL))
			maildir_set_aside(in, names[i], saved);
		if (raw == NULL)
			continue;	/* gone meanwhile, or unreadable */
		/* Documents to read: it waits for them, and so does the rest. */
		if ((rd = intake_read_start(intake_loop(), in, raw, len,
		    maildir_read_cb, w)) != NULL) {
			w->rd = rd;
			w->name = names[i];
			names[i] = NULL;
			w->raw = raw;
			w->len = len;
			waiting = 1;
			break;
		}
		retry = maildir_take(in, names[i], raw, len, NULL) == -1;
		free(raw);
		if (retry)
			break;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	intake_polled(in, NULL);
	/* Let the loop serve requests, then carry on with the rest. */
	if (waiting)
		return 1;
	if (more && !retry)
		intake_again(in);
	else if (retry)
		intake_later(in);
	return 0;
}
