/*
 * form.c: the application form out of an email body, and what is wrong
 * with it. People type around a form as much as into it, so reading is
 * forgiving: labels matched by what they mean, bullets and numbers, answers
 * on the next line; quoted replies and signatures are not the applicant's
 * answers and are skipped. What the reader does not understand is kept,
 * as written, for an officer to read. Every problem is said in words a volunteer can
 * act on without knowing how grantd works.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "mail/mime.h"
#include "mail/form.h"
#include "mail/mail.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

#define FORM_QUOTE_MAX	60	/* bytes of a value repeated in a problem */
#define FORM_MIN_MATCH	10	/* shortest priority text matched as a part */
#define FORM_MAX_CHOICES 20	/* priority answers read: one problem each */
#define FORM_OTHER_MAX	8000	/* bytes of another question's answer kept */
#define FORM_OTHERS_MAX	100	/* other questions kept (the mail has all) */
#define ORG_TYPES	"registered charity, CIO, CIC, company or " \
			"unincorporated group"

struct form_field {
	const char		*key;
	int			 multiline;
	const char *const	*labels;	/* lower case */
};

/*
 * What people call each question, one table per field, and the questions
 * grantd does not ask (l_other). Labels are matched by meaning, not by
 * string (label_field): a label and every phrase here are normalised the
 * same way (word_norm: lower case, punctuation and bracketed hints gone,
 * "organization" and other spellings and abbreviations made one word,
 * plurals singular), and small words ("the", "your", "please") dropped.
 * Then a label belongs to a field when
 *  1. its words are one of the field's phrases, or
 *  2. it holds every word of a phrase, with few words to spare
 *     (LABEL_SPARE, or as many as the phrase has), a slip of one letter
 *     allowed in long words ("Benificiaries").
 * A phrase written "=..." counts only in step 1: it is too general to be
 * found inside a longer label ("Organisation" in "Organisation postcode").
 * The best match wins; when two fields (or a field and l_other) match
 * equally well, the label is no field's: a guess would put an answer
 * under the wrong question. Such labels, and any other question the
 * applicant answered, are kept as they were written ("unrecognised").
 */
static const char *const l_org[] = { "organisation name", "=organisation",
	"name of organisation", "name of your organisation", "=group",
	"group name", "name of group", "group organisation",
	"applicant organisation", "organisation applying", "club name",
	"name of club", "=club", NULL };
static const char *const l_type[] = { "organisation type",
	"type of organisation", "type of group", "group type", "legal status",
	"legal form", "legal structure", "org type", "what kind of group",
	"=status", "organisation status",
	"structure of organisation", NULL };
static const char *const l_charity[] = { "charity number",
	"registered charity number", "charity registration number",
	"charity commission number", NULL };
static const char *const l_company[] = { "company number",
	"company registration number", "companies house number",
	"cic number", NULL };
static const char *const l_contact[] = { "contact name", "=name",
	"=contact", "=full name", "your name", "name of contact",
	"contact person", "main contact", "lead contact", "applicant name",
	"name of applicant", "person completing form", "who should we contact",
	"name of person", NULL };
static const char *const l_email[] = { "email", "email address",
	"contact email", NULL };
static const char *const l_phone[] = { "phone", "phone number",
	"contact number", "daytime phone", NULL };
static const char *const l_postcode[] = { "postcode", "postcode of project",
	"project postcode", "where will project take place",
	"where will it take place", "where will it happen",
	"where will activity take place", NULL };
static const char *const l_title[] = { "project title", "=project",
	"project name", "name of project", "title of project", "=title",
	"what is project called", NULL };
static const char *const l_summary[] = { "summary", "project summary",
	"=what will you do", "project description", "=description",
	"about project", "describe project", "brief description",
	"what do you want to do", "what project is about", NULL };
static const char *const l_priorities[] = { "priority",
	"which priorities does project meet", "fund priority",
	"which priority will project meet", NULL };
static const char *const l_amount[] = { "amount requested", "amount",
	"amount applied for", "how much", "grant requested",
	"how much are you asking for", "grant amount", "amount of grant",
	"total requested", "funding requested", "sum requested",
	"requested amount", "amount of funding", NULL };
static const char *const l_start[] = { "start date", "start",
	"project start", "when will it start", "when will project start",
	NULL };
static const char *const l_end[] = { "end date", "end", "project end",
	"completion date", "when will it end", "when will project end", NULL };
static const char *const l_benef[] = { "people who will benefit",
	"beneficiary", "how many people will benefit", "who will benefit",
	"number of people", "how many people", "number of participant",
	"who will take part",
	"how many participant", NULL };
static const char *const l_budget[] = { "budget", "budget breakdown",
	"what do you need money for",
	"how will you spend money", "what will you spend money on",
	"breakdown of costs", "cost", "what will money pay for",
	"spend money", "spend grant", "use grant", "itemised costs",
	"expenditure", "spending plan", "cost breakdown", NULL };
static const char *const l_other[] = { "how did you hear", "hear about",
	"website", "web site", "social media", "facebook", "twitter",
	"bank account", "bank detail", "account name", "account number",
	"sort code", "other funding", "match funding", "other source",
	"previous grant", "funded before", "received funding",
	"total cost", "total project cost", "contact details", "address",
	"=date", "signature", "=signed", "position", "role", "job title",
	"equal opportunity", "safeguarding", "insurance", "how will you measure",
	"outcome", "volunteer", "anything else", "additional information",
	"declaration", "ward", "registration number", "after project",
	NULL };

/* Words that mean the same in a label, after plurals are made singular. */
static const char *const word_same[][2] = {
	{ "organization", "organisation" }, { "org", "organisation" },
	{ "organisational", "organisation" }, { "tel", "phone" },
	{ "telephone", "phone" }, { "mobile", "phone" }, { "mob", "phone" },
	{ "no", "number" }, { "num", "number" }, { "nbr", "number" },
	{ "reg", "registration" }, { "registered", "registration" },
	{ "postal", "post" }, { "zip", "postcode" }, { "amt", "amount" },
	{ "finish", "end" }, { "finishing", "end" }, { "ending", "end" },
	{ "starting", "start" }, { "begin", "start" }, { "commence", "start" },
	{ "proj", "project" }, { "desc", "description" },
	{ "spent", "spend" }, { "spending", "spend" }, { "funds", "money" },
	{ "charitable", "charity" }, { "benefiting", "benefit" },
	{ "participating", "participant" }, { "costing", "cost" },
	{ "programme", "project" }, { "scheme", "project" },
	{ "activity", "project" },
};

/* Said around a question's words; they carry no meaning of their own. */
static const char *const word_small[] = { "a", "an", "the", "of", "for",
	"to", "in", "on", "at", "by", "with", "from", "and", "or", "as", "is",
	"are", "be", "will", "would", "should", "could", "can", "do", "does",
	"did", "done", "you", "your", "yours", "it", "its", "this", "that", "these",
	"those", "please", "give", "state", "enter", "provide", "tell", "us",
	"list", "e", "g", "eg", "ie", "if", "any", "what", "which", "have",
	"has", "we", "our", "i", "my", "me", "s", NULL };

/* In the template's order, which is also the order problems are told. */
static const struct form_field form_fields[] = {
	{ "organisation",	0, l_org },
	{ "org_type",		0, l_type },
	{ "charity_number",	0, l_charity },
	{ "company_number",	0, l_company },
	{ "contact_name",	0, l_contact },
	{ "email",		0, l_email },
	{ "phone",		0, l_phone },
	{ "postcode",		0, l_postcode },
	{ "project_title",	0, l_title },
	{ "summary",		1, l_summary },
	{ "priorities",		1, l_priorities },
	{ "amount",		0, l_amount },
	{ "start",		0, l_start },
	{ "end",		0, l_end },
	{ "beneficiaries",	1, l_benef },
	{ "budget",		1, l_budget },
};

/* Keys form_extract works out from another; replacing one drops the other. */
static const char *const derived[][2] = {
	{ "amount", "amount_pence" },
	{ "start", "start_date" },
	{ "end", "end_date" },
	{ "beneficiaries", "beneficiaries_count" },
};

struct reader {
	json_t				*out;
	const struct form_field		*cur;	/* field taking lines */
	char				*label;	/* as written */
	char				*other;	/* or another question's label */
	int				 other_deco;
	int				 other_known;
	int				 other_sep;
	char				*val;
	size_t				 len;
	size_t				 cap;
	size_t				 blanks;	/* owed inside a value */
	int				 started;	/* a field's label was read */
	int				 deco;		/* on the fields' labels */
	int				 seps;		/* after them */
	int				 num;		/* the last question's number */
	int				 signed_off;	/* "Thanks, Joan": no more questions */
	json_t				*pending;	/* other questions before */
};

static const char *const months[] = { "january", "february", "march",
	"april", "may", "june", "july", "august", "september", "october",
	"november", "december" };

/* ---- small string helpers ---- */

/* Append to a string that doubles as it grows: a value may be huge. */
static void
str_add(char **s, size_t *len, size_t *cap, const char *add, size_t n)
{
	if (*len + n + 1 > *cap) {
		if (*cap == 0)
			*cap = 64;
		while (*len + n + 1 > *cap)
			*cap *= 2;
		if ((*s = realloc(*s, *cap)) == NULL)
			fatal("realloc");
	}
	memcpy(*s + *len, add, n);
	*len += n;
	(*s)[*len] = '\0';
}

static char *
trim(char *s)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

static int
blank(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!isspace((unsigned char)*s))
			return 0;
	}
	return 1;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = tolower((unsigned char)*s);
}

