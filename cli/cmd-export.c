/* cmd-export.c: grantctl export 360giving */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

int
cmd_export_360giving(struct args *a)
{
	const char	*format = args_get(a, "format");
	const char	*out = args_get(a, "out");
	json_t		*r;
	char		*text;
	int		 rc, csv;

	if (!args_has(a, "fund") || out == NULL)
		return cmd_usage_error("export 360giving needs --fund CODE and "
		    "--out FILE");
	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "csv") != 0)
		return cmd_usage_error("--format is json or csv");
	csv = format != NULL && strcmp(format, "csv") == 0;
	if ((r = client_get_query("/v1/export/360giving", a, "fund",
	    "format", NULL)) == NULL)
		return CMD_FAILED;
	if (csv)
		text = xstrdup(json_string_value(json_object_get(r, "csv")) ?
		    json_string_value(json_object_get(r, "csv")) : "");
	else {
		char *j = json_dumps(json_object_get(r, "package"),
		    JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		xasprintf(&text, "%s\n", j != NULL ? j : "{}");
		free(j);
	}
	rc = cmd_write_out(out, text);
	free(text);
	if (rc == CMD_OK && strcmp(out, "-") != 0 && !cmd_json)
		printf("Wrote %lld grants of fund %s to %s.\n", (long long)
		    json_integer_value(json_object_get(r, "grants")),
		    args_get(a, "fund"), out);
	json_decref(r);
	return rc;
}
