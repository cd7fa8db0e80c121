/*
 * mime.c: a raw message, as it came from a stranger's mail client, into a
 * struct mime_message. GMime does the MIME work; this file chooses what
 * grantd keeps and makes sure every string it hands on is valid UTF-8,
 * because everything in a message is hostile until proved otherwise.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/core.h"
#include "mail/mail.h"
#include "mail/mime.h"

#define MIME_MAX_DEPTH		20	/* nesting followed; deeper parts ignored */
#define MIME_MAX_PARTS		500	/* leaf parts looked at per message */
#define MIME_MAX_FILENAME	200	/* bytes, after cleaning */
#define MIME_MAX_HTML		(32 * 1024 * 1024)
#define REPLACEMENT		"\xef\xbf\xbd"	/* U+FFFD */

struct buf {
	char	*p;
	size_t	 len;
	size_t	 size;
};

struct walk {
	struct mime_message		*m;
	const struct mime_limits	*lim;
	GMimeObject			*text;	/* body candidates, borrowed */
	GMimeObject			*html;
	size_t				 kept;	/* bytes of attachments kept */
	size_t				 nparts;
	size_t				 cap;
};

static GMimeParserOptions	*mime_options;

static void
buf_grow(struct buf *b, size_t more)
{
	size_t	need;

	if (more > SIZE_MAX / 2 - b->len)
		fatalx("mime: buffer too large");
	need = b->len + more + 1;
	if (need <= b->size)
		return;
	if (b->size == 0)
		b->size = 64;
	while (b->size < need)
		b->size *= 2;
	if ((b->p = realloc(b->p, b->size)) == NULL)
		fatal("realloc");
	b->p[b->len] = '\0';
}

