/*
 * grantd-docread: reads one document (a form sent as a file) on standard
 * input and writes its text on standard output, for grantd. It runs
 * apart from grantd, shut in by sandbox_enter() before it reads a byte,
 * so a hostile file can at worst crash or stall this process, which
 * grantd then kills and counts as an unreadable document.
 *
 * grantd-docread KIND [-s size] [-x expanded] [-e entry] [-n entries]
 *     [-d depth] [-p pages] [-t text] [-c cpu] [-m memory]
 *
 * Exit 0: the text follows. Exit 2: why the file could not be read
 * follows. Exit 1: a usage or set-up error.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "grant.h"
#include "mail/document.h"

static int
docread_options(int argc, char **argv, struct document_limits *l)
{
	int		 ch;
	long long	 v;
	char		*end;

	while ((ch = getopt(argc, argv, "s:x:e:n:d:p:t:c:m:")) != -1) {
		errno = 0;
		v = strtoll(optarg, &end, 10);
		if (ch == '?' || errno != 0 || *end != '\0' || v <= 0)
			return -1;
		switch (ch) {
		case 's': l->max_size = (size_t)v; break;
		case 'x': l->max_expanded = (size_t)v; break;
		case 'e': l->max_entry = (size_t)v; break;
		case 'n': l->max_entries = (long)v; break;
		case 'd': l->max_depth = (int)v; break;
		case 'p': l->max_pages = (int)v; break;
		case 't': l->max_text = (size_t)v; break;
		case 'c': l->cpu = (int)v; break;
		case 'm': l->memory = (size_t)v; break;
		default: return -1;
		}
	}
	return 0;
}

/* One byte past the limit is enough to refuse the file. */
static unsigned char *
docread_input(size_t max, size_t *len)
{
	unsigned char	*buf = xmalloc(max + 1);
	ssize_t		 n;

	*len = 0;
	while (*len < max + 1 &&
	    (n = read(STDIN_FILENO, buf + *len, max + 1 - *len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(buf);
			return NULL;
		}
		*len += (size_t)n;
	}
	return buf;
}

static int
docread_write(const char *s, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(STDOUT_FILENO, s, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct document_limits	 l;
	enum document_kind	 kind;
	iconv_t			 utf16[2];
	unsigned char		*data;
	char			*text, err[GRANT_ERRLEN];
	size_t			 len;
	int			 rc;

	document_limits_default(&l);
	if (argc < 2 || (kind = document_kind_parse(argv[1])) ==
	    DOCUMENT_NONE || docread_options(argc - 1, argv + 1, &l) == -1) {
		fprintf(stderr, "usage: grantd-docread docx|odt|pdf [-s size] "
		    "[-x expanded] [-e entry] [-n entries] [-d depth] "
		    "[-p pages] [-t text] [-c cpu] [-m memory]\n");
		return 1;
	}
	/*
	 * The libraries' one-time set-up may read files; do it before. PDF
	 * text fields are UTF-16, converted through iconv, whose modules are
	 * files: load them now and keep them.
	 */
	xmlInitParser();
	utf16[0] = iconv_open("UTF-8", "UTF-16BE");
	utf16[1] = iconv_open("UTF-8", "UTF-16LE");
	if (sandbox_enter(&l, err, sizeof err) == -1) {
		fprintf(stderr, "grantd-docread: %s\n", err);
		return 1;
	}
	if ((data = docread_input(l.max_size, &len)) == NULL)
		return 1;
	rc = document_text(kind, data, len, &l, &text, err, sizeof err);
	free(data);
	iconv_close(utf16[0]);
	iconv_close(utf16[1]);
	if (rc == -1)
		return docread_write(err, strlen(err)) == -1 ? 1 : 2;
	rc = docread_write(text, strlen(text));
	free(text);
	return rc == -1 ? 1 : 0;
}
