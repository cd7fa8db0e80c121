/*
 * payruns.c: the API of payment runs and bank statements. The rules, four
 * eyes among them, are in the payrun and reconcile modules.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

static void
api_payrun_answer(struct api_req *r, int status, const char *ref)
{
	struct dom_err	 e;
	json_t		*run;

	if ((run = payrun_show(ref, &e)) == NULL)
		run = json_pack("{s:s}", "reference", ref);
	api_reply(r, status, run);
}

/* POST /v1/payruns {due_by} */
static void
api_payrun_create(struct api_req *r)
{
	struct dom_err	e;
	char		ref[33];

	if (payrun_create(r->user_name, api_str(r, "due_by"), ref, &e) == -1)
		api_fail(r, &e);
	else
		api_payrun_answer(r, 201, ref);
}

static void
api_payrun_list(struct api_req *r)
{
	struct dom_err	e;

	api_list(r, "runs", payrun_list(&e), &e);
}

static void
api_payrun_show(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, payrun_show(r->parts[2], &e), &e);
}

/* POST /v1/payruns/REF/approve */
static void
api_payrun_approve(struct api_req *r)
{
	struct dom_err	e;

	if (payrun_approve(r->user_name, r->parts[2], &e) == -1)
		api_fail(r, &e);
	else
		api_payrun_answer(r, 200, r->parts[2]);
}

/* POST /v1/payruns/REF/cancel */
static void
api_payrun_cancel(struct api_req *r)
{
	struct dom_err	e;

	if (payrun_cancel(r->user_name, r->parts[2], &e) == -1)
		api_fail(r, &e);
	else
		api_reply(r, 200, json_pack("{s:s}", "reference", r->parts[2]));
}

/* POST /v1/payruns/REF/export {format}: the file, after its description. */
static void
api_payrun_export(struct api_req *r)
{
	struct dom_err	 e;
	json_t		*meta;
	char		*file = NULL;
	size_t		 len = 0;

	if ((meta = payrun_export(r->user_name, r->parts[2], api_str(r,
	    "format"), &file, &len, &e)) == NULL)
		api_fail(r, &e);
	else
		api_reply_file(r, meta, file, len);
	free(file);
}

/* POST /v1/payruns/REF/paid {tranche, bank_ref} */
static void
api_payrun_paid(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, payrun_mark_paid(r->user_name, r->parts[2],
	    api_str(r, "tranche"), api_text(r, "bank_ref", 64), &e), &e);
}

/* POST /v1/statements {content} */
static void
api_payrun_reconcile(struct api_req *r)
{
	struct dom_err	 e;
	const char	*text = api_str(r, "content");

	api_result(r, 200, reconcile_statement(r->user_name, text,
	    text != NULL ? strlen(text) : 0, &e), &e);
}

const struct api_route api_payrun_routes[] = {
	{ "GET", "/v1/payruns", ROLE_FINANCE, api_payrun_list },
	{ "POST", "/v1/payruns", ROLE_FINANCE, api_payrun_create },
	{ "GET", "/v1/payruns/*", ROLE_FINANCE, api_payrun_show },
	{ "POST", "/v1/payruns/*/approve", ROLE_FINANCE, api_payrun_approve },
	{ "POST", "/v1/payruns/*/cancel", ROLE_FINANCE, api_payrun_cancel },
	{ "POST", "/v1/payruns/*/export", ROLE_FINANCE, api_payrun_export },
	{ "POST", "/v1/payruns/*/paid", ROLE_FINANCE, api_payrun_paid },
	{ "POST", "/v1/statements", ROLE_FINANCE, api_payrun_reconcile },
	{ NULL, NULL, 0, NULL }
};
