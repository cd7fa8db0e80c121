/*
 * bank.c: organisations' bank details under four eyes. Details are
 * never changed in place: each change is a new row, unverified until a
 * finance user other than the one who entered it verifies it (the
 * database checks that too). Changing details that were verified puts
 * every unpaid tranche of the organisation on hold until then, since a
 * changed account nobody checked is how grant payments are diverted.
 * Mail never changes details: a request by email becomes a task for
 * finance, a warning to the officer, and a letter to the address on
 * record (bank_change_requested()).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "domain/domain.h"

#define BANK_HOLD "bank details changed, waiting for verification"

/*
 * Sort code: six digits, as 12-34-56, 123456 or 12 34 56. Account
 * number: eight digits; seven are padded with a leading 0, as UK banks
 * do. Account name: at most 18 characters, what a Bacs record carries,
 * in the characters Bacs accepts. 0, or -1 with err in plain words.
 */
int
bank_check(const char *name, const char *sort, const char *account,
    struct bank_account *out, char *err, size_t len)
{
	const char	*p;
	size_t		 n = 0, i;

	memset(out, 0, sizeof *out);
	p = sort;
	if (name == NULL || sort == NULL || account == NULL) {
		errfmt(err, len, "bank details need --account-name, --sort-code "
		    "and --account-number");
		return -1;
	}
	/* 123456, 12-34-56 or 12 34 56, nothing else */
	if (strlen(sort) == 6 || (strlen(sort) == 8 && sort[2] == sort[5] &&
	    (sort[2] == '-' || sort[2] == ' ')))
		for (p = sort; *p != '\0' && n < 6; p++) {
			if (isdigit((unsigned char)*p))
				out->sort_code[n++] = *p;
			else if (strlen(sort) == 6 || (p - sort != 2 &&
			    p - sort != 5))
				break;
		}
	if (n != 6 || *p != '\0') {
		errfmt(err, len, "the sort code '%s' is not six digits (write "
		    "it as 12-34-56, 12 34 56 or 123456)", sort);
		return -1;
	}
	out->sort_code[6] = '\0';
	n = strlen(account);
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)account[i]))
			break;
	if (i != n || (n != 7 && n != 8)) {
		errfmt(err, len, "the account number '%s' is not eight digits "
		    "(seven are fine too: we put a 0 in front, as banks do)",
		    account);
		return -1;
	}
	out->account_number[0] = '0';
	memcpy(out->account_number + (8 - n), account, n);
	out->account_number[8] = '\0';
	n = strlen(name);
	if (n == 0 || n > 18) {
		errfmt(err, len, "the account name must be 1 to 18 characters, "
		    "as the bank's payment file carries it (shorten it as the "
		    "bank does: '%s' is %zu)", name, n);
		return -1;
	}
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr(" .&/-'", *p) == NULL) {
			errfmt(err, len, "the account name may hold only letters, "
			    "digits, spaces and . & / - ' (not '%c')", *p);
			return -1;
		}
	snprintf(out->account_name, sizeof out->account_name, "%s", name);
	return 0;
}

/* ORG as grants show it: an organisation's name or its org_key. */
int
bank_org_find(const char *org, char key[201], char name[201],
    struct dom_err *e)
{
	json_t	*rows;
	char	 fold[201];

	if (org == NULL || *org == '\0')
		return dom_fail(e, DOM_BAD, "which organisation? give its name "
		    "or key as grant show gives it");
	grant_org_fold(org, fold, sizeof fold);
	if ((rows = db_query("SELECT DISTINCT org_key, organisation FROM "
	    "grants WHERE org_key = ? OR organisation = ? OR org_key = ? "
	    "ORDER BY org_key LIMIT 3", "sss", org, org, fold)) == NULL)
		return dom_db_fail(e);
	if (json_array_size(rows) == 0) {
		json_decref(rows);
		return dom_fail(e, DOM_NOT_FOUND, "no grant to an organisation "
		    "called %s", org);
	}
	snprintf(key, 201, "%s", json_string_value(json_object_get(
	    json_array_get(rows, 0), "org_key")));
	snprintf(name, 201, "%s", json_string_value(json_object_get(
	    json_array_get(rows, 0), "organisation")));
	if (json_array_size(rows) > 1 && strcmp(key, json_string_value(
	    json_object_get(json_array_get(rows, 1), "org_key"))) != 0) {
		json_decref(rows);
		return dom_fail(e, DOM_CONFLICT, "more than one organisation "
		    "is called %s: name it by its key (grant show gives it)",
		    org);
	}
	json_decref(rows);
	return 0;
}

