/*
 * form-monitor.c: a monitoring return (templates/monitoring-form.txt) out
 * of a group's reply, read as forgivingly as an application: labels by
 * meaning with form.c's machinery ("Money spent so far", "Spend to date",
 * "£ spent"), amounts as people write them, numbers with words around
 * them ("about 40 people"), and the four ONS wellbeing questions either
 * as counts ("Baseline life satisfaction: 3 people scored 6, 2 scored 7")
 * or as a table, one line per answer ("Life satisfaction | baseline 5 |
 * end 7"). What it does not understand is kept as written.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "mail/form.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])
#define MON_TEXT_MAX	8000	/* bytes of a written answer kept */
#define MON_SCORE_MAX	10
#define MON_PEOPLE_MAX	1000000	/* more than any one project reaches */

enum { F_SPEND, F_PEOPLE, F_VOLUNTEERS, F_ACTIVITIES, F_STORY, F_OTHER,
	F_COUNT };

static const char *const l_spend[] = { "spend to date", "money spent",
	"money spent so far", "amount spent", "=spent", "=spend",
	"total spent", "how much have you spent", "spent so far",
	"spent to date", "expenditure to date", "=expenditure",
	"grant spent", "how much of grant spent", "spend so far", NULL };
static const char *const l_people[] = { "people reached", "=people",
	"number of people", "how many people", "people helped",
	"people who took part", "participant", "number of participant",
	"beneficiary", "people benefited", "=reached", "attendee",
	"people supported", "how many people took part", NULL };
static const char *const l_volunteers[] = { "volunteer",
	"number of volunteer", "how many volunteer", "volunteers involved",
	"volunteers helped", NULL };
static const char *const l_activities[] = { "activities delivered",
	"=activity", "what did you do", "what you did", "session",
	"event", "activities run", "delivered", "what happened", NULL };
static const char *const l_story[] = { "short story", "=story",
	"case study", "what difference", "difference made", "a story",
	"tell us story", "one story", "highlight", NULL };
static const char *const l_other[] = { "wellbeing", "well being",
	"anything else", "comment", "photo", "receipt", "=name",
	"=organisation", "=date", "=reference", "signed", NULL };
static const char *const *const mon_tables[F_COUNT] = { l_spend, l_people,
	l_volunteers, l_activities, l_story, l_other };
static const char *const mon_keys[F_COUNT] = { "spend", "people",
	"volunteers", "activities", "story", NULL };

static const char *const mon_stages[] = { "baseline", "end", "followup" };
static const char *const mon_questions[] = { "life", "worthwhile", "happy",
	"anxious" };

struct mon_reader {
	json_t	*out;
	int	 cur;		/* field taking lines, or -1 */
	char	*label;		/* an unrecognised question's, or NULL */
	char	*val;
	int	 stage;		/* under a "Baseline" heading, or -1 */
	int	 stages[16];	/* a table header's columns, -1 if none */
	int	 nstages;
	int	 counts[3][4][MON_SCORE_MAX + 1];
	int	 any;		/* counts were read */
};

/* ---- words ---- */

static int
mon_is_word(int c)
{
	return isalnum(c) || c >= 0x80;
}

/* word (a prefix, if it ends in '*') in s, not inside a longer word. */
static const char *
mon_word(const char *s, const char *word)
{
	size_t		 n = strlen(word);
	int		 prefix = n > 0 && word[n - 1] == '*';
	const char	*p;

	if (prefix)
		n--;
	for (p = s; *p != '\0'; p++) {
		if (strncasecmp(p, word, n) != 0)
			continue;
		if ((p == s || !mon_is_word((unsigned char)p[-1])) &&
		    (prefix || !mon_is_word((unsigned char)p[n])))
			return p;
	}
	return NULL;
}

/* Does s start with word, as mon_word() finds it? Without a search of
 * the rest: the prose is read number by number, and a search from each
 * would take time growing with the square of the reply's length. */
