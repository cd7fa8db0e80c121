/*
 * tranche.c: the payments of a grant. A tranche is paid only when it is
 * due, not held, and releasable: the agreement accepted, the
 * organisation's bank details verified by a second person, and, after
 * the first, the grant's latest monitoring return due by then approved
 * (or that condition waived with a reason). Payment runs read the same
 * definition (TRANCHE_RELEASABLE_SQL in domain.h), so the two never
 * disagree about what may be paid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "domain/domain.h"

/*
 * Is tranche id releasable? 1 yes, 0 no (why says which condition is
 * not met, in plain words), -1 the database failed or no such tranche.
 * It does not ask whether the tranche is due or held: a run asks that
 * itself (TRANCHE_PAYABLE_SQL).
 */
int
tranche_releasable(long long id, char *why, size_t len)
{
	json_t		*row;
	const char	*ret;
	int		 rc;

	if (len > 0)
		*why = '\0';
	if ((row = db_query_row("SELECT t.number, t.waived_reason, g.state "
	    "AS grant_state, g.reference, EXISTS (SELECT 1 FROM bank_details "
	    "b WHERE b.org_key = g.org_key AND b.state = 'verified') AS "
	    "bank, (SELECT m.state FROM monitoring_returns m WHERE "
	    "m.grant_id = t.grant_id AND m.due_date <= t.due_date ORDER BY "
	    "m.due_date DESC, m.id DESC LIMIT 1) AS return_state, (SELECT "
	    "m.period FROM monitoring_returns m WHERE m.grant_id = t.grant_id "
	    "AND m.due_date <= t.due_date ORDER BY m.due_date DESC, m.id DESC "
	    "LIMIT 1) AS return_period, (" TRANCHE_RELEASABLE_SQL ") AS ok "
	    "FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE t.id = ?",
	    "i", (int64_t)id)) == NULL)
		return -1;
	if (json_is_null(row)) {
		json_decref(row);
		snprintf(why, len, "no such tranche");
		return -1;
	}
#define S(k) json_string_value(json_object_get(row, k))
	rc = json_integer_value(json_object_get(row, "ok")) != 0;
	ret = S("return_state");
	if (rc)
		;
	else if (strcmp(S("grant_state"), "accepted") != 0 &&
	    strcmp(S("grant_state"), "active") != 0)
		snprintf(why, len, "grant %s is %s, not accepted",
		    S("reference"), S("grant_state"));
	else if (json_integer_value(json_object_get(row, "bank")) == 0)
		snprintf(why, len, "the organisation's bank details are not "
		    "verified");
	else
		snprintf(why, len, "the %s monitoring return is %s, not "
		    "approved", S("return_period") ? S("return_period") : "",
		    ret ? ret : "missing");
#undef S
	json_decref(row);
	return rc;
}
