/*
 * cmd-report.c: grantctl report programme. grantd counts the figures;
 * this prints them as a summary for the terminal or as CSV, or writes the
 * HTML page grantd makes. cmd_write_out() is shared with the export and
 * privacy commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

/* Write text to path (or standard output for "-" or NULL). */
int
cmd_write_out(const char *path, const char *text)
{
	FILE	*f;

	if (path == NULL || strcmp(path, "-") == 0) {
		fputs(text, stdout);
		return CMD_OK;
	}
	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "grantctl: cannot write %s: %s\n", path,
		    strerror(errno));
		return CMD_FAILED;
	}
	fputs(text, f);
	if (fclose(f) != 0) {
		fprintf(stderr, "grantctl: cannot write %s: %s\n", path,
		    strerror(errno));
		return CMD_FAILED;
	}
	return CMD_OK;
}

/* One CSV cell, quoted when it must be. Text a spreadsheet would run as
 * a formula (= + - @ first, unless it is a number) is made text with a
 * leading quote. */
static void
csv_cell(struct strbuf *b, const char *v, int last)
{
	const char	*p;
	int		 formula, number;

	if (v == NULL)
		v = "";
	number = (*v == '+' || *v == '-') && v[1] != '\0' &&
	    strspn(v + 1, "0123456789.") == strlen(v + 1);
	formula = *v != '\0' && strchr("=+-@", *v) != NULL && !number;
	if (formula || strpbrk(v, ",\"\r\n") != NULL) {
		strbuf_add(b, "\"", 1);
		if (formula)
			strbuf_add(b, "'", 1);
		for (p = v; *p != '\0'; p++) {
			strbuf_add(b, p, 1);
			if (*p == '"')
				strbuf_add(b, "\"", 1);
		}
		strbuf_add(b, "\"", 1);
	} else
		strbuf_add(b, v, strlen(v));
	strbuf_add(b, last ? "\r\n" : ",", last ? 2 : 1);
}

static void
csv_row(struct strbuf *b, const char *section, const char *item,
    const char *measure, const char *value)
{
	csv_cell(b, section, 0);
	csv_cell(b, item, 0);
	csv_cell(b, measure, 0);
	csv_cell(b, value, 1);
}

/* Pence as pounds for a spreadsheet: 123456 → "1234.56". */
static const char *
csv_pounds(json_t *o, const char *k, char *buf, size_t len)
{
	long long	p = (long long)json_integer_value(json_object_get(o, k));

	snprintf(buf, len, "%s%lld.%02lld", p < 0 ? "-" : "", (p < 0 ? -p : p) /
	    100, (p < 0 ? -p : p) % 100);
	return buf;
}

static const char *
num(json_t *o, const char *k)
{
	static char	 bufs[8][32];
	static int	 n;
	json_t		*v = json_object_get(o, k);

	if (!json_is_integer(v))
		return "";
	/* Enough for every figure of one printf. */
	n = (n + 1) % 8;
	snprintf(bufs[n], sizeof bufs[n], "%lld", (long long)
	    json_integer_value(v));
	return bufs[n];
}

static void
report_csv_change(struct strbuf *b, const char *q, const char *stage,
    json_t *c)
{
	char	m[64];

	snprintf(m, sizeof m, "%s_change", stage);
	csv_row(b, "wellbeing", q, m, json_is_string(json_object_get(c,
	    "text")) ? json_string_value(json_object_get(c, "text")) : "");
	snprintf(m, sizeof m, "%s_people_baseline", stage);
	csv_row(b, "wellbeing", q, m, num(c, "people_baseline"));
	snprintf(m, sizeof m, "%s_people_after", stage);
	csv_row(b, "wellbeing", q, m, num(c, "people_after"));
	snprintf(m, sizeof m, "%s_grants", stage);
	csv_row(b, "wellbeing", q, m, num(c, "grants"));
}

