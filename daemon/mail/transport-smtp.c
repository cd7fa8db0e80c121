/*
 * transport-smtp.c: SMTP through libcurl on the event loop; smtp:// with
 * STARTTLS as configured, or smtps://, and AUTH when a user is set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"

struct smtp_job {
	long long		 id;
	char			*data;
	size_t			 len, off;
	struct curl_slist	*rcpt;
	transport_done_fn	 done;
	char			 errbuf[CURL_ERROR_SIZE];
};

static size_t
smtp_read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct smtp_job	*j = arg;
	size_t		 want = size * n, left = j->len - j->off;

	if (want > left)
		want = left;
	memcpy(buf, j->data + j->off, want);
	j->off += want;
	return want;
}

/* 5xx from the server is final; anything else may work later. */
static void
smtp_done_cb(CURL *easy, CURLcode rc, void *arg)
{
	struct smtp_job	*j = arg;
	long		 code = 0;
	char		 detail[CURL_ERROR_SIZE + 64];
	enum send_result result;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		result = SEND_OK;
	else if (code >= 500 && code < 600)
		result = SEND_PERMFAIL;
	else
		result = SEND_TEMPFAIL;
	/*
	 * Said plainly: a missing STARTTLS offer may be someone on the path
	 * removing it to read the password.
	 */
	if (rc == CURLE_USE_SSL_FAILED)
		snprintf(detail, sizeof detail, "the server did not offer "
		    "STARTTLS and smtp_starttls is required: nothing sent");
	else
		snprintf(detail, sizeof detail, "%s%s%s",
		    rc == CURLE_OK ? "accepted" : curl_easy_strerror(rc),
		    *j->errbuf != '\0' ? ": " : "", j->errbuf);
	if (code != 0 && rc != CURLE_OK && rc != CURLE_USE_SSL_FAILED)
		snprintf(detail + strlen(detail), sizeof detail - strlen(detail),
		    " (server said %ld)", code);
	j->done(j->id, result, detail);
	curl_slist_free_all(j->rcpt);
	free(j->data);
	free(j);
}

static void
smtp_send(long long id, const char *env_from, const char *to,
    const char *data, size_t len, transport_done_fn done)
{
	const struct config	*c = grantd_config;
	struct smtp_job		*j = xcalloc(1, sizeof *j);
	CURL			*easy;
	char			*from, *rcpt, *password = NULL;
	char			 err[GRANT_ERRLEN];

	j->id = id;
	j->done = done;
	j->data = xmalloc(len);
	memcpy(j->data, data, len);
	j->len = len;
	xasprintf(&rcpt, "<%s>", to);
	j->rcpt = curl_slist_append(NULL, rcpt);
	free(rcpt);
	if ((easy = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	xasprintf(&from, "<%s>", env_from);
	curl_easy_setopt(easy, CURLOPT_URL, c->mail_smtp_url);
	curl_easy_setopt(easy, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, j->rcpt);
	curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(easy, CURLOPT_READFUNCTION, smtp_read_cb);
	curl_easy_setopt(easy, CURLOPT_READDATA, j);
	curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_loop_mail_options(easy, 120L, c->mail_smtp_starttls,
	    c->mail_smtp_ca_file);
	if (c->mail_smtp_user != NULL) {
		if (config_read_secret(c->mail_smtp_password_file, &password,
		    err, sizeof err) == -1)
			log_warnx("smtp: %s", err);
		curl_easy_setopt(easy, CURLOPT_USERNAME, c->mail_smtp_user);
		curl_easy_setopt(easy, CURLOPT_PASSWORD,
		    password != NULL ? password : "");
	}
	/* curl copies string options, so these may go now. */
	free(from);
	free(password);
	if (curl_loop_add(easy, smtp_done_cb, j) == -1) {
		curl_easy_cleanup(easy);
		done(id, SEND_TEMPFAIL, "cannot start an SMTP transfer");
		curl_slist_free_all(j->rcpt);
		free(j->data);
		free(j);
	}
}

const struct transport transport_smtp = { "smtp", 1, smtp_send };
