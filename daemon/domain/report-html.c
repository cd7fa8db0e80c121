/*
 * report-html.c: the programme report as one self-contained HTML page, its
 * charts inline SVG and its style inline CSS, with nothing fetched from
 * anywhere, so it can be mailed, archived and printed on A4 as it is.
 * Every text taken from the figures goes through html_text(); the markup
 * around it holds only numbers this file formats.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"

#define CHART_W		640
#define CHART_H		220

static void
html_raw(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
html_raw(struct strbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vasprintf");
	strbuf_add(b, s, (size_t)n);
	free(s);
}

static void
html_text(struct strbuf *b, const char *s)
{
	const char	*p;

	for (p = s != NULL ? s : ""; *p != '\0'; p++)
		switch (*p) {
		case '&': strbuf_add(b, "&amp;", 5); break;
		case '<': strbuf_add(b, "&lt;", 4); break;
		case '>': strbuf_add(b, "&gt;", 4); break;
		case '"': strbuf_add(b, "&quot;", 6); break;
		case '\'': strbuf_add(b, "&#39;", 5); break;
		default: strbuf_add(b, p, 1);
		}
}

/* A chart's label, cut to fit beside its bar; the table has it whole. */
static void
html_label(struct strbuf *b, const char *s)
{
	char	*c = xstrdup(s != NULL ? s : "");

	if (strlen(c) > 40) {
		utf8_truncate(c, 38);
		html_text(b, c);
		html_raw(b, "\u2026");
	} else
		html_text(b, c);
	free(c);
}

static const char *
html_money(json_t *o, const char *k, char *buf, size_t len)
{
	return money_format(json_integer_value(json_object_get(o, k)), buf, len);
}

static const char *const html_style =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;color:#222;"
    "max-width:50em;margin:2em auto;padding:0 1em;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:0}h2{font-size:1.2em;"
    "border-bottom:2px solid #2a6f97;padding-bottom:.2em;margin-top:1.6em}"
    ".sub{color:#555;margin-top:.2em}"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}"
    "th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #ddd}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "svg{display:block;max-width:100%;height:auto;margin:.5em 0}"
    "svg text{font-size:11px;fill:#333}.bar{fill:#2a6f97}"
    ".bar2{fill:#f4a259}.budget{stroke:#c0392b;stroke-dasharray:6 4}"
    ".line{fill:none;stroke:#2a6f97;stroke-width:2}.point{fill:#2a6f97}"
    ".note{color:#555;font-size:.9em}"
    "section{break-inside:avoid;page-break-inside:avoid}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}"
    "h2{break-after:avoid;page-break-after:avoid}a{color:inherit}}";

static void
html_targets(struct strbuf *b, json_t *r)
{
	json_t	*t;
	size_t	 i;

	html_raw(b, "<section><h2>Targets and delivery</h2><table>"
	    "<tr><th>Measure</th><th class=\"n\">Target</th>"
	    "<th class=\"n\">Delivered</th></tr>");
	json_array_foreach(json_object_get(r, "targets"), i, t) {
		html_raw(b, "<tr><td>");
		html_text(b, json_string_value(json_object_get(t, "measure")));
		if (json_is_integer(json_object_get(t, "target")))
			html_raw(b, "</td><td class=\"n\">%lld", (long long)
			    json_integer_value(json_object_get(t, "target")));
		else
			html_raw(b, "</td><td class=\"n\">not set");
		html_raw(b, "</td><td class=\"n\">%lld</td></tr>", (long long)
		    json_integer_value(json_object_get(t, "delivered")));
	}
	html_raw(b, "</table><p class=\"note\">People reached and volunteers "
	    "come from approved monitoring returns.</p></section>");
}

