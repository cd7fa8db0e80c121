/* outbox.c: the API of the outbox, templates and staff notifications. */
#include <stdlib.h>

#include "core/core.h"
#include "api/api.h"
#include "mail/mail.h"
#include "domain/domain.h"
#include "mail/template.h"

static void
api_outbox_list(struct api_req *r)
{
	const char	*lim = api_query(r, "limit");
	struct dom_err	 e;
	long		 limit = 100;
	char		*end;
	json_t		*rows;

	if (lim != NULL && ((limit = strtol(lim, &end, 10)) < 1 ||
	    *end != '\0'))
		limit = 0;	/* the module says what is allowed */
	if ((rows = outbox_list(api_query(r, "state"), api_query(r,
	    "reference"), limit, &e)) == NULL)
		api_fail(r, &e);
	else
		api_reply(r, 200, json_pack("{s:o}", "messages", rows));
}

static int
api_outbox_id(struct api_req *r, long long *id)
{
	char	*end;

	*id = strtoll(r->parts[2], &end, 10);
	if (*end != '\0' || *id <= 0) {
		api_error(r, 400, "'%s' is not an outbox message number",
		    r->parts[2]);
		return -1;
	}
	return 0;
}

static void
api_outbox_show(struct api_req *r)
{
	struct dom_err	 e;
	long long	 id;
	json_t		*row;

	if (api_outbox_id(r, &id) == -1)
		return;
	if ((row = outbox_show(id, &e)) == NULL)
		api_fail(r, &e);
	else
		api_reply(r, 200, row);
}

static void
api_outbox_retry(struct api_req *r)
{
	struct dom_err	e;
	long long	id;

	if (api_outbox_id(r, &id) == -1)
		return;
	if (outbox_retry(r->user_name, id, &e) == -1)
		api_fail(r, &e);
	else
		api_reply(r, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id,
		    "state", "queued"));
}

static void
api_outbox_test(struct api_req *r)
{
	struct dom_err	e;
	long long	id;

	if ((id = outbox_test(r->user_name, api_str(r, "to"), api_str(r,
	    "name"), api_str(r, "note"), &e)) == -1)
		api_fail(r, &e);
	else
		api_reply(r, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id,
		    "state", "queued"));
}

static void
api_template_list(struct api_req *r)
{
	api_reply(r, 200, json_pack("{s:o}", "templates", template_list()));
}

static void
api_template_preview(struct api_req *r)
{
	struct dom_err	 e;
	json_t		*vars;
	char		*subject, *body, err[GRANT_ERRLEN];

	if (!template_exists(r->parts[2])) {
		api_error(r, 404, "no template called %s (grantctl template "
		    "list shows them)", r->parts[2]);
		return;
	}
	/* With --app, the letter as that applicant would get it. */
	if (api_str(r, "app") != NULL) {
		if ((vars = app_letter_vars_by_ref(api_str(r, "app"), &e))
		    == NULL) {
			api_fail(r, &e);
			return;
		}
	} else
		vars = template_sample_vars();
	if (template_render(r->parts[2], vars, &subject, &body, err,
	    sizeof err) == -1) {
		json_decref(vars);
		api_error(r, 400, "%s", err);
		return;
	}
	json_decref(vars);
	api_reply(r, 200, json_pack("{s:s,s:s,s:s}", "template", r->parts[2],
	    "subject", subject, "body", body));
	free(subject);
	free(body);
}

static void
api_notify_digests(struct api_req *r)
{
	int	n;

	if ((n = staff_send_digests(1)) == -1) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:i}", "digests", n));
}

const struct api_route api_outbox_routes[] = {
	{ "GET", "/v1/outbox", ROLE_OFFICER | ROLE_FINANCE, api_outbox_list },
	{ "GET", "/v1/outbox/*", ROLE_OFFICER | ROLE_FINANCE, api_outbox_show },
	{ "POST", "/v1/outbox/*/retry", ROLE_OFFICER | ROLE_FINANCE,
	    api_outbox_retry },
	{ "POST", "/v1/outbox/test", ROLE_OFFICER, api_outbox_test },
	{ "GET", "/v1/templates", ROLE_ANY, api_template_list },
	{ "POST", "/v1/templates/*/preview", ROLE_ANY, api_template_preview },
	{ "POST", "/v1/notify/digests", ROLE_ADMIN, api_notify_digests },
	{ NULL, NULL, 0, NULL }
};
