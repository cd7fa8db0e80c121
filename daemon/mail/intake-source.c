/*
 * intake-source.c: the mailboxes of [intake NAME], each polled on its own
 * timer, at once by "grantctl intake poll", and (a Maildir) as soon as
 * inotify says mail landed, behind one small switch between Maildir and
 * IMAP.
 */
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "mail/mail.h"

struct intake_timer {
	const struct intake_conf	*conf;
	struct event			*ev;
	struct event			*again;	/* one-shot: poll again soon */
	time_t				 recorded;	/* last_poll_at written */
	int				 failing;	/* last_error written */
};

static struct intake_timer	 intake_timers[CONFIG_MAX_INTAKE];
static int			 intake_ntimers;
static struct event_base	*intake_base;

/* The loop that watches the document readers of messages being read. */
struct event_base *
intake_loop(void)
{
	return intake_base;
}

/*
 * 0: a poll started (a Maildir is read there and then, up to a message
 * waiting on its documents); 1: one is under way, and another follows
 * it; -1: none can start (the database is unavailable).
 */
static int
intake_poll_one(const struct intake_conf *in)
{
	if (strcmp(in->type, "imap") == 0)
		return intake_imap_poll(in);
	return intake_maildir_poll(in);
}

static void
intake_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct intake_timer	*t = arg;

	intake_poll_one(t->conf);
}

/*
 * A poll ended: note when, and the error if there was one. A Maildir is
 * read as each message lands, so a clean read right after another is not
 * written: that would be one more commit per message.
 */
void
intake_polled(const struct intake_conf *in, const char *error)
{
	struct intake_timer	*t = NULL;
	time_t			 now = time(NULL);
	int			 i;

	if (!db_available())
		return;
	for (i = 0; i < intake_ntimers; i++)
		if (intake_timers[i].conf == in)
			t = &intake_timers[i];
	if (t != NULL && error == NULL && !t->failing && t->recorded == now)
		return;
	if (t != NULL) {
		t->recorded = now;
		t->failing = error != NULL;
	}
	db_exec("INSERT INTO intake_mailboxes (name, last_poll_at, last_error) "
	    "VALUES (?, UTC_TIMESTAMP(6), ?) ON DUPLICATE KEY UPDATE "
	    "last_poll_at = UTC_TIMESTAMP(6), last_error = ?", "sss", in->name,
	    error, error);
	if (error != NULL)
		log_warnx("intake %s: %s", in->name, error);
}

void
intake_start(struct event_base *base)
{
	const struct config	*c = grantd_config;
	struct timeval		 tv;
	int			 i;

	intake_base = base;
	for (i = 0; i < c->nintake; i++) {
		struct intake_timer *t = &intake_timers[intake_ntimers++];
		t->conf = c->intake[i];
		t->ev = event_new(base, -1, EV_PERSIST, intake_timer_cb, t);
		t->again = evtimer_new(base, intake_timer_cb, t);
		tv.tv_sec = c->intake[i]->poll_interval;
		tv.tv_usec = 0;
		event_add(t->ev, &tv);
		if (strcmp(t->conf->type, "maildir") == 0)
			intake_maildir_watch(base, t->conf);
		intake_poll_one(t->conf);
	}
}

void
intake_stop(void)
{
	intake_maildir_unwatch();
	intake_imap_stop();
	while (intake_ntimers > 0) {
		intake_ntimers--;
		event_free(intake_timers[intake_ntimers].ev);
		event_free(intake_timers[intake_ntimers].again);
	}
}

/*
 * Poll this mailbox again as soon as the loop is free; asked for many
 * times before then, it is still one poll.
 */
void
intake_again(const struct intake_conf *in)
{
	static const struct timeval	now = { 0, 0 };
	int				i;

	for (i = 0; i < intake_ntimers; i++)
		if (intake_timers[i].conf == in)
			evtimer_add(intake_timers[i].again, &now);
}

/*
 * Poll this mailbox again in a moment, unless it is due sooner anyway: it
 * was not read for the database, and mail that inotify announced would
 * otherwise wait for the timer once the database is back.
 */
void
intake_later(const struct intake_conf *in)
{
	static const struct timeval	soon = { INTAKE_RETRY_SECONDS, 0 };
	int				i;

	for (i = 0; i < intake_ntimers; i++)
		if (intake_timers[i].conf == in &&
		    !evtimer_pending(intake_timers[i].again, NULL))
			evtimer_add(intake_timers[i].again, &soon);
}

/*
 * Every mailbox now, for "grantctl intake poll": one busy with a poll gets
 * another right after it, so mail that came meanwhile is not left for the
 * timer. Says, per mailbox, which.
 */
json_t *
intake_poll_all(void)
{
	json_t		*list = json_array();
	const char	*what;
	int		 i;

	for (i = 0; i < intake_ntimers; i++) {
		const struct intake_conf *in = intake_timers[i].conf;
		switch (intake_poll_one(in)) {
		case 0:
			what = "now";
			break;
		case 1:
			what = "after the poll under way";
			break;
		default:
			what = "not now: the database is unavailable";
			break;
		}
		json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "name",
		    in->name, "type", in->type, "poll", what));
	}
	return list;
}

/* Per mailbox: where it reads, for which round, and how it is going. */
json_t *
intake_status(void)
{
	json_t	*list = json_array(), *row;
	int	 i;

	for (i = 0; i < intake_ntimers; i++) {
		const struct intake_conf *in = intake_timers[i].conf;
		row = db_query_row("SELECT last_poll_at, last_error, taken, "
		    "quarantined, duplicates, last_uid, uidvalidity FROM "
		    "intake_mailboxes WHERE name = ?", "s", in->name);
		if (row == NULL) {
			json_decref(list);
			return NULL;
		}
		if (json_is_null(row))
			row = json_object();
		json_object_set_new(row, "name", json_string(in->name));
		json_object_set_new(row, "type", json_string(in->type));
		json_object_set_new(row, "round", json_string(in->round));
		json_object_set_new(row, "where", json_string(
		    in->path != NULL ? in->path : in->url));
		json_array_append_new(list, row);
	}
	return list;
}
