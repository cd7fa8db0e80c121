/*
 * document-odt.c: an OpenDocument text (.odt) form: content.xml, text:p
 * and text:h in order, two-cell table:table-row as "label: answer", text
 * frames included, comments and tracked deletions left out.
 */
#include <stdlib.h>

#include "grant.h"
#include "mail/document.h"

static const char *const odt_ns[] = {
	"urn:oasis:names:tc:opendocument:xmlns:text:1.0",
	"urn:oasis:names:tc:opendocument:xmlns:table:1.0",
	"urn:oasis:names:tc:opendocument:xmlns:office:1.0",
	NULL
};

static const char *const odt_skip[] = {
	"annotation", "tracked-changes", "note-citation", NULL
};

static const struct document_xml_names odt_names = {
	.ns = odt_ns,
	.para = "p", .para2 = "h",
	.row = "table-row", .cell = "table-cell",
	.text = NULL,
	.tab = "tab", .brk = "line-break",
	.space = "s",
	.skip = odt_skip,
};

int
document_odt_text(const unsigned char *data, size_t len,
    const struct document_limits *l, char **text, char *err, size_t errlen)
{
	char	*xml;
	size_t	 xlen;
	int	 rc;

	if (len < 4 || data[0] != 'P' || data[1] != 'K') {
		errfmt(err, errlen, "it is not an OpenDocument file (not a zip)");
		return -1;
	}
	if (document_zip_entry(data, len, "content.xml", l, &xml, &xlen,
	    err, errlen) == -1)
		return -1;
	rc = document_odt_xml(xml, xlen, l, text, err, errlen);
	free(xml);
	return rc;
}

/* The XML part alone: the zip's contents, or a fuzzer's input. */
int
document_odt_xml(const char *xml, size_t len, const struct document_limits *l,
    char **text, char *err, size_t errlen)
{
	return document_xml_text(xml, len, &odt_names, l, text, err, errlen);
}