static void
buf_add(struct buf *b, const void *p, size_t len)
{
	buf_grow(b, len);
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/* The buffer's string, never NULL; the buffer is spent. */
static char *
buf_take(struct buf *b)
{
	if (b->p == NULL)
		return xstrdup("");
	return b->p;
}

/*
 * Length of the valid UTF-8 sequence at p, or 0 with *skip set to the bytes
 * that make up the broken one (the maximal subpart, as WHATWG counts it).
 * NUL counts as broken: C strings cannot carry it.
 */
static size_t
utf8_seq(const unsigned char *p, size_t left, size_t *skip)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		need, i;

	*skip = 1;
	if (p[0] == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 1;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 2;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 3;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;	/* nothing past U+10FFFF */
	} else
		return 0;
	for (i = 1; i <= need; i++) {
		if (i >= left || p[i] < lo || p[i] > hi) {
			*skip = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

char *
mime_utf8_clean(const char *in, size_t len)
{
	const unsigned char	*p = (const unsigned char *)in;
	struct buf		 b = { NULL, 0, 0 };
	size_t			 i = 0, n, skip;

	if (in == NULL)
		return xstrdup("");
	buf_grow(&b, len);
	while (i < len) {
		if ((n = utf8_seq(p + i, len - i, &skip)) == 0) {
			buf_add(&b, REPLACEMENT, 3);
			i += skip;
		} else {
			buf_add(&b, p + i, n);
			i += n;
		}
	}
	return buf_take(&b);
}

static int
utf8_valid(const char *s, size_t len)
{
	size_t	i = 0, n, skip;

	while (i < len) {
		if ((n = utf8_seq((const unsigned char *)s + i, len - i,
		    &skip)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/*
 * Header text for people: valid UTF-8, no control characters (a folded or
 * hostile header can carry any), trimmed. NULL stays NULL.
 */
static char *
clean_line(const char *s)
{
	char	*c, *p, *start, *end;

	if (s == NULL)
		return NULL;
	c = mime_utf8_clean(s, strlen(s));
	for (p = c; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	for (start = c; *start == ' '; start++)
		;
	end = start + strlen(start);
	while (end > start && end[-1] == ' ')
		end--;
	*end = '\0';
	memmove(c, start, end - start + 1);
	return c;
}

static char *
clean_lower(const char *s)
{
	char	*c, *p;

	if ((c = clean_line(s)) == NULL)
		return NULL;
	for (p = c; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	return c;
}

/* Message ids go into databases and space-separated lists: no spaces. */
static char *
clean_msgid(const char *s)
{
	char	*c, *p, *q;

	if ((c = clean_line(s)) == NULL)
		return NULL;
	for (p = q = c; *p != '\0'; p++) {
		if (*p != ' ' && *p != '<' && *p != '>')
			*q++ = *p;
	}
	*q = '\0';
	if (*c == '\0') {
		free(c);
		return NULL;
	}
	check_bound(c, CHECK_MSGID_MAX);
	return c;
}

void
mime_init(void)
{
	static const char	*fallback[] = { "UTF-8", "windows-1252", NULL };

	if (mime_options != NULL)
		return;
	g_mime_init();
	xmlInitParser();
	/*
	 * One set of options for the life of the process: GMime keeps a
	 * pointer to them in every header it parses, for decoding later.
	 * Unlabelled 8-bit text is UTF-8 if it can be, else Windows-1252,
	 * which is what British mail clients that do not say mean.
	 */
	mime_options = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(mime_options, fallback);
	g_mime_parser_options_set_rfc2047_compliance_mode(mime_options,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(mime_options,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(mime_options,
	    GMIME_RFC_COMPLIANCE_LOOSE);
}

/* Convert with iconv, one U+FFFD for each byte it cannot take. */
static char *
iconv_utf8(const char *s, size_t len, const char *from)
{
	iconv_t		 cd;
	struct buf	 b = { NULL, 0, 0 };
	char		 out[4096], *in = (char *)s, *op;
	size_t		 inleft = len, outleft, r;
	char		*clean;

	if ((cd = g_mime_iconv_open("UTF-8", from)) == (iconv_t)-1)
		return NULL;
	while (inleft > 0) {
		op = out;
		outleft = sizeof out;
		r = iconv(cd, &in, &inleft, &op, &outleft);
		buf_add(&b, out, op - out);
		if (r == (size_t)-1 && errno != E2BIG) {
			buf_add(&b, REPLACEMENT, 3);
			in++;
			inleft--;
		}
	}
	op = out;
	outleft = sizeof out;
	iconv(cd, NULL, NULL, &op, &outleft);
	buf_add(&b, out, op - out);
	g_mime_iconv_close(cd);
	/* Decoders may emit NULs, or worse; trust nothing. */
	clean = mime_utf8_clean(b.p, b.len);
	free(b.p);
	return clean;
}

/*
 * Text in a declared (or undeclared) charset into UTF-8. Latin-1 and ASCII
 * labels are read as Windows-1252, as browsers do: that is what the £ and
 * curly quotes in such mail really are; and as UTF-8 when the bytes are
 * valid UTF-8, because clients that mislabel usually mislabel that.
 */
static char *
text_to_utf8(const char *s, size_t len, const char *charset)
{
	const char	*name = NULL;
	char		*out;

	if (charset != NULL && *charset != '\0')
		name = g_mime_charset_iconv_name(charset);
	if (name != NULL && (strcasecmp(name, "UTF-8") == 0 ||
	    strcasecmp(name, "UTF8") == 0))
		return mime_utf8_clean(s, len);
	if (name == NULL || strcasecmp(name, "iso-8859-1") == 0 ||
	    strcasecmp(name, "us-ascii") == 0 ||
	    strcasecmp(name, "ascii") == 0 ||
	    strcasecmp(name, "ANSI_X3.4-1968") == 0) {
		if (utf8_valid(s, len))
			return mime_utf8_clean(s, len);
		name = "windows-1252";
	}
	if ((out = iconv_utf8(s, len, name)) != NULL)
		return out;
	/* A charset iconv does not know: guess as for an unlabelled part. */
	if (utf8_valid(s, len))
		return mime_utf8_clean(s, len);
	if ((out = iconv_utf8(s, len, "windows-1252")) != NULL)
		return out;
	return mime_utf8_clean(s, len);
}

/* A part's content with its transfer encoding undone, NUL-terminated. */
static char *
part_bytes(GMimeObject *obj, size_t *len)
{
	GMimeDataWrapper	*content = NULL;
	GMimeStream		*mem;
	GByteArray		*ba;
	GMimeMessage		*inner;
	char			*out;

	mem = g_mime_stream_mem_new();
	if (GMIME_IS_PART(obj)) {
		content = g_mime_part_get_content(GMIME_PART(obj));
		if (content != NULL)
			g_mime_data_wrapper_write_to_stream(content, mem);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));
		if (inner != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(inner),
			    NULL, mem);
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*len = ba->len;
	out = xmalloc(ba->len + 1);
	if (ba->len > 0)
		memcpy(out, ba->data, ba->len);
	out[ba->len] = '\0';
	g_object_unref(mem);
	return out;
}

/*
 * Lines end in LF only; control characters other than tab become U+FFFD so
 * nothing downstream (a terminal, a log) can be steered by them.
 */
static char *
text_tidy(const char *s)
{
	struct buf	b = { NULL, 0, 0 };

	for (; *s != '\0'; s++) {
		if (*s == '\r') {
			if (s[1] != '\n')
				buf_addc(&b, '\n');
		} else if (*s == '\n' || *s == '\t')
			buf_addc(&b, *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			buf_add(&b, REPLACEMENT, 3);
		else
			buf_addc(&b, *s);
	}
	return buf_take(&b);
}

static size_t
quote_depth(const char *line, size_t len)
{
	size_t	i;

	for (i = 0; i < len && line[i] == '>'; i++)
		;
	return i;
}

/*
 * RFC 3676 format=flowed: a line ending in a space runs on into the next,
 * so a long answer wrapped by the sender's client reads as one line again.
 */
static char *
text_unflow(const char *s, int delsp)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*line, *nl;
	size_t		 len, q, i, openq = 0;
	int		 open = 0, flowed;

	for (line = s; *line != '\0'; line = nl + (*nl == '\n')) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		len = nl - line;
		q = quote_depth(line, len);
		line += q;
		len -= q;
		if (len > 0 && line[0] == ' ') {	/* space-stuffing */
			line++;
			len--;
		}
		if (open && q != openq) {	/* never across quote levels */
			buf_addc(&b, '\n');
			open = 0;
		}
		if (!open) {
			for (i = 0; i < q; i++)
				buf_addc(&b, '>');
			if (q > 0 && len > 0)
				buf_addc(&b, ' ');
		}
		flowed = len > 0 && line[len - 1] == ' ' &&
		    !(len == 3 && strncmp(line, "-- ", 3) == 0);
		buf_add(&b, line, flowed && delsp ? len - 1 : len);
		if (!flowed)
			buf_addc(&b, '\n');
		open = flowed;
		openq = q;
	}
	if (open)
		buf_addc(&b, '\n');
	return buf_take(&b);
}

static const char *
ct_param(GMimeObject *obj, const char *name)
{
	return g_mime_object_get_content_type_parameter(obj, name);
}

static char *
object_text(GMimeObject *obj)
{
	char		*raw, *utf8, *tidy, *flowed;
	const char	*format, *delsp;
	size_t		 len;

	raw = part_bytes(obj, &len);
	utf8 = text_to_utf8(raw, len, ct_param(obj, "charset"));
	free(raw);
	tidy = text_tidy(utf8);
	free(utf8);
	format = ct_param(obj, "format");
	if (format == NULL || strcasecmp(format, "flowed") != 0)
		return tidy;
	delsp = ct_param(obj, "delsp");
	flowed = text_unflow(tidy, delsp != NULL && strcasecmp(delsp,
	    "yes") == 0);
	free(tidy);
	return flowed;
}

/* ---- HTML to text ---- */

struct html_text {
	struct buf	b;
	int		pre;
	int		space;	/* a space is owed before the next word */
};

static const char *const html_drop[] = {
	"script", "style", "head", "title", "noscript", "template",
	"object", "iframe", "svg", "math", NULL
};
static const char *const html_block[] = {
	"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
	"table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr",
	"address", "article", "aside", "footer", "header", "section",
	"form", "fieldset", "nav", "main", "center", "caption", "tbody",
	"thead", "tfoot", "body", "html", NULL
};

static int
html_in(const char *const *list, const xmlChar *name)
{
	for (; *list != NULL; list++) {
		if (xmlStrcasecmp(name, (const xmlChar *)*list) == 0)
			return 1;
	}
	return 0;
}

static void
html_break(struct html_text *h)
{
	if (h->b.len > 0 && h->b.p[h->b.len - 1] != '\n')
		buf_addc(&h->b, '\n');
	h->space = 0;
}

static void
html_words(struct html_text *h, const char *s)
{
	for (; *s != '\0'; s++) {
		if (h->pre && *s == '\n') {
			buf_addc(&h->b, '\n');
			h->space = 0;
			continue;
		}
		if (isspace((unsigned char)*s) && !h->pre) {
			h->space = 1;
			continue;
		}
		/* U+00A0: a space for this purpose. */
		if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0 &&
		    !h->pre) {
			h->space = 1;
			s++;
			continue;
		}
		if (h->space && h->b.len > 0 && h->b.p[h->b.len - 1] != '\n')
			buf_addc(&h->b, ' ');
		h->space = 0;
		buf_addc(&h->b, *s);
	}
}

/* Returns 0 when the node's children are not wanted. */
static int
html_enter(struct html_text *h, xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content != NULL)
			html_words(h, (const char *)n->content);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE || n->name == NULL)
		return 0;
	if (html_in(html_drop, n->name))
		return 0;
	if (xmlStrcasecmp(n->name, (const xmlChar *)"br") == 0) {
		buf_addc(&h->b, '\n');
		h->space = 0;
	} else if (xmlStrcasecmp(n->name, (const xmlChar *)"td") == 0 ||
	    xmlStrcasecmp(n->name, (const xmlChar *)"th") == 0) {
		/* Columns stay apart: a form in a table is label, tab, answer. */
		if (h->b.len > 0 && h->b.p[h->b.len - 1] != '\n')
			buf_addc(&h->b, '\t');
		h->space = 0;
	}
	else if (html_in(html_block, n->name))
		html_break(h);
	if (xmlStrcasecmp(n->name, (const xmlChar *)"pre") == 0)
		h->pre++;
	return 1;
}

static void
html_leave(struct html_text *h, xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE || n->name == NULL)
		return;
	if (html_in(html_block, n->name))
		html_break(h);
	if (xmlStrcasecmp(n->name, (const xmlChar *)"pre") == 0 && h->pre > 0)
		h->pre--;
	if (xmlStrcasecmp(n->name, (const xmlChar *)"td") == 0 ||
	    xmlStrcasecmp(n->name, (const xmlChar *)"th") == 0)
		h->space = 1;
}

/* Without recursion: hostile HTML nests as deep as it likes. */
static void
html_walk(struct html_text *h, xmlDoc *doc)
{
	xmlNode	*top = (xmlNode *)doc, *n = doc->children;

	while (n != NULL) {
		if (html_enter(h, n)) {
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
			html_leave(h, n);
		}
		while (n->next == NULL) {
			n = n->parent;
			if (n == NULL || n == top)
				return;
			html_leave(h, n);
		}
		n = n->next;
	}
}

/* Trim each line, and allow at most one blank line in a row. */
static char *
lines_tidy(const char *s)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*line, *nl, *end;
	int		 blanks = 0;

	for (line = s; *line != '\0'; line = nl + (*nl == '\n')) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		end = nl;
		while (line < end && (*line == ' ' || *line == '\t'))
			line++;
		while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == line) {
			blanks++;
			continue;
		}
		if (b.len > 0)
			buf_add(&b, "\n\n", blanks > 0 ? 2 : 1);
		buf_add(&b, line, end - line);
		blanks = 0;
	}
	if (b.len > 0)
		buf_addc(&b, '\n');
	return buf_take(&b);
}

char *
mime_html_to_text(const char *html, size_t len)
{
	struct html_text	 h;
	htmlDocPtr		 doc;
	char			*clean, *out;

	mime_init();
	if (html == NULL || len == 0)
		return xstrdup("");
	if (len > MIME_MAX_HTML)
		len = MIME_MAX_HTML;
	clean = mime_utf8_clean(html, len);
	doc = htmlReadMemory(clean, (int)strlen(clean), NULL, "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC);
	free(clean);
	if (doc == NULL)
		return xstrdup("");
	memset(&h, 0, sizeof h);
	html_walk(&h, doc);
	xmlFreeDoc(doc);
	if (h.b.p == NULL)
		return xstrdup("");
	out = lines_tidy(h.b.p);
	free(h.b.p);
	return out;
}

/* ---- attachments ---- */

static void
size_human(size_t n, char *buf, size_t len)
{
	if (n < 1024)
		snprintf(buf, len, "%zu bytes", n);
	else if (n < 1024 * 1024)
		snprintf(buf, len, "%.1f KB", n / 1024.0);
	else
		snprintf(buf, len, "%.1f MB", n / (1024.0 * 1024.0));
}

/* "12.0 MB" and "the limit is 12.0 MB" would read as a mistake. */
static void
sizes_human(size_t n, size_t limit, char *a, char *b, size_t len)
{
	size_human(n, a, len);
	size_human(limit, b, len);
	if (strcmp(a, b) == 0) {
		snprintf(a, len, "%zu bytes", n);
		snprintf(b, len, "%zu bytes", limit);
	}
}

/* Bidi overrides and isolates disguise "invoice\u202Efdp.exe" as a PDF. */
static int
filename_bad_char(const unsigned char *p)
{
	if (p[0] < 0x20 || p[0] == 0x7f)
		return 1;
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;	/* C1 controls */
	if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
		return 3;
	if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
		return 3;
	return 0;
}

/* Cut to at most max bytes on a character boundary, keeping a short
 * extension so "report....pdf" is still a PDF. */
static void
filename_shorten(char *s, size_t max)
{
	size_t	 len = strlen(s), extlen = 0, cut;
	char	*dot;

	if (len <= max)
		return;
	if ((dot = strrchr(s, '.')) != NULL && strlen(dot) <= 16)
		extlen = strlen(dot);
	cut = max - extlen;
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	memmove(s + cut, s + len - extlen, extlen + 1);
}

static char *
filename_clean(const char *name)
{
	char		*c, *base, *p, *q;
	int		 bad;

	if (name == NULL)
		return xstrdup("attachment");
	c = mime_utf8_clean(name, strlen(name));
	base = c;
	for (p = c; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\')
			base = p + 1;
	}
	for (p = q = c; *base != '\0';) {
		if ((bad = filename_bad_char((unsigned char *)base)) > 0) {
			base += bad;
			continue;
		}
		*q++ = *base++;
	}
	*q = '\0';
	for (p = c; *p == ' ' || *p == '.'; p++)
		;
	memmove(c, p, strlen(p) + 1);
	for (q = c + strlen(c); q > c && q[-1] == ' '; q--)
		q[-1] = '\0';
	filename_shorten(c, MIME_MAX_FILENAME);
	if (*c == '\0') {
		free(c);
		return xstrdup("attachment");
	}
	return c;
}

static void
attachment_limit(struct walk *w, struct mime_attachment *a)
{
	const struct mime_limits	*lim = w->lim;
	char				 sz[32], lm[32];

	if (lim != NULL && lim->max_attachment > 0 &&
	    a->size > lim->max_attachment) {
		sizes_human(a->size, lim->max_attachment, sz, lm, sizeof sz);
		a->refused = 1;
		xasprintf(&a->refused_reason, "%s is %s; the limit is %s",
		    a->filename, sz, lm);
	} else if (lim != NULL && lim->max_total > 0 &&
	    a->size > lim->max_total - (w->kept < lim->max_total ?
	    w->kept : lim->max_total)) {
		sizes_human(a->size, lim->max_total, sz, lm, sizeof sz);
		a->refused = 1;
		xasprintf(&a->refused_reason, "%s (%s) would take this "
		    "message's attachments past the limit of %s in all",
		    a->filename, sz, lm);
	}
}

/* Takes data, which is kept or freed. */
static void
attachment_add(struct walk *w, GMimeObject *obj, const char *name,
    char *data, size_t len)
{
	struct mime_message	*m = w->m;
	struct mime_attachment	*a;
	GMimeContentType	*ct;
	char			*type = NULL;

	if (m->nattachments == w->cap) {
		w->cap = w->cap == 0 ? 4 : w->cap * 2;
		m->attachments = realloc(m->attachments,
		    w->cap * sizeof *m->attachments);
		if (m->attachments == NULL)
			fatal("realloc");
	}
	a = &m->attachments[m->nattachments++];
	memset(a, 0, sizeof *a);
	a->filename = filename_clean(name);
	if ((ct = g_mime_object_get_content_type(obj)) != NULL)
		type = g_mime_content_type_get_mime_type(ct);
	a->content_type = clean_lower(type != NULL ? type :
	    "application/octet-stream");
	g_free(type);
	a->size = len;
	sha256_hex(data, len, a->sha256);
	attachment_limit(w, a);
	if (a->refused) {
		free(data);
		return;
	}
	a->data = (unsigned char *)data;
	w->kept += len;
}

/* ---- delivery status notifications ---- */

/* "5.1.1" and the like: class.subject.detail (RFC 3463). */
static int
dsn_status_valid(const char *s, size_t len)
{
	size_t	i, dots = 0, run = 0;

	if (len < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5'))
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (run == 0 || ++dots > 2)
				return 0;
			run = 0;
		} else if (isdigit((unsigned char)s[i])) {
			if (++run > 3)
				return 0;
		} else
			return 0;
	}
	return dots == 2 && run > 0;
}

/*
 * The value of the first "name:" field in a block of header-like lines,
 * unfolded; NULL if none. Enough for delivery-status and rfc822-headers
 * parts, which a bounce may carry as plain text.
 */
static char *
field_find(const char *text, const char *name)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*line, *nl;
	size_t		 nlen = strlen(name);
	int		 in = 0;

	for (line = text; *line != '\0'; line = nl + (*nl == '\n')) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		if (in && (*line == ' ' || *line == '\t')) {
			buf_add(&b, line, nl - line);
			continue;
		}
		if (in)
			break;
		if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			in = 1;
			buf_add(&b, line + nlen + 1, nl - line - nlen - 1);
		}
	}
	return in ? buf_take(&b) : NULL;
}

