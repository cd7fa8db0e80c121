/*
 * report.c: a fund's programme report as figures (JSON): targets against
 * what was delivered, money, grants by priority and by area, how long
 * decisions and first payments took, monitoring compliance and the change
 * in wellbeing. grantctl prints them as text or CSV; report-html.c makes
 * the page. Every figure is counted here, once, from the database.
 *
 * The period (--from, --to, UK dates) selects applications by when they
 * were received, grants by when they were awarded, payments by when they
 * were paid and returns by when they were due.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "domain/domain.h"

static const char *const report_questions[] = { "life", "worthwhile",
    "happy", "anxious", NULL };

/* The period as UTC bounds for SQL, and as given, for the page. */
static int
report_period(const char *from, const char *to, struct report_period *p,
    struct dom_err *e)
{
	time_t	t;
	char	err[GRANT_ERRLEN];

	memset(p, 0, sizeof *p);
	snprintf(p->from, sizeof p->from, "1000-01-01 00:00:00");
	snprintf(p->to, sizeof p->to, "9999-12-31 23:59:59");
	if (from != NULL && *from != '\0') {
		if (date_parse_local(from, 0, &t, err, sizeof err) == -1)
			return dom_fail(e, DOM_BAD, "--from: %s", err);
		date_format_utc(t, p->from, sizeof p->from);
		snprintf(p->from_text, sizeof p->from_text, "%s", from);
	}
	if (to != NULL && *to != '\0') {
		if (date_parse_local(to, 1, &t, err, sizeof err) == -1)
			return dom_fail(e, DOM_BAD, "--to: %s", err);
		date_format_utc(t, p->to, sizeof p->to);
		snprintf(p->to_text, sizeof p->to_text, "%s", to);
	}
	if (strcmp(p->from, p->to) > 0)
		return dom_fail(e, DOM_BAD, "--from is after --to");
	return 0;
}

static int
report_cmp_ll(const void *a, const void *b)
{
	long long	x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Nearest rank: the value at rank ceil(p/100 * n) of the sorted values,
 * so it is always one of them (grantctl(1) says so).
 */
long long
report_rank(const long long *v, size_t n, int pct)
{
	size_t	rank = (n * (size_t)pct + 99) / 100;

	return v[rank < 1 ? 0 : rank - 1];
}

/* Days from a list of rows {days}: count, median, p90, and the values. */
static json_t *
report_days(json_t *rows)
{
	json_t		*row, *values = json_array(), *r;
	long long	*v;
	size_t		 i, n = json_array_size(rows);

	v = xcalloc(n + 1, sizeof *v);
	json_array_foreach(rows, i, row)
		v[i] = json_integer_value(json_object_get(row, "days"));
	qsort(v, n, sizeof *v, report_cmp_ll);
	for (i = 0; i < n; i++)
		json_array_append_new(values, json_integer(v[i]));
	r = json_pack("{s:I,s:o,s:o,s:o}", "count", (json_int_t)n, "median",
	    n > 0 ? json_integer(report_rank(v, n, 50)) : json_null(), "p90",
	    n > 0 ? json_integer(report_rank(v, n, 90)) : json_null(),
	    "values", values);
	free(v);
	return r;
}

/* "OL1 2AB" → "OL1": the district, all an open figure should say. */
void
report_district(const char *postcode, char *out, size_t len)
{
	const char	*sp;
	size_t		 n;

	*out = '\0';
	if (postcode == NULL || *postcode == '\0')
		return;
	if ((sp = strchr(postcode, ' ')) != NULL)
		n = (size_t)(sp - postcode);
	else
		n = strlen(postcode) > 3 ? strlen(postcode) - 3 : 0;
	if (n == 0 || n >= len)
		return;
	memcpy(out, postcode, n);
	out[n] = '\0';
}

/* Add one grant to a {key: {grants, amount}} tally. */
static void
report_tally(json_t *tally, const char *key, int64_t amount)
{
	json_t	*t;

	if ((t = json_object_get(tally, key)) == NULL) {
		t = json_pack("{s:s,s:I,s:I}", "name", key, "grants",
		    (json_int_t)0, "amount", (json_int_t)0);
		json_object_set_new(tally, key, t);
	}
	json_object_set_new(t, "grants", json_integer(json_integer_value(
	    json_object_get(t, "grants")) + 1));
	json_object_set_new(t, "amount", json_integer(json_integer_value(
	    json_object_get(t, "amount")) + amount));
}

static int
report_tally_cmp(const void *a, const void *b)
{
	json_t		*x = *(json_t *const *)a, *y = *(json_t *const *)b;
	long long	 gx = json_integer_value(json_object_get(x, "grants"));
	long long	 gy = json_integer_value(json_object_get(y, "grants"));

	if (gx != gy)
		return gx > gy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "name")),
	    json_string_value(json_object_get(y, "name")));
}

