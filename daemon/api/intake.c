/* intake.c: the API of intake mailboxes and quarantined mail. */
#include <stdlib.h>

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
	intake_poll_all();
	api_reply(r, 200, json_pack("{s:s}", "result", "polling"));
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

static void
api_quarantine_retry(struct api_req *r)
{
	struct dom_err		e;
	enum intake_result	res;
	long long		id;

	if (api_quarantine_id(r, &id) == -1)
		return;
	if (quarantine_retry(r->user_name, id, &res, &e) == -1)
		api_fail(r, &e);
	else
		api_reply(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id,
		    "result", quarantine_result_name(res)));
}

const struct api_route api_intake_routes[] = {
	{ "GET", "/v1/intake", ROLE_OFFICER, api_intake_status },
	{ "POST", "/v1/intake/poll", ROLE_OFFICER, api_intake_poll },
	{ "GET", "/v1/intake/quarantine", ROLE_OFFICER, api_quarantine_list },
	{ "GET", "/v1/intake/quarantine/*", ROLE_OFFICER, api_quarantine_show },
	{ "POST", "/v1/intake/quarantine/*/retry", ROLE_OFFICER,
	    api_quarantine_retry },
	{ NULL, NULL, 0, NULL }
};
