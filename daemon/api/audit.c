/* audit.c: the API of the audit log: reading, checking, anchoring it. */
#include <stdlib.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

static void
api_audit_list(struct api_req *r)
{
	const char	*lim = api_query(r, "limit");
	struct dom_err	 e;
	long		 limit = 50;
	char		*end;

	if (lim != NULL && (limit = strtol(lim, &end, 10), *end != '\0'))
		limit = 0;	/* the module says what is allowed */
	api_list(r, "entries", audit_list(api_query(r, "entity"), limit, &e),
	    &e);
}

static void
api_audit_verify(struct api_req *r)
{
	const char	*anchor = api_query(r, "anchor");
	json_t		*result;
	char		 err[GRANT_ERRLEN];

	if (anchor == NULL)
		result = audit_verify();
	else if (audit_verify_anchor(anchor, &result, err, sizeof err) == -1) {
		api_error(r, 400, "%s", err);
		return;
	}
	if (result == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, result);
}

static void
api_audit_anchor(struct api_req *r)
{
	json_t	*result;

	if ((result = audit_anchor_get()) == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, result);
}

const struct api_route api_audit_routes[] = {
	{ "GET", "/v1/audit", ROLE_OFFICER | ROLE_FINANCE, api_audit_list },
	{ "GET", "/v1/audit/verify", ROLE_OFFICER | ROLE_FINANCE,
	    api_audit_verify },
	{ "GET", "/v1/audit/anchor", ROLE_ADMIN, api_audit_anchor },
	{ NULL, NULL, 0, NULL }
};
