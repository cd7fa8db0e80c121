/*
 * assessment.c: panels. Assessors declare conflicts, are assigned the
 * eligible applications of a round (evenly, never one they are conflicted
 * on), and score each against the round's published criteria, by grantctl,
 * by a spreadsheet an officer imports, or by email. An application whose
 * assessors have all scored it moves shortlisted → scored. Every sum and
 * mean goes through lib/score.c, so the arithmetic is exact and rounded
 * once.
 */
#include <sys/random.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"
#include "mail/mail.h"

#define ASSESS_PER_APP_MAX	20
#define ASSESS_SUMMARY_MAX	2000	/* bytes of a project summary in a letter */

/* The default scale, 0..4, when a round names none. */
static const char *assess_default_labels[] = {
	"Not met", "Poorly met", "Partly met", "Well met", "Fully met"
};

/* ---- what the rules read ---- */

int
assess_round_read(long long round_id, struct assess_round *r)
{
	json_t		*row, *crit, *v, *labels;
	size_t		 i;

	memset(r, 0, sizeof *r);
	if ((row = db_query_row("SELECT r.id, r.code, r.title, r.scale_max, "
	    "r.scale_labels, r.moderation_spread, f.name AS fund_name FROM "
	    "rounds r JOIN funds f ON f.id = r.fund_id WHERE r.id = ?", "i",
	    (int64_t)round_id)) == NULL)
		return -1;
	if (json_is_null(row) || (crit = db_query("SELECT position, name, "
	    "weight FROM round_criteria WHERE round_id = ? ORDER BY position",
	    "i", (int64_t)round_id)) == NULL) {
		json_decref(row);
		return -1;
	}
	r->id = round_id;
	snprintf(r->code, sizeof r->code, "%s", json_string_value(
	    json_object_get(row, "code")));
	snprintf(r->title, sizeof r->title, "%s", json_string_value(
	    json_object_get(row, "title")));
	snprintf(r->fund_name, sizeof r->fund_name, "%s", json_string_value(
	    json_object_get(row, "fund_name")));
	r->scale_max = (int)json_integer_value(json_object_get(row,
	    "scale_max"));
	r->spread = (int)json_integer_value(json_object_get(row,
	    "moderation_spread"));
	json_array_foreach(crit, i, v) {
		if (r->ncrit == ASSESS_CRITERIA_MAX)
			break;
		r->position[r->ncrit] = (int)json_integer_value(
		    json_object_get(v, "position"));
		r->weight[r->ncrit] = (int)json_integer_value(
		    json_object_get(v, "weight"));
		snprintf(r->name[r->ncrit], sizeof r->name[0], "%s",
		    json_string_value(json_object_get(v, "name")));
		r->ncrit++;
	}
	json_decref(crit);
	/* The round's descriptors if they fit its scale, else the defaults. */
	labels = json_is_string(json_object_get(row, "scale_labels")) ?
	    json_loads(json_string_value(json_object_get(row, "scale_labels")),
	    0, NULL) : NULL;
	if (json_is_array(labels) && json_array_size(labels) ==
	    (size_t)r->scale_max + 1) {
		json_array_foreach(labels, i, v)
			snprintf(r->label[i], sizeof r->label[0], "%s",
			    json_is_string(v) ? json_string_value(v) : "");
	} else if (labels == NULL && r->scale_max == 4)
		for (i = 0; i < 5; i++)
			snprintf(r->label[i], sizeof r->label[0], "%s",
			    assess_default_labels[i]);
	json_decref(labels);
	json_decref(row);
	return 0;
}

struct assess_app {
	long long	 id, round_id;
	char		 reference[33], state[17];
};

/* The application ref (locked): 0, or -1 with e filled. */
static int
assess_app_get(const char *ref, struct assess_app *a, struct dom_err *e)
{
	json_t	*row;

	if (ref == NULL || (row = db_query_row("SELECT id, round_id, "
	    "reference, state FROM applications WHERE reference = ? FOR UPDATE",
	    "s", ref)) == NULL)
		return ref == NULL ? dom_fail(e, DOM_BAD, "which application?") :
		    dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		return dom_fail(e, DOM_NOT_FOUND, "no application %s", ref);
	}
	a->id = json_integer_value(json_object_get(row, "id"));
	a->round_id = json_integer_value(json_object_get(row, "round_id"));
	snprintf(a->reference, sizeof a->reference, "%s", json_string_value(
	    json_object_get(row, "reference")));
	snprintf(a->state, sizeof a->state, "%s", json_string_value(
	    json_object_get(row, "state")));
	json_decref(row);
	return 0;
}

/* A user by name: id, or -1 with e filled. */
static long long
assess_user_id(const char *name, struct dom_err *e)
{
	json_t		*row;
	long long	 id;

	if ((row = db_query_row("SELECT id FROM users WHERE name = ?", "s",
	    name)) == NULL)
		return dom_db_fail(e);
	if (json_is_null(row)) {
		json_decref(row);
		return dom_fail(e, DOM_NOT_FOUND, "no user %s (grantctl user "
		    "list shows them)", name);
	}
	id = json_integer_value(json_object_get(row, "id"));
	json_decref(row);
	return id;
}

/* 32 hex characters from the kernel's random source. */
static void
assess_token_new(char token[ASSESS_TOKEN_LEN + 1])
{
	unsigned char	r[ASSESS_TOKEN_LEN / 2];
	size_t		i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		fatal("getrandom");
	for (i = 0; i < sizeof r; i++)
		snprintf(token + 2 * i, 3, "%02x", r[i]);
}

/*
 * Where an assessor sends scores for one assignment: mail_from's address
 * with "+score-TOKEN" after its local part (grants+score-TOKEN@example.org).
 */
void
assess_score_address(const char *token, char *buf, size_t len)
{
	char	*name, *addr, *at;

	outbox_parse_from(grantd_config->mail_from, &name, &addr);
	if ((at = strchr(addr, '@')) != NULL) {
		*at = '\0';
		snprintf(buf, len, "%s+score-%s@%s", addr, token, at + 1);
	} else
		snprintf(buf, len, "%s+score-%s", addr, token);
	free(name);
	free(addr);
}

/* ---- criteria by name or number ---- */

/*
 * The criterion text names: its position number ("2", "2. Innovation"),
 * its name in any case, or a beginning of its name that fits one only
 * ("need" for "Need and evidence"). Returns the index, -1 if none, -2 if
 * several criteria begin so.
 */
