/*
 * test-template.c: the letter renderer. A line holding only a section tag
 * ({{#x}}, {{^x}}, {{/x}}) disappears with its newline, at any depth of
 * nesting, so a list renders one item a line with no blank lines between;
 * a tag sharing its line with text leaves the line alone. Each case is a
 * template loaded the way grantd loads an officer's override.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "grant.h"
#include "mail/template.h"

#ifndef TEMPLATES_DIR
#define TEMPLATES_DIR "templates"
#endif

static char	override[] = "/tmp/test-template.XXXXXX";

static void
write_file(const char *name, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", override, name);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("%s: cannot write", path);
	fputs(text, f);
	fclose(f);
}

/* body, rendered with vars (JSON), must be exactly want. */
#define renders(body, vars, want)	renders_at(body, vars, want, __LINE__)
static void
renders_at(const char *body, const char *vars, const char *want, int line)
{
	char	*text, *subject, *got, err[512];
	json_t	*v;

	if (asprintf(&text, "Subject: test\n%s", body) == -1)
		fail_msg("out of memory");
	write_file("test-message.txt", text);
	free(text);
	if (template_load_all(TEMPLATES_DIR, override, err, sizeof err) == -1)
		fail_msg("line %d: %s", line, err);
	if ((v = json_loads(vars, 0, NULL)) == NULL)
		fail_msg("line %d: bad JSON in the test", line);
	if (template_render("test-message", v, &subject, &got, err,
	    sizeof err) == -1)
		fail_msg("line %d: %s", line, err);
	if (strcmp(got, want) != 0)
		fail_msg("line %d: rendered\n---\n%s---\nwanted\n---\n%s---",
		    line, got, want);
	json_decref(v);
	free(subject);
	free(got);
}

static void
test_list_one_item_a_line(void **state)
{
	(void)state;
	renders("Missing:\n\n{{#problems}}\n  - {{.}}\n{{/problems}}\n\nEnd\n",
	    "{\"problems\": [\"Postcode\", \"Amount\", \"Budget\"]}",
	    "Missing:\n\n  - Postcode\n  - Amount\n  - Budget\n\nEnd\n");
	renders("Missing:\n\n{{#problems}}\n  - {{.}}\n{{/problems}}\n\nEnd\n",
	    "{\"problems\": []}", "Missing:\n\n\nEnd\n");
}

static void
test_every_section_in_a_letter(void **state)
{
	(void)state;
	/* Not only the last tag of the text: each standalone one. */
	renders("A\n{{#understood}}\n  {{label}}: {{value}}\n{{/understood}}\n"
	    "\nB\n{{#problems}}\n  - {{.}}\n{{/problems}}\nC\n"
	    "{{^problems}}\nnone\n{{/problems}}\nD\n",
	    "{\"understood\": [{\"label\": \"Organisation\", \"value\": \"X\"},"
	    " {\"label\": \"Project\", \"value\": \"Y\"}],"
	    " \"problems\": [\"Postcode\", \"Amount\"]}",
	    "A\n  Organisation: X\n  Project: Y\n\nB\n  - Postcode\n"
	    "  - Amount\nC\nD\n");
}

static void
test_nested_sections(void **state)
{
	(void)state;
	renders("Start\n"
	    "{{#understood}}\n"
	    "  {{label}}:\n"
	    "    {{#value}}\n"
	    "      {{^reason}}\n"
	    "    * {{value}}\n"
	    "      {{/reason}}\n"
	    "    {{/value}}\n"
	    "{{/understood}}\n"
	    "End\n",
	    "{\"understood\": [{\"label\": \"A\", \"value\": \"1\"},"
	    " {\"label\": \"B\", \"value\": \"\"},"
	    " {\"label\": \"C\", \"value\": \"3\"}]}",
	    "Start\n  A:\n    * 1\n  B:\n  C:\n    * 3\nEnd\n");
	/* Three deep, each level a list. */
	renders("{{#items}}\n"
	    "{{text}}\n"
	    "\t{{#criteria}}\n"
	    "\t- {{criterion}}\n"
	    "\t\t{{#conditions}}\n"
	    "\t\t. {{.}}\n"
	    "\t\t{{/conditions}}\n"
	    "\t{{/criteria}}\n"
	    "{{/items}}\n",
	    "{\"items\": [{\"text\": \"one\", \"criteria\": ["
	    "{\"criterion\": \"a\", \"conditions\": [\"x\", \"y\"]},"
	    "{\"criterion\": \"b\", \"conditions\": []}]},"
	    "{\"text\": \"two\", \"criteria\": []}]}",
	    "one\n\t- a\n\t\t. x\n\t\t. y\n\t- b\ntwo\n");
}

