/*
 * form-accept.c: a grantee's reply to an offer (templates/offer.txt),
 * read as forgivingly as an application but never more eagerly than the
 * writer meant. Accepting a grant binds a group to its conditions, so a
 * sentence counts as an acceptance only when it says so plainly ("I
 * accept", "We are delighted to accept the offer", "Happy to accept on
 * behalf of the committee") and not when it asks, doubts or puts it off
 * ("Can we accept part of it?", "We will accept once the committee
 * meets", "We can't accept the condition"): anything less is left to the
 * officer, who is told. Who accepts comes from "Name:" and "Role:" lines
 * (by meaning: "Position", "Signed by"), a "Jo Bloggs, Treasurer" line
 * after the acceptance, or the signature under "Kind regards". The bank
 * account comes from labelled lines ("Sort code", "A/C no", "Name on the
 * account") or, without labels, from the numbers beside the words.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "mail/form.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])
#define ACC_LINE_MAX	200	/* a name, a role or an account name: short */
#define ACC_WRAPPED	40	/* a line this long may go on on the next */

enum { A_ACCOUNT_NAME, A_SORT, A_NUMBER, A_NAME, A_ROLE, A_OTHER, A_COUNT };

static const char *const l_account_name[] = { "account name",
	"name of account", "name on account", "account holder",
	"account holder name", "payee", "payee name", "account title",
	"bank account name", "name of account holder", NULL };
static const char *const l_sort[] = { "sort code", "=sort", "sortcode",
	"bank sort code", "branch sort code", NULL };
static const char *const l_number[] = { "account number", "=account",
	"account no", "a/c no", "a/c number", "=a/c", "acc no",
	"acct no", "account num", "bank account number", "acc number",
	"acct number", NULL };
static const char *const l_name[] = { "=name", "full name", "your name",
	"print name", "=signed", "signed by", "name of person accepting",
	"person accepting", "accepted by", "=signature", NULL };
static const char *const l_role[] = { "=role", "position", "job title",
	"=title", "role in organisation", "your role", "capacity",
	"position in organisation", "role in group", NULL };
static const char *const l_other[] = { "=bank", "bank name", "=date",
	"=reference", "=organisation", "=email", "=phone", "=address", NULL };
static const char *const *const acc_tables[A_COUNT] = { l_account_name,
	l_sort, l_number, l_name, l_role, l_other };
static const char *const acc_keys[A_COUNT] = { "account_name",
	"sort_code", "account_number", "name", "role", NULL };

/* Lower-case words of a sentence, apostrophes (’ too) kept in them;
 * over if there were more than it holds. */
struct acc_words {
	char	 w[64][24];
	size_t	 n;
	int	 over;
};

static void
acc_words(const char *s, size_t len, struct acc_words *ws)
{
	const unsigned char	*p = (const unsigned char *)s, *end = p + len;
	size_t			 k;

	ws->n = 0;
	while (p < end && ws->n < nitems(ws->w)) {
		if (!isalpha(*p)) {
			p++;
			continue;
		}
		for (k = 0; p < end; p++) {
			if (isalpha(*p) || *p == '\'')
				;
			else if (end - p >= 3 && memcmp(p, "\xe2\x80\x99", 3)
			    == 0)
				p += 2;	/* ’ as ' */
			else
				break;
			if (k < sizeof ws->w[0] - 1)
				ws->w[ws->n][k++] = isalpha(*p) ?
				    (char)tolower(*p) : '\'';
		}
		ws->w[ws->n++][k] = '\0';
	}
	ws->over = p < end;
}

