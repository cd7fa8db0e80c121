/*
 * test-form.c: the application form as people really fill it in, read
 * into fields; merging a reply into an incomplete application; and every
 * problem a volunteer may be asked to fix, word for word.
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

#ifndef TEMPLATE_FORM
#define TEMPLATE_FORM "templates/application-form.txt"
#endif

#define POUND "\xc2\xa3"
#define FAST_GRANTS_PRIORITIES "1. Supporting the community to be fit " \
	"and healthy; 2. Developing skills of local people; 3. Changing the " \
	"area for the better; 4. Encouraging community participation"

static json_t *
fast_grants(void)
{
	return json_pack("[ssss]",
	    "Supporting the community to be fit and healthy",
	    "Developing skills of local people",
	    "Changing the area for the better",
	    "Encouraging community participation");
}

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The one field text gives, under key, must be want (NULL: absent). */
#define field_is(text, key, want)	field_is_at(text, key, want, __LINE__)
static void
field_is_at(const char *text, const char *key, const char *want, int line)
{
	json_t		*f = form_extract(text);
	const char	*got = str(f, key);

	if (want == NULL && json_object_get(f, key) != NULL)
		fail_msg("line %d: '%s' gave %s '%s', wanted none", line, text,
		    key, got != NULL ? got : "(not a string)");
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("line %d: '%s' gave %s '%s', wanted '%s'", line, text,
		    key, got != NULL ? got : "(none)", want);
	json_decref(f);
}

#define int_is(text, key, want)	int_is_at(text, key, want, __LINE__)
static void
int_is_at(const char *text, const char *key, json_int_t want, int line)
{
	json_t	*f = form_extract(text), *v = json_object_get(f, key);

	if (want < 0 && v != NULL)
		fail_msg("line %d: '%s' gave %s %lld, wanted none", line, text,
		    key, (long long)json_integer_value(v));
	if (want >= 0 && (!json_is_integer(v) || json_integer_value(v) != want))
		fail_msg("line %d: '%s' gave %s %lld, wanted %lld", line, text,
		    key, (long long)json_integer_value(v), (long long)want);
	json_decref(f);
}

static char *
slurp(const char *path)
{
	char	*buf;
	size_t	 n;

	if ((buf = file_read(path, SIZE_MAX, &n)) == NULL)
		fail_msg("cannot read %s", path);
	return buf;
}

static void
test_blank_template(void **state)
{
	char	*t = slurp(TEMPLATE_FORM);
	json_t	*f = form_extract(t);
	char	*line, *save = NULL;

	/* Nothing in the blank form may look like an answer. */
	if (json_object_size(f) != 0)
		fail_msg("the blank form gave %s", json_dumps(f, 0));
	assert_int_equal(form_has_form(f), 0);
	json_decref(f);
	for (line = strtok_r(t, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strlen(line) >= 78)
			fail_msg("template line too long: '%s'", line);
	}
	free(t);
}

/* The template as a group would send it back, every answer after its colon. */
static void
test_filled_template(void **state)
{
	static const char *const answers[] = {
		"Oakfield Allotment Society",
		"Charitable Incorporated Organisation",
		"1187654",
		"",
		"Joan Davies",
		"joan.davies@example.org",
		"0113 496 0000",
		"ls6 2ab",
		"Growing Together",
		"Weekly gardening sessions for older neighbours.",
		"1 and 4",
		POUND "450",
		"1 March 2027",
		"31 August 2027",
		"40 older residents of the Oakfield estate",
		"Seeds " POUND "120, tools " POUND "180, tea " POUND "150",
	};
	struct form_rules	 rules = { 50000, 0, fast_grants() };
	char			*t = slurp(TEMPLATE_FORM), *out = NULL, *line, *nl;
	size_t			 len = 0, i = 0;
	int			 inform = 0;
	json_t			*f, *p;
	FILE			*mem = open_memstream(&out, &len);

	for (line = t; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		if (strncmp(line, "-----", 5) == 0)
			inform = !inform;
		if (inform && line[strlen(line) - 1] == ':' &&
		    i < sizeof answers / sizeof answers[0])
			fprintf(mem, "%s %s\n", line, answers[i++]);
		else
			fprintf(mem, "%s\n", line);
	}
	fclose(mem);
	assert_int_equal(i, sizeof answers / sizeof answers[0]);
	f = form_extract(out);
	assert_true(form_has_form(f));
	assert_string_equal(str(f, "organisation"), "Oakfield Allotment Society");
	assert_string_equal(str(f, "org_type"), "cio");
	assert_string_equal(str(f, "charity_number"), "1187654");
	assert_null(json_object_get(f, "company_number"));
	assert_string_equal(str(f, "postcode"), "LS6 2AB");
	assert_int_equal(json_integer_value(json_object_get(f, "amount_pence")),
	    45000);
	assert_string_equal(str(f, "end_date"), "2027-08-31");
	assert_string_equal(str(f, "budget"), answers[15]);
	p = form_problems(f, &rules);
	if (json_array_size(p) != 0)
		fail_msg("problems: %s", json_dumps(p, 0));
	json_decref(p);
	json_decref(f);
	json_decref(rules.priorities);
	free(out);
	free(t);
}

/* An answer each field keeps exactly as typed. */
static const char *
sample_answer(const char *key)
{
	if (strcmp(key, "postcode") == 0)
		return "SE1 7PB";
	if (strcmp(key, "email") == 0)
		return "x@example.org";
	if (strcmp(key, "org_type") == 0)
		return "company";
	if (strcmp(key, "priorities") == 0)
		return "1";
	return "An answer";
}