/* A tally as a list, most grants first, then by name. */
static json_t *
report_tally_list(json_t *tally)
{
	json_t		**v, *list = json_array(), *x;
	const char	 *k;
	size_t		  n = 0, i;

	v = xcalloc(json_object_size(tally) + 1, sizeof *v);
	json_object_foreach(tally, k, x)
		v[n++] = x;
	qsort(v, n, sizeof *v, report_tally_cmp);
	for (i = 0; i < n; i++)
		json_array_append(list, v[i]);
	free(v);
	json_decref(tally);
	return list;
}

/* Grants by the priorities their application named, and by district. */
static int
report_grants_by(long long fund_id, const struct report_period *p,
    json_t *r)
{
	json_t		*rows, *row, *fields, *pri, *x, *byp, *bya;
	const char	*pc;
	char		 district[16];
	int64_t		 amount;
	size_t		 i, j;

	if ((rows = db_query("SELECT g.amount, a.fields FROM grants g LEFT "
	    "JOIN applications a ON a.id = g.application_id WHERE g.fund_id = "
	    "? AND g.created_at BETWEEN ? AND ? ORDER BY g.id", "iss",
	    (int64_t)fund_id, p->from, p->to)) == NULL)
		return -1;
	byp = json_object();
	bya = json_object();
	json_array_foreach(rows, i, row) {
		amount = json_integer_value(json_object_get(row, "amount"));
		fields = json_loads(json_string_value(json_object_get(row,
		    "fields")) != NULL ? json_string_value(json_object_get(row,
		    "fields")) : "{}", 0, NULL);
		pri = json_object_get(fields, "priorities");
		if (json_array_size(pri) == 0)
			report_tally(byp, "(none given)", amount);
		json_array_foreach(pri, j, x)
			if (json_is_string(x))
				report_tally(byp, json_string_value(x), amount);
		pc = json_string_value(json_object_get(fields, "postcode"));
		report_district(pc, district, sizeof district);
		report_tally(bya, *district != '\0' ? district : "(unknown)",
		    amount);
		json_decref(fields);
	}
	json_decref(rows);
	json_object_set_new(r, "by_priority", report_tally_list(byp));
	json_object_set_new(r, "by_area", report_tally_list(bya));
	return 0;
}