static void
test_tags_that_are_not_alone(void **state)
{
	(void)state;
	/* Text beside a tag keeps the line, and its newline. */
	renders("Items: {{#problems}}{{.}}, {{/problems}}end\n",
	    "{\"problems\": [\"a\", \"b\"]}", "Items: a, b, end\n");
	renders("{{#problems}}x{{/problems}}\nNext\n",
	    "{\"problems\": [\"a\"]}", "x\nNext\n");
	renders("{{#problems}}\n{{.}} {{/problems}}\nNext\n",
	    "{\"problems\": [\"a\", \"b\"]}", "a b \nNext\n");
	/* A value tag alone on its line is not a section tag. */
	renders("{{reason}}\nNext\n", "{\"reason\": \"\"}", "\nNext\n");
	/* Trailing blanks after a standalone tag go with it. */
	renders("{{#problems}}  \n- {{.}}\n{{/problems}}\t\nNext\n",
	    "{\"problems\": [\"a\"]}", "- a\nNext\n");
}

static void
test_last_line_without_newline(void **state)
{
	(void)state;
	renders("{{#problems}}\n- {{.}}\n{{/problems}}",
	    "{\"problems\": [\"a\"]}", "- a\n");
}

static void
test_partial(void **state)
{
	char	path[512];

	(void)state;
	snprintf(path, sizeof path, "%s/partials", override);
	mkdir(path, 0700);
	write_file("partials/understood.txt",
	    "{{#form_read}}\nWe read:\n\n{{#understood}}\n"
	    "  {{label}}: {{value}}\n{{/understood}}\n\n{{/form_read}}\n");
	renders("Dear {{contact_name}},\n\n{{>understood}}\nThanks\n",
	    "{\"contact_name\": \"Jo\", \"form_read\": true,"
	    " \"understood\": [{\"label\": \"A\","
	    " \"value\": \"1\"}, {\"label\": \"B\", \"value\": \"2\"}]}",
	    "Dear Jo,\n\nWe read:\n\n  A: 1\n  B: 2\n\nThanks\n");
	renders("Dear {{contact_name}},\n\n{{>understood}}\nThanks\n",
	    "{\"contact_name\": \"Jo\", \"form_read\": false,"
	    " \"understood\": []}",
	    "Dear Jo,\n\nThanks\n");
	snprintf(path, sizeof path, "%s/partials/understood.txt", override);
	unlink(path);
	snprintf(path, sizeof path, "%s/partials", override);
	rmdir(path);
}

static void
test_bad_partial(void **state)
{
	char	err[512];

	(void)state;
	write_file("test-message.txt", "Subject: t\n{{>nosuch}}\n");
	assert_int_equal(template_load_all(TEMPLATES_DIR, override, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "nosuch"));
	write_file("test-message.txt", "Subject: t\nHi {{>understood}}\n");
	assert_int_equal(template_load_all(TEMPLATES_DIR, override, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "on a line of its own"));
	/* The shipped partial opens two sections; inside three, too deep. */
	write_file("test-message.txt", "Subject: t\n{{#items}}\n{{#criteria}}"
	    "\n{{#tranches}}\n{{>understood}}\n{{/tranches}}\n{{/criteria}}\n"
	    "{{/items}}\n");
	assert_int_equal(template_load_all(TEMPLATES_DIR, override, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "nested too deep"));
	/* Two deep is within the four allowed. */
	write_file("test-message.txt", "Subject: t\n{{#items}}\n{{#criteria}}"
	    "\n{{>understood}}\n{{/criteria}}\n{{/items}}\n");
	if (template_load_all(TEMPLATES_DIR, override, err, sizeof err) == -1)
		fail_msg("%s", err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_one_item_a_line),
		cmocka_unit_test(test_every_section_in_a_letter),
		cmocka_unit_test(test_nested_sections),
		cmocka_unit_test(test_tags_that_are_not_alone),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_bad_partial),
	};
	char	path[512];
	int	rc;

	if (mkdtemp(override) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	template_free_all();
	snprintf(path, sizeof path, "%s/test-message.txt", override);
	unlink(path);
	rmdir(override);
	return rc;
}