static void
dsn_read_status(struct mime_message *m, GMimeObject *obj)
{
	char		*raw, *text, *v, *p;
	size_t		 len, n;

	if (m->dsn_status != NULL)
		return;
	raw = part_bytes(obj, &len);
	text = text_tidy(raw);
	free(raw);
	/* Only recipient blocks carry Status; the first recipient's wins. */
	v = field_find(text, "Status");
	free(text);
	if (v == NULL)
		return;
	for (p = v; *p == ' ' || *p == '\t'; p++)
		;
	n = strcspn(p, " \t(;\r\n");
	if (dsn_status_valid(p, n))
		xasprintf(&m->dsn_status, "%.*s", (int)n, p);
	free(v);
}

static void
dsn_read_headers(struct mime_message *m, GMimeObject *obj)
{
	char		*raw, *text, *v, *id;
	size_t		 len;

	if (m->dsn_message_id != NULL)
		return;
	raw = part_bytes(obj, &len);
	text = text_tidy(raw);
	free(raw);
	v = field_find(text, "Message-ID");
	free(text);
	if (v == NULL)
		return;
	if ((id = g_mime_utils_decode_message_id(v)) != NULL) {
		m->dsn_message_id = clean_msgid(id);
		g_free(id);
	}
	free(v);
}

