/* intake.c: the API of intake mailboxes and quarantined mail. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"
#include "mail/mail.h"

static void
api_intake_status(struct api_req *r)
{
	json_t	*list;

	if ((list = intake_status()) == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "mailboxes", list));
}

static void
api_intake_poll(struct api_req *r)
{
	api_reply(r, 200, json_pack("{s:o}", "mailboxes", intake_poll_all()));
}

static void
api_quarantine_list(struct api_req *r)
{
	struct dom_err	e;

	api_list(r, "messages", quarantine_list(&e), &e);
}

static int
api_quarantine_id(struct api_req *r, long long *id)
{
	char	*end;

	*id = strtoll(r->parts[3], &end, 10);
	if (*end != '\0' || *id <= 0) {
		api_error(r, 400, "'%s' is not a quarantine number", r->parts[3]);
		return -1;
	}
	return 0;
}

static void
api_quarantine_show(struct api_req *r)
{
	struct dom_err	 e;
	json_t		*row;
	long long	 id;

	if (api_quarantine_id(r, &id) == -1)
		return;
	if ((row = quarantine_show(id, &e)) == NULL)
		api_fail(r, &e);
	else
		api_reply(r, 200, row);
}

/*
 * A retry is answered once its documents are read: the request is kept
 * until then (libevent keeps it even if the caller goes away), with a
 * copy of what answering needs, as the handler's own api_req is gone.
 */
struct api_retrying {
	struct api_req	 r;
	long long	 id;
};

static void
api_quarantine_retried(int rc, enum intake_result res,
    const struct dom_err *e, void *arg)
{
	struct api_retrying	*q = arg;

	if (rc == -1)
		api_fail(&q->r, e);
	else
		api_reply(&q->r, 200, json_pack("{s:I,s:s}", "id",
		    (json_int_t)q->id, "result", quarantine_result_name(res)));
	free(q);
}

static void
api_quarantine_retry(struct api_req *r)
{
	struct api_retrying	*q;
	struct dom_err		 e;
	long long		 id;

	if (api_quarantine_id(r, &id) == -1)
		return;
	q = xcalloc(1, sizeof *q);
	q->r.req = r->req;
	q->r.uid = r->uid;
	q->r.roles = r->roles;
	q->r.user_id = r->user_id;
	memcpy(q->r.user_name, r->user_name, sizeof q->r.user_name);
	q->id = id;
	if (quarantine_retry(r->user_name, id, api_quarantine_retried, q,
	    &e) == -1) {
		free(q);
		api_fail(r, &e);
	}
}

static void
api_held_list(struct api_req *r)
{
	json_t	*rows;

	if ((rows = trust_held_list(api_query(r, "all") != NULL)) == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "messages", rows));
}

static int
api_held_id(struct api_req *r, long long *id)
{
	char	*end;

	*id = strtoll(r->parts[3], &end, 10);
	if (*end != '\0' || *id <= 0) {
		api_error(r, 400, "'%s' is not a message number", r->parts[3]);
		return -1;
	}
	return 0;
}

static void
api_held_show(struct api_req *r)
{
	json_t		*row;
	long long	 id;

	if (api_held_id(r, &id) == -1)
		return;
	if ((row = trust_held_get(id)) == NULL) {
		api_db_error(r);
		return;
	}
	if (json_is_null(row)) {
		api_error(r, 404, "no held message %lld", id);
		return;
	}
	api_reply(r, 200, row);
}

/* An officer's decision on held mail: the rule and its SQL are trust's. */
static void
api_held_decide(struct api_req *r, int accept)
{
	json_t		*result;
	long long	 id;
	char		 err[GRANT_ERRLEN];
	int		 status;

	if (api_held_id(r, &id) == -1)
		return;
	if (trust_held_decide(id, accept, r->user_name, &result, &status, err,
	    sizeof err) == -1) {
		if (status != 0)
			api_error(r, status, "%s", err);
		else
			api_db_error(r);
		return;
	}
	api_reply(r, 200, result);
}

static void
api_held_accept(struct api_req *r)
{
	api_held_decide(r, 1);
}

static void
api_held_reject(struct api_req *r)
{
	api_held_decide(r, 0);
}

const struct api_route api_intake_routes[] = {
	{ "GET", "/v1/intake", ROLE_OFFICER, api_intake_status },
	{ "POST", "/v1/intake/poll", ROLE_OFFICER, api_intake_poll },
	{ "GET", "/v1/intake/quarantine", ROLE_OFFICER, api_quarantine_list },
	{ "GET", "/v1/intake/quarantine/*", ROLE_OFFICER, api_quarantine_show },
	{ "POST", "/v1/intake/quarantine/*/retry", ROLE_OFFICER,
	    api_quarantine_retry },
	{ "GET", "/v1/intake/held", ROLE_OFFICER, api_held_list },
	{ "GET", "/v1/intake/held/*", ROLE_OFFICER, api_held_show },
	{ "POST", "/v1/intake/held/*/accept", ROLE_OFFICER, api_held_accept },
	{ "POST", "/v1/intake/held/*/reject", ROLE_OFFICER, api_held_reject },
	{ NULL, NULL, 0, NULL }
};
