/*
 * api-rounds.c: rounds of a fund, with their dates, budget, priorities and
 * published criteria, moving through draft → open → closed → assessing →
 * decided → archived.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

#define ROUND_MAX_LIST	20

#define ROUND_SELECT \
	"SELECT r.code, f.code AS fund, r.title, r.state, r.opens_at, " \
	"r.closes_at, r.rolling, r.budget, r.max_award, r.committed, r.paid, " \
	"r.budget - r.committed AS uncommitted, r.created_at FROM rounds r " \
	"JOIN funds f ON f.id = r.fund_id "

struct round_new {
	const char	*fund, *title;
	time_t		 opens, closes;
	int		 has_closes, rolling, has_max;
	int64_t		 budget, max;
	json_t		*criteria;	/* [{name, weight}] */
};

static void
round_not_found(struct api_req *r, const char *code)
{
	api_error(r, 404, "no round %s (grantctl round list shows them)", code);
}

/* "Tackling social isolation:30" or {"name": ..., "weight": 30}. */
static int
round_parse_criteria(struct api_req *r, json_t *in, json_t **out)
{
	json_t		*v;
	size_t		 i;
	char		*name, *colon, *end;
	long		 w, total = 0;

	*out = json_array();
	if (in == NULL)
		return 0;
	if (!json_is_array(in) || json_array_size(in) > ROUND_MAX_LIST) {
		api_error(r, 400, "criteria must be a list of at most %d",
		    ROUND_MAX_LIST);
		return -1;
	}
	json_array_foreach(in, i, v) {
		if (json_is_object(v) && json_is_string(json_object_get(v,
		    "name")) && json_is_integer(json_object_get(v, "weight"))) {
			name = xstrdup(json_string_value(json_object_get(v,
			    "name")));
			w = (long)json_integer_value(json_object_get(v, "weight"));
		} else if (json_is_string(v) &&
		    (colon = strrchr(json_string_value(v), ':')) != NULL) {
			name = xstrdup(json_string_value(v));
			name[colon - json_string_value(v)] = '\0';
			w = strtol(colon + 1, &end, 10);
			if (*end != '\0' || end == colon + 1)
				w = -1;
		} else {
			api_error(r, 400, "criterion %zu: write it as "
			    "NAME:WEIGHT, like 'Tackling social isolation:30'",
			    i + 1);
			goto fail;
		}
		if (*name == '\0' || strlen(name) > 200 || w < 1 || w > 100) {
			api_error(r, 400, "criterion '%s' needs a name and a "
			    "weight from 1 to 100", name);
			free(name);
			goto fail;
		}
		total += w;
		json_array_append_new(*out, json_pack("{s:s,s:i}", "name", name,
		    "weight", (int)w));
		free(name);
	}
	if (json_array_size(*out) > 0 && total != 100) {
		api_error(r, 400, "criteria weights add up to %ld; they must "
		    "add up to 100", total);
		goto fail;
	}
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return -1;
}

static int
round_parse_priorities(struct api_req *r, json_t *in)
{
	json_t	*v;
	size_t	 i;

	if (in == NULL)
		return 0;
	if (!json_is_array(in) || json_array_size(in) > ROUND_MAX_LIST) {
		api_error(r, 400, "priorities must be a list of at most %d",
		    ROUND_MAX_LIST);
		return -1;
	}
	json_array_foreach(in, i, v)
		if (!json_is_string(v) || *json_string_value(v) == '\0' ||
		    strlen(json_string_value(v)) > 200) {
			api_error(r, 400, "priority %zu must be text of up to "
			    "200 characters", i + 1);
			return -1;
		}
	return 0;
}