static void
test_label_variations(void **state)
{
	static const struct {
		const char	*label;
		const char	*key;
	} cases[] = {
		{ "Organisation name", "organisation" },
		{ "ORGANIZATION", "organisation" },
		{ "Name of organisation", "organisation" },
		{ "Group name", "organisation" },
		{ "Organisation type", "org_type" },
		{ "Type of group", "org_type" },
		{ "Charity number", "charity_number" },
		{ "Registered charity number", "charity_number" },
		{ "Charity no", "charity_number" },
		{ "Charity No.", "charity_number" },
		{ "Company number", "company_number" },
		{ "Company no", "company_number" },
		{ "Contact name", "contact_name" },
		{ "Your name", "contact_name" },
		{ "Contact", "contact_name" },
		{ "Name", "contact_name" },
		{ "Email", "email" },
		{ "E-mail", "email" },
		{ "Email address", "email" },
		{ "Phone", "phone" },
		{ "Telephone", "phone" },
		{ "Tel", "phone" },
		{ "Mobile", "phone" },
		{ "Postcode", "postcode" },
		{ "Post code", "postcode" },
		{ "Project title", "project_title" },
		{ "Project name", "project_title" },
		{ "Summary", "summary" },
		{ "Project summary", "summary" },
		{ "What will you do", "summary" },
		{ "Priorities", "priorities" },
		{ "Which priorities", "priorities" },
		{ "Priority", "priorities" },
		{ "Amount requested", "amount" },
		{ "Amount", "amount" },
		{ "Amount applied for", "amount" },
		{ "How much", "amount" },
		{ "Grant requested", "amount" },
		{ "Start date", "start" },
		{ "Start", "start" },
		{ "End date", "end" },
		{ "End", "end" },
		{ "People who will benefit", "beneficiaries" },
		{ "Beneficiaries", "beneficiaries" },
		{ "How many people will benefit", "beneficiaries" },
		{ "Number of beneficiaries", "beneficiaries" },
		{ "Budget", "budget" },
		{ "Budget breakdown", "budget" },
		{ "How will you spend the money", "budget" },
	};
	char		*text;
	size_t		 i;
	json_t		*f;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "%s: %s\n", cases[i].label,
		    sample_answer(cases[i].key));
		f = form_extract(text);
		if (json_object_size(f) == 0)
			fail_msg("'%s' found nothing", text);
		if (strcmp(cases[i].key, "priorities") == 0)
			assert_string_equal(json_string_value(json_array_get(
			    json_object_get(f, "priorities"), 0)), "1");
		else
			field_is(text, cases[i].key,
			    sample_answer(cases[i].key));
		json_decref(f);
		free(text);
	}
}

static void
test_bullets_and_separators(void **state)
{
	field_is("- Organisation name: Oakfield", "organisation", "Oakfield");
	field_is("* Organisation name: Oakfield", "organisation", "Oakfield");
	field_is("  3. Organisation name: Oakfield", "organisation", "Oakfield");
	field_is("1) Organisation name: Oakfield", "organisation", "Oakfield");
	field_is("\xe2\x80\xa2 Organisation name: Oakfield", "organisation",
	    "Oakfield");
	field_is("organisation NAME:Oakfield  ", "organisation", "Oakfield");
	field_is("Organisation name - Oakfield", "organisation", "Oakfield");
	field_is("Organisation name \xe2\x80\x93 Oakfield", "organisation",
	    "Oakfield");
	field_is("Organisation name\tOakfield", "organisation", "Oakfield");
	field_is("Organisation name (as on your bank account): Oakfield",
	    "organisation", "Oakfield");
	field_is("Organisation name*: Oakfield", "organisation", "Oakfield");
	field_is("How much? " POUND "450", "amount", POUND "450");
	field_is("How many people will benefit?: 30", "beneficiaries", "30");
	/* Not labels: a longer word, or prose that starts like one. */
	field_is("Organisational skills: many", "organisation", NULL);
	field_is("Starting in May we will meet weekly", "start", NULL);
	field_is("Summary of our plans follows", "summary", NULL);
	field_is("Budget-wise we are fine", "budget", NULL);
}

static void
test_values_on_following_lines(void **state)
{
	field_is("Organisation name:\nOakfield Allotment Society\n"
	    "Project title: Growing", "organisation",
	    "Oakfield Allotment Society");
	/* An unanswered single-line field does not take the next paragraph. */
	field_is("Phone:\n\nWe are a small group.\n", "phone", NULL);
	field_is("Phone:\nPostcode: LS6 2AB\n", "phone", NULL);
	field_is("Budget:\n- Seeds " POUND "120\n\n- Tools " POUND "180\n"
	    "Postcode: LS6 2AB\n", "budget", "- Seeds " POUND "120\n\n"
	    "- Tools " POUND "180");
	field_is("Project summary: We will run\nweekly sessions.\n\n"
	    "Priorities: 1\n", "summary", "We will run\nweekly sessions.");
	field_is("Budget: Seeds " POUND "450\n\nMany thanks,\nJoan\n",
	    "budget", "Seeds " POUND "450");
	field_is("Budget: Seeds " POUND "450\nKind regards\nJoan\n", "budget",
	    "Seeds " POUND "450");
	field_is("Organisation name: Oakfield\r\nPostcode: ls6 2ab\r\n",
	    "organisation", "Oakfield");
	field_is("Organisation name: Oakfield\r\nPostcode: ls6 2ab\r\n",
	    "postcode", "LS6 2AB");
	/* The first answer counts. */
	field_is("Organisation name: First\nOrganisation name: Second\n",
	    "organisation", "First");
	field_is("Organisation name: [your answer]\nOrganisation name: Real\n",
	    "organisation", "Real");
}

static void
test_placeholders(void **state)
{
	json_t	*f;

	field_is("Organisation name: [your answer]", "organisation", NULL);
	field_is("Organisation name: ...", "organisation", NULL);
	field_is("Organisation name: \xe2\x80\xa6", "organisation", NULL);
	field_is("Organisation name: ____", "organisation", NULL);
	field_is("Organisation name:", "organisation", NULL);
	field_is("Charity number: N/A", "charity_number", NULL);
	field_is("Charity number: none", "charity_number", NULL);
	field_is("Company number: -", "company_number", NULL);
	f = form_extract("");
	assert_int_equal(json_object_size(f), 0);
	json_decref(f);
	f = form_extract(NULL);
	assert_non_null(f);
	assert_int_equal(json_object_size(f), 0);
	json_decref(f);
	f = form_extract("Dear Sir or Madam,\n\nWe would like to apply.\n");
	assert_int_equal(json_object_size(f), 0);
	json_decref(f);
}