int
assess_criterion_find(const struct assess_round *r, const char *text)
{
	size_t	 len, n;
	char	*end;
	long	 pos;
	int	 i, found = -1, count = 0;

	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (len == 0)
		return -1;
	if (isdigit((unsigned char)*text)) {
		pos = strtol(text, &end, 10);
		if ((size_t)(end - text) == len || !isalnum((unsigned char)*end))
			return pos >= 1 && pos <= r->ncrit ? (int)pos - 1 : -1;
	}
	for (i = 0; i < r->ncrit; i++)
		if (strlen(r->name[i]) == len &&
		    strncasecmp(r->name[i], text, len) == 0)
			return i;
	for (i = 0; i < r->ncrit; i++)
		if (strlen(r->name[i]) > len &&
		    strncasecmp(r->name[i], text, len) == 0) {
			found = i;
			count++;
		}
	if (count > 1)
		return -2;
	if (count == 1)
		return found;
	/* The name as the letter wrote it, with more after: "Need (30%)". */
	for (i = 0; i < r->ncrit; i++) {
		n = strlen(r->name[i]);
		if (n < len && strncasecmp(r->name[i], text, n) == 0 &&
		    !isalnum((unsigned char)text[n]))
			return i;
	}
	return -1;
}

/* Why a criterion was not found, for a person to read. */
static void
assess_criterion_problem(const struct assess_round *r, const char *text,
    int rc, json_t *problems)
{
	struct strbuf	b = { NULL, 0, 0 };
	int		i;
	char		num[16];

	strbuf_add(&b, "", 0);
	for (i = 0; i < r->ncrit; i++) {
		snprintf(num, sizeof num, "%s%d ", i > 0 ? ", " : "", i + 1);
		strbuf_add(&b, num, strlen(num));
		strbuf_add(&b, r->name[i], strlen(r->name[i]));
	}
	json_array_append_new(problems, json_sprintf("'%s' %s (the criteria "
	    "are %s)", text, rc == -2 ? "could be more than one criterion" :
	    "is no criterion of this round", b.s));
	free(b.s);
}

/*
 * A score as written: "3", "3/4", "3 out of 4". 1 with *score set, 0 if
 * nothing is written, -1 if it is not a whole number.
 */
static int
assess_value(const char *v, int *score)
{
	long	 n;
	char	*end;

	while (isspace((unsigned char)*v))
		v++;
	if (*v == '\0')
		return 0;
	if (!isdigit((unsigned char)*v))
		return -1;
	n = strtol(v, &end, 10);
	if (n > 1000 || (*end == '.' && isdigit((unsigned char)end[1])) ||
	    isalpha((unsigned char)*end))
		return -1;
	*score = (int)n;
	return 1;
}

/* ---- recording scores ---- */

