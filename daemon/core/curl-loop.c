/*
 * curl-loop.c: libcurl's multi interface driven by grantd's one libevent
 * loop, so SMTP (and IMAP) transfers never block it. curl tells us which
 * sockets to watch and when to time out; we tell curl when they are ready.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "core/core.h"

struct curl_job {
	CURL			*easy;
	curl_loop_done_fn	 done;
	void			*arg;
	TAILQ_ENTRY(curl_job)	 entry;
};
static TAILQ_HEAD(, curl_job)	curl_jobs = TAILQ_HEAD_INITIALIZER(curl_jobs);

struct curl_sock {
	struct event	*ev;
};

static CURLM			*curl_multi;
static struct event_base	*curl_base;
static struct event		*curl_timer;
static CURLSH			**curl_pools;
static size_t			 curl_npools;

static void
curl_loop_check(void)
{
	CURLMsg		*msg;
	int		 left;
	CURL		*easy;
	struct curl_job	*job;
	CURLcode	 rc;

	/* Drain every finished transfer after each action. */
	while ((msg = curl_multi_info_read(curl_multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		easy = msg->easy_handle;
		rc = msg->data.result;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&job);
		curl_multi_remove_handle(curl_multi, easy);
		TAILQ_REMOVE(&curl_jobs, job, entry);
		job->done(easy, rc, job->arg);
		curl_easy_cleanup(easy);
		free(job);
	}
}

static void
curl_loop_event_cb(evutil_socket_t fd, short what, void *arg)
{
	int	running, flags = 0;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(curl_multi, fd, flags, &running);
	curl_loop_check();
}

static void
curl_loop_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	int	running;

	curl_multi_socket_action(curl_multi, CURL_SOCKET_TIMEOUT, 0, &running);
	curl_loop_check();
}

static int
curl_loop_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp,
    void *socketp)
{
	struct curl_sock	*cs = socketp;
	short			 kind = EV_PERSIST;

	if (what == CURL_POLL_REMOVE) {
		if (cs != NULL) {
			event_free(cs->ev);
			free(cs);
		}
		curl_multi_assign(curl_multi, s, NULL);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (cs == NULL) {
		cs = xcalloc(1, sizeof *cs);
		curl_multi_assign(curl_multi, s, cs);
	} else
		event_free(cs->ev);
	cs->ev = event_new(curl_base, s, kind, curl_loop_event_cb, NULL);
	event_add(cs->ev, NULL);
	return 0;
}

static int
curl_loop_timeout_cb(CURLM *multi, long ms, void *userp)
{
	struct timeval	tv;

	if (ms < 0) {
		evtimer_del(curl_timer);
		return 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(curl_timer, &tv);
	return 0;
}

void
curl_loop_init(struct event_base *base)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl_base = base;
	curl_multi = curl_multi_init();
	curl_timer = evtimer_new(base, curl_loop_timer_cb, NULL);
	curl_multi_setopt(curl_multi, CURLMOPT_SOCKETFUNCTION,
	    curl_loop_socket_cb);
	curl_multi_setopt(curl_multi, CURLMOPT_TIMERFUNCTION,
	    curl_loop_timeout_cb);
}

/*
 * A mail server connection as both mail protocols want it: timeouts, no
 * signals, STARTTLS "off", "try" or "required", and an optional file of
 * certificates to trust.
 */
void
curl_loop_mail_options(CURL *easy, long timeout, const char *starttls,
    const char *ca_file)
{
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_USE_SSL,
	    strcmp(starttls, "required") == 0 ? CURLUSESSL_ALL :
	    strcmp(starttls, "try") == 0 ? CURLUSESSL_TRY : CURLUSESSL_NONE);
	if (ca_file != NULL)
		curl_easy_setopt(easy, CURLOPT_CAINFO, ca_file);
}

/* Start a transfer; done(easy, result, arg) runs when it ends, either way. */
int
curl_loop_add(CURL *easy, curl_loop_done_fn done, void *arg)
{
	struct curl_job	*job = xcalloc(1, sizeof *job);

	job->easy = easy;
	job->done = done;
	job->arg = arg;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, job);
	if (curl_multi_add_handle(curl_multi, easy) != CURLM_OK) {
		free(job);
		return -1;
	}
	TAILQ_INSERT_TAIL(&curl_jobs, job, entry);
	return 0;
}

/*
 * A connection pool apart from the one all other transfers share, for a
 * caller that needs connections in a known state: an IMAP server answers
 * STATUS from a stale view on a connection where that mailbox is selected.
 * Pass it as CURLOPT_SHARE; it lives until curl_loop_shutdown().
 */
CURLSH *
curl_loop_pool(void)
{
	CURLSH	*sh;

	if ((sh = curl_share_init()) == NULL)
		fatalx("curl_share_init failed");
	curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	if ((curl_pools = realloc(curl_pools, (curl_npools + 1) *
	    sizeof *curl_pools)) == NULL)
		fatal("realloc");
	curl_pools[curl_npools++] = sh;
	return sh;
}

int
curl_loop_busy(void)
{
	return !TAILQ_EMPTY(&curl_jobs);
}

/* Easy handles first, then the multi, then our events (curl's order). */
void
curl_loop_shutdown(void)
{
	struct curl_job	*job;

	if (curl_multi == NULL)
		return;
	while ((job = TAILQ_FIRST(&curl_jobs)) != NULL) {
		TAILQ_REMOVE(&curl_jobs, job, entry);
		curl_multi_remove_handle(curl_multi, job->easy);
		job->done(job->easy, CURLE_ABORTED_BY_CALLBACK, job->arg);
		curl_easy_cleanup(job->easy);
		free(job);
	}
	curl_multi_cleanup(curl_multi);
	curl_multi = NULL;
	/* Only now that no transfer uses them. */
	while (curl_npools > 0)
		curl_share_cleanup(curl_pools[--curl_npools]);
	free(curl_pools);
	curl_pools = NULL;
	event_free(curl_timer);
	curl_timer = NULL;
	curl_global_cleanup();
}