static void
test_quotes_and_signatures(void **state)
{
	field_is("> Organisation name: Quoted\nOrganisation name: Mine\n",
	    "organisation", "Mine");
	field_is("Amount: " POUND "450\n-- \nJoan\nAmount: " POUND "9\n",
	    "amount", POUND "450");
	field_is("Postcode: LS6 2AB\n--\nBudget: signature\n", "budget", NULL);
	/* "On ... wrote:" then quotes: the rest is the old thread. */
	field_is("Postcode: LS6 2AB\nPhone: 0113 496 0000\nContact: Jo\n\n"
	    "On Tue, 1 Dec 2026 at 10:00, Fast Grants "
	    "<apply@grants.example.org> wrote:\n> hello\n"
	    "Budget: after the quote\n", "budget", NULL);
	field_is("Postcode: LS6 2AB\nOn Tue, 1 Dec 2026 at 10:00, Fast Grants "
	    "<apply@grants.example.org>\nwrote:\n\n> Budget: old\n", "budget",
	    NULL);
	/* Prose that only looks like an attribution does not end the form. */
	field_is("On Tuesdays the children wrote:\nposters\nBudget: paint\n",
	    "budget", "paint");
	/* Outlook's reply header ends a form above it... */
	field_is("Organisation name: A\n________________________________\n"
	    "From: Fast Grants\nOrganisation name: B\n", "organisation", "A");
	field_is("Postcode: LS6 2AB\n-----Original Message-----\n"
	    "Budget: old\n", "budget", NULL);
	/* ...but above nothing it is a forward. */
	field_is("FYI\n-----Original Message-----\nFrom: Ruth\n\n"
	    "Organisation name: B\n", "organisation", "B");
}

static void
test_forwarded(void **state)
{
	static const char	text[] = "See below.\n-- \nDave Singh\n"
	    "Treasurer\nAmount: " POUND "1\n\n"
	    "---------- Forwarded message ---------\n"
	    "From: Ruth Green <ruth.green@example.org>\n"
	    "Date: Wed, 2 Dec 2026 at 20:14\nSubject: Our form\n"
	    "To: Dave <dave@example.com>\n\n"
	    "Organisation name: Northside Bowls Club\n"
	    "Amount requested: " POUND "350\n";

	field_is(text, "organisation", "Northside Bowls Club");
	field_is(text, "amount", POUND "350");
	field_is("Begin forwarded message:\n\nFrom: x\nSubject: y\n\n"
	    "Project title: Open Days\n", "project_title", "Open Days");
}

/* Typed into the quoted form of a reply: the only place the answers are. */
static void
test_answers_in_quoted_form(void **state)
{
	static const char	inline_answers[] = "Here you are.\n\n"
	    "On Mon, 30 Nov 2026 at 09:00, Fast Grants <apply@grants.example.org>"
	    " wrote:\n> Thank you for asking.\n>\n"
	    "> Organisation name: Oakfield Allotment Society\n"
	    "> Contact name:\nJoan Davies\n"
	    "> Amount requested (up to " POUND "500.00): " POUND "450\n"
	    "> Email:\n> Postcode: LS6 2AB\n";
	json_t			*f = form_extract(inline_answers);

	assert_string_equal(str(f, "organisation"), "Oakfield Allotment Society");
	assert_string_equal(str(f, "contact_name"), "Joan Davies");
	assert_int_equal(json_integer_value(json_object_get(f,
	    "amount_pence")), 45000);
	assert_string_equal(str(f, "postcode"), "LS6 2AB");
	assert_null(json_object_get(f, "email"));
	json_decref(f);

	/* A form above the quote is the answer; the quote is not read. */
	f = form_extract("Organisation name: New\nContact name: Jo\n"
	    "Postcode: LS1 1AA\n\nOn Mon, 30 Nov 2026, X wrote:\n"
	    "> Project title: Old\n");
	assert_null(json_object_get(f, "project_title"));
	json_decref(f);
}

static void
test_org_types(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "Registered Charity", "registered charity" },
		{ "charity", "registered charity" },
		{ "A charitable trust", "registered charity" },
		{ "CIO", "cio" },
		{ "Charitable Incorporated Organisation", "cio" },
		{ "cic", "cic" },
		{ "Community Interest Company", "cic" },
		{ "Company limited by guarantee", "company" },
		{ "Oakfield Ltd", "company" },
		{ "company", "company" },
		{ "unincorporated", "unincorporated group" },
		{ "Unincorporated association", "unincorporated group" },
		{ "Community group", "unincorporated group" },
		{ "Constituted group", "unincorporated group" },
		{ "We're a constituted community group", "unincorporated group" },
		{ "Bowls club", "unincorporated group" },
		{ "registered charity", "registered charity" },
		{ "unincorporated group", "unincorporated group" },
		{ "Parish council", "Parish council" },	/* kept as written */
		{ "socio-economic forum", "socio-economic forum" },
	};
	char	*text;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "Organisation type: %s\n", cases[i].in);
		field_is(text, "org_type", cases[i].want);
		free(text);
	}
}

static void
test_normalised_values(void **state)
{
	field_is("Postcode: ls62ab", "postcode", "LS6 2AB");
	field_is("Postcode: sw1a 1aa", "postcode", "SW1A 1AA");
	field_is("Postcode:   m1   1ae ", "postcode", "M1 1AE");
	field_is("Postcode: Leeds", "postcode", "LEEDS");
	field_is("Email: Joan <joan@example.org>", "email", "joan@example.org");
	field_is("Email: mailto:joan@example.org", "email", "joan@example.org");
	field_is("Email: bob at example", "email", "bob at example");
	field_is("Phone: 0113 496 0000", "phone", "0113 496 0000");
}

