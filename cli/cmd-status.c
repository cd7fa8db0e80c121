/* cmd-status.c: grantctl status */
#include <stdio.h>

#include "grantctl.h"

int
cmd_status(struct args *a)
{
	json_t	*r;
	long	 up;
	char	 buf[64];

	if ((r = client_call("GET", "/v1/status", NULL)) == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	up = (long)json_integer_value(json_object_get(r, "uptime_seconds"));
	snprintf(buf, sizeof buf, "%ldd %02ld:%02ld:%02ld", up / 86400,
	    up % 86400 / 3600, up % 3600 / 60, up % 60);
	out_field("version", out_str(r, "version"));
	out_field("uptime", buf);
	out_field("database", out_str(r, "database"));
	if (json_object_get(r, "database_error") != NULL)
		out_field("database error", out_str(r, "database_error"));
	else {
		snprintf(buf, sizeof buf, "%s (this grantd expects %s)",
		    out_str(r, "schema_version"), out_str(r, "schema_expected"));
		out_field("schema", buf);
	}
	json_decref(r);
	return CMD_OK;
}