/* Moves the application shortlisted → scored once every assessor has. */
static int
assess_check_complete(long long app_id, const char *ref, const char *actor)
{
	json_t	*row;
	int	 done, rc = 0;

	if ((row = db_query_row("SELECT a.state, COUNT(s.user_id) AS total, "
	    "COALESCE(SUM(s.scored_at IS NOT NULL), 0) AS done FROM "
	    "applications a LEFT JOIN assessment_assignments s ON "
	    "s.application_id = a.id WHERE a.id = ? GROUP BY a.id", "i",
	    (int64_t)app_id)) == NULL || json_is_null(row)) {
		json_decref(row);
		return -1;
	}
	done = json_integer_value(json_object_get(row, "total")) > 0 &&
	    json_integer_value(json_object_get(row, "total")) ==
	    json_integer_value(json_object_get(row, "done")) &&
	    strcmp(json_string_value(json_object_get(row, "state")),
	    "shortlisted") == 0;
	json_decref(row);
	if (done && (db_exec("UPDATE applications SET state = 'scored', "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?", "i", (int64_t)app_id)
	    != 1 || audit_append(actor, "application.state", ref, json_pack(
	    "{s:s,s:s,s:s}", "from", "shortlisted", "to", "scored", "reason",
	    "every assessor has scored it")) == -1))
		rc = -1;
	return rc;
}

/*
 * Record one assessor's scores (score[i] -1 where not given) inside the
 * caller's transaction. What is wrong goes in problems and nothing is
 * written; -1 only for a database error, which the caller rolls back.
 */
static int
assess_apply(const struct assess_round *r, long long app_id, const char *ref,
    long long user_id, const int *score, const char *comment,
    const char *source, const char *actor, json_t *problems)
{
	json_t		*have, *v, *detail;
	int		 stored[ASSESS_CRITERIA_MAX], i, missing = 0;
	size_t		 j;
	struct strbuf	 b = { NULL, 0, 0 };

	if ((have = db_query("SELECT position FROM assessment_scores WHERE "
	    "application_id = ? AND user_id = ?", "ii", (int64_t)app_id,
	    (int64_t)user_id)) == NULL)
		return -1;
	strbuf_add(&b, "", 0);
	for (i = 0; i < r->ncrit; i++) {
		stored[i] = 0;
		json_array_foreach(have, j, v)
			if (json_integer_value(json_object_get(v, "position"))
			    == r->position[i])
				stored[i] = 1;
		if (score[i] > r->scale_max)
			json_array_append_new(problems, json_sprintf("%d for "
			    "%s is outside the scale: scores are whole "
			    "numbers from 0 to %d", score[i], r->name[i],
			    r->scale_max));
		if (score[i] < 0 && !stored[i]) {
			if (missing++ > 0)
				strbuf_add(&b, ", ", 2);
			strbuf_add(&b, r->name[i], strlen(r->name[i]));
		}
	}
	json_decref(have);
	if (missing > 0)
		json_array_append_new(problems, json_sprintf("no score for %s "
		    "(the first time, every criterion needs one)", b.s));
	free(b.s);
	if (json_array_size(problems) > 0)
		return 0;
	detail = json_object();
	for (i = 0; i < r->ncrit; i++) {
		if (score[i] < 0)
			continue;
		if (db_exec("INSERT INTO assessment_scores (application_id, "
		    "user_id, position, score) VALUES (?, ?, ?, ?) ON DUPLICATE "
		    "KEY UPDATE score = VALUES(score)", "iidd", (int64_t)app_id,
		    (int64_t)user_id, r->position[i], score[i]) == -1) {
			json_decref(detail);
			return -1;
		}
		json_object_set_new(detail, r->name[i], json_integer(score[i]));
	}
	if (db_exec("UPDATE assessment_assignments SET scored_at = "
	    "UTC_TIMESTAMP(6), comment = COALESCE(?, comment), source = ? "
	    "WHERE application_id = ? AND user_id = ?", "ssii", comment, source,
	    (int64_t)app_id, (int64_t)user_id) != 1 ||
	    audit_append(actor, "assessment.score", ref, json_pack(
	    "{s:I,s:s,s:o}", "assessor", (json_int_t)user_id, "source", source,
	    "scores", detail)) == -1)
		return -1;
	return assess_check_complete(app_id, ref, actor);
}

/* Whether scores may still change: only until a decision. */
static int
assess_open_for_scores(const struct assess_app *a)
{
	return strcmp(a->state, "shortlisted") == 0 ||
	    strcmp(a->state, "scored") == 0;
}

/* Whether user is assigned app: 1, 0, or -1 on a database error. */
static int
assess_assigned(long long app_id, long long user_id)
{
	json_t	*row;
	int	 yes;

	if ((row = db_query_row("SELECT token FROM assessment_assignments "
	    "WHERE application_id = ? AND user_id = ?", "ii", (int64_t)app_id,
	    (int64_t)user_id)) == NULL)
		return -1;
	yes = !json_is_null(row);
	json_decref(row);
	return yes;
}

/* Problems as one message: "a; b". */
static int
assess_refuse(struct dom_err *e, const char *prefix, json_t *problems)
{
	struct strbuf	 b = { NULL, 0, 0 };
	json_t		*v;
	size_t		 i;
	int		 rc;

	strbuf_add(&b, "", 0);
	json_array_foreach(problems, i, v) {
		if (i > 0)
			strbuf_add(&b, "; ", 2);
		strbuf_add(&b, json_string_value(v), json_string_length(v));
	}
	rc = dom_fail(e, DOM_BAD, "%s%s", prefix, b.s);
	free(b.s);
	return rc;
}

/* One assessor's scores on an application, for an answer. */
static json_t *
assess_scores_of(const struct assess_round *r, long long app_id,
    long long user_id)
{
	json_t	*rows, *v, *list;
	int	 s[ASSESS_CRITERIA_MAX], i, all = 1;
	size_t	 j;
	char	 w[32];

	if ((rows = db_query("SELECT position, score FROM assessment_scores "
	    "WHERE application_id = ? AND user_id = ?", "ii", (int64_t)app_id,
	    (int64_t)user_id)) == NULL)
		return NULL;
	list = json_array();
	for (i = 0; i < r->ncrit; i++) {
		s[i] = -1;
		json_array_foreach(rows, j, v)
			if (json_integer_value(json_object_get(v, "position"))
			    == r->position[i])
				s[i] = (int)json_integer_value(json_object_get(v,
				    "score"));
		all = all && s[i] >= 0;
		json_array_append_new(list, json_pack("{s:i,s:s,s:i,s:o}",
		    "number", i + 1, "criterion", r->name[i], "weight",
		    r->weight[i], "score", s[i] >= 0 ? json_integer(s[i]) :
		    json_null()));
	}
	json_decref(rows);
	score_format(all ? score_weighted(s, r->weight, (size_t)r->ncrit) : 0,
	    w, sizeof w);
	return json_pack("{s:o,s:s?,s:i}", "criteria", list, "weighted",
	    all ? w : NULL, "scale_max", r->scale_max);
}

/*
 * An assigned assessor scores an application: items are "NAME=SCORE",
 * NAME a criterion as assess_criterion_find() reads it.
 */
json_t *
assess_score(const char *actor, long long actor_id, const char *ref,
    json_t *items, const char *comment, struct dom_err *e)
{
	struct assess_round	 r;
	struct assess_app	 a;
	json_t			*v, *problems, *out;
	const char		*s, *eq;
	char			 name[256];
	int			 score[ASSESS_CRITERIA_MAX], i, k, rc;
	size_t			 j;

	if (!json_is_array(items) || json_array_size(items) == 0)
		return dom_fail(e, DOM_BAD, "give scores with --criterion "
		    "NAME=SCORE"), NULL;
	if (db_begin() == -1)
		return dom_db_fail(e), NULL;
	if (assess_app_get(ref, &a, e) == -1)
		return NULL;
	if ((rc = assess_assigned(a.id, actor_id)) == -1)
		return dom_db_fail(e), NULL;
	if (rc == 0)
		return dom_fail(e, DOM_CONFLICT, "%s is not assigned to you: "
		    "only its assessors may score it", ref), NULL;
	if (!assess_open_for_scores(&a))
		return dom_fail(e, DOM_CONFLICT, "%s is %s: its scores can no "
		    "longer change", ref, a.state), NULL;
	if (assess_round_read(a.round_id, &r) == -1)
		return dom_db_fail(e), NULL;
	for (i = 0; i < r.ncrit; i++)
		score[i] = -1;
	problems = json_array();
	json_array_foreach(items, j, v) {
		s = json_is_string(v) ? json_string_value(v) : "";
		if ((eq = strrchr(s, '=')) == NULL) {
			json_array_append_new(problems, json_sprintf("'%s': "
			    "write it as NAME=SCORE, like need=3", s));
			continue;
		}
		snprintf(name, sizeof name, "%.*s", (int)(eq - s), s);
		if ((k = assess_criterion_find(&r, name)) < 0) {
			assess_criterion_problem(&r, name, k, problems);
			continue;
		}
		if (assess_value(eq + 1, &score[k]) != 1 ||
		    strspn(eq + 1, "0123456789") != strlen(eq + 1))
			json_array_append_new(problems, json_sprintf("'%s' for "
			    "%s is not a whole number from 0 to %d", eq + 1,
			    r.name[k], r.scale_max));
	}
	if (assess_apply(&r, a.id,
	    a.reference, actor_id, score, comment, "grantctl", actor,
	    problems) == -1) {
		json_decref(problems);
		return dom_db_fail(e), NULL;
	}
	if (json_array_size(problems) > 0) {
		assess_refuse(e, "", problems);
		json_decref(problems);
		return NULL;
	}
	json_decref(problems);
	if ((out = assess_scores_of(&r, a.id, actor_id)) == NULL ||
	    db_commit() == -1) {
		json_decref(out);
		return dom_db_fail(e), NULL;
	}
	json_object_set_new(out, "reference", json_string(a.reference));
	json_object_set_new(out, "assessor", json_string(actor));
	return out;
}

/* ---- conflicts ---- */

/*
 * A conflict of interest: an officer declares one for anyone, an assessor
 * their own (name NULL is the actor). Any assignment, with its scores,
 * goes, and the application is never assigned to them again.
 */
int
assess_conflict(const char *actor, int actor_roles, const char *ref,
    const char *name, const char *reason, struct dom_err *e)
{
	struct assess_app	 a;
	json_t			*row;
	long long		 user_id;
	int			 had;

	if (name == NULL || *name == '\0')
		name = actor;
	if (reason == NULL || *reason == '\0')
		return dom_fail(e, DOM_BAD, "say what the conflict is "
		    "(--reason)");
	if (!(actor_roles & (ROLE_OFFICER | ROLE_ADMIN)) &&
	    strcmp(name, actor) != 0)
		return dom_fail(e, DOM_BAD, "you may declare only your own "
		    "conflicts; an officer declares them for others");
	if (db_begin() == -1)
		return dom_db_fail(e);
	if (assess_app_get(ref, &a, e) == -1 ||
	    (user_id = assess_user_id(name, e)) == -1)
		return -1;
	if ((row = db_query_row("SELECT declared_by FROM assessment_conflicts "
	    "WHERE application_id = ? AND user_id = ?", "ii", (int64_t)a.id,
	    (int64_t)user_id)) == NULL)
		return dom_db_fail(e);
	if (!json_is_null(row)) {
		json_decref(row);
		return dom_fail(e, DOM_CONFLICT, "%s's conflict on %s is "
		    "already declared", name, ref);
	}
	json_decref(row);
	if ((had = assess_assigned(a.id, user_id)) == -1 ||
	    db_exec("INSERT INTO assessment_conflicts (application_id, user_id, "
	    "reason, declared_by) VALUES (?, ?, ?, ?)", "iiss", (int64_t)a.id,
	    (int64_t)user_id, reason, actor) != 1 ||
	    db_exec("DELETE FROM assessment_scores WHERE application_id = ? "
	    "AND user_id = ?", "ii", (int64_t)a.id, (int64_t)user_id) == -1 ||
	    db_exec("DELETE FROM assessment_assignments WHERE application_id = "
	    "? AND user_id = ?", "ii", (int64_t)a.id, (int64_t)user_id) == -1 ||
	    audit_append(actor, "assessment.conflict", ref, json_pack(
	    "{s:s,s:s,s:b}", "assessor", name, "reason", reason,
	    "assignment_removed", had)) == -1 ||
	    (had && assess_check_complete(a.id, ref, actor) == -1) ||
	    db_commit() == -1)
		return dom_db_fail(e);
	return 0;
}

/* ---- assignment ---- */

struct assess_panel {
	size_t		 n;
	long long	*id;
	int		*load;
	const char	**name, **email;
	json_t		**letters;	/* each assessor's new applications */
	json_t		*rows;
};

static int
assess_panel_read(long long round_id, struct assess_panel *p)
{
	json_t	*loads, *v, *l;
	size_t	 i, j;

	memset(p, 0, sizeof *p);
	if ((p->rows = db_query("SELECT id, name, email FROM users WHERE "
	    "active = 1 AND FIND_IN_SET('assessor', roles) ORDER BY id", ""))
	    == NULL || (loads = db_query("SELECT s.user_id, COUNT(*) AS n FROM "
	    "assessment_assignments s JOIN applications a ON a.id = "
	    "s.application_id WHERE a.round_id = ? GROUP BY s.user_id", "i",
	    (int64_t)round_id)) == NULL)
		return -1;
	p->n = json_array_size(p->rows);
	p->id = xcalloc(p->n + 1, sizeof *p->id);
	p->load = xcalloc(p->n + 1, sizeof *p->load);
	p->name = xcalloc(p->n + 1, sizeof *p->name);
	p->email = xcalloc(p->n + 1, sizeof *p->email);
	p->letters = xcalloc(p->n + 1, sizeof *p->letters);
	json_array_foreach(p->rows, i, v) {
		p->id[i] = json_integer_value(json_object_get(v, "id"));
		p->name[i] = json_string_value(json_object_get(v, "name"));
		p->email[i] = json_string_value(json_object_get(v, "email"));
		p->letters[i] = json_array();
		json_array_foreach(loads, j, l)
			if (json_integer_value(json_object_get(l, "user_id")) ==
			    p->id[i])
				p->load[i] = (int)json_integer_value(
				    json_object_get(l, "n"));
	}
	json_decref(loads);
	return 0;
}

static void
assess_panel_free(struct assess_panel *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		json_decref(p->letters[i]);
	free(p->id);
	free(p->load);
	free(p->name);
	free(p->email);
	free(p->letters);
	json_decref(p->rows);
}

static int
assess_conflicted(json_t *conflicts, long long app_id, long long user_id)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(conflicts, i, v)
		if (json_integer_value(json_object_get(v, "application_id")) ==
		    app_id && json_integer_value(json_object_get(v,
		    "user_id")) == user_id)
			return 1;
	return 0;
}