static void
test_amounts(void **state)
{
	int_is("Amount: " POUND "450", "amount_pence", 45000);
	int_is("Amount: 450", "amount_pence", 45000);
	int_is("Amount: " POUND "1,250.50", "amount_pence", 125050);
	int_is("Amount: 450 pounds", "amount_pence", 45000);
	int_is("Amount: " POUND " 450", "amount_pence", 45000);
	int_is("Amount: " POUND "450.00 (four hundred and fifty pounds)",
	    "amount_pence", 45000);
	int_is("Amount: GBP 300", "amount_pence", 30000);
	int_is("Amount: " POUND "450.", "amount_pence", 45000);
	int_is("Amount: lots", "amount_pence", -1);
	int_is("Amount: " POUND "4.505", "amount_pence", -1);
	int_is("Amount: -" POUND "5", "amount_pence", -1);
	field_is("Amount: lots", "amount", "lots");
	field_is("Amount:  " POUND "450 ", "amount", POUND "450");
}

static void
test_dates(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "2027-03-01", "2027-03-01" },
		{ "1/3/2027", "2027-03-01" },
		{ "01/03/2027", "2027-03-01" },
		{ "31.08.27", "2027-08-31" },
		{ "1 March 2027", "2027-03-01" },
		{ "1st March 2027", "2027-03-01" },
		{ "Monday 1st of March 2027", "2027-03-01" },
		{ "1 Mar 2027", "2027-03-01" },
		{ "March 1, 2027", "2027-03-01" },
		{ "March 2027", "2027-03-01" },
		{ "Sept 2027", "2027-09-01" },
		{ "29 February 2028", "2028-02-29" },
		{ "29 February 2027", NULL },
		{ "31/04/2027", NULL },
		{ "2027-13-01", NULL },
		{ "soon", NULL },
		{ "Summer 2027", NULL },
		{ "1 March", NULL },
	};
	char	*text;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "Start date: %s\nEnd date: %s\n", cases[i].in,
		    cases[i].in);
		field_is(text, "start", cases[i].in);
		field_is(text, "start_date", cases[i].want);
		field_is(text, "end_date", cases[i].want);
		free(text);
	}
}

static void
test_beneficiaries(void **state)
{
	int_is("Beneficiaries: 120 local children", "beneficiaries_count", 120);
	int_is("Beneficiaries: 1,200 people", "beneficiaries_count", 1200);
	int_is("Beneficiaries: 50-60 people", "beneficiaries_count", 50);
	int_is("Beneficiaries: About 50", "beneficiaries_count", -1);
	int_is("Beneficiaries: 99999999999999999999", "beneficiaries_count",
	    -1);
	field_is("People who will benefit: About 50 older people\nin the "
	    "village", "beneficiaries", "About 50 older people\nin the village");
}

static void
test_priority_lists(void **state)
{
	json_t	*f, *p;

	f = form_extract("Priorities: 1, 3");
	p = json_object_get(f, "priorities");
	assert_int_equal(json_array_size(p), 2);
	assert_string_equal(json_string_value(json_array_get(p, 0)), "1");
	assert_string_equal(json_string_value(json_array_get(p, 1)), "3");
	json_decref(f);

	f = form_extract("Priorities:\n- Fit and healthy\n* Skills; more\n"
	    "Amount: 5");
	p = json_object_get(f, "priorities");
	assert_int_equal(json_array_size(p), 3);
	assert_string_equal(json_string_value(json_array_get(p, 0)),
	    "Fit and healthy");
	assert_string_equal(json_string_value(json_array_get(p, 1)), "Skills");
	assert_string_equal(json_string_value(json_array_get(p, 2)), "more");
	json_decref(f);

	f = form_extract("Which priorities: 2 and 4");
	assert_string_equal(json_string_value(json_array_get(json_object_get(f,
	    "priorities"), 0)), "2 and 4");
	json_decref(f);

	f = form_extract("Priorities: n/a");
	assert_null(json_object_get(f, "priorities"));
	json_decref(f);
}

static void
test_bad_bytes(void **state)
{
	json_t	*f = form_extract("Organisation name: Caf\xe9 \xff\x01\n"
	    "Amount: \xa3" "5\n");

	/* Every value is a JSON string, so valid UTF-8. */
	assert_non_null(str(f, "organisation"));
	assert_non_null(strstr(str(f, "organisation"), "Caf\xef\xbf\xbd"));
	json_decref(f);
}

static void
test_has_form(void **state)
{
	json_t	*f;

	f = form_extract("Organisation name: A\nPostcode: LS6 2AB\n");
	assert_int_equal(form_has_form(f), 0);
	json_decref(f);
	f = form_extract("Organisation name: A\nPostcode: LS6 2AB\n"
	    "Amount: " POUND "5\n");
	assert_int_equal(form_has_form(f), 1);
	json_decref(f);
	/* Worked-out values do not count as answers. */
	f = form_extract("Amount: " POUND "5\nStart: 1 March 2027\n");
	assert_int_equal(json_object_size(f), 4);
	assert_int_equal(form_has_form(f), 0);
	json_decref(f);
	assert_int_equal(form_has_form(NULL), 0);
}

static void
test_merge(void **state)
{
	json_t	*old, *new, *m;

	old = form_extract("Organisation name: Oakfield\nAmount: lots\n"
	    "Start: 1 March 2027\nPostcode: ls6 2ab\n");
	new = form_extract("Amount: " POUND "450\nPostcode: LS6 3CD\n");
	m = form_merge(old, new);
	assert_string_equal(str(m, "organisation"), "Oakfield");
	assert_string_equal(str(m, "amount"), POUND "450");
	assert_int_equal(json_integer_value(json_object_get(m,
	    "amount_pence")), 45000);
	assert_string_equal(str(m, "postcode"), "LS6 3CD");
	assert_string_equal(str(m, "start_date"), "2027-03-01");
	/* The inputs are untouched. */
	assert_string_equal(str(old, "amount"), "lots");
	assert_string_equal(str(old, "postcode"), "LS6 2AB");
	json_decref(m);
	json_decref(new);

	/* A replaced answer takes its old worked-out value with it. */
	new = json_pack("{s:s}", "start", "whenever suits");
	m = form_merge(old, new);
	assert_string_equal(str(m, "start"), "whenever suits");
	assert_null(json_object_get(m, "start_date"));
	json_decref(m);
	json_decref(new);

	new = form_extract("Amount: " POUND "450");
	m = form_merge(NULL, new);
	assert_true(json_equal(m, new));
	json_decref(m);
	m = form_merge(old, NULL);
	assert_true(json_equal(m, old));
	assert_true(m != old);
	json_decref(m);
	json_decref(new);
	json_decref(old);
}

