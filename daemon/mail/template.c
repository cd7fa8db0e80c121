/*
 * template.c: the letters grantd sends. Each is a file in the templates
 * directory (an officer may override any of them from a second directory);
 * the first line is the subject. Templates are checked when loaded, so an
 * unknown placeholder is caught at start or reload, never at send time.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/template.h"
#include "mail/mail.h"

#define TEMPLATE_MAX_SIZE	(64 * 1024)
#define TEMPLATE_MAX_DEPTH	4
#define TEMPLATE_NAME_MAX	40
#define TEMPLATE_PARTIAL_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789-"

/* Every letter grantd writes; each must exist when grantd starts. */
static const char *template_required[] = {
	"acknowledgement", "incomplete", "ineligible", "round-closed",
	"application-form", "decision-award", "decision-decline",
	"decision-waitlist", "offer",
	"tranche-schedule", "payment-sent", "monitoring-due",
	"monitoring-overdue", "monitoring-reminder", "monitoring-form",
	"monitoring-incomplete", "monitoring-received", "round-closing-soon", "staff-digest",
	"staff-alert", "test-message", "assessor-assignment",
	"assessor-scores-recorded", "offer-chase", "grant-changed",
	"bank-change-requested", "acceptance-incomplete", NULL
};

/*
 * The values a template may use. Lists hold objects whose fields are named
 * here too, or strings read with {{.}}.
 */
static const char *template_names[] = {
	/* the applicant and the application */
	"reference", "organisation", "contact_name", "email", "project_title",
	"summary", "amount", "amount_requested", "received", "problems",
	"reason", "reasons", "understood", "form_read", "label", "value",
	"refused_files", "form_file", "unreadable", "unreadable_files",
	/* the fund, the round and the named officer */
	"fund_name", "fund_email", "round_title", "round_code", "closes",
	"opens", "max_award", "priorities", "next_round_title",
	"next_round_opens", "officer_name", "officer_email", "decision_date",
	/* who may apply, and how applications are judged */
	"who_can_apply", "scoring", "criteria_published",
	/* decisions, offers and payments */
	"criteria", "criterion", "weight", "score", "feedback", "total_score",
	"accept_by", "conditions", "tranches", "number", "due", "paid_on",
	"payment_reference", "grant_total", "expect_by", "to_come",
	"purpose", "reporting_quarterly",
	"expected", "change", "scheduled", "instalments", "revised",
	/* assessment */
	"applications", "score_address", "scale", "scale_max", "weighted",
	"refused",
	"scored", "comments", "commented", "offer_by",
	/* monitoring */
	"return_title", "return_due", "days_overdue", "days_left", "missing",
	"understood_any", "return_id", "followup",
	/* staff */
	"user_name", "items", "text", "things_need", "note",
	NULL
};

struct template {
	char	*name;
	char	*subject;
	char	*body;
	char	*path;
};

static struct template	*templates;
static size_t		 ntemplates;

static int
template_name_known(const char *name, size_t len)
{
	const char	**n;

	if (len == 1 && name[0] == '.')
		return 1;
	for (n = template_names; *n != NULL; n++)
		if (strlen(*n) == len && strncmp(*n, name, len) == 0)
			return 1;
	return 0;
}

/*
 * Walk the tags of text, checking names and that sections nest and close.
 * Used both to check a template and (through template_expand) to render.
 */