/* ---- the MIME tree ---- */

static int
is_type(GMimeObject *obj, const char *type, const char *subtype)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(obj);

	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

static int
is_attachment(GMimeObject *obj)
{
	GMimeContentDisposition	*d;

	d = g_mime_object_get_content_disposition(obj);
	if (d != NULL && g_mime_content_disposition_is_attachment(d))
		return 1;
	return GMIME_IS_PART(obj) &&
	    g_mime_part_get_filename(GMIME_PART(obj)) != NULL;
}

static void	walk_object(struct walk *, GMimeObject *, int, int, int);

static void
walk_multipart(struct walk *w, GMimeObject *obj, int depth)
{
	GMimeMultipart	*mp = GMIME_MULTIPART(obj);
	const char	*rt;
	int		 i, n, report = 0;

	if (is_type(obj, "multipart", "report")) {
		rt = ct_param(obj, "report-type");
		if (rt != NULL && strcasecmp(rt, "delivery-status") == 0) {
			w->m->is_dsn = 1;
			report = 1;
		} else if (rt != NULL &&
		    strcasecmp(rt, "disposition-notification") == 0)
			w->m->is_auto_reply = 1;	/* a read receipt */
	}
	n = g_mime_multipart_get_count(mp);
	for (i = 0; i < n; i++) {
		walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1,
		    report, is_type(obj, "multipart", "alternative"));
	}
}

