/* api-audit.c: reading and checking the audit log. */
#include <stdlib.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

#define AUDIT_LIST_MAX 1000

static void
api_audit_list(struct api_req *r)
{
	const char	*lim = api_query(r, "limit"), *entity = api_query(r, "entity");
	long		 limit = 50;
	char		*end;
	json_t		*rows;

	if (lim != NULL) {
		limit = strtol(lim, &end, 10);
		if (*end != '\0' || limit < 1 || limit > AUDIT_LIST_MAX) {
			api_error(r, 400, "limit must be from 1 to %d",
			    AUDIT_LIST_MAX);
			return;
		}
	}
	/* The newest rows, shown oldest first. */
	rows = db_query("SELECT * FROM (SELECT id, at, actor, action, entity, "
	    "detail FROM audit_log WHERE (? IS NULL OR entity = ?) ORDER BY id "
	    "DESC LIMIT ?) t ORDER BY id", "ssd", entity, entity, (int)limit);
	if (rows == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "entries", rows));
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
