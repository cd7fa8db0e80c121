/*
 * reports.c: the API of what grantd tells about a programme: the
 * programme report, the 360Giving export, and a person's data (export,
 * erase, and the retention run).
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

static void
api_report_programme(struct api_req *r)
{
	const char	*format = api_query(r, "format");
	struct dom_err	 e;
	json_t		*fig;
	char		*html;

	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "html") != 0) {
		api_error(r, 400, "the report's format is json or html here "
		    "(grantctl makes text and csv from json)");
		return;
	}
	if ((fig = report_programme(api_query(r, "fund"), api_query(r, "from"),
	    api_query(r, "to"), &e)) == NULL) {
		api_fail(r, &e);
		return;
	}
	if (format != NULL && strcmp(format, "html") == 0) {
		html = report_html(fig);
		json_decref(fig);
		fig = json_pack("{s:s}", "html", html);
		free(html);
	}
	api_reply(r, 200, fig);
}

static void
api_export_360giving(struct api_req *r)
{
	const char	*format = api_query(r, "format");
	struct dom_err	 e;
	json_t		*pkg;
	char		*csv;
	size_t		 n;

	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "csv") != 0) {
		api_error(r, 400, "a 360Giving export is json or csv");
		return;
	}
	if ((pkg = opendata_360giving(api_query(r, "fund"), &e)) == NULL) {
		api_fail(r, &e);
		return;
	}
	n = json_array_size(json_object_get(pkg, "grants"));
	if (format != NULL && strcmp(format, "csv") == 0) {
		csv = opendata_360giving_csv(pkg);
		json_decref(pkg);
		pkg = json_pack("{s:s,s:I}", "csv", csv, "grants", (json_int_t)n);
		free(csv);
	} else
		pkg = json_pack("{s:o,s:I}", "package", pkg, "grants",
		    (json_int_t)n);
	api_reply(r, 200, pkg);
}

static void
api_privacy_export(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, privacy_export(api_query(r, "email"), &e), &e);
}

static void
api_privacy_erase(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, privacy_erase(r->user_name, api_str(r, "email"), &e),
	    &e);
}

static void
api_privacy_retention(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, privacy_retention_run(r->user_name, &e), &e);
}

const struct api_route api_report_routes[] = {
	{ "GET", "/v1/reports/programme", ROLE_OFFICER | ROLE_FINANCE,
	    api_report_programme },
	{ "GET", "/v1/export/360giving", ROLE_OFFICER, api_export_360giving },
	{ "GET", "/v1/privacy/export", ROLE_OFFICER, api_privacy_export },
	{ "POST", "/v1/privacy/erase", ROLE_OFFICER, api_privacy_erase },
	{ "POST", "/v1/privacy/retention", ROLE_ADMIN, api_privacy_retention },
	{ NULL, NULL, 0, NULL }
};
