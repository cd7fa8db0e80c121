/*
 * test-mime.c: real-world mail (tests/fixtures/mail) and hostile mail into
 * struct mime_message: headers decoded, bodies as UTF-8 text, attachments
 * measured, hashed and refused over the limits, bounces and auto-replies
 * recognised; and nothing crashes, hangs or leaks on broken input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "grant.h"
#include "core/core.h"
#include "mail/mime.h"
#include "mail/form.h"

#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures/mail"
#endif

#define FFFD "\xef\xbf\xbd"

static char *
slurp(const char *name, size_t *len)
{
	const char	*dir = getenv("FIXTURES_DIR");
	char		 path[1024], *buf;

	snprintf(path, sizeof path, "%s/%s", dir != NULL ? dir : FIXTURES_DIR,
	    name);
	if ((buf = file_read(path, SIZE_MAX, len)) == NULL)
		fail_msg("cannot read %s", path);
	return buf;
}

static struct mime_message *
parse_limits(const char *name, const struct mime_limits *lim)
{
	struct mime_message	*m;
	char			*raw, err[GRANT_ERRLEN] = "", hash[65];
	size_t			 len;

	raw = slurp(name, &len);
	if (mime_parse(raw, len, lim, &m, err, sizeof err) != 0)
		fail_msg("%s: %s", name, err);
	sha256_hex(raw, len, hash);
	assert_string_equal(m->content_hash, hash);
	free(raw);
	return m;
}

static struct mime_message *
parse(const char *name)
{
	return parse_limits(name, NULL);
}

static struct mime_message *
parse_text(const char *raw)
{
	struct mime_message	*m;
	char			 err[GRANT_ERRLEN] = "";

	if (mime_parse(raw, strlen(raw), NULL, &m, err, sizeof err) != 0)
		fail_msg("refused: %s", err);
	return m;
}

#define has(s, needle)	has_at(s, needle, __LINE__)
static void
has_at(const char *s, const char *needle, int line)
{
	if (s == NULL || strstr(s, needle) == NULL)
		fail_msg("line %d: '%s' not in:\n%s", line, needle,
		    s != NULL ? s : "(null)");
}

#define lacks(s, needle)	lacks_at(s, needle, __LINE__)
static void
lacks_at(const char *s, const char *needle, int line)
{
	if (strstr(s, needle) != NULL)
		fail_msg("line %d: '%s' should not be in:\n%s", line, needle,
		    s);
}

/* Checked by GLib, not by the code under test. */
static void
valid_text(const char *s)
{
	assert_non_null(s);
	assert_true(g_utf8_validate(s, -1, NULL));
	assert_null(strchr(s, '\r'));
}

static void
test_plain_form(void **state)
{
	struct mime_message	*m = parse("plain-form.eml");

	assert_string_equal(m->from_addr, "joan.davies@example.org");
	assert_string_equal(m->from_name, "Joan Davies");
	assert_null(m->reply_to);
	assert_string_equal(m->to, "Fast Grants <apply@grants.example.org>");
	assert_null(m->cc);
	assert_string_equal(m->subject,
	    "Grant application - Oakfield Allotment Society");
	assert_int_equal(m->date, 1795512612);	/* 24 Nov 2026 09:30:12 UTC */
	assert_string_equal(m->message_id,
	    "20261124093012.4412@mail.example.org");
	assert_null(m->in_reply_to);
	assert_null(m->references);
	assert_int_equal(m->is_auto_reply, 0);
	assert_int_equal(m->is_dsn, 0);
	assert_int_equal(m->body_from_html, 0);
	assert_int_equal(m->nattachments, 0);
	has(m->body, "Organisation name: Oakfield Allotment Society\n");
	has(m->body, "Amount requested: \xc2\xa3" "450\n");
	has(m->body, "- Tea and biscuits \xc2\xa3" "150\n");
	valid_text(m->body);
	mime_free(m);
}

static void
test_alternative(void **state)
{
	struct mime_message	*m = parse("alternative.eml");

	assert_string_equal(m->from_addr, "tom.okafor@example.com");
	assert_string_equal(m->from_name, "Tom Okafor");
	assert_int_equal(m->body_from_html, 0);
	/* The HTML is the same words again, not an attachment. */
	assert_int_equal(m->nattachments, 0);
	has(m->body, "Organisation name: Riverside Men's Shed\n");
	has(m->body, "Amount requested: \xc2\xa3" "480\n");
	has(m->body, "Project title: Repair Caf\xc3\xa9 Saturdays\n");
	lacks(m->body, "<");
	valid_text(m->body);
	mime_free(m);
}

