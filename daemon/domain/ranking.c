/*
 * ranking.c: a round's scored applications in order, for the panel. The
 * arithmetic is exact (lib/score.c): an assessor's weighted score is the
 * sum of score x weight in hundredths of a point; only the mean across
 * assessors is rounded, once. Ties go to the higher mean on the first
 * criterion, then to the application received first. The recommendation
 * funds in that order while the money lasts, so a lower-ranked
 * application never overtakes a higher-ranked one that does not fit,
 * except to give each priority the minimum the round asks for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"

#define RANK_MAX_CRITERIA	20	/* round.c's ROUND_MAX_LIST */

struct rank_criteria {
	int	 n;
	int	 position[RANK_MAX_CRITERIA];
	int	 weight[RANK_MAX_CRITERIA];
};

/* One assessor's scores on one application, as they are read. */
struct rank_sheet {
	int	 score[RANK_MAX_CRITERIA];
	int	 have[RANK_MAX_CRITERIA];
	int	 n;			/* criteria scored */
};

/* Per application, over the assessors who scored every criterion. */
struct rank_acc {
	int	 lo[RANK_MAX_CRITERIA], hi[RANK_MAX_CRITERIA];
	int64_t	 first_sum;
};

static int
rank_criteria_read(long long round_id, struct rank_criteria *c)
{
	json_t	*rows, *v;
	size_t	 i;

	if ((rows = db_query("SELECT position, weight FROM round_criteria "
	    "WHERE round_id = ? ORDER BY position", "i", (int64_t)round_id))
	    == NULL)
		return -1;
	c->n = 0;
	json_array_foreach(rows, i, v) {
		if (c->n == RANK_MAX_CRITERIA)
			break;
		c->position[c->n] = (int)json_integer_value(json_object_get(v,
		    "position"));
		c->weight[c->n++] = (int)json_integer_value(json_object_get(v,
		    "weight"));
	}
	json_decref(rows);
	return 0;
}

static int
rank_index(const struct rank_criteria *c, int position)
{
	int	i;

	for (i = 0; i < c->n; i++)
		if (c->position[i] == position)
			return i;
	return -1;
}

/* A finished sheet counts only when every criterion has a score. */
static void
rank_sheet_done(struct rank_entry *e, struct rank_acc *acc,
    const struct rank_criteria *c, struct rank_sheet *s)
{
	int	i;

	if (s->n == c->n) {
		e->total += score_weighted(s->score, c->weight, (size_t)c->n);
		for (i = 0; i < c->n; i++) {
			if (e->assessors == 0 || s->score[i] < acc->lo[i])
				acc->lo[i] = s->score[i];
			if (e->assessors == 0 || s->score[i] > acc->hi[i])
				acc->hi[i] = s->score[i];
		}
		if (c->n > 0)
			acc->first_sum += s->score[0];
		e->assessors++;
	}
	memset(s, 0, sizeof *s);
}

static void
rank_finish(struct rank_entry *e, struct rank_acc *acc,
    const struct rank_criteria *c, int spread)
{
	int	i;

	e->mean = score_mean(e->total, e->assessors);
	e->first_mean = score_mean(acc->first_sum * 100, e->assessors);
	for (i = 0; i < c->n && e->assessors > 1; i++)
		if (acc->hi[i] - acc->lo[i] > spread)
			e->moderate = 1;
}

/*
 * Scores arrive ordered by application, assessor and criterion, and the
 * list is in application id order: one pass, one sheet at a time.
 */