static int
mon_word_at(const char *s, const char *word)
{
	size_t	n = strlen(word);
	int	prefix = n > 0 && word[n - 1] == '*';

	if (prefix)
		n--;
	return strncasecmp(s, word, n) == 0 && (prefix ||
	    !mon_is_word((unsigned char)s[n]));
}

/* The wellbeing question a line names: 0-3, -1 for none, -2 for several. */
static int
mon_question(const char *s)
{
	static const char *const words[][4] = {
		{ "life satisfaction", "satisfied with your life",
		    "satisfied with life", "satisfaction" },
		{ "worthwhile", "worth while", NULL, NULL },
		{ "happy", "happiness", "happier", NULL },
		{ "anxious", "anxiety", NULL, NULL },
	};
	size_t	q, i;
	int	found = -1;

	for (q = 0; q < nitems(words); q++)
		for (i = 0; i < 4 && words[q][i] != NULL; i++)
			if (mon_word(s, words[q][i]) != NULL) {
				if (found >= 0 && found != (int)q)
					return -2;
				found = (int)q;
				break;
			}
	return found;
}

/* The stage a text names, or -1: follow-up before end ("3 months after"). */
static int
mon_stage(const char *s)
{
	static const char *const followup[] = { "follow-up", "follow up",
	    "followup", "follow-on", "later", "months on", "months after",
	    "months later", NULL };
	static const char *const baseline[] = { "baseline", "base line",
	    "start", "before", "beginning", "first session", NULL };
	static const char *const end[] = { "end", "after", "finish",
	    "last session", "close", NULL };
	const char *const	*w;

	for (w = followup; *w != NULL; w++)
		if (mon_word(s, *w) != NULL)
			return 2;
	for (w = baseline; *w != NULL; w++)
		if (mon_word(s, *w) != NULL)
			return 0;
	for (w = end; *w != NULL; w++)
		if (mon_word(s, *w) != NULL)
			return 1;
	return -1;
}

/* ---- numbers ---- */

/* "twelve", "forty-five": small numbers written out; -1 if not one. */
static long
mon_number_words(const char *s, const char **end)
{
	static const char *const ones[] = { "zero", "one", "two", "three",
	    "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
	    "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
	    "seventeen", "eighteen", "nineteen" };
	static const char *const tens[] = { "twenty", "thirty", "forty",
	    "fifty", "sixty", "seventy", "eighty", "ninety" };
	size_t	i, n;
	long	v = -1;

	for (i = 0; i < nitems(tens) && v < 0; i++) {
		n = strlen(tens[i]);
		if (strncasecmp(s, tens[i], n) == 0 &&
		    !isalpha((unsigned char)s[n])) {
			v = 20 + 10 * (long)i;
			s += n;
			if ((*s == '-' || *s == ' ') && isalpha((unsigned char)
			    s[1])) {
				const char *e;
				long o = mon_number_words(s + 1, &e);
				if (o > 0 && o < 10) {
					v += o;
					s = e;
				}
			}
		}
	}
	for (i = nitems(ones); v < 0 && i-- > 0; ) {
		n = strlen(ones[i]);
		if (strncasecmp(s, ones[i], n) == 0 &&
		    !isalpha((unsigned char)s[n])) {
			v = (long)i;
			s += n;
		}
	}
	if (v >= 0 && strncasecmp(s, " hundred", 8) == 0) {
		v *= 100;
		s += 8;
	}
	*end = s;
	return v;
}

/* A whole number at s ("1,200", "40"); -1 if none; *end after it. */
static long
mon_number_at(const char *s, const char **end)
{
	long	n = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; *s != '\0'; s++) {
		if (*s == ',' && isdigit((unsigned char)s[1]) &&
		    isdigit((unsigned char)s[2]) &&
		    isdigit((unsigned char)s[3]) &&
		    !isdigit((unsigned char)s[4]))
			continue;
		if (!isdigit((unsigned char)*s))
			break;
		if (n > MON_PEOPLE_MAX)
			return -1;
		n = n * 10 + (*s - '0');
	}
	*end = s;
	return n;
}