/* "word" in s, not as part of a longer word. */
static int
has_word(const char *s, const char *word)
{
	const char	*p;
	size_t		 n = strlen(word);

	for (p = s; (p = strstr(p, word)) != NULL; p++) {
		if ((p == s || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

/* What the blank template holds, or a way of saying "nothing here". */
static int
placeholder(const char *v)
{
	static const char *const nothing[] = { "n/a", "na", "none", "nil",
	    "not applicable", "-", NULL };
	const char *const	*n;
	const char		*p;
	size_t			 len = strlen(v);

	for (p = v; *p != '\0'; p++) {
		if (strncmp(p, "\xe2\x80\xa6", 3) == 0)	/* … */
			p += 2;
		else if (!isspace((unsigned char)*p) && strchr(".-_*?",
		    *p) == NULL)
			break;
	}
	if (*p == '\0')
		return 1;
	if (v[0] == '[' && v[len - 1] == ']')
		return 1;
	for (n = nothing; *n != NULL; n++) {
		if (strcasecmp(v, *n) == 0)
			return 1;
	}
	return 0;
}

/* ---- labels ---- */

static const char *
skip_bullet(const char *p)
{
	const char	*q;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-' || *p == '*' || *p == '+')
		p++;
	else if (strncmp(p, "\xe2\x80\xa2", 3) == 0)	/* • */
		p += 3;
	else if (isdigit((unsigned char)*p)) {
		for (q = p; isdigit((unsigned char)*q); q++)
			;
		if ((*q == '.' || *q == ')') && (q[1] == ' ' || q[1] == '\t'))
			p = q + 1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * Lines of a message the readers read: a filled form, quotes and all, is
 * a few hundred. What follows is kept with the message, not read: each
 * line costs a label match, and a message may be 50 MB from anyone.
 */
#define FORM_LINES_MAX	4000
#define LABEL_WORDS	16	/* a label longer than this is prose */
#define LABEL_WORDLEN	32
#define LABEL_MAX	120	/* bytes of a label as written */
#define LABEL_SPARE	2	/* words a label may have beyond a phrase's */
#define LABEL_EXACT	100	/* score of a label that is a phrase */
#define FIELD_NONE	(-1)
#define FIELD_AMBIGUOUS	(-2)
#define FIELD_OTHER	((int)nitems(form_fields))

struct words {
	char	w[LABEL_WORDS][LABEL_WORDLEN];
	size_t	n;
};

/* Bytes that end a word: ASCII punctuation, and UTF-8 spaces, dashes,
 * quotes, '£' and full-width punctuation. Returns how many to skip. */
static size_t
word_break(const unsigned char *p)
{
	if (*p < 0x80)
		return isalnum(*p) ? 0 : 1;
	if (p[0] == 0xc2 && (p[1] == 0xa0 || p[1] == 0xa3))
		return 2;
	if ((p[0] == 0xe2 && p[1] == 0x80) || (p[0] == 0xef && p[1] == 0xbc))
		return p[2] != '\0' ? 3 : 2;
	return 0;
}

static int
word_in(const char *w, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(w, *list) == 0)
			return 1;
	}
	return 0;
}

/* One spelling per word: singular, British, unabbreviated. */
static void
word_fold(char *w)
{
	size_t	n = strlen(w), i;
	char	*z;

	if ((z = strstr(w, "iz")) != NULL && (strncmp(z, "ize", 3) == 0 ||
	    strncmp(z, "izat", 4) == 0 || strncmp(z, "izing", 5) == 0))
		z[1] = 's';
	if (n > 4 && strcmp(w + n - 3, "ies") == 0)
		strcpy(w + n - 3, "y");
	else if (n > 3 && w[n - 1] == 's' && strchr("siu", w[n - 2]) == NULL)
		w[n - 1] = '\0';
	for (i = 0; i < nitems(word_same); i++) {
		if (strcmp(w, word_same[i][0]) == 0) {
			strcpy(w, word_same[i][1]);
			break;
		}
	}
}

/* Two words a reader would take as one: "e mail", "post code". */
static int
word_join(struct words *ws, const char *w)
{
	char	*prev;

	if (ws->n == 0)
		return 0;
	prev = ws->w[ws->n - 1];
	if ((strcmp(prev, "e") == 0 && strcmp(w, "mail") == 0) ||
	    (strcmp(prev, "post") == 0 && strcmp(w, "code") == 0)) {
		strcpy(prev, *prev == 'e' ? "email" : "postcode");
		return 1;
	}
	return 0;
}

static void
word_push(struct words *ws, const char *w, size_t len, int *over)
{
	char	word[LABEL_WORDLEN];
	size_t	i;

	if (len >= LABEL_WORDLEN || ws->n == LABEL_WORDS) {
		*over = 1;
		return;
	}
	for (i = 0; i < len; i++)
		word[i] = tolower((unsigned char)w[i]);
	word[len] = '\0';
	if (word_join(ws, word))
		return;
	snprintf(ws->w[ws->n++], LABEL_WORDLEN, "%s", word);
}

/*
 * A label's words, in the one spelling word_fold gives, without what is
 * in brackets (a hint, not the question) and without small words.
 * -1 if it has too many words to be a label.
 */
static int
word_norm(const char *s, struct words *ws)
{
	const unsigned char	*p = (const unsigned char *)s, *start;
	const char		*close;
	struct words		 raw;
	size_t			 i, j, skip;
	int			 over = 0;

	memset(&raw, 0, sizeof raw);
	while (*p != '\0' && !over) {
		if ((*p == '(' || *p == '[') && (close = strchr((const char *)p,
		    *p == '(' ? ')' : ']')) != NULL) {
			p = (const unsigned char *)close + 1;
			continue;
		}
		if ((skip = word_break(p)) > 0) {
			p += skip;
			continue;
		}
		for (start = p; *p != '\0' && word_break(p) == 0; p++)
			;
		word_push(&raw, (const char *)start, p - start, &over);
	}
	for (i = 0, j = 0; i < raw.n; i++) {
		if (word_in(raw.w[i], word_small))
			continue;
		word_fold(raw.w[i]);
		if (!word_in(raw.w[i], word_small))
			memcpy(ws->w[j++], raw.w[i], LABEL_WORDLEN);
	}
	ws->n = j;
	/* "What will you do?": small words are all the question has. */
	if (j == 0)
		*ws = raw;
	return over ? -1 : 0;
}

/* Edit distance with swaps, capped: only "at most max" matters. */
static size_t
word_distance(const char *a, const char *b, size_t max)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, d[LABEL_WORDLEN + 1]
		    [LABEL_WORDLEN + 1], c;

	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	}
	return d[la][lb];
}

/* The same word, or a slip of the keys in a long one ("postocde"). */
static int
word_eq(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), min = la < lb ? la : lb;

	if (strcmp(a, b) == 0)
		return 1;
	if (min < 5)
		return 0;
	return word_distance(a, b, min >= 9 ? 2 : 1) <= (min >= 9 ? 2 : 1);
}

/* Whether every word of phrase is among the label's, each used once. */
static int
words_cover(const struct words *phrase, const struct words *label)
{
	int	used[LABEL_WORDS] = { 0 };
	size_t	i, j;

	for (i = 0; i < phrase->n; i++) {
		for (j = 0; j < label->n; j++) {
			if (!used[j] && word_eq(phrase->w[i], label->w[j]))
				break;
		}
		if (j == label->n)
			return 0;
		used[j] = 1;
	}
	return 1;
}

/* The phrase tables, normalised once: a label is matched on every line. */
struct phrase {
	struct words	w;
	int		exact_only;
};
static struct phrase	*book[nitems(form_fields) + 1];
static size_t		 book_len[nitems(form_fields) + 1];
static pthread_once_t	 book_once = PTHREAD_ONCE_INIT;

static void
book_init(void)
{
	const char *const	*t, *const *ph;
	size_t			 i, n;

	for (i = 0; i <= nitems(form_fields); i++) {
		t = i < nitems(form_fields) ? form_fields[i].labels : l_other;
		for (n = 0; t[n] != NULL; n++)
			;
		book[i] = xcalloc(n, sizeof *book[i]);
		for (ph = t; *ph != NULL; ph++) {
			book[i][book_len[i]].exact_only = **ph == '=';
			if (word_norm(*ph + (**ph == '='),
			    &book[i][book_len[i]].w) == 0 &&
			    book[i][book_len[i]].w.n > 0)
				book_len[i]++;
		}
	}
}

/* How well one phrase names a label: LABEL_EXACT+, a part's size, or 0. */
static int
phrase_score(const struct phrase *p, const struct words *label)
{
	size_t	spare;

	if (p->w.n > label->n || !words_cover(&p->w, label))
		return 0;
	if (p->w.n == label->n)
		return LABEL_EXACT + p->w.n;
	spare = label->n - p->w.n;
	if (p->exact_only || (spare > LABEL_SPARE && spare > p->w.n))
		return 0;
	return p->w.n;
}

static int
table_score(size_t table, const struct words *label)
{
	size_t	i;
	int	best = 0, s;

	for (i = 0; i < book_len[table]; i++) {
		if ((s = phrase_score(&book[table][i], label)) > best)
			best = s;
	}
	return best;
}

/*
 * The field a label asks for (an index into form_fields), FIELD_OTHER for
 * a question grantd does not ask, FIELD_AMBIGUOUS when two match equally,
 * FIELD_NONE. *exact: the label is one of the phrases, not just holds one.
 */
static int
label_field(const char *text, int *exact)
{
	struct words	label;
	size_t		i;
	int		best = 0, second = 0, which = FIELD_NONE, s;

	*exact = 0;
	if (word_norm(text, &label) == -1 || label.n == 0)
		return FIELD_NONE;
	if (pthread_once(&book_once, book_init) != 0)
		fatalx("pthread_once");
	for (i = 0; i <= nitems(form_fields); i++) {
		s = table_score(i, &label);
		if (s > best) {
			second = best;
			best = s;
			which = i;
		} else if (s > second)
			second = s;
	}
	if (best == 0)
		return FIELD_NONE;
	if (best == second)
		return FIELD_AMBIGUOUS;
	*exact = best >= LABEL_EXACT;
	return which;
}

/* ---- the shape of a label line ---- */

enum { DECO_BULLET = 1, DECO_NUMBER = 2, DECO_BOLD = 4 };
enum { SEP_NONE = 0, SEP_COLON = 1, SEP_ASK = 2, SEP_DASH = 4, SEP_TAB = 8,
	SEP_BARE = 16 };	/* BARE: a field's label alone, no mark at all */

struct label {
	char		 text[LABEL_MAX + 1];	/* as written, hints and all */
	const char	*answer;		/* the rest of the line */
	int		 deco;			/* DECO_* around the label */
	int		 sep;			/* SEP_* after it */
	int		 num;			/* its question number, if any */
};

static const char *
skip_space(const char *p)
{
	for (;;) {
		if (*p == ' ' || *p == '\t')
			p++;
		else if (strncmp(p, "\xc2\xa0", 2) == 0)	/* no-break space */
			p += 2;
		else
			return p;
	}
}

/* "1.", "2)", "Q3", "Q3)", "Question 4:", "(5)": a question's number. */
static const char *
skip_number(const char *p)
{
	const char	*q = p;
	int		 paren = 0;

	if (strncasecmp(q, "question ", 9) == 0)
		q += 9;
	else if ((*q == 'Q' || *q == 'q') && isdigit((unsigned char)q[1]))
		q++;
	else if (*q == '(' && isdigit((unsigned char)q[1])) {
		q++;
		paren = 1;
	}
	if (!isdigit((unsigned char)*q))
		return p;
	while (isdigit((unsigned char)*q) && q - p < 12)
		q++;
	if (paren && *q++ != ')')
		return p;
	if (!paren && (*q == '.' || *q == ')' || *q == ':'))
		q++;
	if (*q != ' ' && *q != '\t')
		return p;
	return skip_space(q);
}

/* After "?": a colon or a spaced dash, as if the '?' were not there. */
static const char *
skip_dash(const char *p)
{
	if (*p == ':')
		return skip_space(p + 1);
	if (strncmp(p, "\xef\xbc\x9a", 3) == 0)	/* full-width colon */
		return skip_space(p + 3);
	if (*p == '-' && (p[1] == ' ' || p[1] == '\0'))
		return skip_space(p + 1);
	if ((strncmp(p, "\xe2\x80\x93", 3) == 0 ||
	    strncmp(p, "\xe2\x80\x94", 3) == 0) && (p[3] == ' ' || p[3] == '\0'))
		return skip_space(p + 3);
	return p;
}

/*
 * Where a label ends and its answer starts: ':' (or full-width '：', or
 * French " :"), '?', a tab, or a spaced dash. Brackets are hints, skipped
 * whole. Returns the separator, *end the label's end, *answer the answer.
 */
static int
find_sep(const char *s, const char **end, const char **answer)
{
	const char	*p, *close;
	size_t		 len = strnlen(s, LABEL_MAX + 2);

	/* Only a label's length is looked at: a line may be megabytes. */
	for (p = s; *p != '\0' && p - s <= LABEL_MAX; p++) {
		if ((*p == '(' || *p == '[') && (close = memchr(p, *p == '(' ?
		    ')' : ']', s + len - p)) != NULL) {
			p = close;
			continue;
		}
		*end = p;
		if (*p == ':' || strncmp(p, "\xef\xbc\x9a", 3) == 0) {
			*answer = skip_space(p + (*p == ':' ? 1 : 3));
			return SEP_COLON;
		}
		if (*p == '?') {
			*end = p + 1;
			close = skip_space(p + 1);
			*answer = skip_dash(close);
			return SEP_ASK | (*answer != close && (*close == '-' ||
			    *close == '\xe2') ? SEP_DASH : 0);
		}
		if (*p == '\t') {
			*answer = skip_space(p);
			return SEP_TAB;
		}
		if (*p == ' ' && (p[1] == '-' || strncmp(p + 1, "\xe2\x80\x93",
		    3) == 0 || strncmp(p + 1, "\xe2\x80\x94", 3) == 0)) {
			close = p + (p[1] == '-' ? 2 : 4);
			if (*close == ' ' || *close == '\0') {
				*answer = skip_space(close);
				return SEP_DASH;
			}
		}
	}
	if (*p != '\0')
		return -1;
	*end = p;
	*answer = p;
	return SEP_NONE;
}

/* "**Label:** answer", "**Label**: answer", "__Label__ - answer". */
static int
bold_label(const char *p, struct label *lb, const char **start,
    const char **end)
{
	char		 mark[3] = { p[0], p[1], '\0' }, inner[LABEL_MAX + 1];
	const char	*close, *e, *a;
	int		 sep;

	if ((close = strstr(p + 2, mark)) == NULL || close - p - 2 > LABEL_MAX)
		return -1;
	snprintf(inner, sizeof inner, "%.*s", (int)(close - p - 2), p + 2);
	*start = p + 2;
	lb->deco |= DECO_BOLD;
	if ((sep = find_sep(inner, &e, &a)) > SEP_NONE && *a == '\0') {
		*end = *start + (e - inner);
		lb->answer = skip_dash(skip_space(close + 2));
		return sep;
	}
	*end = close;
	if ((sep = find_sep(close + 2, &e, &a)) == -1 || e != close + 2) {
		lb->answer = skip_space(close + 2);
		return *lb->answer == '\0' ? SEP_NONE : SEP_TAB;
	}
	lb->answer = a;
	return sep;
}

/* "This round's priorities are:" leads into a list; it asks nothing. */
static int
says_are(const char *text)
{
	static const char *const verbs[] = { " are", " is", " were", " was",
	    " include", " includes", NULL };
	const char *const	*v;
	size_t			 n = strlen(text), k;

	for (v = verbs; *v != NULL; v++) {
		k = strlen(*v);
		if (n > k && strcasecmp(text + n - k, *v) == 0)
			return 1;
	}
	return 0;
}

/*
 * A line read as "label, separator, answer", with what decorates the
 * label: a bullet, a question number, bold. -1 if it cannot be a label
 * (too long, or not starting with a letter); whether it is one is for
 * the reader to say, knowing what the label means.
 */
static int
label_parse(const char *line, struct label *lb)
{
	const char	*p = skip_space(line), *q, *start, *end;
	size_t		 n;

	memset(lb, 0, sizeof *lb);
	if ((*p == '-' || *p == '*' || *p == '+') && (p[1] == ' ' ||
	    p[1] == '\t')) {
		lb->deco |= DECO_BULLET;
		p = skip_space(p + 1);
	} else if (strncmp(p, "\xe2\x80\xa2", 3) == 0) {	/* • */
		lb->deco |= DECO_BULLET;
		p = skip_space(p + 3);
	}
	if ((q = skip_number(p)) != p) {
		lb->deco |= DECO_NUMBER;
		lb->num = atoi(p + strcspn(p, "0123456789"));
		p = q;
	}
	while (*p == '#')
		p++;
	p = skip_space(p);
	if ((strncmp(p, "**", 2) == 0 || strncmp(p, "__", 2) == 0)) {
		if ((lb->sep = bold_label(p, lb, &start, &end)) == -1)
			return -1;
	} else {
		start = p;
		if ((lb->sep = find_sep(p, &end, &lb->answer)) == -1)
			return -1;
	}
	while (end > start && (isspace((unsigned char)end[-1]) ||
	    end[-1] == '*' || (end - start >= 2 &&
	    strncmp(end - 2, "\xc2\xa0", 2) == 0)))
		end -= end[-1] == '\xa0' ? 2 : 1;
	if ((n = end - start) == 0 || n > LABEL_MAX ||
	    !(isalpha((unsigned char)*start) || (unsigned char)*start >= 0xc0))
		return -1;
	snprintf(lb->text, sizeof lb->text, "%.*s", (int)n, start);
	if (says_are(lb->text))
		return -1;
	/* "http://..." is an address, not a label called "http". */
	if (lb->sep == SEP_COLON && strncmp(lb->answer, "//", 2) == 0)
		return -1;
	return 0;
}

/* ---- where the applicant's own words stop ---- */

static int
is_signature(const char *line)
{
	return strcmp(line, "-- ") == 0 || strcmp(line, "--") == 0;
}

static int
is_forward(const char *line)
{
	return strcasestr(line, "forwarded message") != NULL ||
	    strncasecmp(line, "Begin forwarded message:", 24) == 0;
}

/* Outlook's reply markers: a reply below a form, else a forward. */
static int
is_outlook_quote(const char *line)
{
	size_t	n = strspn(line, "_");

	return strcasestr(line, "-----original message-----") != NULL ||
	    (n >= 10 && blank(line + n));
}

/* "-----", "=====": the edge of a form, as in the template. */
static int
is_rule(const char *line)
{
	size_t	n = strspn(line, "-_=*~");

	return n >= 3 && blank(line + n);
}

static int
ends_wrote(const char *line)
{
	size_t	n = strlen(line);

	while (n > 0 && isspace((unsigned char)line[n - 1]))
		n--;
	return n >= 6 && strncasecmp(line + n - 6, "wrote:", 6) == 0;
}

/* "On <date>, <someone> wrote:" (maybe wrapped), then quoted lines. */
static int
is_attribution(char **lines, size_t i, size_t n)
{
	size_t	next;

	if (strncasecmp(lines[i], "On ", 3) != 0)
		return 0;
	if (ends_wrote(lines[i]))
		next = i + 1;
	else if (i + 1 < n && ends_wrote(lines[i + 1]))
		next = i + 2;
	else
		return 0;
	while (next < n && blank(lines[next]))
		next++;
	return next == n || lines[next][0] == '>';
}

static int
is_signoff(const char *line)
{
	static const char *const offs[] = { "thanks", "thank you",
	    "many thanks", "thanks again", "thanks very much",
	    "thank you very much", "thanks in advance", "kind regards",
	    "thanks so much", "thank you so much", "thanks a lot",
	    "kindest regards", "best regards", "warm regards", "regards",
	    "best wishes", "with best wishes", "all the best", "best",
	    "cheers", "yours sincerely", "yours faithfully", "with thanks",
	    NULL };
	const char *const	*o;
	char			 buf[32], *p;

	while (isspace((unsigned char)*line))
		line++;
	if (strlen(line) >= sizeof buf)
		return 0;
	snprintf(buf, sizeof buf, "%s", line);
	p = trim(buf);
	while (*p != '\0' && strchr(",.!", p[strlen(p) - 1]) != NULL)
		p[strlen(p) - 1] = '\0';
	for (o = offs; *o != NULL; o++) {
		if (strcasecmp(p, *o) == 0)
			return 1;
	}
	return 0;
}

/* ---- values ---- */

static void
set_str(json_t *o, const char *key, const char *s)
{
	json_t	*v;

	/* Input was made valid UTF-8 first; this is only belt and braces. */
	if ((v = json_string(s)) != NULL)
		json_object_set_new(o, key, v);
}

static const char *
org_type_norm(const char *value)
{
	char		*v = xstrdup(value);
	const char	*t = NULL;

	lower(v);
	if (strstr(v, "unincorporated") != NULL ||
	    strstr(v, "community group") != NULL ||
	    strstr(v, "constituted") != NULL ||
	    strstr(v, "voluntary group") != NULL)
		t = "unincorporated group";
	else if (strstr(v, "charitable incorporated") != NULL ||
	    has_word(v, "cio"))
		t = "cio";
	else if (strstr(v, "community interest") != NULL || has_word(v, "cic"))
		t = "cic";
	else if (strstr(v, "charity") != NULL || strstr(v, "charitable") != NULL)
		t = "registered charity";
	else if (strstr(v, "company") != NULL || has_word(v, "ltd") ||
	    has_word(v, "limited") || has_word(v, "clg"))
		t = "company";
	else if (has_word(v, "group") || strstr(v, "association") != NULL ||
	    has_word(v, "club"))
		t = "unincorporated group";
	free(v);
	return t;
}

static int
postcode_valid(const char *s)
{
	size_t	i = 0, digits;

	if (strcmp(s, "GIR 0AA") == 0)
		return 1;
	if (!isupper((unsigned char)s[i++]))
		return 0;
	if (isupper((unsigned char)s[i]))
		i++;
	if (!isdigit((unsigned char)s[i++]))
		return 0;
	if (isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]))
		i++;
	for (digits = 0; s[i + digits] != '\0'; digits++)
		;
	return digits == 4 && s[i] == ' ' && isdigit((unsigned char)s[i + 1]) &&
	    isupper((unsigned char)s[i + 2]) && isupper((unsigned char)s[i + 3]);
}