/* Spend over time: cumulative payments by month, against the budget. */
static void
html_spend(struct strbuf *b, json_t *money)
{
	json_t		*months = json_object_get(money, "by_month"), *m;
	int64_t		 budget = json_integer_value(json_object_get(money,
	    "budget")), top, c;
	size_t		 i, n = json_array_size(months);
	double		 x, y;
	char		 a[MONEY_BUFLEN];

	top = budget;
	json_array_foreach(months, i, m)
		if ((c = json_integer_value(json_object_get(m, "cumulative"))) >
		    top)
			top = c;
	if (top <= 0)
		top = 1;
	html_raw(b, "<svg id=\"chart-spend\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"Spend over time against budget\">", CHART_W, CHART_H);
	y = 20 + (CHART_H - 60) * (1 - (double)budget / (double)top);
	html_raw(b, "<line class=\"budget\" x1=\"50\" x2=\"%d\" y1=\"%.1f\" "
	    "y2=\"%.1f\"/><text x=\"52\" y=\"%.1f\">budget ", CHART_W - 10, y, y,
	    y - 4);
	html_text(b, money_format(budget, a, sizeof a));
	html_raw(b, "</text>");
	html_raw(b, "<line x1=\"50\" x2=\"50\" y1=\"20\" y2=\"%d\" "
	    "stroke=\"#999\"/><line x1=\"50\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/>", CHART_H - 40, CHART_W - 10, CHART_H - 40,
	    CHART_H - 40);
	if (n > 0) {
		html_raw(b, "<polyline class=\"line\" points=\"");
		json_array_foreach(months, i, m) {
			x = 60 + (n > 1 ? (double)i * (CHART_W - 90) /
			    (double)(n - 1) : (CHART_W - 90) / 2.0);
			y = 20 + (CHART_H - 60) * (1 - (double)json_integer_value(
			    json_object_get(m, "cumulative")) / (double)top);
			html_raw(b, "%s%.1f,%.1f", i > 0 ? " " : "", x, y);
		}
		html_raw(b, "\"/>");
	}
	json_array_foreach(months, i, m) {
		x = 60 + (n > 1 ? (double)i * (CHART_W - 90) / (double)(n - 1) :
		    (CHART_W - 90) / 2.0);
		y = 20 + (CHART_H - 60) * (1 - (double)json_integer_value(
		    json_object_get(m, "cumulative")) / (double)top);
		html_raw(b, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"3\"><title>", x, y);
		html_text(b, json_string_value(json_object_get(m, "month")));
		html_raw(b, ": ");
		html_text(b, html_money(m, "cumulative", a, sizeof a));
		html_raw(b, " paid so far</title></circle><text x=\"%.1f\" "
		    "y=\"%d\" text-anchor=\"middle\">", x, CHART_H - 24);
		html_text(b, json_string_value(json_object_get(m, "month")));
		html_raw(b, "</text>");
		if (i + 1 == n) {
			html_raw(b, "<text x=\"%.1f\" y=\"%.1f\" "
			    "text-anchor=\"end\">", x, y - 8);
			html_text(b, html_money(m, "cumulative", a, sizeof a));
			html_raw(b, " paid</text>");
		}
	}
	html_raw(b, "</svg>");
}

static void
html_money_section(struct strbuf *b, json_t *r)
{
	json_t	*m = json_object_get(r, "money");
	char	 a[MONEY_BUFLEN];
	const char *rows[][2] = { { "budget", "Budget" }, { "committed",
	    "Committed (grants made)" }, { "paid", "Paid" }, { "left",
	    "Left (budget less committed)" } };
	size_t	 i;

	html_raw(b, "<section><h2>Money</h2><table>");
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		html_raw(b, "<tr><td>%s</td><td class=\"n\">", rows[i][1]);
		html_text(b, html_money(m, rows[i][0], a, sizeof a));
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</table><h3>Spend over time against budget</h3>");
	if (json_array_size(json_object_get(m, "by_month")) == 0)
		html_raw(b, "<p class=\"note\">Nothing paid in this period.</p>");
	html_spend(b, m);
	html_raw(b, "</section>");
}