/* The first number in a text, in figures or words ("about 40 people"). */
static long
mon_count(const char *s)
{
	const char	*p, *end;
	long		 v;

	for (p = s; *p != '\0'; p++) {
		if (p > s && mon_is_word((unsigned char)p[-1]))
			continue;
		if ((v = mon_number_at(p, &end)) >= 0 ||
		    (v = mon_number_words(p, &end)) >= 0)
			return v <= MON_PEOPLE_MAX ? v : -1;
	}
	return -1;
}

/*
 * Money in a text: the whole answer as form.c reads amounts, else the
 * amount after a '£' in it ("We have spent £1,234.50 so far"), else a
 * number followed by "pounds".
 */
static int
mon_money(const char *s, int64_t *pence)
{
	const char	*p, *end;
	char		 buf[48];
	size_t		 n;

	if (form_amount(s, pence) == 0)
		return 0;
	if ((p = strstr(s, "\xc2\xa3")) != NULL) {
		p += 2;
		while (*p == ' ')
			p++;
		n = strspn(p, "0123456789,.");
		while (n > 0 && (p[n - 1] == '.' || p[n - 1] == ','))
			n--;
		if (n == 0 || n >= sizeof buf)
			return -1;
		snprintf(buf, sizeof buf, "%.*s", (int)n, p);
		return form_amount(buf, pence);
	}
	for (p = s; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || (p > s &&
		    mon_is_word((unsigned char)p[-1])))
			continue;
		n = strspn(p, "0123456789,.");
		end = p + n;
		while (*end == ' ')
			end++;
		if (strncasecmp(end, "pound", 5) == 0 && n < sizeof buf) {
			snprintf(buf, sizeof buf, "%.*s", (int)n, p);
			return form_amount(buf, pence);
		}
		p += n - 1;
	}
	return -1;
}

static int	mon_multiline(int);

/* ---- wellbeing ---- */

static void
mon_add(struct mon_reader *r, int stage, int q, long score, long people)
{
	if (stage < 0 || q < 0 || score < 0 || score > MON_SCORE_MAX ||
	    people < 0 || people > MON_PEOPLE_MAX)
		return;
	r->counts[stage][q][score] += (int)people;
	r->any = 1;
}

/* "Life satisfaction | baseline 5 | end 7", or cells under a header. */
static int
mon_table_row(struct mon_reader *r, const char *line)
{
	char	*copy, *cell, *save, *cells[16];
	int	 n = 0, i, q, stage, found = 0, header = 0;
	long	 v;
	const char *p, *end;

	if (strchr(line, '|') == NULL && strchr(line, '\t') == NULL)
		return 0;
	copy = xstrdup(line);
	for (cell = strtok_r(copy, "|\t", &save); cell != NULL && n < 16;
	    cell = strtok_r(NULL, "|\t", &save))
		if (strspn(cell, " -:") != strlen(cell))
			cells[n++] = cell;
	if (n < 2) {
		free(copy);
		return 0;
	}
	q = mon_question(cells[0]);
	if (q < 0) {
		/* A header: "Question | Baseline | End | Follow-up". */
		for (i = 1; i < n; i++)
			if ((r->stages[i] = mon_stage(cells[i])) >= 0)
				header = 1;
		r->nstages = header ? n : 0;
		free(copy);
		return header;
	}
	for (i = 1; i < n; i++) {
		stage = mon_stage(cells[i]);
		if (stage < 0 && i < r->nstages)
			stage = r->stages[i];
		if (stage < 0 && r->stage >= 0)
			stage = r->stage;
		for (p = cells[i]; *p != '\0' && !isdigit((unsigned char)*p);
		    p++)
			;
		if ((v = mon_number_at(p, &end)) < 0)
			continue;
		if (stage >= 0 && v <= MON_SCORE_MAX) {
			mon_add(r, stage, q, v, 1);
			found = 1;
		}
	}
	free(copy);
	return found;
}

/*
 * "3 people scored 6, 2 scored 7", "6 (3 people)", or after a colon a
 * list of single scores ("6, 7, 7, 8"), each one person's.
 */