/* The criteria and the scale as a letter lists them. */
static json_t *
assess_letter_criteria(const struct assess_round *r)
{
	json_t	*list = json_array();
	int	 i;

	for (i = 0; i < r->ncrit; i++)
		json_array_append_new(list, json_pack("{s:i,s:s,s:i}", "number",
		    i + 1, "criterion", r->name[i], "weight", r->weight[i]));
	return list;
}

static json_t *
assess_letter_scale(const struct assess_round *r)
{
	json_t	*list = json_array();
	int	 i;

	for (i = 0; i <= r->scale_max; i++)
		json_array_append_new(list, json_pack("{s:i,s:s}", "score", i,
		    "label", r->label[i]));
	return list;
}

/* One application as the assignment letter shows it. */
static json_t *
assess_letter_app(long long app_id, const char *token, json_t *criteria)
{
	json_t	*row, *fields, *block;
	char	 m[MONEY_BUFLEN], addr[320], *summary;

	if ((row = db_query_row("SELECT reference, organisation, "
	    "project_title, amount_requested, fields FROM applications WHERE "
	    "id = ?", "i", (int64_t)app_id)) == NULL || json_is_null(row)) {
		json_decref(row);
		return NULL;
	}
	fields = json_loads(json_string_value(json_object_get(row, "fields")),
	    0, NULL);
	summary = xstrdup(json_is_string(json_object_get(fields, "summary")) ?
	    json_string_value(json_object_get(fields, "summary")) : "");
	if (strlen(summary) > ASSESS_SUMMARY_MAX)
		utf8_truncate(summary, ASSESS_SUMMARY_MAX);
	assess_score_address(token, addr, sizeof addr);
	block = json_pack("{s:O,s:O,s:O,s:s,s:s,s:s,s:O}", "reference",
	    json_object_get(row, "reference"), "organisation",
	    json_object_get(row, "organisation"), "project_title",
	    json_object_get(row, "project_title"), "amount",
	    money_format(json_integer_value(json_object_get(row,
	    "amount_requested")), m, sizeof m), "summary", summary,
	    "score_address", addr, "criteria", criteria);
	free(summary);
	json_decref(fields);
	json_decref(row);
	return block;
}

/* Pick, for one application, the n least-loaded assessors free to take it. */
static int
assess_pick(struct assess_panel *p, json_t *conflicts, long long app_id,
    int n, size_t *picked)
{
	size_t	 i, k, best;
	int	 taken;

	for (k = 0; k < (size_t)n; k++) {
		best = p->n;
		for (i = 0; i < p->n; i++) {
			taken = 0;
			for (size_t j = 0; j < k; j++)
				taken |= picked[j] == i;
			if (taken || assess_conflicted(conflicts, app_id,
			    p->id[i]))
				continue;
			if (best == p->n || p->load[i] < p->load[best])
				best = i;
		}
		if (best == p->n)
			return -1;
		picked[k] = best;
		p->load[best]++;
	}
	return 0;
}

/*
 * Each assessor's one letter, with every application new to them; those
 * with no address are named in unsent, to use grantctl assess list.
 */
