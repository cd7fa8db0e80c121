/*
 * output.c: plain tables for people, JSON for scripts. Every string that
 * reaches a terminal passes through here and is escaped (check.c): an
 * applicant's text may hold ESC sequences that would retitle, clear or
 * rewrite the officer's screen.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

#define TABLE_MAX_COLS 12

/* Escaped copies live until exit: grantctl runs one command and ends. */
static struct {
	char	**s;
	size_t	  n;
}		out_kept;

struct table {
	int	  ncols;
	int	  nrows;
	char	**cells;	/* (nrows + 1) * ncols, row 0 the headers */
};

/* Characters on screen, not bytes: "£" is two bytes, one column. */
static int
text_width(const char *s)
{
	int	w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

struct table *
table_new(int ncols, ...)
{
	struct table	*t = xcalloc(1, sizeof *t);
	va_list		 ap;
	int		 i;

	if (ncols > TABLE_MAX_COLS)
		fatalx("table_new: too many columns");
	t->ncols = ncols;
	t->cells = xcalloc((size_t)ncols, sizeof *t->cells);
	va_start(ap, ncols);
	for (i = 0; i < ncols; i++)
		t->cells[i] = check_text_escape(va_arg(ap, const char *), 0);
	va_end(ap);
	return t;
}

void
table_add(struct table *t, ...)
{
	va_list		 ap;
	const char	*s;
	int		 i, base;

	t->nrows++;
	t->cells = realloc(t->cells, (size_t)(t->nrows + 1) * t->ncols *
	    sizeof *t->cells);
	if (t->cells == NULL)
		fatal("realloc");
	base = t->nrows * t->ncols;
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		s = va_arg(ap, const char *);
		t->cells[base + i] = check_text_escape(s, 0);
	}
	va_end(ap);
}

/* Print and free. Columns are padded; the last is not. */
void
table_print(struct table *t)
{
	int	widths[TABLE_MAX_COLS] = { 0 }, r, c, w;

	for (r = 0; r <= t->nrows; r++)
		for (c = 0; c < t->ncols; c++)
			if ((w = text_width(t->cells[r * t->ncols + c])) >
			    widths[c])
				widths[c] = w;
	for (r = 0; r <= t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			if (c == t->ncols - 1)
				printf("%s\n", s);
			else
				printf("%s%*s  ", s, widths[c] - text_width(s),
				    "");
		}
	}
	for (r = 0; r < (t->nrows + 1) * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
	free(t);
}

void
output_json(json_t *j)
{
	char	*text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	printf("%s\n", text);
	free(text);
}

static void
out_free_kept(void)
{
	size_t	i;

	for (i = 0; i < out_kept.n; i++)
		free(out_kept.s[i]);
	free(out_kept.s);
}

/*
 * s made safe for a terminal: control characters shown as \e, \x0d and
 * the like; multiline keeps newlines and tabs (a CR before a newline goes,
 * as mail has it on every line). The copy lasts until grantctl exits.
 */
const char *
out_escape(const char *s, int multiline)
{
	struct strbuf	 b = { NULL, 0, 0 };
	const char	*p, *crlf;
	char		*e;

	if (multiline && s != NULL && strstr(s, "\r\n") != NULL) {
		strbuf_add(&b, "", 0);
		for (p = s; (crlf = strstr(p, "\r\n")) != NULL; p = crlf + 1)
			strbuf_add(&b, p, (size_t)(crlf - p));
		strbuf_add(&b, p, strlen(p));
	}
	e = check_text_escape(b.s != NULL ? b.s : s, multiline);
	free(b.s);
	if (out_kept.n == 0 && atexit(out_free_kept) != 0)
		fatalx("atexit failed");
	out_kept.s = realloc(out_kept.s, (out_kept.n + 1) * sizeof *out_kept.s);
	if (out_kept.s == NULL)
		fatal("realloc");
	return out_kept.s[out_kept.n++] = e;
}

/* Text over several lines (a raw message, a letter), escaped. */
const char *
out_text(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? out_escape(json_string_value(v), 1) : "";
}

/* A field as one line of text; numbers as digits, null as "". */
const char *
out_str(json_t *o, const char *key)
{
	static char	 bufs[4][32];
	static int	 n;
	json_t		*v = json_object_get(o, key);

	if (json_is_string(v))
		return out_escape(json_string_value(v), 0);
	if (json_is_integer(v)) {
		n = (n + 1) % 4;
		snprintf(bufs[n], sizeof bufs[n], "%lld",
		    (long long)json_integer_value(v));
		return bufs[n];
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	return "";
}

const char *
out_money(json_t *o, const char *key, char *buf, size_t len)
{
	json_t	*v = json_object_get(o, key);

	if (!json_is_integer(v))
		return "-";
	return money_format(json_integer_value(v), buf, len);
}

const char *
out_date(json_t *o, const char *key, char *buf, size_t len)
{
	time_t	t;

	if (date_parse_utc(out_str(o, key), &t) == -1)
		return "-";
	return date_format_local(t, buf, len);
}

void
out_field(const char *label, const char *value)
{
	printf("%-14s %s\n", label, out_escape(value, 0));
}

/* For commands whose reply needs no table: JSON if asked, else nothing. */
int
output_result(json_t *reply)
{
	if (reply == NULL)
		return CMD_FAILED;
	if (cmd_json)
		output_json(reply);
	json_decref(reply);
	return CMD_OK;
}