static void
test_html_only(void **state)
{
	struct mime_message	*m = parse("html-only.eml");

	assert_int_equal(m->body_from_html, 1);
	assert_int_equal(m->nattachments, 0);
	has(m->body, "Our application\n");
	has(m->body, "Hello, here is our form. We hope it is OK.\n");
	has(m->body, "Organisation name:\tHillside Youth Club\n");
	has(m->body, "Charity number:\t1123456\n");
	has(m->body, "Amount requested:\t\xc2\xa3" "300\n");
	has(m->body, "Project title:\tCook & Eat Together\n");
	has(m->body, "Tuesday cooking\nFriday football\n");
	has(m->body, "Thanks,\nPriya\n");
	lacks(m->body, "SECRET-TRACKING-CODE");
	lacks(m->body, "font-family");
	lacks(m->body, "Application form");	/* the <title> */
	lacks(m->body, "&pound;");
	valid_text(m->body);
	mime_free(m);
}

static void
test_base64_body(void **state)
{
	struct mime_message	*m = parse("base64-body.eml");

	assert_string_equal(m->from_addr, "sam.whitfield@example.com");
	has(m->body, "Organisation name: Marsh Lane Community Garden\n");
	has(m->body, "Amount requested: \xc2\xa3" "450\n");
	has(m->body, "Best wishes,\nSam\n");
	valid_text(m->body);
	mime_free(m);
}

static void
test_quoted_printable(void **state)
{
	struct mime_message	*m = parse("quoted-printable.eml");

	/* Soft line breaks gone: the summary is one line again. */
	has(m->body, "Project summary: We run a weekly stay-and-play session "
	    "in the church hall for parents and carers of under-fives, many "
	    "of whom have recently moved to the area and know nobody else "
	    "here.\n");
	has(m->body, "Amount requested: \xc2\xa3" "250\n");
	lacks(m->body, "=\n");
	valid_text(m->body);
	mime_free(m);
}

static void
test_windows_1252(void **state)
{
	struct mime_message	*m = parse("windows-1252.eml");

	has(m->body, "Organisation name: \xe2\x80\x9c" "Friends of Brook Park"
	    "\xe2\x80\x9d\n");
	has(m->body, "Amount requested: \xc2\xa3" "495\n");
	has(m->body, "We\xe2\x80\x99re planting a wildflower meadow "
	    "\xe2\x80\x93 with local schools.");
	valid_text(m->body);
	mime_free(m);
}

static void
test_iso_8859_1(void **state)
{
	struct mime_message	*m = parse("iso-8859-1.eml");

	has(m->body, "Organisation name: Caf\xc3\xa9 Society of Eastbrook\n");
	has(m->body, "Amount requested: \xc2\xa3" "200\n");
	has(m->body, "Project title: Fran\xc3\xa7" "ais for beginners\n");
	/* A Windows-1252 apostrophe under a Latin-1 label, as Outlook sends. */
	has(m->body, "it\xe2\x80\x99s free.");
	valid_text(m->body);
	mime_free(m);
}

static void
test_rfc2047(void **state)
{
	struct mime_message	*m = parse("rfc2047.eml");

	assert_string_equal(m->from_addr, "ayesha.khan@example.com");
	assert_string_equal(m->from_name, "\xd8\xb9\xd8\xa7\xd8\xa6\xd8\xb4"
	    "\xdb\x81 \xd8\xae\xd8\xa7\xd9\x86");
	assert_string_equal(m->subject, "Caf\xc3\xa9 \xc5\xaanion: "
	    "application for \xc2\xa3" "400");
	has(m->to, "Caf\xc3\xa9 \xc3\x9anion <cafe@example.org>");
	has(m->to, "apply@grants.example.org");
	assert_string_equal(m->cc, "Bilal Ahmed <bilal@example.com>");
	has(m->body, "Organisation name: Caf\xc3\xa9 \xc5\xaanion\n");
	valid_text(m->subject);
	valid_text(m->from_name);
	mime_free(m);
}

static void
test_reply(void **state)
{
	struct mime_message	*m = parse("reply-quoted.eml");
	json_t			*f;

	assert_string_equal(m->in_reply_to,
	    "incomplete-FG-2026-0042@grants.example.org");
	assert_string_equal(m->references,
	    "20261124093012.4412@mail.example.org "
	    "incomplete-FG-2026-0042@grants.example.org");
	assert_int_equal(m->date, 1796202300);
	/* The body is the whole text; the form reader decides what counts. */
	has(m->body, "\n-- \nJoan Davies, Secretary\n");
	has(m->body, "> Organisation name: Quoted Society");
	f = form_extract(m->body);
	assert_string_equal(json_string_value(json_object_get(f, "postcode")),
	    "LS6 2AB");
	assert_int_equal(json_integer_value(json_object_get(f,
	    "amount_pence")), 45000);
	assert_null(json_object_get(f, "organisation"));
	assert_int_equal(json_object_size(f), 3);
	json_decref(f);
	mime_free(m);
}