/* Money: budgeted, committed, paid, left, and what was paid by month. */
static json_t *
report_money(long long fund_id, const struct report_period *p,
    int64_t budget)
{
	json_t		*row, *months, *m;
	int64_t		 committed, paid, running = 0;
	size_t		 i;

	if ((row = db_query_row("SELECT (SELECT COALESCE(SUM(amount), 0) FROM "
	    "grants WHERE fund_id = ? AND state <> 'terminated' AND created_at "
	    "BETWEEN ? AND ?) AS committed, (SELECT COALESCE(SUM(t.amount), 0) "
	    "FROM tranches t JOIN grants g ON g.id = t.grant_id WHERE "
	    "g.fund_id = ? AND t.state = 'paid' AND t.paid_at BETWEEN ? AND ?) "
	    "AS paid", "ississ", (int64_t)fund_id, p->from, p->to,
	    (int64_t)fund_id, p->from, p->to)) == NULL)
		return NULL;
	committed = json_integer_value(json_object_get(row, "committed"));
	paid = json_integer_value(json_object_get(row, "paid"));
	json_decref(row);
	if ((months = db_query("SELECT DATE_FORMAT(t.paid_at, '%Y-%m') AS "
	    "month, SUM(t.amount) AS paid FROM tranches t JOIN grants g ON "
	    "g.id = t.grant_id WHERE g.fund_id = ? AND t.state = 'paid' AND "
	    "t.paid_at BETWEEN ? AND ? GROUP BY month ORDER BY month", "iss",
	    (int64_t)fund_id, p->from, p->to)) == NULL)
		return NULL;
	json_array_foreach(months, i, m) {
		running += json_integer_value(json_object_get(m, "paid"));
		json_object_set_new(m, "cumulative", json_integer(running));
	}
	return json_pack("{s:I,s:I,s:I,s:I,s:o}", "budget", (json_int_t)budget,
	    "committed", (json_int_t)committed, "paid", (json_int_t)paid,
	    "left", (json_int_t)(budget - committed), "by_month", months);
}

/* Targets against delivered, for each measure set or counted. */
static json_t *
report_targets(long long fund_id, const char *code,
    const struct report_period *p)
{
	json_t		*targets, *row, *list;
	const char	*m[] = { "grants", "people", "volunteers" };
	size_t		 i;

	if ((targets = fund_targets(code)) == NULL)
		return NULL;
	if ((row = db_query_row("SELECT (SELECT COUNT(*) FROM grants WHERE "
	    "fund_id = ? AND created_at BETWEEN ? AND ?) AS grants, (SELECT "
	    "COALESCE(SUM(r.people), 0) FROM monitoring_returns r JOIN grants g "
	    "ON g.id = r.grant_id WHERE g.fund_id = ? AND r.state = 'approved' "
	    "AND r.due_date BETWEEN DATE(?) AND DATE(?)) AS people, (SELECT "
	    "COALESCE(SUM(r.volunteers), 0) FROM monitoring_returns r JOIN "
	    "grants g ON g.id = r.grant_id WHERE g.fund_id = ? AND r.state = "
	    "'approved' AND r.due_date BETWEEN DATE(?) AND DATE(?)) AS "
	    "volunteers", "issississ", (int64_t)fund_id, p->from, p->to,
	    (int64_t)fund_id, p->from, p->to, (int64_t)fund_id, p->from,
	    p->to)) == NULL) {
		json_decref(targets);
		return NULL;
	}
	list = json_array();
	for (i = 0; i < sizeof m / sizeof m[0]; i++)
		json_array_append_new(list, json_pack("{s:s,s:O,s:O}",
		    "measure", m[i], "target", json_object_get(targets, m[i]) ?
		    json_object_get(targets, m[i]) : json_null(), "delivered",
		    json_object_get(row, m[i])));
	json_decref(row);
	json_decref(targets);
	return list;
}

/* Returns due in the period (and by today): received, on time, approved. */
static json_t *
report_monitoring(long long fund_id, const struct report_period *p)
{
	return db_query_row("SELECT COUNT(*) AS due, COALESCE(SUM(r.received_at "
	    "IS NOT NULL), 0) AS received, COALESCE(SUM(r.received_at IS NOT "
	    "NULL AND DATE(r.received_at) <= r.due_date), 0) AS on_time, "
	    "COALESCE(SUM(r.state = 'approved'), 0) AS approved, "
	    "COALESCE(SUM(r.received_at IS NULL), 0) AS outstanding FROM "
	    "monitoring_returns r JOIN grants g ON g.id = r.grant_id WHERE "
	    "g.fund_id = ? AND r.due_date BETWEEN DATE(?) AND DATE(?) AND "
	    "r.due_date <= UTC_DATE()", "iss", (int64_t)fund_id, p->from, p->to);
}

/* Σ score × people and Σ people of one grant's stage of one question. */
struct report_sums {
	int64_t	 s[3], n[3];	/* baseline, end, followup */
};