static int
rank_scores(long long round_id, struct rank_list *l,
    const struct rank_criteria *c, int spread)
{
	json_t			*rows, *v;
	struct rank_sheet	 sheet;
	struct rank_acc		*acc;
	size_t			 i, k = 0;
	long long		 app, user, cur_app = -1, cur_user = -1;
	int			 idx;

	if ((rows = db_query("SELECT s.application_id AS app, s.user_id AS "
	    "user, s.position, s.score FROM assessment_scores s JOIN "
	    "applications a ON a.id = s.application_id WHERE a.round_id = ? "
	    "AND a.state IN ('scored', 'waitlisted') ORDER BY s.application_id, "
	    "s.user_id, s.position", "i", (int64_t)round_id)) == NULL)
		return -1;
	acc = xcalloc(l->n + 1, sizeof *acc);
	memset(&sheet, 0, sizeof sheet);
	json_array_foreach(rows, i, v) {
		app = json_integer_value(json_object_get(v, "app"));
		user = json_integer_value(json_object_get(v, "user"));
		if (app != cur_app || user != cur_user) {
			if (k < l->n && l->e[k].app_id == cur_app)
				rank_sheet_done(&l->e[k], &acc[k], c, &sheet);
			memset(&sheet, 0, sizeof sheet);
			while (k < l->n && l->e[k].app_id < app)
				k++;
			cur_app = app;
			cur_user = user;
		}
		idx = rank_index(c, (int)json_integer_value(json_object_get(v,
		    "position")));
		if (idx >= 0 && !sheet.have[idx]) {
			sheet.have[idx] = 1;
			sheet.score[idx] = (int)json_integer_value(
			    json_object_get(v, "score"));
			sheet.n++;
		}
	}
	if (k < l->n && l->e[k].app_id == cur_app)
		rank_sheet_done(&l->e[k], &acc[k], c, &sheet);
	for (i = 0; i < l->n; i++)
		rank_finish(&l->e[i], &acc[i], c, spread);
	free(acc);
	json_decref(rows);
	return 0;
}

static const char *
rank_str(const struct rank_entry *e, const char *key)
{
	const char	*s = json_string_value(json_object_get(e->row, key));

	return s != NULL ? s : "";
}

static int
rank_cmp(const void *a, const void *b)
{
	const struct rank_entry	*x = a, *y = b;
	int			 c;

	if (x->mean != y->mean)
		return x->mean > y->mean ? -1 : 1;
	if (x->first_mean != y->first_mean)
		return x->first_mean > y->first_mean ? -1 : 1;
	if ((c = strcmp(rank_str(x, "received_at"), rank_str(y,
	    "received_at"))) != 0)
		return c;
	return x->app_id < y->app_id ? -1 : x->app_id > y->app_id;
}

static int
rank_has_priority(const struct rank_entry *e, json_t *priority)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(json_object_get(e->row, "priorities"), i, v)
		if (json_equal(v, priority))
			return 1;
	return 0;
}

/*
 * Each priority first gets up to min of its best-ranked applications that
 * fit; then the rest are funded in rank order until one does not fit.
 */
static void
rank_recommend(struct rank_list *l, int min)
{
	json_t	*p;
	size_t	 i, j;
	int64_t	 sum = 0;
	int	 got;

	for (j = 0; min > 0 && j < json_array_size(l->priorities); j++) {
		p = json_array_get(l->priorities, j);
		for (i = 0, got = 0; i < l->n; i++)
			got += l->e[i].fund && rank_has_priority(&l->e[i], p);
		for (i = 0; i < l->n && got < min; i++) {
			if (l->e[i].fund || !rank_has_priority(&l->e[i], p) ||
			    sum + l->e[i].amount > l->uncommitted)
				continue;
			l->e[i].fund = l->e[i].by_priority = 1;
			sum += l->e[i].amount;
			got++;
		}
	}
	for (i = 0; i < l->n; i++) {
		if (l->e[i].fund)
			continue;
		if (sum + l->e[i].amount > l->uncommitted)
			break;
		l->e[i].fund = 1;
		sum += l->e[i].amount;
	}
	for (i = 0, sum = 0; i < l->n; i++) {
		if (l->e[i].fund)
			sum += l->e[i].amount;
		l->e[i].running = sum;
	}
	l->recommended = sum;
}

void
rank_free(struct rank_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		json_decref(l->e[i].row);
	free(l->e);
	json_decref(l->priorities);
	memset(l, 0, sizeof *l);
}

/*
 * The round's scored and waitlisted applications, ranked, with what
 * uncommitted money allows. Inside a transaction when deciding by it.
 */