static void
test_forwarded(void **state)
{
	struct mime_message	*m = parse("forwarded.eml");
	json_t			*f;

	assert_string_equal(m->subject, "Fwd: Our grant form");
	has(m->body, "---------- Forwarded message ---------\n");
	f = form_extract(m->body);
	assert_true(form_has_form(f));
	assert_string_equal(json_string_value(json_object_get(f,
	    "organisation")), "Northside Bowls Club");
	assert_string_equal(json_string_value(json_object_get(f, "org_type")),
	    "company");
	assert_string_equal(json_string_value(json_object_get(f,
	    "company_number")), "01234567");
	assert_string_equal(json_string_value(json_object_get(f, "email")),
	    "ruth.green@example.org");
	json_decref(f);
	mime_free(m);
}

static void
test_attachment_form(void **state)
{
	static const char	 form[] = "Organisation name: Westgate Tenants' "
	    "Association\nContact name: Mary O'Neill\nAmount requested: "
	    "\xc2\xa3" "425\nProject title: Westgate Summer Fun Day\n";
	static const char	 png64[] = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAY"
	    "AAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
	struct mime_message	*m = parse("attachment-form.eml");
	struct mime_attachment	*a;
	guchar			*png;
	gsize			 pnglen;
	char			 hash[65], *text;
	json_t			*f;

	has(m->body, "Please find attached our application form.");
	assert_int_equal(m->body_from_html, 0);
	assert_int_equal(m->nattachments, 2);

	a = &m->attachments[0];
	assert_string_equal(a->filename, "application.txt");
	assert_string_equal(a->content_type, "text/plain");
	assert_int_equal(a->size, strlen(form));
	sha256_hex(form, strlen(form), hash);
	assert_string_equal(a->sha256, hash);
	assert_memory_equal(a->data, form, a->size);
	assert_int_equal(a->refused, 0);
	assert_null(a->refused_reason);
	text = g_strndup((const char *)a->data, a->size);
	f = form_extract(text);
	assert_string_equal(json_string_value(json_object_get(f,
	    "organisation")), "Westgate Tenants' Association");
	json_decref(f);
	g_free(text);

	a = &m->attachments[1];
	png = g_base64_decode(png64, &pnglen);
	assert_string_equal(a->filename, "logo.png");	/* no "../../etc/" */
	assert_string_equal(a->content_type, "image/png");
	assert_int_equal(a->size, pnglen);
	sha256_hex(png, pnglen, hash);
	assert_string_equal(a->sha256, hash);
	assert_memory_equal(a->data, png, pnglen);
	g_free(png);
	mime_free(m);
}

static void
test_auto_reply(void **state)
{
	struct mime_message	*m = parse("auto-reply.eml");

	assert_int_equal(m->is_auto_reply, 1);
	assert_int_equal(m->is_dsn, 0);
	assert_string_equal(m->auto_submitted, "auto-replied");
	assert_string_equal(m->precedence, "bulk");
	assert_string_equal(m->in_reply_to, "ack-FG-2026-0042@grants.example.org");
	mime_free(m);

	m = parse("out-of-office.eml");
	assert_int_equal(m->is_auto_reply, 1);
	assert_null(m->auto_submitted);
	assert_null(m->precedence);
	mime_free(m);

	/* An ordinary application is not an auto-reply. */
	m = parse("forwarded.eml");
	assert_int_equal(m->is_auto_reply, 0);
	mime_free(m);
}

static void
test_auto_reply_signs(void **state)
{
	static const struct {
		const char	*headers;
		int		 want;
	} cases[] = {
		{ "Auto-Submitted: no\n", 0 },
		{ "Auto-Submitted: auto-generated\n", 1 },
		{ "Auto-Submitted: auto-replied; owner-email=\"x@example.org\"\n", 1 },
		{ "Precedence: junk\n", 1 },
		{ "Precedence: list\n", 1 },
		{ "Precedence: first-class\n", 0 },
		{ "X-Autoreply: yes\n", 1 },
		{ "X-Autorespond: Out of office\n", 1 },
		{ "Subject: Automatic reply: Grant\n", 1 },
		{ "Subject: AUTO: away\n", 1 },
		{ "Subject: autoreply\n", 1 },
		{ "Subject: out of office until Monday\n", 1 },
		{ "Subject: Auto repairs for the minibus\n", 0 },
		{ "Subject: Our office move\n", 0 },
	};
	struct mime_message	*m;
	char			*raw;
	size_t			 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&raw, "From: a@example.org\n%s\nhello\n",
		    cases[i].headers);
		m = parse_text(raw);
		if (m->is_auto_reply != cases[i].want)
			fail_msg("'%s': is_auto_reply %d", cases[i].headers,
			    m->is_auto_reply);
		mime_free(m);
		free(raw);
	}
}