/*
 * The change in hundredths, rounded half away from zero:
 * (se/ne − sb/nb) × 100 exactly, from whole numbers.
 */
long long
report_change(int64_t sb, int64_t nb, int64_t se, int64_t ne)
{
	long long	num = (long long)(se * nb - sb * ne) * 100;
	long long	den = (long long)(ne * nb);
	long long	q = (num < 0 ? -num : num), r;

	r = (q * 2 + den) / (den * 2);
	return num < 0 ? -r : r;
}

static json_t *
report_change_json(int64_t sb, int64_t nb, int64_t se, int64_t ne,
    long long grants)
{
	long long	c;
	char		text[32];

	if (nb == 0 || ne == 0)
		return json_pack("{s:n,s:n,s:I,s:I,s:I}", "change", "text",
		    "people_baseline", (json_int_t)nb, "people_after",
		    (json_int_t)ne, "grants", (json_int_t)grants);
	c = report_change(sb, nb, se, ne);
	snprintf(text, sizeof text, "%s%lld.%02lld", c < 0 ? "-" : "+",
	    (c < 0 ? -c : c) / 100, (c < 0 ? -c : c) % 100);
	return json_pack("{s:I,s:s,s:I,s:I,s:I}", "change", (json_int_t)c,
	    "text", text, "people_baseline", (json_int_t)nb, "people_after",
	    (json_int_t)ne, "grants", (json_int_t)grants);
}

/*
 * The ONS4 change per question: the mean after less the mean at baseline,
 * over the grants that have both (people pooled across them). A grant
 * with a baseline and no follow-up is counted as missing it.
 */
static json_t *
report_wellbeing(long long fund_id, const struct report_period *p)
{
	json_t		*rows, *row, *list, *q;
	struct report_sums *g = NULL;
	long long	*gid = NULL, id, ng = 0, k, cnt[2], missing;
	int64_t		 sb[2], nb[2], sa[2], na[2];
	const char	*stage;
	size_t		 i;
	int		 qi, st, j;

	list = json_array();
	for (qi = 0; report_questions[qi] != NULL; qi++) {
		rows = db_query("SELECT r.grant_id, w.stage, SUM(w.score * "
		    "w.people) AS s, SUM(w.people) AS n FROM wellbeing_counts w "
		    "JOIN monitoring_returns r ON r.id = w.return_id JOIN grants "
		    "g ON g.id = r.grant_id WHERE g.fund_id = ? AND r.state = "
		    "'approved' AND r.due_date BETWEEN DATE(?) AND DATE(?) AND "
		    "w.question = ? GROUP BY r.grant_id, w.stage ORDER BY "
		    "r.grant_id", "isss", (int64_t)fund_id, p->from, p->to,
		    report_questions[qi]);
		if (rows == NULL) {
			json_decref(list);
			return NULL;
		}
		ng = 0;
		g = xcalloc(json_array_size(rows) + 1, sizeof *g);
		gid = xcalloc(json_array_size(rows) + 1, sizeof *gid);
		json_array_foreach(rows, i, row) {
			id = json_integer_value(json_object_get(row, "grant_id"));
			if (ng == 0 || gid[ng - 1] != id)
				gid[ng++] = id;
			stage = json_string_value(json_object_get(row, "stage"));
			st = strcmp(stage, "baseline") == 0 ? 0 :
			    strcmp(stage, "end") == 0 ? 1 : 2;
			g[ng - 1].s[st] = json_integer_value(json_object_get(row,
			    "s"));
			g[ng - 1].n[st] = json_integer_value(json_object_get(row,
			    "n"));
		}
		json_decref(rows);
		memset(sb, 0, sizeof sb);
		memset(nb, 0, sizeof nb);
		memset(sa, 0, sizeof sa);
		memset(na, 0, sizeof na);
		cnt[0] = cnt[1] = missing = 0;
		for (k = 0; k < ng; k++) {
			if (g[k].n[0] == 0)
				continue;
			for (j = 0; j < 2; j++) {
				if (g[k].n[j + 1] == 0)
					continue;
				sb[j] += g[k].s[0];
				nb[j] += g[k].n[0];
				sa[j] += g[k].s[j + 1];
				na[j] += g[k].n[j + 1];
				cnt[j]++;
			}
			missing += g[k].n[2] == 0;
		}
		free(g);
		free(gid);
		q = json_pack("{s:s,s:o,s:o,s:I}", "question",
		    report_questions[qi], "end", report_change_json(sb[0], nb[0],
		    sa[0], na[0], cnt[0]), "followup", report_change_json(sb[1],
		    nb[1], sa[1], na[1], cnt[1]), "missing_followup",
		    (json_int_t)missing);
		json_array_append_new(list, q);
	}
	return list;
}

