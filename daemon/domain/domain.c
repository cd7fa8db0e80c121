/*
 * domain.c: what every entity module shares: how a refused or failed
 * operation is reported, and amounts read from a request. Callers — the
 * API, the intake, the timers — decide what a failure means to them: the
 * API turns it into 400/404/409/503, the intake into a quarantine or retry.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"

/* Refuse, saying why; any open transaction is rolled back. Returns -1. */
int
dom_fail(struct dom_err *e, enum dom_status status, const char *fmt, ...)
{
	va_list	ap;

	db_rollback();
	e->status = status;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* A query failed: the database's own words, for the API to classify. */
int
dom_db_fail(struct dom_err *e)
{
	return dom_fail(e, DOM_DB, "%s", db_last_error());
}

/* Text from a request: NULL when absent or not text. */
const char *
dom_str(json_t *obj, const char *key)
{
	json_t	*v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * An amount, as typed ("£1,234.56") or as integer pence. Returns 1 when
 * given, 0 when absent and optional, -1 (with e filled) when wrong.
 */
int
dom_money(json_t *obj, const char *key, int required, int64_t *out,
    struct dom_err *e)
{
	json_t	*v = json_object_get(obj, key);
	char	 err[GRANT_ERRLEN];

	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		return dom_fail(e, DOM_BAD, "%s is required", key);
	}
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= MONEY_MAX_PENCE) {
		*out = json_integer_value(v);
		return 1;
	}
	if (!json_is_string(v) ||
	    money_parse(json_string_value(v), out, err, sizeof err) == -1)
		return dom_fail(e, DOM_BAD, "%s: %s", key, json_is_string(v) ?
		    err : "not an amount");
	return 1;
}
