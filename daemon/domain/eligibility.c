/*
 * eligibility.c: the rules a round publishes about who may apply — kinds
 * of group, the area, the amount, one live application per organisation,
 * a gap since the last award — run on each application as it arrives, run
 * again on a whole round when an officer asks, and overruled by an
 * officer with a reason. Each rule that fails says why, in words
 * addressed to the group, so the letter can list every reason at once.
 *
 * A rule that needs an answer the form left out is not run: a missing
 * answer makes an application incomplete, never ineligible.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"
#include "mail/form.h"
#include "mail/mail.h"

/* form.c's kinds of group, with the names officers type and read. */
static const struct {
	const char	*name, *kind, *plural;
} elig_kinds[] = {
	{ "charity", "registered charity", "registered charities" },
	{ "cio", "cio", "CIOs" },
	{ "cic", "cic", "CICs" },
	{ "company", "company", "companies" },
	{ "group", "unincorporated group", "unincorporated community groups" },
};
#define ELIG_NKINDS (sizeof elig_kinds / sizeof elig_kinds[0])

/* The states in which the rules still decide an application's course. */
#define ELIG_LIVE_STATES "'received', 'incomplete', 'eligible', " \
	"'ineligible', 'shortlisted'"

/* ---- pure helpers: postcode areas and organisation names ---- */

/*
 * "OL16" as letters "OL", number 16 and no sub-district letter; "EC1A" as
 * "EC", 1, 'A'; "OL" alone as letters only (number -1). 0 if it is no
 * outward code.
 */
static int
elig_outward_read(const char *s, size_t len, char letters[3], int *num,
    char *sub)
{
	size_t	i = 0, nl;

	while (i < len && isupper((unsigned char)s[i]))
		i++;
	if ((nl = i) < 1 || nl > 2)
		return 0;
	memcpy(letters, s, nl);
	letters[nl] = '\0';
	*num = -1;
	*sub = '\0';
	if (i == len)
		return 1;
	if (!isdigit((unsigned char)s[i]))
		return 0;
	*num = s[i++] - '0';
	if (i < len && isdigit((unsigned char)s[i]))
		*num = *num * 10 + (s[i++] - '0');
	if (i < len && isupper((unsigned char)s[i]))
		*sub = s[i++];
	return i == len;
}

/*
 * A list of outward codes and ranges as an officer types it ("ol1-ol16,
 * M35"), made canonical ("OL1-OL16,M35") into out; -1 with the reason in
 * err when an item is not one.
 */
int
elig_areas_parse(const char *in, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char	*copy, *item, *p, *dash, l1[3], l2[3], s1, s2, *o;
	char	*shown = NULL;	/* the item as it may be printed */
	int	 n1, n2, rc = -1, count = 0;
	size_t	 used = 0;

	copy = xmalloc(strlen(in) + 1);
	for (p = copy, o = (char *)in; *o != '\0'; o++)
		if (!isspace((unsigned char)*o))
			*p++ = toupper((unsigned char)*o);
	*p = '\0';
	*out = '\0';
	for (p = copy; (item = strsep(&p, ",")) != NULL; ) {
		if (*item == '\0')
			continue;
		dash = strchr(item, '-');
		if (dash == NULL) {
			if (!elig_outward_read(item, strlen(item), l1, &n1,
			    &s1)) {
				shown = check_text_escape(item, 0);
				errfmt(err, errlen, "'%s' is not a postcode "
				    "district: write the first half of a "
				    "postcode, like OL1 or M35, an area's "
				    "letters, like OL, or a range, like "
				    "OL1-OL16", shown);
				goto out;
			}
		} else if (!elig_outward_read(item, (size_t)(dash - item), l1,
		    &n1, &s1) || !elig_outward_read(dash + 1, strlen(dash + 1),
		    l2, &n2, &s2) || n1 < 0 || n2 < 0 || s1 != '\0' ||
		    s2 != '\0') {
			shown = check_text_escape(item, 0);
			errfmt(err, errlen, "'%s' is not a range of postcode "
			    "districts: write it like OL1-OL16", shown);
			goto out;
		} else if (strcmp(l1, l2) != 0) {
			errfmt(err, errlen, "'%s': both ends of a range need "
			    "the same letters, like OL1-OL16", item);
			goto out;
		} else if (n1 >= n2) {
			errfmt(err, errlen, "'%s': a range goes from the lower "
			    "number to the higher, like OL1-OL16", item);
			goto out;
		}
		if (used + strlen(item) + 2 > outlen) {
			errfmt(err, errlen, "the list of areas is longer than "
			    "%zu characters", outlen - 1);
			goto out;
		}
		used += (size_t)snprintf(out + used, outlen - used, "%s%s",
		    count++ > 0 ? "," : "", item);
	}
	if (count == 0) {
		errfmt(err, errlen, "the list of areas is empty: give postcode "
		    "districts like OL1-OL16,M35");
		goto out;
	}
	rc = 0;
out:
	free(shown);
	free(copy);
	return rc;
}

