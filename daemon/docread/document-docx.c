/*
 * document-docx.c: a Word (.docx) form: word/document.xml, paragraphs in
 * order, two-cell table rows as "label: answer", text boxes and content
 * controls included, a control still showing its prompt left out.
 */
#include <stdlib.h>

#include "grant.h"
#include "mail/document.h"

static const char *const docx_ns[] = {
	"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
	"http://purl.oclc.org/ooxml/wordprocessingml/main",	/* Strict */
	NULL
};

/* Deleted text and field codes are not what the form shows. */
static const char *const docx_skip[] = {
	"del", "instrText", "delInstrText", "fldData", NULL
};

static const struct document_xml_names docx_names = {
	.ns = docx_ns,
	.para = "p",
	.row = "tr", .cell = "tc",
	.text = "t",
	.tab = "tab", .brk = "br", .brk2 = "cr",
	.skip = docx_skip,
	.placeholder = "showingPlcHdr",
	.control = "sdt", .control_pr = "sdtPr",
};

int
document_docx_text(const unsigned char *data, size_t len,
    const struct document_limits *l, char **text, char *err, size_t errlen)
{
	char	*xml;
	size_t	 xlen;
	int	 rc;

	if (len < 4 || data[0] != 'P' || data[1] != 'K') {
		errfmt(err, errlen, "it is not a Word document (not a zip)");
		return -1;
	}
	if (document_zip_entry(data, len, "word/document.xml", l, &xml, &xlen,
	    err, errlen) == -1)
		return -1;
	rc = document_docx_xml(xml, xlen, l, text, err, errlen);
	free(xml);
	return rc;
}

/* The XML part alone: the zip's contents, or a fuzzer's input. */
int
document_docx_xml(const char *xml, size_t len, const struct document_limits *l,
    char **text, char *err, size_t errlen)
{
	return document_xml_text(xml, len, &docx_names, l, text, err, errlen);
}
