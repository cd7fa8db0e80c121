/*
 * document-read.c: one document's text, by the reader for its kind, held
 * to the size limit before any reader sees it.
 */
#include "grant.h"
#include "mail/document.h"

int
document_text(enum document_kind kind, const unsigned char *data, size_t len,
    const struct document_limits *l, char **text, char *err, size_t errlen)
{
	*text = NULL;
	if (len > l->max_size) {
		errfmt(err, errlen, "it is %zu bytes; the limit is %zu", len,
		    l->max_size);
		return -1;
	}
	switch (kind) {
	case DOCUMENT_DOCX:
		return document_docx_text(data, len, l, text, err, errlen);
	case DOCUMENT_ODT:
		return document_odt_text(data, len, l, text, err, errlen);
	case DOCUMENT_PDF:
		return document_pdf_text(data, len, l, text, err, errlen);
	default:
		errfmt(err, errlen, "it is not a kind of document grantd reads");
		return -1;
	}
}