static char *
report_csv(json_t *r)
{
	struct strbuf	 b = { NULL, 0, 0 };
	json_t		*x, *m = json_object_get(r, "money");
	const char	*money[] = { "budget", "committed", "paid", "left" };
	const char	*days[] = { "decision_days", "payment_days" };
	const char	*mon[] = { "due", "received", "on_time", "approved",
	    "outstanding" };
	char		 p[64];
	size_t		 i, k;

	csv_row(&b, "section", "item", "measure", "value");
	json_array_foreach(json_object_get(r, "targets"), i, x) {
		csv_row(&b, "targets", json_string_value(json_object_get(x,
		    "measure")), "target", num(x, "target"));
		csv_row(&b, "targets", json_string_value(json_object_get(x,
		    "measure")), "delivered", num(x, "delivered"));
	}
	for (k = 0; k < 4; k++)
		csv_row(&b, "money", money[k], "pounds", csv_pounds(m, money[k],
		    p, sizeof p));
	json_array_foreach(json_object_get(m, "by_month"), i, x)
		csv_row(&b, "paid_by_month", json_string_value(json_object_get(x,
		    "month")), "pounds", csv_pounds(x, "paid", p, sizeof p));
	json_array_foreach(json_object_get(r, "by_priority"), i, x) {
		csv_row(&b, "priority", json_string_value(json_object_get(x,
		    "name")), "grants", num(x, "grants"));
		csv_row(&b, "priority", json_string_value(json_object_get(x,
		    "name")), "pounds", csv_pounds(x, "amount", p, sizeof p));
	}
	json_array_foreach(json_object_get(r, "by_area"), i, x) {
		csv_row(&b, "area", json_string_value(json_object_get(x,
		    "name")), "grants", num(x, "grants"));
		csv_row(&b, "area", json_string_value(json_object_get(x,
		    "name")), "pounds", csv_pounds(x, "amount", p, sizeof p));
	}
	for (k = 0; k < 2; k++) {
		x = json_object_get(r, days[k]);
		csv_row(&b, "times", days[k], "count", num(x, "count"));
		csv_row(&b, "times", days[k], "median", num(x, "median"));
		csv_row(&b, "times", days[k], "p90", num(x, "p90"));
	}
	for (k = 0; k < 5; k++)
		csv_row(&b, "monitoring", "returns", mon[k], num(json_object_get(
		    r, "monitoring"), mon[k]));
	json_array_foreach(json_object_get(r, "wellbeing"), i, x) {
		const char *q = json_string_value(json_object_get(x,
		    "question"));
		report_csv_change(&b, q, "end", json_object_get(x, "end"));
		report_csv_change(&b, q, "followup", json_object_get(x,
		    "followup"));
		csv_row(&b, "wellbeing", q, "missing_followup", num(x,
		    "missing_followup"));
	}
	return b.s;
}

static void
report_text_days(struct table *t, const char *what, json_t *d)
{
	table_add(t, what, num(d, "count"), json_is_integer(json_object_get(d,
	    "median")) ? num(d, "median") : "-", json_is_integer(
	    json_object_get(d, "p90")) ? num(d, "p90") : "-");
}

static void
report_text_change(json_t *c, char *buf, size_t len)
{
	if (json_is_string(json_object_get(c, "text")))
		snprintf(buf, len, "%s (%s people at baseline, %s after, %s "
		    "grants)", json_string_value(json_object_get(c, "text")),
		    num(c, "people_baseline"), num(c, "people_after"),
		    num(c, "grants"));
	else
		snprintf(buf, len, "no figure (no grant has both)");
}