/* The other questions text gave, as "label=answer|label=answer". */
#define others_are(text, want)	others_are_at(text, want, __LINE__)
static void
others_are_at(const char *text, const char *want, int line)
{
	json_t	*f = form_extract(text), *v;
	char	*got = xstrdup(""), *t;
	size_t	 i;

	json_array_foreach(json_object_get(f, "unrecognised"), i, v) {
		xasprintf(&t, "%s%s%s=%s", got, i > 0 ? "|" : "",
		    str(v, "label"), str(v, "answer"));
		free(got);
		got = t;
	}
	if (strcmp(got, want) != 0)
		fail_msg("line %d: '%s' kept '%s', wanted '%s'", line, text,
		    got, want);
	free(got);
	json_decref(f);
}

/* Labels as people write them, read for what they mean. */
static void
test_labels_by_meaning(void **state)
{
	static const struct {
		const char	*label;
		const char	*key;
	} cases[] = {
		{ "Costs", "budget" },
		{ "What the money will pay for", "budget" },
		{ "What will the money pay for?", "budget" },
		{ "Project costs", "budget" },
		{ "How many people will benefit", "beneficiaries" },
		{ "How many people will take part?", "beneficiaries" },
		{ "Benificiaries", "beneficiaries" },
		{ "Main contact", "contact_name" },
		{ "Your name", "contact_name" },
		{ "Name of person completing this form", "contact_name" },
		{ "Project start", "start" },
		{ "When will it start", "start" },
		{ "When will the project finish?", "end" },
		{ "Name of your community group", "organisation" },
		{ "Group/organisation", "organisation" },
		{ "Organization", "organisation" },
		{ "Organisation\xe2\x80\x99s name", "organisation" },
		{ "Registered charity no.", "charity_number" },
		{ "Charity number (if any)", "charity_number" },
		{ "Companies House number", "company_number" },
		{ "Tel. no.", "phone" },
		{ "Daytime phone number", "phone" },
		{ "Your e-mail address", "email" },
		{ "Postcode of your project", "postcode" },
		{ "Postocde", "postcode" },
		{ "How much are you asking for?", "amount" },
		{ "Amount requested (" POUND ")", "amount" },
		{ "How much funding do you need?", "amount" },
		{ "What is your project called?", "project_title" },
		{ "Tell us about your project", "summary" },
		{ "What will you do?", "summary" },
		{ "Which priorities does your project meet", "priorities" },
		{ "Legal structure", "org_type" },
	};
	char	*text;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "%s: %s\n", cases[i].label,
		    sample_answer(cases[i].key));
		if (strcmp(cases[i].key, "priorities") != 0)
			field_is(text, cases[i].key,
			    sample_answer(cases[i].key));
		others_are(text, "");
		free(text);
	}
}

/* A label that could be either of two fields is neither: it is kept. */
static void
test_never_guess(void **state)
{
	static const char *const cases[] = { "Start and end dates",
	    "Phone/email", "Registration number", "Contact details",
	    "Organisation name and type", "How much will it cost in total?",
	    "Total project cost" };
	char		*text, *want;
	json_t		*f;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "Organisation name: Oakfield\n%s: 1 March\n",
		    cases[i]);
		f = form_extract(text);
		if (json_object_size(f) != 2)
			fail_msg("'%s' gave %s", cases[i], json_dumps(f, 0));
		xasprintf(&want, "%s=1 March", cases[i]);
		others_are(text, want);
		json_decref(f);
		free(want);
		free(text);
	}
}

/* What the reader did not understand is kept as written, and only that. */
static void
test_unrecognised_kept(void **state)
{
	others_are("Organisation name: Oakfield\nHow did you hear about us?\n"
	    "A friend\nat the library\n\nPostcode: LS6 2AB\n",
	    "How did you hear about us?=A friend\nat the library");
	others_are("Organisation name: Oakfield\nWebsite: www.oakfield.org\n"
	    "Costs:\nHall hire: " POUND "60\nSeeds: " POUND "40\n"
	    "Position in organisation - Chair\n",
	    "Website=www.oakfield.org");
	field_is("Costs:\nHall hire: " POUND "60\nSeeds: " POUND "40\n",
	    "budget", "Hall hire: " POUND "60\nSeeds: " POUND "40");
	/* Before the form: only a question grantd knows, not a greeting. */
	others_are("Re: our form\nHi: here it is\n\nWebsite: oak.org\n"
	    "Organisation name: Oakfield\n", "Website=oak.org");
	/* Unanswered, or after the form, is nothing to keep. */
	others_are("Organisation name: Oakfield\nWebsite: n/a\n"
	    "Thanks,\nJoan\nP.S.: see you Tuesday\n", "");
	/* In the summary, first-person prose with a colon stays there. */
	field_is("Summary: We run two things:\nWe will do it: soon\n",
	    "summary", "We run two things:\nWe will do it: soon");
	/* A field answered twice, differently: the second is kept too. */
	others_are("Organisation name: Oakfield\nProject title: Growing\n"
	    "Project: Seeds for all\n", "Project=Seeds for all");
	others_are("Organisation name: Oakfield\nOrganisation name: Oakfield\n",
	    "");
	/* Another question's answer ends at a gap: what follows is not it. */
	others_are("Organisation name: Oakfield\nIs your group run by "
	    "volunteers?\nYes\n\nThanks so much\nEllie\n",
	    "Is your group run by volunteers?=Yes");
	/* A place for the postcode: the postcode, and the place kept. */
	field_is("Where will the project take place? St Mark's Hall, Leeds "
	    "ls6 2ab\n", "postcode", "LS6 2AB");
	others_are("Organisation name: Oakfield\nWhere will the project take "
	    "place? St Mark's Hall, Leeds ls6 2ab\n", "Where will the project "
	    "take place?=St Mark's Hall, Leeds ls6 2ab");
}