/*
 * "ls6 2ab", "LS62AB" → "LS6 2AB": upper case, one space before the last
 * three characters. What is not a postcode is only upper-cased, with runs
 * of spaces made one, for the problem message to quote.
 */
static char *
postcode_norm(const char *v)
{
	char	*out = xmalloc(strlen(v) + 2), *o = out, *packed, *p;
	size_t	 n;

	for (; *v != '\0'; v++) {
		if (!isspace((unsigned char)*v))
			*o++ = toupper((unsigned char)*v);
		else if (o > out && o[-1] != ' ')
			*o++ = ' ';
	}
	while (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	packed = xmalloc(strlen(out) + 2);
	for (p = out, o = packed; *p != '\0'; p++) {
		if (*p != ' ')
			*o++ = *p;
	}
	*o = '\0';
	if ((n = strlen(packed)) >= 5 && n <= 7) {
		memmove(packed + n - 2, packed + n - 3, 4);
		packed[n - 3] = ' ';
		if (postcode_valid(packed)) {
			free(out);
			return packed;
		}
	}
	free(packed);
	return out;
}

/*
 * The one postcode in a longer answer ("St Mark's Hall, Leeds LS6 2AB"),
 * NULL if there is none or more than one: an answer to "Where will the
 * project take place?" names the place, and the postcode is in it.
 */
static char *
postcode_find(const char *v)
{
	char	*copy = xstrdup(v), *w[64], *p, *save = NULL, pair[32];
	char	*found = NULL, *norm;
	size_t	 n = 0, i;
	int	 many = 0;

	for (p = strtok_r(copy, " ,;:()\t\n", &save); p != NULL &&
	    n < nitems(w); p = strtok_r(NULL, " ,;:()\t\n", &save))
		w[n++] = p;
	for (i = 0; i < n && !many; i++) {
		if (i + 1 < n && strlen(w[i]) <= 4 && strlen(w[i + 1]) == 3)
			snprintf(pair, sizeof pair, "%s %s", w[i], w[i + 1]);
		else if (strlen(w[i]) >= 5 && strlen(w[i]) <= 7)
			snprintf(pair, sizeof pair, "%s", w[i]);
		else
			continue;
		norm = postcode_norm(pair);
		if (!postcode_valid(norm) || (found != NULL &&
		    strcmp(found, norm) == 0)) {
			free(norm);
			continue;
		}
		many = found != NULL;
		free(found);
		found = norm;
	}
	free(copy);
	if (many) {
		free(found);
		return NULL;
	}
	return found;
}

/* "Joan <joan@example.org>" or "mailto:joan@example.org" → the address. */
static char *
email_norm(const char *v)
{
	const char	*lt, *gt;

	if (strncasecmp(v, "mailto:", 7) == 0)
		v += 7;
	if ((lt = strchr(v, '<')) != NULL && (gt = strchr(lt, '>')) != NULL &&
	    gt > lt + 1) {
		char	*s;

		xasprintf(&s, "%.*s", (int)(gt - lt - 1), lt + 1);
		return s;
	}
	return xstrdup(v);
}

/*
 * Amounts as people write them: money_parse, after the words around the
 * number that it rightly refuses on their own ("£ 450", "450 pounds").
 */
static int
amount_parse(const char *s, int64_t *pence)
{
	static const char *const words[] = { "pounds", "pound", "gbp",
	    "sterling", "only", NULL };
	const char *const	*w;
	char			 buf[64], *p, *end;
	size_t			 n;
	int			 again = 1;

	if (strlen(s) >= sizeof buf)
		return -1;
	snprintf(buf, sizeof buf, "%s", s);
	p = trim(buf);
	if (strncmp(p, "\xc2\xa3 ", 3) == 0) {	/* "£ 450" */
		memmove(p + 2, p + 3, strlen(p + 3) + 1);
		while (p[2] == ' ')
			memmove(p + 2, p + 3, strlen(p + 3) + 1);
	}
	while (again) {
		again = 0;
		end = p + strlen(p);
		if (end > p && end[-1] == ')' && (end = strrchr(p, '(')) != NULL) {
			*end = '\0';
			again = 1;
		}
		for (w = words; *w != NULL; w++) {
			n = strlen(*w);
			end = p + strlen(p);
			if ((size_t)(end - p) > n &&
			    strcasecmp(end - n, *w) == 0) {
				*(end - n) = '\0';
				again = 1;
			}
		}
		end = p + strlen(p);
		if (end > p && end[-1] == '.') {
			end[-1] = '\0';
			again = 1;
		}
		p = trim(p);
	}
	return money_parse(p, pence, NULL, 0);
}

static int
month_of(const char *w)
{
	size_t	i, n = strlen(w);

	if (n < 3)
		return 0;
	for (i = 0; i < nitems(months); i++) {
		if (strncasecmp(months[i], w, n) == 0)
			return i + 1;
	}
	return 0;
}

static int
day_of(const char *w)
{
	const char	*p;
	int		 d = 0;

	for (p = w; isdigit((unsigned char)*p) && p - w < 2; p++)
		d = d * 10 + (*p - '0');
	if (p == w || (*p != '\0' && strcasecmp(p, "st") != 0 &&
	    strcasecmp(p, "nd") != 0 && strcasecmp(p, "rd") != 0 &&
	    strcasecmp(p, "th") != 0))
		return 0;
	return d;
}

static int
year_of(const char *w)
{
	size_t	n = strlen(w);

	if ((n != 4 && n != 2) || strspn(w, "0123456789") != n)
		return 0;
	return n == 2 ? 2000 + atoi(w) : atoi(w);
}

static int
date_valid(int y, int m, int d)
{
	static const int	mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)))
		return 0;
	return 1;
}