/*
 * New details for org_key (inside the caller's transaction): any
 * unverified ones are replaced; verified ones are superseded and every
 * unpaid tranche of the organisation held until these are verified.
 */
int
bank_enter(const char *actor, const char *org_key, const char *organisation,
    const struct bank_account *b, const char *source, struct dom_err *e)
{
	json_t		*row;
	long long	 held = 0;
	int		 had_verified;

	if ((row = db_query_row("SELECT COUNT(*) AS n FROM bank_details WHERE "
	    "org_key = ? AND state = 'verified' FOR UPDATE", "s", org_key))
	    == NULL)
		return dom_db_fail(e);
	had_verified = json_integer_value(json_object_get(row, "n")) > 0;
	json_decref(row);
	if (db_exec("UPDATE bank_details SET state = 'superseded' WHERE "
	    "org_key = ? AND state IN ('unverified', 'verified')", "s",
	    org_key) == -1 ||
	    db_exec("INSERT INTO bank_details (org_key, organisation, "
	    "account_name, sort_code, account_number, source, entered_by) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)", "sssssss", org_key, organisation,
	    b->account_name, b->sort_code, b->account_number, source, actor)
	    != 1)
		return dom_db_fail(e);
	if (had_verified && (held = tranche_hold_org(org_key, BANK_HOLD)) < 0)
		return dom_db_fail(e);
	/* the audit keeps the last four digits only: the log is read widely */
	if (audit_append(actor, "bank.set", org_key, json_pack("{s:s,s:s,s:s,"
	    "s:b,s:I}", "source", source, "sort_code", b->sort_code,
	    "account_ends", b->account_number + 4, "replaced_verified",
	    had_verified, "tranches_held", (json_int_t)held)) == -1)
		return dom_db_fail(e);
	if (had_verified && staff_notify(ROLE_FINANCE, "Bank details of %s "
	    "were changed %s %s: %lld unpaid tranche%s held until another "
	    "finance user verifies them (grantctl bank verify)", organisation,
	    strcmp(source, "email") == 0 ? "from" : "by", strcmp(source,
	    "email") == 0 ? "an email" : actor, held, held == 1 ? "" : "s")
	    == -1)
		return dom_db_fail(e);
	return 0;
}