static void
test_dsn(void **state)
{
	struct mime_message	*m = parse("dsn-bounce.eml");

	assert_int_equal(m->is_dsn, 1);
	assert_string_equal(m->dsn_message_id,
	    "ack-FG-2026-0042@grants.example.org");
	assert_string_equal(m->dsn_status, "5.1.1");
	assert_string_equal(m->from_addr, "mailer-daemon@mx.grants.example.org");
	has(m->body, "could not\nbe delivered to one or more recipients.");
	valid_text(m->body);
	mime_free(m);

	m = parse("dsn-headers.eml");
	assert_int_equal(m->is_dsn, 1);
	/* Folded onto a second line in the returned headers. */
	assert_string_equal(m->dsn_message_id,
	    "offer-FG-2026-0051@grants.example.org");
	assert_string_equal(m->dsn_status, "5.2.2");
	mime_free(m);

	/* A forwarded message is not a bounce, whatever it carries. */
	m = parse("attachment-form.eml");
	assert_int_equal(m->is_dsn, 0);
	assert_null(m->dsn_message_id);
	assert_null(m->dsn_status);
	mime_free(m);
}

static void
test_broken_boundary(void **state)
{
	struct mime_message	*m = parse("broken-boundary.eml");

	assert_string_equal(m->from_addr, "pat.lee@example.org");
	has(m->body, "Organisation name: Greenway Walking Group\n");
	has(m->body, "Amount requested: \xc2\xa3" "150\n");
	valid_text(m->body);
	mime_free(m);
}

static void
test_missing_from(void **state)
{
	struct mime_message	*m = parse("missing-from.eml");

	assert_null(m->from_addr);
	assert_null(m->from_name);
	assert_string_equal(m->subject, "grant form");
	assert_string_equal(m->message_id, "nofrom-0001@example.invalid");
	has(m->body, "Organisation name: Anonymous Knitters\n");
	mime_free(m);
}

/* The sender's address found however the mailer wrote it, or not at all. */
static void
test_from_fallbacks(void **state)
{
	struct mime_message	*m;

	/* The whole mailbox inside one encoded word. */
	m = parse_text("From: =?utf-8?q?Caf=C3=A9_Union_=3Cgroup@example.org"
	    "=3E?=\nSubject: form\n\nx\n");
	assert_string_equal(m->from_addr, "group@example.org");
	assert_string_equal(m->from_name, "Caf\xc3\xa9 Union");
	assert_string_equal(m->from_header, "From");
	mime_free(m);
	m = parse_text("From: =?iso-8859-1?b?Sm9hbiA8Sm9hbkBFeGFtcGxlLm9yZz4=?="
	    "\n\nx\n");
	assert_string_equal(m->from_addr, "joan@example.org");
	mime_free(m);

	/* No address in From: Reply-To, then Sender, then Return-Path. */
	m = parse_text("From: Oakfield Group\nSender: Sec <sec@example.org>\n"
	    "Reply-To: Joan <joan@example.org>\n"
	    "Return-Path: <bounce@example.net>\n\nx\n");
	assert_string_equal(m->from_addr, "joan@example.org");
	assert_null(m->from_name);
	assert_string_equal(m->from_header, "Reply-To");
	mime_free(m);
	m = parse_text("From: Oakfield Group\nSender: Sec <sec@example.org>\n"
	    "Return-Path: <bounce@example.net>\n\nx\n");
	assert_string_equal(m->from_addr, "sec@example.org");
	mime_free(m);
	m = parse_text("From: Oakfield Group\n"
	    "Return-Path: <bounce@example.net>\n\nx\n");
	assert_string_equal(m->from_addr, "bounce@example.net");
	assert_string_equal(m->from_header, "Return-Path");
	mime_free(m);
	m = parse_text("Return-Path: <>\nFrom: =?utf-8?q?no_address?=\n\nx\n");
	assert_null(m->from_addr);
	assert_null(m->from_header);
	mime_free(m);

	/* A usable From wins over every fallback. */
	m = parse_text("From: a@example.org\nReply-To: b@example.org\n\nx\n");
	assert_string_equal(m->from_addr, "a@example.org");
	assert_string_equal(m->reply_to, "b@example.org");
	mime_free(m);
}