int
rank_compute(long long round_id, int64_t uncommitted,
    const struct decide_rules *rules, struct rank_list *l, struct dom_err *e)
{
	struct rank_criteria	 c;
	json_t			*rows, *v, *fields;
	size_t			 i;

	memset(l, 0, sizeof *l);
	l->uncommitted = uncommitted;
	if (rank_criteria_read(round_id, &c) == -1 ||
	    (l->priorities = round_priorities(round_id)) == NULL ||
	    (rows = db_query("SELECT id, reference, state, organisation, "
	    "amount_requested, fields, received_at FROM applications WHERE "
	    "round_id = ? AND state IN ('scored', 'waitlisted') ORDER BY id",
	    "i", (int64_t)round_id)) == NULL) {
		rank_free(l);
		return dom_db_fail(e);
	}
	l->e = xcalloc(json_array_size(rows) + 1, sizeof *l->e);
	json_array_foreach(rows, i, v) {
		struct rank_entry *x = &l->e[l->n++];

		x->app_id = json_integer_value(json_object_get(v, "id"));
		x->amount = json_integer_value(json_object_get(v,
		    "amount_requested"));
		fields = json_loads(json_string_value(json_object_get(v,
		    "fields")), 0, NULL);
		x->row = json_pack("{s:O,s:O,s:O,s:O,s:O}", "reference",
		    json_object_get(v, "reference"), "state",
		    json_object_get(v, "state"), "organisation",
		    json_object_get(v, "organisation"), "received_at",
		    json_object_get(v, "received_at"), "priorities",
		    json_is_array(json_object_get(fields, "priorities")) ?
		    json_object_get(fields, "priorities") : json_array());
		json_decref(fields);
	}
	json_decref(rows);
	if (rank_scores(round_id, l, &c, rules->moderation_spread) == -1) {
		rank_free(l);
		return dom_db_fail(e);
	}
	qsort(l->e, l->n, sizeof *l->e, rank_cmp);
	rank_recommend(l, rules->min_per_priority);
	return 0;
}

static json_t *
rank_entry_json(const struct rank_entry *x, size_t rank)
{
	json_t	*o;

	o = json_pack("{s:I,s:O,s:O,s:O,s:I,s:I,s:I,s:I,s:i,s:b,s:I,s:s,s:b,"
	    "s:O}", "rank", (json_int_t)rank, "reference",
	    json_object_get(x->row, "reference"), "organisation",
	    json_object_get(x->row, "organisation"), "state",
	    json_object_get(x->row, "state"), "amount_requested",
	    (json_int_t)x->amount, "mean", (json_int_t)x->mean, "first_mean",
	    (json_int_t)x->first_mean, "total", (json_int_t)x->total,
	    "assessors", x->assessors, "moderation", x->moderate,
	    "running_total", (json_int_t)x->running, "recommendation",
	    x->fund ? "fund" : "waitlist", "for_priority", x->by_priority,
	    "priorities", json_object_get(x->row, "priorities"));
	return o;
}

/* GET /v1/rounds/CODE/ranking */
json_t *
rank_round(const char *code, struct dom_err *e)
{
	struct round		 r;
	struct decide_rules	 rules;
	struct rank_list	 l;
	json_t			*out, *list;
	size_t			 i;

	if (round_get(code, 0, &r, e) == -1 ||
	    decide_rules(r.id, &rules, e) == -1 ||
	    rank_compute(r.id, r.budget - r.committed, &rules, &l, e) == -1)
		return NULL;
	list = json_array();
	for (i = 0; i < l.n; i++)
		json_array_append_new(list, rank_entry_json(&l.e[i], i + 1));
	out = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:i,s:O,s:o}", "round",
	    r.code, "state", r.state, "budget", (json_int_t)r.budget,
	    "committed", (json_int_t)r.committed, "uncommitted",
	    (json_int_t)l.uncommitted, "recommended", (json_int_t)l.recommended,
	    "min_per_priority", rules.min_per_priority, "priorities",
	    l.priorities, "applications", list);
	rank_free(&l);
	return out;
}