/*
 * Is the postcode ("OL1 2AB", as form.c writes it) in areas (canonical,
 * as elig_areas_parse() leaves them)? 1 in, 0 out, -1 when the postcode
 * has no outward code to compare.
 */
int
elig_area_match(const char *areas, const char *postcode)
{
	const char	*item, *end, *dash, *sp;
	char		 pl[3], l1[3], l2[3], ps, s1, s2;
	int		 pn, n1, n2;

	if (postcode == NULL || (sp = strchr(postcode, ' ')) == NULL ||
	    !elig_outward_read(postcode, (size_t)(sp - postcode), pl, &pn,
	    &ps) || pn < 0)
		return -1;
	for (item = areas; *item != '\0'; item = *end ? end + 1 : end) {
		end = item + strcspn(item, ",");
		dash = memchr(item, '-', (size_t)(end - item));
		if (dash == NULL) {
			if (!elig_outward_read(item, (size_t)(end - item), l1,
			    &n1, &s1) || strcmp(l1, pl) != 0)
				continue;
			/* "EC1" holds EC1A and EC1M; "EC1A" only itself. */
			if (n1 < 0 || (n1 == pn && (s1 == '\0' || s1 == ps)))
				return 1;
		} else if (elig_outward_read(item, (size_t)(dash - item), l1,
		    &n1, &s1) && elig_outward_read(dash + 1, (size_t)(end -
		    dash - 1), l2, &n2, &s2) && strcmp(l1, pl) == 0 &&
		    pn >= n1 && pn <= n2)
			return 1;
	}
	return 0;
}

/* A trailing word that says what an organisation is, not who. */
static const char *elig_suffixes[] = {
	"ltd", "limited", "cic", "cio", "plc", "llp", "inc", "co",
	"community interest company", "charitable incorporated organisation",
	NULL
};

/*
 * An organisation's name as the rules compare it: lower case, "&" as
 * "and", no punctuation or spaces, without a leading "the" or trailing
 * "Ltd", "CIC" and such ("The Riverside Allotment Group Ltd." →
 * "riversideallotmentgroup"). Letters beyond ASCII are kept as written.
 */
char *
elig_fold_name(const char *name)
{
	char		*w = xmalloc(strlen(name) * 3 + 2), *o = w, *out, *p;
	const char	**s;
	size_t		 n, sl;
	int		 again;

	for (; *name != '\0'; name++) {
		unsigned char c = (unsigned char)*name;

		if (c == '&') {
			memcpy(o, " and ", 5);
			o += 5;
		} else if (isalnum(c) || c >= 0x80)
			*o++ = tolower(c);
		else if (c == '\'' || c == '.')
			;	/* "St. Mark's", "C.I.C." run on */
		else if (o > w && o[-1] != ' ')
			*o++ = ' ';
	}
	while (o > w && o[-1] == ' ')
		o--;
	*o = '\0';
	p = w + (*w == ' ');
	if (strncmp(p, "the ", 4) == 0)
		p += 4;
	do {
		again = 0;
		n = strlen(p);
		for (s = elig_suffixes; *s != NULL; s++) {
			sl = strlen(*s);
			if (n > sl + 1 && p[n - sl - 1] == ' ' &&
			    strcmp(p + n - sl, *s) == 0) {
				p[n - sl - 1] = '\0';
				again = 1;
				break;
			}
		}
	} while (again);
	out = xmalloc(strlen(p) + 1);
	for (o = out; *p != '\0'; p++)
		if (*p != ' ')
			*o++ = *p;
	*o = '\0';
	free(w);
	return out;
}

/* A registration number as compared: upper case, no spaces or dashes. */
static char *
elig_fold_number(const char *v)
{
	char	*out = xmalloc(strlen(v) + 1), *o = out;

	for (; *v != '\0'; v++)
		if (isalnum((unsigned char)*v))
			*o++ = toupper((unsigned char)*v);
	*o = '\0';
	return out;
}

static const char *
elig_field(json_t *fields, const char *key)
{
	json_t	*v = json_object_get(fields, key);

	return json_is_string(v) && *json_string_value(v) != '\0' ?
	    json_string_value(v) : NULL;
}

