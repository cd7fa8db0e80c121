/*
 * client.c: HTTP/JSON to grantd over its Unix socket. A socket, one
 * request, one reply: grantctl's start-up is most of a command's time, so
 * no HTTP library (http.c parses what comes back).
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "grantctl.h"

/* The whole exchange, connect to last byte; GRANTCTL_TIMEOUT changes it. */
#define CLIENT_TIMEOUT_MS	120000

const char	*client_socket = GRANT_DEFAULT_SOCKET;

struct client_conn {
	int		 fd;
	long long	 deadline;	/* CLOCK_MONOTONIC, ms */
	long		 timeout_ms;
	char		 err[GRANT_ERRLEN];
};

static long long
client_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* GRANTCTL_TIMEOUT (seconds) may shorten or lengthen the wait. */
static long
client_timeout_ms(void)
{
	const char	*v = getenv("GRANTCTL_TIMEOUT");
	char		*end;
	long		 s;

	if (v == NULL || *v == '\0')
		return CLIENT_TIMEOUT_MS;
	errno = 0;
	s = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || s < 1 || s > 86400)
		return CLIENT_TIMEOUT_MS;
	return s * 1000;
}

/* Connected and non-blocking, or -1 with errno set. */
static int
client_connect(struct client_conn *c)
{
	struct sockaddr_un	sun;
	struct timeval		tv;
	int			rc;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(client_socket) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, client_socket);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* A Unix connect blocks only while grantd's backlog is full; the
	 * send timeout bounds that wait too. */
	tv.tv_sec = c->timeout_ms / 1000;
	tv.tv_usec = 0;
	if (setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1)
		return -1;
	do
		rc = connect(c->fd, (struct sockaddr *)&sun, sizeof sun);
	while (rc == -1 && errno == EINTR);
	if (rc == -1 || fcntl(c->fd, F_SETFL, O_NONBLOCK) == -1)
		return -1;
	return 0;
}

/* Wait for events on the socket until the deadline. 0, or -1 with err. */
static int
client_wait(struct client_conn *c, short events)
{
	struct pollfd	pfd = { c->fd, events, 0 };
	long long	left;
	int		rc;

	for (;;) {
		if ((left = c->deadline - client_now_ms()) <= 0) {
			errfmt(c->err, sizeof c->err, "timed out after %ld s",
			    c->timeout_ms / 1000);
			return -1;
		}
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return 0;
		if (rc == -1 && errno != EINTR) {
			errfmt(c->err, sizeof c->err, "poll: %s",
			    strerror(errno));
			return -1;
		}
	}
}

