/*
 * test-document.c: the pure parts of reading a form sent as a file: the
 * text grantd-docread makes of a Word or OpenDocument form's XML
 * (paragraphs, two-cell table rows as "label: answer", content controls,
 * the depth limit), and what grantd takes a file to be from its name,
 * its type or its first bytes.
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
#include "mail/document.h"

#define W_NS	"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define DOCX(body)	"<?xml version=\"1.0\"?><w:document xmlns:w=\"" W_NS \
	"\"><w:body>" body "</w:body></w:document>"
#define ODT(body)	"<?xml version=\"1.0\"?><office:document-content " \
	"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" " \
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\">" \
	"<office:body><office:text>" body \
	"</office:text></office:body></office:document-content>"

typedef int (*xml_reader)(const char *, size_t,
    const struct document_limits *, char **, char *, size_t);

/* xml read by reader gives want exactly (or fails, with want in its error). */
#define reads_as(reader, xml, want)	reads_at(reader, xml, want, 0, __LINE__)
#define fails_with(reader, xml, want)	reads_at(reader, xml, want, 1, __LINE__)
static void
reads_at(xml_reader reader, const char *xml, const char *want, int failing,
    int line)
{
	struct document_limits	 l;
	char			*text = NULL, err[GRANT_ERRLEN] = "";
	int			 rc;

	document_limits_default(&l);
	l.max_depth = 20;
	rc = reader(xml, strlen(xml), &l, &text, err, sizeof err);
	if (!failing && rc != 0)
		fail_msg("line %d: refused: %s", line, err);
	if (!failing && strcmp(text, want) != 0)
		fail_msg("line %d: read as\n[%s]\nwanted\n[%s]", line, text,
		    want);
	if (failing && rc == 0)
		fail_msg("line %d: read as [%s], wanted a refusal", line, text);
	if (failing && strstr(err, want) == NULL)
		fail_msg("line %d: refused with '%s', wanted '%s'", line, err,
		    want);
	free(text);
}

static void
test_docx_paragraphs(void **state)
{
	reads_as(document_docx_xml, DOCX(
	    "<w:p><w:r><w:t>Organisation name: Oakfield</w:t></w:r></w:p>"
	    "<w:p><w:r><w:t>Contact </w:t></w:r><w:r><w:t>name: Joan"
	    "</w:t></w:r></w:p>"),
	    "Organisation name: Oakfield\nContact name: Joan\n");
	/* Deleted text is not what the form shows. */
	reads_as(document_docx_xml, DOCX(
	    "<w:p><w:del><w:r><w:t>Old answer</w:t></w:r></w:del>"
	    "<w:r><w:t>Postcode: LS6 2AB</w:t></w:r></w:p>"),
	    "Postcode: LS6 2AB\n");
}

static void
test_docx_table(void **state)
{
	reads_as(document_docx_xml, DOCX(
	    "<w:tbl><w:tr>"
	    "<w:tc><w:p><w:r><w:t>Organisation name</w:t></w:r></w:p></w:tc>"
	    "<w:tc><w:p><w:r><w:t>Oakfield</w:t></w:r></w:p></w:tc>"
	    "</w:tr><w:tr>"
	    "<w:tc><w:p><w:r><w:t>Postcode:</w:t></w:r></w:p></w:tc>"
	    "<w:tc><w:p><w:r><w:t>LS6 2AB</w:t></w:r></w:p></w:tc>"
	    "</w:tr></w:tbl>"),
	    "Organisation name: Oakfield\nPostcode: LS6 2AB\n");
}

static void
test_docx_controls(void **state)
{
	/* A filled-in control is read; one still showing its prompt is not. */
	reads_as(document_docx_xml, DOCX(
	    "<w:p><w:r><w:t>Project title: </w:t></w:r>"
	    "<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>Growing Together"
	    "</w:t></w:r></w:sdtContent></w:sdt></w:p>"
	    "<w:p><w:r><w:t>Phone: </w:t></w:r>"
	    "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
	    "<w:r><w:t>Click here to enter text.</w:t></w:r></w:sdtContent>"
	    "</w:sdt></w:p>"),
	    "Project title: Growing Together\nPhone: \n");
}

