/*
 * round.c: rounds of a fund, with their dates, budget, priorities and
 * published criteria, moving through draft → open → closed → assessing →
 * decided → archived. Every rule about a round lives here, for the API,
 * the intake and the timers alike.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"

#define ROUND_MAX_LIST	20

#define ROUND_SELECT \
	"SELECT r.id, r.code, f.code AS fund, r.title, r.state, r.opens_at, " \
	"r.closes_at, r.rolling, r.budget, r.max_award, r.committed, r.paid, " \
	"r.budget - r.committed AS uncommitted, r.created_at, r.org_types, " \
	"r.areas, r.min_award, r.one_per_org, r.award_gap_months, " \
	"r.scale_max, r.scale_labels, r.moderation_spread, r.scoring, " \
	"r.decision_days, r.min_per_priority, f.min_award AS fund_min_award " \
	"FROM rounds r " \
	"JOIN funds f ON f.id = r.fund_id "

/* What an officer may change on a round that is already open. */
static const char *round_open_keys[] = {
	"org_types", "areas", "min_award", "one_per_org", "award_gap_months",
	NULL
};

/* Each point of the default scale, from 0. */
static const char *round_default_labels[] = {
	"Not met", "Poorly met", "Partly met", "Well met", "Fully met", NULL
};

static int
round_not_found(struct dom_err *e, const char *code)
{
	return dom_fail(e, DOM_NOT_FOUND, "no round %s (grantctl round list "
	    "shows them)", code);
}

static int
round_bad_state(struct dom_err *e, const char *state)
{
	return dom_fail(e, DOM_BAD, "'%s' is not a round state (draft, open, "
	    "closed, assessing, decided, archived)", state ? state : "");
}

/* "Tackling social isolation:30" or {"name": ..., "weight": 30}. */
static int
round_criterion_read(json_t *v, size_t i, char **name, long *w,
    struct dom_err *e)
{
	const char	*s, *colon;
	char		*end;

	if (json_is_object(v) && json_is_string(json_object_get(v, "name")) &&
	    json_is_integer(json_object_get(v, "weight"))) {
		*name = xstrdup(json_string_value(json_object_get(v, "name")));
		*w = (long)json_integer_value(json_object_get(v, "weight"));
		return 0;
	}
	if (!json_is_string(v) || (colon = strrchr((s = json_string_value(v)),
	    ':')) == NULL)
		return dom_fail(e, DOM_BAD, "criterion %zu: write it as "
		    "NAME:WEIGHT, like 'Tackling social isolation:30'", i + 1);
	*name = xstrdup(s);
	(*name)[colon - s] = '\0';
	*w = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1)
		*w = -1;
	return 0;
}

static int
round_criteria_read(json_t *in, json_t **out, struct dom_err *e)
{
	json_t	*v;
	size_t	 i;
	char	*name = NULL;
	long	 w = 0, total = 0;

	*out = json_array();
	if (in == NULL)
		return 0;
	if (!json_is_array(in) || json_array_size(in) > ROUND_MAX_LIST)
		return dom_fail(e, DOM_BAD, "criteria must be a list of at most "
		    "%d", ROUND_MAX_LIST);
	json_array_foreach(in, i, v) {
		if (round_criterion_read(v, i, &name, &w, e) == -1)
			return -1;
		if (*name == '\0' || strlen(name) > CHECK_NAME_MAX || w < 1 ||
		    w > 100) {
			dom_fail(e, DOM_BAD, "criterion '%s' needs a name and a "
			    "weight from 1 to 100", name);
			free(name);
			return -1;
		}
		total += w;
		json_array_append_new(*out, json_pack("{s:s,s:i}", "name", name,
		    "weight", (int)w));
		free(name);
	}
	if (json_array_size(*out) > 0 && total != 100)
		return dom_fail(e, DOM_BAD, "criteria weights add up to %ld; "
		    "they must add up to 100", total);
	return 0;
}

static int
round_priorities_read(json_t *in, json_t **out, struct dom_err *e)
{
	json_t	*v;
	size_t	 i;

	*out = json_array();
	if (in == NULL)
		return 0;
	if (!json_is_array(in) || json_array_size(in) > ROUND_MAX_LIST)
		return dom_fail(e, DOM_BAD, "priorities must be a list of at "
		    "most %d", ROUND_MAX_LIST);
	json_array_foreach(in, i, v) {
		if (!json_is_string(v) || *json_string_value(v) == '\0' ||
		    strlen(json_string_value(v)) > CHECK_NAME_MAX)
			return dom_fail(e, DOM_BAD, "priority %zu must be text "
			    "of up to 200 characters", i + 1);
		json_array_append(*out, v);
	}
	return 0;
}

