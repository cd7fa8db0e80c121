/* corpus.c: the cases of a reader's corpus; see corpus.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include <cmocka.h>

#include "grant.h"
#include "corpus.h"

static int
corpus_by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
corpus_names(const char *dir, const char *ext, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	char		**names = NULL;
	size_t		 len, elen = strlen(ext);

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		fail_msg("cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len <= elen || strcmp(e->d_name + len - elen, ext) != 0)
			continue;
		if ((names = realloc(names, (*n + 1) * sizeof *names)) == NULL)
			fail_msg("out of memory");
		xasprintf(&names[(*n)++], "%.*s", (int)(len - elen), e->d_name);
	}
	closedir(d);
	qsort(names, *n, sizeof *names, corpus_by_name);
	return names;
}

/* Case name of dir: its message parsed, and in *want what was meant. */
static struct mime_message *
corpus_case(const char *dir, const char *name, json_t **want)
{
	struct mime_limits	 lim = { 1 << 20, 1 << 22 };
	struct mime_message	*m;
	json_error_t		 jerr;
	char			*path, *raw, err[256];
	size_t			 len;

	xasprintf(&path, "%s/%s.eml", dir, name);
	if ((raw = file_read(path, SIZE_MAX, &len)) == NULL)
		fail_msg("cannot read %s", path);
	if (mime_parse(raw, len, &lim, &m, err, sizeof err) == -1)
		fail_msg("%s: %s", path, err);
	free(raw);
	free(path);
	xasprintf(&path, "%s/%s.json", dir, name);
	if ((*want = json_load_file(path, 0, &jerr)) == NULL)
		fail_msg("%s: %s", path, jerr.text);
	free(path);
	return m;
}

size_t
corpus_each(const char *dir, size_t min, json_t *(*read)(const char *),
    void (*measure)(const char *, json_t *, json_t *, void *), void *arg)
{
	struct mime_message	*m;
	char			**names;
	json_t			*got, *want;
	size_t			 n, i;

	names = corpus_names(dir, ".eml", &n);
	assert_true(n >= min);
	for (i = 0; i < n; i++) {
		m = corpus_case(dir, names[i], &want);
		got = read(m->body);
		measure(names[i], got, want, arg);
		json_decref(got);
		json_decref(want);
		mime_free(m);
		free(names[i]);
	}
	free(names);
	return n;
}