/* "2027-03-01", "1/3/2027", "01.03.27". */
static int
date_numeric(const char *s, int *y, int *m, int *d)
{
	int	a[3] = { 0, 0, 0 }, len[3] = { 0, 0, 0 }, i = 0;
	char	sep = 0;

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s)) {
			if (++len[i] > 4)
				return 0;
			a[i] = a[i] * 10 + (*s - '0');
		} else if (strchr("/.-", *s) != NULL && i < 2 && len[i] > 0 &&
		    (sep == 0 || sep == *s)) {
			sep = *s;
			i++;
		} else
			return 0;
	}
	if (i != 2 || len[2] == 0)
		return 0;
	if (len[0] == 4 && sep == '-' && len[1] <= 2 && len[2] <= 2) {
		*y = a[0], *m = a[1], *d = a[2];
		return 1;
	}
	if (len[0] <= 2 && len[1] <= 2 && (len[2] == 4 || len[2] == 2)) {
		*d = a[0], *m = a[1], *y = len[2] == 2 ? 2000 + a[2] : a[2];
		return 1;
	}
	return 0;
}

/* "1 March 2027", "Monday 1st of March 2027", "March 1, 2027", "March 2027". */
static int
date_words(const char *s, int *y, int *m, int *d)
{
	char	 buf[64], *w[6], *p, *save = NULL;
	int	 n = 0, i = 0;

	if (strlen(s) >= sizeof buf)
		return 0;
	snprintf(buf, sizeof buf, "%s", s);
	for (p = strtok_r(buf, " ,.", &save); p != NULL;
	    p = strtok_r(NULL, " ,.", &save)) {
		if (strcasecmp(p, "of") == 0)
			continue;
		if (n == (int)nitems(w))
			return 0;
		w[n++] = p;
	}
	/* A weekday in front says nothing the date does not. */
	if (n > 0 && month_of(w[0]) == 0 && day_of(w[0]) == 0 &&
	    strlen(w[0]) >= 3 && (strncasecmp(w[0], "mon", 3) == 0 ||
	    strncasecmp(w[0], "tue", 3) == 0 || strncasecmp(w[0], "wed", 3) == 0 ||
	    strncasecmp(w[0], "thu", 3) == 0 || strncasecmp(w[0], "fri", 3) == 0 ||
	    strncasecmp(w[0], "sat", 3) == 0 || strncasecmp(w[0], "sun", 3) == 0))
		i = 1;
	if (n - i == 3 && (*d = day_of(w[i])) && (*m = month_of(w[i + 1])) &&
	    (*y = year_of(w[i + 2])))
		return 1;
	if (n - i == 3 && (*m = month_of(w[i])) && (*d = day_of(w[i + 1])) &&
	    (*y = year_of(w[i + 2])))
		return 1;
	if (n - i == 2 && (*m = month_of(w[i])) && (*y = year_of(w[i + 1]))) {
		*d = 1;
		return 1;
	}
	return 0;
}

