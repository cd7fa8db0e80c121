/*
 * monitoring.c: the API of monitoring returns. The rules are in
 * domain/monitoring.c; each handler reads the request, calls it, answers.
 */
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

/* GET /v1/monitoring?overdue=1&fund=CODE */
static void
api_monitor_list(struct api_req *r)
{
	struct dom_err	 e;
	const char	*overdue = api_query(r, "overdue");

	api_list(r, "returns", monitor_list(overdue != NULL &&
	    strcmp(overdue, "0") != 0, api_query(r, "fund"), &e), &e);
}

static void
api_monitor_show(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, monitor_show(r->parts[2], &e), &e);
}

/* POST /v1/monitoring/plan {"grant": "FG-2026-0042"} */
static void
api_monitor_plan(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, monitor_plan(r->user_name, api_str(r, "grant"), &e),
	    &e);
}

static void
api_monitor_approve(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, monitor_approve(r->user_name, r->parts[2], &e), &e);
}

static void
api_monitor_chase(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, monitor_chase(r->user_name, r->parts[2], &e), &e);
}

const struct api_route api_monitor_routes[] = {
	/* A return holds people's stories: staff who act on it read it. */
	{ "GET", "/v1/monitoring", ROLE_OFFICER | ROLE_FINANCE, api_monitor_list },
	{ "POST", "/v1/monitoring/plan", ROLE_OFFICER, api_monitor_plan },
	{ "GET", "/v1/monitoring/*", ROLE_OFFICER | ROLE_FINANCE,
	    api_monitor_show },
	{ "POST", "/v1/monitoring/*/approve", ROLE_OFFICER, api_monitor_approve },
	{ "POST", "/v1/monitoring/*/chase", ROLE_OFFICER, api_monitor_chase },
	{ NULL, NULL, 0, NULL }
};