/* Horizontal bars, one per row of a tally. */
static void
html_tally(struct strbuf *b, const char *id, const char *title, json_t *list)
{
	json_t		*x;
	long long	 top = 1, g;
	size_t		 i, n = json_array_size(list);
	char		 a[MONEY_BUFLEN];
	int		 h = 24 * (int)n + 10;

	html_raw(b, "<section><h2>%s</h2>", title);
	json_array_foreach(list, i, x)
		if ((g = json_integer_value(json_object_get(x, "grants"))) > top)
			top = g;
	html_raw(b, "<svg id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"%s\">", id, CHART_W, h, title);
	json_array_foreach(list, i, x) {
		g = json_integer_value(json_object_get(x, "grants"));
		html_raw(b, "<rect class=\"bar\" x=\"260\" y=\"%zu\" "
		    "width=\"%.1f\" height=\"18\"><title>", 5 + i * 24,
		    (double)g * (CHART_W - 320) / (double)top);
		html_text(b, json_string_value(json_object_get(x, "name")));
		html_raw(b, ": %lld</title></rect><text x=\"254\" y=\"%zu\" "
		    "text-anchor=\"end\">", g, 18 + i * 24);
		html_label(b, json_string_value(json_object_get(x, "name")));
		html_raw(b, "</text><text x=\"%.1f\" y=\"%zu\">%lld</text>",
		    264 + (double)g * (CHART_W - 320) / (double)top, 18 + i * 24,
		    g);
	}
	html_raw(b, "</svg><table><tr><th></th><th class=\"n\">Grants</th>"
	    "<th class=\"n\">Amount</th></tr>");
	json_array_foreach(list, i, x) {
		html_raw(b, "<tr><td>");
		html_text(b, json_string_value(json_object_get(x, "name")));
		html_raw(b, "</td><td class=\"n\">%lld</td><td class=\"n\">",
		    (long long)json_integer_value(json_object_get(x, "grants")));
		html_text(b, html_money(x, "amount", a, sizeof a));
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</table></section>");
}

/* Days in buckets, so the two distributions share one chart. */
static const struct { long long lo, hi; const char *label; } html_buckets[] = {
	{ 0, 7, "0-7" }, { 8, 14, "8-14" }, { 15, 28, "15-28" },
	{ 29, 56, "29-56" }, { 57, -1, "57+" },
};
#define NBUCKETS (sizeof html_buckets / sizeof html_buckets[0])

static void
html_bucket(json_t *d, long long *count)
{
	json_t		*v;
	long long	 x;
	size_t		 i, k;

	memset(count, 0, NBUCKETS * sizeof *count);
	json_array_foreach(json_object_get(d, "values"), i, v) {
		x = json_integer_value(v);
		for (k = 0; k < NBUCKETS; k++)
			if (x >= html_buckets[k].lo && (html_buckets[k].hi < 0 ||
			    x <= html_buckets[k].hi)) {
				count[k]++;
				break;
			}
	}
}

static void
html_days_row(struct strbuf *b, const char *what, json_t *d)
{
	html_raw(b, "<tr><td>%s</td><td class=\"n\">%lld</td>", what,
	    (long long)json_integer_value(json_object_get(d, "count")));
	if (json_integer_value(json_object_get(d, "count")) > 0)
		html_raw(b, "<td class=\"n\">%lld</td><td class=\"n\">%lld</td>",
		    (long long)json_integer_value(json_object_get(d, "median")),
		    (long long)json_integer_value(json_object_get(d, "p90")));
	else
		html_raw(b, "<td class=\"n\">-</td><td class=\"n\">-</td>");
	html_raw(b, "</tr>");
}

static void
html_times(struct strbuf *b, json_t *r)
{
	json_t		*dec = json_object_get(r, "decision_days");
	json_t		*pay = json_object_get(r, "payment_days");
	long long	 cd[NBUCKETS], cp[NBUCKETS], top = 1;
	size_t		 k;
	double		 w = (CHART_W - 80) / (double)NBUCKETS, x;
	int		 base = CHART_H - 40;

	html_raw(b, "<section><h2>Decision and payment times</h2><table><tr>"
	    "<th>Days</th><th class=\"n\">How many</th><th class=\"n\">"
	    "Median</th><th class=\"n\">90th percentile</th></tr>");
	html_days_row(b, "From receipt to decision", dec);
	html_days_row(b, "From award to first payment", pay);
	html_raw(b, "</table>");
	html_bucket(dec, cd);
	html_bucket(pay, cp);
	for (k = 0; k < NBUCKETS; k++) {
		if (cd[k] > top)
			top = cd[k];
		if (cp[k] > top)
			top = cp[k];
	}
	html_raw(b, "<svg id=\"chart-times\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-label=\"Decision and payment times in days\">", CHART_W,
	    CHART_H);
	for (k = 0; k < NBUCKETS; k++) {
		x = 50 + (double)k * w;
		html_raw(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\"><title>decision, %s days: "
		    "%lld</title></rect>", x + 4, base - (double)cd[k] * (base -
		    34) / (double)top, w / 2 - 6, (double)cd[k] * (base - 34) /
		    (double)top, html_buckets[k].label, cd[k]);
		html_raw(b, "<rect class=\"bar bar2\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\"><title>payment, %s days: "
		    "%lld</title></rect>", x + w / 2, base - (double)cp[k] *
		    (base - 34) / (double)top, w / 2 - 6, (double)cp[k] * (base -
		    34) / (double)top, html_buckets[k].label, cp[k]);
		html_raw(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
		    "%lld</text><text x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\">%lld</text>", x + 4 + (w / 2 - 6) / 2,
		    base - (double)cd[k] * (base - 34) / (double)top - 3, cd[k],
		    x + w / 2 + (w / 2 - 6) / 2, base - (double)cp[k] * (base -
		    34) / (double)top - 3, cp[k]);
		html_raw(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
		    "%s days</text>", x + w / 2, base + 16, html_buckets[k].label);
	}
	html_raw(b, "<line x1=\"50\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
	    "stroke=\"#999\"/><rect class=\"legend\" fill=\"#2a6f97\" x=\"60\" y=\"6\" "
	    "width=\"10\" height=\"10\"/><text x=\"74\" y=\"15\">receipt to "
	    "decision</text><rect class=\"legend\" fill=\"#f4a259\" x=\"220\" "
	    "y=\"6\" width=\"10\" height=\"10\"/><text x=\"234\" y=\"15\">award to "
	    "first payment</text></svg>", CHART_W - 20, base, base);
	html_raw(b, "<p class=\"note\">Whole days. The median and the 90th "
	    "percentile are by nearest rank: the value at position ⌈p × n⌉ "
	    "when sorted.</p></section>");
}

static void
html_monitoring(struct strbuf *b, json_t *r)
{
	json_t	*m = json_object_get(r, "monitoring");

	html_raw(b, "<section><h2>Monitoring</h2><table>"
	    "<tr><td>Returns due</td><td class=\"n\">%lld</td></tr>"
	    "<tr><td>Received</td><td class=\"n\">%lld</td></tr>"
	    "<tr><td>Received on time</td><td class=\"n\">%lld</td></tr>"
	    "<tr><td>Approved</td><td class=\"n\">%lld</td></tr>"
	    "<tr><td>Not yet received</td><td class=\"n\">%lld</td></tr>"
	    "</table></section>",
	    (long long)json_integer_value(json_object_get(m, "due")),
	    (long long)json_integer_value(json_object_get(m, "received")),
	    (long long)json_integer_value(json_object_get(m, "on_time")),
	    (long long)json_integer_value(json_object_get(m, "approved")),
	    (long long)json_integer_value(json_object_get(m, "outstanding")));
}

static void
html_change(struct strbuf *b, json_t *c)
{
	if (json_is_string(json_object_get(c, "text"))) {
		html_raw(b, "<td class=\"n\">");
		html_text(b, json_string_value(json_object_get(c, "text")));
		html_raw(b, "</td>");
	} else
		html_raw(b, "<td class=\"n\">-</td>");
	html_raw(b, "<td class=\"n\">%lld / %lld</td>", (long long)
	    json_integer_value(json_object_get(c, "people_baseline")),
	    (long long)json_integer_value(json_object_get(c, "people_after")));
}

static void
html_wellbeing(struct strbuf *b, json_t *r)
{
	static const char *const names[][2] = { { "life", "Life satisfaction" },
	    { "worthwhile", "Worthwhile" }, { "happy", "Happiness" },
	    { "anxious", "Anxiety (lower is better)" } };
	json_t		*q;
	const char	*name;
	size_t		 i, k;

	html_raw(b, "<section><h2>Wellbeing (ONS4, 0-10)</h2><table><tr><th>"
	    "Question</th><th class=\"n\">End − baseline</th><th class=\"n\">"
	    "People (baseline / end)</th><th class=\"n\">Follow-up − "
	    "baseline</th><th class=\"n\">People (baseline / follow-up)</th>"
	    "<th class=\"n\">Grants missing a follow-up</th></tr>");
	json_array_foreach(json_object_get(r, "wellbeing"), i, q) {
		name = json_string_value(json_object_get(q, "question"));
		for (k = 0; k < sizeof names / sizeof names[0]; k++)
			if (strcmp(names[k][0], name) == 0)
				name = names[k][1];
		html_raw(b, "<tr><td>");
		html_text(b, name);
		html_raw(b, "</td>");
		html_change(b, json_object_get(q, "end"));
		html_change(b, json_object_get(q, "followup"));
		html_raw(b, "<td class=\"n\">%lld</td></tr>", (long long)
		    json_integer_value(json_object_get(q, "missing_followup")));
	}
	html_raw(b, "</table><p class=\"note\">The mean after less the mean "
	    "at baseline, over the grants with both; grants without a "
	    "follow-up are counted, not left out silently.</p></section>");
}

/* The page for report_programme()'s figures; the caller frees it. */
char *
report_html(json_t *r)
{
	struct strbuf	 b = { NULL, 0, 0 };

	html_raw(&b, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta "
	    "charset=\"utf-8\"><title>Programme report: ");
	html_text(&b, json_string_value(json_object_get(r, "name")));
	html_raw(&b, "</title><style>%s</style></head><body><h1>", html_style);
	html_text(&b, json_string_value(json_object_get(r, "name")));
	html_raw(&b, " (");
	html_text(&b, json_string_value(json_object_get(r, "fund")));
	html_raw(&b, ")</h1><p class=\"sub\">Programme report");
	if (*json_string_value(json_object_get(r, "from")) != '\0') {
		html_raw(&b, " from ");
		html_text(&b, json_string_value(json_object_get(r, "from")));
	}
	if (*json_string_value(json_object_get(r, "to")) != '\0') {
		html_raw(&b, " to ");
		html_text(&b, json_string_value(json_object_get(r, "to")));
	}
	html_raw(&b, ", made ");
	html_text(&b, json_string_value(json_object_get(r, "made")));
	html_raw(&b, ".</p>");
	html_targets(&b, r);
	html_money_section(&b, r);
	html_tally(&b, "chart-priority", "Grants by priority",
	    json_object_get(r, "by_priority"));
	html_tally(&b, "chart-area", "Grants by area (postcode district)",
	    json_object_get(r, "by_area"));
	html_times(&b, r);
	html_monitoring(&b, r);
	html_wellbeing(&b, r);
	html_raw(&b, "</body></html>\n");
	return b.s;
}
