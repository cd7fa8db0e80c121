/* client.c: HTTP/JSON to grantd over its Unix socket, through libcurl. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "grantctl.h"

const char	*client_socket = GRANT_DEFAULT_SOCKET;

struct client_buf {
	char	*data;
	size_t	 len;
};

static size_t
client_write_cb(char *ptr, size_t size, size_t n, void *arg)
{
	struct client_buf	*b = arg;
	size_t			 add = size * n;
	char			*p;

	if ((p = realloc(b->data, b->len + add + 1)) == NULL)
		return 0;
	b->data = p;
	memcpy(b->data + b->len, ptr, add);
	b->len += add;
	b->data[b->len] = '\0';
	return add;
}


/*
 * Call grantd. Returns the reply, or NULL after printing why not (grantd's
 * own {"error": ...} message, or why it could not be reached).
 */
json_t *
client_call(const char *method, const char *path, json_t *body)
{
	CURL			*c;
	CURLcode		 rc;
	struct curl_slist	*hdrs = NULL;
	struct client_buf	 buf = { NULL, 0 };
	char			 url[1024], *text = NULL;
	long			 status = 0;
	json_t			*reply = NULL, *e;
	json_error_t		 jerr;

	if ((c = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	snprintf(url, sizeof url, "http://grantd%s", path);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, client_socket);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, client_write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &buf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	if (body != NULL || strcmp(method, "GET") != 0) {
		text = body != NULL ? json_dumps(body, JSON_COMPACT) : xstrdup("{}");
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
	}
	if ((rc = curl_easy_perform(c)) != CURLE_OK) {
		fprintf(stderr, "grantctl: cannot reach grantd at %s: %s "
		    "(is grantd running? --socket or GRANTD_SOCKET name "
		    "another socket)\n", client_socket, curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	reply = json_loadb(buf.data != NULL ? buf.data : "", buf.len, 0, &jerr);
	if (reply == NULL) {
		fprintf(stderr, "grantctl: grantd sent a reply that is not "
		    "JSON (HTTP %ld)\n", status);
		goto out;
	}
	if (status >= 400) {
		e = json_object_get(reply, "error");
		fprintf(stderr, "grantctl: %s\n", json_is_string(e) ?
		    json_string_value(e) : "request failed");
		json_decref(reply);
		reply = NULL;
	}
out:
	free(buf.data);
	free(text);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return reply;
}

/* method on prefix + escaped code + suffix: "/v1/rounds/" CODE "/transition" */
json_t *
client_call_on(const char *method, const char *prefix, const char *code,
    const char *suffix, json_t *body)
{
	char	*esc, *path;
	json_t	*reply;

	esc = curl_easy_escape(NULL, code, 0);
	xasprintf(&path, "%s%s%s", prefix, esc != NULL ? esc : "",
	    suffix != NULL ? suffix : "");
	curl_free(esc);
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
		esc = curl_easy_escape(NULL, value, 0);
		xasprintf(&tmp, "%s%c%s=%s", url, n++ == 0 ? '?' : '&', name,
		    esc != NULL ? esc : "");
		curl_free(esc);
		free(url);
		url = tmp;
	}
	va_end(ap);
	reply = client_call("GET", url, NULL);
	free(url);
	return reply;
}