/* A date as written into "YYYY-MM-DD"; -1 if it cannot be read as one. */
static int
date_text(const char *s, char out[11])
{
	int	y = 0, m = 0, d = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (!date_numeric(s, &y, &m, &d) && !date_words(s, &y, &m, &d))
		return -1;
	if (!date_valid(y, m, d))
		return -1;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000,
	    (unsigned)m % 100, (unsigned)d % 100);
	return 0;
}

/* "1,200 people" → 1200; -1 unless the value starts with a number. */
static json_int_t
leading_count(const char *s)
{
	json_int_t	n = 0;
	const char	*p;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p == ',' && isdigit((unsigned char)p[1]) &&
		    isdigit((unsigned char)p[2]) &&
		    isdigit((unsigned char)p[3]) &&
		    !isdigit((unsigned char)p[4]))
			continue;
		if (!isdigit((unsigned char)*p))
			break;
		if (n > 100000000)
			return -1;	/* no application reaches a billion */
		n = n * 10 + (*p - '0');
	}
	return n;
}

static json_t *
priority_items(const char *value)
{
	json_t		*list = json_array(), *s;
	char		*copy = xstrdup(value), *p, *item, *save = NULL;
	const char	*t;

	for (p = strtok_r(copy, "\n,;", &save); p != NULL &&
	    json_array_size(list) < FORM_MAX_CHOICES;
	    p = strtok_r(NULL, "\n,;", &save)) {
		t = skip_bullet(p);
		if (isdigit((unsigned char)*p) && t != p)
			t = p;	/* "1. Supporting…": the number may matter */
		item = trim((char *)t);
		if (!placeholder(item) && (s = json_string(item)) != NULL)
			json_array_append_new(list, s);
	}
	free(copy);
	return list;
}

static void
store_value(json_t *out, const struct form_field *f, const char *v)
{
	const char	*k = f->key, *t;
	char		*s, date[11];
	int64_t		 pence;
	json_int_t	 count;
	json_t		*list;

	if (strcmp(k, "org_type") == 0)
		set_str(out, k, (t = org_type_norm(v)) != NULL ? t : v);
	else if (strcmp(k, "postcode") == 0 || strcmp(k, "email") == 0) {
		s = *k == 'p' ? postcode_norm(v) : email_norm(v);
		set_str(out, k, trim(s));
		free(s);
	} else if (strcmp(k, "priorities") == 0) {
		if (json_array_size(list = priority_items(v)) > 0)
			json_object_set_new(out, k, list);
		else
			json_decref(list);
	} else
		set_str(out, k, v);
	if (strcmp(k, "amount") == 0 && amount_parse(v, &pence) == 0)
		json_object_set_new(out, "amount_pence", json_integer(pence));
	if (strcmp(k, "start") == 0 && date_text(v, date) == 0)
		set_str(out, "start_date", date);
	if (strcmp(k, "end") == 0 && date_text(v, date) == 0)
		set_str(out, "end_date", date);
	if (strcmp(k, "beneficiaries") == 0 && (count = leading_count(v)) >= 0)
		json_object_set_new(out, "beneficiaries_count",
		    json_integer(count));
}

/* ---- reading ---- */

/* Kept as written: the officer sees what the reader did not understand. */
static void
keep_other(struct reader *r, const char *answer)
{
	json_t	*list, *pair;
	char	*label = xstrdup(r->other), *text = xstrdup(answer);

	/* Shown to an officer in a terminal: no control sequences. */
	check_text_clean(label, 0);
	check_text_clean(text, 1);
	check_bound(text, FORM_OTHER_MAX);
	pair = json_pack("{s:s,s:s}", "label", label, "answer", text);
	free(label);
	free(text);
	if (pair == NULL)
		return;
	if (!r->started) {
		/* Before the form, only a question shaped like its own. */
		json_object_set_new(pair, "deco", json_integer(r->other_deco));
		json_object_set_new(pair, "known", json_boolean(r->other_known));
		json_object_set_new(pair, "sep", json_integer(r->other_sep));
		json_array_append_new(r->pending, pair);
		return;
	}
	if ((list = json_object_get(r->out, "unrecognised")) == NULL)
		json_object_set_new(r->out, "unrecognised", list = json_array());
	if (json_array_size(list) < FORM_OTHERS_MAX)
		json_array_append(list, pair);
	json_decref(pair);
}

/*
 * The form has begun, at a label written so: keep what led up to it if
 * it is a question grantd knows of, or is written as the form's labels.
 */
static void
reader_start(struct reader *r, int deco, int sep)
{
	json_t		*pair, *list;
	json_int_t	 d, s;
	size_t		 i;

	if (r->started)
		return;
	r->started = 1;
	json_array_foreach(r->pending, i, pair) {
		d = json_integer_value(json_object_get(pair, "deco"));
		s = json_integer_value(json_object_get(pair, "sep"));
		if ((!json_is_true(json_object_get(pair, "known")) &&
		    (d & deco & (DECO_NUMBER | DECO_BOLD)) == 0) ||
		    ((s & (SEP_DASH | SEP_TAB)) && !(s & SEP_ASK) &&
		    !(s & sep)))
			continue;
		json_object_del(pair, "deco");
		json_object_del(pair, "known");
		json_object_del(pair, "sep");
		if ((list = json_object_get(r->out, "unrecognised")) == NULL)
			json_object_set_new(r->out, "unrecognised",
			    list = json_array());
		json_array_append(list, pair);
	}
	json_array_clear(r->pending);
}

/*
 * A field's answer. A place given for the postcode keeps its postcode
 * under the field and the whole answer with the other questions, so the
 * rest of the place is not lost.
 */
static void
reader_store(struct reader *r, const char *v)
{
	char	*norm, *pc;

	if (strcmp(r->cur->key, "postcode") == 0) {
		norm = postcode_norm(v);
		pc = postcode_valid(norm) ? NULL : postcode_find(v);
		free(norm);
		if (pc != NULL) {
			set_str(r->out, "postcode", pc);
			free(pc);
			r->other = xstrdup(r->label);
			keep_other(r, v);
			return;
		}
	}
	store_value(r->out, r->cur, v);
}

static int
same_answer(json_t *have, const char *v)
{
	return json_is_string(have) && strcmp(json_string_value(have), v) == 0;
}

static void
reader_close(struct reader *r)
{
	char	*v;

	if ((r->cur != NULL || r->other != NULL) && r->val != NULL) {
		v = trim(r->val);
		/* The first answer counts; a later one is usually quoted. */
		if (placeholder(v))
			;
		else if (r->other != NULL)
			keep_other(r, v);
		else if (json_object_get(r->out, r->cur->key) == NULL)
			reader_store(r, v);
		else if (!same_answer(json_object_get(r->out, r->cur->key),
		    v)) {
			/* Answered twice, differently: the officer decides. */
			r->other = xstrdup(r->label);
			keep_other(r, v);
		}
	}
	free(r->val);
	free(r->other);
	free(r->label);
	r->label = NULL;
	r->other = NULL;
	r->val = NULL;
	r->len = 0;
	r->cap = 0;
	r->blanks = 0;
	r->cur = NULL;
}