static int
assess_send_letters(struct assess_panel *p, const struct assess_round *r,
    const char *actor, json_t *unsent)
{
	struct outbox_new	 o;
	json_t			*officer, *vars, *scale;
	size_t			 i;
	int			 rc = 0;

	if ((officer = db_query_row("SELECT name, email FROM users WHERE "
	    "name = ?", "s", actor)) == NULL)
		return -1;
	scale = assess_letter_scale(r);
	for (i = 0; i < p->n && rc == 0; i++) {
		if (json_array_size(p->letters[i]) == 0)
			continue;
		if (p->email[i] == NULL) {
			json_array_append_new(unsent, json_string(p->name[i]));
			continue;
		}
		vars = json_pack("{s:s,s:s,s:s,s:s,s:O,s:i,s:O}", "user_name",
		    p->name[i], "fund_name", r->fund_name, "round_title",
		    r->title, "round_code", r->code, "applications",
		    p->letters[i], "scale_max", r->scale_max, "scale", scale);
		memset(&o, 0, sizeof o);
		o.template = "assessor-assignment";
		o.to_addr = p->email[i];
		o.to_name = p->name[i];
		/* Questions go to the officer who assigned them, if known. */
		if (json_is_string(json_object_get(officer, "email"))) {
			o.reply_to_addr = json_string_value(json_object_get(
			    officer, "email"));
			o.reply_to_name = actor;
			json_object_set(vars, "officer_email",
			    json_object_get(officer, "email"));
		} else
			json_object_set_new(vars, "officer_email",
			    json_string(grantd_config->mail_from));
		o.vars = vars;
		rc = outbox_queue(&o) == -1 ? -1 : 0;
		json_decref(vars);
	}
	json_decref(scale);
	json_decref(officer);
	return rc;
}

/*
 * Give every eligible, unassigned application of the round per_app
 * assessors, shortlisting it; each assessor is sent one letter.
 */
json_t *
assess_assign(const char *actor, const char *round, int per_app,
    struct dom_err *e)
{
	struct assess_round	 r;
	struct assess_panel	 p;
	json_t			*row, *apps = NULL, *conflicts = NULL, *v, *out = NULL;
	json_t			*assigned, *loads, *names, *criteria = NULL, *block;
	json_t			*unsent;
	size_t			 i, k, picked[ASSESS_PER_APP_MAX], free_n, u;
	long long		 app_id;
	char			 token[ASSESS_TOKEN_LEN + 1];
	const char		*ref;

	memset(&p, 0, sizeof p);
	if (per_app < 1 || per_app > ASSESS_PER_APP_MAX)
		return dom_fail(e, DOM_BAD, "--per-app must be from 1 to %d",
		    ASSESS_PER_APP_MAX), NULL;
	if (round == NULL)
		return dom_fail(e, DOM_BAD, "which round?"), NULL;
	/* The round's row is the lock: one assignment run at a time. */
	if (db_begin() == -1 || (row = db_query_row("SELECT id FROM rounds "
	    "WHERE code = ? FOR UPDATE", "s", round)) == NULL)
		return dom_db_fail(e), NULL;
	if (json_is_null(row)) {
		json_decref(row);
		return dom_fail(e, DOM_NOT_FOUND, "no round %s (grantctl round "
		    "list shows them)", round), NULL;
	}
	r.id = json_integer_value(json_object_get(row, "id"));
	json_decref(row);
	if (assess_round_read(r.id, &r) == -1 ||
	    assess_panel_read(r.id, &p) == -1 ||
	    (apps = db_query("SELECT a.id, a.reference FROM applications a "
	    "WHERE a.round_id = ? AND a.state = 'eligible' AND NOT EXISTS "
	    "(SELECT 1 FROM assessment_assignments s WHERE s.application_id = "
	    "a.id) ORDER BY a.id FOR UPDATE", "i", (int64_t)r.id)) == NULL ||
	    (conflicts = db_query("SELECT c.application_id, c.user_id FROM "
	    "assessment_conflicts c JOIN applications a ON a.id = "
	    "c.application_id WHERE a.round_id = ?", "i", (int64_t)r.id))
	    == NULL) {
		dom_db_fail(e);
		goto out;
	}
	if (r.ncrit == 0) {
		dom_fail(e, DOM_CONFLICT, "round %s has no criteria to score "
		    "against", round);
		goto out;
	}
	if (json_array_size(apps) == 0) {
		dom_fail(e, DOM_CONFLICT, "round %s has no eligible "
		    "applications waiting for assessors", round);
		goto out;
	}
	/* Refuse before anything is written, naming the application. */
	json_array_foreach(apps, i, v) {
		for (free_n = 0, u = 0; u < p.n; u++)
			free_n += !assess_conflicted(conflicts,
			    json_integer_value(json_object_get(v, "id")),
			    p.id[u]);
		if (free_n < (size_t)per_app) {
			dom_fail(e, DOM_CONFLICT, "%s has %zu assessor%s without "
			    "a conflict; %d are needed (add assessors with "
			    "grantctl user add, or lower --per-app)",
			    json_string_value(json_object_get(v, "reference")),
			    free_n, free_n == 1 ? "" : "s", per_app);
			goto out;
		}
	}
	criteria = assess_letter_criteria(&r);
	assigned = json_array();
	out = json_pack("{s:s,s:i,s:I,s:o}", "round", round, "per_app",
	    per_app, "applications", (json_int_t)json_array_size(apps),
	    "assignments", assigned);
	json_array_foreach(apps, i, v) {
		app_id = json_integer_value(json_object_get(v, "id"));
		ref = json_string_value(json_object_get(v, "reference"));
		if (assess_pick(&p, conflicts, app_id, per_app, picked) == -1)
			goto dbfail;	/* checked above */
		names = json_array();
		for (k = 0; k < (size_t)per_app; k++) {
			assess_token_new(token);
			if (db_exec("INSERT INTO assessment_assignments "
			    "(application_id, user_id, token) VALUES (?, ?, ?)",
			    "iis", (int64_t)app_id, (int64_t)p.id[picked[k]],
			    token) != 1 || (block = assess_letter_app(app_id,
			    token, criteria)) == NULL) {
				json_decref(names);
				goto dbfail;
			}
			json_array_append_new(p.letters[picked[k]], block);
			json_array_append_new(names, json_string(
			    p.name[picked[k]]));
			json_array_append_new(assigned, json_pack("{s:s,s:s}",
			    "reference", ref, "assessor", p.name[picked[k]]));
		}
		if (db_exec("UPDATE applications SET state = 'shortlisted', "
		    "updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND state = "
		    "'eligible'", "i", (int64_t)app_id) != 1 ||
		    audit_append(actor, "application.state", ref, json_pack(
		    "{s:s,s:s,s:o}", "from", "eligible", "to", "shortlisted",
		    "assessors", names)) == -1)
			goto dbfail;
	}
	unsent = json_array();
	json_object_set_new(out, "not_emailed", unsent);
	if (assess_send_letters(&p, &r, actor, unsent) == -1 ||
	    db_commit() == -1)
		goto dbfail;
	loads = json_array();
	for (u = 0; u < p.n; u++)
		json_array_append_new(loads, json_pack("{s:s,s:i}", "assessor",
		    p.name[u], "load", p.load[u]));
	json_object_set_new(out, "loads", loads);
	goto out;
dbfail:
	json_decref(out);
	out = NULL;
	dom_db_fail(e);
out:
	json_decref(criteria);
	json_decref(apps);
	json_decref(conflicts);
	assess_panel_free(&p);
	return out;
}

