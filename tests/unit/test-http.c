/* test-http.c: grantctl's HTTP reply parser, fed whole and a byte at a
 * time (every split a socket read might make), and its refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grantctl.h"

/* Feed the reply in pieces of step bytes (0: whole); then EOF if eof. */
static int
feed(struct http_reply *r, const char *text, size_t step, int eof,
    char *err, size_t errlen)
{
	size_t	len = strlen(text), off = 0, n;
	int	rc = 0;

	http_reply_init(r);
	while (off < len && rc == 0) {
		n = step == 0 || len - off < step ? len - off : step;
		rc = http_reply_feed(r, text + off, n, err, errlen);
		off += n;
	}
	if (rc == 0 && eof)
		rc = http_reply_eof(r, err, errlen) == 0 ? 1 : -1;
	return rc;
}

/* The reply must parse to status and body whole and at every split. */
static void
parses(const char *text, int eof, int status, const char *body)
{
	struct http_reply	r;
	char			err[GRANT_ERRLEN] = "";
	size_t			step;

	for (step = 0; step <= 7; step++) {
		if (feed(&r, text, step, eof, err, sizeof err) != 1)
			fail_msg("step %zu: not whole (%s): %s", step, err, text);
		assert_int_equal(r.status, status);
		assert_int_equal(r.body.len, strlen(body));
		assert_string_equal(r.body.s, body);
		http_reply_free(&r);
	}
}

/* The reply must be refused with err containing why. */
static void
refused(const char *text, int eof, const char *why)
{
	struct http_reply	r;
	char			err[GRANT_ERRLEN] = "";
	size_t			step;

	for (step = 0; step <= 3; step++) {
		err[0] = '\0';
		assert_int_equal(feed(&r, text, step, eof, err, sizeof err), -1);
		if (strstr(err, why) == NULL)
			fail_msg("step %zu: '%s' does not say '%s'", step, err, why);
		http_reply_free(&r);
	}
}

static void
test_http_length(void **state)
{
	(void)state;
	parses("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 0,
	    200, "{\"a\":1}");
	/* Bare LF line ends, a header case and spacing of its own. */
	parses("HTTP/1.0 404 Not Found\ncontent-length:\t2 \n\n{}", 0, 404,
	    "{}");
	parses("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 200, "");
	parses("HTTP/1.1 204 No Content\r\n\r\n", 0, 204, "");
	/* Bytes after the body are not the body. */
	parses("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}garbage", 0, 200,
	    "{}");
}

static void
test_http_chunked(void **state)
{
	(void)state;
	parses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\n{\"a\r\nA;ext=1\r\n\":\"123456\"\r\n1\r\n}\r\n0\r\n"
	    "X-Trailer: 1\r\n\r\n", 0, 200, "{\"a\":\"123456\"}");
	parses("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: Chunked\r\n"
	    "Content-Length: 99\r\n\r\n0\r\n\r\n", 0, 400, "");
	/* A 100 Continue first, then the real reply. */
	parses("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 0, 200,
	    "{}");
}

static void
test_http_close(void **state)
{
	(void)state;
	parses("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"b\":2}", 1, 200,
	    "{\"b\":2}");
	parses("HTTP/1.1 200 OK\r\n\r\n", 1, 200, "");
}

static void
test_http_refused(void **state)
{
	char	line[9000];

	(void)state;
	refused("SSH-2.0-OpenSSH\r\n", 0, "not an HTTP reply");
	refused("HTTP/1.1 2000 OK\r\n", 0, "bad HTTP status line");
	refused("HTTP/1.1 099 Odd\r\n", 0, "bad HTTP status line");
	refused("HTTP/1.1 200 OK\r\nNo colon here\r\n", 0, "bad HTTP header");
	refused("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n", 0,
	    "bad Content-Length");
	refused("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n",
	    0, "bad Content-Length");
	refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n", 0,
	    "unknown Transfer-Encoding");
	refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	    0, "bad chunk size");
	refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "ffffffffffff\r\n", 0, "bad chunk size");
	refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "1\r\nab\r\n", 0, "chunk longer than its size");
	refused("", 1, "without a reply");
	refused("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}", 1,
	    "in the middle of its reply");
	refused("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "2\r\n{}\r\n", 1, "in the middle of its reply");
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	memcpy(line, "HTTP/1.1 200 OK\r\nX: ", 20);
	refused(line, 0, "too long");
}

static void
test_http_request(void **state)
{
	char	*req, *esc;
	size_t	 len;

	(void)state;
	req = http_request("POST", "/v1/funds", "{\"a\":1}", &len);
	assert_string_equal(req, "POST /v1/funds HTTP/1.1\r\nHost: grantd\r\n"
	    "Connection: close\r\nAccept: application/json\r\n"
	    "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n"
	    "{\"a\":1}");
	assert_int_equal(len, strlen(req));
	free(req);
	esc = http_escape("FG-2026_0001.x~ /?&=%\xc3\xbc");
	assert_string_equal(esc, "FG-2026_0001.x~%20%2F%3F%26%3D%25%C3%BC");
	free(esc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_length),
		cmocka_unit_test(test_http_chunked),
		cmocka_unit_test(test_http_close),
		cmocka_unit_test(test_http_refused),
		cmocka_unit_test(test_http_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