static int
round_dates_read(json_t *in, struct round_spec *s, struct dom_err *e)
{
	char	err[GRANT_ERRLEN], a[64], b[64];

	if (date_parse_local(dom_str(in, "opens"), 0, &s->opens, err,
	    sizeof err) == -1)
		return dom_fail(e, DOM_BAD, "opens: %s", err);
	if (dom_str(in, "closes") == NULL) {
		if (!s->rolling)
			return dom_fail(e, DOM_BAD, "a round that is not rolling "
			    "needs a closing date");
		return 0;
	}
	if (date_parse_local(dom_str(in, "closes"), 1, &s->closes, err,
	    sizeof err) == -1)
		return dom_fail(e, DOM_BAD, "closes: %s", err);
	s->has_closes = 1;
	if (s->closes <= s->opens)
		return dom_fail(e, DOM_BAD, "the round closes (%s) before it "
		    "opens (%s)", date_format_local(s->closes, a, sizeof a),
		    date_format_local(s->opens, b, sizeof b));
	return 0;
}

/* A whole number, typed ("12") or sent as one; dflt when absent. */
static int
round_int(json_t *in, const char *key, const char *opt, int min, int max,
    int dflt, int *out, struct dom_err *e)
{
	json_t		*v = json_object_get(in, key);
	const char	*p = json_string_value(v);
	char		*end;
	long long	 n = (long long)min - 1;	/* not a number: refused */

	*out = dflt;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (p != NULL && isdigit((unsigned char)*p)) {
		n = strtoll(p, &end, 10);
		if (*end != '\0')
			n = (long long)min - 1;
	}
	if (n < min || n > max)
		return dom_fail(e, DOM_BAD, "%s must be a whole number from %d "
		    "to %d", opt, min, max);
	*out = (int)n;
	return 1;
}

/* true/false, or 1/0; dflt when absent. */
static int
round_bool(json_t *in, const char *key, int dflt)
{
	json_t	*v = json_object_get(in, key);

	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return dflt;
}

/* The kinds of group: "charity,cio" or ["charity", "cio"]. */
static int
round_kinds_read(json_t *v, struct round_rules *r, struct dom_err *e)
{
	struct strbuf	 b = { NULL, 0, 0 };
	json_t		*x;
	size_t		 i;
	char		 err[GRANT_ERRLEN];
	int		 rc;

	*r->org_types = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	strbuf_add(&b, "", 0);
	if (json_is_string(v))
		strbuf_add(&b, json_string_value(v), json_string_length(v));
	else if (json_is_array(v))
		json_array_foreach(v, i, x) {
			if (!json_is_string(x)) {
				free(b.s);
				return dom_fail(e, DOM_BAD, "--org-types: give "
				    "the kinds of group as text");
			}
			strbuf_add(&b, ",", i > 0);
			strbuf_add(&b, json_string_value(x),
			    json_string_length(x));
		}
	rc = elig_kinds_parse(b.s, r->org_types, sizeof r->org_types, err,
	    sizeof err);
	free(b.s);
	if (rc == -1)
		return dom_fail(e, DOM_BAD, "--org-types: %s", err);
	/* All five is no rule at all. */
	if (json_array_size(x = elig_kinds_names(r->org_types)) == 5)
		*r->org_types = '\0';
	json_decref(x);
	return 0;
}

static int
round_areas_read(json_t *v, struct round_rules *r, struct dom_err *e)
{
	char	err[GRANT_ERRLEN];

	*r->areas = '\0';
	if (v == NULL || json_is_null(v) || (json_is_string(v) &&
	    (*json_string_value(v) == '\0' ||
	    strcasecmp(json_string_value(v), "anywhere") == 0)))
		return 0;
	if (!json_is_string(v))
		return dom_fail(e, DOM_BAD, "--area: give postcode districts "
		    "like OL1-OL16,M35");
	if (elig_areas_parse(json_string_value(v), r->areas, sizeof r->areas,
	    err, sizeof err) == -1)
		return dom_fail(e, DOM_BAD, "--area: %s", err);
	return 0;
}

/* One descriptor a point, from 0; the default five for a scale of 4. */
static int
round_descriptors_read(json_t *v, int scale, json_t **out,
    struct dom_err *e)
{
	json_t	*x;
	size_t	 i;

	*out = json_array();
	if (v == NULL || json_is_null(v) || (json_is_array(v) &&
	    json_array_size(v) == 0)) {
		if (scale != 4)
			return dom_fail(e, DOM_BAD, "a scale of 0 to %d needs "
			    "%d descriptors (--descriptor, one for each point "
			    "from 0)", scale, scale + 1);
		for (i = 0; round_default_labels[i] != NULL; i++)
			json_array_append_new(*out,
			    json_string(round_default_labels[i]));
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) != (size_t)scale + 1)
		return dom_fail(e, DOM_BAD, "a scale of 0 to %d needs %d "
		    "descriptors (--descriptor, one for each point from 0); "
		    "%zu given", scale, scale + 1, json_is_array(v) ?
		    json_array_size(v) : 0);
	json_array_foreach(v, i, x) {
		if (!json_is_string(x) || *json_string_value(x) == '\0' ||
		    strlen(json_string_value(x)) > CHECK_NAME_MAX)
			return dom_fail(e, DOM_BAD, "descriptor %zu (for %zu "
			    "points) must be text of up to 200 characters", i + 1,
			    i);
		json_array_append(*out, x);
	}
	return 0;
}