static void
test_docx_depth(void **state)
{
	char	xml[4096], *p = xml;
	int	i;

	p += sprintf(p, "<w:document xmlns:w=\"" W_NS "\"><w:body>");
	for (i = 0; i < 30; i++)
		p += sprintf(p, "<w:x>");
	p += sprintf(p, "<w:p><w:r><w:t>deep</w:t></w:r></w:p>");
	for (i = 0; i < 30; i++)
		p += sprintf(p, "</w:x>");
	sprintf(p, "</w:body></w:document>");
	fails_with(document_docx_xml, xml, "nests deeper than 20");
	fails_with(document_docx_xml, "<w:document", "not well-formed");
	fails_with(document_docx_xml, "<?xml version=\"1.0\"?><!DOCTYPE d "
	    "[<!ENTITY e SYSTEM \"file:///etc/passwd\">]><d>&e;</d>",
	    "declares a DTD");
}

static void
test_odt(void **state)
{
	reads_as(document_odt_xml, ODT(
	    "<text:h>Application</text:h>"
	    "<text:p>Organisation name: Oakfield</text:p>"
	    "<table:table><table:table-row>"
	    "<table:table-cell><text:p>Postcode</text:p></table:table-cell>"
	    "<table:table-cell><text:p>LS6 2AB</text:p></table:table-cell>"
	    "</table:table-row></table:table>"),
	    "Application\nOrganisation name: Oakfield\nPostcode: LS6 2AB\n");
}

static void
test_kind(void **state)
{
	static const unsigned char pdf[] = "%PDF-1.7\n", zip[] = "PK\003\004";
	static const char odt[] = "PK\003\004 mimetypeapplication/vnd.oasis."
	    "opendocument.text ......................................"
	    "..........";
	static const char docx[] = "PK\003\004 ... word/document.xml ...";
	unsigned char	*short_odt;

	/* The name decides first, then the type. */
	assert_int_equal(document_kind("form.DOCX", "application/pdf", NULL,
	    0), DOCUMENT_DOCX);
	assert_int_equal(document_kind("form.odt", NULL, NULL, 0),
	    DOCUMENT_ODT);
	assert_int_equal(document_kind("form.pdf", NULL, NULL, 0),
	    DOCUMENT_PDF);
	assert_int_equal(document_kind("form", "application/pdf; name=x",
	    NULL, 0), DOCUMENT_PDF);
	assert_int_equal(document_kind(NULL, "application/vnd.oasis."
	    "opendocument.text", NULL, 0), DOCUMENT_ODT);
	/* Nothing useful claimed: the bytes say. */
	assert_int_equal(document_kind("scan", "application/octet-stream",
	    pdf, sizeof pdf - 1), DOCUMENT_PDF);
	assert_int_equal(document_kind(NULL, NULL, (const unsigned char *)odt,
	    sizeof odt - 1), DOCUMENT_ODT);
	assert_int_equal(document_kind(NULL, "application/zip",
	    (const unsigned char *)docx, sizeof docx - 1), DOCUMENT_DOCX);
	assert_int_equal(document_kind(NULL, NULL, zip, sizeof zip - 1),
	    DOCUMENT_NONE);
	/* A short file is read no further than its end. */
	short_odt = xmalloc(90);
	memset(short_odt, '.', 90);
	memcpy(short_odt, odt, 60);
	assert_int_equal(document_kind(NULL, NULL, short_odt, 90),
	    DOCUMENT_ODT);
	free(short_odt);
	/* A claim of another kind is not overruled by the bytes. */
	assert_int_equal(document_kind("photo.jpg", "image/jpeg", pdf,
	    sizeof pdf - 1), DOCUMENT_NONE);
	assert_int_equal(document_kind("notes", "text/plain", pdf,
	    sizeof pdf - 1), DOCUMENT_NONE);
	assert_int_equal(document_kind(".docx", NULL, NULL, 0), DOCUMENT_NONE);
	assert_string_equal(document_kind_name(DOCUMENT_ODT), "odt");
	assert_int_equal(document_kind_parse("pdf"), DOCUMENT_PDF);
	assert_int_equal(document_kind_parse("exe"), DOCUMENT_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docx_paragraphs),
		cmocka_unit_test(test_docx_table),
		cmocka_unit_test(test_docx_controls),
		cmocka_unit_test(test_docx_depth),
		cmocka_unit_test(test_odt),
		cmocka_unit_test(test_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
