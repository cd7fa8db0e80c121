/*
 * intake-grant.c: replies about a grant, read by form-accept.c. A reply
 * to the offer that plainly accepts it, with the name and role of the
 * person accepting, accepts it: the grant moves to accepted, its tranches
 * are made and the grantee is sent every payment date; bank details in
 * the reply are entered unverified, for finance to verify. A message
 * asking to change bank details never changes them
 * (bank_change_requested()).
 *
 * As with every reply, it counts only if it comes from the address on
 * record and answers a letter sent there (trust.c's rules); otherwise it
 * is held for an officer and nothing changes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "mail/mail.h"
#include "mail/form.h"
#include "mail/mime.h"
#include "domain/domain.h"

/* The grant m answers: by the letters it replies to, else its subject's
 * [REFERENCE]. 1 with g filled, 0 if none, -1 on a database error. */
int
intake_grant_find(const struct mime_message *m, struct grant *g)
{
	struct dom_err	 e;
	char		*refs, *p, *tok, ref[40];
	const char	*end;
	json_t		*row;
	int		 found = 0;

	refs = xstrdup(m->references != NULL ? m->references : "");
	for (p = refs, tok = m->in_reply_to; !found && tok != NULL;
	    tok = strsep(&p, " ")) {
		if (*tok == '\0')
			continue;
		if ((row = db_query_row("SELECT o.reference FROM outbox o JOIN "
		    "grants g ON g.reference = o.reference WHERE o.message_id = "
		    "? LIMIT 1", "s", tok)) == NULL) {
			free(refs);
			return -1;
		}
		if (!json_is_null(row))
			found = grant_get(json_string_value(json_object_get(row,
			    "reference")), 0, g, &e) == 0;
		json_decref(row);
	}
	free(refs);
	if (!found && m->subject != NULL && (p = strchr(m->subject, '[')) !=
	    NULL && (end = strchr(p, ']')) != NULL && end - p - 1 > 0 &&
	    (size_t)(end - p - 1) < sizeof ref) {
		snprintf(ref, sizeof ref, "%.*s", (int)(end - p - 1), p + 1);
		if (check_code(ref, 1, sizeof ref, 1) &&
		    grant_get(ref, 0, g, &e) == 0)
			found = 1;
		else if (e.status == DOM_DB)
			return -1;
	}
	return found;
}

static int
intake_grant_tell(const struct grant *g, const char *fmt, const char *a,
    const char *b)
{
	char	note[2000];

	if (snprintf(note, sizeof note, fmt, g->reference, a, b) >=
	    (int)sizeof note)
		utf8_truncate(note, sizeof note - 1);
	return g->officer_id != 0 ? staff_notify_user(g->officer_id, "%s",
	    note) : staff_notify(ROLE_OFFICER, "%s", note);
}

/*
 * Bank details in an acceptance: entered unverified, from email. If the
 * organisation has verified details, this is a change asked for by
 * email, and changes nothing.
 */
static int
intake_grant_bank(const struct grant *g, const struct mime_message *m,
    long long mail_id, json_t *reply)
{
	struct bank_account	 b;
	struct dom_err		 e;
	json_t			*row;
	const char		*name, *sort, *number;
	char			 err[GRANT_ERRLEN];
	int			 verified;

	name = json_string_value(json_object_get(reply, "account_name"));
	sort = json_string_value(json_object_get(reply, "sort_code"));
	number = json_string_value(json_object_get(reply, "account_number"));
	if (name == NULL && sort == NULL && number == NULL)
		return 0;
	if (bank_check(name, sort, number, &b, err, sizeof err) == -1)
		return staff_notify(ROLE_FINANCE, "The bank details in %s's "
		    "acceptance of grant %s could not be used: %s. Ask for them "
		    "and enter them with grantctl bank set.", g->organisation,
		    g->reference, name == NULL || sort == NULL || number ==
		    NULL ? "the account name, the sort code or the account "
		    "number is missing" : err);
	if ((row = db_query_row("SELECT COUNT(*) AS n FROM bank_details WHERE "
	    "org_key = ? AND state = 'verified'", "s", g->org_key)) == NULL)
		return -1;
	verified = json_integer_value(json_object_get(row, "n")) > 0;
	json_decref(row);
	if (verified)
		return bank_change_requested(g, mail_id, m->from_addr,
		    "bank details sent with an acceptance, different from "
		    "the verified ones");
	if (bank_enter("email", g->org_key, g->organisation, &b, "email",
	    &e) == -1)
		return -1;
	return staff_notify(ROLE_FINANCE, "Bank details for %s came with "
	    "the acceptance of grant %s: verify them (grantctl bank verify)",
	    g->organisation, g->reference);
}

