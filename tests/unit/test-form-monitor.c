/*
 * test-form-monitor.c: the monitoring return reader measured on a corpus
 * of replies as groups write them (tests/fixtures/monitoring: the form
 * filled in, labels of their own, Outlook and quoted replies, HTML only,
 * Latin-1, base64, prose with no labels, wellbeing as counts and as
 * tables). Each NN-name.eml has NN-name.json, what its writer meant.
 * Field recall is printed and must stay above CORPUS_RECALL; a number
 * read wrongly (not just missed) fails at once.
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

#ifndef MONITORING_DIR
#define MONITORING_DIR "tests/fixtures/monitoring"
#endif
#define CORPUS_MIN	15	/* replies the corpus must hold */
#define CORPUS_RECALL	90	/* per cent of the values meant, found */

struct tally {
	size_t	expected, correct, wrong;
};

static int
has_count(json_t *got, json_t *want)
{
	json_t	*w;
	size_t	 i;

	json_array_foreach(json_object_get(got, "wellbeing"), i, w)
		if (strcmp(json_string_value(json_object_get(w, "stage")),
		    json_string_value(json_array_get(want, 0))) == 0 &&
		    strcmp(json_string_value(json_object_get(w, "question")),
		    json_string_value(json_array_get(want, 1))) == 0 &&
		    json_integer_value(json_object_get(w, "score")) ==
		    json_integer_value(json_array_get(want, 2)) &&
		    json_integer_value(json_object_get(w, "people")) ==
		    json_integer_value(json_array_get(want, 3)))
			return 1;
	return 0;
}

static void
measure(const char *name, json_t *got, json_t *want, void *arg)
{
	struct tally	*t = arg;
	const char	*key;
	json_t		*v, *g, *w;
	size_t		 i;

	json_object_foreach(want, key, v) {
		if (strcmp(key, "wellbeing") == 0) {
			json_array_foreach(v, i, w) {
				t->expected++;
				if (has_count(got, w))
					t->correct++;
				else
					print_message("%s: missed wellbeing "
					    "%s %s %lld×%lld\n", name,
					    json_string_value(json_array_get(w,
					    0)), json_string_value(
					    json_array_get(w, 1)), (long long)
					    json_integer_value(json_array_get(w,
					    2)), (long long)json_integer_value(
					    json_array_get(w, 3)));
			}
			continue;
		}
		t->expected++;
		g = json_object_get(got, key);
		if (json_is_integer(v)) {
			if (json_is_integer(g) && json_integer_value(g) ==
			    json_integer_value(v)) {
				t->correct++;
				continue;
			}
			if (g != NULL) {
				t->wrong++;
				print_message("%s: %s read WRONGLY as %lld\n",
				    name, key, (long long)json_integer_value(g));
			} else
				print_message("%s: missed %s\n", name, key);
			continue;
		}
		if (json_is_string(g) && strcasestr(json_string_value(g),
		    json_string_value(v)) != NULL)
			t->correct++;
		else
			print_message("%s: missed %s (\"%s\")\n", name, key,
			    json_string_value(v));
	}
	/* A number the writer did not give must not be made up. */
	json_object_foreach(got, key, g)
		if (json_is_integer(g) && json_object_get(want, key) == NULL) {
			t->wrong++;
			print_message("%s: %s read as %lld, never given\n", name,
			    key, (long long)json_integer_value(g));
		}
}

/* The reader as intake calls it for a return that names no stage. */
static json_t *
read_return(const char *body)
{
	return form_monitor_read(body, NULL);
}

static void
test_corpus(void **state)
{
	struct tally	 t = { 0, 0, 0 };
	size_t		 n;

	(void)state;
	n = corpus_each(MONITORING_DIR, CORPUS_MIN, read_return, measure, &t);
	print_message("monitoring returns: %zu replies, %zu of %zu values "
	    "found (recall %zu%%), %zu read wrongly\n", n, t.correct,
	    t.expected, t.correct * 100 / t.expected, t.wrong);
	assert_int_equal(t.wrong, 0);
	assert_true(t.correct * 100 >= CORPUS_RECALL * t.expected);
}

/* A part return is told exactly what it lacks, in the form's order. */
static void
test_missing(void **state)
{
	json_t	*f, *miss;

	(void)state;
	f = form_monitor_read("Spend to date: £250\nPeople reached: 14\n", NULL);
	miss = form_monitor_missing(f, "end");
	assert_int_equal(json_array_size(miss), 5);
	assert_non_null(strstr(json_string_value(json_array_get(miss, 0)),
	    "Volunteers"));
	assert_non_null(strstr(json_string_value(json_array_get(miss, 4)),
	    "at the end"));
	json_decref(miss);
	miss = form_monitor_missing(f, "quarterly");
	assert_int_equal(json_array_size(miss), 3);
	json_decref(miss);
	/* A follow-up owes nothing: not asking again is an answer too. */
	miss = form_monitor_missing(f, "followup");
	assert_int_equal(json_array_size(miss), 0);
	json_decref(miss);
	json_decref(f);
}

/* What a later reply adds fills the gaps and keeps what came before. */
static void
test_merge(void **state)
{
	json_t	*a, *b, *m, *miss;

	(void)state;
	a = form_monitor_read("Spend to date: £250\nPeople reached: 14\n", NULL);
	b = form_monitor_read("Volunteers: 3\nActivities delivered: walks\n"
	    "A short story: Ken.\n", NULL);
	m = form_monitor_merge(a, b);
	assert_int_equal(json_integer_value(json_object_get(m, "spend_pence")),
	    25000);
	assert_int_equal(json_integer_value(json_object_get(m, "volunteers")),
	    3);
	miss = form_monitor_missing(m, "quarterly");
	assert_int_equal(json_array_size(miss), 0);
	json_decref(miss);
	json_decref(a);
	json_decref(b);
	json_decref(m);
}

/* Words around numbers, and numbers that are not the answer. */
static void
test_numbers(void **state)
{
	json_t	*f;

	(void)state;
	f = form_monitor_read("People reached: about 40 people\n"
	    "Volunteers: twenty-one\nSpend to date: £ 1,020.5\n", NULL);
	assert_int_equal(json_integer_value(json_object_get(f, "people")), 40);
	assert_int_equal(json_integer_value(json_object_get(f, "volunteers")),
	    21);
	assert_int_equal(json_integer_value(json_object_get(f, "spend_pence")),
	    102050);
	json_decref(f);
	/* A score above 10 is no wellbeing score. */
	f = form_monitor_read("Baseline life satisfaction: 3 people scored "
	    "12\n", NULL);
	assert_null(json_object_get(f, "wellbeing"));
	json_decref(f);
}

/* Scores with no stage named: none, unless the return says which. */
static void
test_stage_given(void **state)
{
	json_t	*f, *w;

	(void)state;
	f = form_monitor_read("Life satisfaction: 3 people scored 8\n", NULL);
	assert_null(json_object_get(f, "wellbeing"));
	json_decref(f);
	f = form_monitor_read("Life satisfaction: 3 people scored 8\n"
	    "Baseline happiness: 2 people scored 5\n", "follow-up");
	assert_int_equal(json_array_size(json_object_get(f, "wellbeing")), 2);
	w = json_array_get(json_object_get(f, "wellbeing"), 0);
	assert_string_equal(json_string_value(json_object_get(w, "stage")),
	    "baseline");
	w = json_array_get(json_object_get(f, "wellbeing"), 1);
	assert_string_equal(json_string_value(json_object_get(w, "stage")),
	    "followup");
	assert_int_equal(json_integer_value(json_object_get(w, "people")), 3);
	json_decref(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_stage_given),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