static void
report_text(json_t *r)
{
	json_t		*x, *m = json_object_get(r, "money");
	struct table	*t;
	char		 a[MONEY_BUFLEN], c1[160], c2[160];
	size_t		 i;

	printf("Programme report: %s (%s)", out_str(r, "name"),
	    out_str(r, "fund"));
	if (*out_str(r, "from") != '\0')
		printf(" from %s", out_str(r, "from"));
	if (*out_str(r, "to") != '\0')
		printf(" to %s", out_str(r, "to"));
	printf("\n\nTargets:\n");
	t = table_new(3, "MEASURE", "TARGET", "DELIVERED");
	json_array_foreach(json_object_get(r, "targets"), i, x)
		table_add(t, out_str(x, "measure"), json_is_integer(
		    json_object_get(x, "target")) ? num(x, "target") : "not set",
		    num(x, "delivered"));
	table_print(t);
	printf("\nMoney:\n");
	out_field("budget", out_money(m, "budget", a, sizeof a));
	out_field("committed", out_money(m, "committed", a, sizeof a));
	out_field("paid", out_money(m, "paid", a, sizeof a));
	out_field("left", out_money(m, "left", a, sizeof a));
	printf("\nGrants by priority:\n");
	t = table_new(3, "GRANTS", "AMOUNT", "PRIORITY");
	json_array_foreach(json_object_get(r, "by_priority"), i, x)
		table_add(t, num(x, "grants"), out_money(x, "amount", a,
		    sizeof a), out_str(x, "name"));
	table_print(t);
	printf("\nGrants by area:\n");
	t = table_new(3, "GRANTS", "AMOUNT", "DISTRICT");
	json_array_foreach(json_object_get(r, "by_area"), i, x)
		table_add(t, num(x, "grants"), out_money(x, "amount", a,
		    sizeof a), out_str(x, "name"));
	table_print(t);
	printf("\nDays (median and 90th percentile by nearest rank):\n");
	t = table_new(4, "FROM", "HOW MANY", "MEDIAN", "90TH");
	report_text_days(t, "receipt to decision", json_object_get(r,
	    "decision_days"));
	report_text_days(t, "award to first payment", json_object_get(r,
	    "payment_days"));
	table_print(t);
	x = json_object_get(r, "monitoring");
	printf("\nMonitoring returns: %s due, %s received (%s on time), %s "
	    "approved, %s not yet received.\n", num(x, "due"),
	    num(x, "received"), num(x, "on_time"), num(x, "approved"),
	    num(x, "outstanding"));
	printf("\nWellbeing (ONS4 mean change, 0-10; for anxiety lower is "
	    "better):\n");
	t = table_new(4, "QUESTION", "END - BASELINE", "FOLLOW-UP - BASELINE",
	    "NO FOLLOW-UP");
	json_array_foreach(json_object_get(r, "wellbeing"), i, x) {
		report_text_change(json_object_get(x, "end"), c1, sizeof c1);
		report_text_change(json_object_get(x, "followup"), c2,
		    sizeof c2);
		table_add(t, out_str(x, "question"), c1, c2, num(x,
		    "missing_followup"));
	}
	table_print(t);
}

int
cmd_report_programme(struct args *a)
{
	const char	*format = args_get(a, "format");
	json_t		*r;
	char		*csv;
	int		 rc;

	if (!args_has(a, "fund"))
		return cmd_usage_error("report programme needs --fund CODE");
	if (format == NULL)
		format = "text";
	if (strcmp(format, "text") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "html") != 0)
		return cmd_usage_error("--format is text, csv or html");
	/* grantd makes the page; the rest is made here from the figures. */
	r = client_get_query("/v1/reports/programme", a, "fund", "from", "to",
	    strcmp(format, "html") == 0 ? "format" : NULL, NULL);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json && strcmp(format, "text") == 0)
		return output_result(r);
	if (strcmp(format, "html") == 0)
		rc = cmd_write_out(args_get(a, "out"),
		    json_string_value(json_object_get(r, "html")) ?
		    json_string_value(json_object_get(r, "html")) : "");
	else if (strcmp(format, "csv") == 0) {
		csv = report_csv(r);
		rc = cmd_write_out(args_get(a, "out"), csv);
		free(csv);
	} else {
		report_text(r);
		rc = CMD_OK;
	}
	json_decref(r);
	return rc;
}
