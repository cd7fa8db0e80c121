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

struct mime_message *
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