int
template_check_text(const char *where, int first_line, const char *text,
    char *err, size_t errlen)
{
	const char	*p = text, *open, *close;
	const char	*stack[TEMPLATE_MAX_DEPTH];
	size_t		 stacklen[TEMPLATE_MAX_DEPTH];
	int		 depth = 0, line;

	while ((open = strstr(p, "{{")) != NULL) {
		line = first_line;
		for (const char *q = text; q < open; q++)
			line += *q == '\n';
		if ((close = strstr(open + 2, "}}")) == NULL) {
			errfmt(err, errlen, "%s:%d: '{{' is never closed",
			    where, line);
			return -1;
		}
		const char *name = open + 2;
		char kind = *name;
		if (kind == '#' || kind == '^' || kind == '/' || kind == '>')
			name++;
		size_t len = (size_t)(close - name);
		if (kind == '>' && len > 0 && len <= TEMPLATE_NAME_MAX &&
		    strspn(name, TEMPLATE_PARTIAL_CHARS) == len) {
			p = close + 2;	/* template_partials() reads it */
			continue;
		}
		if (len == 0 || !template_name_known(name, len)) {
			errfmt(err, errlen, "%s:%d: unknown placeholder "
			    "'{{%.*s}}'", where, line, (int)(close - open - 2),
			    open + 2);
			return -1;
		}
		if (kind == '#' || kind == '^') {
			if (depth == TEMPLATE_MAX_DEPTH) {
				errfmt(err, errlen, "%s:%d: sections nested too "
				    "deep", where, line);
				return -1;
			}
			stack[depth] = name;
			stacklen[depth++] = len;
		} else if (kind == '/') {
			if (depth == 0 || stacklen[depth - 1] != len ||
			    strncmp(stack[depth - 1], name, len) != 0) {
				errfmt(err, errlen, "%s:%d: '{{/%.*s}}' closes "
				    "nothing open", where, line, (int)len, name);
				return -1;
			}
			depth--;
		}
		p = close + 2;
	}
	if (depth > 0) {
		errfmt(err, errlen, "%s: section '{{#%.*s}}' is never closed",
		    where, (int)stacklen[depth - 1], stack[depth - 1]);
		return -1;
	}
	return 0;
}

/*
 * How long the section tag alone on line is, counting its indentation,
 * trailing blanks and newline; 0 if the line holds anything else.
 */
static size_t
template_standalone_len(const char *line)
{
	const char	*tag = line + strspn(line, " \t"), *close, *end;

	if (tag[0] != '{' || tag[1] != '{' || tag[2] == '\0' ||
	    strchr("#^/", tag[2]) == NULL ||
	    (close = strstr(tag + 3, "}}")) == NULL)
		return 0;
	end = close + 2 + strspn(close + 2, " \t\r");
	if (*end != '\n' && *end != '\0')
		return 0;
	/* One tag only: "{{#a}}{{/a}}" renders something or nothing inline. */
	for (const char *q = tag + 2; q < close; q++)
		if (*q == '\n' || (q[0] == '{' && q[1] == '{'))
			return 0;
	return (size_t)(end - line) + (*end == '\n');
}

/*
 * A section tag alone on its line leaves no blank line behind: drop the
 * line's indentation, trailing blanks and newline, so lists render one
 * item a line, in nested sections as at the top.
 */
static void
template_standalone(char *text)
{
	char	*line = text, *nl, *tag, *out = text;
	size_t	 n, taglen;

	while (*line != '\0') {
		nl = strchr(line, '\n');
		n = nl != NULL ? (size_t)(nl - line + 1) : strlen(line);
		if (template_standalone_len(line) > 0) {
			tag = line + strspn(line, " \t");
			taglen = (size_t)(strstr(tag, "}}") + 2 - tag);
			memmove(out, tag, taglen);
			out += taglen;
		} else {
			memmove(out, line, n);
			out += n;
		}
		line += n;
	}
	*out = '\0';
}

static int
template_line_of(const char *text, const char *at)
{
	int	line = 1;

	for (; text < at; text++)
		line += *text == '\n' || *text == '\0';
	return line;
}

/* partials/name.txt from the override directory if it has one there. */
static char *
template_partial_read(const char *dir, const char *override,
    const char *name, char *err, size_t errlen)
{
	char	*path = NULL, *text = NULL;
	size_t	 len;

	if (override != NULL) {
		xasprintf(&path, "%s/partials/%s.txt", override, name);
		if ((text = file_read(path, TEMPLATE_MAX_SIZE + 1, &len)) ==
		    NULL && errno == ENOENT) {
			free(path);
			path = NULL;
		}
	}
	if (path == NULL) {	/* none of the funder's own: the shipped one */
		xasprintf(&path, "%s/partials/%s.txt", dir, name);
		text = file_read(path, TEMPLATE_MAX_SIZE + 1, &len);
	}
	if (text == NULL)
		errfmt(err, errlen, "%s: %s", path, strerror(errno));
	else if (len > TEMPLATE_MAX_SIZE)
		errfmt(err, errlen, "%s: larger than %d bytes", path,
		    TEMPLATE_MAX_SIZE);
	else if (strstr(text, "{{>") != NULL)
		errfmt(err, errlen, "%s: a partial cannot include another",
		    path);
	else if (template_check_text(path, 1, text, err, errlen) == 0) {
		free(path);
		return text;
	}
	free(text);
	free(path);
	return NULL;
}

