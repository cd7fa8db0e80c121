/*
 * document-child.c: grantd's side of grantd-docread. The file goes to
 * the child on a pipe, the text comes back on another, and the child is
 * killed at the deadline; whatever happens to the child (a crash, a
 * limit, a hang) is an unreadable document, never a problem of grantd's.
 *
 * The wait is synchronous, bounded by the deadline: the intake reads one
 * message at a time and stores it in one transaction, and the deadline
 * (a few seconds) is what a hostile file can cost it.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "grant.h"
#include "mail/document.h"
#include "mail/mime.h"

#define CHILD_ARGS	24
#define CHILD_WAIT_MS	10

struct child {
	pid_t		 pid;
	int		 in, out;	/* our ends: its stdin, its stdout */
	const unsigned char *data;
	size_t		 len, sent;
	struct strbuf	 text;
	size_t		 max;
	long long	 deadline;	/* ms, monotonic */
	int		 killed, overflow;
};

static long long
child_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
child_start(struct child *c, const char *helper, enum document_kind kind,
    const struct document_limits *l, char *err, size_t errlen)
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

static void
child_write(struct child *c)
{
	ssize_t	n;

	n = write(c->in, c->data + c->sent, c->len - c->sent);
	if (n > 0)
		c->sent += (size_t)n;
	/* Done, or the child stopped reading (EPIPE): either way, no more. */
	if (c->sent == c->len || (n == -1 && errno != EAGAIN &&
	    errno != EINTR)) {
		close(c->in);
		c->in = -1;
	}
}

/* 1: more to come; 0: end of output. */
static int
child_read(struct child *c)
{
	char	buf[16384];
	ssize_t	n;

	n = read(c->out, buf, sizeof buf);
	if (n == -1)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return 0;
	if (c->text.len + (size_t)n > c->max) {
		c->overflow = 1;
		return 0;
	}
	strbuf_add(&c->text, buf, (size_t)n);
	return 1;
}

/* Feed the file and gather the text until the child closes its end. */
static void
child_talk(struct child *c)
{
	struct pollfd	 p[2];
	long long	 left;
	int		 more = 1;

	while (more && (left = c->deadline - child_now()) > 0) {
		p[0].fd = c->out;
		p[0].events = POLLIN;
		p[1].fd = c->in;
		p[1].events = POLLOUT;
		if (poll(p, c->in != -1 ? 2 : 1, (int)left) == -1 &&
		    errno != EINTR)
			break;
		if (c->in != -1 && (p[1].revents & (POLLOUT | POLLERR |
		    POLLHUP)))
			child_write(c);
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			more = child_read(c);
	}
	if (more || c->overflow) {
		kill(c->pid, SIGKILL);
		c->killed = more;
	}
}

static int
child_wait(struct child *c)
{
	int	status;

	while (waitpid(c->pid, &status, WNOHANG) == 0) {
		if (child_now() >= c->deadline) {
			kill(c->pid, SIGKILL);
			c->killed = 1;
			while (waitpid(c->pid, &status, 0) == -1 &&
			    errno == EINTR)
				;
			break;
		}
		usleep(CHILD_WAIT_MS * 1000);
	}
	return status;
}

static int
child_result(struct child *c, int status, const struct document_limits *l,
    char **text, char *err, size_t errlen)
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

int
document_read(const char *helper, enum document_kind kind,
    const unsigned char *data, size_t len, const struct document_limits *l,
    char **text, char *err, size_t errlen)
{
	struct child	c;
	int		status, rc;

	*text = NULL;
	if (len > l->max_size) {
		errfmt(err, errlen, "it is %zu bytes; the limit is %zu", len,
		    l->max_size);
		return -1;
	}
	memset(&c, 0, sizeof c);
	c.data = data;
	c.len = len;
	c.max = l->max_text + GRANT_ERRLEN;
	c.deadline = child_now() + (long long)l->timeout * 1000;
	if (child_start(&c, helper, kind, l, err, errlen) == -1)
		return -1;
	child_talk(&c);
	if (c.in != -1)
		close(c.in);
	close(c.out);
	status = child_wait(&c);
	rc = child_result(&c, status, l, text, err, errlen);
	free(c.text.s);
	return rc;
}
