/* output.c: plain tables for people, JSON for scripts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

#define TABLE_MAX_COLS 12

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
		t->cells[i] = xstrdup(va_arg(ap, const char *));
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
		t->cells[base + i] = xstrdup(s != NULL ? s : "");
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

/* A field as text; numbers as digits, null as "". */
const char *
out_str(json_t *o, const char *key)
{
	static char	 bufs[4][32];
	static int	 n;
	json_t		*v = json_object_get(o, key);

	if (json_is_string(v))
		return json_string_value(v);
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
	printf("%-14s %s\n", label, value);
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