static void
reader_add(struct reader *r, const char *line)
{
	char	*copy = xstrdup(line), *t = trim(copy);
	size_t	 n = strlen(t);

	/* "**Label:** answer**" and the like: the closing stars are not said. */
	if (n >= 2 && strcmp(t + n - 2, "**") == 0 && strstr(t, "**") ==
	    t + n - 2)
		t[n - 2] = '\0';
	if (r->len > 0)
		str_add(&r->val, &r->len, &r->cap, "\n\n", r->blanks > 0 ? 2 : 1);
	str_add(&r->val, &r->len, &r->cap, t, strlen(t));
	r->blanks = 0;
	free(copy);
}

static int
reader_multiline(const struct reader *r)
{
	return r->other != NULL || (r->cur != NULL && r->cur->multiline);
}

static void
reader_open(struct reader *r, const struct form_field *f, const char *label,
    const char *value)
{
	reader_close(r);
	r->cur = f;
	r->label = xstrdup(label);
	if (blank(value))
		return;
	reader_add(r, value);
	if (!f->multiline)
		reader_close(r);
}

static void
reader_open_other(struct reader *r, const struct label *lb, int known)
{
	reader_close(r);
	r->other = xstrdup(lb->text);
	r->other_deco = lb->deco;
	r->other_sep = lb->sep;
	r->other_known = known;
	if (!blank(lb->answer))
		reader_add(r, lb->answer);
}

static int
first_person(const char *text)
{
	char	*copy = xstrdup(text), *w, *save = NULL;
	int	 found = 0;

	lower(copy);
	for (w = strtok_r(copy, " ,.;:'\xe2\x80\x99", &save); w != NULL &&
	    !found; w = strtok_r(NULL, " ,.;:'\xe2\x80\x99", &save))
		found = strcmp(w, "we") == 0 || strcmp(w, "our") == 0 ||
		    strcmp(w, "i") == 0 || strcmp(w, "my") == 0;
	free(copy);
	return found;
}

static int
has_digit(const char *s)
{
	return strpbrk(s, "0123456789") != NULL;
}

/* "12) Number of people who will take part", after question 11. */
static int
next_number(const struct reader *r, const struct label *lb)
{
	return (lb->deco & r->deco & DECO_NUMBER) && lb->num == r->num + 1;
}

/*
 * Whether a line shaped like a label, which names no field, is another
 * question (kept as unrecognised) rather than part of an answer: "Hall
 * hire: £60" in a budget is an answer; "How did you hear about us?" is a
 * question. Labels that match a field or grantd's other questions badly
 * or ambiguously are questions; so are those decorated as the form's
 * own labels are; prose in the first person is not.
 */
static int
other_question(const struct reader *r, const struct label *lb, int k,
    int exact)
{
	if (r->signed_off)
		return 0;
	/* A question waiting for its answer takes the next line as it. */
	if (lb->sep == SEP_NONE && (r->cur != NULL || r->other != NULL) &&
	    r->len == 0)
		return 0;
	/* "3. Changing the area": an answer from a list, or question 3? */
	if (lb->sep == SEP_NONE)
		return ((r->seps & SEP_BARE) && ((lb->deco & r->deco &
		    DECO_BOLD) || next_number(r, lb))) ||
		    (k == FIELD_OTHER && exact);
	if ((lb->sep & (SEP_DASH | SEP_TAB)) && !(lb->sep & SEP_ASK) &&
	    r->started && !(lb->sep & r->seps))
		return 0;
	if (k == FIELD_OTHER || k == FIELD_AMBIGUOUS ||
	    (lb->deco & r->deco & (DECO_NUMBER | DECO_BOLD)))
		return 1;
	if (first_person(lb->text))
		return 0;
	if (lb->sep & SEP_ASK)
		return 1;
	if (!isupper((unsigned char)lb->text[0]))
		return 0;
	if (!reader_multiline(r))
		return 1;
	return !(lb->deco & DECO_BULLET) && !has_digit(lb->text) &&
	    strstr(lb->answer, "\xc2\xa3") == NULL && !(r->cur != NULL &&
	    strcmp(r->cur->key, "budget") == 0 && has_digit(lb->answer));
}

/*
 * A short line alone that holds a field's words ("Project costs") heads
 * that answer. Inside the paragraph of a field's answer it must name a
 * field not yet answered and start as a label does, with a capital: else
 * it is more likely a line of that answer. (An answer to a question the
 * reader does not know gives way: a field's label is surer.)
 */
static int
heading(const struct reader *r, const struct label *lb, int k)
{
	struct words	raw;
	size_t		n = strlen(lb->text);

	if (r->cur != NULL && r->cur->multiline && r->len > 0 &&
	    r->blanks == 0 && (json_object_get(r->out, form_fields[k].key) !=
	    NULL || !isupper((unsigned char)lb->text[0])))
		return 0;
	if (n == 0 || lb->text[n - 1] == '.' || first_person(lb->text))
		return 0;
	return word_norm(lb->text, &raw) == 0 && raw.n <= 3;
}

/* A label line: a field's, another question's, or neither (0). */
static int
reader_label(struct reader *r, const char *line)
{
	struct label	lb;
	int		k, exact;

	if (label_parse(line, &lb) == -1)
		return 0;
	k = label_field(lb.text, &exact);
	if (k >= 0 && k < FIELD_OTHER && (lb.sep != SEP_NONE || exact ||
	    next_number(r, &lb) || heading(r, &lb, k))) {
		/* A question just above the form, answered, is part of it. */
		if (r->other != NULL && (r->other_sep & SEP_ASK) &&
		    r->len > 0 && r->blanks == 0)
			r->other_known = 1;
		reader_close(r);	/* what came before, before the form */
		reader_start(r, lb.deco, lb.sep);
		r->deco |= lb.deco;
		r->seps |= lb.sep == SEP_NONE ? SEP_BARE : lb.sep;
		reader_open(r, &form_fields[k], lb.text, lb.answer);
		if (lb.deco & DECO_NUMBER)
			r->num = lb.num;
		return 1;
	}
	if (!other_question(r, &lb, k, exact))
		return 0;
	reader_open_other(r, &lb, k == FIELD_OTHER || k == FIELD_AMBIGUOUS);
	if (lb.deco & DECO_NUMBER)
		r->num = lb.num;
	return 1;
}

static void
reader_line(struct reader *r, const char *line)
{
	if (line[0] == '>' || is_rule(line)) {
		reader_close(r);
		return;
	}
	if (reader_label(r, line))
		return;
	if (is_signoff(line)) {
		reader_close(r);
		r->signed_off = r->started;
		return;
	}
	if (r->cur == NULL && r->other == NULL)
		return;
	if (blank(line)) {
		/* An answer may have paragraphs, but not start after a gap. */
		if (r->other != NULL && r->len > 0)
			reader_close(r);	/* what it is, we cannot tell */
		else if (reader_multiline(r) && r->len > 0)
			r->blanks++;
		else if (!reader_multiline(r))
			reader_close(r);
		return;
	}
	reader_add(r, line);
	if (!reader_multiline(r))
		reader_close(r);
}

static char **
split_lines(char *text, size_t *n)
{
	char	**lines = NULL, *p, *nl;
	size_t	  cap = 0;

	*n = 0;
	for (p = text; p != NULL && *n < FORM_LINES_MAX; p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		if (*p == '\0' && nl == NULL)
			break;
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if ((lines = realloc(lines, cap * sizeof *lines)) ==
			    NULL)
				fatal("realloc");
		}
		if (*p != '\0' && p[strlen(p) - 1] == '\r')
			p[strlen(p) - 1] = '\0';
		lines[(*n)++] = p;
	}
	return lines;
}

/* "> > answer" → "answer". */
static char *
unquote(char *line)
{
	while (*line == '>') {
		line++;
		if (*line == ' ')
			line++;
	}
	return line;
}

static void
extract_lines(json_t *out, char **lines, size_t n, int quoted_too)
{
	struct reader	 r;
	size_t		 i;
	int		 sig = 0;

	memset(&r, 0, sizeof r);
	r.out = out;
	r.pending = json_array();
	for (i = 0; i < n; i++) {
		if (quoted_too)
			lines[i] = unquote(lines[i]);
		if (sig) {
			/* A forwarder's signature can sit above the form. */
			sig = !is_forward(lines[i]);
			continue;
		}
		if (is_signature(lines[i])) {
			reader_close(&r);
			sig = 1;
		} else if (is_forward(lines[i]))
			reader_close(&r);
		else if (!quoted_too && is_attribution(lines, i, n))
			break;
		else if (is_outlook_quote(lines[i])) {
			reader_close(&r);
			if (json_object_size(r.out) > 0)
				break;
		} else
			reader_line(&r, lines[i]);
	}
	reader_close(&r);
	json_decref(r.pending);
}

static int
any_quoted(char **lines, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (lines[i][0] == '>')
			return 1;
	}
	return 0;
}

json_t *
form_extract(const char *text)
{
	json_t		 *out = json_object();
	char		 *copy, **lines;
	size_t		  n;

	if (text == NULL)
		return out;
	copy = mime_utf8_clean(text, strlen(text));
	lines = split_lines(copy, &n);
	extract_lines(out, lines, n, 0);
	/*
	 * Quoted text is not the applicant's answer, except when someone
	 * replies to the form mail by typing into the quoted form: then
	 * the answers are in or among the quoted lines and nowhere else.
	 */
	if (json_object_size(out) == 0 && any_quoted(lines, n))
		extract_lines(out, lines, n, 1);
	free(lines);
	free(copy);
	return out;
}

int
form_has_form(json_t *fields)
{
	json_t	*v;
	size_t	 i, found = 0;

	for (i = 0; i < nitems(form_fields); i++) {
		v = json_object_get(fields, form_fields[i].key);
		if ((json_is_string(v) && *json_string_value(v) != '\0') ||
		    json_array_size(v) > 0)
			found++;
	}
	return found >= 3;
}

