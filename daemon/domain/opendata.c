/*
 * opendata.c: a fund's grants as a 360Giving data package. Only what is
 * public goes in: the grant, the organisation, its registration numbers
 * and the postcode district it works in. No contact's name, email
 * address, phone number or street address is ever read into it, and a
 * description that happens to name the contact has the name taken out.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"

/* Letters, digits and '-' kept, upper-cased: a registration number. */
static void
opendata_number(const char *in, char *out, size_t len)
{
	size_t	n = 0;

	for (; in != NULL && *in != '\0' && n + 1 < len; in++)
		if (isalnum((unsigned char)*in) || *in == '-')
			out[n++] = (char)toupper((unsigned char)*in);
	out[n] = '\0';
}

/*
 * The recipient's org-id: its charity number (GB-CHC-), else its company
 * number (GB-COH-, eight characters as Companies House writes them), else
 * one of the publisher's own, from a hash of how the rules know it.
 */
static void
opendata_org_id(const char *prefix, json_t *fields, const char *org_key,
    const char *name, json_t *org)
{
	char	 chc[32], coh[32], h[65], *id;
	size_t	 n;

	opendata_number(json_string_value(json_object_get(fields,
	    "charity_number")), chc, sizeof chc);
	opendata_number(json_string_value(json_object_get(fields,
	    "company_number")), coh, sizeof coh);
	if (*chc != '\0') {
		xasprintf(&id, "GB-CHC-%s", chc);
		json_object_set_new(org, "charityNumber", json_string(chc));
	} else if (*coh != '\0') {
		if ((n = strlen(coh)) < 8 && strspn(coh, "0123456789") == n) {
			memmove(coh + 8 - n, coh, n + 1);
			memset(coh, '0', 8 - n);
		}
		xasprintf(&id, "GB-COH-%s", coh);
	} else {
		const char *k = org_key != NULL && *org_key != '\0' ? org_key :
		    name;
		sha256_hex(k, strlen(k), h);
		h[12] = '\0';
		xasprintf(&id, "%s-ORG-%s", prefix, h);
	}
	if (*coh != '\0')
		json_object_set_new(org, "companyNumber", json_string(coh));
	json_object_set_new(org, "id", json_string(id));
	free(id);
}

/* Any personal value that found its way into a text, taken out. */
static char *
opendata_scrub(const char *text, json_t *row, json_t *fields)
{
	const char	*keys[] = { "contact_name", "email", "phone" };
	const char	*v;
	char		*s = xstrdup(text != NULL ? text : ""), *p, *t;
	size_t		 i, n;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		v = json_string_value(json_object_get(fields, keys[i]));
		if (v == NULL)
			v = json_string_value(json_object_get(row, keys[i]));
		if (v == NULL || (n = strlen(v)) < 3)
			continue;
		while ((p = strcasestr(s, v)) != NULL) {
			*p = '\0';
			xasprintf(&t, "%s[removed]%s", s, p + n);
			free(s);
			s = t;
		}
	}
	return s;
}

/* Pounds as a number: whole pounds as an integer, else with pence. */
static json_t *
opendata_pounds(int64_t pence)
{
	if (pence % 100 == 0)
		return json_integer(pence / 100);
	return json_real((double)pence / 100.0);
}