/* Labels decorated and separated as mailers and people do. */
static void
test_label_shapes(void **state)
{
	field_is("**Organisation name:** Oakfield", "organisation", "Oakfield");
	field_is("**Organisation name**: Oakfield", "organisation", "Oakfield");
	field_is("Q1) Organisation name: Oakfield", "organisation", "Oakfield");
	field_is("Question 1: Organisation name - Oakfield", "organisation",
	    "Oakfield");
	field_is("Organisation name\xef\xbc\x9a" "Oakfield", "organisation",
	    "Oakfield");
	field_is("Organisation name\xc2\xa0: Oakfield", "organisation",
	    "Oakfield");
	field_is("Organisation name : Oakfield", "organisation", "Oakfield");
	field_is("How much? \xe2\x80\x93 " POUND "450", "amount", POUND "450");
	/* A numbered list in an answer is not the next question. */
	field_is("1. Priorities:\n1. Fit and healthy\n3. Skills\n"
	    "2. Postcode: LS6 2AB\n", "postcode", "LS6 2AB");
	others_are("1. Priorities:\n1. Fit and healthy\n3. Skills\n"
	    "2. Postcode: LS6 2AB\n", "");
	/* Labels alone, numbered in turn: the number says it is a label. */
	field_is("1) Group name\nOakfield\n\n2) Number of children and "
	    "adults who will take part\n25 children\n", "beneficiaries",
	    "25 children");
	field_is("Status: Registered charity", "org_type",
	    "registered charity");
	/* Numbered questions the reader does not know are kept. */
	others_are("Q1) Organisation name: Oakfield\nQ2) Years running: 5\n",
	    "Years running=5");
}

static json_t *
complete(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[ss], s:s, "
	    "s:I, s:s, s:s, s:s, s:s, s:s}",
	    "organisation", "Oakfield Allotment Society",
	    "org_type", "unincorporated group",
	    "contact_name", "Joan Davies",
	    "email", "joan.davies@example.org",
	    "postcode", "LS6 2AB",
	    "project_title", "Growing Together",
	    "summary", "Weekly gardening sessions for older neighbours.",
	    "priorities", "1", "encouraging community participation!",
	    "amount", POUND "450",
	    "amount_pence", (json_int_t)45000,
	    "start", "1 March 2027",
	    "end", "31 August 2027",
	    "beneficiaries", "40 older residents",
	    "budget", "Seeds " POUND "120\nTools " POUND "180",
	    "phone", "0113 496 0000");
}

static void
problems_are(json_t *fields, const struct form_rules *rules,
    const char *const *want, size_t nwant, int line)
{
	json_t	*p = form_problems(fields, rules);
	size_t	 i;
	char	*dump = json_dumps(p, JSON_INDENT(1));

	if (json_array_size(p) != nwant)
		fail_msg("line %d: %zu problems, wanted %zu: %s", line,
		    json_array_size(p), nwant, dump);
	for (i = 0; i < nwant; i++) {
		if (strcmp(json_string_value(json_array_get(p, i)), want[i]))
			fail_msg("line %d: problem %zu is\n'%s'\nwanted\n'%s'",
			    line, i, json_string_value(json_array_get(p, i)),
			    want[i]);
	}
	free(dump);
	json_decref(p);
}

/* complete() with key set to value (NULL: removed) has exactly one problem. */
#define one(key, value, want)	one_at(key, value, want, &rules, __LINE__)
static void
one_at(const char *key, const char *value, const char *want,
    const struct form_rules *rules, int line)
{
	json_t	*f = complete();

	if (value == NULL)
		json_object_del(f, key);
	else
		json_object_set_new(f, key, json_string(value));
	if (strcmp(key, "amount") == 0)
		json_object_del(f, "amount_pence");
	problems_are(f, rules, &want, 1, line);
	json_decref(f);
}

static void
test_complete(void **state)
{
	struct form_rules	 rules = { 50000, 0, fast_grants() };
	json_t			*f = complete(), *p;

	problems_are(f, &rules, NULL, 0, __LINE__);
	/* Priorities now read as the round publishes them. */
	p = json_object_get(f, "priorities");
	assert_int_equal(json_array_size(p), 2);
	assert_string_equal(json_string_value(json_array_get(p, 0)),
	    "Supporting the community to be fit and healthy");
	assert_string_equal(json_string_value(json_array_get(p, 1)),
	    "Encouraging community participation");
	json_decref(f);
	json_decref(rules.priorities);
}

