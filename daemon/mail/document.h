/*
 * document.h: application forms sent as files (Word, OpenDocument, PDF)
 * turned into plain text for the form reader. The readers are pure (bytes
 * in, text out) and run only in grantd-docread, a separate sandboxed
 * process; grantd itself only decides what a file is and asks the child.
 */
#ifndef DOCUMENT_H
#define DOCUMENT_H

#include <stddef.h>

enum document_kind {
	DOCUMENT_NONE,		/* not a document we read */
	DOCUMENT_DOCX,
	DOCUMENT_ODT,
	DOCUMENT_PDF,
};

/* Every limit is a hard stop; a zero means the built-in default. */
struct document_limits {
	size_t	max_size;	/* bytes of the file as sent */
	size_t	max_expanded;	/* bytes uncompressed, all zip entries read */
	size_t	max_entry;	/* bytes uncompressed, one zip entry */
	long	max_entries;	/* entries in a zip */
	int	max_depth;	/* XML element nesting */
	int	max_pages;	/* PDF pages read */
	size_t	max_text;	/* bytes of text returned */
	int	timeout;	/* seconds before the child is killed */
	int	cpu;		/* seconds of CPU for the child */
	size_t	memory;		/* bytes of address space for the child */
};

/* document.c: what a file claims to be, from its name, type or bytes. */
enum document_kind document_kind(const char *, const char *,
		     const unsigned char *, size_t);
const char	*document_kind_name(enum document_kind);
enum document_kind document_kind_parse(const char *);
void		 document_limits_default(struct document_limits *);

/* document-read.c and the readers: in the child (and fuzzers) only. */
int		 document_text(enum document_kind, const unsigned char *, size_t,
		     const struct document_limits *, char **, char *, size_t);
int		 document_docx_text(const unsigned char *, size_t,
		     const struct document_limits *, char **, char *, size_t);
int		 document_odt_text(const unsigned char *, size_t,
		     const struct document_limits *, char **, char *, size_t);
int		 document_docx_xml(const char *, size_t,
		     const struct document_limits *, char **, char *, size_t);
int		 document_odt_xml(const char *, size_t,
		     const struct document_limits *, char **, char *, size_t);
int		 document_pdf_text(const unsigned char *, size_t,
		     const struct document_limits *, char **, char *, size_t);

/* document-zip.c: one zip entry, read within the limits. */
int		 document_zip_entry(const unsigned char *, size_t, const char *,
		     const struct document_limits *, char **, size_t *, char *,
		     size_t);

/* document-xml.c: the text of an XML document part, as lines. */
struct document_xml_names {
	const char	*const *ns;		/* namespaces of the elements below */
	const char	*para, *para2;		/* a paragraph (and heading) */
	const char	*row, *cell;		/* a table row and its cells */
	const char	*text;			/* text lives only in this, or anywhere in a paragraph if NULL */
	const char	*tab, *brk, *brk2;	/* a tab, line breaks */
	const char	*space;			/* n spaces (ODF text:s, count in text:c) */
	const char	*const *skip;		/* whose content is not the applicant's */
	const char	*placeholder;		/* w:showingPlcHdr: a content control still showing its prompt */
	const char	*control, *control_pr;	/* w:sdt and its w:sdtPr */
};
int		 document_xml_text(const char *, size_t,
		     const struct document_xml_names *,
		     const struct document_limits *, char **, char *, size_t);

/* sandbox.c: how grantd-docread shuts itself in before reading. */
int		 sandbox_enter(const struct document_limits *, char *, size_t);

/*
 * document-child.c: in grantd: one file read by grantd-docread, watched
 * by an event loop. done(text, err, arg) is called once, from the loop:
 * text (the caller's to free) or NULL and why in err.
 */
struct event_base;
struct document_job;
typedef void	 (*document_done_cb)(char *, const char *, void *);
struct document_job *document_start(struct event_base *, const char *,
		     enum document_kind, const unsigned char *, size_t,
		     const struct document_limits *, document_done_cb, void *,
		     char *, size_t);
void		 document_cancel(struct document_job *);

#endif