/*
 * Put each {{>name}} line's partial in its place, so one block of text
 * (what we understood from a form) is written once for several letters.
 * The partial is checked on its own: its sections open and close in it.
 */
static char *
template_partials(const char *path, int first_line, const char *body,
    const char *dir, const char *override, char *err, size_t errlen)
{
	struct strbuf	 b = { NULL, 0, 0 };
	const char	*line = body, *nl, *tag, *close, *end;
	char		 name[TEMPLATE_NAME_MAX + 1], *part;
	size_t		 n;
	int		 lineno = first_line;

	strbuf_add(&b, "", 0);
	for (; *line != '\0'; line += n, lineno++) {
		nl = strchr(line, '\n');
		n = nl != NULL ? (size_t)(nl - line + 1) : strlen(line);
		if ((tag = strstr(line, "{{>")) == NULL || tag >= line + n) {
			strbuf_add(&b, line, n);
			continue;
		}
		close = strstr(tag, "}}");	/* checked: it closes */
		end = close + 2 + strspn(close + 2, " \t\r");
		if (tag != line + strspn(line, " \t") ||
		    (*end != '\n' && *end != '\0')) {
			errfmt(err, errlen, "%s:%d: a partial must be on a line "
			    "of its own", path, lineno);
			goto fail;
		}
		snprintf(name, sizeof name, "%.*s", (int)(close - tag - 3),
		    tag + 3);
		if ((part = template_partial_read(dir, override, name, err,
		    errlen)) == NULL)
			goto fail;
		strbuf_add(&b, part, strlen(part));
		if (*part != '\0' && part[strlen(part) - 1] != '\n')
			strbuf_add(&b, "\n", 1);
		free(part);
	}
	return b.s;
fail:
	free(b.s);
	return NULL;
}

