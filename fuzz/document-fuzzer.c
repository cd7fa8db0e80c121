/*
 * document-fuzzer.c: libFuzzer targets for the document readers that
 * grantd-docread runs on a stranger's file, one binary per kind (built
 * with FUZZ_DOCX, FUZZ_ODT or FUZZ_PDF), with small limits so that every
 * input is quick; LeakSanitizer catches what is not freed. A .docx or
 * .odt input is also tried as the XML inside the zip, since few mutations
 * of a zip survive its checksums.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "grant.h"
#include "mail/document.h"

#if defined(FUZZ_DOCX)
#define FUZZ_KIND	DOCUMENT_DOCX
#define FUZZ_XML	document_docx_xml
#elif defined(FUZZ_ODT)
#define FUZZ_KIND	DOCUMENT_ODT
#define FUZZ_XML	document_odt_xml
#elif defined(FUZZ_PDF)
#define FUZZ_KIND	DOCUMENT_PDF
#else
#error "build with FUZZ_DOCX, FUZZ_ODT or FUZZ_PDF"
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct document_limits	 l;
	char			*text, err[GRANT_ERRLEN];

	document_limits_default(&l);
	l.max_expanded = l.max_entry = 1024 * 1024;
	l.max_entries = 200;
	l.max_pages = 5;
	l.max_text = 65536;
	if (document_text(FUZZ_KIND, data, size, &l, &text, err,
	    sizeof err) == 0)
		free(text);
#ifdef FUZZ_XML
	if (FUZZ_XML((const char *)data, size, &l, &text, err,
	    sizeof err) == 0)
		free(text);
#endif
	return 0;
}