static json_t *
opendata_grant(const struct config *c, json_t *row)
{
	json_t		*fields, *g, *org, *loc;
	const char	*title, *name;
	char		*id, *desc, district[16], *modified;

	fields = json_loads(json_string_value(json_object_get(row, "fields")) ?
	    json_string_value(json_object_get(row, "fields")) : "{}", 0, NULL);
	if (fields == NULL)
		fields = json_object();
	name = json_string_value(json_object_get(row, "organisation"));
	xasprintf(&id, "%s-%s", c->opendata_prefix, json_string_value(
	    json_object_get(row, "reference")));
	title = json_string_value(json_object_get(row, "project_title"));
	if (title == NULL || *title == '\0')
		title = json_string_value(json_object_get(row, "fund_name"));
	desc = opendata_scrub(json_string_value(json_object_get(row,
	    "purpose")), row, fields);
	xasprintf(&modified, "%sZ", json_string_value(json_object_get(row,
	    "modified")));
	org = json_pack("{s:s}", "name", name);
	opendata_org_id(c->opendata_prefix, fields, json_string_value(
	    json_object_get(row, "org_key")), name, org);
	g = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:[o],s:[{s:s,s:s}],"
	    "s:[{s:s,s:s}],s:s}", "id", id, "title", title, "description",
	    desc, "currency", "GBP", "amountAwarded", opendata_pounds(
	    json_integer_value(json_object_get(row, "amount"))), "awardDate",
	    json_string_value(json_object_get(row, "award_date")),
	    "recipientOrganization", org, "fundingOrganization", "id",
	    c->opendata_funder_id, "name", c->opendata_funder_name,
	    "grantProgramme", "code", json_string_value(json_object_get(row,
	    "fund_code")), "title", json_string_value(json_object_get(row,
	    "fund_name")), "dateModified", modified);
	report_district(json_string_value(json_object_get(fields, "postcode")),
	    district, sizeof district);
	if (*district != '\0') {
		loc = json_pack("{s:s,s:s,s:s,s:s}", "id", district, "name",
		    district, "countryCode", "GB", "description",
		    "Postcode district");
		json_object_set_new(g, "beneficiaryLocation", json_pack("[o]",
		    loc));
	}
	free(id);
	free(desc);
	free(modified);
	json_decref(fields);
	return g;
}

/*
 * Every grant of a fund that its group accepted (any state after
 * 'offered'), as a 360Giving package.
 */
json_t *
opendata_360giving(const char *code, struct dom_err *e)
{
	const struct config	*c = grantd_config;
	json_t			*rows, *row, *grants, *pkg;
	char			 today[16], *title;
	size_t			 i;

	if (c->opendata_prefix == NULL || c->opendata_funder_id == NULL ||
	    c->opendata_funder_name == NULL) {
		dom_fail(e, DOM_CONFLICT, "set identifier_prefix, funder_id and "
		    "funder_name in the [opendata] section of grantd.conf "
		    "first");
		return NULL;
	}
	if (strncmp(c->opendata_prefix, "360G-", 5) != 0) {
		dom_fail(e, DOM_CONFLICT, "identifier_prefix in [opendata] must "
		    "begin with 360G-, as 360Giving issues it");
		return NULL;
	}
	if ((rows = db_query("SELECT g.reference, g.organisation, g.org_key, "
	    "g.amount, g.purpose, DATE_FORMAT(COALESCE(a.decided_at, "
	    "g.created_at), '%Y-%m-%d') AS award_date, DATE_FORMAT(g.updated_at, "
	    "'%Y-%m-%dT%H:%i:%s') AS modified, f.code AS fund_code, f.name AS "
	    "fund_name, a.project_title, a.fields, a.contact_name, a.email, "
	    "(SELECT COUNT(*) FROM funds WHERE code = ?) AS fund_found FROM "
	    "funds f LEFT JOIN grants g ON g.fund_id = f.id AND g.state <> "
	    "'offered' LEFT JOIN applications a ON a.id = g.application_id "
	    "WHERE f.code = ? ORDER BY g.id", "ss", code != NULL ? code : "",
	    code != NULL ? code : "")) == NULL) {
		dom_db_fail(e);
		return NULL;
	}
	if (json_array_size(rows) == 0) {
		json_decref(rows);
		dom_fail(e, DOM_NOT_FOUND, "no fund %s (grantctl fund list "
		    "shows them)", code != NULL ? code : "");
		return NULL;
	}
	xasprintf(&title, "%s: grants from %s",
	    c->opendata_funder_name, json_string_value(json_object_get(
	    json_array_get(rows, 0), "fund_name")));
	grants = json_array();
	json_array_foreach(rows, i, row)
		if (json_is_string(json_object_get(row, "reference")))
			json_array_append_new(grants, opendata_grant(c, row));
	json_decref(rows);
	if (json_array_size(grants) == 0) {
		json_decref(grants);
		free(title);
		dom_fail(e, DOM_CONFLICT, "fund %s has no accepted grants to "
		    "publish yet", code);
		return NULL;
	}
	date_today_local(today, sizeof today, NULL);
	pkg = json_pack("{s:o,s:s,s:s,s:s,s:{s:s,s:s}}", "grants", grants,
	    "version", "1.4", "title", title, "issued", today, "publisher",
	    "identifier", c->opendata_funder_id, "name",
	    c->opendata_funder_name);
	free(title);
	return pkg;
}