/*
 * The organisation as the rules compare it: "charity:1234567" or
 * "company:01234567" when a number is given, else "name:" and the name
 * folded; NULL with neither. Fits applications.org_key.
 */
char *
elig_org_key(json_t *fields)
{
	const char	*v;
	char		*f, *key;

	if ((v = elig_field(fields, "charity_number")) != NULL ||
	    (v = elig_field(fields, "company_number")) != NULL) {
		f = elig_fold_number(v);
		if (*f != '\0') {
			xasprintf(&key, "%s:%s", v == elig_field(fields,
			    "charity_number") ? "charity" : "company", f);
			free(f);
			/* An 8-digit company number is "01234567" or "1234567". */
			if (strncmp(key, "company:", 8) == 0 &&
			    strlen(key + 8) == 7) {
				char *padded;
				xasprintf(&padded, "company:0%s", key + 8);
				free(key);
				key = padded;
			}
			utf8_truncate(key, 200);
			return key;
		}
		free(f);
	}
	if ((v = elig_field(fields, "organisation")) == NULL)
		return NULL;
	f = elig_fold_name(v);
	if (*f == '\0') {
		free(f);
		return NULL;
	}
	xasprintf(&key, "name:%s", f);
	free(f);
	utf8_truncate(key, 200);
	return key;
}

/*
 * "charity, cio" → "registered charity,cio" (form.c's kinds, in a fixed
 * order, for rounds.org_types); -1 with the reason in err.
 */
int
elig_kinds_parse(const char *in, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char	*copy = xstrdup(in), *p = copy, *item;
	int	 want[ELIG_NKINDS] = { 0 }, any = 0, rc = -1;
	size_t	 i;

	while ((item = strsep(&p, ",")) != NULL) {
		while (isspace((unsigned char)*item))
			item++;
		for (i = strlen(item); i > 0 &&
		    isspace((unsigned char)item[i - 1]); i--)
			item[i - 1] = '\0';
		if (*item == '\0')
			continue;
		for (i = 0; i < ELIG_NKINDS; i++)
			if (strcasecmp(item, elig_kinds[i].name) == 0)
				break;
		if (i == ELIG_NKINDS) {
			char *shown = check_text_escape(item, 0);

			errfmt(err, errlen, "'%s' is not a kind of group: use "
			    "charity, cio, cic, company or group", shown);
			free(shown);
			goto out;
		}
		want[i] = any = 1;
	}
	if (!any) {
		errfmt(err, errlen, "name at least one kind of group: charity, "
		    "cio, cic, company or group");
		goto out;
	}
	*out = '\0';
	for (i = 0; i < ELIG_NKINDS; i++)
		if (want[i])
			snprintf(out + strlen(out), outlen - strlen(out), "%s%s",
			    *out ? "," : "", elig_kinds[i].kind);
	rc = 0;
out:
	free(copy);
	return rc;
}

static int
elig_kind_in(const char *kinds, const char *kind)
{
	const char	*p = kinds;
	size_t		 n = strlen(kind);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, kind, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p = strchr(p, ',');
		p = p != NULL ? p + 1 : NULL;
	}
	return 0;
}

/* The kinds as officers name them: ["charity", "cio"]; all when NULL. */
json_t *
elig_kinds_names(const char *kinds)
{
	json_t	*list = json_array();
	size_t	 i;

	for (i = 0; i < ELIG_NKINDS; i++)
		if (kinds == NULL || elig_kind_in(kinds, elig_kinds[i].kind))
			json_array_append_new(list,
			    json_string(elig_kinds[i].name));
	return list;
}

/* "a, b and c" from a list of n words into b. */
static void
elig_join(struct strbuf *b, const char **words, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			strbuf_add(b, i + 1 == n ? " and " : ", ",
			    i + 1 == n ? 5 : 2);
		strbuf_add(b, words[i], strlen(words[i]));
	}
}

/* "registered charities, CIOs and CICs" for the kinds allowed. */
char *
elig_kinds_plain(const char *kinds)
{
	struct strbuf	 b = { NULL, 0, 0 };
	const char	*words[ELIG_NKINDS];
	size_t		 i, n = 0;

	for (i = 0; i < ELIG_NKINDS; i++)
		if (kinds == NULL || elig_kind_in(kinds, elig_kinds[i].kind))
			words[n++] = elig_kinds[i].plural;
	strbuf_add(&b, "", 0);
	elig_join(&b, words, n);
	return b.s;
}

