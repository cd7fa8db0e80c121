/* util.c: allocation that cannot fail quietly, and small checks. */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grant.h"

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		fatal("malloc");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		fatal("calloc");
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("strdup");
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vasprintf");
	return n;
}

void
errfmt(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Open a regular file for reading, never through a symbolic link (ELOOP)
 * and never anything else (EINVAL): a FIFO would block the caller for
 * ever, a link would read whatever file its writer chose. O_NONBLOCK only
 * keeps open() itself from waiting on a FIFO; it is cleared once the file
 * is known to be regular.
 */
int
file_open_regular(const char *path)
{
	struct stat	st;
	int		fd, flags;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		goto fail;
	return fd;
fail:
	flags = errno;
	close(fd);
	errno = flags;
	return -1;
}

/*
 * A regular file's first limit bytes (all of it, if shorter),
 * NUL-terminated; *len says how many. NULL with errno set if it cannot be
 * read, or is a symbolic link (ELOOP) or not a regular file (EINVAL).
 */
char *
file_read(const char *path, size_t limit, size_t *len)
{
	struct strbuf	 b = { NULL, 0, 0 };
	char		 chunk[65536];
	ssize_t		 n = 0;
	int		 fd, saved;

	if ((fd = file_open_regular(path)) == -1)
		return NULL;
	strbuf_add(&b, "", 0);
	while (b.len < limit && (n = read(fd, chunk, limit - b.len <
	    sizeof chunk ? limit - b.len : sizeof chunk)) > 0)
		strbuf_add(&b, chunk, (size_t)n);
	if (n == -1) {
		saved = errno;
		close(fd);
		free(b.s);
		errno = saved;
		return NULL;
	}
	close(fd);
	*len = b.len;
	return b.s;
}

/* A growing string: strbuf_add() keeps it NUL-terminated. */
void
strbuf_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if ((b->s = realloc(b->s, b->cap)) == NULL)
			fatal("realloc");
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Cut s to at most max bytes without splitting a UTF-8 character. */
void
utf8_truncate(char *s, size_t max)
{
	size_t	len = strlen(s);

	if (len <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}