/* Days from receipt to decision, and from award to the first payment. */
static int
report_times(long long fund_id, const struct report_period *p, json_t *r)
{
	json_t	*dec, *pay;

	dec = db_query("SELECT DATEDIFF(decided_at, received_at) AS days FROM "
	    "applications WHERE fund_id = ? AND decided_at IS NOT NULL AND "
	    "received_at BETWEEN ? AND ?", "iss", (int64_t)fund_id, p->from,
	    p->to);
	pay = db_query("SELECT DATEDIFF(MIN(t.paid_at), a.decided_at) AS days "
	    "FROM grants g JOIN applications a ON a.id = g.application_id "
	    "JOIN tranches t ON t.grant_id = g.id AND t.state = 'paid' AND "
	    "t.paid_at IS NOT NULL WHERE g.fund_id = ? AND g.created_at "
	    "BETWEEN ? AND ? AND a.decided_at IS NOT NULL GROUP BY g.id, "
	    "a.decided_at", "iss", (int64_t)fund_id, p->from, p->to);
	if (dec == NULL || pay == NULL) {
		json_decref(dec);
		json_decref(pay);
		return -1;
	}
	json_object_set_new(r, "decision_days", report_days(dec));
	json_object_set_new(r, "payment_days", report_days(pay));
	json_decref(dec);
	json_decref(pay);
	return 0;
}

json_t *
report_programme(const char *code, const char *from, const char *to,
    struct dom_err *e)
{
	struct report_period	 p;
	json_t			*fund, *r, *x;
	long long		 fund_id;
	char			 today[16];
	int			 year;

	if (report_period(from, to, &p, e) == -1)
		return NULL;
	if ((fund = db_query_row("SELECT id, code, name, budget FROM funds "
	    "WHERE code = ?", "s", code != NULL ? code : "")) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_is_null(fund)) {
		json_decref(fund);
		dom_fail(e, DOM_NOT_FOUND, "no fund %s (grantctl fund list "
		    "shows them)", code != NULL ? code : "");
		return NULL;
	}
	fund_id = json_integer_value(json_object_get(fund, "id"));
	date_today_local(today, sizeof today, &year);
	r = json_pack("{s:O,s:O,s:s,s:s,s:s}", "fund", json_object_get(fund,
	    "code"), "name", json_object_get(fund, "name"), "from",
	    p.from_text, "to", p.to_text, "made", today);
	if ((x = report_targets(fund_id, code, &p)) == NULL)
		goto fail;
	json_object_set_new(r, "targets", x);
	if ((x = report_money(fund_id, &p, json_integer_value(json_object_get(
	    fund, "budget")))) == NULL)
		goto fail;
	json_object_set_new(r, "money", x);
	if (report_grants_by(fund_id, &p, r) == -1 ||
	    report_times(fund_id, &p, r) == -1)
		goto fail;
	if ((x = report_monitoring(fund_id, &p)) == NULL)
		goto fail;
	json_object_set_new(r, "monitoring", x);
	if ((x = report_wellbeing(fund_id, &p)) == NULL)
		goto fail;
	json_object_set_new(r, "wellbeing", x);
	json_decref(fund);
	return r;
fail:
	json_decref(fund);
	json_decref(r);
	dom_db_fail(e);
	return NULL;
}