/* Who may apply and how applications are judged. */
static int
round_rules_read(json_t *in, struct round_spec *s, struct dom_err *e)
{
	struct round_rules	*r = &s->rules;

	if (round_kinds_read(json_object_get(in, "org_types"), r, e) == -1 ||
	    round_areas_read(json_object_get(in, "areas"), r, e) == -1 ||
	    (r->has_min = dom_money(in, "min_award", 0, &r->min, e)) == -1 ||
	    round_int(in, "award_gap_months", "--award-gap", 0, 120, 0,
	    &r->award_gap_months, e) == -1 ||
	    round_int(in, "scale", "--scale", 1, 10, 4, &r->scale_max, e) == -1 ||
	    round_int(in, "moderation_spread", "--moderation-spread", 1,
	    r->scale_max, r->scale_max < 2 ? r->scale_max : 2,
	    &r->moderation_spread, e) == -1 ||
	    (r->has_decision_days = round_int(in, "decision_days",
	    "--decision-days", 1, 260, 0, &r->decision_days, e)) == -1 ||
	    round_int(in, "min_per_priority", "--min-per-priority", 0, 1000, 0,
	    &r->min_per_priority, e) == -1)
		return -1;
	r->one_per_org = round_bool(in, "one_per_org", 1);
	r->scoring = round_bool(in, "scoring", 1);
	/* The minimum is checked against the maximum in round_fund_allows(). */
	return round_descriptors_read(json_object_get(in, "descriptors"),
	    r->scale_max, &s->descriptors, e);
}

void
round_spec_free(struct round_spec *s)
{
	json_decref(s->priorities);
	json_decref(s->criteria);
	json_decref(s->descriptors);
	s->priorities = s->criteria = s->descriptors = NULL;
}

/* A round as a request describes it, checked by the rules of any round. */
int
round_spec_read(json_t *in, struct round_spec *s, struct dom_err *e)
{
	memset(s, 0, sizeof *s);
	s->fund = dom_str(in, "fund");
	s->title = dom_str(in, "title");
	s->rolling = json_is_true(json_object_get(in, "rolling"));
	if (s->fund == NULL)
		return dom_fail(e, DOM_BAD, "which fund is the round for?");
	if (s->title == NULL || *s->title == '\0' ||
	    strlen(s->title) > CHECK_NAME_MAX)
		return dom_fail(e, DOM_BAD, "a round needs a title (up to 200 "
		    "characters)");
	if (round_dates_read(in, s, e) == -1 ||
	    dom_money(in, "budget", 1, &s->budget, e) == -1 ||
	    (s->has_max = dom_money(in, "max_award", 0, &s->max, e)) == -1)
		return -1;
	if (s->budget == 0)
		return dom_fail(e, DOM_BAD, "a round's budget must be more than "
		    "£0.00");
	if (s->has_max && s->max == 0)
		return dom_fail(e, DOM_BAD, "max_award must be more than £0.00");
	if (round_priorities_read(json_object_get(in, "priorities"),
	    &s->priorities, e) == -1 ||
	    round_criteria_read(json_object_get(in, "criteria"),
	    &s->criteria, e) == -1)
		return -1;
	return round_rules_read(in, s, e);
}

/* ---- reading rounds ---- */

