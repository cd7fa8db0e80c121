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

/*
 * Names are encoded as UTF-8: left to itself GMime picks the smallest
 * charset for each run of words (ISO-8859-4 for "Café Ūnion"), which is
 * valid but surprises the mail programs that show it wrongly.
 */
static void
message_add_mailbox(GMimeMessage *msg, GMimeAddressType type,
    const char *name, const char *addr)
{
	InternetAddress	*ia;
	char		*n = message_header_value(name);

	ia = internet_address_mailbox_new(n != NULL ? n : "", addr);
	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(g_mime_message_get_addresses(msg, type), ia);
	g_object_unref(ia);
	free(n);
}

/*
 * The body as the UTF-8 it is, labelled UTF-8. g_mime_text_part_set_text()
 * would convert it to the "best" charset (ISO-8859-1 for a '£'), and a
 * charset set afterwards only relabels those bytes.
 */
static GMimePart *
message_body_part(const char *body)
{
	GMimeTextPart		*part;
	GMimeStream		*stream;
	GMimeDataWrapper	*content;

	part = g_mime_text_part_new_with_subtype("plain");
	stream = g_mime_stream_mem_new_with_buffer(body, strlen(body));
	content = g_mime_data_wrapper_new_with_stream(stream,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(GMIME_PART(part), content);
	g_object_unref(content);
	g_object_unref(stream);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset",
	    "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(part),
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_PART(part);
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
	GMimePart		*part;
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
	if (m->reply_to_addr != NULL && m->reply_to_from)
		message_add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO,
		    m->from_name, m->from_addr);
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

	part = message_body_part(m->body);
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
