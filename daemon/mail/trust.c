/*
 * trust.c: how far a message is believed. Anyone can write any From,
 * Reply-To or subject, and any Authentication-Results header too; what a
 * stranger cannot do is answer a letter grantd sent to the address on
 * record (its Message-ID is random and went only there), nor make the
 * receiving server's own checks pass. So a reply changes an application
 * only when it threads under such a letter, comes from that address, and
 * the receiving server found nothing failing; anything else is held for
 * an officer, who accepts or rejects it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "mail/mime.h"
#include "domain/domain.h"

#define TRUST_THREAD_IDS 20	/* newest References looked at */

/* ---- Authentication-Results (RFC 8601) ---- */

/*
 * The value with comments removed and quoted strings unquoted, with ';'
 * inside them made harmless, so it splits on ';' and spaces alone.
 */
static char *
trust_ar_plain(const char *v)
{
	char	*out = xmalloc(strlen(v) + 1), *o = out;
	int	 depth = 0, quoted = 0;

	for (; *v != '\0'; v++) {
		if (*v == '\\' && v[1] != '\0' && (depth > 0 || quoted)) {
			v++;
			if (quoted)
				*o++ = *v == ';' ? ' ' : *v;
			continue;
		}
		if (quoted) {
			if (*v == '"')
				quoted = 0;
			else
				*o++ = *v == ';' ? ' ' : *v;
		} else if (*v == '(')
			depth++;
		else if (*v == ')' && depth > 0)
			depth--;
		else if (depth > 0)
			continue;
		else if (*v == '"')
			quoted = 1;
		else
			*o++ = *v;
		if (depth > 0 && o > out && o[-1] != ' ')
			*o++ = ' ';
	}
	*o = '\0';
	return out;
}

/* Spaces around '=', '.' and '/' go, so each piece is one word. */
static void
trust_ar_squeeze(char *s)
{
	char	*r, *w;

	for (r = w = s; *r != '\0'; r++) {
		if (isspace((unsigned char)*r)) {
			char *n = r;
			while (isspace((unsigned char)*n))
				n++;
			if (*n == '=' || *n == '.' || *n == '/' || *n == '\0' ||
			    (w > s && (w[-1] == '=' || w[-1] == '.' ||
			    w[-1] == '/' || w[-1] == ' ')))
				continue;
			*w++ = ' ';
		} else
			*w++ = *r;
	}
	*w = '\0';
}