/* "OL1 to OL16 and M35" for the areas. */
char *
elig_areas_plain(const char *areas)
{
	struct strbuf	 b = { NULL, 0, 0 };
	const char	*words[64];
	char		*copy = xstrdup(areas), *p = copy, *item, *dash;
	char		*held[64];
	size_t		 n = 0, i;

	while ((item = strsep(&p, ",")) != NULL && n < 64) {
		if ((dash = strchr(item, '-')) != NULL) {
			*dash = '\0';
			xasprintf(&held[n], "%s to %s", item, dash + 1);
		} else
			held[n] = xstrdup(item);
		words[n] = held[n];
		n++;
	}
	strbuf_add(&b, "", 0);
	elig_join(&b, words, n);
	for (i = 0; i < n; i++)
		free(held[i]);
	free(copy);
	return b.s;
}

/* ---- the round's rules ---- */

struct elig_rules {
	long long	 round_id, fund_id;
	char		 fund_name[201];
	char		*org_types, *areas;	/* NULL: no rule */
	int64_t		 min_award, max_award;	/* 0: no limit */
	int		 one_per_org, award_gap_months;
};

static void
elig_rules_free(struct elig_rules *r)
{
	free(r->org_types);
	free(r->areas);
	r->org_types = r->areas = NULL;
}

static char *
elig_row_str(json_t *row, const char *key)
{
	json_t	*v = json_object_get(row, key);

	return json_is_string(v) && *json_string_value(v) != '\0' ?
	    xstrdup(json_string_value(v)) : NULL;
}

static int
elig_rules_get(long long round_id, struct elig_rules *r)
{
	json_t	*row;

	memset(r, 0, sizeof *r);
	row = db_query_row("SELECT r.fund_id, f.name AS fund_name, "
	    "r.org_types, r.areas, COALESCE(r.min_award, f.min_award, 0) AS "
	    "mina, COALESCE(r.max_award, f.max_award, 0) AS maxa, "
	    "r.one_per_org, r.award_gap_months FROM rounds r JOIN funds f ON "
	    "f.id = r.fund_id WHERE r.id = ?", "i", (int64_t)round_id);
	if (row == NULL || json_is_null(row)) {
		json_decref(row);
		return -1;
	}
	r->round_id = round_id;
	r->fund_id = json_integer_value(json_object_get(row, "fund_id"));
	snprintf(r->fund_name, sizeof r->fund_name, "%s",
	    json_string_value(json_object_get(row, "fund_name")));
	r->org_types = elig_row_str(row, "org_types");
	r->areas = elig_row_str(row, "areas");
	r->min_award = json_integer_value(json_object_get(row, "mina"));
	r->max_award = json_integer_value(json_object_get(row, "maxa"));
	r->one_per_org = json_integer_value(json_object_get(row,
	    "one_per_org")) != 0;
	r->award_gap_months = (int)json_integer_value(json_object_get(row,
	    "award_gap_months"));
	json_decref(row);
	return 0;
}

/* ---- the rules, one function each ---- */

/*
 * A failed rule: {"rule", "reason"}, and "correctable" when the group can
 * put it right by answering again (an amount outside the round's range),
 * which makes the application incomplete rather than ineligible.
 */
