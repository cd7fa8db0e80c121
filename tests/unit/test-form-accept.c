/*
 * test-form-accept.c: the offer reply reader measured on a corpus of
 * replies as grantees write them (tests/fixtures/acceptance: the words
 * the offer asks for, prose, Outlook, HTML tables, Latin-1, base64 from a
 * phone, signatures, and replies that ask, doubt, defer, decline or ask
 * to change bank details). Each NN-name.eml has NN-name.json, what its
 * writer meant. An acceptance read where none was meant, a bank change
 * read where none was asked, or a value read wrongly fails at once; what
 * is missed lowers the recall, which must stay above CORPUS_RECALL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include <cmocka.h>

#include "grant.h"
#include "mail/form.h"
#include "mail/mime.h"

#ifndef ACCEPTANCE_DIR
#define ACCEPTANCE_DIR "tests/fixtures/acceptance"
#endif
#define CORPUS_MIN	20	/* replies the corpus must hold */
#define CORPUS_RECALL	90	/* per cent of the values meant, found */

struct tally {
	size_t	expected, correct, wrong;
};

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*s;
	long	 n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = xmalloc((size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n)
		fail_msg("cannot read %s", path);
	s[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return s;
}

/* A yes/no the writer meant: saying yes where they did not is wrong. */
static void
measure_flag(const char *name, const char *key, json_t *got, json_t *want,
    struct tally *t)
{
	int	g = json_is_true(json_object_get(got, key));
	int	w = json_is_true(json_object_get(want, key));

	if (w)
		t->expected++;
	if (g && !w) {
		t->wrong++;
		print_message("%s: %s read where the writer meant none\n",
		    name, key);
	} else if (w && g)
		t->correct++;
	else if (w)
		print_message("%s: missed %s\n", name, key);
}

static void
measure(const char *name, json_t *got, json_t *want, struct tally *t)
{
	const char	*key, *g;
	json_t		*v;

	measure_flag(name, "accepted", got, want, t);
	measure_flag(name, "bank_change", got, want, t);
	json_object_foreach(want, key, v) {
		if (!json_is_string(v))
			continue;
		t->expected++;
		g = json_string_value(json_object_get(got, key));
		if (g != NULL && strcmp(key, "by") == 0 ?
		    strcasestr(g, json_string_value(v)) != NULL :
		    g != NULL && strcmp(g, json_string_value(v)) == 0)
			t->correct++;
		else if (g != NULL) {
			t->wrong++;
			print_message("%s: %s read WRONGLY as \"%s\"\n", name,
			    key, g);
		} else
			print_message("%s: missed %s (\"%s\")\n", name, key,
			    json_string_value(v));
	}
	/* A bank detail the writer did not give must not be made up. */
	json_object_foreach(got, key, v)
		if (json_is_string(v) && json_object_get(want, key) == NULL) {
			t->wrong++;
			print_message("%s: %s read as \"%s\", never given\n",
			    name, key, json_string_value(v));
		}
}

static void
test_corpus(void **state)
{
	struct mime_limits	 lim = { 1 << 20, 1 << 22 };
	struct mime_message	*m;
	struct tally		 t = { 0, 0, 0 };
	DIR			*d;
	struct dirent		*e;
	char			**names = NULL, *raw, *path, err[256];
	json_t			*got, *want;
	size_t			 n = 0, i, len;

	(void)state;
	if ((d = opendir(ACCEPTANCE_DIR)) == NULL)
		fail_msg("cannot open %s", ACCEPTANCE_DIR);
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".eml") == 0) {
			names = realloc(names, (n + 1) * sizeof *names);
			xasprintf(&names[n++], "%.*s", (int)(len - 4),
			    e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	assert_true(n >= CORPUS_MIN);
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s.eml", ACCEPTANCE_DIR, names[i]);
		raw = slurp(path, &len);
		free(path);
		if (mime_parse(raw, len, &lim, &m, err, sizeof err) == -1)
			fail_msg("%s: %s", names[i], err);
		got = form_accept_read(m->body);
		xasprintf(&path, "%s/%s.json", ACCEPTANCE_DIR, names[i]);
		if ((want = json_load_file(path, 0, NULL)) == NULL)
			fail_msg("%s: no expectations", names[i]);
		measure(names[i], got, want, &t);
		json_decref(got);
		json_decref(want);
		mime_free(m);
		free(path);
		free(raw);
		free(names[i]);
	}
	free(names);
	print_message("offer replies: %zu replies, %zu of %zu values found "
	    "(recall %zu%%), %zu read wrongly\n", n, t.correct, t.expected,
	    t.correct * 100 / t.expected, t.wrong);
	assert_int_equal(t.wrong, 0);
	assert_true(t.correct * 100 >= CORPUS_RECALL * t.expected);
}

/* Sentences that come near accepting and do not. */
static void
test_not_accepting(void **state)
{
	static const char *const replies[] = {
		"Can we accept only part of the grant?\n",
		"We would accept if the conditions were changed.\n",
		"We don't accept the condition about the report.\n",
		"Please tell me how I accept the offer.\n",
		"The committee has not yet accepted the offer.\n",
		"We are unable to accept at this time.\n",
		"We do not wish to accept.\n",
		"To accept, the offer says to write \"I accept\".\n",
		"I accept\n",	/* ...and the one that does */
	};
	json_t	*r;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof replies / sizeof replies[0]; i++) {
		r = form_accept_read(replies[i]);
		if (json_is_true(json_object_get(r, "accepted")) !=
		    (i == sizeof replies / sizeof replies[0] - 1))
			fail_msg("read wrongly: %s", replies[i]);
		json_decref(r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_not_accepting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