static int
acc_in(const char *w, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

/*
 * Does one sentence accept? It holds "accept" ("accepting", "accepted",
 * "confirm our acceptance") said by "I" or "we", after "happy to", or of
 * the offer ("Offer accepted with thanks"), with no word that denies,
 * doubts, asks or defers, and it is no question. Words in quotation
 * marks are quoted, not said: the offer's own 'the words "I accept"'
 * accepts nothing.
 */
static int
acc_sentence(const char *s, size_t len)
{
	static const char *const no[] = { "not", "no", "never", "cannot",
	    "can't", "don't", "won't", "isn't", "aren't", "unable", "decline",
	    "declining", "reject", "nor", "neither", "without", "but",
	    "if", "once", "when", "after", "before", "until", "unless",
	    "whether", "how", "can", "could", "may", "might", "should",
	    "need", "needs", "will", "shall", "wasn't", "didn't", "doesn't",
	    "haven't", "hasn't", "couldn't", "wouldn't", "shouldn't",
	    "question", "query", "unsure", "sure", "perhaps", "maybe",
	    "hope", "think", "able", "yet", "afraid", "unfortunately", NULL };
	static const char *const said[] = { "i", "we", "i'm", "we're", "i'd",
	    "we'd", "i've", "we've", "happy", "pleased", "delighted", "glad",
	    "thrilled", "honoured", "honored", "like", "love", "gladly",
	    "hereby", "formally", "gratefully", "offer", "grant", "agreement",
	    "terms", NULL };
	static const char *const forms[] = { "accept", "accepts",
	    "accepting", "accepted", NULL };
	struct acc_words	 ws;
	char			*t;
	size_t			 i, at = 0;
	int			 found = 0, ok = 0, quoted = 0;

	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || s[len - 1] == '?')
		return 0;
	t = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '"' || (i + 2 < len && memcmp(s + i, "\xe2\x80",
		    2) == 0 && (s[i + 2] == '\x9c' || s[i + 2] == '\x9d'))) {
			quoted = !quoted;
			t[i] = ' ';
			continue;
		}
		t[i] = quoted ? ' ' : s[i];
	}
	acc_words(t, len, &ws);
	free(t);
	if (ws.over)
		return 0;	/* too long to be sure nothing takes it back */
	for (i = 0; i < ws.n; i++) {
		if (acc_in(ws.w[i], no))
			return 0;
		/* "would like to accept", not "would accept if" */
		if (strcmp(ws.w[i], "would") == 0 && (i + 1 >= ws.n ||
		    (strcmp(ws.w[i + 1], "like") != 0 && strcmp(ws.w[i + 1],
		    "love") != 0)))
			return 0;
		if (!found && (acc_in(ws.w[i], forms) || (strcmp(ws.w[i],
		    "acceptance") == 0 && i > 0 && (strcmp(ws.w[i - 1],
		    "our") == 0 || strcmp(ws.w[i - 1], "my") == 0)))) {
			found = 1;
			at = i;
		}
	}
	if (!found)
		return 0;
	if (strcmp(ws.w[at], "acceptance") == 0) {
		for (i = 0; i < at; i++)
			if (strcmp(ws.w[i], "confirm") == 0)
				return 1;
		return 0;
	}
	for (i = 0; i < at; i++)
		if (acc_in(ws.w[i], said))
			ok = 1;
	return ok || at == 0;
}

/*
 * The first accepting sentence of the paragraphs of own, which are
 * joined across the writer's line breaks: the line it ends on (for the
 * "Jo Bloggs, Treasurer" after it), or NULL.
 */
static const char *
acc_find(const char *own)
{
	const char	*p = own, *start = own, *e;
	char		*para;
	size_t		 i, k, line;

	for (;;) {
		/* a paragraph ends at a blank line or the text's end */
		if (*p == '\0' || (*p == '\n' && (p[1] == '\n' ||
		    p[1] == '\0'))) {
			para = xmalloc((size_t)(p - start) + 1);
			memcpy(para, start, (size_t)(p - start));
			para[p - start] = '\0';
			for (i = 0, k = 0, line = 0; para[i] != '\0'; i++) {
				/* a short line ends its sentence ("I accept"
				 * over "Jo Bloggs, Treasurer"); a long one was
				 * wrapped by the writer's mail program */
				if (para[i] == '\n') {
					if (i - line >= ACC_WRAPPED)
						para[i] = ' ';
					line = i + 1;
				}
				if (strchr(".!?;\n", para[i]) != NULL ||
				    para[i + 1] == '\0') {
					if (acc_sentence(para + k, i + 1 - k)) {
						free(para);
						e = strchr(start + i, '\n');
						return e != NULL ? e :
						    start + i;
					}
					k = i + 1;
				}
			}
			free(para);
			if (*p == '\0')
				return NULL;
			start = p + 1;
		}
		p++;
	}
}