static void
elig_failed(json_t *list, const char *rule, int correctable,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void
elig_failed(json_t *list, const char *rule, int correctable,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*reason;

	va_start(ap, fmt);
	if (vasprintf(&reason, fmt, ap) == -1)
		fatalx("out of memory");
	va_end(ap);
	json_array_append_new(list, json_pack("{s:s,s:s,s:b}", "rule", rule,
	    "reason", reason, "correctable", correctable));
	free(reason);
}

static void
elig_rule_org_type(const struct elig_rules *r, json_t *fields, json_t *list)
{
	const char	*type = elig_field(fields, "org_type");
	char		*allowed;
	size_t		 i;

	if (type == NULL)
		return;		/* missing: form.c asks for it */
	for (i = 0; i < ELIG_NKINDS; i++)
		if (strcasecmp(type, elig_kinds[i].kind) == 0)
			break;
	allowed = elig_kinds_plain(r->org_types);
	if (i == ELIG_NKINDS && r->org_types == NULL)
		elig_failed(list, "org_type", 0, "Grants go to groups and "
		    "organisations (a registered charity, CIO, CIC, company or "
		    "unincorporated community group), not to individuals or "
		    "businesses run for profit.");
	else if (i == ELIG_NKINDS)
		elig_failed(list, "org_type", 0, "This round is open only to "
		    "%s, not to individuals or businesses run for profit.",
		    allowed);
	else if (r->org_types != NULL &&
	    !elig_kind_in(r->org_types, elig_kinds[i].kind))
		elig_failed(list, "org_type", 0, "This round is open only to "
		    "%s; your organisation is a%s %s.", allowed,
		    strchr("aeiou", elig_kinds[i].kind[0]) ? "n" : "",
		    i == 1 || i == 2 ? (i == 1 ? "CIO" : "CIC") :
		    elig_kinds[i].kind);
	free(allowed);
}

static void
elig_rule_area(const struct elig_rules *r, json_t *fields, json_t *list)
{
	const char	*pc = elig_field(fields, "postcode");
	char		*plain;

	/* No postcode, or one that is not a postcode: form.c asks again. */
	if (r->areas == NULL || pc == NULL || elig_area_match(r->areas, pc) != 0)
		return;
	plain = elig_areas_plain(r->areas);
	elig_failed(list, "area", 0, "This round funds groups in postcode "
	    "districts %s; your postcode %s is outside them.", plain, pc);
	free(plain);
}

static void
elig_rule_amount(const struct elig_rules *r, json_t *fields, json_t *list)
{
	json_t	*jp = json_object_get(fields, "amount_pence");
	int64_t	 pence;
	char	 a[MONEY_BUFLEN], b[MONEY_BUFLEN];

	if (!json_is_integer(jp) || (pence = json_integer_value(jp)) <= 0)
		return;		/* missing or unreadable: form.c says so */
	if (r->max_award > 0 && pence > r->max_award)
		elig_failed(list, "amount", 1, "Amount requested %s is more "
		    "than this round's maximum of %s", money_format(pence, a,
		    sizeof a), money_format(r->max_award, b, sizeof b));
	else if (r->min_award > 0 && pence < r->min_award)
		elig_failed(list, "amount", 1, "Amount requested %s is less "
		    "than this round's minimum of %s", money_format(pence, a,
		    sizeof a), money_format(r->min_award, b, sizeof b));
}

/*
 * One live application per organisation: the first one received stands,
 * so a rerun of the rules never refuses both.
 */
static int
elig_rule_one_per_org(const struct elig_rules *r, long long app_id,
    const char *org_key, json_t *list)
{
	json_t	*row;

	if (!r->one_per_org || org_key == NULL)
		return 0;
	row = db_query_row("SELECT reference FROM applications WHERE "
	    "round_id = ? AND org_key = ? AND id < ? AND state NOT IN "
	    "('withdrawn', 'ineligible', 'declined') ORDER BY id LIMIT 1",
	    "isi", (int64_t)r->round_id, org_key, (int64_t)app_id);
	if (row == NULL)
		return -1;
	if (!json_is_null(row))
		elig_failed(list, "one_per_org", 0, "This round takes one "
		    "application from each organisation, and we already have "
		    "yours (%s). If this one should replace it, reply and tell "
		    "us.", json_string_value(json_object_get(row, "reference")));
	json_decref(row);
	return 0;
}

/* "3 March 2026" from a DATETIME. */
static const char *
elig_day(const char *datetime, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t;

	if (datetime == NULL || date_parse_utc(datetime, &t) == -1)
		return "";
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%d ", tm.tm_mday);
	strftime(buf + strlen(buf), len - strlen(buf), "%B %Y", &tm);
	return buf;
}

/*
 * No award from the same fund to the same organisation within the gap:
 * approved applications with their decision date, and grants (made in a
 * round, or outside one and known only by the organisation's name).
 */
static int
elig_rule_award_gap(const struct elig_rules *r, long long app_id,
    const char *org_key, json_t *list)
{
	json_t		*rows, *v;
	const char	*key;
	char		*k, d1[64], d2[64];
	size_t		 i;
	int		 found = -1;

	if (r->award_gap_months <= 0 || org_key == NULL)
		return 0;
	rows = db_query("SELECT reference, decided_at AS at, org_key, NULL AS "
	    "organisation, decided_at + INTERVAL ? MONTH AS again FROM "
	    "applications WHERE fund_id = ? AND id <> ? AND state = 'approved' "
	    "AND decided_at > UTC_TIMESTAMP(6) - INTERVAL ? MONTH UNION ALL "
	    "SELECT g.reference, g.created_at, a.org_key, g.organisation, "
	    "g.created_at + INTERVAL ? MONTH FROM grants g LEFT JOIN "
	    "applications a ON a.id = g.application_id WHERE g.fund_id = ? "
	    "AND COALESCE(g.application_id, 0) <> ? AND g.created_at > "
	    "UTC_TIMESTAMP(6) - INTERVAL ? MONTH ORDER BY at DESC", "diiddiid",
	    r->award_gap_months, (int64_t)r->fund_id, (int64_t)app_id,
	    r->award_gap_months, r->award_gap_months, (int64_t)r->fund_id,
	    (int64_t)app_id, r->award_gap_months);
	if (rows == NULL)
		return -1;
	json_array_foreach(rows, i, v) {
		key = json_string_value(json_object_get(v, "org_key"));
		if (key == NULL && json_is_string(json_object_get(v,
		    "organisation"))) {
			char *f = elig_fold_name(json_string_value(
			    json_object_get(v, "organisation")));
			xasprintf(&k, "name:%s", f);
			free(f);
		} else
			k = xstrdup(key != NULL ? key : "");
		if (strcmp(k, org_key) == 0 && found == -1)
			found = (int)i;
		free(k);
	}
	if (found >= 0) {
		v = json_array_get(rows, (size_t)found);
		elig_failed(list, "award_gap", 0, "%s made your organisation an "
		    "award on %s (%s), and makes one award to an organisation "
		    "in any %d months, so you can apply again from %s.",
		    r->fund_name, elig_day(json_string_value(json_object_get(v,
		    "at")), d1, sizeof d1), json_string_value(json_object_get(v,
		    "reference")), r->award_gap_months,
		    elig_day(json_string_value(json_object_get(v, "again")), d2,
		    sizeof d2));
	}
	json_decref(rows);
	return 0;
}

/*
 * Every rule of the round that the application fails, in a fixed order:
 * [{"rule", "reason", "correctable"}]. NULL on a database error.
 */
json_t *
elig_failures(long long app_id, long long round_id, json_t *fields,
    const char *org_key)
{
	struct elig_rules	 r;
	json_t			*list;

	if (elig_rules_get(round_id, &r) == -1)
		return NULL;
	list = json_array();
	elig_rule_org_type(&r, fields, list);
	elig_rule_area(&r, fields, list);
	elig_rule_amount(&r, fields, list);
	if (elig_rule_one_per_org(&r, app_id, org_key, list) == -1 ||
	    elig_rule_award_gap(&r, app_id, org_key, list) == -1) {
		json_decref(list);
		list = NULL;
	}
	elig_rules_free(&r);
	return list;
}

/* ---- the verdict ---- */

void
elig_verdict_free(struct elig_verdict *v)
{
	json_decref(v->problems);
	json_decref(v->reasons);
	free(v->org_key);
	free(v->reason);
	memset(v, 0, sizeof *v);
}

/*
 * What the rules and the form say of an application: ineligible when a
 * rule fails that no answer can mend (every reason listed, amounts too),
 * else incomplete with the form's problems and any amount outside the
 * range, else eligible. An officer's overrule ("eligible" or
 * "ineligible", with override_reason) stands over the rules, though not
 * over answers still missing.
 */
int
elig_judge(long long app_id, long long round_id, json_t *fields,
    const char *override, const char *override_reason,
    struct elig_verdict *v)
{
	struct form_rules	 rules;
	json_t			*fails, *f;
	struct strbuf		 b = { NULL, 0, 0 };
	size_t			 i;
	int			 hard = 0;

	memset(v, 0, sizeof *v);
	memset(&rules, 0, sizeof rules);
	/* The amount's range is a rule here; form.c checks the rest. */
	if ((rules.priorities = round_priorities(round_id)) == NULL)
		return -1;
	v->problems = form_problems(fields, &rules);
	json_decref(rules.priorities);
	v->org_key = elig_org_key(fields);
	if ((fails = elig_failures(app_id, round_id, fields, v->org_key)) ==
	    NULL) {
		elig_verdict_free(v);
		return -1;
	}
	v->reasons = json_array();
	json_array_foreach(fails, i, f) {
		hard += !json_is_true(json_object_get(f, "correctable"));
		json_array_append(v->reasons, json_object_get(f, "reason"));
	}
	if (override != NULL && strcmp(override, "ineligible") == 0) {
		json_array_clear(v->reasons);
		json_array_append_new(v->reasons, json_string(override_reason));
		hard = 1;
	} else if (override != NULL && strcmp(override, "eligible") == 0) {
		json_array_clear(v->reasons);
		hard = 0;
	} else if (hard == 0)
		json_array_foreach(v->reasons, i, f)
			json_array_append(v->problems, f);
	snprintf(v->state, sizeof v->state, "%s", hard > 0 ? "ineligible" :
	    json_array_size(v->problems) > 0 ? "incomplete" : "eligible");
	if (hard > 0) {
		strbuf_add(&b, "", 0);
		json_array_foreach(v->reasons, i, f) {
			if (i > 0)
				strbuf_add(&b, "\n", 1);
			strbuf_add(&b, json_string_value(f),
			    json_string_length(f));
		}
		v->reason = b.s;
	} else
		json_array_clear(v->reasons);
	json_decref(fails);
	return 0;
}

/* ---- rerunning the rules on a round ---- */

/* One line of a recheck's answer: from, to, why, and any note. */
static json_t *
elig_change(json_t *app, const char *to, json_t *reasons, const char *note)
{
	json_t	*c;

	c = json_pack("{s:O,s:O,s:s}", "reference", json_object_get(app,
	    "reference"), "from", json_object_get(app, "state"), "to", to);
	json_object_set_new(c, "reasons", reasons != NULL ?
	    json_deep_copy(reasons) : json_array());
	if (note != NULL)
		json_object_set_new(c, "note", json_string(note));
	return c;
}

/* Rerun the rules on one application; its change (or none) into out. */
static int
elig_recheck_one(const char *actor, long long round_id, json_t *app,
    json_t *out)
{
	struct elig_verdict	 v;
	json_t			*fields, *c;
	const char		*from = json_string_value(json_object_get(app,
				    "state"));
	const char		*ref = json_string_value(json_object_get(app,
				    "reference"));
	long long		 id = json_integer_value(json_object_get(app,
				    "id"));
	char			*ptext, note[200];
	int			 rc;

	if (json_is_string(json_object_get(app, "eligibility_override"))) {
		snprintf(note, sizeof note, "kept: overruled by %s",
		    json_string_value(json_object_get(app, "override_by")));
		json_array_append_new(out, elig_change(app, from, NULL, note));
		return 0;
	}
	fields = json_loads(json_string_value(json_object_get(app, "fields")),
	    0, NULL);
	rc = elig_judge(id, round_id, fields, NULL, NULL, &v);
	json_decref(fields);
	if (rc == -1)
		return -1;
	if (strcmp(v.state, from) != 0 && !state_can_move(STATE_APPLICATION,
	    from, v.state)) {
		snprintf(note, sizeof note, "kept: a %s application cannot "
		    "become %s", from, v.state);
		json_array_append_new(out, elig_change(app, from,
		    json_array_size(v.reasons) ? v.reasons : v.problems, note));
		elig_verdict_free(&v);
		return 0;
	}
	/*
	 * Where the state stays, its reasons may still have changed (an
	 * application refused for one rule now refused for another): they
	 * are kept as the rules now give them, and the key, new to
	 * applications made before the rules, is set.
	 */
	ptext = json_dumps(v.problems, JSON_COMPACT);
	rc = db_exec("UPDATE applications SET state = ?, problems = ?, reason "
	    "= ?, org_key = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?",
	    "ssssi", v.state, ptext, v.reason, v.org_key, (int64_t)id);
	free(ptext);
	if (rc != 1 || strcmp(v.state, from) == 0) {
		elig_verdict_free(&v);
		return rc == 1 ? 0 : -1;
	}
	c = elig_change(app, v.state, strcmp(v.state, "incomplete") == 0 ?
	    v.problems : v.reasons, NULL);
	if (audit_append(actor, "application.state", ref,
	    json_pack("{s:s,s:s,s:s,s:O}", "from", from, "to", v.state, "by",
	    "round recheck", "reasons", json_object_get(c, "reasons"))) == -1) {
		json_decref(c);
		elig_verdict_free(&v);
		return -1;
	}
	json_array_append_new(out, c);
	elig_verdict_free(&v);
	return 0;
}

/*
 * Run the rules again on every live application of the round, in the
 * order they came, in one transaction; states move where the result
 * changed, and nothing is sent: the officer reads the list and decides
 * whom to write to. Overruled applications keep the officer's word.
 */
json_t *
elig_recheck(const char *actor, const char *code, struct dom_err *e)
{
	struct round	 r;
	json_t		*apps, *app, *out;
	size_t		 i;

	if (db_begin() == -1) {
		dom_db_fail(e);
		return NULL;
	}
	if (round_get(code, 1, &r, e) == -1)
		return NULL;
	if ((apps = db_query("SELECT id, reference, state, fields, "
	    "eligibility_override, override_by FROM applications WHERE "
	    "round_id = ? AND state IN (" ELIG_LIVE_STATES ") ORDER BY id FOR "
	    "UPDATE", "i", (int64_t)r.id)) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	out = json_array();
	json_array_foreach(apps, i, app)
		if (elig_recheck_one(actor, r.id, app, out) == -1)
			break;
	if (i < json_array_size(apps) || audit_append(actor, "round.recheck",
	    code, json_pack("{s:I,s:I}", "applications",
	    (json_int_t)json_array_size(apps), "listed",
	    (json_int_t)json_array_size(out))) == -1 || db_commit() == -1) {
		json_decref(apps);
		json_decref(out);
		dom_db_fail(e);
		return NULL;
	}
	json_decref(apps);
	return json_pack("{s:s,s:I,s:o}", "round", code, "checked",
	    (json_int_t)i, "changes", out);
}

/* ---- an officer's overrule ---- */

static int
elig_override_move(const char *actor, json_t *app, const char *verdict,
    const char *reason, char *to, size_t tolen)
{
	struct elig_verdict	 v;
	json_t			*fields;
	const char		*from = json_string_value(json_object_get(app,
				    "state"));
	long long		 id = json_integer_value(json_object_get(app,
				    "id"));
	char			*ptext;
	int			 rc;

	fields = json_loads(json_string_value(json_object_get(app, "fields")),
	    0, NULL);
	rc = elig_judge(id, json_integer_value(json_object_get(app,
	    "round_id")), fields, verdict, reason, &v);
	json_decref(fields);
	if (rc == -1)
		return -1;
	/*
	 * Where the lifecycle has no such move, the application stays: a
	 * shortlisted one the officer calls eligible stays shortlisted.
	 */
	snprintf(to, tolen, "%s", strcmp(from, v.state) != 0 &&
	    !state_can_move(STATE_APPLICATION, from, v.state) ? from : v.state);
	ptext = json_dumps(v.problems, JSON_COMPACT);
	rc = db_exec("UPDATE applications SET state = ?, problems = ?, reason "
	    "= ?, org_key = ?, eligibility_override = ?, override_reason = ?, "
	    "override_by = ?, override_at = UTC_TIMESTAMP(6), updated_at = "
	    "UTC_TIMESTAMP(6) WHERE id = ?", "sssssssi", to, ptext, v.reason,
	    v.org_key, verdict, reason, actor, (int64_t)id);
	free(ptext);
	elig_verdict_free(&v);
	if (rc != 1 || audit_append(actor, "application.eligibility",
	    json_string_value(json_object_get(app, "reference")), json_pack(
	    "{s:s,s:s,s:s,s:s}", "verdict", verdict, "reason", reason, "from",
	    from, "to", to)) == -1)
		return -1;
	return 0;
}

/*
 * An officer overrules the rules on one application, with the reason.
 * Ineligible: the group gets the ineligible letter giving the officer's
 * reason. Eligible, on an application the group was told is ineligible:
 * they get the letter for where it now stands (the acknowledgement, or
 * what is still missing), because that letter invited them to write if we
 * got it wrong, and a group that heard "no" and then nothing would not
 * know that we now consider their application.
 */
int
elig_override(const char *actor, const char *ref, const char *verdict,
    const char *reason, char *to, size_t tolen, struct dom_err *e)
{
	json_t		*app;
	long long	 id;
	char		 from[32];
	int		 rc;

	if (verdict == NULL || (strcmp(verdict, "eligible") != 0 &&
	    strcmp(verdict, "ineligible") != 0))
		return dom_fail(e, DOM_BAD, "say whether the application is "
		    "eligible or ineligible (--eligible or --ineligible)");
	if (reason == NULL || *reason == '\0')
		return dom_fail(e, DOM_BAD, "say why you overrule the rules "
		    "(--reason)");
	if (db_begin() == -1 || (app = db_query_row("SELECT id, reference, "
	    "state, round_id, fields FROM applications WHERE reference = ? "
	    "FOR UPDATE", "s", ref)) == NULL)
		return dom_db_fail(e);
	if (json_is_null(app)) {
		json_decref(app);
		return dom_fail(e, DOM_NOT_FOUND, "no application %s", ref);
	}
	id = json_integer_value(json_object_get(app, "id"));
	snprintf(from, sizeof from, "%s", json_string_value(json_object_get(app,
	    "state")));
	if (strcmp(from, "incomplete") != 0 && strcmp(from, "eligible") != 0 &&
	    strcmp(from, "ineligible") != 0 && strcmp(from, "shortlisted") != 0) {
		json_decref(app);
		return dom_fail(e, DOM_CONFLICT, "application %s is %s; its "
		    "eligibility can no longer be changed", ref, from);
	}
	rc = elig_override_move(actor, app, verdict, reason, to, tolen);
	json_decref(app);
	if (rc == -1)
		return dom_db_fail(e);
	if (strcmp(from, to) != 0 && (strcmp(to, "ineligible") == 0 ||
	    strcmp(from, "ineligible") == 0) &&
	    intake_letter(id, to, NULL, NULL) == -1)
		return dom_db_fail(e);
	if (db_commit() == -1)
		return dom_db_fail(e);
	return 0;
}
