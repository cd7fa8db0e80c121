/*
 * csv.c: a spreadsheet saved as CSV (RFC 4180 as spreadsheets write it):
 * fields separated by commas, a field in double quotes may hold commas,
 * line breaks and doubled quotes, and lines end in LF or CRLF. Each record
 * keeps the line it starts on, so an error can name the line a person
 * sees in their editor.
 */
#include <stdlib.h>
#include <string.h>

#include "grant.h"

static void
csv_field_end(struct csv_record *r, struct strbuf *f)
{
	strbuf_add(f, "", 0);
	r->fields = reallocarray(r->fields, r->nfields + 1, sizeof *r->fields);
	if (r->fields == NULL)
		fatal("reallocarray");
	r->fields[r->nfields++] = f->s;
	f->s = NULL;
	f->len = f->cap = 0;
}

static struct csv_record *
csv_record_new(struct csv_record **recs, size_t *n, size_t line)
{
	struct csv_record	*r;

	*recs = reallocarray(*recs, *n + 1, sizeof **recs);
	if (*recs == NULL)
		fatal("reallocarray");
	r = &(*recs)[(*n)++];
	memset(r, 0, sizeof *r);
	r->line = line;
	return r;
}

/*
 * Split text into records. Blank lines are skipped. Returns 0, or -1 with
 * err naming the line of a quote that is never closed or is followed by
 * something other than a comma or the line's end.
 */
int
csv_parse(const char *text, size_t len, struct csv_record **recs,
    size_t *nrecs, char *err, size_t errlen)
{
	struct csv_record	*r = NULL;
	struct strbuf		 f = { NULL, 0, 0 };
	size_t			 i = 0, line = 1, start;
	int			 quoted;

	*recs = NULL;
	*nrecs = 0;
	while (i < len) {
		if (r == NULL) {
			if (text[i] == '\n' || (text[i] == '\r' && i + 1 < len &&
			    text[i + 1] == '\n')) {
				i += text[i] == '\r' ? 2 : 1;
				line++;
				continue;
			}
			r = csv_record_new(recs, nrecs, line);
		}
		/* One field. */
		strbuf_add(&f, "", 0);
		quoted = text[i] == '"';
		if (quoted) {
			start = line;
			for (i++; ; i++) {
				if (i >= len) {
					free(f.s);
					errfmt(err, errlen, "line %zu: a quoted "
					    "field is never closed", start);
					csv_free(*recs, *nrecs);
					*recs = NULL;
					*nrecs = 0;
					return -1;
				}
				if (text[i] == '"' && i + 1 < len &&
				    text[i + 1] == '"') {
					strbuf_add(&f, "\"", 1);
					i++;
				} else if (text[i] == '"') {
					i++;
					break;
				} else {
					if (text[i] == '\n')
						line++;
					strbuf_add(&f, &text[i], 1);
				}
			}
			if (i < len && text[i] != ',' && text[i] != '\n' &&
			    !(text[i] == '\r' && i + 1 < len && text[i + 1] ==
			    '\n') && !(text[i] == '\r' && i + 1 == len)) {
				free(f.s);
				errfmt(err, errlen, "line %zu: something follows "
				    "a quoted field's closing quote (a quote "
				    "inside a field is written twice: \"\")",
				    line);
				csv_free(*recs, *nrecs);
				*recs = NULL;
				*nrecs = 0;
				return -1;
			}
		} else
			for (; i < len && text[i] != ',' && text[i] != '\n' &&
			    !(text[i] == '\r' && (i + 1 == len ||
			    text[i + 1] == '\n')); i++)
				strbuf_add(&f, &text[i], 1);
		csv_field_end(r, &f);
		if (i < len && text[i] == ',') {
			i++;
			if (i == len)	/* a trailing comma: one empty field */
				csv_field_end(r, &f);
			continue;
		}
		if (i < len && text[i] == '\r')
			i++;
		if (i < len && text[i] == '\n') {
			i++;
			line++;
		}
		r = NULL;
	}
	return 0;
}

void
csv_free(struct csv_record *recs, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < recs[i].nfields; j++)
			free(recs[i].fields[j]);
		free(recs[i].fields);
	}
	free(recs);
}