static int
acc_role_word(const char *line)
{
	static const char *const roles[] = { "chair", "chairperson",
	    "chairman", "chairwoman", "chairs", "vice", "treasurer",
	    "secretary", "trustee", "director", "coordinator",
	    "co", "manager", "founder", "lead", "leader", "officer",
	    "organiser", "organizer", "administrator", "ceo", "chief",
	    "executive", "president", "head", "clerk", "minister", "vicar",
	    "warden", "convenor", "convener", "owner", "partner", "worker",
	    "governor", "member", "volunteer", "committee", "rector",
	    "principal", "steward", "captain", "signatory", "lay", NULL };
	struct acc_words	ws;
	size_t			i;

	acc_words(line, strlen(line), &ws);
	for (i = 0; i < ws.n; i++)
		if (acc_in(ws.w[i], roles))
			return 1;
	return 0;
}

/* A line that could be a person's name or role: short words, no digits,
 * no address, no label. */
static int
acc_plain(const char *line)
{
	size_t	n = strlen(line);

	if (n == 0 || n > 80 || strpbrk(line, "0123456789@:<>/|") != NULL ||
	    form_is_signoff(line))
		return 0;
	return isalpha((unsigned char)line[0]) || (unsigned char)line[0] >=
	    0x80;
}

static char *
acc_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s) || *s == '*' || *s == '_')
		s++;
	e = s + strlen(s);
	while (e > s && (isspace((unsigned char)e[-1]) || e[-1] == '*' ||
	    e[-1] == '_'))
		*--e = '\0';
	return s;
}

/*
 * The person under a sign-off: "Jo Bloggs" then "Treasurer" (or the
 * organisation, then the role), "Jo Bloggs, Treasurer" on one line, or
 * "Jo Bloggs (Treasurer)". A role only where a line names one.
 */
static void
acc_signature(char **lines, size_t n, const char **name, const char **role,
    const char **both)
{
	char	*l;
	size_t	 i, seen = 0;

	for (i = 0; i < n && seen < 4; i++) {
		l = acc_trim(lines[i]);
		if (*l == '\0')
			continue;
		if (!acc_plain(l))
			break;
		if (seen++ == 0) {
			if (strpbrk(l, ",(") != NULL && acc_role_word(l))
				*both = l;
			*name = l;
		} else if (acc_role_word(l)) {
			*role = l;
			return;
		}
	}
}

/* Digits only, of the first run in s that looks like n digits grouped
 * the way people write them ("20-00-00", "20 00 00", "1234 5678"). */
static int
acc_digits(const char *s, size_t n, char *out)
{
	const char	*p;
	size_t		 k;

	for (p = s; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || (p > s &&
		    isdigit((unsigned char)p[-1])))
			continue;
		for (k = 0, s = p; *s != '\0' && k <= n; s++) {
			if (isdigit((unsigned char)*s))
				out[k++] = *s;
			else if (!(strchr(" -.", *s) != NULL &&
			    isdigit((unsigned char)s[1])))
				break;
		}
		if (k == n) {
			out[k] = '\0';
			return 1;
		}
	}
	return 0;
}

/* "20-00-00" as 200000 and "1234 5678" as 12345678, where only digits
 * and their separators are written; anything else is left as written,
 * for bank_check() to say what is wrong with it. */
static void
acc_compact(char *v)
{
	char	*p, *q;

	for (p = v; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p) && strchr(" -.", *p) == NULL)
			return;
	for (p = q = v; *p != '\0'; p++)
		if (isdigit((unsigned char)*p))
			*q++ = *p;
	*q = '\0';
}

/* Unlabelled: "sort code 20-00-00, account 12345678" in a sentence,
 * the number maybe wrapped onto the next line. */
static void
acc_bank_words(const char *line, const char *next, json_t *out)
{
	static const char *const words[] = { "sort", "account", "a/c",
	    "acc no" };
	static const char *const keys[] = { "sort_code", "account_number",
	    "account_number", "account_number" };
	const char	*p;
	char		 d[16];
	size_t		 i;

	for (i = 0; i < nitems(words); i++)
		if (json_object_get(out, keys[i]) == NULL &&
		    (p = strcasestr(line, words[i])) != NULL &&
		    (acc_digits(p, i == 0 ? 6 : 8, d) || (next != NULL &&
		    strpbrk(p, "0123456789") == NULL && acc_digits(next,
		    i == 0 ? 6 : 8, d))))
			json_object_set_new(out, keys[i], json_string(d));
}

