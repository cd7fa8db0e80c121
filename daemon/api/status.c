/*
 * api-status.c: GET /v1/status, open to any local caller like a health
 * check; the database's error only to those who may see it.
 */
#include <time.h>

#include "core/core.h"
#include "api/api.h"

static void
api_status(struct api_req *r)
{
	json_t	*o;
	int	 up = db_available_now();

	o = json_pack("{s:s,s:I,s:s,s:i}", "version", PACKAGE_VERSION,
	    "uptime_seconds", (json_int_t)(time(NULL) - grantd_started),
	    "database", up ? "up" : "down",
	    "schema_expected", GRANTD_SCHEMA_VERSION);
	if (up)
		json_object_set_new(o, "schema_version",
		    json_integer(migrate_schema_version()));
	else
		json_object_set_new(o, "database_error", json_string(
		    api_sees_detail(r) ? db_last_error() :
		    "database unavailable"));
	api_reply(r, 200, o);
}

const struct api_route api_status_routes[] = {
	{ "GET", "/v1/status", ROLE_NOBODY, api_status },
	{ NULL, NULL, 0, NULL }
};