static int
round_parse(struct api_req *r, struct round_new *n)
{
	char	err[GRANT_ERRLEN], a[64], b[64];
	json_t	*rolling = json_object_get(r->body, "rolling");

	memset(n, 0, sizeof *n);
	n->fund = api_str(r, "fund");
	n->title = api_str(r, "title");
	n->rolling = json_is_true(rolling);
	if (n->fund == NULL) {
		api_error(r, 400, "which fund is the round for?");
		return -1;
	}
	if (n->title == NULL || *n->title == '\0' || strlen(n->title) > 200) {
		api_error(r, 400, "a round needs a title (up to 200 characters)");
		return -1;
	}
	if (date_parse_local(api_str(r, "opens"), 0, &n->opens, err,
	    sizeof err) == -1) {
		api_error(r, 400, "opens: %s", err);
		return -1;
	}
	if (api_str(r, "closes") != NULL) {
		if (date_parse_local(api_str(r, "closes"), 1, &n->closes, err,
		    sizeof err) == -1) {
			api_error(r, 400, "closes: %s", err);
			return -1;
		}
		n->has_closes = 1;
		if (n->closes <= n->opens) {
			api_error(r, 400, "the round closes (%s) before it "
			    "opens (%s)", date_format_local(n->closes, a,
			    sizeof a), date_format_local(n->opens, b, sizeof b));
			return -1;
		}
	} else if (!n->rolling) {
		api_error(r, 400, "a round that is not rolling needs a closing "
		    "date");
		return -1;
	}
	if (api_money(r, "budget", 1, &n->budget) == -1 ||
	    (n->has_max = api_money(r, "max_award", 0, &n->max)) == -1)
		return -1;
	if (n->budget == 0) {
		api_error(r, 400, "a round's budget must be more than £0.00");
		return -1;
	}
	if (n->has_max && n->max == 0) {
		api_error(r, 400, "max_award must be more than £0.00");
		return -1;
	}
	if (round_parse_priorities(r, json_object_get(r->body,
	    "priorities")) == -1)
		return -1;
	return round_parse_criteria(r, json_object_get(r->body, "criteria"),
	    &n->criteria);
}

/* Inside the transaction: the fund locked, and the new round's number. */
static int
round_check_fund(struct api_req *r, struct round_new *n, long long *fund_id,
    int *seq)
{
	json_t	*fund;
	int64_t	 unalloc, fmax;
	char	 a[MONEY_BUFLEN], b[MONEY_BUFLEN], c[MONEY_BUFLEN];
	int	 rc = -1;

	fund = db_query_row("SELECT f.id, f.budget, f.max_award, f.budget - "
	    "COALESCE((SELECT SUM(budget) FROM rounds WHERE fund_id = f.id), 0) "
	    "AS unallocated, COALESCE((SELECT MAX(seq) FROM rounds WHERE "
	    "fund_id = f.id AND year = ?), 0) + 1 AS seq FROM funds f WHERE "
	    "f.code = ? FOR UPDATE", "ds", date_year_local(n->opens), n->fund);
	if (fund == NULL) {
		api_db_error(r);
		return -1;
	}
	if (json_is_null(fund)) {
		db_rollback();
		api_error(r, 404, "no fund %s (grantctl fund list shows them)",
		    n->fund);
		return -1;
	}
	*fund_id = json_integer_value(json_object_get(fund, "id"));
	*seq = (int)json_integer_value(json_object_get(fund, "seq"));
	unalloc = json_integer_value(json_object_get(fund, "unallocated"));
	fmax = json_integer_value(json_object_get(fund, "max_award"));
	if (n->budget > unalloc) {
		db_rollback();
		api_error(r, 409, "the round's budget (%s) is more than fund "
		    "%s has unallocated (%s of %s)", money_format(n->budget, a,
		    sizeof a), n->fund, money_format(unalloc, b, sizeof b),
		    money_format(json_integer_value(json_object_get(fund,
		    "budget")), c, sizeof c));
		goto out;
	}
	if (!json_is_null(json_object_get(fund, "max_award"))) {
		if (n->has_max && n->max > fmax) {
			db_rollback();
			api_error(r, 400, "the round's maximum award (%s) is "
			    "more than fund %s allows (%s)", money_format(n->max,
			    a, sizeof a), n->fund, money_format(fmax, b,
			    sizeof b));
			goto out;
		}
		if (!n->has_max) {
			n->max = fmax;
			n->has_max = 1;
		}
	}
	rc = 0;
out:
	json_decref(fund);
	return rc;
}

static json_t *
round_load(const char *code)
{
	json_t	*round, *list;

	if ((round = db_query_row(ROUND_SELECT "WHERE r.code = ?", "s",
	    code)) == NULL || json_is_null(round))
		return round;
	if ((list = db_query("SELECT p.text FROM round_priorities p JOIN "
	    "rounds r ON r.id = p.round_id WHERE r.code = ? ORDER BY "
	    "p.position", "s", code)) == NULL)
		goto fail;
	json_object_set_new(round, "priorities", list);
	if ((list = db_query("SELECT c.name, c.weight FROM round_criteria c "
	    "JOIN rounds r ON r.id = c.round_id WHERE r.code = ? ORDER BY "
	    "c.position", "s", code)) == NULL)
		goto fail;
	json_object_set_new(round, "criteria", list);
	/* What applicants are asking for, against what the round holds. */
	if ((list = db_query_row("SELECT COUNT(*) AS applications, "
	    "COALESCE(SUM(a.amount_requested), 0) AS requested FROM "
	    "applications a JOIN rounds r ON r.id = a.round_id WHERE r.code = ? "
	    "AND a.state NOT IN ('withdrawn', 'ineligible')", "s", code))
	    == NULL)
		goto fail;
	json_object_update(round, list);
	json_decref(list);
	return round;
fail:
	json_decref(round);
	return NULL;
}