static void
walk_message_part(struct walk *w, GMimeObject *obj, int report)
{
	GMimeMessage	*inner;
	const char	*id;
	char		*data;
	size_t		 len;

	inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
	if (report && inner != NULL && w->m->dsn_message_id == NULL &&
	    (id = g_mime_message_get_message_id(inner)) != NULL)
		w->m->dsn_message_id = clean_msgid(id);
	data = part_bytes(obj, &len);
	attachment_add(w, obj, g_mime_object_get_content_disposition_parameter(
	    obj, "filename"), data, len);
}

static void
walk_part(struct walk *w, GMimeObject *obj, int report, int alternative)
{
	char	*data;
	size_t	 len;
	int	 attach = is_attachment(obj);

	if (is_type(obj, "message", "delivery-status") ||
	    is_type(obj, "message", "global-delivery-status")) {
		w->m->is_dsn = 1;
		dsn_read_status(w->m, obj);
	} else if (report && (is_type(obj, "text", "rfc822-headers") ||
	    is_type(obj, "message", "global-headers")))
		dsn_read_headers(w->m, obj);
	else if (!attach && is_type(obj, "text", "plain") && w->text == NULL) {
		w->text = obj;
		return;
	} else if (!attach && is_type(obj, "text", "html") && w->html == NULL) {
		w->html = obj;
		return;
	} else if (!attach && alternative && is_type(obj, "text", "*"))
		return;	/* another rendering of the same words */
	data = part_bytes(obj, &len);
	attachment_add(w, obj, g_mime_part_get_filename(GMIME_PART(obj)),
	    data, len);
}