/* ---- queues ---- */

/*
 * Assessors' queues: an officer's view is everyone's (or, mine, their
 * own); anyone else sees only their own.
 */
json_t *
assess_list(long long viewer_id, int viewer_roles, int mine,
    const char *round, struct dom_err *e)
{
	json_t	*rows;

	if (!(viewer_roles & (ROLE_OFFICER | ROLE_ADMIN)))
		mine = 1;
	if ((rows = db_query("SELECT a.reference, a.organisation, r.code AS "
	    "round, u.name AS assessor, s.scored_at IS NOT NULL AS scored, "
	    "s.scored_at, s.source, a.state FROM assessment_assignments s JOIN "
	    "applications a ON a.id = s.application_id JOIN rounds r ON r.id = "
	    "a.round_id JOIN users u ON u.id = s.user_id WHERE (? = 0 OR "
	    "s.user_id = ?) AND (? IS NULL OR r.code = ?) ORDER BY u.name, "
	    "a.reference", "diss", mine, (int64_t)viewer_id, round, round))
	    == NULL)
		dom_db_fail(e);
	return rows;
}

/* ---- a panel's spreadsheet ---- */

static int
assess_header_is(const char *field, const char *name)
{
	while (isspace((unsigned char)*field))
		field++;
	return strncasecmp(field, name, strlen(name)) == 0 &&
	    strspn(field + strlen(name), " \t") == strlen(field + strlen(name));
}

/* One row of the sheet: line for errors; cols are the criteria headers. */
static int
assess_import_row(const char *actor, const struct csv_record *rec,
    const struct csv_record *head, size_t ncols, int has_comment,
    json_t *done, struct dom_err *e)
{
	struct assess_round	 r;
	struct assess_app	 a;
	json_t			*problems;
	long long		 user_id;
	int			 score[ASSESS_CRITERIA_MAX], i, k, rc;
	size_t			 c;
	const char		*cell, *comment = NULL;
	struct dom_err		 e2;

	if (rec->nfields != head->nfields)
		return dom_fail(e, DOM_BAD, "line %zu: %zu fields where the "
		    "header has %zu", rec->line, rec->nfields, head->nfields);
	if (assess_app_get(rec->fields[0], &a, &e2) == -1)
		return dom_fail(e, e2.status, "line %zu: %s", rec->line, e2.msg);
	if ((user_id = assess_user_id(rec->fields[1], &e2)) == -1)
		return dom_fail(e, e2.status, "line %zu: %s", rec->line, e2.msg);
	if ((rc = assess_assigned(a.id, user_id)) == -1)
		return dom_db_fail(e);
	if (rc == 0)
		return dom_fail(e, DOM_BAD, "line %zu: %s is not assigned %s",
		    rec->line, rec->fields[1], a.reference);
	if (!assess_open_for_scores(&a))
		return dom_fail(e, DOM_CONFLICT, "line %zu: %s is %s: its "
		    "scores can no longer change", rec->line, a.reference,
		    a.state);
	if (assess_round_read(a.round_id, &r) == -1)
		return dom_db_fail(e);
	for (i = 0; i < r.ncrit; i++)
		score[i] = -1;
	problems = json_array();
	for (c = 2; c < 2 + ncols; c++) {
		cell = rec->fields[c];
		if ((k = assess_criterion_find(&r, head->fields[c])) < 0) {
			assess_criterion_problem(&r, head->fields[c], k,
			    problems);
			continue;
		}
		if ((rc = assess_value(cell, &score[k])) == -1 ||
		    (rc == 1 && strspn(cell + strspn(cell, " "), "0123456789 ")
		    != strlen(cell + strspn(cell, " "))))
			json_array_append_new(problems, json_sprintf("'%s' "
			    "under %s is not a whole number from 0 to %d", cell,
			    head->fields[c], r.scale_max));
		else if (rc == 0)
			score[k] = -1;
	}
	if (has_comment && *rec->fields[rec->nfields - 1] != '\0') {
		comment = rec->fields[rec->nfields - 1];
		check_bound(rec->fields[rec->nfields - 1], CHECK_TEXT_MAX);
	}
	if (assess_apply(&r, a.id,
	    a.reference, user_id, score, comment, "import", actor,
	    problems) == -1) {
		json_decref(problems);
		return dom_db_fail(e);
	}
	if (json_array_size(problems) > 0) {
		char prefix[64];

		snprintf(prefix, sizeof prefix, "line %zu: ", rec->line);
		assess_refuse(e, prefix, problems);
		json_decref(problems);
		return -1;
	}
	json_decref(problems);
	json_array_append_new(done, json_pack("{s:I,s:s,s:s}", "line",
	    (json_int_t)rec->line, "reference", a.reference, "assessor",
	    rec->fields[1]));
	return 0;
}

/*
 * A panel's scores from a spreadsheet saved as CSV, with the header
 * reference,assessor,<criteria...>[,comment]: every row, or none.
 */
json_t *
assess_import(const char *actor, const char *text, struct dom_err *e)
{
	struct csv_record	*recs;
	size_t			 n, i, ncols;
	int			 has_comment;
	json_t			*done;
	char			 err[GRANT_ERRLEN];

	if (text == NULL)
		return dom_fail(e, DOM_BAD, "no spreadsheet given"), NULL;
	if (strncmp(text, "\xef\xbb\xbf", 3) == 0)	/* "CSV UTF-8" */
		text += 3;
	if (csv_parse(text, strlen(text), &recs, &n, err, sizeof err) == -1)
		return dom_fail(e, DOM_BAD, "%s", err), NULL;
	if (n < 2 || recs[0].nfields < 3 ||
	    !assess_header_is(recs[0].fields[0], "reference") ||
	    !assess_header_is(recs[0].fields[1], "assessor")) {
		csv_free(recs, n);
		return dom_fail(e, DOM_BAD, "line 1: the first line must be "
		    "the header reference,assessor,<criteria>,comment and "
		    "at least one row must follow"), NULL;
	}
	has_comment = assess_header_is(recs[0].fields[recs[0].nfields - 1],
	    "comment");
	ncols = recs[0].nfields - 2 - (has_comment ? 1 : 0);
	done = json_array();
	if (db_begin() == -1) {
		dom_db_fail(e);
		goto fail;
	}
	for (i = 1; i < n; i++)
		if (assess_import_row(actor, &recs[i], &recs[0], ncols,
		    has_comment, done, e) == -1)
			goto fail;
	if (db_commit() == -1) {
		dom_db_fail(e);
		goto fail;
	}
	csv_free(recs, n);
	return json_pack("{s:I,s:o}", "rows", (json_int_t)(n - 1), "scored",
	    done);
fail:
	csv_free(recs, n);
	json_decref(done);
	return NULL;
}