static int
mon_counts(struct mon_reader *r, int stage, int q, const char *text)
{
	static const char *const verbs[] = { "scored", "score", "gave",
	    "said", "chose", "answered", "rated", "picked", "put", "at",
	    "of", NULL };
	const char	*p, *end, *w;
	const char *const *v;
	long		 a, b;
	int		 found = 0, list = 1, nlist = 0;
	long		 singles[64];

	for (p = text; *p != '\0'; p++) {
		if ((p > text && mon_is_word((unsigned char)p[-1])) ||
		    (a = mon_number_at(p, &end)) < 0)
			continue;
		w = end;
		while (*w == ' ')
			w++;
		if (strncasecmp(w, "people", 6) == 0)
			w += 6;
		else if (strncasecmp(w, "person", 6) == 0)
			w += 6;
		else if (strncasecmp(w, "of them", 7) == 0)
			w += 7;
		while (*w == ' ')
			w++;
		for (v = verbs; *v != NULL; v++) {
			size_t n = strlen(*v);
			if (strncasecmp(w, *v, n) == 0 && w[n] == ' ')
				break;
		}
		if (*v != NULL) {
			w += strlen(*v);
			while (*w == ' ' || strncasecmp(w, "a ", 2) == 0)
				w += *w == ' ' ? 1 : 2;
			if ((b = mon_number_at(w, &end)) >= 0) {
				mon_add(r, stage, q, b, a);
				found = 1;
				p = end - 1;
				list = 0;
				continue;
			}
		}
		/* "6 (3 people)" */
		w = end;
		while (*w == ' ')
			w++;
		if (*w == '(' && (b = mon_number_at(w + 1, &end)) >= 0 &&
		    a <= MON_SCORE_MAX) {
			mon_add(r, stage, q, a, b);
			found = 1;
			list = 0;
			p = end - 1;
			continue;
		}
		if (a > MON_SCORE_MAX || nlist == (int)nitems(singles))
			list = 0;
		else
			singles[nlist++] = a;
		p = end - 1;
	}
	if (!found && list && nlist > 0 && strchr(text, ':') != NULL) {
		for (a = 0; a < nlist; a++)
			mon_add(r, stage, q, singles[a], 1);
		found = 1;
	}
	return found;
}

/* A wellbeing line, read into the counts: 1 if it was one. */
static int
mon_wellbeing_line(struct mon_reader *r, const char *line)
{
	int		 q, stage;
	const char	*p;

	if (mon_table_row(r, line))
		return 1;
	q = mon_question(line);
	stage = mon_stage(line);
	/* A heading ("At the start:") where an answer may have ended. */
	p = strchr(line, ':');
	if (q == -1 && stage >= 0 && strpbrk(line, "0123456789") == NULL &&
	    strlen(line) < 60 && (p == NULL || p[strspn(p, ": \t")] ==
	    '\0') && (mon_word(line, "wellbeing") != NULL || mon_word(line,
	    "scores") != NULL || ((r->cur < 0 || !mon_multiline(r->cur) ||
	    r->val == NULL || *r->val == '\0' ||
	    r->val[strlen(r->val) - 1] == '\n') && (p != NULL ||
	    strlen(line) < 25)))) {
		r->stage = stage;	/* a heading: "At the start:" */
		return 1;
	}
	if (q < 0)
		return 0;
	if (stage < 0)
		stage = r->stage;
	if (stage < 0)
		return 0;
	/* Numbers after the question's words, so "3 months" is not read. */
	p = strchr(line, ':');
	return mon_counts(r, stage, q, p != NULL ? p : line);
}

static void
mon_wellbeing_out(struct mon_reader *r)
{
	json_t	*list = json_array();
	int	 s, q, v;

	for (s = 0; s < 3; s++)
		for (q = 0; q < 4; q++)
			for (v = 0; v <= MON_SCORE_MAX; v++)
				if (r->counts[s][q][v] > 0)
					json_array_append_new(list, json_pack(
					    "{s:s,s:s,s:i,s:i}", "stage",
					    mon_stages[s], "question",
					    mon_questions[q], "score", v,
					    "people", r->counts[s][q][v]));
	json_object_set_new(r->out, "wellbeing", list);
}