/* POST /v1/banks/ORG {account_name, sort_code, account_number} */
json_t *
bank_set(const char *actor, const char *org, json_t *in, struct dom_err *e)
{
	struct bank_account	b;
	char			key[201], name[201], err[GRANT_ERRLEN];

	if (bank_check(dom_str(in, "account_name"), dom_str(in, "sort_code"),
	    dom_str(in, "account_number"), &b, err, sizeof err) == -1) {
		dom_fail(e, DOM_BAD, "%s", err);
		return NULL;
	}
	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (bank_org_find(org, key, name, e) == -1 ||
	    bank_enter(actor, key, name, &b, "grantctl", e) == -1)
		return NULL;
	if (db_commit() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	return bank_show(key, e);
}

/* POST /v1/banks/ORG/verify: by a finance user who did not enter them. */
json_t *
bank_verify(const char *actor, const char *org, struct dom_err *e)
{
	json_t		*row;
	char		 key[201], name[201];
	long long	 released;

	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (bank_org_find(org, key, name, e) == -1)
		return NULL;
	if ((row = db_query_row("SELECT id, entered_by FROM bank_details "
	    "WHERE org_key = ? AND state = 'unverified' ORDER BY id DESC "
	    "LIMIT 1 FOR UPDATE", "s", key)) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_is_null(row)) {
		json_decref(row);
		dom_fail(e, DOM_CONFLICT, "%s has no bank details waiting to be "
		    "verified", name);
		return NULL;
	}
	if (strcmp(json_string_value(json_object_get(row, "entered_by")),
	    actor) == 0) {
		json_decref(row);
		dom_fail(e, DOM_CONFLICT, "you entered these bank details, so "
		    "another finance user must verify them");
		return NULL;
	}
	if (db_exec("UPDATE bank_details SET state = 'verified', verified_by "
	    "= ?, verified_at = UTC_TIMESTAMP(6) WHERE id = ?", "si", actor,
	    (int64_t)json_integer_value(json_object_get(row, "id"))) != 1 ||
	    (released = tranche_release_org(key, BANK_HOLD)) < 0 ||
	    audit_append(actor, "bank.verify", key, json_pack("{s:I,s:I}",
	    "bank", (json_int_t)json_integer_value(json_object_get(row,
	    "id")), "tranches_released", (json_int_t)released)) == -1 ||
	    db_commit() == -1) {
		json_decref(row);
		dom_db_fail(e);
		return NULL;
	}
	json_decref(row);
	return bank_show(key, e);
}

/* GET /v1/banks/ORG: current details (verified or waiting) and history. */
json_t *
bank_show(const char *org, struct dom_err *e)
{
	json_t	*rows;
	char	 key[201], name[201];

	if (bank_org_find(org, key, name, e) == -1)
		return NULL;
	if ((rows = db_query("SELECT id, account_name, sort_code, "
	    "account_number, state, source, entered_by, verified_by, "
	    "verified_at, created_at FROM bank_details WHERE org_key = ? ORDER "
	    "BY id DESC", "s", key)) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	return json_pack("{s:s,s:s,s:o}", "org_key", key, "organisation", name,
	    "details", rows);
}

/*
 * Mail asked to change grant g's bank details (inside the intake's
 * transaction): nothing changes. A task for finance, a warning to the
 * officer, and the grantee told at the address on record, which is
 * where a real request would be confirmed and a fraudster cannot read.
 */
int
bank_change_requested(const struct grant *g, long long mail_id,
    const char *from, const char *detail)
{
	json_t	*vars;

	if (db_exec("INSERT INTO finance_tasks (kind, grant_id, org_key, "
	    "mail_id, detail) VALUES ('bank_change', ?, ?, NULLIF(?, 0), ?)",
	    "isis", (int64_t)g->id, g->org_key, (int64_t)mail_id, detail) != 1
	    || audit_append("grantd", "bank.change_requested", g->reference,
	    json_pack("{s:s,s:I}", "from", from, "task",
	    (json_int_t)db_insert_id())) == -1)
		return -1;
	if ((g->officer_id != 0 ? staff_notify_user(g->officer_id, "An email "
	    "from %s asked to change the bank details of %s (grant %s). "
	    "Nothing was changed; confirm with the grantee by phone before "
	    "finance enters anything.", from, g->organisation, g->reference) :
	    staff_notify(ROLE_OFFICER, "An email from %s asked to change the "
	    "bank details of %s (grant %s). Nothing was changed; confirm with "
	    "the grantee by phone before finance enters anything.", from,
	    g->organisation, g->reference)) == -1 ||
	    staff_notify(ROLE_FINANCE, "Task: an email asked to change the "
	    "bank details of %s (grant %s); nothing was changed", 
	    g->organisation, g->reference) == -1)
		return -1;
	if ((vars = grant_letter_vars(g)) == NULL)
		return -1;
	return grant_letter(g, "bank-change-requested", vars);
}

/* What mail has asked of finance: the open tasks, or every one. */
json_t *
bank_tasks(int all, struct dom_err *e)
{
	json_t	*rows;

	if ((rows = db_query("SELECT t.id, t.kind, t.state, t.detail, "
	    "t.done_by, t.created_at, g.reference, g.organisation FROM "
	    "finance_tasks t LEFT JOIN grants g ON g.id = t.grant_id WHERE "
	    "? OR t.state = 'open' ORDER BY t.id", "i", (int64_t)(all != 0)))
	    == NULL)
		dom_db_fail(e);
	return rows;
}

/* A task done: who closed it, and what they did, audited. */
json_t *
bank_task_done(const char *actor, const char *id_text, const char *note,
    struct dom_err *e)
{
	json_t		*row;
	char		*end;
	long long	 id = strtoll(id_text, &end, 10);
	long long	 n;

	if (*end != '\0' || id <= 0) {
		dom_fail(e, DOM_BAD, "'%s' is not a task number", id_text);
		return NULL;
	}
	if (note == NULL || *note == '\0') {
		dom_fail(e, DOM_BAD, "say what was done (--note TEXT)");
		return NULL;
	}
	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if ((n = db_exec("UPDATE finance_tasks SET state = 'done', done_by = ? "
	    "WHERE id = ? AND state = 'open'", "si", actor, (int64_t)id)) == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (n == 0) {
		dom_fail(e, DOM_NOT_FOUND, "no open finance task %lld", id);
		return NULL;
	}
	if (audit_append(actor, "finance_task.done", "finance task", json_pack(
	    "{s:I,s:s}", "task", (json_int_t)id, "note", note)) == -1 ||
	    db_commit() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	row = json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", "done");
	return row;
}