static char *
big_budget(void)
{
	char	*s = xmalloc(1100 * 37 + 1);
	size_t	 i;

	for (i = 0; i < 1100; i++)
		snprintf(s + i * 37, 38, "Item %05zu, seeds and compost, "
		    "12.50\n", i);
	return s;
}

static void
test_attachment_limits(void **state)
{
	static const char	 quote[] = "Quote: 2 x raised beds, "
	    "\xc2\xa3" "180.00 each\n";
	struct mime_limits	 lim = { 16 * 1024, 0 };
	struct mime_message	*m;
	struct mime_attachment	*a;
	char			 hash[65], *big = big_budget();

	m = parse_limits("large-attachment.eml", &lim);
	assert_int_equal(m->nattachments, 2);
	a = &m->attachments[0];
	assert_string_equal(a->filename, "budget.xlsx");
	assert_string_equal(a->content_type, "application/vnd.openxmlformats-"
	    "officedocument.spreadsheetml.sheet");
	assert_int_equal(a->size, 40700);
	sha256_hex(big, 40700, hash);
	assert_string_equal(a->sha256, hash);	/* known even when refused */
	assert_int_equal(a->refused, 1);
	assert_null(a->data);
	assert_string_equal(a->refused_reason,
	    "budget.xlsx is 39.7 KB; the limit is 16.0 KB");
	a = &m->attachments[1];
	assert_string_equal(a->filename, "quote \xc2\xa3" "180.txt");	/* RFC 2231 */
	assert_int_equal(a->refused, 0);
	assert_int_equal(a->size, strlen(quote));
	assert_memory_equal(a->data, quote, a->size);
	mime_free(m);

	/* The total: the first file fits, the second would not. */
	lim.max_attachment = 100000;
	lim.max_total = 40710;
	m = parse_limits("large-attachment.eml", &lim);
	assert_int_equal(m->attachments[0].refused, 0);
	assert_memory_equal(m->attachments[0].data, big, 40700);
	assert_int_equal(m->attachments[1].refused, 1);
	assert_null(m->attachments[1].data);
	assert_string_equal(m->attachments[1].refused_reason,
	    "quote \xc2\xa3" "180.txt (38 bytes) would take this message's "
	    "attachments past the limit of 39.8 KB in all");
	mime_free(m);

	/* No limits: everything kept. */
	m = parse("large-attachment.eml");
	assert_int_equal(m->attachments[0].refused, 0);
	assert_int_equal(m->attachments[1].refused, 0);
	mime_free(m);
	free(big);
}

static void
test_8bit_headers(void **state)
{
	struct mime_message	*m = parse("8bit-header-utf8.eml");

	assert_string_equal(m->subject, "Grant for Caf\xc3\xa9 \xc5\xaanion "
	    "\xe2\x80\x93 \xc2\xa3" "450");
	assert_string_equal(m->from_name, "Zo\xc3\xab Ward");
	mime_free(m);

	m = parse("8bit-header-latin1.eml");
	assert_string_equal(m->subject, "Caf\xc3\xa9 Union \xc2\xa3" "450 "
	    "application");
	assert_string_equal(m->from_name, "Ren\xc3\xa9" "e Dubois");
	valid_text(m->subject);
	mime_free(m);
}

/* Whatever the fixture, what comes out is valid UTF-8 with LF line ends. */
static void
test_every_fixture(void **state)
{
	static const char *const names[] = { "plain-form.eml",
	    "alternative.eml", "html-only.eml", "base64-body.eml",
	    "quoted-printable.eml", "windows-1252.eml", "iso-8859-1.eml",
	    "rfc2047.eml", "reply-quoted.eml", "forwarded.eml",
	    "attachment-form.eml", "auto-reply.eml", "out-of-office.eml",
	    "dsn-bounce.eml", "dsn-headers.eml", "broken-boundary.eml",
	    "missing-from.eml", "large-attachment.eml",
	    "8bit-header-utf8.eml", "8bit-header-latin1.eml", NULL };
	const char *const	*n;
	struct mime_message	*m;
	size_t			 i;

	for (n = names; *n != NULL; n++) {
		m = parse(*n);
		valid_text(m->body);
		valid_text(m->subject);
		if (m->from_name != NULL)
			valid_text(m->from_name);
		if (m->to != NULL)
			valid_text(m->to);
		for (i = 0; i < m->nattachments; i++) {
			valid_text(m->attachments[i].filename);
			assert_null(strchr(m->attachments[i].filename, '/'));
			assert_int_equal(strlen(m->attachments[i].sha256), 64);
		}
		mime_free(m);
	}
}