/* ---- fields ---- */

static void
mon_store(struct mon_reader *r, int f, char *v)
{
	int64_t	pence;
	long	n;

	check_text_clean(v, 1);
	check_bound(v, MON_TEXT_MAX);
	if (*v == '\0' || json_object_get(r->out, mon_keys[f]) != NULL)
		return;
	switch (f) {
	case F_SPEND:
		if (mon_money(v, &pence) == 0 && pence >= 0) {
			json_object_set_new(r->out, "spend", json_string(v));
			json_object_set_new(r->out, "spend_pence",
			    json_integer(pence));
		}
		break;
	case F_PEOPLE:
	case F_VOLUNTEERS:
		if ((n = mon_count(v)) >= 0)
			json_object_set_new(r->out, mon_keys[f],
			    json_integer(n));
		break;
	default:
		json_object_set_new(r->out, mon_keys[f], json_string(v));
	}
}

static void
mon_close(struct mon_reader *r)
{
	json_t	*list;
	char	*v;

	if (r->val != NULL) {
		v = r->val;
		while (*v == '\n' || *v == ' ')
			v++;
		while (*v != '\0' && (v[strlen(v) - 1] == '\n' ||
		    v[strlen(v) - 1] == ' '))
			v[strlen(v) - 1] = '\0';
		if (r->cur >= 0)
			mon_store(r, r->cur, v);
		else if (r->label != NULL && *v != '\0') {
			check_text_clean(r->label, 0);
			check_text_clean(v, 1);
			check_bound(v, MON_TEXT_MAX);
			if ((list = json_object_get(r->out,
			    "unrecognised")) == NULL)
				json_object_set_new(r->out, "unrecognised",
				    list = json_array());
			json_array_append_new(list, json_pack("{s:s,s:s}",
			    "label", r->label, "answer", v));
		}
	}
	free(r->val);
	free(r->label);
	r->val = NULL;
	r->label = NULL;
	r->cur = -1;
}

static void
mon_append(struct mon_reader *r, const char *text)
{
	char	*n;

	xasprintf(&n, "%s%s%s", r->val != NULL ? r->val : "",
	    r->val != NULL && *r->val != '\0' ? "\n" : "", text);
	free(r->val);
	r->val = n;
}

static int
mon_multiline(int f)
{
	return f == F_ACTIVITIES || f == F_STORY;
}

static void
mon_line(struct mon_reader *r, const char *line)
{
	char		 label[128];
	const char	*answer;
	int		 k = -1;

	if (form_label_split(line, label, sizeof label, &answer) == 0)
		k = form_label_pick(label, mon_tables, F_COUNT);
	if ((k < 0 || k == F_OTHER) && mon_wellbeing_line(r, line)) {
		mon_close(r);
		return;
	}
	if (k != -1) {
		mon_close(r);
		if (k >= 0 && k < F_OTHER)
			r->cur = k;
		else
			r->label = xstrdup(label);
		r->val = xstrdup(answer);
		while (*r->val == ' ')
			memmove(r->val, r->val + 1, strlen(r->val));
		if (*r->val != '\0' && !mon_multiline(r->cur))
			mon_close(r);
		return;
	}
	if (form_is_signoff(line)) {
		mon_close(r);
		return;
	}
	if (r->cur < 0 && r->label == NULL)
		return;
	if (line[strspn(line, " \t")] == '\0') {
		/* A question waits for its answer; an answer may have gaps. */
		if (r->val != NULL && *r->val != '\0') {
			if (mon_multiline(r->cur))
				mon_append(r, "");
			else
				mon_close(r);
		}
		return;
	}
	mon_append(r, line + strspn(line, " \t"));
	if (!mon_multiline(r->cur) && r->cur >= 0)
		mon_close(r);
}

