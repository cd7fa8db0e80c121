/* cmd-tranche.c: grantctl tranche list|waive */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

int
cmd_tranche_list(struct args *a)
{
	json_t	*r;

	r = client_get_query("/v1/tranches", a, "grant", "due", NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	cmd_grant_tranches(json_object_get(r, "tranches"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_tranche_waive(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "reason"))
		return cmd_usage_error("tranche waive needs --reason");
	body = json_pack("{s:s}", "reason", args_get(a, "reason"));
	r = client_call_on("POST", "/v1/tranches/", a->argv[0], "/waive", body);
	json_decref(body);
	if (r != NULL && !cmd_json)
		printf("Tranche %s no longer waits for a monitoring return.\n",
		    out_str(r, "id"));
	return cmd_json ? output_result(r) : r == NULL ? CMD_FAILED :
	    (json_decref(r), CMD_OK);
}
