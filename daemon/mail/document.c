/*
 * document.c: which attachments are documents worth reading as a form.
 * The claim (file name, then content type) decides what a file is meant
 * to be; the bytes only fill in when the sender claimed nothing useful.
 * Whether the bytes bear the claim out is the reader's business, so that
 * a file that is not what it says is a failed document, not an ignored one.
 */
#include <string.h>
#include <strings.h>

#include "mail/document.h"

static const struct {
	const char		*ext, *type;
	enum document_kind	 kind;
} document_types[] = {
	{ ".docx", "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document", DOCUMENT_DOCX },
	{ ".odt", "application/vnd.oasis.opendocument.text", DOCUMENT_ODT },
	{ ".pdf", "application/pdf", DOCUMENT_PDF },
};
#define NTYPES (sizeof document_types / sizeof document_types[0])

static enum document_kind
document_by_name(const char *name)
{
	size_t	i, n, e;

	if (name == NULL)
		return DOCUMENT_NONE;
	n = strlen(name);
	for (i = 0; i < NTYPES; i++) {
		e = strlen(document_types[i].ext);
		if (n > e && strcasecmp(name + n - e, document_types[i].ext) == 0)
			return document_types[i].kind;
	}
	return DOCUMENT_NONE;
}

static enum document_kind
document_by_type(const char *type)
{
	size_t	i, n;

	if (type == NULL)
		return DOCUMENT_NONE;
	for (i = 0; i < NTYPES; i++) {
		n = strlen(document_types[i].type);
		if (strncasecmp(type, document_types[i].type, n) == 0 &&
		    (type[n] == '\0' || type[n] == ';' || type[n] == ' '))
			return document_types[i].kind;
	}
	return DOCUMENT_NONE;
}

/* Unlabelled bytes: a PDF says so; a zip says which kind in its names. */
static enum document_kind
document_by_bytes(const unsigned char *d, size_t len)
{
	if (len >= 5 && memcmp(d, "%PDF-", 5) == 0)
		return DOCUMENT_PDF;
	if (len < 4 || memcmp(d, "PK\003\004", 4) != 0)
		return DOCUMENT_NONE;
	/* ODF puts an uncompressed "mimetype" entry first. */
	if (len > 80 && memmem(d, len < 100 ? len : 100, "opendocument.text",
	    17) != NULL)
		return DOCUMENT_ODT;
	if (memmem(d, len, "word/document.xml", 17) != NULL)
		return DOCUMENT_DOCX;
	return DOCUMENT_NONE;
}

enum document_kind
document_kind(const char *filename, const char *type,
    const unsigned char *data, size_t len)
{
	enum document_kind	k;

	if ((k = document_by_name(filename)) != DOCUMENT_NONE)
		return k;
	if ((k = document_by_type(type)) != DOCUMENT_NONE)
		return k;
	if (type == NULL || strncasecmp(type, "application/octet-stream",
	    24) == 0 || strncasecmp(type, "application/zip", 15) == 0)
		return data != NULL ? document_by_bytes(data, len) :
		    DOCUMENT_NONE;
	return DOCUMENT_NONE;
}

const char *
document_kind_name(enum document_kind k)
{
	switch (k) {
	case DOCUMENT_DOCX:
		return "docx";
	case DOCUMENT_ODT:
		return "odt";
	case DOCUMENT_PDF:
		return "pdf";
	default:
		return "none";
	}
}

enum document_kind
document_kind_parse(const char *s)
{
	if (strcmp(s, "docx") == 0)
		return DOCUMENT_DOCX;
	if (strcmp(s, "odt") == 0)
		return DOCUMENT_ODT;
	if (strcmp(s, "pdf") == 0)
		return DOCUMENT_PDF;
	return DOCUMENT_NONE;
}

/* Generous for a filled-in form, small for an attacker. */
void
document_limits_default(struct document_limits *l)
{
	memset(l, 0, sizeof *l);
	l->max_size = 10 * 1024 * 1024;
	l->max_expanded = 50 * 1024 * 1024;
	l->max_entry = 20 * 1024 * 1024;
	l->max_entries = 2000;
	l->max_depth = 128;
	l->max_pages = 50;
	l->max_text = 1024 * 1024;
	l->timeout = 10;
	l->cpu = 5;
	l->memory = 512 * 1024 * 1024;
}