static void
opendata_csv_cell(struct strbuf *b, const char *v, int last)
{
	const char	*p;

	strbuf_add(b, "\"", 1);
	for (p = v != NULL ? v : ""; *p != '\0'; p++) {
		/* A cell a spreadsheet would run as a formula is quoted. */
		if (p == v && strchr("=+-@", *p) != NULL)
			strbuf_add(b, "'", 1);
		strbuf_add(b, p, 1);
		if (*p == '"')
			strbuf_add(b, "\"", 1);
	}
	strbuf_add(b, last ? "\"\r\n" : "\",", last ? 3 : 2);
}

/* The package as 360Giving's flat CSV, one grant a row. */
char *
opendata_360giving_csv(json_t *pkg)
{
	static const char *const cols[] = { "Identifier", "Title",
	    "Description", "Currency", "Amount Awarded", "Award Date",
	    "Recipient Org:Identifier", "Recipient Org:Name",
	    "Recipient Org:Charity Number", "Recipient Org:Company Number",
	    "Beneficiary Location:Name", "Beneficiary Location:Country Code",
	    "Funding Org:Identifier", "Funding Org:Name",
	    "Grant Programme:Code", "Grant Programme:Title",
	    "Last Modified", NULL };
	struct strbuf	 b = { NULL, 0, 0 };
	json_t		*g, *org, *loc, *fo, *gp, *amt;
	char		 num[64];
	size_t		 i, k;

	for (k = 0; cols[k] != NULL; k++)
		opendata_csv_cell(&b, cols[k], cols[k + 1] == NULL);
	json_array_foreach(json_object_get(pkg, "grants"), i, g) {
		org = json_array_get(json_object_get(g, "recipientOrganization"),
		    0);
		loc = json_array_get(json_object_get(g, "beneficiaryLocation"), 0);
		fo = json_array_get(json_object_get(g, "fundingOrganization"), 0);
		gp = json_array_get(json_object_get(g, "grantProgramme"), 0);
		amt = json_object_get(g, "amountAwarded");
		if (json_is_integer(amt))
			snprintf(num, sizeof num, "%lld",
			    (long long)json_integer_value(amt));
		else
			snprintf(num, sizeof num, "%.2f", json_real_value(amt));
#define V(o, k) json_string_value(json_object_get(o, k))
		opendata_csv_cell(&b, V(g, "id"), 0);
		opendata_csv_cell(&b, V(g, "title"), 0);
		opendata_csv_cell(&b, V(g, "description"), 0);
		opendata_csv_cell(&b, V(g, "currency"), 0);
		opendata_csv_cell(&b, num, 0);
		opendata_csv_cell(&b, V(g, "awardDate"), 0);
		opendata_csv_cell(&b, V(org, "id"), 0);
		opendata_csv_cell(&b, V(org, "name"), 0);
		opendata_csv_cell(&b, V(org, "charityNumber"), 0);
		opendata_csv_cell(&b, V(org, "companyNumber"), 0);
		opendata_csv_cell(&b, V(loc, "name"), 0);
		opendata_csv_cell(&b, V(loc, "countryCode"), 0);
		opendata_csv_cell(&b, V(fo, "id"), 0);
		opendata_csv_cell(&b, V(fo, "name"), 0);
		opendata_csv_cell(&b, V(gp, "code"), 0);
		opendata_csv_cell(&b, V(gp, "title"), 0);
		opendata_csv_cell(&b, V(g, "dateModified"), 1);
#undef V
	}
	return b.s;
}