static int
round_insert_lists(long long id, struct api_req *r, json_t *criteria)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(json_object_get(r->body, "priorities"), i, v)
		if (db_exec("INSERT INTO round_priorities (round_id, position, "
		    "text) VALUES (?, ?, ?)", "ids", (int64_t)id, (int)i,
		    json_string_value(v)) != 1)
			return -1;
	json_array_foreach(criteria, i, v)
		if (db_exec("INSERT INTO round_criteria (round_id, position, "
		    "name, weight) VALUES (?, ?, ?, ?)", "idsi", (int64_t)id,
		    (int)i, json_string_value(json_object_get(v, "name")),
		    (int64_t)json_integer_value(json_object_get(v, "weight")))
		    != 1)
			return -1;
	return 0;
}

static void
api_round_create(struct api_req *r)
{
	struct round_new	 n;
	long long		 fund_id, id;
	int			 seq;
	char			 code[64], opens[32], closes[32];
	json_t			*round;

	if (round_parse(r, &n) == -1)
		return;
	if (db_begin() == -1) {
		api_db_error(r);
		goto out;
	}
	if (round_check_fund(r, &n, &fund_id, &seq) == -1)
		goto out;
	snprintf(code, sizeof code, "%s-%d-R%d", n.fund,
	    date_year_local(n.opens), seq);
	date_format_utc(n.opens, opens, sizeof opens);
	date_format_utc(n.closes, closes, sizeof closes);
	opens[strlen(opens) - 1] = closes[strlen(closes) - 1] = '\0';
	if (db_exec("INSERT INTO rounds (fund_id, code, year, seq, title, "
	    "opens_at, closes_at, rolling, budget, max_award) VALUES (?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, IF(?, ?, NULL))", "isddsssdidi", (int64_t)fund_id,
	    code, date_year_local(n.opens), seq, n.title, opens,
	    n.has_closes ? closes : NULL, n.rolling, n.budget, n.has_max,
	    n.max) != 1)
		goto dberr;
	id = db_insert_id();
	if (round_insert_lists(id, r, n.criteria) == -1 ||
	    audit_append(r->user_name, "round.create", code, json_pack(
	    "{s:s,s:s,s:I,s:O}", "fund", n.fund, "title", n.title, "budget",
	    (json_int_t)n.budget, "criteria", n.criteria)) == -1 ||
	    db_commit() == -1)
		goto dberr;
	if ((round = round_load(code)) == NULL || json_is_null(round)) {
		json_decref(round);
		round = json_pack("{s:s,s:s}", "code", code, "state", "draft");
	}
	api_reply(r, 201, round);
	goto out;
dberr:
	api_db_error(r);
out:
	json_decref(n.criteria);
}

static void
api_round_list(struct api_req *r)
{
	const char	*fund = api_query(r, "fund"), *state = api_query(r, "state");
	json_t		*rows;

	if (state != NULL && !state_valid(STATE_ROUND, state)) {
		api_error(r, 400, "'%s' is not a round state (draft, open, "
		    "closed, assessing, decided, archived)", state);
		return;
	}
	rows = db_query(ROUND_SELECT "WHERE (? IS NULL OR f.code = ?) AND "
	    "(? IS NULL OR r.state = ?) ORDER BY r.opens_at, r.id", "ssss",
	    fund, fund, state, state);
	if (rows == NULL) {
		api_db_error(r);
		return;
	}
	api_reply(r, 200, json_pack("{s:o}", "rounds", rows));
}

static void
api_round_show(struct api_req *r)
{
	json_t	*round;

	if ((round = round_load(r->parts[2])) == NULL) {
		api_db_error(r);
		return;
	}
	if (json_is_null(round)) {
		round_not_found(r, r->parts[2]);
		return;
	}
	api_reply(r, 200, round);
}

