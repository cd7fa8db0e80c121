/*
 * transport-maildir.c: each message written as a file in a Maildir's new/
 * (the quickstart's default), through tmp/ and a rename so a reader never
 * sees half a message.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "mail/mail.h"

static int
maildir_mkdirs(const char *dir)
{
	static const char	*sub[] = { "", "/tmp", "/new", "/cur" };
	char			*path;
	size_t			 i;

	for (i = 0; i < 4; i++) {
		xasprintf(&path, "%s%s", dir, sub[i]);
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			free(path);
			return -1;
		}
		free(path);
	}
	return 0;
}

static void
maildir_send(long long id, const char *env_from, const char *to,
    const char *data, size_t len, transport_done_fn done)
{
	const char	*dir = grantd_config->mail_maildir;
	struct timeval	 tv;
	char		*tmp = NULL, *new = NULL, host[128] = "grantd";
	char		 detail[512];
	int		 fd = -1;
	size_t		 off = 0;
	ssize_t		 n;

	gettimeofday(&tv, NULL);
	gethostname(host, sizeof host - 1);
	if (maildir_mkdirs(dir) == -1)
		goto fail;
	xasprintf(&tmp, "%s/tmp/%lld.M%ldP%dQ%lld.%s", dir, (long long)tv.tv_sec,
	    (long)tv.tv_usec, (int)getpid(), id, host);
	xasprintf(&new, "%s/new/%lld.M%ldP%dQ%lld.%s", dir, (long long)tv.tv_sec,
	    (long)tv.tv_usec, (int)getpid(), id, host);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1)
		goto fail;
	while (off < len && (n = write(fd, data + off, len - off)) > 0)
		off += (size_t)n;
	if (off != len || fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		unlink(tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, new) == -1) {
		unlink(tmp);
		goto fail;
	}
	free(tmp);
	free(new);
	done(id, SEND_OK, "written to the outgoing Maildir");
	return;
fail:
	snprintf(detail, sizeof detail, "Maildir %s: %s", dir, strerror(errno));
	if (fd != -1)
		close(fd);
	free(tmp);
	free(new);
	done(id, SEND_TEMPFAIL, detail);
}

const struct transport transport_maildir = { "maildir", 0, maildir_send };