/* Read from/name.txt: "Subject: ..." (or the bare subject), then the body. */
static int
template_read(const char *from, const char *dir, const char *override,
    const char *name, struct template *t, char *err, size_t errlen)
{
	char	*path, *text, *nl, *subject, *body;
	size_t	 len;
	int	 body_line;

	xasprintf(&path, "%s/%s.txt", from, name);
	if ((text = file_read(path, TEMPLATE_MAX_SIZE + 1, &len)) == NULL) {
		errfmt(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (len > TEMPLATE_MAX_SIZE) {
		errfmt(err, errlen, "%s: larger than %d bytes", path,
		    TEMPLATE_MAX_SIZE);
		goto fail;
	}
	if ((nl = strchr(text, '\n')) == NULL) {
		errfmt(err, errlen, "%s: needs a subject line and a body", path);
		goto fail;
	}
	*nl = '\0';
	subject = text;
	if (strncasecmp(subject, "Subject:", 8) == 0)
		subject += 8;
	while (*subject == ' ')
		subject++;
	body = nl + 1;
	while (*body == '\n')
		body++;
	if (*subject == '\0') {
		errfmt(err, errlen, "%s:1: the subject line is empty", path);
		goto fail;
	}
	if (strstr(subject, "{{>") != NULL) {
		errfmt(err, errlen, "%s:1: a partial cannot be in the subject",
		    path);
		goto fail;
	}
	body_line = template_line_of(text, body);
	if (template_check_text(path, 1, subject, err, errlen) == -1 ||
	    template_check_text(path, body_line, body, err, errlen) == -1 ||
	    (body = template_partials(path, body_line, body, dir, override, err,
	    errlen)) == NULL)
		goto fail;
	/* Again with the partials in: a partial adds to the nesting. */
	if (template_check_text(path, body_line, body, err, errlen) == -1) {
		free(body);
		goto fail;
	}
	template_standalone(body);
	t->name = xstrdup(name);
	t->subject = xstrdup(subject);
	t->body = body;
	t->path = path;
	free(text);
	return 0;
fail:
	free(text);
	free(path);
	return -1;
}

static void
template_free_set(struct template *set, size_t n)
{
	while (n-- > 0) {
		free(set[n].name);
		free(set[n].subject);
		free(set[n].body);
		free(set[n].path);
	}
	free(set);
}

void
template_free_all(void)
{
	template_free_set(templates, ntemplates);
	templates = NULL;
	ntemplates = 0;
}

static int
template_file_exists(const char *dir, const char *name)
{
	char	*path;
	FILE	*f;

	xasprintf(&path, "%s/%s.txt", dir, name);
	f = fopen(path, "r");
	free(path);
	if (f != NULL)
		fclose(f);
	return f != NULL;
}

/*
 * Load every required template, each from the override directory if it has
 * one there, else from the shipped directory. All or nothing: on any error
 * the templates already loaded stay in use.
 */
int
template_load_all(const char *dir, const char *override, char *err,
    size_t errlen)
{
	struct template	*set;
	size_t		 n = 0, i;
	const char	*from;

	for (i = 0; template_required[i] != NULL; i++)
		;
	set = xcalloc(i, sizeof *set);
	for (i = 0; template_required[i] != NULL; i++) {
		from = override != NULL && template_file_exists(override,
		    template_required[i]) ? override : dir;
		if (template_read(from, dir, override, template_required[i],
		    &set[n], err, errlen) == -1) {
			template_free_set(set, n);
			return -1;
		}
		n++;
	}
	template_free_all();
	templates = set;
	ntemplates = n;
	return 0;
}

static const struct template *
template_find(const char *name)
{
	size_t	i;

	for (i = 0; i < ntemplates; i++)
		if (strcmp(templates[i].name, name) == 0)
			return &templates[i];
	return NULL;
}

int
template_exists(const char *name)
{
	return template_find(name) != NULL;
}

json_t *
template_list(void)
{
	json_t	*list = json_array();
	size_t	 i;

	for (i = 0; i < ntemplates; i++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "name",
		    templates[i].name, "subject", templates[i].subject, "path",
		    templates[i].path));
	return list;
}

/* A value from the innermost scope that has it. */
static json_t *
template_lookup(json_t **scopes, int nscopes, const char *name, size_t len)
{
	json_t	*v;
	char	 key[64];

	if (len == 1 && name[0] == '.')
		return scopes[nscopes - 1];
	snprintf(key, sizeof key, "%.*s", (int)len, name);
	while (nscopes-- > 0)
		if (json_is_object(scopes[nscopes]) &&
		    (v = json_object_get(scopes[nscopes], key)) != NULL)
			return v;
	return NULL;
}

static void
template_put_value(struct strbuf *b, json_t *v)
{
	char	num[32];

	if (json_is_string(v))
		strbuf_add(b, json_string_value(v), json_string_length(v));
	else if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		strbuf_add(b, num, strlen(num));
	}
}