/* POST /v1/rounds/CODE/transition {"to": "open"} */
static void
api_round_transition(struct api_req *r)
{
	const char	*code = r->parts[2], *to = api_str(r, "to");
	json_t		*row, *round;
	char		 from[32];
	time_t		 closes;

	if (to == NULL || !state_valid(STATE_ROUND, to)) {
		api_error(r, 400, "'%s' is not a round state (draft, open, "
		    "closed, assessing, decided, archived)", to ? to : "");
		return;
	}
	if (db_begin() == -1 || (row = db_query_row("SELECT state, closes_at "
	    "FROM rounds WHERE code = ? FOR UPDATE", "s", code)) == NULL)
		goto dberr;
	if (json_is_null(row)) {
		db_rollback();
		round_not_found(r, code);
		return;
	}
	snprintf(from, sizeof from, "%s",
	    json_string_value(json_object_get(row, "state")));
	if (!state_can_move(STATE_ROUND, from, to)) {
		json_decref(row);
		db_rollback();
		api_error(r, 409, "round %s is %s, so it cannot be moved to %s",
		    code, from, to);
		return;
	}
	if (strcmp(to, "open") == 0 && json_is_string(json_object_get(row,
	    "closes_at")) && date_parse_utc(json_string_value(json_object_get(
	    row, "closes_at")), &closes) == 0 && closes <= time(NULL)) {
		json_decref(row);
		db_rollback();
		api_error(r, 409, "round %s cannot open: its closing date has "
		    "passed", code);
		return;
	}
	json_decref(row);
	if (db_exec("UPDATE rounds SET state = ? WHERE code = ?", "ss", to,
	    code) != 1 ||
	    audit_append(r->user_name, "round.state", code, json_pack(
	    "{s:s,s:s}", "from", from, "to", to)) == -1 ||
	    db_commit() == -1)
		goto dberr;
	if ((round = round_load(code)) == NULL || json_is_null(round)) {
		json_decref(round);
		round = json_pack("{s:s,s:s}", "code", code, "state", to);
	}
	api_reply(r, 200, round);
	return;
dberr:
	api_db_error(r);
}

/* The round's current values, as a create request would give them. */
static json_t *
round_as_request(json_t *row, json_t *prio, json_t *crit)
{
	json_t	*req, *list, *v;
	time_t	 t;
	size_t	 i;
	char	 d[32];

	req = json_pack("{s:O,s:O,s:O,s:b}", "fund", json_object_get(row,
	    "fund"), "title", json_object_get(row, "title"), "budget",
	    json_object_get(row, "budget"), "rolling",
	    json_integer_value(json_object_get(row, "rolling")) != 0);
	if (json_is_integer(json_object_get(row, "max_award")))
		json_object_set(req, "max_award", json_object_get(row,
		    "max_award"));
	if (date_parse_utc(json_string_value(json_object_get(row, "opens_at")),
	    &t) == 0)
		json_object_set_new(req, "opens", json_string(
		    date_format_local_input(t, d, sizeof d)));
	if (json_is_string(json_object_get(row, "closes_at")) &&
	    date_parse_utc(json_string_value(json_object_get(row, "closes_at")),
	    &t) == 0)
		json_object_set_new(req, "closes", json_string(
		    date_format_local_input(t, d, sizeof d)));
	list = json_array();
	json_array_foreach(prio, i, v)
		json_array_append(list, json_object_get(v, "text"));
	json_object_set_new(req, "priorities", list);
	list = json_array();
	json_array_foreach(crit, i, v)
		json_array_append_new(list, json_pack("{s:O,s:O}", "name",
		    json_object_get(v, "name"), "weight", json_object_get(v,
		    "weight")));
	json_object_set_new(req, "criteria", list);
	return req;
}

/*
 * POST /v1/rounds/CODE {title, opens, closes, budget, ...}: change a draft
 * round. What is not given stays; lists given replace the old ones.
 */