static void
test_not_a_message(void **state)
{
	struct mime_message	*m = (void *)1;
	char			 err[GRANT_ERRLEN] = "";

	assert_int_equal(mime_parse("", 0, NULL, &m, err, sizeof err), -1);
	assert_null(m);
	has(err, "empty");
	assert_int_equal(mime_parse(NULL, 0, NULL, &m, err, sizeof err), -1);
	err[0] = '\0';
	assert_int_equal(mime_parse("hello there\nthis is not mail\n", 29,
	    NULL, &m, err, sizeof err), -1);
	has(err, "not an email message");
	assert_int_equal(mime_parse("\0\1\2\3: x\n", 8, NULL, &m, err,
	    sizeof err), -1);
	assert_int_equal(mime_parse("\n\nbody only\n", 12, NULL, &m, err,
	    sizeof err), -1);
	assert_int_equal(mime_parse(": no name\n", 10, NULL, &m, err,
	    sizeof err), -1);
}

static void
test_odd_but_usable(void **state)
{
	struct mime_message	*m;

	/* Headers and nothing else. */
	m = parse_text("Subject: hello");
	assert_string_equal(m->subject, "hello");
	assert_string_equal(m->body, "");
	assert_int_equal(m->date, 0);
	assert_null(m->message_id);
	mime_free(m);

	/* An mbox From line in front. */
	m = parse_text("From joan@example.org Tue Nov 24 09:30:12 2026\n"
	    "From: joan@example.org\nSubject: hi\n\nbody\n");
	assert_string_equal(m->from_addr, "joan@example.org");
	assert_string_equal(m->body, "body\n");
	mime_free(m);

	/* Addresses: groups, no domain, Reply-To. */
	m = parse_text("From: Committee: Joan <Joan@Example.org>;\n"
	    "Reply-To: Treasurer <Treasurer@Example.ORG>\n\nx\n");
	assert_string_equal(m->from_addr, "joan@example.org");
	assert_string_equal(m->from_name, "Joan");
	assert_string_equal(m->reply_to, "treasurer@example.org");
	mime_free(m);
	m = parse_text("From: bob\nDate: not a date at all\n\nx\n");
	assert_null(m->from_addr);
	assert_int_equal(m->date, 0);
	mime_free(m);

	/* Bare CRs and CRLFs, in a body of no declared charset. */
	m = parse_text("Subject: x\r\n\r\none\r\ntwo\rthree\n");
	assert_string_equal(m->body, "one\ntwo\nthree\n");
	mime_free(m);
}

static void
test_hostile_bytes(void **state)
{
	static const char	 raw[] = "Subject: \xff\xfe bad \x01 bytes\n"
	    "From: \"\xc3\x28\" <x@example.org>\n"
	    "Content-Type: text/plain; charset=utf-8\n\n"
	    "abc\0def \xff \xc2\xa3" "5 \x1b[31m red\n";
	struct mime_message	*m;
	char			 err[GRANT_ERRLEN];

	assert_int_equal(mime_parse(raw, sizeof raw - 1, NULL, &m, err,
	    sizeof err), 0);
	valid_text(m->subject);
	lacks(m->subject, "\x01");
	valid_text(m->body);
	has(m->body, "abc" FFFD "def " FFFD " \xc2\xa3" "5 " FFFD "[31m red");
	if (m->from_name != NULL)
		valid_text(m->from_name);
	mime_free(m);

	/* A charset nobody has heard of is read as the fallbacks say. */
	m = parse_text("Content-Type: text/plain; charset=x-klingon\n\n"
	    "\xa3" "5\n");
	assert_string_equal(m->body, "\xc2\xa3" "5\n");
	mime_free(m);
}

static char *
nested(int depth)
{
	char	*s = NULL, *t;
	int	 i;

	xasprintf(&s, "Subject: deep\n");
	for (i = 0; i < depth; i++) {
		xasprintf(&t, "%sContent-Type: multipart/mixed; boundary=\"b%d\""
		    "\n\n--b%d\n", s, i, i);
		free(s);
		s = t;
	}
	xasprintf(&t, "%sContent-Type: text/plain\n\ndeep down\n", s);
	free(s);
	return t;
}

static void
test_deep_nesting(void **state)
{
	struct mime_message	*m;
	char			*raw;

	raw = nested(5);
	m = parse_text(raw);
	assert_string_equal(m->body, "deep down\n");
	mime_free(m);
	free(raw);

	/* Far past the cap: parsed, and the buried text is simply not read. */
	raw = nested(3000);
	m = parse_text(raw);
	valid_text(m->body);
	mime_free(m);
	free(raw);
}