/* One of a comma- or space-separated list of server names. */
static int
trust_ar_ours(const char *id, size_t len, const char *ours)
{
	const char	*p = ours;
	size_t		 n;

	while (*p != '\0') {
		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n > 0 && n == len && strncasecmp(p, id, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

/* a is b, or either is under the other: the sender's organisation. */
static int
trust_domain_related(const char *a, size_t alen, const char *b)
{
	size_t	blen = strlen(b), n = alen < blen ? alen : blen;
	const char *longer = alen > blen ? a : b;
	size_t	llen = alen > blen ? alen : blen;

	if (n == 0)
		return 0;
	if (strncasecmp(a + alen - n, b + blen - n, n) != 0)
		return 0;
	return alen == blen || longer[llen - n - 1] == '.';
}

/*
 * Whether one result ("dkim=fail header.d=example.com ...") is a fail
 * for the From domain. A result that names no domain is taken as the
 * sender's: a server that says "fail" and no more is believed.
 */
static int
trust_ar_fails(char *res, const char *from_domain)
{
	static const struct {
		const char *method, *property;
	} names[] = {
		{ "dmarc", "header.from" }, { "dkim", "header.d" },
		{ "dkim", "header.i" }, { "spf", "smtp.mailfrom" },
	};
	char		*tok, *save, *eq, *slash, *d;
	const char	*method;
	size_t		 i;
	int		 named = 0, related = 0;

	if ((tok = strtok_r(res, " ", &save)) == NULL ||
	    (eq = strchr(tok, '=')) == NULL)
		return 0;
	*eq = '\0';
	if ((slash = strchr(tok, '/')) != NULL)
		*slash = '\0';
	if (strcasecmp(eq + 1, "fail") != 0)
		return 0;
	if (strcasecmp(tok, "dmarc") != 0 && strcasecmp(tok, "dkim") != 0 &&
	    strcasecmp(tok, "spf") != 0)
		return 0;
	method = tok;
	while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
		if ((eq = strchr(tok, '=')) == NULL)
			continue;
		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			if (strcasecmp(method, names[i].method) != 0 ||
			    (size_t)(eq - tok) != strlen(names[i].property) ||
			    strncasecmp(tok, names[i].property, eq - tok) != 0)
				continue;
			d = strrchr(eq + 1, '@');
			d = d != NULL ? d + 1 : eq + 1;
			named = 1;
			related |= trust_domain_related(d, strlen(d),
			    from_domain);
		}
	}
	return !named || related;
}

/*
 * Whether the receiving server (one of authserv_ids) found the From
 * domain failing DMARC, DKIM or SPF; why in a->why. Headers from other
 * servers are ignored, and a fail anywhere outweighs any pass, so a
 * sender who writes a header of their own gains nothing by it.
 */
void
trust_auth_check(const struct mime_message *m, const char *authserv_ids,
    struct trust_auth *a)
{
	const char	*from_domain;
	char		*plain, *seg, *save, *copy, id[128];
	size_t		 i, idlen;

	memset(a, 0, sizeof *a);
	if (authserv_ids == NULL || m->from_addr == NULL ||
	    (from_domain = strrchr(m->from_addr, '@')) == NULL)
		return;
	from_domain++;
	for (i = 0; i < m->nauth_results && !a->fail; i++) {
		plain = trust_ar_plain(m->auth_results[i]);
		seg = strtok_r(plain, ";", &save);
		seg = seg != NULL ? seg + strspn(seg, " \t") : NULL;
		idlen = seg != NULL ? strcspn(seg, " \t") : 0;
		if (seg == NULL || idlen >= sizeof id ||
		    !trust_ar_ours(seg, idlen, authserv_ids)) {
			free(plain);
			continue;
		}
		snprintf(id, sizeof id, "%.*s", (int)idlen, seg);
		while (!a->fail && (seg = strtok_r(NULL, ";", &save)) != NULL) {
			trust_ar_squeeze(seg);
			seg += strspn(seg, " ");
			copy = xstrdup(seg);
			if (trust_ar_fails(copy, from_domain)) {
				a->fail = 1;
				snprintf(a->why, sizeof a->why, "%s (by %s)",
				    seg, id);
			}
			free(copy);
		}
		free(plain);
	}
}

/* ---- replies ---- */

/*
 * Whether m answers (In-Reply-To, or one of its newest References) a
 * letter grantd sent about reference to on_record: 1, 0, or -1 on a
 * database error.
 */
int
trust_threaded(const struct mime_message *m, const char *reference,
    const char *on_record)
{
	char	*refs, *p, *tok, *ids[TRUST_THREAD_IDS + 1];
	json_t	*row;
	int	 n = 0, i, found = 0;

	refs = xstrdup(m->references != NULL ? m->references : "");
	for (p = refs; (tok = strsep(&p, " ")) != NULL; )
		if (*tok != '\0')
			ids[n++ % TRUST_THREAD_IDS] = tok;
	if (n > TRUST_THREAD_IDS)
		n = TRUST_THREAD_IDS;
	if (m->in_reply_to != NULL)
		ids[n++] = m->in_reply_to;
	for (i = 0; i < n && !found; i++) {
		row = db_query_row("SELECT id FROM outbox WHERE message_id = ? "
		    "AND reference = ? AND to_addr = ?", "sss", ids[i],
		    reference, on_record);
		if (row == NULL) {
			free(refs);
			return -1;
		}
		found = !json_is_null(row);
		json_decref(row);
	}
	free(refs);
	return found;
}

/*
 * May new mail be answered at its From address? NULL if so; else why
 * not: the From may be forged, and the answer would go to its victim.
 */
const char *
trust_new_hold(const struct trust_auth *a, char *why, size_t len)
{
	if (!a->fail)
		return NULL;
	snprintf(why, len, "the receiving server's check failed: %s", a->why);
	return why;
}

/*
 * The rule: may this reply change its application? NULL if so; else why
 * not, in why, for the officer who is asked instead.
 */
const char *
trust_reply_hold(const struct trust_reply *r, char *why, size_t len)
{
	if (r->auth != NULL && r->auth->fail)
		snprintf(why, len, "the receiving server's check failed: %s",
		    r->auth->why);
	else if (r->from_addr == NULL || r->on_record == NULL ||
	    strcasecmp(r->from_addr, r->on_record) != 0)
		snprintf(why, len, "it is not from the address on record (%s)",
		    r->on_record != NULL ? r->on_record : "none");
	else if (!r->threaded)
		snprintf(why, len, "it does not answer a letter grantd sent to "
		    "the address on record");
	else
		return NULL;
	return why;
}

/* ---- held mail ---- */

/* Mark mail_id held, with why, in the intake's transaction. */
int
trust_hold(long long mail_id, const char *why)
{
	return db_exec("UPDATE mail_in SET held_state = 'held', held_reason = "
	    "LEFT(?, 500) WHERE id = ?", "si", why, (int64_t)mail_id) == 1 ?
	    0 : -1;
}

/* Mail held for an officer: only what waits, or (all) every decision too. */
json_t *
trust_held_list(int all)
{
	return db_query("SELECT m.id, m.source, a.reference, m.kind, "
	    "m.from_addr, m.subject, m.held_reason AS reason, m.held_state AS "
	    "state, m.held_by AS decided_by, m.received_at, m.held_decided_at "
	    "AS decided_at FROM mail_in m LEFT JOIN applications a ON a.id = "
	    "m.application_id WHERE m.held_state = 'held' OR (? AND "
	    "m.held_state IS NOT NULL) ORDER BY m.id", "d", all ? 1 : 0);
}

/*
 * What accepting held mail does: a reply to an incomplete application is
 * applied as if it had been trusted (a letter to the address on record);
 * a held new application gets its letter; anything else is only noted.
 * What happened goes in outcome.
 */
static int
trust_accept(json_t *mail, json_t *app, char *outcome, size_t len)
{
	const char	*kind = json_string_value(json_object_get(mail, "kind"));
	const char	*mid = json_string_value(json_object_get(mail,
			    "message_id"));
	const char	*state;
	long long	 id;

	if (app == NULL || json_is_null(app)) {
		snprintf(outcome, len, "noted; it is about no application");
		return 0;
	}
	id = json_integer_value(json_object_get(app, "id"));
	state = json_string_value(json_object_get(app, "state"));
	if (strcmp(kind, "application-held") == 0) {
		if (strcmp(state, "incomplete") != 0 &&
		    strcmp(state, "eligible") != 0 &&
		    strcmp(state, "ineligible") != 0) {
			snprintf(outcome, len, "noted; the application is %s, "
			    "so no letter goes", state);
			return 0;
		}
		snprintf(outcome, len, "the letter for the application (%s) "
		    "goes to %s", state, json_string_value(json_object_get(app,
		    "email")));
		return intake_letter(id, state, mid, NULL);
	}
	if (strcmp(state, "incomplete") != 0) {
		snprintf(outcome, len, "noted; the application is %s, which "
		    "mail does not change", state);
		return 0;
	}
	snprintf(outcome, len, "the reply is applied to the application and "
	    "answered at %s", json_string_value(json_object_get(app, "email")));
	return intake_reply_apply(app, json_string_value(json_object_get(mail,
	    "body")), mid, NULL);
}

/* The held message id, locked; NULL on a database error or refusal. */
static json_t *
trust_held_row(long long id, int *status, char *err, size_t errlen)
{
	json_t	*row;

	row = db_query_row("SELECT id, kind, application_id, held_state, "
	    "held_reason, body, message_id, from_addr FROM mail_in WHERE id = "
	    "? AND held_state IS NOT NULL FOR UPDATE", "i", (int64_t)id);
	if (row == NULL)
		return NULL;
	if (json_is_null(row)) {
		*status = 404;
		snprintf(err, errlen, "no held message %lld", id);
	} else if (strcmp(json_string_value(json_object_get(row,
	    "held_state")), "held") != 0) {
		*status = 409;
		snprintf(err, errlen, "message %lld is already %s", id,
		    json_string_value(json_object_get(row, "held_state")));
	} else
		return row;
	json_decref(row);
	return NULL;
}

/*
 * An officer (actor) accepts or rejects held message id, in one
 * transaction with its audit row and any letter. 0 and *result, or -1:
 * then *status is 404 or 409 with err, or 0 for a database error.
 */
int
trust_held_decide(long long id, int accept, const char *actor,
    json_t **result, int *status, char *err, size_t errlen)
{
	json_t		*mail, *app = NULL;
	const char	*kind, *ref = NULL;
	char		 outcome[300] = "nothing changes; nobody is answered";
	int		 rc = -1;

	*result = NULL;
	*status = 0;
	if (db_begin() == -1)
		return -1;
	if ((mail = trust_held_row(id, status, err, errlen)) == NULL)
		goto out;
	if (json_is_integer(json_object_get(mail, "application_id")) &&
	    (app = db_query_row("SELECT id, reference, state, email, "
	    "round_id, fields FROM applications WHERE id = ? FOR UPDATE", "i",
	    (int64_t)json_integer_value(json_object_get(mail,
	    "application_id")))) == NULL)
		goto out;
	if (app != NULL && !json_is_null(app))
		ref = json_string_value(json_object_get(app, "reference"));
	kind = json_string_value(json_object_get(mail, "kind"));
	if (accept && trust_accept(mail, app, outcome, sizeof outcome) == -1)
		goto out;
	if (db_exec("UPDATE mail_in SET held_state = ?, held_by = ?, "
	    "held_decided_at = UTC_TIMESTAMP(6), kind = ? WHERE id = ?", "sssi",
	    accept ? "accepted" : "rejected", actor, !accept ? kind :
	    strcmp(kind, "reply-held") == 0 ? "reply" : "application",
	    (int64_t)id) != 1 ||
	    audit_append(actor, accept ? "mail.accept" : "mail.reject",
	    ref != NULL ? ref : "mail", json_pack("{s:I,s:O,s:O,s:s}", "id",
	    (json_int_t)id, "from", json_object_get(mail, "from_addr"),
	    "reason", json_object_get(mail, "held_reason"), "outcome",
	    outcome)) == -1 || db_commit() == -1)
		goto out;
	*result = json_pack("{s:I,s:s?,s:s,s:s}", "id", (json_int_t)id,
	    "reference", ref, "state", accept ? "accepted" : "rejected",
	    "outcome", outcome);
	rc = 0;
out:
	if (rc == -1)
		db_rollback();
	json_decref(mail);
	json_decref(app);
	return rc;
}