static void
test_each_problem(void **state)
{
	struct form_rules	 rules = { 50000, 0, fast_grants() };

	one("organisation", NULL, "Organisation name is missing");
	one("organisation", "[your answer]", "Organisation name is missing");
	one("org_type", NULL, "Organisation type is missing (registered "
	    "charity, CIO, CIC, company or unincorporated group)");
	one("org_type", "parish council", "Organisation type 'parish "
	    "council' is not one we recognise (registered charity, CIO, CIC, "
	    "company or unincorporated group)");
	one("org_type", "registered charity", "Charity number is missing "
	    "(registered charities and CIOs need one)");
	one("org_type", "cio", "Charity number is missing (registered "
	    "charities and CIOs need one)");
	one("org_type", "cic", "Company number is missing (CICs and "
	    "companies need one)");
	one("org_type", "company", "Company number is missing (CICs and "
	    "companies need one)");
	one("contact_name", NULL, "Contact name is missing");
	one("email", NULL, "Email address is missing");
	one("email", "bob at example", "Email address 'bob at example' does "
	    "not look right");
	one("email", "bob@example", "Email address 'bob@example' does not "
	    "look right");
	one("email", "bob@@example.org", "Email address 'bob@@example.org' "
	    "does not look right");
	one("postcode", NULL, "Postcode is missing");
	one("postcode", "Leeds", "Postcode 'Leeds' does not look like a UK "
	    "postcode");
	one("project_title", NULL, "Project title is missing");
	one("summary", NULL, "Project summary is missing");
	one("amount", NULL, "Amount requested is missing");
	one("amount", "lots", "Amount requested 'lots' is not an amount of "
	    "money (write it like " POUND "450)");
	one("amount", POUND "650", "Amount requested " POUND "650.00 is more "
	    "than this round's maximum of " POUND "500.00");
	one("amount", POUND "0", "Amount requested must be more than "
	    POUND "0");
	one("amount", "0.00", "Amount requested must be more than " POUND "0");
	one("start", NULL, "Start date is missing");
	one("start", "soon", "Start date 'soon' is not a date (write it like "
	    "1 March 2027)");
	one("end", NULL, "End date is missing");
	one("end", "1 January 2027", "End date is before the start date");
	one("beneficiaries", NULL, "People who will benefit is missing (say "
	    "who, and roughly how many)");
	one("budget", NULL, "Budget is missing (say what the money will pay "
	    "for)");
	one("priorities", NULL, "Priorities are missing: choose at least one "
	    "of this round's priorities: " FAST_GRANTS_PRIORITIES);
	json_decref(rules.priorities);
}

static void
test_amount_limits(void **state)
{
	struct form_rules	 rules = { 0, 10000, NULL };
	json_t			*f = complete();
	const char		*want = "Amount requested " POUND "50.00 is "
	    "less than this round's minimum of " POUND "100.00";

	json_object_set_new(f, "amount", json_string(POUND "50"));
	problems_are(f, &rules, &want, 1, __LINE__);
	/* No maximum: a large amount is fine. */
	json_object_set_new(f, "amount", json_string(POUND "5,000"));
	problems_are(f, &rules, NULL, 0, __LINE__);
	/* At the maximum is within it. */
	rules.max_award = 50000;
	json_object_set_new(f, "amount", json_string(POUND "500.00"));
	problems_are(f, &rules, NULL, 0, __LINE__);
	/* Only the pence, as a caller might store them. */
	json_object_del(f, "amount");
	json_object_set_new(f, "amount_pence", json_integer(50001));
	want = "Amount requested " POUND "500.01 is more than this round's "
	    "maximum of " POUND "500.00";
	problems_are(f, &rules, &want, 1, __LINE__);
	json_decref(f);
}

static void
test_numbers_given(void **state)
{
	struct form_rules	 rules = { 50000, 0, fast_grants() };
	json_t			*f = complete();

	json_object_set_new(f, "org_type", json_string("Registered Charity"));
	json_object_set_new(f, "charity_number", json_string("1123456"));
	problems_are(f, &rules, NULL, 0, __LINE__);
	json_object_set_new(f, "org_type", json_string("cic"));
	json_object_set_new(f, "company_number", json_string("09876543"));
	problems_are(f, &rules, NULL, 0, __LINE__);
	json_decref(f);
	json_decref(rules.priorities);
}

/* The priorities an answer stands for, or the one problem it causes. */
#define prio(answer, want, n, problem) \
	prio_at(answer, want, n, problem, __LINE__)
static void
prio_at(json_t *answer, const char *const *want, size_t n,
    const char *problem, int line)
{
	struct form_rules	 rules = { 50000, 0, fast_grants() };
	json_t			*f = complete(), *got, *before;
	size_t			 i;

	json_object_set_new(f, "priorities", answer);
	before = json_deep_copy(answer);
	problems_are(f, &rules, problem != NULL ? &problem : NULL,
	    problem != NULL, line);
	got = json_object_get(f, "priorities");
	if (problem != NULL && !json_equal(got, before))
		fail_msg("line %d: priorities changed despite a problem", line);
	for (i = 0; problem == NULL && i < n; i++) {
		if (json_array_size(got) != n ||
		    strcmp(json_string_value(json_array_get(got, i)), want[i]))
			fail_msg("line %d: got %s", line, json_dumps(got, 0));
	}
	json_decref(before);
	json_decref(f);
	json_decref(rules.priorities);
}

static void
test_priority_matching(void **state)
{
	static const char *const p1[] = {
	    "Supporting the community to be fit and healthy" };
	static const char *const p24[] = { "Developing skills of local people",
	    "Encouraging community participation" };
	static const char *const p31[] = { "Changing the area for the better",
	    "Supporting the community to be fit and healthy" };

	prio(json_pack("[s]", "1"), p1, 1, NULL);
	prio(json_pack("[s]", "#1"), p1, 1, NULL);
	prio(json_pack("[s]", "Priority 1"), p1, 1, NULL);
	prio(json_pack("[s]", "2 and 4"), p24, 2, NULL);
	prio(json_pack("[s]", "2 & 4"), p24, 2, NULL);
	prio(json_pack("[ss]", "2", "4"), p24, 2, NULL);
	prio(json_pack("[s]", "SUPPORTING the community, to be fit & "
	    "healthy!"), p1, 1, NULL);
	prio(json_pack("[s]", "fit and healthy"), p1, 1, NULL);
	prio(json_pack("[s]", "1. Supporting the community to be fit and "
	    "healthy"), p1, 1, NULL);
	prio(json_pack("[s]", "We are supporting the community to be fit "
	    "and healthy through walks"), p1, 1, NULL);
	prio(json_pack("[ss]", "changing the area", "1"), p31, 2, NULL);
	prio(json_pack("[sss]", "1", "fit and healthy", "#1"), p1, 1, NULL);
	prio(json_string("2, 4"), p24, 2, NULL);
	prio(json_pack("[s]", "world peace"), NULL, 0, "Priority 'world "
	    "peace' is not one of this round's priorities: "
	    FAST_GRANTS_PRIORITIES);
	prio(json_pack("[s]", "skills"), NULL, 0, "Priority 'skills' is not "
	    "one of this round's priorities: " FAST_GRANTS_PRIORITIES);
	prio(json_pack("[s]", "5"), NULL, 0, "Priority '5' is not one of "
	    "this round's priorities: " FAST_GRANTS_PRIORITIES);
	prio(json_pack("[s]", "2 and 7"), NULL, 0, "Priority '2 and 7' is not "
	    "one of this round's priorities: " FAST_GRANTS_PRIORITIES);
	prio(json_pack("[ss]", "1", "world peace"), NULL, 0, "Priority "
	    "'world peace' is not one of this round's priorities: "
	    FAST_GRANTS_PRIORITIES);
}