/*
 * What a reply says in prose, for the numbers not given under a label:
 * "we spent £1,200", "about 40 people came", "6 volunteers helped".
 */
static void
mon_prose(json_t *out, const char *text)
{
	static const char *const people[] = { "people", "participant*",
	    "young people", "residents", "children", "adults", "members",
	    "attendee*", "families", "beneficiar*", NULL };
	const char *const	*w;
	const char		*p, *end, *after;
	long			 n;
	int64_t			 pence;
	char			 buf[200];

	if (json_object_get(out, "spend") == NULL &&
	    (p = strstr(text, "\xc2\xa3")) != NULL) {
		snprintf(buf, sizeof buf, "%.*s", (int)strcspn(p, "\n"), p);
		/* Only money said to be spent: a budget is not a spend. */
		if ((mon_word(text, "spent") != NULL || mon_word(text,
		    "spend") != NULL) && mon_money(buf, &pence) == 0) {
			json_object_set_new(out, "spend", json_string(buf));
			json_object_set_new(out, "spend_pence",
			    json_integer(pence));
		}
	}
	for (p = text; *p != '\0'; p++) {
		if ((p > text && mon_is_word((unsigned char)p[-1])) ||
		    ((n = mon_number_at(p, &end)) < 0 &&
		    (n = mon_number_words(p, &end)) < 0))
			continue;
		after = end;
		while (*after == ' ')
			after++;
		if (json_object_get(out, "volunteers") == NULL &&
		    mon_word_at(after, "volunteer*"))
			json_object_set_new(out, "volunteers", json_integer(n));
		for (w = people; *w != NULL; w++)
			if (json_object_get(out, "people") == NULL &&
			    mon_word_at(after, *w))
				json_object_set_new(out, "people",
				    json_integer(n));
		p = end > p ? end - 1 : p;
	}
}

json_t *
form_monitor_read(const char *text, const char *stage)
{
	struct mon_reader	 r;
	char			*own, *line, *save;

	memset(&r, 0, sizeof r);
	r.out = json_object();
	r.cur = -1;
	r.stage = stage != NULL ? mon_stage(stage) : -1;
	own = form_own_text(text);
	/* strsep, not strtok: a blank line ends an answer. */
	for (save = own; (line = strsep(&save, "\n")) != NULL; )
		mon_line(&r, line);
	mon_close(&r);
	free(own);
	own = form_own_text(text);
	mon_prose(r.out, own);
	free(own);
	if (r.any)
		mon_wellbeing_out(&r);
	return r.out;
}

/* A reply to a return answered in part: what it adds to what was read. */
json_t *
form_monitor_merge(json_t *old, json_t *new)
{
	json_t		*out = json_deep_copy(json_is_object(old) ? old :
			    json_object()), *v;
	const char	*k;

	json_object_foreach(new, k, v) {
		if (strcmp(k, "unrecognised") == 0 && json_is_array(
		    json_object_get(out, k)))
			json_array_extend(json_object_get(out, k), v);
		else
			json_object_set(out, k, v);
	}
	return out;
}

static int
mon_has_stage(json_t *f, const char *stage)
{
	json_t	*w;
	size_t	 i;

	json_array_foreach(json_object_get(f, "wellbeing"), i, w)
		if (strcmp(json_string_value(json_object_get(w, "stage")),
		    stage) == 0)
			return 1;
	return 0;
}

/*
 * What a return still needs, in words a volunteer can act on; wellbeing
 * at the start and the end only where the return asks for it (the end
 * of a project).
 */