/* ---- the panel's view of one application ---- */

/*
 * One application's scores: each assessor's weighted score, the mean of
 * each criterion, the total and the mean of the assessors who have
 * scored (count of them), and whether any criterion's scores are further
 * apart than the round's moderation_spread. Hundredths throughout;
 * weighted_text and mean_text as "2.35".
 */
json_t *
assess_summary(long long app_id, struct dom_err *e)
{
	struct assess_round	 r;
	json_t			*app, *people = NULL, *scores = NULL, *list, *crit;
	json_t			*v, *s;
	size_t			 i, j;
	int			 sc[ASSESS_CRITERIA_MAX], all, k, moderation = 0;
	int			 lo[ASSESS_CRITERIA_MAX], hi[ASSESS_CRITERIA_MAX];
	int64_t			 sum[ASSESS_CRITERIA_MAX], total = 0, w;
	int64_t			 count = 0;
	char			 buf[32];

	if ((app = db_query_row("SELECT round_id FROM applications WHERE id = "
	    "?", "i", (int64_t)app_id)) == NULL)
		return dom_db_fail(e), NULL;
	if (json_is_null(app)) {
		json_decref(app);
		return dom_fail(e, DOM_NOT_FOUND, "no such application"), NULL;
	}
	if (assess_round_read(json_integer_value(json_object_get(app,
	    "round_id")), &r) == -1 ||
	    (people = db_query("SELECT s.user_id, u.name, s.comment, "
	    "s.scored_at IS NOT NULL AS scored FROM assessment_assignments s "
	    "JOIN users u ON u.id = s.user_id WHERE s.application_id = ? ORDER "
	    "BY u.name", "i", (int64_t)app_id)) == NULL ||
	    (scores = db_query("SELECT user_id, position, score FROM "
	    "assessment_scores WHERE application_id = ?", "i",
	    (int64_t)app_id)) == NULL) {
		json_decref(app);
		json_decref(people);
		return dom_db_fail(e), NULL;
	}
	json_decref(app);
	for (k = 0; k < r.ncrit; k++) {
		sum[k] = 0;
		lo[k] = hi[k] = -1;
	}
	list = json_array();
	json_array_foreach(people, i, v) {
		all = 1;
		for (k = 0; k < r.ncrit; k++) {
			sc[k] = -1;
			json_array_foreach(scores, j, s)
				if (json_integer_value(json_object_get(s,
				    "user_id")) == json_integer_value(
				    json_object_get(v, "user_id")) &&
				    json_integer_value(json_object_get(s,
				    "position")) == r.position[k])
					sc[k] = (int)json_integer_value(
					    json_object_get(s, "score"));
			all = all && sc[k] >= 0;
		}
		/* Only a complete set of scores counts (scored_at says so). */
		all = all && json_integer_value(json_object_get(v, "scored"));
		s = json_array();
		for (k = 0; all && k < r.ncrit; k++) {
			json_array_append_new(s, json_integer(sc[k]));
			sum[k] += sc[k];
			if (lo[k] < 0 || sc[k] < lo[k])
				lo[k] = sc[k];
			if (sc[k] > hi[k])
				hi[k] = sc[k];
		}
		w = all ? score_weighted(sc, r.weight, (size_t)r.ncrit) : 0;
		if (all) {
			total += w;
			count++;
		}
		json_array_append_new(list, json_pack("{s:O,s:o,s:I,s:s,s:O,"
		    "s:b}", "name", json_object_get(v, "name"), "scores", s,
		    "weighted", (json_int_t)w, "weighted_text", score_format(w,
		    buf, sizeof buf), "comment", json_object_get(v, "comment"),
		    "scored", all));
	}
	crit = json_array();
	for (k = 0; k < r.ncrit; k++) {
		w = score_mean(sum[k] * 100, count);
		if (count > 1 && hi[k] - lo[k] > r.spread)
			moderation = 1;
		json_array_append_new(crit, json_pack("{s:s,s:i,s:I,s:s}",
		    "name", r.name[k], "weight", r.weight[k], "mean",
		    (json_int_t)w, "mean_text", score_format(w, buf,
		    sizeof buf)));
	}
	json_decref(people);
	json_decref(scores);
	w = score_mean(total, count);
	return json_pack("{s:o,s:o,s:I,s:s,s:I,s:s,s:b,s:I}", "assessors",
	    list, "criteria", crit, "total", (json_int_t)total, "total_text",
	    score_format(total, buf, sizeof buf), "mean", (json_int_t)w,
	    "mean_text", score_format(w, (char [32]){ 0 }, 32), "moderation",
	    moderation, "count", (json_int_t)count);
}

/*
 * The summary as the viewer may see it, for "app show": an officer sees
 * the panel; anyone else only their own scores. NULL with e.status
 * DOM_OK when nobody is assigned.
 */
json_t *
assess_view(const char *ref, const char *viewer, int viewer_roles,
    struct dom_err *e)
{
	json_t		*row, *sum, *mine, *v;
	long long	 id;
	size_t		 i;

	e->status = DOM_OK;
	if ((row = db_query_row("SELECT a.id, (SELECT COUNT(*) FROM "
	    "assessment_assignments s WHERE s.application_id = a.id) AS n FROM "
	    "applications a WHERE a.reference = ?", "s", ref)) == NULL)
		return dom_db_fail(e), NULL;
	if (json_is_null(row) || json_integer_value(json_object_get(row,
	    "n")) == 0) {
		json_decref(row);
		return NULL;
	}
	id = json_integer_value(json_object_get(row, "id"));
	json_decref(row);
	if ((sum = assess_summary(id, e)) == NULL ||
	    (viewer_roles & (ROLE_OFFICER | ROLE_ADMIN)))
		return sum;
	mine = json_array();
	json_array_foreach(json_object_get(sum, "assessors"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "name")),
		    viewer) == 0)
			json_array_append(mine, v);
	row = json_pack("{s:o,s:O}", "assessors", mine, "criteria",
	    json_object_get(sum, "criteria"));
	/* The panel's means are the officers' to see. */
	json_array_foreach(json_object_get(row, "criteria"), i, v) {
		json_object_del(v, "mean");
		json_object_del(v, "mean_text");
	}
	json_decref(sum);
	return row;
}

/* ---- scores by email ---- */

