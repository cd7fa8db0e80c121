/*
 * test-form-corpus.c: the form reader measured on a corpus of forms as
 * applicants write them (tests/fixtures/forms, made by generate.py there:
 * labels, orders, separators, answers over several lines, forms quoted in
 * replies). Each NNN.txt has NNN.json, what its applicant meant. Prints
 * field recall and precision, and how many of the other questions were
 * kept as written; anything below all of them fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grant.h"
#include "mail/form.h"
#include "corpus.h"

#ifndef FORMS_DIR
#define FORMS_DIR "tests/fixtures/forms"
#endif
#define CORPUS_MIN	200	/* forms the corpus must hold */

struct tally {
	size_t	forms;
	size_t	expected;	/* field values the applicants gave */
	size_t	extracted;	/* field values the reader found */
	size_t	correct;	/* found, and the same */
	size_t	others;		/* other questions answered */
	size_t	kept;		/* kept as written, in order */
	size_t	extra;		/* kept, but not asked */
};

static void
show(const char *name, const char *what, const char *key, json_t *v)
{
	char	*s = v != NULL ? json_dumps(v, JSON_ENCODE_ANY) : NULL;

	print_message("%s: %s %s %s\n", name, what, key, s != NULL ? s : "");
	free(s);
}

static void
measure_fields(const char *name, json_t *got, json_t *want, struct tally *t)
{
	const char	*key;
	json_t		*v;

	json_object_foreach(want, key, v) {
		t->expected++;
		if (json_equal(json_object_get(got, key), v))
			t->correct++;
		else {
			show(name, "missed", key, v);
			show(name, "   got", key, json_object_get(got, key));
		}
	}
	json_object_foreach(got, key, v) {
		if (strcmp(key, "unrecognised") == 0)
			continue;
		t->extracted++;
		if (json_object_get(want, key) == NULL)
			show(name, "not asked for", key, v);
	}
}

static void
measure_others(const char *name, json_t *got, json_t *want, struct tally *t)
{
	json_t	*v;
	size_t	 i;

	t->others += json_array_size(want);
	json_array_foreach(want, i, v) {
		if (json_equal(json_array_get(got, i), v))
			t->kept++;
		else {
			show(name, "lost", "question", v);
			show(name, "  got", "question", json_array_get(got, i));
		}
	}
	for (i = json_array_size(want); i < json_array_size(got); i++) {
		t->extra++;
		show(name, "kept but not asked", "question", json_array_get(got,
		    i));
	}
}

static void
measure_one(const char *name, struct tally *t)
{
	char		*path, *text;
	size_t		 len;
	json_t		*want, *got;
	json_error_t	 jerr;

	xasprintf(&path, "%s/%s.txt", FORMS_DIR, name);
	if ((text = file_read(path, SIZE_MAX, &len)) == NULL)
		fail_msg("cannot read %s", path);
	free(path);
	xasprintf(&path, "%s/%s.json", FORMS_DIR, name);
	if ((want = json_load_file(path, 0, &jerr)) == NULL)
		fail_msg("%s: %s", path, jerr.text);
	free(path);
	got = form_extract(text);
	measure_fields(name, got, json_object_get(want, "fields"), t);
	measure_others(name, json_object_get(got, "unrecognised"),
	    json_object_get(want, "unrecognised"), t);
	t->forms++;
	json_decref(got);
	json_decref(want);
	free(text);
}

static double
pct(size_t a, size_t b)
{
	return b == 0 ? 100.0 : 100.0 * a / b;
}

static void
test_corpus(void **state)
{
	struct tally	 t;
	char		**names;
	size_t		 n, i;

	memset(&t, 0, sizeof t);
	names = corpus_names(FORMS_DIR, ".txt", &n);
	for (i = 0; i < n; i++) {
		measure_one(names[i], &t);
		free(names[i]);
	}
	free(names);
	print_message("form reader on %zu forms: field recall %.1f%% "
	    "(%zu/%zu), precision %.1f%% (%zu/%zu); other questions kept "
	    "%.1f%% (%zu/%zu), %zu kept that were not asked\n", t.forms,
	    pct(t.correct, t.expected), t.correct, t.expected,
	    pct(t.correct, t.extracted), t.correct, t.extracted,
	    pct(t.kept, t.others), t.kept, t.others, t.extra);
	assert_true(t.forms >= CORPUS_MIN);
	assert_int_equal(t.correct, t.expected);
	assert_int_equal(t.correct, t.extracted);
	assert_int_equal(t.kept, t.others);
	assert_int_equal(t.extra, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