/* Has g's organisation bank details on record, for a change to change?
 * 1 or 0, -1 on a database error. */
static int
intake_grant_has_bank(const struct grant *g)
{
	json_t	*row;
	int	 n;

	if ((row = db_query_row("SELECT COUNT(*) AS n FROM bank_details WHERE "
	    "org_key = ?", "s", g->org_key)) == NULL)
		return -1;
	n = json_integer_value(json_object_get(row, "n")) > 0;
	json_decref(row);
	return n;
}

/*
 * What a trusted reply about g says: a request to change the bank
 * details on record (unless it comes with the acceptance it answers), an
 * acceptance with who accepts and maybe the account to pay, or anything
 * else, which the officer is told of.
 */
static int
intake_grant_reply(struct grant *g, const struct mime_message *m,
    long long mail_id, json_t *reply)
{
	struct dom_err	 e;
	const char	*by = json_string_value(json_object_get(reply, "by"));
	int		 offered = strcmp(g->state, "offered") == 0;
	int		 accepted = json_is_true(json_object_get(reply,
			    "accepted"));
	int		 has_bank;

	if (json_is_true(json_object_get(reply, "bank_change")) &&
	    (!offered || !accepted)) {
		if ((has_bank = intake_grant_has_bank(g)) == -1)
			return -1;
		if (has_bank)
			return bank_change_requested(g, mail_id, m->from_addr,
			    m->subject != NULL ? m->subject : "");
	}
	if (!offered || !accepted)
		return intake_grant_tell(g, "%s: a reply from %s: %s",
		    m->from_addr, m->subject != NULL ? m->subject : "");
	if (by == NULL)
		return grant_letter_reply(g, "acceptance-incomplete",
		    grant_letter_vars(g), m->message_id) == -1 ? -1 :
		    intake_grant_tell(g, "%s: %s accepted the offer but did not "
		    "say who they are (a name and a role); nothing changed. They "
		    "were asked; or record it with grantctl grant accept --by%s",
		    m->from_addr, "");
	if (grant_get(g->reference, 1, g, &e) == -1 ||
	    grant_accept_locked("grantee", g, by, m->message_id, &e) == -1)
		return e.status == DOM_DB ? -1 : intake_grant_tell(g,
		    "%s: the acceptance from %s could not be recorded: %s",
		    m->from_addr, e.msg);
	return intake_grant_bank(g, m, mail_id, reply);
}

/*
 * A reply about grant g, recorded as mail mail_id, inside the intake's
 * transaction: 0 done (whatever it was), -1 on a database error.
 */
int
intake_grant(const struct mime_message *m, long long mail_id,
    const struct trust_auth *auth, struct grant *g)
{
	struct trust_reply	 tr;
	const char		*held;
	char			 why[400];
	json_t			*reply;
	int			 rc;

	tr.from_addr = m->from_addr;
	tr.from_header = m->from_header;
	tr.on_record = g->email;
	tr.auth = auth;
	if ((tr.threaded = trust_threaded(m, g->reference, g->email)) == -1)
		return -1;
	if ((held = trust_reply_hold(&tr, why, sizeof why)) != NULL) {
		log_info("intake: a reply about grant %s from %s is held: %s",
		    g->reference, m->from_addr, held);
		if (trust_hold(mail_id, held) == -1 || db_exec("UPDATE mail_in "
		    "SET kind = 'grant-held' WHERE id = ?", "i",
		    (int64_t)mail_id) != 1)
			return -1;
		return intake_grant_tell(g, "%s: a reply from %s is held for "
		    "you and changed nothing: %s", m->from_addr, held);
	}
	reply = form_accept_read(m->body);
	rc = intake_grant_reply(g, m, mail_id, reply);
	json_decref(reply);
	return rc;
}
