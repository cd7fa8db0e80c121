/*
 * reader-time.c: bench/readers' timer. A reply of LINES lines (labels,
 * prose with numbers, quoted lines: what a long real reply holds) is
 * parsed as mail (mime_parse, the baseline) and read by each reader of
 * replies; the median of RUNS runs of each is printed in milliseconds.
 *   reader-time LINES RUNS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grant.h"
#include "mail/form.h"
#include "mail/mime.h"

#define READERS	4

static double
reader_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
reader_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One run of reader r on message raw: its seconds. */
static double
reader_run(int r, const char *raw, size_t len)
{
	static const struct mime_limits	 lim = { 1 << 24, 1 << 26 };
	struct mime_message		*m;
	char				 err[256];
	json_t				*out = NULL;
	double				 t0;

	if (mime_parse(raw, len, &lim, &m, err, sizeof err) == -1)
		fatalx("mime_parse: %s", err);
	t0 = reader_now();
	switch (r) {
	case 0:
		mime_free(m);
		if (mime_parse(raw, len, &lim, &m, err, sizeof err) == -1)
			fatalx("mime_parse: %s", err);
		break;
	case 1:
		out = form_extract(m->body);
		break;
	case 2:
		out = form_monitor_read(m->body, NULL);
		break;
	default:
		out = form_accept_read(m->body);
		break;
	}
	t0 = reader_now() - t0;
	json_decref(out);
	mime_free(m);
	return t0;
}

int
main(int argc, char **argv)
{
	static const char *const names[READERS] = { "mime_parse",
	    "form_extract", "form_monitor_read", "form_accept_read" };
	static const char head[] = "From: Jo <jo@example.org>\n"
	    "To: grants@example.org\nSubject: Re: our return\n"
	    "Message-ID: <bench@example.org>\n"
	    "Content-Type: text/plain; charset=utf-8\n\n";
	struct strbuf	 b = { NULL, 0, 0 };
	double		*t;
	long		 lines, runs, i, k;
	char		 line[200];
	int		 r, n;

	if (argc != 3 || (lines = atol(argv[1])) <= 0 ||
	    (runs = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: reader-time LINES RUNS\n");
		return 2;
	}
	strbuf_add(&b, head, strlen(head));
	for (i = 0; i < lines; i++) {
		switch (i % 4) {
		case 0:
			n = snprintf(line, sizeof line, "Question %ld: an answer "
			    "of a few words\n", i);
			break;
		case 1:
			n = snprintf(line, sizeof line, "About %ld people came "
			    "and 3 volunteers helped, we spent £%ld.\n", i, i);
			break;
		case 2:
			n = snprintf(line, sizeof line, "> We are pleased to "
			    "offer you a grant, line %ld\n", i);
			break;
		default:
			n = snprintf(line, sizeof line, "Life satisfaction | "
			    "baseline 5 | end 7\n");
			break;
		}
		strbuf_add(&b, line, (size_t)n);
	}
	t = xcalloc((size_t)runs, sizeof *t);
	printf("%ld lines, %zu bytes\n", lines, b.len);
	for (r = 0; r < READERS; r++) {
		for (k = 0; k < runs; k++)
			t[k] = reader_run(r, b.s, b.len);
		qsort(t, (size_t)runs, sizeof *t, reader_cmp);
		printf("%-18s %10.2f ms\n", names[r], t[runs / 2] * 1000);
	}
	free(t);
	free(b.s);
	return 0;
}
