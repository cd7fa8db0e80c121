/*
 * trust.c: how far a message is believed. Anyone can write any From,
 * Reply-To or subject, and any Authentication-Results header too; what a
 * stranger cannot do is answer a letter grantd sent to the address on
 * record (its Message-ID is random and went only there), nor make the
 * receiving server's own checks pass. So a reply changes an application
 * only when it threads under such a letter, comes from that address, and
 * the receiving server found nothing failing; anything else is held for
 * an officer, who accepts or rejects it (trust-held.c). The rules here
 * read no database, so they are tested on their own.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "mail/mime.h"

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

/* The fail, for the officer: cut whole characters, to fit and to store. */
static void
trust_ar_why(struct trust_auth *a, const char *result, const char *id)
{
	char	*why;

	a->fail = 1;
	xasprintf(&why, "%s (by %s)", result, id);
	utf8_truncate(why, sizeof a->why - 1);
	memcpy(a->why, why, strlen(why) + 1);
	free(why);
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
			if (trust_ar_fails(copy, from_domain))
				trust_ar_why(a, seg, id);
			free(copy);
		}
		free(plain);
	}
}

/* ---- the rules ---- */

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
	else if (r->from_header != NULL && strcmp(r->from_header, "From") != 0)
		snprintf(why, len, "its From header holds no address; %s, which "
		    "the sender chooses, is not trusted", r->from_header);
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