/* The assignment token belongs to: 1 (t filled), 0 if none, -1 on error. */
int
assess_token_find(const char *token, struct assess_token *t)
{
	json_t	*row;

	memset(t, 0, sizeof *t);
	if ((row = db_query_row("SELECT s.application_id, s.user_id, "
	    "a.reference, u.name, u.email, u.active FROM assessment_assignments "
	    "s JOIN applications a ON a.id = s.application_id JOIN users u ON "
	    "u.id = s.user_id WHERE s.token = ?", "s", token)) == NULL)
		return -1;
	if (json_is_null(row)) {
		json_decref(row);
		return 0;
	}
	t->app_id = json_integer_value(json_object_get(row, "application_id"));
	t->user_id = json_integer_value(json_object_get(row, "user_id"));
	t->active = json_integer_value(json_object_get(row, "active")) != 0;
	snprintf(t->token, sizeof t->token, "%s", token);
	snprintf(t->reference, sizeof t->reference, "%s", json_string_value(
	    json_object_get(row, "reference")));
	snprintf(t->user_name, sizeof t->user_name, "%s", json_string_value(
	    json_object_get(row, "name")));
	snprintf(t->email, sizeof t->email, "%s", json_is_string(
	    json_object_get(row, "email")) ? json_string_value(
	    json_object_get(row, "email")) : "");
	json_decref(row);
	return 1;
}

/* Where the quoted letter or a signature begins, reading stops. */
static int
assess_mail_stop(const char *line, size_t len)
{
	return (len >= 9 && strncmp(line, "On ", 3) == 0 &&
	    strncmp(line + len - 6, "wrote:", 6) == 0) ||
	    strncmp(line, "-----Original Message", 21) == 0 ||
	    (len == 3 && strncmp(line, "-- ", 3) == 0);
}

/* Past bullets: "- ", "* ", "+ ", "• ". */
static const char *
assess_mail_unbullet(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if ((*p == '-' || *p == '*' || *p == '+') && (p[1] == ' ' ||
		    p[1] == '\t'))
			p += 2;
		else if (strncmp(p, "\xe2\x80\xa2", 3) == 0)
			p += 3;
		else
			return p;
	}
}

/*
 * Where a line's name ends and its score begins: the first ':' or '=',
 * else a '-' with a number after it ("Need - 3"). NULL if neither.
 */
static const char *
assess_mail_sep(const char *line)
{
	const char	*p = line + strcspn(line, ":="), *q;

	if (*p != '\0')
		return p;
	for (p = strchr(line, '-'); p != NULL; p = strchr(p + 1, '-')) {
		for (q = p + 1; *q == ' '; q++)
			;
		if (p > line && isdigit((unsigned char)*q))
			return p;
	}
	return NULL;
}

/*
 * The scores in an email's text, one a line ("need: 3", "1: 3", "Need -
 * 3", "need = 3/4", bulleted or not), and "Comment: ..."; lines quoted
 * with '>' and the quoted letter below "On ... wrote:" are not read, and
 * lines naming no criterion are passed over. Returns how many scores.
 */
static int
assess_mail_read(const struct assess_round *r, const char *body, int *score,
    char **comment, json_t *problems)
{
	char		*text, *line, *save, *name, *end;
	const char	*p, *sep;
	int		 k, rc, found = 0;

	text = xstrdup(body);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		end = line + strlen(line);
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (assess_mail_stop(line, strlen(line)))
			break;
		p = assess_mail_unbullet(line);
		if (*p == '>' || (sep = assess_mail_sep(p)) == NULL)
			continue;
		name = strndup(p, (size_t)(sep - p));
		if (name == NULL)
			fatal("strndup");
		for (end = name + strlen(name); end > name &&
		    isspace((unsigned char)end[-1]); )
			*--end = '\0';
		if (strcasecmp(name, "comment") == 0 ||
		    strcasecmp(name, "comments") == 0) {
			free(*comment);
			*comment = check_bounded(sep + 1 + strspn(sep + 1,
			    " \t"), CHECK_TEXT_MAX);
		} else if ((k = assess_criterion_find(r, name)) == -2)
			assess_criterion_problem(r, name, k, problems);
		else if (k >= 0) {
			if ((rc = assess_value(sep + 1, &score[k])) == -1)
				json_array_append_new(problems, json_sprintf(
				    "'%s' for %s is not a whole number from 0 "
				    "to %d", sep + 1 + strspn(sep + 1, " \t"),
				    r->name[k], r->scale_max));
			found += rc == 1;
		}
		free(name);
	}
	free(text);
	return found;
}

/*
 * An email's scores from t's assessor, inside the intake's transaction:
 * recorded if all is well. Returns the answer's values (what was recorded,
 * or what is wrong), or NULL on a database error.
 */
json_t *
assess_score_mail(const struct assess_token *t, const char *body)
{
	struct assess_round	 r;
	json_t			*app, *problems, *vars;
	char			*comment = NULL, addr[320];
	int			 score[ASSESS_CRITERIA_MAX], i, ok;

	if ((app = db_query_row("SELECT round_id, state, organisation, "
	    "project_title FROM applications WHERE id = ? FOR UPDATE", "i",
	    (int64_t)t->app_id)) == NULL || json_is_null(app) ||
	    assess_round_read(json_integer_value(json_object_get(app,
	    "round_id")), &r) == -1) {
		json_decref(app);
		return NULL;
	}
	for (i = 0; i < r.ncrit; i++)
		score[i] = -1;
	problems = json_array();
	ok = strcmp(json_string_value(json_object_get(app, "state")),
	    "shortlisted") == 0 || strcmp(json_string_value(json_object_get(app,
	    "state")), "scored") == 0;
	if (!ok)
		json_array_append_new(problems, json_sprintf("the application "
		    "is %s, so its scores can no longer change",
		    json_string_value(json_object_get(app, "state"))));
	else if (assess_mail_read(&r, body, score, &comment, problems) == 0 &&
	    json_array_size(problems) == 0) {
		json_array_append_new(problems, json_string("no scores were "
		    "found in your email: write one line for each criterion, "
		    "such as \"1: 3\" or \"Need: 3\""));
		ok = 0;
	}
	/* Read on past problems, so the answer lists all of them at once. */
	if (ok && assess_apply(&r, t->app_id,
	    t->reference, t->user_id, score, comment, "email", t->user_name,
	    problems) == -1) {
		free(comment);
		json_decref(problems);
		json_decref(app);
		return NULL;
	}
	free(comment);
	if ((vars = assess_scores_of(&r, t->app_id, t->user_id)) == NULL) {
		json_decref(problems);
		json_decref(app);
		return NULL;
	}
	assess_score_address(t->token, addr, sizeof addr);
	json_object_set_new(vars, "reference", json_string(t->reference));
	json_object_set_new(vars, "user_name", json_string(t->user_name));
	json_object_set(vars, "organisation", json_object_get(app,
	    "organisation"));
	json_object_set(vars, "project_title", json_object_get(app,
	    "project_title"));
	json_object_set_new(vars, "fund_name", json_string(r.fund_name));
	json_object_set_new(vars, "score_address", json_string(addr));
	json_object_set_new(vars, "refused", json_boolean(
	    json_array_size(problems) > 0));
	json_object_set_new(vars, "problems", problems);
	json_decref(app);
	return vars;
}