static void
api_round_edit(struct api_req *r)
{
	const char		*code = r->parts[2];
	struct round_new	 n;
	json_t			*row, *prio, *crit, *req, *given, *fund;
	long long		 id;
	int64_t			 room;
	char			 opens[32], closes[32], a[MONEY_BUFLEN], b[MONEY_BUFLEN];

	memset(&n, 0, sizeof n);
	if (db_begin() == -1 || (row = db_query_row("SELECT r.id, f.code AS "
	    "fund, r.title, r.state, r.opens_at, r.closes_at, r.rolling, "
	    "r.budget, r.max_award FROM rounds r JOIN funds f ON f.id = "
	    "r.fund_id WHERE r.code = ? FOR UPDATE", "s", code)) == NULL)
		goto dberr;
	if (json_is_null(row)) {
		db_rollback();
		round_not_found(r, code);
		return;
	}
	if (strcmp(json_string_value(json_object_get(row, "state")), "draft")
	    != 0) {
		api_error(r, 409, "round %s is %s; only a draft round can be "
		    "changed", code, json_string_value(json_object_get(row,
		    "state")));
		json_decref(row);
		db_rollback();
		return;
	}
	id = json_integer_value(json_object_get(row, "id"));
	prio = db_query("SELECT text FROM round_priorities WHERE round_id = ? "
	    "ORDER BY position", "i", (int64_t)id);
	crit = db_query("SELECT name, weight FROM round_criteria WHERE "
	    "round_id = ? ORDER BY position", "i", (int64_t)id);
	if (prio == NULL || crit == NULL) {
		json_decref(row);
		json_decref(prio);
		json_decref(crit);
		goto dberr;
	}
	req = round_as_request(row, prio, crit);
	json_decref(row);
	json_decref(prio);
	json_decref(crit);
	json_object_del(r->body, "fund");
	if (json_is_true(json_object_get(r->body, "rolling")) ||
	    json_object_get(r->body, "closes") != NULL)
		json_object_del(req, "closes");
	json_object_update(req, r->body);
	/* Check the whole round as it would be, with create's own rules. */
	given = r->body;
	r->body = req;
	if (round_parse(r, &n) == -1) {
		r->body = given;
		json_decref(req);
		db_rollback();
		return;
	}
	fund = db_query_row("SELECT f.budget - COALESCE((SELECT SUM(budget) "
	    "FROM rounds WHERE fund_id = f.id AND id <> ?), 0) AS room, "
	    "f.max_award FROM funds f WHERE f.code = ? FOR UPDATE", "is",
	    (int64_t)id, n.fund);
	if (fund == NULL)
		goto dberr2;
	room = json_integer_value(json_object_get(fund, "room"));
	if (n.budget > room) {
		api_error(r, 409, "the round's budget (%s) is more than fund %s "
		    "can give it (%s)", money_format(n.budget, a, sizeof a),
		    n.fund, money_format(room, b, sizeof b));
		json_decref(fund);
		goto refused;
	}
	if (n.has_max && json_is_integer(json_object_get(fund, "max_award")) &&
	    n.max > json_integer_value(json_object_get(fund, "max_award"))) {
		api_error(r, 400, "the round's maximum award (%s) is more than "
		    "fund %s allows", money_format(n.max, a, sizeof a), n.fund);
		json_decref(fund);
		goto refused;
	}
	json_decref(fund);
	date_format_utc(n.opens, opens, sizeof opens);
	date_format_utc(n.closes, closes, sizeof closes);
	opens[strlen(opens) - 1] = closes[strlen(closes) - 1] = '\0';
	if (db_exec("UPDATE rounds SET title = ?, opens_at = ?, closes_at = ?, "
	    "rolling = ?, budget = ?, max_award = IF(?, ?, NULL) WHERE id = ?",
	    "sssdidii", n.title, opens, n.has_closes ? closes : NULL, n.rolling,
	    n.budget, n.has_max, n.max, (int64_t)id) == -1 ||
	    db_exec("DELETE FROM round_priorities WHERE round_id = ?", "i",
	    (int64_t)id) == -1 ||
	    db_exec("DELETE FROM round_criteria WHERE round_id = ?", "i",
	    (int64_t)id) == -1 ||
	    round_insert_lists(id, r, n.criteria) == -1 ||
	    audit_append(r->user_name, "round.edit", code,
	    json_deep_copy(given)) == -1 || db_commit() == -1)
		goto dberr2;
	r->body = given;
	json_decref(req);
	json_decref(n.criteria);
	if ((row = round_load(code)) == NULL || json_is_null(row)) {
		json_decref(row);
		row = json_pack("{s:s}", "code", code);
	}
	api_reply(r, 200, row);
	return;
refused:
	r->body = given;
	json_decref(req);
	json_decref(n.criteria);
	db_rollback();
	return;
dberr2:
	r->body = given;
	json_decref(req);
	json_decref(n.criteria);
dberr:
	api_db_error(r);
}

const struct api_route api_round_routes[] = {
	{ "POST", "/v1/rounds/*", ROLE_OFFICER, api_round_edit },
	{ "GET", "/v1/rounds", ROLE_ANY, api_round_list },
	{ "POST", "/v1/rounds", ROLE_OFFICER, api_round_create },
	{ "GET", "/v1/rounds/*", ROLE_ANY, api_round_show },
	{ "POST", "/v1/rounds/*/transition", ROLE_OFFICER, api_round_transition },
	{ NULL, NULL, 0, NULL }
};
