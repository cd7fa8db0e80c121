/*
 * check.c: the one place that decides what outside input is acceptable:
 * email addresses, codes, text shown to people, and lengths against the
 * columns they are stored in. The API, the intake and grantctl's output
 * all use these, so that two parts of grantd never disagree.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grant.h"

/*
 * An addr-spec we are willing to store and send to: one '@', a plain
 * local part (no spaces, quotes or specials, no leading, trailing or
 * doubled dot), a domain of letters, digits, '-' and '.' (or UTF-8), no
 * empty label. Quoted local parts and address literals are refused: no
 * community group needs them and they are where parsers disagree.
 */
int
check_address(const char *a)
{
	const char	*at, *p;

	if (a == NULL || strlen(a) > CHECK_ADDRESS_MAX ||
	    (at = strchr(a, '@')) == NULL || at == a || at - a > 64 ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	for (p = a; p < at; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f ||
		    strchr("<>()[],;:\\\"", *p) != NULL)
			return 0;
	if (*a == '.' || at[-1] == '.' || memmem(a, (size_t)(at - a), "..", 2))
		return 0;
	for (p = at + 1; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80 || isalnum((unsigned char)*p) ||
		    *p == '-')
			continue;
		if (*p != '.' || p[1] == '.' || p[1] == '\0' || p == at + 1)
			return 0;
	}
	return at[1] != '-' && p[-1] != '-';
}

/*
 * An address on the public internet, as an applicant must give: also a
 * dotted domain whose last label has two or more characters, which
 * catches "group@gmail" and "group@gmail.c".
 */
int
check_address_public(const char *a)
{
	const char	*dot;

	if (!check_address(a))
		return 0;
	dot = strrchr(strchr(a, '@'), '.');
	return dot != NULL && strlen(dot + 1) >= 2;
}

/*
 * Codes people type and quote (fund codes, round codes, references):
 * upper-case letters and digits, starting with a letter, at least min and
 * at most max long; '-' only where dashes is set.
 */
int
check_code(const char *s, size_t min, size_t max, int dashes)
{
	size_t	i;

	if (s == NULL || !isupper((unsigned char)s[0]))
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= max)
			return 0;
		if (!isupper((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && !(dashes && s[i] == '-'))
			return 0;
	}
	return i >= min;
}

/*
 * The length of a terminal control sequence starting at s (ESC or a C1
 * control in UTF-8), or 0. CSI runs to its final byte, OSC and the string
 * controls to BEL or ST; anything else after ESC takes one more byte.
 */
static size_t
check_escape_len(const unsigned char *s)
{
	size_t	i;
	int	kind;

	if (s[0] == 0x1b && s[1] != '\0')
		kind = s[1], i = 2;
	else if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
		kind = s[1] - 0x40, i = 2;	/* C1: the 7-bit form's letter */
	else
		return 0;
	if (kind == '[') {
		while (s[i] != '\0' && !(s[i] >= 0x40 && s[i] <= 0x7e))
			i++;
		return s[i] != '\0' ? i + 1 : i;
	}
	if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' ||
	    kind == '_') {
		for (; s[i] != '\0'; i++) {
			if (s[i] == 0x07)
				return i + 1;
			if (s[i] == 0x1b && s[i + 1] == '\\')
				return i + 2;
		}
		return i;
	}
	return 2;
}

/*
 * Text a person typed, made safe to store and show: terminal control
 * sequences and other control characters are removed, in place. With
 * multiline, newlines and tabs stay; without, they become spaces.
 */
char *
check_text_clean(char *s, int multiline)
{
	unsigned char	*r, *w;
	size_t		 n;

	if (s == NULL)
		return NULL;
	for (r = w = (unsigned char *)s; *r != '\0';) {
		if ((n = check_escape_len(r)) > 0) {
			r += n;
			continue;
		}
		if (*r == '\n' || *r == '\t')
			*w++ = multiline ? *r : ' ';
		else if (*r >= 0x20 && *r != 0x7f)
			*w++ = *r;
		r++;
	}
	*w = '\0';
	return s;
}

/* The length of the valid UTF-8 character at s, or 0. */
static size_t
check_utf8_len(const unsigned char *s)
{
	size_t		n, i;
	unsigned int	c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

/*
 * A copy of s fit for a terminal: what is not printable is shown as an
 * escape (\e, \x07, \u0085), never sent raw, so text from outside cannot
 * move the cursor, retitle the window or hide itself. Invalid UTF-8 bytes
 * are shown as \xNN. With multiline, newlines and tabs pass through.
 */
char *
check_text_escape(const char *s, int multiline)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct strbuf		 b = { NULL, 0, 0 };
	char			 esc[16];
	size_t			 n;

	strbuf_add(&b, "", 0);
	while (p != NULL && *p != '\0') {
		n = check_utf8_len(p);
		if (n == 1 && (*p >= 0x20 && *p != 0x7f))
			strbuf_add(&b, (const char *)p, 1);
		else if (n == 1 && multiline && (*p == '\n' || *p == '\t'))
			strbuf_add(&b, (const char *)p, 1);
		else if (n == 1 && *p == 0x1b)
			strbuf_add(&b, "\\e", 2);
		else if (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f) {
			snprintf(esc, sizeof esc, "\\u%04x", p[1]);
			strbuf_add(&b, esc, strlen(esc));
		} else if (n > 1)
			strbuf_add(&b, (const char *)p, n);
		else {
			snprintf(esc, sizeof esc, "\\x%02x", *p);
			strbuf_add(&b, esc, strlen(esc));
			n = 1;
		}
		p += n;
	}
	return b.s;
}

/*
 * Bound s to max bytes for its column, in place, without splitting a
 * UTF-8 character; what was cut is marked with "..." so nobody mistakes
 * the rest for the whole. Returns 1 if it cut.
 */
int
check_bound(char *s, size_t max)
{
	static const char	marker[] = "...";

	if (s == NULL || strlen(s) <= max)
		return 0;
	if (max < sizeof marker) {
		utf8_truncate(s, max);
		return 1;
	}
	utf8_truncate(s, max - (sizeof marker - 1));
	strcat(s, marker);
	return 1;
}

/* A copy of s bounded to max bytes, as check_bound() does it. */
char *
check_bounded(const char *s, size_t max)
{
	char	*c = xstrdup(s);

	check_bound(c, max);
	return c;
}

/*
 * Bound a space-separated list of Message-IDs (References) to max bytes,
 * in place, dropping whole ids from the middle: the first (the thread's
 * start) and the last (the nearest parents) are what threading needs, as
 * RFC 5322 3.6.4 suggests, and a cut id would be a wrong one. Returns 1 if
 * it cut.
 */
int
check_bound_ids(char *s, size_t max)
{
	size_t	 len, first;
	char	*tail;

	if (s == NULL || (len = strlen(s)) <= max)
		return 0;
	first = strcspn(s, " ");
	if (first + 1 >= max) {
		s[first] = '\0';
		check_bound(s, max);
		return 1;
	}
	/* The longest run of whole ids at the end that fits after "first ". */
	tail = s + len - (max - first - 1);
	while (*tail != '\0' && tail[-1] != ' ')
		tail++;
	if (*tail == '\0')
		s[first] = '\0';
	else
		memmove(s + first + 1, tail, strlen(tail) + 1);
	return 1;
}