static void
round_from_row(json_t *row, struct round *r)
{
	const char	*closes;

	memset(r, 0, sizeof *r);
	r->id = json_integer_value(json_object_get(row, "id"));
	snprintf(r->code, sizeof r->code, "%s",
	    json_string_value(json_object_get(row, "code")));
	snprintf(r->fund, sizeof r->fund, "%s",
	    json_string_value(json_object_get(row, "fund")));
	snprintf(r->title, sizeof r->title, "%s",
	    json_string_value(json_object_get(row, "title")));
	snprintf(r->state, sizeof r->state, "%s",
	    json_string_value(json_object_get(row, "state")));
	date_parse_utc(json_string_value(json_object_get(row, "opens_at")),
	    &r->opens);
	if ((closes = json_string_value(json_object_get(row, "closes_at")))
	    != NULL && date_parse_utc(closes, &r->closes) == 0)
		r->has_closes = 1;
	r->rolling = json_integer_value(json_object_get(row, "rolling")) != 0;
	r->budget = json_integer_value(json_object_get(row, "budget"));
	r->has_max = json_is_integer(json_object_get(row, "max_award"));
	r->max_award = json_integer_value(json_object_get(row, "max_award"));
	r->committed = json_integer_value(json_object_get(row, "committed"));
	snprintf(r->rules.org_types, sizeof r->rules.org_types, "%s",
	    json_is_string(json_object_get(row, "org_types")) ?
	    json_string_value(json_object_get(row, "org_types")) : "");
	snprintf(r->rules.areas, sizeof r->rules.areas, "%s",
	    json_is_string(json_object_get(row, "areas")) ?
	    json_string_value(json_object_get(row, "areas")) : "");
	r->rules.has_min = json_is_integer(json_object_get(row, "min_award"));
	r->rules.min = json_integer_value(json_object_get(row, "min_award"));
	r->rules.one_per_org = json_integer_value(json_object_get(row,
	    "one_per_org")) != 0;
#define I(k) (int)json_integer_value(json_object_get(row, k))
	r->rules.award_gap_months = I("award_gap_months");
	r->rules.scale_max = I("scale_max");
	r->rules.moderation_spread = I("moderation_spread");
	r->rules.scoring = I("scoring") != 0;
	r->rules.has_decision_days = json_is_integer(json_object_get(row,
	    "decision_days"));
	r->rules.decision_days = I("decision_days");
	r->rules.min_per_priority = I("min_per_priority");
#undef I
}

/* The scale's descriptors, kept as JSON text, as a list. */
static json_t *
round_labels(json_t *row)
{
	json_t	*list;

	list = json_loads(json_is_string(json_object_get(row, "scale_labels")) ?
	    json_string_value(json_object_get(row, "scale_labels")) : "[]", 0,
	    NULL);
	return json_is_array(list) ? list : json_array();
}

/*
 * A round's row as the API gives it: kinds of group by the names
 * officers use, the descriptors as a list, flags as true or false.
 */
static void
round_tidy(json_t *v)
{
	json_t	*x = json_object_get(v, "org_types");

	json_object_set_new(v, "org_types", elig_kinds_names(json_is_string(x) ?
	    json_string_value(x) : NULL));
	json_object_set_new(v, "descriptors", round_labels(v));
	json_object_del(v, "scale_labels");
	json_object_del(v, "fund_min_award");
	json_object_set_new(v, "one_per_org", json_boolean(json_integer_value(
	    json_object_get(v, "one_per_org"))));
	json_object_set_new(v, "scoring", json_boolean(json_integer_value(
	    json_object_get(v, "scoring"))));
}

/* The round called code, locked when for_update (inside a transaction). */
int
round_get(const char *code, int for_update, struct round *r,
    struct dom_err *e)
{
	json_t	*row;

	row = for_update ? db_query_row(ROUND_SELECT "WHERE r.code = ? FOR "
	    "UPDATE", "s", code) : db_query_row(ROUND_SELECT "WHERE r.code = ?",
	    "s", code);
	if (row == NULL)
		return dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		return round_not_found(e, code);
	}
	round_from_row(row, r);
	json_decref(row);
	return 0;
}

/* The round's priorities, in order, as a list of strings. */
json_t *
round_priorities(long long round_id)
{
	json_t	*rows, *list, *v;
	size_t	 i;

	if ((rows = db_query("SELECT text FROM round_priorities WHERE "
	    "round_id = ? ORDER BY position", "i", (int64_t)round_id)) == NULL)
		return NULL;
	list = json_array();
	json_array_foreach(rows, i, v)
		json_array_append(list, json_object_get(v, "text"));
	json_decref(rows);
	return list;
}

static json_t *
round_criteria(long long round_id)
{
	return db_query("SELECT name, weight FROM round_criteria WHERE "
	    "round_id = ? ORDER BY position", "i", (int64_t)round_id);
}

/* Strings as [{"text": ...}], the shape the API has always given. */
static json_t *
round_texts(json_t *strings)
{
	json_t	*list = json_array(), *v;
	size_t	 i;

	json_array_foreach(strings, i, v)
		json_array_append_new(list, json_pack("{s:O}", "text", v));
	json_decref(strings);
	return list;
}

