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

#include <cmocka.h>

#include "grant.h"
#include "mail/form.h"
#include "mail/mime.h"
#include "corpus.h"

#ifndef ACCEPTANCE_DIR
#define ACCEPTANCE_DIR "tests/fixtures/acceptance"
#endif
#define CORPUS_MIN	20	/* replies the corpus must hold */
#define CORPUS_RECALL	90	/* per cent of the values meant, found */

struct tally {
	size_t	expected, correct, wrong;
};

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
measure(const char *name, json_t *got, json_t *want, void *arg)
{
	struct tally	*t = arg;
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
	struct tally	 t = { 0, 0, 0 };
	size_t		 n;

	(void)state;
	n = corpus_each(ACCEPTANCE_DIR, CORPUS_MIN, form_accept_read, measure, &t);
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
		/* past the words a sentence is read for: left to a person */
		"We accept the grant and we are very grateful to the panel "
		"and to everyone who has supported the garden over the years "
		"including the volunteers the council the school the church "
		"the scouts the residents association the allotment society "
		"and the many neighbours who have given their time and their "
		"seeds and their tools and the local shop and the library and "
		"the café, but we do not accept the condition.\n",
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