static void
test_priority_edge_cases(void **state)
{
	struct form_rules	 rules = { 0, 0, NULL };
	json_t			*f = complete();
	const char		*want;

	/* A round without priorities takes any answer, or none. */
	json_object_set_new(f, "priorities", json_pack("[s]", "world peace"));
	problems_are(f, &rules, NULL, 0, __LINE__);
	assert_string_equal(json_string_value(json_array_get(json_object_get(f,
	    "priorities"), 0)), "world peace");
	json_object_del(f, "priorities");
	problems_are(f, &rules, NULL, 0, __LINE__);
	rules.priorities = json_array();
	problems_are(f, &rules, NULL, 0, __LINE__);
	json_decref(rules.priorities);

	/* Words that fit two priorities say so. */
	rules.priorities = json_pack("[ss]", "Improving health for older "
	    "people", "Improving health for young people");
	json_object_set_new(f, "priorities", json_pack("[s]",
	    "improving health"));
	want = "Priority 'improving health' matches more than one of this "
	    "round's priorities: 1. Improving health for older people; "
	    "2. Improving health for young people";
	problems_are(f, &rules, &want, 1, __LINE__);
	json_decref(rules.priorities);
	json_decref(f);
}

static void
test_nothing_given(void **state)
{
	static const char *const all[] = {
		"Organisation name is missing",
		"Organisation type is missing (registered charity, CIO, CIC, "
		    "company or unincorporated group)",
		"Contact name is missing",
		"Email address is missing",
		"Postcode is missing",
		"Project title is missing",
		"Project summary is missing",
		"Priorities are missing: choose at least one of this round's "
		    "priorities: " FAST_GRANTS_PRIORITIES,
		"Amount requested is missing",
		"Start date is missing",
		"End date is missing",
		"People who will benefit is missing (say who, and roughly how "
		    "many)",
		"Budget is missing (say what the money will pay for)",
	};
	struct form_rules	 rules = { 50000, 0, fast_grants() };
	json_t			*empty = json_object();
	const char		*norules[12];

	problems_are(empty, &rules, all, 13, __LINE__);
	problems_are(NULL, &rules, all, 13, __LINE__);
	/* Without rules, no priority is needed. */
	memcpy(norules, all, 7 * sizeof *all);
	memcpy(norules + 7, all + 8, 5 * sizeof *all);
	problems_are(empty, NULL, norules, 12, __LINE__);
	json_decref(empty);
	json_decref(rules.priorities);
}

static void
test_long_values_quoted_short(void **state)
{
	struct form_rules	 rules = { 50000, 0, fast_grants() };
	json_t			*f = complete(), *p;
	char			 big[500];
	const char		*s;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	json_object_set_new(f, "email", json_string(big));
	p = form_problems(f, &rules);
	s = json_string_value(json_array_get(p, 0));
	assert_true(strlen(s) < 150);
	assert_non_null(strstr(s, "x\xe2\x80\xa6' does not look right"));
	json_decref(p);
	json_decref(f);
	json_decref(rules.priorities);
}

/*
 * A message of 20,000 lines: the form at its top is read, the lines past
 * those the reader reads are not (they stay in the message), so a long
 * message costs a bounded time however long it is.
 */
static void
test_long_message_bounded(void **state)
{
	struct strbuf	 b = { NULL, 0, 0 };
	json_t		*f;
	char		 line[64];
	int		 i, n;

	(void)state;
	n = snprintf(line, sizeof line, "Organisation name: Oldham Knitters\n");
	strbuf_add(&b, line, (size_t)n);
	for (i = 0; i < 20000; i++) {
		n = snprintf(line, sizeof line, "Question %d: answer\n", i);
		strbuf_add(&b, line, (size_t)n);
	}
	n = snprintf(line, sizeof line, "Amount requested: 450\n");
	strbuf_add(&b, line, (size_t)n);
	f = form_extract(b.s);
	assert_string_equal(json_string_value(json_object_get(f,
	    "organisation")), "Oldham Knitters");
	assert_null(json_object_get(f, "amount"));
	json_decref(f);
	f = form_monitor_read(b.s, NULL);
	json_decref(f);
	free(b.s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blank_template),
		cmocka_unit_test(test_filled_template),
		cmocka_unit_test(test_label_variations),
		cmocka_unit_test(test_bullets_and_separators),
		cmocka_unit_test(test_labels_by_meaning),
		cmocka_unit_test(test_never_guess),
		cmocka_unit_test(test_unrecognised_kept),
		cmocka_unit_test(test_label_shapes),
		cmocka_unit_test(test_values_on_following_lines),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_quotes_and_signatures),
		cmocka_unit_test(test_forwarded),
		cmocka_unit_test(test_answers_in_quoted_form),
		cmocka_unit_test(test_org_types),
		cmocka_unit_test(test_normalised_values),
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_beneficiaries),
		cmocka_unit_test(test_priority_lists),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_has_form),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_each_problem),
		cmocka_unit_test(test_amount_limits),
		cmocka_unit_test(test_numbers_given),
		cmocka_unit_test(test_priority_matching),
		cmocka_unit_test(test_priority_edge_cases),
		cmocka_unit_test(test_nothing_given),
		cmocka_unit_test(test_long_values_quoted_short),
		cmocka_unit_test(test_long_message_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
