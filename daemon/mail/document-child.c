/*
 * document-child.c: grantd's side of grantd-docread. The file goes to
 * the child on a pipe, the text comes back on another, and the child is
 * killed at the deadline; whatever happens to the child (a crash, a
 * limit, a hang) is an unreadable document, never a problem of grantd's.
 *
 * Nothing here waits: the pipes are watched by the event loop (the file
 * written as the child takes it, the text read as it comes), a timer
 * kills the child at the deadline, and the child is reaped with
 * waitpid(WNOHANG) on a short timer once its output ends. grantd leaves
 * SIGCHLD alone, so the child stays to be reaped here and nowhere else.
 * The caller hears once, through its callback, from the loop.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "grant.h"
#include "mail/document.h"
#include "mail/mime.h"

#define CHILD_ARGS	24
#define CHILD_REAP_MS	10	/* how often an ended child is looked for */

struct document_job {
	pid_t		 pid;
	int		 in, out;	/* our ends: its stdin, its stdout */
	const unsigned char *data;
	size_t		 len, sent;
	struct strbuf	 text;
	size_t		 max;
	int		 killed, overflow;
	struct document_limits lim;
	struct event	*ev_in, *ev_out, *ev_deadline, *ev_reap;
	document_done_cb done;
	void		*arg;
};

static void
child_args(char **argv, char (*buf)[24], enum document_kind kind,
    const struct document_limits *l)
{
	static const char	 opt[] = "sxendptcm";
	long long		 v[] = { (long long)l->max_size,
				    (long long)l->max_expanded,
				    (long long)l->max_entry, l->max_entries,
				    l->max_depth, l->max_pages,
				    (long long)l->max_text, l->cpu,
				    (long long)l->memory };
	int			 i, n = 0;

	argv[n++] = (char *)"grantd-docread";
	argv[n++] = (char *)document_kind_name(kind);
	for (i = 0; opt[i] != '\0'; i++) {
		snprintf(buf[2 * i], sizeof buf[0], "-%c", opt[i]);
		snprintf(buf[2 * i + 1], sizeof buf[0], "%lld", v[i]);
		argv[n++] = buf[2 * i];
		argv[n++] = buf[2 * i + 1];
	}
	argv[n] = NULL;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void
child_exec(const char *helper, char **argv, int in, int out)
{
	sigset_t	all;
	int		null;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	if ((null = open("/dev/null", O_WRONLY)) == -1 ||
	    dup2(in, STDIN_FILENO) == -1 || dup2(out, STDOUT_FILENO) == -1 ||
	    dup2(null, STDERR_FILENO) == -1)
		_exit(127);
	close_range(3, ~0U, 0);
	execv(helper, argv);
	_exit(127);
}

static int
child_start(struct document_job *c, const char *helper,
    enum document_kind kind, const struct document_limits *l, char *err,
    size_t errlen)
{
	char	*argv[CHILD_ARGS], buf[CHILD_ARGS][24];
	int	 in[2], out[2];

	child_args(argv, buf, kind, l);
	if (pipe2(in, O_CLOEXEC) == -1)
		goto fail;
	if (pipe2(out, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		goto fail;
	}
	if ((c->pid = fork()) == -1) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		goto fail;
	}
	if (c->pid == 0)
		child_exec(helper, argv, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	c->in = in[1];
	c->out = out[0];
	fcntl(c->in, F_SETFL, O_NONBLOCK);
	fcntl(c->out, F_SETFL, O_NONBLOCK);
	return 0;
fail:
	errfmt(err, errlen, "cannot start the document reader: %s",
	    strerror(errno));
	return -1;
}

static int
child_result(struct document_job *c, int status,
    const struct document_limits *l, char **text, char *err, size_t errlen)
{
	char	*msg;

	if (c->killed)
		errfmt(err, errlen, "reading it took longer than %d seconds",
		    l->timeout);
	else if (c->overflow)
		errfmt(err, errlen, "the reader returned more than %zu bytes",
		    l->max_text);
	else if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU ||
	    WTERMSIG(status) == SIGKILL))
		errfmt(err, errlen, "reading it used more than %d seconds of "
		    "CPU", l->cpu);
	else if (WIFSIGNALED(status))
		errfmt(err, errlen, "the reader stopped on it (signal %d)",
		    WTERMSIG(status));
	else if (WEXITSTATUS(status) == 0) {
		*text = mime_utf8_clean(c->text.s != NULL ? c->text.s : "",
		    c->text.len);
		return 0;
	} else if (WEXITSTATUS(status) == 2) {
		msg = mime_utf8_clean(c->text.s != NULL ? c->text.s : "",
		    c->text.len);
		errfmt(err, errlen, "%s", msg);
		utf8_truncate(err, errlen);
		free(msg);
	} else if (WEXITSTATUS(status) == 127)
		errfmt(err, errlen, "the document reader could not be run");
	else
		errfmt(err, errlen, "the reader failed on it (out of memory "
		    "or another limit)");
	return -1;
}