static void
walk_object(struct walk *w, GMimeObject *obj, int depth, int report,
    int alternative)
{
	if (obj == NULL || depth > MIME_MAX_DEPTH ||
	    w->nparts++ >= MIME_MAX_PARTS)
		return;
	if (GMIME_IS_MULTIPART(obj))
		walk_multipart(w, obj, depth);
	else if (GMIME_IS_MESSAGE_PART(obj)) {
		/* Some servers parse a delivery-status as a message. */
		if (is_type(obj, "message", "delivery-status") ||
		    is_type(obj, "message", "global-delivery-status")) {
			w->m->is_dsn = 1;
			dsn_read_status(w->m, obj);
		}
		walk_message_part(w, obj, report);
	} else if (GMIME_IS_PART(obj))
		walk_part(w, obj, report, alternative);
}

/* ---- headers ---- */

/* The first mailbox in a list, looking one level into groups. */
static InternetAddressMailbox *
first_mailbox(InternetAddressList *list)
{
	InternetAddressList	*members;
	InternetAddress		*ia;
	int			 i, j;

	if (list == NULL)
		return NULL;
	for (i = 0; i < internet_address_list_length(list); i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			return INTERNET_ADDRESS_MAILBOX(ia);
		if (!INTERNET_ADDRESS_IS_GROUP(ia))
			continue;
		members = internet_address_group_get_members(
		    INTERNET_ADDRESS_GROUP(ia));
		for (j = 0; members != NULL &&
		    j < internet_address_list_length(members); j++) {
			ia = internet_address_list_get_address(members, j);
			if (INTERNET_ADDRESS_IS_MAILBOX(ia))
				return INTERNET_ADDRESS_MAILBOX(ia);
		}
	}
	return NULL;
}

static char *
mailbox_addr(InternetAddressMailbox *mb)
{
	char	*a;

	if (mb == NULL)
		return NULL;
	a = clean_lower(internet_address_mailbox_get_addr(mb));
	if (!check_address(a)) {
		free(a);
		return NULL;
	}
	return a;
}

