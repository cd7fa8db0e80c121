/*
 * intake-grant.c: replies about a grant. A reply to the offer saying "I
 * accept" on a line of its own, with the name and role of the person
 * accepting, accepts it: the grant moves to accepted, its tranches are
 * made and the grantee is sent every payment date; bank details in the
 * reply are entered unverified, for finance to verify. A message asking
 * to change bank details never changes them (bank_change_requested()).
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

/* The lines the sender wrote: quoted lines and what follows "On ...
 * wrote:" are the letter being answered, not the answer. */
static int
intake_grant_own_line(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return *line != '>';
}

/* "Label: value" on a line of its own (the label in any case). */
static int
intake_grant_field(const char *body, const char *label, char *out, size_t len)
{
	const char	*p, *nl;
	size_t		 n = strlen(label), v;

	for (p = body; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '>' || strncasecmp(p, label, n) != 0 || p[n] != ':')
			continue;
		p += n + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		v = nl != NULL ? (size_t)(nl - p) : strlen(p);
		while (v > 0 && isspace((unsigned char)p[v - 1]))
			v--;
		if (v == 0 || v >= len)
			return 0;
		memcpy(out, p, v);
		out[v] = '\0';
		return 1;
	}
	return 0;
}

/*
 * "I accept" (or "We accept") at the start of a line of the sender's
 * own, and who: the next non-empty line ("Jo Bloggs, Treasurer"), or
 * "Name:" and "Role:" lines. 1 accepted with by filled, 0 not an
 * acceptance, -1 an acceptance without a name and role.
 */
static int
intake_grant_acceptance(const char *body, char *by, size_t len)
{
	const char	*p, *nl, *q;
	char		 name[120], role[120];
	int		 accepted = 0;
	size_t		 v;

	for (p = body; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (!intake_grant_own_line(p))
			continue;
		for (q = p; *q == ' ' || *q == '\t'; q++)
			;
		if (!accepted) {
			accepted = strncasecmp(q, "I accept", 8) == 0 ||
			    strncasecmp(q, "We accept", 9) == 0;
			continue;
		}
		v = nl != NULL ? (size_t)(nl - q) : strlen(q);
		while (v > 0 && isspace((unsigned char)q[v - 1]))
			v--;
		if (v == 0)
			continue;
		/* the next line: a name and a role, or labels follow */
		if (memchr(q, ',', v) != NULL && memchr(q, ':', v) == NULL &&
		    v < len) {
			memcpy(by, q, v);
			by[v] = '\0';
			return 1;
		}
		break;
	}
	if (!accepted)
		return 0;
	if (intake_grant_field(body, "Name", name, sizeof name) &&
	    intake_grant_field(body, "Role", role, sizeof role)) {
		if (snprintf(by, len, "%s, %s", name, role) >= (int)len)
			utf8_truncate(by, len - 1);
		return 1;
	}
	return -1;
}

/* Does the sender's own text ask about changing bank details? */
static int
intake_grant_bank_change(const char *body)
{
	const char	*p, *nl;
	char		 line[1000];
	size_t		 v;

	for (p = body; p != NULL && *p != '\0'; p = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (!intake_grant_own_line(p))
			continue;
		v = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (v >= sizeof line)
			v = sizeof line - 1;
		memcpy(line, p, v);
		line[v] = '\0';
		if (strcasestr(line, "bank") != NULL && (strcasestr(line,
		    "change") != NULL || strcasestr(line, "new account") != NULL
		    || strcasestr(line, "new details") != NULL ||
		    strcasestr(line, "update") != NULL))
			return 1;
	}
	return 0;
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
    long long mail_id)
{
	struct bank_account	 b;
	struct dom_err		 e;
	json_t			*row;
	char			 name[100], sort[40], number[40];
	char			 err[GRANT_ERRLEN];
	int			 verified;

	if (!intake_grant_field(m->body, "Account name", name, sizeof name) ||
	    !intake_grant_field(m->body, "Sort code", sort, sizeof sort) ||
	    !intake_grant_field(m->body, "Account number", number,
	    sizeof number))
		return 0;
	if (bank_check(name, sort, number, &b, err, sizeof err) == -1)
		return staff_notify(ROLE_FINANCE, "The bank details in %s's "
		    "acceptance of grant %s could not be used: %s. Ask for them "
		    "and enter them with grantctl bank set.", g->organisation,
		    g->reference, err);
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

/*
 * A reply about grant g, recorded as mail mail_id, inside the intake's
 * transaction: 0 done (whatever it was), -1 on a database error.
 */
int
intake_grant(const struct mime_message *m, long long mail_id,
    const struct trust_auth *auth, struct grant *g)
{
	struct trust_reply	 tr;
	struct dom_err		 e;
	const char		*held;
	char			 why[400], by[200];
	int			 kind;

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
	if (intake_grant_bank_change(m->body) && (strcmp(g->state, "offered")
	    != 0 || intake_grant_acceptance(m->body, by, sizeof by) == 0))
		return bank_change_requested(g, mail_id, m->from_addr,
		    m->subject != NULL ? m->subject : "");
	if (strcmp(g->state, "offered") != 0 ||
	    (kind = intake_grant_acceptance(m->body, by, sizeof by)) == 0)
		return intake_grant_tell(g, "%s: a reply from %s: %s",
		    m->from_addr, m->subject != NULL ? m->subject : "");
	if (kind == -1)
		return intake_grant_tell(g, "%s: %s accepted the offer but did "
		    "not say who they are (a name and a role); nothing changed. "
		    "Ask, then record it with grantctl grant accept --by%s",
		    m->from_addr, "");
	if (grant_get(g->reference, 1, g, &e) == -1 ||
	    grant_accept_locked("grantee", g, by, m->message_id, &e) == -1)
		return e.status == DOM_DB ? -1 : intake_grant_tell(g,
		    "%s: the acceptance from %s could not be recorded: %s",
		    m->from_addr, e.msg);
	return intake_grant_bank(g, m, mail_id);
}