/* Does a line of the writer's own ask to change bank details? */
static int
acc_bank_change(const char *line)
{
	static const char *const change[] = { "change", "changed", "changing",
	    "new", "update", "updated", "updating", "switch", "switched",
	    "moved", "moving", "different", "replace", "closed", "closing",
	    "amend", "amended", NULL };
	struct acc_words	 ws;
	size_t			 i;
	int			 bank = 0, moved = 0;

	acc_words(line, strlen(line), &ws);
	for (i = 0; i < ws.n; i++) {
		if (strcmp(ws.w[i], "bank") == 0 || strcmp(ws.w[i], "banks") ==
		    0 || strcmp(ws.w[i], "sort") == 0 || (strcmp(ws.w[i],
		    "account") == 0 && i > 0 && strcmp(ws.w[i - 1], "bank") ==
		    0))
			bank = 1;
		if (acc_in(ws.w[i], change))
			moved = 1;
	}
	return bank && moved;
}

json_t *
form_accept_read(const char *body)
{
	json_t		*out = json_object();
	char		*own, **lines, label[ACC_LINE_MAX], *l, *v;
	char		 by[2 * ACC_LINE_MAX + 3];
	const char	*after, *answer, *p, *nl, *next = NULL;
	const char	*field[A_COUNT] = { NULL }, *name = NULL, *role = NULL;
	const char	*both = NULL;
	size_t		 n = 0, i, sign = 0;
	int		 k;

	own = form_own_text(body);
	after = acc_find(own);
	/* own's lines split in place; form_own_text ends every line */
	for (p = own; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		n++;
	lines = xcalloc(n + 1, sizeof *lines);
	for (i = 0, l = own; i < n; i++, l = (char *)nl + 1) {
		nl = strchr(l, '\n');
		if (after != NULL && nl > after && next == NULL &&
		    strspn(l, " \t*_") < (size_t)(nl - l))
			next = l;	/* trimmed below, once split */
		*(char *)nl = '\0';
		lines[i] = l;
	}
	if (next != NULL)
		next = acc_trim((char *)next);
	for (i = 0; i < n; i++) {
		l = acc_trim(lines[i]);
		if (sign == 0 && form_is_signoff(l))
			sign = i + 1;
		if (form_label_split(l, label, sizeof label, &answer) == 0 &&
		    (k = form_label_pick(label, acc_tables, A_COUNT)) >= 0 &&
		    k != A_OTHER) {
			v = acc_trim((char *)answer);
			if (k == A_SORT || k == A_NUMBER)
				acc_compact(v);
			if (*v != '\0' && strlen(v) < ACC_LINE_MAX &&
			    field[k] == NULL)
				field[k] = v;
			continue;
		}
		acc_bank_words(l, i + 1 < n ? lines[i + 1] : NULL, out);
		if (acc_bank_change(l))
			json_object_set_new(out, "bank_change", json_true());
	}
	if (sign > 0)
		acc_signature(lines + sign, n - sign, &name, &role, &both);
	/* Who: labels first, then "Jo Bloggs, Treasurer" under the
	 * acceptance as the offer asks, then the signature. */
	if (next != NULL && acc_plain(next) && strpbrk(next, ",(") != NULL &&
	    acc_role_word(next))
		both = next;
	if (field[A_NAME] != NULL || field[A_ROLE] != NULL) {
		both = NULL;
		if (field[A_NAME] != NULL)
			name = field[A_NAME];
		if (field[A_ROLE] != NULL)
			role = field[A_ROLE];
	}
	if (both == NULL && name != NULL && role != NULL) {
		snprintf(by, sizeof by, "%s, %s", name, role);
		both = by;
	}
	json_object_set_new(out, "accepted", json_boolean(after != NULL));
	if (both != NULL && after != NULL)
		json_object_set_new(out, "by", json_string(both));
	for (k = 0; k < A_COUNT; k++)
		if (field[k] != NULL && k != A_NAME && k != A_ROLE &&
		    acc_keys[k] != NULL)
			json_object_set_new(out, acc_keys[k],
			    json_string(field[k]));
	free(lines);
	free(own);
	return out;
}