static int
template_truthy(json_t *v)
{
	if (v == NULL || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	return 1;
}

/* Where the matching {{/name}} of a section starting at p begins. */
static const char *
template_section_end(const char *p, const char *name, size_t len,
    const char **after)
{
	int		 depth = 1;
	const char	*open;

	while ((open = strstr(p, "{{")) != NULL) {
		const char *close = strstr(open, "}}");
		if (close == NULL)
			return NULL;
		const char *n = open + 3;
		if ((open[2] == '#' || open[2] == '^') &&
		    (size_t)(close - n) == len && strncmp(n, name, len) == 0)
			depth++;
		else if (open[2] == '/' && (size_t)(close - n) == len &&
		    strncmp(n, name, len) == 0 && --depth == 0) {
			*after = close + 2;
			return open;
		}
		p = close + 2;
	}
	return NULL;
}

static void
template_expand(struct strbuf *b, const char *p, const char *end,
    json_t **scopes, int nscopes)
{
	const char	*open, *close, *name, *inner_end, *after;
	size_t		 len, i;
	json_t		*v, *item;
	char		 kind;

	while (p < end && (open = strstr(p, "{{")) != NULL && open < end) {
		strbuf_add(b, p, (size_t)(open - p));
		close = strstr(open, "}}");	/* checked at load time */
		name = open + 2;
		kind = *name;
		if (kind == '#' || kind == '^')
			name++;
		len = (size_t)(close - name);
		v = template_lookup(scopes, nscopes, name, len);
		if (kind != '#' && kind != '^') {
			template_put_value(b, v);
			p = close + 2;
			continue;
		}
		inner_end = template_section_end(close + 2, name, len, &after);
		if (inner_end == NULL)
			return;
		if (kind == '^') {
			if (!template_truthy(v))
				template_expand(b, close + 2, inner_end, scopes,
				    nscopes);
		} else if (json_is_array(v) && nscopes < TEMPLATE_MAX_DEPTH + 1) {
			json_array_foreach(v, i, item) {
				scopes[nscopes] = item;
				template_expand(b, close + 2, inner_end, scopes,
				    nscopes + 1);
			}
		} else if (template_truthy(v))
			template_expand(b, close + 2, inner_end, scopes, nscopes);
		p = after;
	}
	if (p < end)
		strbuf_add(b, p, (size_t)(end - p));
}

/* Render a template with vars; subject and body are malloc'd UTF-8. */
int
template_render(const char *name, json_t *vars, char **subject, char **body,
    char *err, size_t errlen)
{
	const struct template	*t;
	json_t			*scopes[TEMPLATE_MAX_DEPTH + 2];
	struct strbuf		 b = { NULL, 0, 0 };

	if ((t = template_find(name)) == NULL) {
		errfmt(err, errlen, "no template called %s", name);
		return -1;
	}
	scopes[0] = vars;
	strbuf_add(&b, "", 0);
	template_expand(&b, t->subject, t->subject + strlen(t->subject),
	    scopes, 1);
	*subject = b.s;
	b.s = NULL;
	b.len = b.cap = 0;
	strbuf_add(&b, "", 0);
	template_expand(&b, t->body, t->body + strlen(t->body), scopes, 1);
	*body = b.s;
	return 0;
}

/* Made-up values for previews, so every template can be seen filled in. */
static const char template_sample[] = "{"
    "\"reference\": \"FG-2026-0042\", \"round_code\": \"FG-2026-R4\","
    "\"organisation\": \"Riverside Allotment Group\","
    "\"contact_name\": \"Jo Bloggs\", \"email\": \"jo@example.org\","
    "\"project_title\": \"Growing Together\","
    "\"summary\": \"Weekly gardening sessions for isolated older neighbours.\","
    "\"amount\": \"£450.00\", \"amount_requested\": \"£450.00\","
    "\"grant_total\": \"£450.00\", \"received\": \"23 Nov 2026 10:15\","
    "\"fund_name\": \"Fast Grants\", \"fund_email\": \"grants@example.org\","
    "\"round_title\": \"Winter 2026\", \"closes\": \"31 Jan 2027 23:59\","
    "\"opens\": \"1 Dec 2026 00:00\", \"max_award\": \"£500.00\","
    "\"officer_name\": \"Priya Shah\", \"officer_email\": \"priya@example.org\","
    "\"decision_date\": \"28 Feb 2027\","
    "\"problems\": [\"Postcode is missing\", \"Amount requested is missing\"],"
    "\"form_read\": true,"
    "\"understood\": [{\"label\": \"Organisation\", \"value\": \"Riverside Allotment Group\"},"
    "  {\"label\": \"Project\", \"value\": \"Growing Together\"},"
    "  {\"label\": \"Priorities\", \"value\": \"Supporting the community to be fit and healthy; Encouraging community participation\"},"
    "  {\"label\": \"Amount requested\", \"value\": \"£450.00\"}],"
    "\"refused_files\": [\"minutes.pdf is 30.0 MB; the limit is 10.0 MB\"],"
    "\"reason\": \"Individuals cannot apply; a group or organisation must.\","
    "\"reasons\": [\"This round funds groups in postcode districts OL1 to "
    "OL16; your postcode M1 1AA is outside them.\", \"This round is open "
    "only to registered charities and CIOs; your organisation is a "
    "company.\"],"
    "\"who_can_apply\": [\"Registered charities, CIOs, CICs, companies and "
    "unincorporated community groups.\", \"Groups in postcode districts OL1 "
    "to OL16 and M35.\", \"Requests of up to £500.00.\", \"One "
    "application from each organisation in this round.\"],"
    "\"scoring\": true, \"criteria_published\": true, \"scale_max\": \"4\","
    "\"scale\": [{\"score\": \"0\", \"label\": \"Not met\"},"
    "  {\"score\": \"1\", \"label\": \"Poorly met\"},"
    "  {\"score\": \"2\", \"label\": \"Partly met\"},"
    "  {\"score\": \"3\", \"label\": \"Well met\"},"
    "  {\"score\": \"4\", \"label\": \"Fully met\"}],"
    "\"next_round_title\": \"Spring 2027\", \"next_round_opens\": \"1 Mar 2027\","
    "\"criteria\": [{\"number\": 1, \"criterion\": \"Meets a local need\", \"weight\": 40,"
    "  \"score\": \"3.50 out of 4\", \"feedback\": \"Clear evidence of need.\"}],"
    "\"total_score\": \"78 of 100\", \"accept_by\": \"14 Mar 2027\","
    "\"scored\": true, \"commented\": true, \"offer_by\": \"9 December 2026\","
    "\"comments\": [\"A clear plan; say more about who will run it.\"],"
    "\"conditions\": [\"Send photos of the finished garden.\"],"
    "\"tranches\": [{\"number\": 1, \"due\": \"1 Apr 2027\", \"amount\": \"£300.00\","
    "  \"expected\": \"Tuesday 6 April 2027\"},"
    "  {\"number\": 2, \"due\": \"1 Oct 2027\", \"amount\": \"£150.00\","
    "  \"expected\": \"Wednesday 6 October 2027\"}],"
    "\"purpose\": \"Growing Together\", \"reporting_quarterly\": false,"
    "\"scheduled\": true, \"instalments\": true,"
    "\"change\": \"Your grant is now £400.00 (it was £450.00).\","
    "\"paid_on\": \"2 Apr 2027\", \"payment_reference\": \"GRANTD-FG-0042-1\","
    "\"expect_by\": \"6 Apr 2027\", \"to_come\": true,"
    "\"return_title\": \"end-of-project monitoring return\", \"return_due\": \"30 Jun 2027\","
    "\"days_overdue\": \"12 days\", \"days_left\": \"14 days\", \"understood_any\": true,"
    "\"missing\": [\"Volunteers: how many volunteers helped, as a number\"],"
    "\"priorities\": [\"Supporting the community to be fit and healthy\","
    "  \"Developing skills of local people\", \"Changing the area for the better\","
    "  \"Encouraging community participation\"],"
    "\"user_name\": \"priya\", \"things_need\": \"1 thing needs\","
    "\"items\": [{\"text\": \"FG-2026-0042 was assigned to you\"}],"
    "\"text\": \"FG-2026-0042 was assigned to you\","
    "\"note\": \"checking the mail set-up\","
    "\"weighted\": \"2.70\", \"refused\": false,"
    "\"score_address\": \"grants+score-0123456789abcdef0123456789abcdef@example.org\","
    "\"applications\": [{\"reference\": \"FG-2026-0042\","
    "  \"organisation\": \"Riverside Allotment Group\","
    "  \"project_title\": \"Growing Together\", \"amount\": \"£450.00\","
    "  \"summary\": \"Weekly gardening sessions for isolated older neighbours.\","
    "  \"score_address\": \"grants+score-0123456789abcdef0123456789abcdef@example.org\","
    "  \"criteria\": [{\"number\": 1, \"criterion\": \"Meets a local need\", \"weight\": 40}]}]}";

json_t *
template_sample_vars(void)
{
	json_error_t	 jerr;
	json_t		*v;

	if ((v = json_loads(template_sample, 0, &jerr)) == NULL)
		fatalx("template sample: %s", jerr.text);
	return v;
}