json_t *
form_monitor_missing(json_t *f, const char *kind)
{
	json_t	*list = json_array();
	int	 wellbeing = strcmp(kind, "end") == 0;

	/* A follow-up asks only what the group may not have: none is owed. */
	if (strcmp(kind, "followup") == 0)
		return list;

	if (!json_is_integer(json_object_get(f, "spend_pence")))
		json_array_append_new(list, json_string("Spend to date: how much "
		    "of the grant you have spent so far, in pounds"));
	if (!json_is_integer(json_object_get(f, "people")))
		json_array_append_new(list, json_string("People reached: how "
		    "many people took part or were helped, as a number"));
	if (!json_is_integer(json_object_get(f, "volunteers")))
		json_array_append_new(list, json_string("Volunteers: how many "
		    "volunteers helped, as a number"));
	if (!json_is_string(json_object_get(f, "activities")))
		json_array_append_new(list, json_string("Activities delivered: "
		    "what you did (sessions, events, trips)"));
	if (!json_is_string(json_object_get(f, "story")))
		json_array_append_new(list, json_string("A short story: a few "
		    "sentences about one person or moment"));
	if (wellbeing && !mon_has_stage(f, "baseline"))
		json_array_append_new(list, json_string("Wellbeing at the start "
		    "(baseline): how many people gave each score"));
	if (wellbeing && !mon_has_stage(f, "end"))
		json_array_append_new(list, json_string("Wellbeing at the end: "
		    "how many people gave each score"));
	return list;
}

/* An answer over several lines, as one, to quote it in a list. */
static char *
mon_one_line(const char *s)
{
	char	*out = xstrdup(s), *p, *w;

	for (p = w = out; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
		if (*p == ' ' && w > out && w[-1] == ' ')
			continue;
		*w++ = *p;
	}
	*w = '\0';
	return out;
}

/* What was understood, as {label, value} for the letter that says so. */
json_t *
form_monitor_understood(json_t *f)
{
	static const char *const names[] = { "at the start (baseline)",
	    "at the end", "at follow-up" };
	json_t		*list = json_array(), *w;
	char		 m[MONEY_BUFLEN], buf[120];
	long		 per[3][4], n;
	size_t		 i;
	int		 s, q;
	const char	*stage, *question;
	char		*text;

	memset(per, 0, sizeof per);

#define ADD(l, v) json_array_append_new(list, json_pack("{s:s,s:s}", \
	"label", (l), "value", (v)))
	if (json_is_integer(json_object_get(f, "spend_pence")))
		ADD("Spend to date", money_format(json_integer_value(
		    json_object_get(f, "spend_pence")), m, sizeof m));
	if (json_is_integer(json_object_get(f, "people"))) {
		snprintf(buf, sizeof buf, "%lld", (long long)
		    json_integer_value(json_object_get(f, "people")));
		ADD("People reached", buf);
	}
	if (json_is_integer(json_object_get(f, "volunteers"))) {
		snprintf(buf, sizeof buf, "%lld", (long long)
		    json_integer_value(json_object_get(f, "volunteers")));
		ADD("Volunteers", buf);
	}
	if (json_is_string(json_object_get(f, "activities"))) {
		text = mon_one_line(json_string_value(json_object_get(f,
		    "activities")));
		ADD("Activities delivered", text);
		free(text);
	}
	if (json_is_string(json_object_get(f, "story"))) {
		text = mon_one_line(json_string_value(json_object_get(f,
		    "story")));
		ADD("Your story", text);
		free(text);
	}
	/* People, not answers: the most who answered any one question. */
	json_array_foreach(json_object_get(f, "wellbeing"), i, w) {
		stage = json_string_value(json_object_get(w, "stage"));
		question = json_string_value(json_object_get(w, "question"));
		for (s = 0; s < 3; s++)
			for (q = 0; q < 4; q++)
				if (strcmp(stage, mon_stages[s]) == 0 &&
				    strcmp(question, mon_questions[q]) == 0)
					per[s][q] += (long)json_integer_value(
					    json_object_get(w, "people"));
	}
	for (s = 0; s < 3; s++) {
		n = 0;
		for (q = 0; q < 4; q++)
			if (per[s][q] > n)
				n = per[s][q];
		if (n == 0)
			continue;
		snprintf(buf, sizeof buf, "scores from %ld %s %s", n,
		    n == 1 ? "person" : "people", names[s]);
		ADD("Wellbeing", buf);
	}
#undef ADD
	return list;
}
