/*
 * test-message.c: an outgoing letter as bytes. The body goes out as the
 * UTF-8 it was written in and is labelled so, whatever characters it holds
 * (a '£' alone once went out as the single ISO-8859-1 byte 0xA3 under a
 * UTF-8 label); names and subjects in headers are RFC 2047 words in UTF-8;
 * and GMime's own parser reads back exactly what was put in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "grant.h"
#include "mail/mail.h"

static GMimeMessage *
parse(const char *text, size_t len)
{
	GMimeStream	*s = g_mime_stream_mem_new_with_buffer(text, len);
	GMimeParser	*p = g_mime_parser_new_with_stream(s);
	GMimeMessage	*m = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(s);
	if (m == NULL)
		fail_msg("GMime could not parse:\n%s", text);
	return m;
}

/* The body's bytes once the transfer encoding is undone: no charset work. */
static char *
body_bytes(GMimeMessage *m)
{
	GMimeObject	*part = g_mime_message_get_mime_part(m);
	GMimeStream	*out = g_mime_stream_mem_new();
	GByteArray	*b;
	char		*s;

	assert_true(GMIME_IS_PART(part));
	g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(
	    GMIME_PART(part)), out);
	b = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	s = xmalloc(b->len + 1);
	memcpy(s, b->data, b->len);
	s[b->len] = '\0';
	g_object_unref(out);
	return s;
}

/* Every "=?charset?" in the header block must be UTF-8. */
static void
encoded_words_utf8(const char *text)
{
	const char	*end = strstr(text, "\n\n"), *p;

	if (end == NULL)
		end = strstr(text, "\r\n\r\n");
	assert_non_null(end);
	for (p = text; (p = strstr(p, "=?")) != NULL && p < end; p += 2) {
		if (strncasecmp(p + 2, "utf-8?", 6) != 0)
			fail_msg("an encoded word not in UTF-8: %.40s\nin:\n%s",
			    p, text);
		/* "=?utf-8?B?...?=": the word ends at the second "?=". */
		if ((p = strstr(p + 10, "?=")) == NULL)
			fail_msg("an encoded word never ends:\n%s", text);
	}
	for (p = text; p < end; p++)
		if ((unsigned char)*p >= 0x80)
			fail_msg("an 8-bit byte in the headers:\n%s", text);
}

/*
 * A header value as a mail program shows it: a long one is folded, and
 * GMime's reader keeps the folding white space in a name, so runs of
 * white space count as one space.
 */
static void
name_is(const char *got, const char *want)
{
	char	*g = xstrdup(got != NULL ? got : ""), *r, *w;

	for (r = w = g; *r != '\0'; r++)
		if (!strchr(" \t\r\n", *r))
			*w++ = *r;
		else if (w == g || w[-1] != ' ')
			*w++ = ' ';
	*w = '\0';
	assert_string_equal(g, want);
	free(g);
}

static void
check_letter(const char *from_name, const char *to_name, const char *subject,
    const char *body, int crlf)
{
	struct message_spec	 spec;
	GMimeMessage		*m;
	InternetAddressList	*l;
	const char		*charset;
	char			*text, *got, *want;
	size_t			 len;

	memset(&spec, 0, sizeof spec);
	spec.from_name = from_name;
	spec.from_addr = "grants@example.org";
	spec.to_name = to_name;
	spec.to_addr = "jo@example.org";
	spec.reply_to_name = to_name;
	spec.reply_to_addr = "priya@example.org";
	spec.subject = subject;
	spec.body = body;
	spec.message_id = "test.1@example.org";
	spec.auto_submitted = "auto-replied";
	spec.date = 1796083200;
	text = message_build(&spec, crlf, &len);
	encoded_words_utf8(text);
	m = parse(text, len);

	charset = g_mime_object_get_content_type_parameter(
	    g_mime_message_get_mime_part(m), "charset");
	if (charset == NULL || strcasecmp(charset, "utf-8") != 0)
		fail_msg("charset %s, not utf-8:\n%s", charset ? charset :
		    "(none)", text);
	got = body_bytes(m);
	if (crlf) {	/* compare as LF text */
		char *r, *w;
		for (r = w = got; *r != '\0'; r++)
			if (!(r[0] == '\r' && r[1] == '\n'))
				*w++ = *r;
		*w = '\0';
	}
	want = xstrdup(body);
	if (strcmp(got, want) != 0) {
		size_t i = 0;
		while (got[i] == want[i])
			i++;
		fail_msg("body bytes differ from byte %zu: got %02x, wanted "
		    "%02x; the message:\n%.600s", i, (unsigned char)got[i],
		    (unsigned char)want[i], text);
	}
	name_is(g_mime_message_get_subject(m), subject);
	l = g_mime_message_get_from(m);
	name_is(internet_address_get_name(internet_address_list_get_address(l,
	    0)), from_name);
	l = g_mime_message_get_to(m);
	name_is(internet_address_get_name(internet_address_list_get_address(l,
	    0)), to_name);
	l = g_mime_message_get_reply_to(m);
	name_is(internet_address_get_name(internet_address_list_get_address(l,
	    0)), to_name);
	free(want);
	free(got);
	free(text);
	g_object_unref(m);
}

static void
test_pound_alone(void **state)
{
	(void)state;
	/* Only Latin-1 characters: the case that went out as ISO-8859-1. */
	check_letter("Fast Grants", "Jo Bloggs", "[FG-2026-0001] £450",
	    "Amount requested: £450.00\nCafé\n", 0);
	check_letter("Fast Grants", "Jo Bloggs", "[FG-2026-0001] £450",
	    "Amount requested: £450.00\nCafé\n", 1);
}

static void
test_names_in_headers(void **state)
{
	(void)state;
	check_letter("Café Ūnion", "Renée O’Brien", "Café Ūnion’s £ fund",
	    "Dear Renée,\n", 0);
	check_letter("Café Ūnion’s £ Fund — کیفے یونین", "زویا Ūlfat",
	    "[FG-2026-0001] We have your application to Café Ūnion — کمیونٹی",
	    "Dear Zoë,\nاردو کیفے £1,234.56 ’quoted’\n", 1);
}

static void
test_ascii_stays_plain(void **state)
{
	(void)state;
	check_letter("Fast Grants", "Jo Bloggs", "Hello", "Plain text.\n", 0);
}

static void
test_long_lines(void **state)
{
	char	body[4000];
	size_t	i;

	(void)state;
	/* Quoted-printable soft breaks must not split a character. */
	for (i = 0; i + 3 < sizeof body - 2; i += 2)
		memcpy(body + i, "£", 2);
	body[i] = '\n';
	body[i + 1] = '\0';
	check_letter("Fast Grants", "Jo", "Long", body, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pound_alone),
		cmocka_unit_test(test_names_in_headers),
		cmocka_unit_test(test_ascii_stays_plain),
		cmocka_unit_test(test_long_lines),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