static void
child_close_in(struct document_job *c)
{
	if (c->ev_in != NULL)
		event_free(c->ev_in);
	c->ev_in = NULL;
	if (c->in != -1)
		close(c->in);
	c->in = -1;
}

static void
child_close_out(struct document_job *c)
{
	if (c->ev_out != NULL)
		event_free(c->ev_out);
	c->ev_out = NULL;
	if (c->out != -1)
		close(c->out);
	c->out = -1;
}

static void
child_free(struct document_job *c)
{
	child_close_in(c);
	child_close_out(c);
	if (c->ev_deadline != NULL)
		event_free(c->ev_deadline);
	if (c->ev_reap != NULL)
		event_free(c->ev_reap);
	free(c->text.s);
	free(c);
}

/* The child is gone: say how it went, once. */
static void
child_finish(struct document_job *c, int status)
{
	document_done_cb	 done = c->done;
	void			*arg = c->arg;
	char			*text = NULL, err[GRANT_ERRLEN];

	*err = '\0';
	child_result(c, status, &c->lim, &text, err, sizeof err);
	/* Freed first: the caller may start the next one from done(). */
	child_free(c);
	done(text, text == NULL ? err : NULL, arg);
}

/*
 * Reap the child if it has ended, else look again shortly; the deadline
 * timer still runs meanwhile, for a child that closed its output and
 * lingers.
 */
static void
child_reap(struct document_job *c)
{
	struct timeval	tv = { 0, CHILD_REAP_MS * 1000 };
	int		status = 0;
	pid_t		p;

	p = waitpid(c->pid, &status, WNOHANG);
	if (p == -1 && errno == EINTR)
		p = 0;
	if (p == 0) {
		evtimer_add(c->ev_reap, &tv);
		return;
	}
	if (p == -1)
		status = 1 << 8;	/* not ours to know: a failed reader */
	c->pid = -1;
	child_finish(c, status);
}

static void
child_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	child_reap(arg);
}

static void
child_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct document_job	*c = arg;
	ssize_t			 n;

	n = write(c->in, c->data + c->sent, c->len - c->sent);
	if (n > 0)
		c->sent += (size_t)n;
	/* Done, or the child stopped reading (EPIPE): either way, no more. */
	if (c->sent == c->len || (n == -1 && errno != EAGAIN &&
	    errno != EINTR))
		child_close_in(c);
}

/* Text as it comes; at its end (or past the limit), the child is done. */
static void
child_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct document_job	*c = arg;
	char			 buf[16384];
	ssize_t			 n;

	n = read(c->out, buf, sizeof buf);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0 && c->text.len + (size_t)n <= c->max) {
		strbuf_add(&c->text, buf, (size_t)n);
		return;
	}
	if (n > 0) {
		c->overflow = 1;
		kill(c->pid, SIGKILL);
	}
	child_close_out(c);
	child_close_in(c);
	child_reap(c);
}

static void
child_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct document_job	*c = arg;

	kill(c->pid, SIGKILL);
	c->killed = 1;
	child_close_out(c);
	child_close_in(c);
	child_reap(c);
}

/*
 * Start reading data (which must stay as it is until done is called) in
 * a child watched by base. NULL, with why in err, if it cannot start;
 * done is then never called.
 */
struct document_job *
document_start(struct event_base *base, const char *helper,
    enum document_kind kind, const unsigned char *data, size_t len,
    const struct document_limits *l, document_done_cb done, void *arg,
    char *err, size_t errlen)
{
	struct document_job	*c;
	struct timeval		 tv;

	if (len > l->max_size) {
		errfmt(err, errlen, "it is %zu bytes; the limit is %zu", len,
		    l->max_size);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->data = data;
	c->len = len;
	c->lim = *l;
	c->max = l->max_text + GRANT_ERRLEN;
	c->done = done;
	c->arg = arg;
	c->in = c->out = -1;
	if (child_start(c, helper, kind, l, err, errlen) == -1) {
		free(c);
		return NULL;
	}
	if ((c->ev_in = event_new(base, c->in, EV_WRITE | EV_PERSIST,
	    child_write_cb, c)) == NULL ||
	    (c->ev_out = event_new(base, c->out, EV_READ | EV_PERSIST,
	    child_read_cb, c)) == NULL ||
	    (c->ev_deadline = evtimer_new(base, child_deadline_cb, c)) == NULL ||
	    (c->ev_reap = evtimer_new(base, child_reap_cb, c)) == NULL)
		fatalx("event_new failed");
	tv.tv_sec = l->timeout;
	tv.tv_usec = 0;
	event_add(c->ev_in, NULL);
	event_add(c->ev_out, NULL);
	evtimer_add(c->ev_deadline, &tv);
	return c;
}

/* Stop reading, at shutdown: the child is killed and reaped, unheard. */
void
document_cancel(struct document_job *c)
{
	if (c == NULL)
		return;
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		/* Bounded: SIGKILL ends the child at once. */
		while (waitpid(c->pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	child_free(c);
}