static int
client_send(struct client_conn *c, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		/* MSG_NOSIGNAL: a grantd gone away is an error, not SIGPIPE. */
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w == -1 && errno == EINTR)
			continue;
		else if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (client_wait(c, POLLOUT) == -1)
				return -1;
		} else {
			errfmt(c->err, sizeof c->err, "sending the request: %s",
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Read until the reply is whole or grantd closes. 0, or -1 with err. */
static int
client_recv(struct client_conn *c, struct http_reply *r)
{
	char	buf[16384];
	ssize_t	n;
	int	rc;

	for (;;) {
		n = read(c->fd, buf, sizeof buf);
		if (n > 0) {
			rc = http_reply_feed(r, buf, (size_t)n, c->err,
			    sizeof c->err);
			if (rc != 0)
				return rc == 1 ? 0 : -1;
		} else if (n == 0)
			return http_reply_eof(r, c->err, sizeof c->err);
		else if (errno == EINTR)
			continue;
		else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (client_wait(c, POLLIN) == -1)
				return -1;
		} else {
			errfmt(c->err, sizeof c->err, "reading the reply: %s",
			    strerror(errno));
			return -1;
		}
	}
}

/* The reply's JSON, or NULL after printing grantd's error or why not. */
static json_t *
client_reply_json(const struct http_reply *r)
{
	json_t		*reply, *e;
	json_error_t	 jerr;

	reply = json_loadb(r->body.s != NULL ? r->body.s : "", r->body.len, 0,
	    &jerr);
	if (reply == NULL) {
		fprintf(stderr, "grantctl: grantd sent a reply that is not "
		    "JSON (HTTP %d)\n", r->status);
		return NULL;
	}
	if (r->status >= 400) {
		e = json_object_get(reply, "error");
		fprintf(stderr, "grantctl: %s\n", json_is_string(e) ?
		    out_escape(json_string_value(e), 0) : "request failed");
		json_decref(reply);
		return NULL;
	}
	return reply;
}

/* One request and its reply in r: 0, or -1 after printing why not. */
static int
client_exchange(const char *method, const char *path, json_t *body,
    struct http_reply *r)
{
	struct client_conn	 c = { -1, 0, 0, "" };
	char			*text = NULL, *req;
	size_t			 len;
	int			 rc = -1;

	c.timeout_ms = client_timeout_ms();
	c.deadline = client_now_ms() + c.timeout_ms;
	if (body != NULL || strcmp(method, "GET") != 0)
		text = body != NULL ? json_dumps(body, JSON_COMPACT) :
		    xstrdup("{}");
	req = http_request(method, path, text, &len);
	if (client_connect(&c) == -1)
		fprintf(stderr, "grantctl: cannot reach grantd at %s: %s "
		    "(is grantd running? --socket or GRANTD_SOCKET name "
		    "another socket)\n", client_socket, strerror(errno));
	else if (client_send(&c, req, len) == -1 || client_recv(&c, r) == -1)
		fprintf(stderr, "grantctl: no reply from grantd at %s: %s\n",
		    client_socket, c.err);
	else
		rc = 0;
	if (c.fd != -1)
		close(c.fd);
	free(req);
	free(text);
	return rc;
}

/*
 * Call grantd. Returns the reply, or NULL after printing why not (grantd's
 * own {"error": ...} message, or why it could not be reached).
 */
json_t *
client_call(const char *method, const char *path, json_t *body)
{
	struct http_reply	 r;
	json_t			*reply = NULL;

	http_reply_init(&r);
	if (client_exchange(method, path, body, &r) == 0)
		reply = client_reply_json(&r);
	http_reply_free(&r);
	return reply;
}

/*
 * Call grantd for a file (api_reply_file): its description is returned,
 * its bytes left in *data (*len of them, to free), or NULL after printing
 * why not.
 */
json_t *
client_call_file(const char *method, const char *path, json_t *body,
    char **data, size_t *len)
{
	struct http_reply	 r;
	json_t			*meta = NULL;
	json_error_t		 jerr;
	const char		*nl;

	http_reply_init(&r);
	if (client_exchange(method, path, body, &r) == -1)
		goto out;
	if (r.status >= 400 || r.body.s == NULL ||
	    (nl = memchr(r.body.s, '\n', r.body.len)) == NULL) {
		meta = client_reply_json(&r);
		json_decref(meta);
		meta = NULL;
		goto out;
	}
	if ((meta = json_loadb(r.body.s, (size_t)(nl - r.body.s), 0, &jerr))
	    == NULL) {
		fprintf(stderr, "grantctl: grantd sent a file without its "
		    "description\n");
		goto out;
	}
	*len = r.body.len - (size_t)(nl + 1 - r.body.s);
	*data = xmalloc(*len + 1);
	memcpy(*data, nl + 1, *len);
	(*data)[*len] = '\0';
out:
	http_reply_free(&r);
	return meta;
}

/* method on prefix + escaped code + suffix: "/v1/rounds/" CODE "/transition" */
json_t *
client_call_on(const char *method, const char *prefix, const char *code,
    const char *suffix, json_t *body)
{
	char	*esc, *path;
	json_t	*reply;

	esc = http_escape(code);
	xasprintf(&path, "%s%s%s", prefix, esc, suffix != NULL ? suffix : "");
	free(esc);
	reply = client_call(method, path, body);
	free(path);
	return reply;
}

/*
 * GET path with a query string of the given options that were set, each
 * sent under its own name: client_get_query("/v1/rounds", a, "fund",
 * "state", NULL).
 */
json_t *
client_get_query(const char *path, const struct args *a, ...)
{
	const char	*name, *value;
	char		*url = xstrdup(path), *tmp, *esc;
	json_t		*reply;
	va_list		 ap;
	int		 n = 0;

	va_start(ap, a);
	while ((name = va_arg(ap, const char *)) != NULL) {
		if ((value = args_get(a, name)) == NULL)
			continue;
		esc = http_escape(value);
		xasprintf(&tmp, "%s%c%s=%s", url, n++ == 0 ? '?' : '&', name,
		    esc);
		free(esc);
		free(url);
		url = tmp;
	}
	va_end(ap);
	reply = client_call("GET", url, NULL);
	free(url);
	return reply;
}