static char *
nonempty(char *s)
{
	if (s != NULL && *s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * The first usable mailbox in a header's text. Some mailers put a whole
 * "Name <addr>" inside one RFC 2047 encoded word, which hides the address
 * from the parser; decoding first finds it.
 */
static char *
header_addr(GMimeObject *obj, const char *name, char **display)
{
	InternetAddressList	*list;
	InternetAddressMailbox	*mb;
	const char		*v;
	char			*text, *addr = NULL;
	int			 pass;

	if ((v = g_mime_object_get_header(obj, name)) == NULL)
		return NULL;
	for (pass = 0; pass < 2 && addr == NULL; pass++) {
		text = pass == 0 ? g_strdup(v) :
		    g_mime_utils_header_decode_text(mime_options, v);
		if ((list = internet_address_list_parse(mime_options,
		    text)) != NULL) {
			mb = first_mailbox(list);
			if ((addr = mailbox_addr(mb)) != NULL && display != NULL)
				*display = nonempty(clean_line(
				    internet_address_get_name(
				    INTERNET_ADDRESS(mb))));
			g_object_unref(list);
		}
		g_free(text);
	}
	return addr;
}

/*
 * Who wrote: From, else (a From that cannot be read at all) the first of
 * Reply-To, Sender and Return-Path that names an address, rather than
 * quarantining an application whose sender is plain to see.
 */
static void
read_from(struct mime_message *m, GMimeMessage *msg)
{
	static const char *const fallback[] = { "Reply-To", "Sender",
	    "Return-Path" };
	InternetAddressMailbox	*mb;
	GMimeObject		*obj = GMIME_OBJECT(msg);
	size_t			 i;

	mb = first_mailbox(g_mime_message_get_from(msg));
	if ((m->from_addr = mailbox_addr(mb)) != NULL)
		m->from_name = nonempty(clean_line(internet_address_get_name(
		    INTERNET_ADDRESS(mb))));
	else
		m->from_addr = header_addr(obj, "From", &m->from_name);
	if (m->from_addr != NULL)
		m->from_header = "From";
	for (i = 0; m->from_addr == NULL && i < sizeof fallback /
	    sizeof fallback[0]; i++) {
		if ((m->from_addr = header_addr(obj, fallback[i], NULL)) != NULL)
			m->from_header = fallback[i];
	}
	check_bound(m->from_name, CHECK_NAME_MAX);
	m->reply_to = mailbox_addr(first_mailbox(
	    g_mime_message_get_reply_to(msg)));
	if (m->reply_to == NULL)
		m->reply_to = header_addr(obj, "Reply-To", NULL);
}

static char *
header_decoded(GMimeObject *obj, const char *name)
{
	const char	*v;

	if ((v = g_mime_object_get_header(obj, name)) == NULL)
		return NULL;
	return nonempty(clean_line(v));
}

static char *
references_list(const char *v)
{
	GMimeReferences	*refs;
	struct buf	 b = { NULL, 0, 0 };
	char		*id;
	int		 i;

	if (v == NULL || (refs = g_mime_references_parse(mime_options,
	    v)) == NULL)
		return NULL;
	for (i = 0; i < g_mime_references_length(refs); i++) {
		if ((id = clean_msgid(g_mime_references_get_message_id(refs,
		    i))) == NULL)
			continue;
		if (b.len > 0)
			buf_addc(&b, ' ');
		buf_add(&b, id, strlen(id));
		free(id);
	}
	g_mime_references_free(refs);
	check_bound_ids(b.p, CHECK_REFS_MAX);
	return b.p;
}

static int
starts_nocase(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* The first word of a header value: "auto-replied; x=y" → "auto-replied". */
static int
token_is(const char *v, const char *word)
{
	size_t	n = strlen(word);

	return v != NULL && strncmp(v, word, n) == 0 &&
	    (v[n] == '\0' || v[n] == ';' || v[n] == ' ' || v[n] == '(');
}

static int
auto_reply(struct mime_message *m, GMimeObject *obj)
{
	static const char *const subjects[] = { "Out of Office",
	    "Automatic reply", "Auto:", "Autoreply", "Auto-reply", NULL };
	const char *const	*s;
	const char		*subj = m->subject;

	if (m->auto_submitted != NULL && *m->auto_submitted != '\0' &&
	    !token_is(m->auto_submitted, "no"))
		return 1;
	if (token_is(m->precedence, "bulk") ||
	    token_is(m->precedence, "junk") || token_is(m->precedence, "list"))
		return 1;
	if (g_mime_object_get_header(obj, "X-Autoreply") != NULL ||
	    g_mime_object_get_header(obj, "X-Autorespond") != NULL)
		return 1;
	while (*subj == ' ')
		subj++;
	for (s = subjects; *s != NULL; s++) {
		if (starts_nocase(subj, *s))
			return 1;
	}
	return 0;
}

/*
 * Every Authentication-Results field, in order: which of them to believe
 * (only the receiving server's) is for the caller to decide.
 */
#define MIME_AUTH_RESULTS_MAX 32
static void
read_auth_results(struct mime_message *m, GMimeObject *obj)
{
	GMimeHeaderList	*list = g_mime_object_get_header_list(obj);
	GMimeHeader	*h;
	int		 i, n = g_mime_header_list_get_count(list);
	char		*v;

	for (i = 0; i < n && m->nauth_results < MIME_AUTH_RESULTS_MAX; i++) {
		h = g_mime_header_list_get_header_at(list, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h),
		    "Authentication-Results") != 0 ||
		    (v = clean_line(g_mime_header_get_value(h))) == NULL)
			continue;
		if (m->auth_results == NULL)
			m->auth_results = xcalloc(MIME_AUTH_RESULTS_MAX,
			    sizeof *m->auth_results);
		m->auth_results[m->nauth_results++] = v;
	}
}

static void
read_headers(struct mime_message *m, GMimeMessage *msg)
{
	GMimeObject	*obj = GMIME_OBJECT(msg);
	GDateTime	*date;
	const char	*v;
	char		*id;

	read_from(m, msg);
	m->to = header_decoded(obj, "To");
	m->cc = header_decoded(obj, "Cc");
	if ((m->subject = clean_line(g_mime_message_get_subject(msg))) == NULL)
		m->subject = xstrdup("");
	check_bound(m->subject, CHECK_TEXT_MAX);
	if ((date = g_mime_message_get_date(msg)) != NULL)
		m->date = (time_t)g_date_time_to_unix(date);
	m->message_id = clean_msgid(g_mime_message_get_message_id(msg));
	if ((v = g_mime_object_get_header(obj, "In-Reply-To")) != NULL &&
	    (id = g_mime_utils_decode_message_id(v)) != NULL) {
		m->in_reply_to = clean_msgid(id);
		g_free(id);
	}
	m->references = references_list(g_mime_object_get_header(obj,
	    "References"));
	m->auto_submitted = nonempty(clean_lower(g_mime_object_get_header(obj,
	    "Auto-Submitted")));
	m->precedence = nonempty(clean_lower(g_mime_object_get_header(obj,
	    "Precedence")));
	m->is_auto_reply = auto_reply(m, obj);
	read_auth_results(m, obj);
}

/* ---- the message ---- */

/*
 * Mail starts with a header field (after an mbox "From " line, if any).
 * Anything else is not a message, whatever GMime would make of it.
 */
static int
looks_like_message(const char *raw, size_t len)
{
	const char	*p = raw, *end = raw + len, *name, *nl;

	if (len > 5 && strncmp(raw, "From ", 5) == 0) {
		if ((nl = memchr(raw, '\n', len)) == NULL)
			return 0;
		p = nl + 1;
	}
	for (name = p; p < end && (unsigned char)*p > ' ' &&
	    (unsigned char)*p < 0x7f && *p != ':'; p++)
		;
	if (p == name)
		return 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p < end && *p == ':';
}

static void
read_body(struct walk *w)
{
	struct mime_message	*m = w->m;
	char			*text;

	if (w->text != NULL) {
		m->body = object_text(w->text);
		return;
	}
	if (w->html != NULL) {
		text = object_text(w->html);
		m->body = mime_html_to_text(text, strlen(text));
		m->body_from_html = 1;
		free(text);
		return;
	}
	m->body = xstrdup("");
}

static GMimeMessage *
gmime_parse(const char *raw, size_t len)
{
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeMessage	*msg;

	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, mime_options);
	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

int
mime_parse(const char *raw, size_t len, const struct mime_limits *lim,
    struct mime_message **out, char *err, size_t errlen)
{
	struct mime_message	*m;
	struct walk		 w;
	GMimeMessage		*msg;

	*out = NULL;
	mime_init();
	if (raw == NULL || len == 0) {
		errfmt(err, errlen, "the message is empty");
		return -1;
	}
	if (!looks_like_message(raw, len)) {
		errfmt(err, errlen, "not an email message: it does not start "
		    "with a header");
		return -1;
	}
	if ((msg = gmime_parse(raw, len)) == NULL) {
		errfmt(err, errlen, "not an email message: its headers "
		    "cannot be read");
		return -1;
	}
	m = xcalloc(1, sizeof *m);
	sha256_hex(raw, len, m->content_hash);
	read_headers(m, msg);
	memset(&w, 0, sizeof w);
	w.m = m;
	w.lim = lim;
	walk_object(&w, g_mime_message_get_mime_part(msg), 0, 0, 0);
	read_body(&w);
	g_object_unref(msg);
	*out = m;
	return 0;
}

void
mime_free(struct mime_message *m)
{
	size_t	i;

	if (m == NULL)
		return;
	free(m->from_addr);
	free(m->from_name);
	free(m->reply_to);
	free(m->to);
	free(m->cc);
	free(m->subject);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->references);
	free(m->auto_submitted);
	free(m->precedence);
	for (i = 0; i < m->nauth_results; i++)
		free(m->auth_results[i]);
	free(m->auth_results);
	free(m->dsn_message_id);
	free(m->dsn_status);
	free(m->body);
	for (i = 0; i < m->nattachments; i++) {
		free(m->attachments[i].filename);
		free(m->attachments[i].content_type);
		free(m->attachments[i].data);
		free(m->attachments[i].refused_reason);
	}
	free(m->attachments);
	free(m);
}
