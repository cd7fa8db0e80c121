/*
 * odt-fuzzer.c: libFuzzer target for the .odt reader that grantd-docread
 * runs on a stranger's file, with small limits so that every input is
 * quick; LeakSanitizer catches what is not freed. The input is tried
 * both as the zip and as the XML inside it, since few mutations of a zip
 * survive its checksums.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "grant.h"
#include "mail/document.h"

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
	if (document_text(DOCUMENT_ODT, data, size, &l, &text, err,
	    sizeof err) == 0)
		free(text);
	if (document_odt_xml((const char *)data, size, &l, &text, err,
	    sizeof err) == 0)
		free(text);
	return 0;
}