/* Other questions answered in a reply join those answered before. */
static void
merge_other(json_t *out, json_t *more)
{
	json_t	*list = json_object_get(out, "unrecognised"), *v, *w;
	size_t	 i, j;

	if (!json_is_array(list))
		json_object_set_new(out, "unrecognised", list = json_array());
	json_array_foreach(more, i, v) {
		json_array_foreach(list, j, w) {
			if (json_equal(v, w))
				break;
		}
		if (j == json_array_size(list))
			json_array_append(list, v);
	}
}

json_t *
form_merge(json_t *old, json_t *new)
{
	json_t		*out, *v;
	const char	*key;
	size_t		 i;

	out = json_is_object(old) ? json_deep_copy(old) : json_object();
	if (!json_is_object(new))
		return out;
	json_object_foreach(new, key, v) {
		if (strcmp(key, "unrecognised") == 0) {
			merge_other(out, v);
			continue;
		}
		for (i = 0; i < nitems(derived); i++) {
			if (strcmp(key, derived[i][0]) == 0 &&
			    json_object_get(new, derived[i][1]) == NULL)
				json_object_del(out, derived[i][1]);
		}
		json_object_set_new(out, key, json_deep_copy(v));
	}
	return out;
}

/* ---- problems ---- */

static void
problem(json_t *list, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fatal("vasprintf");
	va_end(ap);
	json_array_append_new(list, json_string(s));
	free(s);
}

/* A value fit to repeat in a sentence: one line, not too long. */
static char *
quoted(const char *v)
{
	size_t	 n = strlen(v), i;
	char	*s;

	if (n > FORM_QUOTE_MAX) {
		n = FORM_QUOTE_MAX;
		while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
			n--;
	}
	xasprintf(&s, "%.*s%s", (int)n, v, n < strlen(v) ? "\xe2\x80\xa6" : "");
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\n' || s[i] == '\t')
			s[i] = ' ';
	}
	return s;
}

static const char *
field_str(json_t *fields, const char *key)
{
	json_t		*v = json_object_get(fields, key);
	const char	*s;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	return placeholder(s) ? NULL : s;
}

static int
need(json_t *fields, json_t *list, const char *key, const char *missing)
{
	if (field_str(fields, key) != NULL)
		return 1;
	problem(list, "%s", missing);
	return 0;
}

static void
check_org_type(json_t *fields, json_t *list)
{
	const char	*v, *t;
	char		*q;

	if (!need(fields, list, "org_type", "Organisation type is missing ("
	    ORG_TYPES ")"))
		return;
	v = field_str(fields, "org_type");
	if ((t = org_type_norm(v)) == NULL) {
		q = quoted(v);
		problem(list, "Organisation type '%s' is not one we recognise "
		    "(" ORG_TYPES ")", q);
		free(q);
	} else if ((strcmp(t, "registered charity") == 0 ||
	    strcmp(t, "cio") == 0) && field_str(fields, "charity_number") ==
	    NULL)
		problem(list, "Charity number is missing (registered "
		    "charities and CIOs need one)");
	else if ((strcmp(t, "cic") == 0 || strcmp(t, "company") == 0) &&
	    field_str(fields, "company_number") == NULL)
		problem(list, "Company number is missing (CICs and companies "
		    "need one)");
}

static void
check_email(json_t *fields, json_t *list)
{
	const char	*v;
	char		*q;

	if (!need(fields, list, "email", "Email address is missing"))
		return;
	v = field_str(fields, "email");
	if (!check_address_public(v)) {
		q = quoted(v);
		problem(list, "Email address '%s' does not look right", q);
		free(q);
	}
}

static void
check_postcode(json_t *fields, json_t *list)
{
	const char	*v;
	char		*q, *norm;

	if (!need(fields, list, "postcode", "Postcode is missing"))
		return;
	v = field_str(fields, "postcode");
	norm = postcode_norm(v);
	if (!postcode_valid(norm)) {
		q = quoted(v);
		problem(list, "Postcode '%s' does not look like a UK postcode",
		    q);
		free(q);
	}
	free(norm);
}

static void
check_amount(json_t *fields, json_t *list, const struct form_rules *rules)
{
	const char	*v = field_str(fields, "amount");
	json_t		*jp = json_object_get(fields, "amount_pence");
	int64_t		 pence;
	char		*q, a[MONEY_BUFLEN], b[MONEY_BUFLEN];

	if (v == NULL && json_is_integer(jp))
		pence = json_integer_value(jp);
	else if (v == NULL) {
		problem(list, "Amount requested is missing");
		return;
	} else if (amount_parse(v, &pence) != 0) {
		q = quoted(v);
		problem(list, "Amount requested '%s' is not an amount of money "
		    "(write it like \xc2\xa3" "450)", q);
		free(q);
		return;
	}
	if (pence <= 0)
		problem(list, "Amount requested must be more than \xc2\xa3" "0");
	else if (rules->max_award > 0 && pence > rules->max_award)
		problem(list, "Amount requested %s is more than this round's "
		    "maximum of %s", money_format(pence, a, sizeof a),
		    money_format(rules->max_award, b, sizeof b));
	else if (rules->min_award > 0 && pence < rules->min_award)
		problem(list, "Amount requested %s is less than this round's "
		    "minimum of %s", money_format(pence, a, sizeof a),
		    money_format(rules->min_award, b, sizeof b));
}

static int
check_date(json_t *fields, json_t *list, const char *key, const char *name,
    char out[11])
{
	const char	*v;
	char		*q, msg[64];

	snprintf(msg, sizeof msg, "%s is missing", name);
	if (!need(fields, list, key, msg))
		return -1;
	v = field_str(fields, key);
	if (date_text(v, out) == 0)
		return 0;
	q = quoted(v);
	problem(list, "%s '%s' is not a date (write it like 1 March 2027)",
	    name, q);
	free(q);
	return -1;
}

static void
check_dates(json_t *fields, json_t *list)
{
	char	start[11], end[11];
	int	s, e;

	s = check_date(fields, list, "start", "Start date", start);
	e = check_date(fields, list, "end", "End date", end);
	if (s == 0 && e == 0 && strcmp(end, start) < 0)
		problem(list, "End date is before the start date");
}

/* Lower case, '&' as "and", other punctuation as spaces, one space
 * between words. */