static void
test_many_parts(void **state)
{
	char			*raw = NULL, *t;
	struct mime_message	*m;
	int			 i;

	xasprintf(&raw, "Content-Type: multipart/mixed; boundary=\"p\"\n\n");
	for (i = 0; i < 3000; i++) {
		xasprintf(&t, "%s--p\nContent-Type: application/octet-stream\n"
		    "Content-Disposition: attachment; filename=\"f%d.bin\"\n\n"
		    "x\n", raw, i);
		free(raw);
		raw = t;
	}
	m = parse_text(raw);
	assert_true(m->nattachments > 100);
	assert_true(m->nattachments < 3000);	/* capped */
	mime_free(m);
	free(raw);
}

static void
test_huge_header(void **state)
{
	size_t			 n = 2 * 1024 * 1024;
	char			*raw = xmalloc(n + 64);
	struct mime_message	*m;

	strcpy(raw, "Subject: ");
	memset(raw + 9, 'a', n);
	strcpy(raw + 9 + n, "\nFrom: a@example.org\n\nok\n");
	m = parse_text(raw);
	/* Kept, bounded to its column and marked. */
	assert_int_equal(strlen(m->subject), CHECK_TEXT_MAX);
	assert_string_equal(m->subject + CHECK_TEXT_MAX - 3, "...");
	assert_string_equal(m->from_addr, "a@example.org");
	assert_string_equal(m->body, "ok\n");
	mime_free(m);
	free(raw);
}

static void
test_flowed(void **state)
{
	struct mime_message	*m;

	m = parse_text("Content-Type: text/plain; charset=utf-8; "
	    "format=flowed\n\nProject summary: We will run weekly \n"
	    "sessions for older \nneighbours.\n-- \nJoan\n> quoted \n"
	    "> on \n>> deeper\n");
	assert_string_equal(m->body, "Project summary: We will run weekly "
	    "sessions for older neighbours.\n-- \nJoan\n> quoted on \n"
	    ">> deeper\n");
	mime_free(m);

	m = parse_text("Content-Type: text/plain; format=flowed; delsp=yes\n"
	    "\nwon \nderful\n");
	assert_string_equal(m->body, "wonderful\n");
	mime_free(m);
}

static void
test_filenames(void **state)
{
	static const char	 raw[] =
	    "Content-Type: multipart/mixed; boundary=\"f\"\n\n"
	    "--f\nContent-Type: text/plain\n\nbody\n"
	    "--f\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; "
	    "filename*=UTF-8''invoice%E2%80%AEfdp.exe\n\nx\n"
	    "--f\nContent-Type: application/pdf\n"
	    "Content-Disposition: attachment; "
	    "filename=\"C:\\\\Users\\\\joan\\\\budget.pdf\"\n\nx\n"
	    "--f\nContent-Type: application/pdf\n"
	    "Content-Disposition: attachment; filename=\"..\"\n\nx\n"
	    "--f\nContent-Type: image/jpeg\n\nx\n"
	    "--f\nContent-Type: text/plain\n"
	    "Content-Disposition: attachment; "
	    "filename*=UTF-8''line%0Abreak%09.txt\n\nx\n"
	    "--f--\n";
	struct mime_message	*m = parse_text(raw);

	/* The line break before a boundary belongs to the boundary. */
	assert_string_equal(m->body, "body");
	assert_int_equal(m->nattachments, 5);
	assert_string_equal(m->attachments[0].filename, "invoicefdp.exe");
	assert_string_equal(m->attachments[1].filename, "budget.pdf");
	assert_string_equal(m->attachments[2].filename, "attachment");
	assert_string_equal(m->attachments[3].filename, "attachment");
	assert_string_equal(m->attachments[3].content_type, "image/jpeg");
	assert_string_equal(m->attachments[4].filename, "linebreak.txt");
	mime_free(m);
}

static void
test_utf8_clean(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*want;
	} cases[] = {
		{ "plain", 5, "plain" },
		{ "\xc2\xa3\xe2\x80\x99\xf0\x9f\x98\x80", 9,
		    "\xc2\xa3\xe2\x80\x99\xf0\x9f\x98\x80" },
		{ "a\0b", 3, "a" FFFD "b" },
		{ "\xc0\xaf", 2, FFFD FFFD },			/* overlong */
		{ "\xed\xa0\x80", 3, FFFD FFFD FFFD },		/* surrogate */
		{ "\xf4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD },	/* > U+10FFFF */
		{ "x\xe2\x82", 3, "x" FFFD },			/* cut short */
		{ "\xe2\x82x", 3, FFFD "x" },
		{ "\xff\xfe", 2, FFFD FFFD },
		{ "\x80", 1, FFFD },
	};
	char	*out;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = mime_utf8_clean(cases[i].in, cases[i].len);
		assert_string_equal(out, cases[i].want);
		free(out);
	}
	out = mime_utf8_clean(NULL, 0);
	assert_string_equal(out, "");
	free(out);
}

