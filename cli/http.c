/*
 * http.c: the HTTP/1.1 that grantctl needs, without I/O: a request to
 * send and a reply parser fed whatever bytes each read brings, so a
 * header or a chunk split across reads is the normal case, not a special
 * one. grantd's evhttp answers with Content-Length, chunked, or until
 * close; all three end here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grantctl.h"

/* No header line or chunk size line of grantd's comes near this. */
#define HTTP_LINE_MAX	8192

enum http_state {
	HTTP_STATUS,		/* "HTTP/1.1 200 OK" */
	HTTP_HEADERS,
	HTTP_BODY_LENGTH,	/* Content-Length bytes */
	HTTP_BODY_CLOSE,	/* until the server closes */
	HTTP_CHUNK_SIZE,
	HTTP_CHUNK_DATA,
	HTTP_CHUNK_END,		/* the CRLF after a chunk's data */
	HTTP_TRAILERS,
	HTTP_DONE,
};

void
http_reply_init(struct http_reply *r)
{
	memset(r, 0, sizeof *r);
	r->state = HTTP_STATUS;
	r->length = -1;
}

void
http_reply_free(struct http_reply *r)
{
	free(r->line.s);
	free(r->body.s);
	memset(r, 0, sizeof *r);
}

/* Bytes of RFC 3986's unreserved set stay; the rest become %XX. */
char *
http_escape(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct strbuf		 b = { NULL, 0, 0 };
	char			 pct[3];

	strbuf_add(&b, "", 0);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			strbuf_add(&b, s, 1);
		else {
			pct[0] = '%';
			pct[1] = hex[c >> 4];
			pct[2] = hex[c & 15];
			strbuf_add(&b, pct, 3);
		}
	}
	return b.s;
}

/* The whole request; Connection: close so the reply can end at EOF too. */
char *
http_request(const char *method, const char *path, const char *body,
    size_t *len)
{
	char	*req;
	int	 n;

	if (body != NULL)
		n = xasprintf(&req, "%s %s HTTP/1.1\r\nHost: grantd\r\n"
		    "Connection: close\r\nAccept: application/json\r\n"
		    "Content-Type: application/json\r\n"
		    "Content-Length: %zu\r\n\r\n%s", method, path,
		    strlen(body), body);
	else
		n = xasprintf(&req, "%s %s HTTP/1.1\r\nHost: grantd\r\n"
		    "Connection: close\r\nAccept: application/json\r\n\r\n",
		    method, path);
	*len = (size_t)n;
	return req;
}

static int
http_status_line(struct http_reply *r, const char *line, char *err,
    size_t errlen)
{
	char	*end;
	long	 code;

	if (strncmp(line, "HTTP/1.", 7) != 0 || line[7] == '\0' ||
	    line[8] != ' ') {
		errfmt(err, errlen, "not an HTTP reply");
		return -1;
	}
	errno = 0;
	code = strtol(line + 9, &end, 10);
	if (errno != 0 || end != line + 12 || code < 100 || code > 599 ||
	    (*end != ' ' && *end != '\0')) {
		errfmt(err, errlen, "bad HTTP status line");
		return -1;
	}
	r->status = (int)code;
	r->chunked = 0;
	r->length = -1;
	r->state = HTTP_HEADERS;
	return 0;
}

/* A decimal Content-Length, nothing else: a sign or junk is an error. */
static int
http_parse_length(const char *v, long long *out)
{
	long long	n = 0;

	if (*v == '\0')
		return -1;
	for (; *v >= '0' && *v <= '9'; v++) {
		if (n > (long long)HTTP_BODY_MAX)
			return -1;
		n = n * 10 + (*v - '0');
	}
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v != '\0')
		return -1;
	*out = n;
	return 0;
}

static int
http_header_line(struct http_reply *r, char *line, char *err, size_t errlen)
{
	char	*v;

	if ((v = strchr(line, ':')) == NULL) {
		errfmt(err, errlen, "bad HTTP header line");
		return -1;
	}
	*v++ = '\0';
	while (*v == ' ' || *v == '\t')
		v++;
	if (strcasecmp(line, "Transfer-Encoding") == 0) {
		if (strcasecmp(v, "chunked") != 0) {
			errfmt(err, errlen, "unknown Transfer-Encoding '%s'", v);
			return -1;
		}
		r->chunked = 1;
	} else if (strcasecmp(line, "Content-Length") == 0) {
		if (http_parse_length(v, &r->length) == -1 ||
		    r->length > HTTP_BODY_MAX) {
			errfmt(err, errlen, "bad Content-Length");
			return -1;
		}
	}
	return 0;
}

/* After the blank line: 1xx replies are skipped, the body's form chosen. */
static void
http_headers_end(struct http_reply *r)
{
	if (r->status < 200) {
		r->state = HTTP_STATUS;
		return;
	}
	if (r->chunked)
		r->state = HTTP_CHUNK_SIZE;
	else if (r->status == 204 || r->status == 304 || r->length == 0)
		r->state = HTTP_DONE;
	else if (r->length > 0) {
		r->remaining = r->length;
		r->state = HTTP_BODY_LENGTH;
	}
	else
		r->state = HTTP_BODY_CLOSE;
}