static char *
priority_norm(const char *s)
{
	char	*out = xmalloc(strlen(s) * 5 + 1), *o = out;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80 || isalnum((unsigned char)*s))
			*o++ = tolower((unsigned char)*s);
		else if (*s == '&') {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
			memcpy(o, "and ", 4);
			o += 4;
		} else if (o > out && o[-1] != ' ')
			*o++ = ' ';
	}
	if (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

/*
 * "2 and 4", "#1 & 3": every word a number or a joining word. Fills idx
 * (1-based) and returns how many; 0 if this is not a list of numbers, -1
 * if a number is not in the round's list.
 */
static int
priority_numbers(const char *norm, size_t n, size_t *idx, size_t max)
{
	static const char *const joins[] = { "and", "or", "priority",
	    "priorities", "no", "number", "numbers", NULL };
	const char *const	*j;
	char			*copy = xstrdup(norm), *w, *save = NULL;
	int			 found = 0, bad = 0;
	long			 v;

	for (w = strtok_r(copy, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		if (strspn(w, "0123456789") == strlen(w) && strlen(w) < 4) {
			v = strtol(w, NULL, 10);
			if (v < 1 || (size_t)v > n)
				bad = 1;
			else if ((size_t)found < max)
				idx[found++] = v;
			continue;
		}
		for (j = joins; *j != NULL && strcmp(*j, w) != 0; j++)
			;
		if (*j == NULL) {
			found = 0;
			bad = 0;
			break;
		}
	}
	free(copy);
	return bad ? -1 : found;
}

/* Text to one priority: whole, or a long enough unique part. -2: many. */
static int
priority_text(const char *norm, char **names, size_t n)
{
	size_t	i, hits = 0, len = strlen(norm);
	int	hit = -1;

	for (i = 0; i < n; i++) {
		if (strcmp(norm, names[i]) == 0)
			return i;
	}
	for (i = 0; i < n && len >= FORM_MIN_MATCH; i++) {
		if (strstr(names[i], norm) != NULL) {
			hit = i;
			hits++;
		}
	}
	if (hits == 0) {
		for (i = 0; i < n; i++) {
			if (*names[i] != '\0' && strstr(norm, names[i])) {
				hit = i;
				hits++;
			}
		}
	}
	return hits > 1 ? -2 : hit;
}

struct round_list {
	char	**names;	/* normalised */
	json_t	 *canon;	/* the round's own strings */
	size_t	  n;
	char	 *text;		/* "1. …; 2. …" for messages */
};

static void
round_list_init(struct round_list *rl, json_t *priorities)
{
	json_t		*v;
	const char	*s;
	char		*t = NULL, num[32];
	size_t		 i, len = 0, cap = 0;

	memset(rl, 0, sizeof *rl);
	rl->canon = json_array();
	json_array_foreach(priorities, i, v) {
		if (json_is_string(v) && !blank(json_string_value(v)))
			json_array_append(rl->canon, v);
	}
	rl->n = json_array_size(rl->canon);
	rl->names = xcalloc(rl->n, sizeof *rl->names);
	for (i = 0; i < rl->n; i++) {
		s = json_string_value(json_array_get(rl->canon, i));
		rl->names[i] = priority_norm(s);
		snprintf(num, sizeof num, "%s%zu. ", i > 0 ? "; " : "", i + 1);
		str_add(&t, &len, &cap, num, strlen(num));
		str_add(&t, &len, &cap, s, strlen(s));
	}
	rl->text = t != NULL ? t : xstrdup("");
}

static void
round_list_free(struct round_list *rl)
{
	size_t	i;

	for (i = 0; i < rl->n; i++)
		free(rl->names[i]);
	free(rl->names);
	free(rl->text);
	json_decref(rl->canon);
}

/* One answer to the round's priorities; adds them to chosen. 0 or -1. */
static int
priority_item(struct round_list *rl, const char *item, json_t *chosen,
    json_t *list)
{
	char		*norm = priority_norm(item), *rest, *q;
	size_t		 idx[16];
	int		 k, i, n;

	if (*norm == '\0') {
		free(norm);
		return 0;
	}
	k = -1;
	if ((n = priority_numbers(norm, rl->n, idx, nitems(idx))) == 0) {
		k = priority_text(norm, rl->names, rl->n);
		/* "1. Supporting the community…" copied from the list. */
		if (k == -1 && isdigit((unsigned char)*norm) &&
		    (rest = strchr(norm, ' ')) != NULL)
			k = priority_text(rest + 1, rl->names, rl->n);
	}
	free(norm);
	for (i = 0; i < n; i++)
		json_array_append(chosen, json_array_get(rl->canon, idx[i] - 1));
	if (k >= 0)
		json_array_append(chosen, json_array_get(rl->canon, k));
	if (n > 0 || k >= 0)
		return 0;
	q = quoted(item);
	if (k == -2)
		problem(list, "Priority '%s' matches more than one of this "
		    "round's priorities: %s", q, rl->text);
	else
		problem(list, "Priority '%s' is not one of this round's "
		    "priorities: %s", q, rl->text);
	free(q);
	return -1;
}

/* The answers as a list of strings, whatever shape the caller stored. */
static json_t *
priority_answers(json_t *fields)
{
	json_t	*v = json_object_get(fields, "priorities"), *out, *e;
	size_t	 i;

	if (json_is_string(v))
		return priority_items(json_string_value(v));
	out = json_array();
	json_array_foreach(v, i, e) {
		if (json_array_size(out) == FORM_MAX_CHOICES)
			break;
		if (json_is_string(e) && !placeholder(json_string_value(e)))
			json_array_append(out, e);
	}
	return out;
}

static void
check_priorities(json_t *fields, json_t *list, json_t *round)
{
	struct round_list	 rl;
	json_t			*answers, *chosen, *v, *uniq;
	size_t			 i, j;
	int			 bad = 0;

	round_list_init(&rl, round);
	if (rl.n == 0) {
		round_list_free(&rl);
		return;
	}
	answers = priority_answers(fields);
	chosen = json_array();
	json_array_foreach(answers, i, v) {
		if (priority_item(&rl, json_string_value(v), chosen, list) != 0)
			bad = 1;
	}
	if (!bad && json_array_size(chosen) == 0)
		problem(list, "Priorities are missing: choose at least one of "
		    "this round's priorities: %s", rl.text);
	else if (!bad) {
		uniq = json_array();
		json_array_foreach(chosen, i, v) {
			for (j = 0; j < json_array_size(uniq) &&
			    !json_equal(json_array_get(uniq, j), v); j++)
				;
			if (j == json_array_size(uniq))
				json_array_append(uniq, v);
		}
		json_object_set_new(fields, "priorities", uniq);
	}
	json_decref(chosen);
	json_decref(answers);
	round_list_free(&rl);
}

json_t *
form_problems(json_t *fields, const struct form_rules *rules)
{
	static const struct form_rules	 none;
	json_t				*list = json_array(), *empty = NULL;

	if (rules == NULL)
		rules = &none;
	if (!json_is_object(fields))
		fields = empty = json_object();
	need(fields, list, "organisation", "Organisation name is missing");
	check_org_type(fields, list);
	need(fields, list, "contact_name", "Contact name is missing");
	check_email(fields, list);
	check_postcode(fields, list);
	need(fields, list, "project_title", "Project title is missing");
	need(fields, list, "summary", "Project summary is missing");
	check_priorities(fields, list, rules->priorities);
	check_amount(fields, list, rules);
	check_dates(fields, list);
	need(fields, list, "beneficiaries", "People who will benefit is "
	    "missing (say who, and roughly how many)");
	need(fields, list, "budget", "Budget is missing (say what the money "
	    "will pay for)");
	json_decref(empty);
	return list;
}

/* ---- the same machinery, for other forms (form-monitor.c) ---- */

/*
 * A line read as a label and its answer, as the application form's are:
 * the label's text (hints and all) into label, the rest of the line in
 * *answer. -1 if the line cannot be a label, or has no mark after it.
 */
int
form_label_split(const char *line, char *label, size_t len,
    const char **answer)
{
	struct label	lb;

	if (label_parse(line, &lb) == -1 || lb.sep == SEP_NONE)
		return -1;
	snprintf(label, len, "%s", lb.text);
	*answer = lb.answer != NULL ? lb.answer : "";
	return 0;
}

/*
 * The phrases of a table of form_label_pick()'s callers, normalised once
 * and kept by the table's address: a reply may hold thousands of lines,
 * each a label to match. NULL if the cache is full (then each call
 * normalises them itself).
 */
#define PICK_TABLES	32
static struct {
	const char *const	*table;
	struct phrase		*ph;
	size_t			 n;
} pick_book[PICK_TABLES];
static size_t		 pick_nbook;
static pthread_mutex_t	 pick_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct phrase *
pick_phrases(const char *const *table, size_t *n)
{
	const struct phrase	*found = NULL;
	const char *const	*ph;
	size_t			 i;

	pthread_mutex_lock(&pick_lock);
	for (i = 0; i < pick_nbook && found == NULL; i++)
		if (pick_book[i].table == table) {
			found = pick_book[i].ph;
			*n = pick_book[i].n;
		}
	if (found == NULL && pick_nbook < PICK_TABLES) {
		for (i = 0; table[i] != NULL; i++)
			;
		pick_book[pick_nbook].table = table;
		pick_book[pick_nbook].ph = xcalloc(i + 1, sizeof
		    *pick_book[pick_nbook].ph);
		for (ph = table, i = 0; *ph != NULL; ph++) {
			pick_book[pick_nbook].ph[i].exact_only = **ph == '=';
			if (word_norm(*ph + (**ph == '='),
			    &pick_book[pick_nbook].ph[i].w) == 0 &&
			    pick_book[pick_nbook].ph[i].w.n > 0)
				i++;
		}
		pick_book[pick_nbook].n = i;
		found = pick_book[pick_nbook].ph;
		*n = pick_book[pick_nbook++].n;
	}
	pthread_mutex_unlock(&pick_lock);
	return found;
}

/*
 * Which of the phrase tables names the label, by meaning as label_field
 * matches the application form's: its index, -1 if none, -2 if two do
 * equally well (a guess would file an answer under the wrong question).
 */
int
form_label_pick(const char *text, const char *const *const *tables,
    size_t ntables)
{
	struct words		 label;
	struct phrase		 p;
	const struct phrase	*known;
	const char		*const *ph;
	size_t			 i, k, n;
	int			 best = 0, second = 0, which = -1, s, top;

	if (word_norm(text, &label) == -1 || label.n == 0)
		return -1;
	for (i = 0; i < ntables; i++) {
		top = 0;
		if ((known = pick_phrases(tables[i], &n)) != NULL) {
			for (k = 0; k < n; k++)
				if ((s = phrase_score(&known[k], &label)) > top)
					top = s;
		} else
			for (ph = tables[i]; *ph != NULL; ph++) {
				p.exact_only = **ph == '=';
				if (word_norm(*ph + p.exact_only, &p.w) == -1 ||
				    p.w.n == 0)
					continue;
				if ((s = phrase_score(&p, &label)) > top)
					top = s;
			}
		if (top > best) {
			second = best;
			best = top;
			which = (int)i;
		} else if (top > second)
			second = top;
	}
	if (best == 0)
		return -1;
	return best == second ? -2 : which;
}

/* Amounts as people write them ("£ 450", "450 pounds"), into pence. */
int
form_amount(const char *s, int64_t *pence)
{
	return amount_parse(s, pence);
}

/*
 * The sender's own lines of a reply, as form_extract reads them: up to a
 * signature, the quoted letter's attribution or Outlook's marker, quoted
 * lines left out; or, if nothing else was written, the quoted lines
 * themselves (someone who typed into the quoted form). Clean UTF-8, one
 * string, lines separated by '\n'.
 */
char *
form_own_text(const char *text)
{
	char	*copy, **lines, *out;
	size_t	 n, i, len = 0, cap = 0;
	int	 pass, own = 0;

	copy = mime_utf8_clean(text != NULL ? text : "", text != NULL ?
	    strlen(text) : 0);
	lines = split_lines(copy, &n);
	out = xstrdup("");
	for (pass = 0; pass < 2 && own == 0; pass++) {
		for (i = 0; i < n; i++) {
			const char *l = lines[i];

			if (pass == 0 && l[0] == '>')
				continue;
			if (pass == 1)
				l = unquote(lines[i]);
			if (is_signature(l) || is_outlook_quote(l) ||
			    is_forward(l) || (pass == 0 &&
			    is_attribution(lines, i, n)))
				break;
			if (!blank(l))
				own = 1;
			str_add(&out, &len, &cap, l, strlen(l));
			str_add(&out, &len, &cap, "\n", 1);
		}
	}
	free(lines);
	free(copy);
	return out;
}

/* "Thanks, Joan", "Kind regards": the writer has finished. */
int
form_is_signoff(const char *line)
{
	return is_signoff(line);
}
