/*
 * message.c: an outgoing email as RFC 5322 / MIME text, built with GMime so
 * that encoded words, folding and quoted-printable are done right. Every
 * value is flattened to one line first: nothing an applicant typed can add
 * a header.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "core/core.h"
#include "mail/mail.h"

/* Control characters (CR and LF above all) become spaces. */
char *
message_header_value(const char *s)
{
	char	*out, *p;

	if (s == NULL)
		return NULL;
	out = xstrdup(s);
	for (p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

static void
message_add_mailbox(GMimeMessage *msg, GMimeAddressType type,
    const char *name, const char *addr)
{
	char	*n = message_header_value(name);

	g_mime_message_add_mailbox(msg, type, n != NULL ? n : "", addr);
	free(n);
}

static void
message_set_header(GMimeMessage *msg, const char *header, const char *value)
{
	char	*v = message_header_value(value);

	g_mime_object_set_header(GMIME_OBJECT(msg), header, v, NULL);
	free(v);
}

/* "<a@b> <c@d>" from ids stored without angle brackets. */
static char *
message_id_list(const char *ids)
{
	char	*copy, *p, *tok, *out = xstrdup(""), *tmp;

	copy = p = message_header_value(ids);
	while ((tok = strsep(&p, " ")) != NULL) {
		if (*tok == '\0')
			continue;
		xasprintf(&tmp, "%s%s<%s>", out, *out ? " " : "", tok);
		free(out);
		out = tmp;
	}
	free(copy);
	return out;
}

/*
 * Build the message. crlf selects line ends: CRLF for SMTP, LF for files.
 * Returns malloc'd text and its length in *len.
 */
char *
message_build(const struct message_spec *m, int crlf, size_t *len)
{
	GMimeMessage		*msg;
	GMimeTextPart		*part;
	GMimeStream		*mem;
	GMimeFormatOptions	*opts;
	GByteArray		*bytes;
	GDateTime		*date;
	char			*subject, *ids, *out;

	g_mime_init();
	msg = g_mime_message_new(TRUE);
	message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, m->from_name,
	    m->from_addr);
	message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, m->to_name, m->to_addr);
	if (m->reply_to_addr != NULL)
		message_add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO,
		    m->reply_to_name, m->reply_to_addr);
	subject = message_header_value(m->subject);
	g_mime_message_set_subject(msg, subject, "utf-8");
	free(subject);
	date = g_date_time_new_from_unix_utc(m->date);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	g_mime_message_set_message_id(msg, m->message_id);
	if (m->in_reply_to != NULL && *m->in_reply_to != '\0') {
		ids = message_id_list(m->in_reply_to);
		message_set_header(msg, "In-Reply-To", ids);
		free(ids);
	}
	if (m->references != NULL && *m->references != '\0') {
		ids = message_id_list(m->references);
		message_set_header(msg, "References", ids);
		free(ids);
	}
	message_set_header(msg, "Auto-Submitted", m->auto_submitted);

	part = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(part, m->body);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(part),
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));
	g_object_unref(part);

	opts = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(opts, crlf ?
	    GMIME_NEWLINE_FORMAT_DOS : GMIME_NEWLINE_FORMAT_UNIX);
	mem = g_mime_stream_mem_new();
	g_mime_object_write_to_stream(GMIME_OBJECT(msg), opts, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*len = bytes->len;
	out = xmalloc(bytes->len + 1);
	memcpy(out, bytes->data, bytes->len);
	out[bytes->len] = '\0';
	g_object_unref(mem);
	g_mime_format_options_free(opts);
	g_object_unref(msg);
	return out;
}
