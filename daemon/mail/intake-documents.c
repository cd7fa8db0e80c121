/*
 * intake-documents.c: a message's attachments that may hold the form as a
 * document (.docx, .odt, .pdf), read by grantd-docread one after another
 * while the event loop goes on, before the message's transaction: no lock
 * is held and no request waits while a child works. The mailbox leaves
 * the message unmarked meanwhile and takes it in (intake_process) with
 * the texts once every file has been read or has failed; a crash before
 * then only means the message is read again.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "mail/mime.h"
#include "mail/document.h"

#define INTAKE_DOCUMENTS	5	/* files read per message */

struct intake_reading {
	const char		*source;
	struct mime_message	*m;
	struct intake_doc	*docs;
	size_t			 ndocs, next;
	struct document_limits	 lim;
	struct document_job	*job;	/* the file being read, if any */
	struct event_base	*base;
	struct event		*ev_done;
	intake_read_cb		 done;
	void			*arg;
};

static void	intake_read_next(struct intake_reading *);

static void
intake_read_limits(struct document_limits *l)
{
	const struct config	*g = grantd_config;

	document_limits_default(l);
	l->max_size = (size_t)g->document_max_size;
	l->max_expanded = (size_t)g->document_max_expanded;
	l->max_entry = (size_t)g->document_max_entry;
	l->max_entries = g->document_max_entries;
	l->max_depth = (int)g->document_max_depth;
	l->max_pages = (int)g->document_max_pages;
	l->max_text = (size_t)g->document_max_text;
	l->timeout = (int)g->document_timeout;
	l->cpu = (int)g->document_cpu;
	l->memory = (size_t)g->document_memory;
}

/* Which attachments to read: none of a bounce's or an auto-reply's. */
static void
intake_read_pick(struct intake_reading *rd)
{
	struct mime_attachment	*a;
	size_t			 i;

	if (rd->m->is_dsn || rd->m->is_auto_reply)
		return;
	for (i = 0; i < rd->m->nattachments && rd->ndocs < INTAKE_DOCUMENTS;
	    i++) {
		a = &rd->m->attachments[i];
		if (a->data == NULL || document_kind(a->filename,
		    a->content_type, a->data, a->size) == DOCUMENT_NONE)
			continue;
		rd->docs = reallocarray(rd->docs, rd->ndocs + 1,
		    sizeof *rd->docs);
		if (rd->docs == NULL)
			fatal("reallocarray");
		memset(&rd->docs[rd->ndocs], 0, sizeof *rd->docs);
		rd->docs[rd->ndocs++].att = i;
	}
}

static void
intake_read_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct intake_reading	*rd = arg;

	rd->done(rd, rd->arg);
}

/* One file answered (text) or failed (err): on to the next. */
static void
intake_read_one_cb(char *text, const char *err, void *arg)
{
	struct intake_reading	*rd = arg;
	struct intake_doc	*d = &rd->docs[rd->next];
	const char		*name = rd->m->attachments[d->att].filename;

	rd->job = NULL;
	if ((d->text = text) == NULL) {
		snprintf(d->err, sizeof d->err, "%s", err);
		log_warnx("intake %s: cannot read %s from %s: %s", rd->source,
		    name, rd->m->from_addr, d->err);
	} else
		log_debug("intake %s: read %s (%zu bytes of text)", rd->source,
		    name, strlen(text));
	rd->next++;
	intake_read_next(rd);
}

/*
 * Start the next file's child; when none is left, tell the caller from
 * the loop (never from inside intake_read_start()).
 */
static void
intake_read_next(struct intake_reading *rd)
{
	static const struct timeval	 now = { 0, 0 };
	struct mime_attachment		*a;
	struct intake_doc		*d;

	while (rd->next < rd->ndocs) {
		d = &rd->docs[rd->next];
		a = &rd->m->attachments[d->att];
		rd->job = document_start(rd->base,
		    grantd_config->document_reader, document_kind(a->filename,
		    a->content_type, a->data, a->size), a->data, a->size,
		    &rd->lim, intake_read_one_cb, rd, d->err, sizeof d->err);
		if (rd->job != NULL)
			return;
		log_warnx("intake %s: cannot read %s from %s: %s", rd->source,
		    a->filename, rd->m->from_addr, d->err);
		rd->next++;
	}
	evtimer_add(rd->ev_done, &now);
}

/*
 * Start reading the documents of the raw message for mailbox in, on
 * base; done(reading, arg) is called from the loop when all are read.
 * NULL when there is nothing to read (no documents, or a message the
 * intake will quarantine): take it in at once, with no reading.
 */
struct intake_reading *
intake_read_start(struct event_base *base, const struct intake_conf *in,
    const char *raw, size_t len, intake_read_cb done, void *arg)
{
	struct intake_reading	*rd;
	struct mime_limits	 lim;
	char			 err[GRANT_ERRLEN];

	if (len > (size_t)grantd_config->max_message)
		return NULL;
	rd = xcalloc(1, sizeof *rd);
	lim.max_attachment = (size_t)grantd_config->max_attachment;
	lim.max_total = (size_t)grantd_config->max_attachments;
	if (mime_parse(raw, len, &lim, &rd->m, err, sizeof err) == -1) {
		free(rd);
		return NULL;
	}
	if (rd->m->from_addr != NULL)
		intake_read_pick(rd);
	if (rd->ndocs == 0) {
		intake_read_free(rd);
		return NULL;
	}
	rd->source = in->name;
	rd->base = base;
	rd->done = done;
	rd->arg = arg;
	intake_read_limits(&rd->lim);
	if ((rd->ev_done = evtimer_new(base, intake_read_done_cb, rd)) == NULL)
		fatalx("evtimer_new failed");
	intake_read_next(rd);
	return rd;
}

/* The message as parsed, and its documents, each read or failed. */
struct mime_message *
intake_read_message(struct intake_reading *rd, const struct intake_doc **docs,
    size_t *ndocs)
{
	*docs = rd->docs;
	*ndocs = rd->ndocs;
	return rd->m;
}

/* Done with it; a child still reading (at shutdown) is killed. */
void
intake_read_free(struct intake_reading *rd)
{
	size_t	i;

	if (rd == NULL)
		return;
	document_cancel(rd->job);
	if (rd->ev_done != NULL)
		event_free(rd->ev_done);
	for (i = 0; i < rd->ndocs; i++)
		free(rd->docs[i].text);
	free(rd->docs);
	mime_free(rd->m);
	free(rd);
}