static int
http_chunk_size(struct http_reply *r, const char *line, char *err,
    size_t errlen)
{
	long long	 n = 0;
	const char	*p;
	int		 d;

	for (p = line; *p != '\0' && *p != ';' && *p != ' ' && *p != '\t';
	    p++) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		n = n * 16 + d;
		if (n > (long long)HTTP_BODY_MAX)
			break;
	}
	if (p == line || (*p != '\0' && *p != ';' && *p != ' ' &&
	    *p != '\t') || (size_t)n > HTTP_BODY_MAX - r->body.len) {
		errfmt(err, errlen, "bad chunk size '%s'", line);
		return -1;
	}
	r->remaining = n;
	r->state = n == 0 ? HTTP_TRAILERS : HTTP_CHUNK_DATA;
	return 0;
}

static int
http_line(struct http_reply *r, char *line, char *err, size_t errlen)
{
	switch (r->state) {
	case HTTP_STATUS:
		return http_status_line(r, line, err, errlen);
	case HTTP_HEADERS:
		if (*line == '\0') {
			http_headers_end(r);
			return 0;
		}
		return http_header_line(r, line, err, errlen);
	case HTTP_CHUNK_SIZE:
		return http_chunk_size(r, line, err, errlen);
	case HTTP_CHUNK_END:
		if (*line != '\0') {
			errfmt(err, errlen, "chunk longer than its size");
			return -1;
		}
		r->state = HTTP_CHUNK_SIZE;
		return 0;
	case HTTP_TRAILERS:
		if (*line == '\0')
			r->state = HTTP_DONE;
		return 0;
	default:
		errfmt(err, errlen, "HTTP parser in a bad state");
		return -1;
	}
}

/* Take bytes up to a LF into the line buffer; a whole line goes on. */
static int
http_feed_line(struct http_reply *r, const char **p, size_t *n, char *err,
    size_t errlen)
{
	const char	*lf = memchr(*p, '\n', *n);
	size_t		 take = lf != NULL ? (size_t)(lf - *p) + 1 : *n;
	int		 rc;

	if (r->line.len + take > HTTP_LINE_MAX) {
		errfmt(err, errlen, "HTTP header or chunk line too long");
		return -1;
	}
	strbuf_add(&r->line, *p, take);
	*p += take;
	*n -= take;
	if (lf == NULL)
		return 0;
	r->line.s[--r->line.len] = '\0';
	if (r->line.len > 0 && r->line.s[r->line.len - 1] == '\r')
		r->line.s[--r->line.len] = '\0';
	if (memchr(r->line.s, '\0', r->line.len) != NULL) {
		errfmt(err, errlen, "NUL byte in an HTTP header");
		return -1;
	}
	rc = http_line(r, r->line.s, err, errlen);
	r->line.len = 0;
	return rc;
}

static int
http_feed_body(struct http_reply *r, const char **p, size_t *n, char *err,
    size_t errlen)
{
	size_t	take = *n;

	if (r->state != HTTP_BODY_CLOSE && (long long)take > r->remaining)
		take = (size_t)r->remaining;
	if (r->body.len + take > HTTP_BODY_MAX) {
		errfmt(err, errlen, "reply larger than %d MB",
		    HTTP_BODY_MAX >> 20);
		return -1;
	}
	strbuf_add(&r->body, *p, take);
	*p += take;
	*n -= take;
	if (r->state == HTTP_BODY_CLOSE)
		return 0;
	if ((r->remaining -= (long long)take) == 0)
		r->state = r->state == HTTP_CHUNK_DATA ? HTTP_CHUNK_END :
		    HTTP_DONE;
	return 0;
}

/*
 * Feed n bytes of the reply. Returns 1 once the reply is whole, 0 for
 * more, -1 with err filled if it is not HTTP grantctl can read.
 */
int
http_reply_feed(struct http_reply *r, const char *p, size_t n, char *err,
    size_t errlen)
{
	if (r->body.s == NULL)
		strbuf_add(&r->body, "", 0);
	while (n > 0 && r->state != HTTP_DONE) {
		if (r->state == HTTP_BODY_LENGTH || r->state == HTTP_BODY_CLOSE ||
		    r->state == HTTP_CHUNK_DATA) {
			if (http_feed_body(r, &p, &n, err, errlen) == -1)
				return -1;
		} else if (http_feed_line(r, &p, &n, err, errlen) == -1)
			return -1;
	}
	return r->state == HTTP_DONE;
}

/*
 * The server closed the connection. Returns 0 if the reply is whole
 * (a body that runs to the close is whole by definition), else -1.
 */
int
http_reply_eof(struct http_reply *r, char *err, size_t errlen)
{
	if (r->state == HTTP_DONE || r->state == HTTP_BODY_CLOSE) {
		r->state = HTTP_DONE;
		return 0;
	}
	if (r->state == HTTP_STATUS && r->line.len == 0 && r->status == 0)
		errfmt(err, errlen, "grantd closed the connection without "
		    "a reply");
	else
		errfmt(err, errlen, "grantd closed the connection in the "
		    "middle of its reply");
	return -1;
}