/* A round with its lists and what applicants are asking of it. */
json_t *
round_show(const char *code, struct dom_err *e)
{
	json_t	*round, *list;
	long long id;

	if ((round = db_query_row(ROUND_SELECT "WHERE r.code = ?", "s", code))
	    == NULL)
		goto fail;
	if (json_is_null(round)) {
		json_decref(round);
		round_not_found(e, code);
		return NULL;
	}
	id = json_integer_value(json_object_get(round, "id"));
	json_object_del(round, "id");
	if ((list = round_priorities(id)) == NULL)
		goto fail;
	json_object_set_new(round, "priorities", round_texts(list));
	if ((list = round_criteria(id)) == NULL)
		goto fail;
	json_object_set_new(round, "criteria", list);
	if ((list = db_query_row("SELECT COUNT(*) AS applications, "
	    "COALESCE(SUM(amount_requested), 0) AS requested FROM "
	    "applications WHERE round_id = ? AND state NOT IN ('withdrawn', "
	    "'ineligible')", "i", (int64_t)id)) == NULL)
		goto fail;
	json_object_update(round, list);
	json_decref(list);
	round_tidy(round);
	return round;
fail:
	json_decref(round);
	dom_db_fail(e);
	return NULL;
}

json_t *
round_list(const char *fund, const char *state, struct dom_err *e)
{
	json_t	*rows, *v;
	size_t	 i;

	if (state != NULL && !state_valid(STATE_ROUND, state)) {
		round_bad_state(e, state);
		return NULL;
	}
	if ((rows = db_query(ROUND_SELECT "WHERE (? IS NULL OR f.code = ?) AND "
	    "(? IS NULL OR r.state = ?) ORDER BY r.opens_at, r.id", "ssss",
	    fund, fund, state, state)) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	json_array_foreach(rows, i, v) {
		json_object_del(v, "id");
		round_tidy(v);
	}
	return rows;
}

/* "Groups in postcode districts OL1 to OL16 and M35", and the like. */
static json_t *
round_who(const struct round *r, int64_t fund_min)
{
	json_t	*list = json_array();
	char	*p, *line, a[MONEY_BUFLEN], b[MONEY_BUFLEN];
	int64_t	 min = r->rules.has_min ? r->rules.min : 0;

	p = elig_kinds_plain(*r->rules.org_types ? r->rules.org_types : NULL);
	p[0] = (char)toupper((unsigned char)p[0]);
	xasprintf(&line, "%s.", p);
	json_array_append_new(list, json_string(line));
	free(line);
	free(p);
	if (*r->rules.areas) {
		p = elig_areas_plain(r->rules.areas);
		xasprintf(&line, "Groups in postcode districts %s.", p);
		json_array_append_new(list, json_string(line));
		free(line);
		free(p);
	}
	if (!r->rules.has_min)
		min = fund_min;
	if (r->has_max && min > 0)
		xasprintf(&line, "Requests from %s to %s.", money_format(min, a,
		    sizeof a), money_format(r->max_award, b, sizeof b));
	else if (r->has_max)
		xasprintf(&line, "Requests of up to %s.", money_format(
		    r->max_award, a, sizeof a));
	else
		line = NULL;
	if (line != NULL)
		json_array_append_new(list, json_string(line));
	free(line);
	if (r->rules.one_per_org)
		json_array_append_new(list, json_string("One application from "
		    "each organisation in this round."));
	if (r->rules.award_gap_months > 0) {
		xasprintf(&line, "No award from this fund to your organisation "
		    "in the last %d months.", r->rules.award_gap_months);
		json_array_append_new(list, json_string(line));
		free(line);
	}
	return list;
}

/*
 * What the application form tells a group of the round: who may apply
 * ("who_can_apply"), and how they will be judged — "scoring", the
 * criteria with their weights ("criteria_published", "criteria") and
 * the scale with a descriptor for each point ("scale_max", "scale").
 */
int
round_letter_vars(long long round_id, json_t *vars)
{
	struct round	 r;
	json_t		*row, *crit, *list, *v;
	size_t		 i;
	char		 n[16];

	row = db_query_row(ROUND_SELECT "WHERE r.id = ?", "i",
	    (int64_t)round_id);
	if (row == NULL || json_is_null(row)) {
		json_decref(row);
		return -1;
	}
	round_from_row(row, &r);
	json_object_set_new(vars, "who_can_apply", round_who(&r,
	    json_integer_value(json_object_get(row, "fund_min_award"))));
	json_object_set_new(vars, "scoring", json_boolean(r.rules.scoring));
	if ((crit = round_criteria(round_id)) == NULL) {
		json_decref(row);
		return -1;
	}
	list = json_array();
	json_array_foreach(crit, i, v)
		json_array_append_new(list, json_pack("{s:O,s:O}", "criterion",
		    json_object_get(v, "name"), "weight", json_object_get(v,
		    "weight")));
	json_decref(crit);
	json_object_set_new(vars, "criteria_published", json_boolean(
	    json_array_size(list) > 0));
	json_object_set_new(vars, "criteria", list);
	snprintf(n, sizeof n, "%d", r.rules.scale_max);
	json_object_set_new(vars, "scale_max", json_string(n));
	list = json_array();
	crit = round_labels(row);
	json_array_foreach(crit, i, v) {
		snprintf(n, sizeof n, "%d", (int)i);
		json_array_append_new(list, json_pack("{s:s,s:O}", "score", n,
		    "label", v));
	}
	json_decref(crit);
	json_object_set_new(vars, "scale", list);
	json_decref(row);
	return 0;
}

/* ---- changing rounds ---- */

/*
 * Inside the transaction, the fund locked: may it give a round of this
 * size (besides the round except_id, when editing)? Fills fund_id, the
 * next round number, and the fund's maximum award when s has none.
 */
static int
round_fund_allows(struct round_spec *s, long long except_id,
    long long *fund_id, int *seq, struct dom_err *e)
{
	json_t	*fund;
	int64_t	 room, budget, fmax;
	int	 has_fmax;
	char	 a[MONEY_BUFLEN], b[MONEY_BUFLEN], c[MONEY_BUFLEN];

	fund = db_query_row("SELECT f.id, f.budget, f.max_award, f.budget - "
	    "COALESCE((SELECT SUM(budget) FROM rounds WHERE fund_id = f.id AND "
	    "id <> ?), 0) AS room, COALESCE((SELECT MAX(seq) FROM rounds WHERE "
	    "fund_id = f.id AND year = ?), 0) + 1 AS seq FROM funds f WHERE "
	    "f.code = ? FOR UPDATE", "ids", (int64_t)except_id,
	    date_year_local(s->opens), s->fund);
	if (fund == NULL)
		return dom_db_fail(e);
	if (json_is_null(fund)) {
		json_decref(fund);
		return dom_fail(e, DOM_NOT_FOUND, "no fund %s (grantctl fund "
		    "list shows them)", s->fund);
	}
	*fund_id = json_integer_value(json_object_get(fund, "id"));
	*seq = (int)json_integer_value(json_object_get(fund, "seq"));
	room = json_integer_value(json_object_get(fund, "room"));
	budget = json_integer_value(json_object_get(fund, "budget"));
	has_fmax = json_is_integer(json_object_get(fund, "max_award"));
	fmax = json_integer_value(json_object_get(fund, "max_award"));
	json_decref(fund);
	if (s->budget > room && except_id != 0)
		return dom_fail(e, DOM_CONFLICT, "the round's budget (%s) is "
		    "more than fund %s can give it (%s)", money_format(s->budget,
		    a, sizeof a), s->fund, money_format(room, b, sizeof b));
	if (s->budget > room)
		return dom_fail(e, DOM_CONFLICT, "the round's budget (%s) is "
		    "more than fund %s has unallocated (%s of %s)",
		    money_format(s->budget, a, sizeof a), s->fund,
		    money_format(room, b, sizeof b), money_format(budget, c,
		    sizeof c));
	if (has_fmax && s->has_max && s->max > fmax)
		return dom_fail(e, DOM_BAD, "the round's maximum award (%s) is "
		    "more than fund %s allows (%s)", money_format(s->max, a,
		    sizeof a), s->fund, money_format(fmax, b, sizeof b));
	if (has_fmax && !s->has_max) {
		s->max = fmax;
		s->has_max = 1;
	}
	if (s->has_max && s->rules.has_min && s->rules.min > s->max)
		return dom_fail(e, DOM_BAD, "the minimum award (%s) is more "
		    "than the maximum (%s)", money_format(s->rules.min, a,
		    sizeof a), money_format(s->max, b, sizeof b));
	return 0;
}

static int
round_write_lists(long long id, const struct round_spec *s)
{
	json_t	*v;
	size_t	 i;

	if (db_exec("DELETE FROM round_priorities WHERE round_id = ?", "i",
	    (int64_t)id) == -1 || db_exec("DELETE FROM round_criteria WHERE "
	    "round_id = ?", "i", (int64_t)id) == -1)
		return -1;
	json_array_foreach(s->priorities, i, v)
		if (db_exec("INSERT INTO round_priorities (round_id, position, "
		    "text) VALUES (?, ?, ?)", "ids", (int64_t)id, (int)i,
		    json_string_value(v)) != 1)
			return -1;
	json_array_foreach(s->criteria, i, v)
		if (db_exec("INSERT INTO round_criteria (round_id, position, "
		    "name, weight) VALUES (?, ?, ?, ?)", "idsi", (int64_t)id,
		    (int)i, json_string_value(json_object_get(v, "name")),
		    (int64_t)json_integer_value(json_object_get(v, "weight")))
		    != 1)
			return -1;
	return 0;
}

/* The rules of who may apply and of scoring, into the round's row. */
static int
round_write_rules(long long id, const struct round_spec *s)
{
	const struct round_rules	*r = &s->rules;
	char				*labels;
	int				 rc;

	labels = json_dumps(s->descriptors, JSON_COMPACT);
	rc = db_exec("UPDATE rounds SET org_types = NULLIF(?, ''), areas = "
	    "NULLIF(?, ''), min_award = IF(?, ?, NULL), one_per_org = ?, "
	    "award_gap_months = ?, scale_max = ?, scale_labels = ?, "
	    "moderation_spread = ?, scoring = ?, decision_days = IF(?, ?, "
	    "NULL), min_per_priority = ? WHERE id = ?", "ssdidddsdddddi",
	    r->org_types, r->areas, r->has_min, r->min, r->one_per_org,
	    r->award_gap_months, r->scale_max, labels, r->moderation_spread,
	    r->scoring, r->has_decision_days, r->decision_days,
	    r->min_per_priority, (int64_t)id);
	free(labels);
	return rc == -1 ? -1 : 0;
}

/* Dates as DATETIME text, UTC, without the ISO 'Z'. */
static void
round_sql_dates(const struct round_spec *s, char opens[32], char closes[32])
{
	date_format_utc(s->opens, opens, 32);
	date_format_utc(s->closes, closes, 32);
	opens[strlen(opens) - 1] = closes[strlen(closes) - 1] = '\0';
}

/* Create a draft round; its new code (FG-2027-R1) is left in code. */
int
round_create(const char *actor, json_t *in, char code[ROUND_CODE_LEN],
    struct dom_err *e)
{
	struct round_spec	 s;
	long long		 fund_id, id;
	int			 seq, rc = -1;
	char			 opens[32], closes[32];

	if (round_spec_read(in, &s, e) == -1)
		goto out;
	if (db_begin() == -1) {
		dom_db_fail(e);
		goto out;
	}
	if (round_fund_allows(&s, 0, &fund_id, &seq, e) == -1)
		goto out;
	snprintf(code, ROUND_CODE_LEN, "%s-%d-R%d", s.fund,
	    date_year_local(s.opens), seq);
	round_sql_dates(&s, opens, closes);
	if (db_exec("INSERT INTO rounds (fund_id, code, year, seq, title, "
	    "opens_at, closes_at, rolling, budget, max_award) VALUES (?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, IF(?, ?, NULL))", "isddsssdidi", (int64_t)fund_id,
	    code, date_year_local(s.opens), seq, s.title, opens,
	    s.has_closes ? closes : NULL, s.rolling, s.budget, s.has_max,
	    s.max) != 1 || (id = db_insert_id()) <= 0 ||
	    round_write_lists(id, &s) == -1 || round_write_rules(id, &s) == -1 ||
	    audit_append(actor, "round.create", code, json_pack(
	    "{s:s,s:s,s:I,s:O}", "fund", s.fund, "title", s.title, "budget",
	    (json_int_t)s.budget, "criteria", s.criteria)) == -1 ||
	    db_commit() == -1) {
		dom_db_fail(e);
		goto out;
	}
	rc = 0;
out:
	round_spec_free(&s);
	return rc;
}

static void
round_rules_as_request(const struct round_rules *r, json_t *req)
{
	if (*r->org_types)
		json_object_set_new(req, "org_types",
		    elig_kinds_names(r->org_types));
	if (*r->areas)
		json_object_set_new(req, "areas", json_string(r->areas));
	if (r->has_min)
		json_object_set_new(req, "min_award", json_integer(r->min));
	json_object_set_new(req, "one_per_org", json_boolean(r->one_per_org));
	json_object_set_new(req, "award_gap_months",
	    json_integer(r->award_gap_months));
	json_object_set_new(req, "scale", json_integer(r->scale_max));
	json_object_set_new(req, "moderation_spread",
	    json_integer(r->moderation_spread));
	json_object_set_new(req, "scoring", json_boolean(r->scoring));
	if (r->has_decision_days)
		json_object_set_new(req, "decision_days",
		    json_integer(r->decision_days));
	json_object_set_new(req, "min_per_priority",
	    json_integer(r->min_per_priority));
}

/*
 * Only rules about who may apply change once a round is open: the dates,
 * the money and how applications are scored were published with the
 * form, but an officer who finds the area or the kinds of group set
 * wrong must be able to mend them, then rerun the rules (round recheck).
 */
static int
round_open_edit_allowed(const struct round *r, json_t *given,
    struct dom_err *e)
{
	const char	*key, **k;
	json_t		*v;

	if (strcmp(r->state, "draft") == 0)
		return 0;
	if (strcmp(r->state, "open") != 0)
		return dom_fail(e, DOM_CONFLICT, "round %s is %s; only a draft "
		    "round can be changed, or the eligibility rules of an open "
		    "one", r->code, r->state);
	json_object_foreach(given, key, v) {
		for (k = round_open_keys; *k != NULL; k++)
			if (strcmp(key, *k) == 0)
				break;
		if (*k == NULL)
			return dom_fail(e, DOM_CONFLICT, "round %s is open; only "
			    "its eligibility rules (--org-types, --area, "
			    "--min-award, --one-per-org or --many-per-org, "
			    "--award-gap) can be changed now", r->code);
	}
	return 0;
}

/* The round's current values, as a create request would give them. */
static json_t *
round_as_request(const struct round *r)
{
	json_t	*req, *list;
	char	 d[32];

	req = json_pack("{s:s,s:s,s:I,s:b,s:s}", "fund", r->fund, "title",
	    r->title, "budget", (json_int_t)r->budget, "rolling", r->rolling,
	    "opens", date_format_local_input(r->opens, d, sizeof d));
	if (r->has_max)
		json_object_set_new(req, "max_award",
		    json_integer(r->max_award));
	if (r->has_closes)
		json_object_set_new(req, "closes", json_string(
		    date_format_local_input(r->closes, d, sizeof d)));
	if ((list = round_priorities(r->id)) == NULL ||
	    json_object_set_new(req, "priorities", list) == -1 ||
	    (list = round_criteria(r->id)) == NULL ||
	    json_object_set_new(req, "criteria", list) == -1 ||
	    (list = db_query_row("SELECT scale_labels FROM rounds WHERE id = ?",
	    "i", (int64_t)r->id)) == NULL) {
		json_decref(req);
		return NULL;
	}
	json_object_set_new(req, "descriptors", round_labels(list));
	json_decref(list);
	round_rules_as_request(&r->rules, req);
	return req;
}

/*
 * Change a draft round. What changes does not give stays; lists given
 * replace the old ones; the whole round as it would be is checked with
 * create's own rules.
 */
int
round_edit(const char *actor, const char *code, json_t *changes,
    struct dom_err *e)
{
	struct round		 r;
	struct round_spec	 s;
	json_t			*req, *given;
	long long		 fund_id;
	int			 seq, rc = -1;
	char			 opens[32], closes[32];

	memset(&s, 0, sizeof s);
	if (db_begin() == -1)
		return dom_db_fail(e);
	if (round_get(code, 1, &r, e) == -1)
		return -1;
	given = json_deep_copy(changes);
	json_object_del(given, "fund");		/* a round stays in its fund */
	if (round_open_edit_allowed(&r, given, e) == -1) {
		json_decref(given);
		return -1;
	}
	if ((req = round_as_request(&r)) == NULL) {
		json_decref(given);
		return dom_db_fail(e);
	}
	if (json_is_true(json_object_get(given, "rolling")) ||
	    json_object_get(given, "closes") != NULL)
		json_object_del(req, "closes");
	json_object_update(req, given);
	if (round_spec_read(req, &s, e) == -1 ||
	    round_fund_allows(&s, r.id, &fund_id, &seq, e) == -1)
		goto out;
	round_sql_dates(&s, opens, closes);
	if (db_exec("UPDATE rounds SET title = ?, opens_at = ?, closes_at = ?, "
	    "rolling = ?, budget = ?, max_award = IF(?, ?, NULL) WHERE id = ?",
	    "sssdidii", s.title, opens, s.has_closes ? closes : NULL, s.rolling,
	    s.budget, s.has_max, s.max, (int64_t)r.id) == -1 ||
	    round_write_lists(r.id, &s) == -1 ||
	    round_write_rules(r.id, &s) == -1 ||
	    audit_append(actor, "round.edit", code, json_incref(given)) == -1 ||
	    db_commit() == -1) {
		dom_db_fail(e);
		goto out;
	}
	rc = 0;
out:
	round_spec_free(&s);
	json_decref(req);
	json_decref(given);
	return rc;
}

/* Move a round to another state, if its lifecycle allows. */
int
round_move(const char *actor, const char *code, const char *to,
    struct dom_err *e)
{
	struct round	r;

	if (to == NULL || !state_valid(STATE_ROUND, to))
		return round_bad_state(e, to);
	if (db_begin() == -1)
		return dom_db_fail(e);
	if (round_get(code, 1, &r, e) == -1)
		return -1;
	if (!state_can_move(STATE_ROUND, r.state, to))
		return dom_fail(e, DOM_CONFLICT, "round %s is %s, so it cannot "
		    "be moved to %s", code, r.state, to);
	if (strcmp(to, "open") == 0 && r.has_closes && r.closes <= time(NULL))
		return dom_fail(e, DOM_CONFLICT, "round %s cannot open: its "
		    "closing date has passed", code);
	if (db_exec("UPDATE rounds SET state = ? WHERE id = ?", "si", to,
	    (int64_t)r.id) != 1 ||
	    audit_append(actor, "round.state", code, json_pack("{s:s,s:s}",
	    "from", r.state, "to", to)) == -1 || db_commit() == -1)
		return dom_db_fail(e);
	return 0;
}