static void
html_is(const char *html, const char *want)
{
	char	*out = mime_html_to_text(html, strlen(html));

	if (strcmp(out, want) != 0)
		fail_msg("html '%s'\ngave '%s'\nwant '%s'", html, out, want);
	free(out);
}

static void
test_html_to_text(void **state)
{
	html_is("", "");
	html_is("<p>One</p><p>Two</p>", "One\nTwo\n");
	html_is("a<br>b<br><br>c", "a\nb\n\nc\n");
	html_is("<div>  lots   of\n\tspace  </div>", "lots of space\n");
	html_is("&pound;450 &amp; &lt;b&gt; it&#8217;s &#x2013; caf&eacute;",
	    "\xc2\xa3" "450 & <b> it\xe2\x80\x99s \xe2\x80\x93 caf\xc3\xa9\n");
	html_is("<head><title>T</title><style>p{}</style></head><body>x"
	    "<script>evil()</script><noscript>ns</noscript></body>", "x\n");
	html_is("<table><tr><td>Amount:</td><td>&pound;5</td></tr><tr><td>"
	    "Name:</td><td>Jo</td></tr></table>",
	    "Amount:\t\xc2\xa3" "5\nName:\tJo\n");
	/* Labels without colons, as mailers lay out a form in a table. */
	html_is("<table><tr><td><b>Main contact</b></td><td>Joan <i>Davies"
	    "</i></td></tr><tr><td>Costs</td><td>Seeds<br>Tools</td></tr>"
	    "</table>", "Main contact\tJoan Davies\nCosts\tSeeds\nTools\n");
	html_is("<ul><li>one</li><li>two</li></ul><h2>Head</h2>after",
	    "one\ntwo\nHead\nafter\n");
	html_is("<pre>a  b\n  c</pre>", "a  b\nc\n");
	html_is("x&nbsp;&nbsp;y", "x y\n");
	html_is("<p>unclosed <b>bold <i>both", "unclosed bold both\n");
	html_is("caf\xe9 \xff", "caf" FFFD " " FFFD "\n");
}

static void
test_html_hostile(void **state)
{
	static const char	 laughs[] =
	    "<!DOCTYPE html [<!ENTITY a \"aaaaaaaaaaaaaaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
	    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
	    "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
	    "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
	    "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">]>"
	    "<p>&g;</p><p>end</p>";
	static const char	 external[] =
	    "<!DOCTYPE html SYSTEM \"file:///etc/passwd\">"
	    "<p><img src=\"http://tracker.example.com/x.gif\">hello</p>";
	char			*out, *deep;
	size_t			 i, n = 100000;

	out = mime_html_to_text(laughs, strlen(laughs));
	assert_true(strlen(out) < 1000);
	has(out, "end");
	lacks(out, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	free(out);

	out = mime_html_to_text(external, strlen(external));
	assert_string_equal(out, "hello\n");
	lacks(out, "root:");
	free(out);

	deep = xmalloc(n * 5 + 16);
	for (i = 0; i < n; i++)
		memcpy(deep + i * 5, "<div>", 5);
	strcpy(deep + n * 5, "bottom");
	out = mime_html_to_text(deep, strlen(deep));
	valid_text(out);
	free(out);
	free(deep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_form),
		cmocka_unit_test(test_alternative),
		cmocka_unit_test(test_html_only),
		cmocka_unit_test(test_base64_body),
		cmocka_unit_test(test_quoted_printable),
		cmocka_unit_test(test_windows_1252),
		cmocka_unit_test(test_iso_8859_1),
		cmocka_unit_test(test_rfc2047),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_forwarded),
		cmocka_unit_test(test_attachment_form),
		cmocka_unit_test(test_auto_reply),
		cmocka_unit_test(test_auto_reply_signs),
		cmocka_unit_test(test_dsn),
		cmocka_unit_test(test_broken_boundary),
		cmocka_unit_test(test_missing_from),
		cmocka_unit_test(test_from_fallbacks),
		cmocka_unit_test(test_attachment_limits),
		cmocka_unit_test(test_8bit_headers),
		cmocka_unit_test(test_every_fixture),
		cmocka_unit_test(test_not_a_message),
		cmocka_unit_test(test_odd_but_usable),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_many_parts),
		cmocka_unit_test(test_huge_header),
		cmocka_unit_test(test_flowed),
		cmocka_unit_test(test_filenames),
		cmocka_unit_test(test_utf8_clean),
		cmocka_unit_test(test_html_to_text),
		cmocka_unit_test(test_html_hostile),
	};

	mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
