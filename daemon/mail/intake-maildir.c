/*
 * intake-maildir.c: messages in a Maildir's new/ are taken in, then moved
 * to cur/ with the S flag, only after their transaction commits. tmp/ is
 * another writer's business and never read.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "mail/mail.h"

#define MAILDIR_BATCH 200	/* messages per turn of the loop */

static int
maildir_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* new/NAME → cur/NAME:2,S (keeping flags already there, adding S). */
static int
maildir_done(const char *dir, const char *name)
{
	char	*from, *to;
	int	 rc;

	xasprintf(&from, "%s/new/%s", dir, name);
	if (strstr(name, ":2,") != NULL)
		xasprintf(&to, "%s/cur/%s%s", dir, name,
		    strchr(strstr(name, ":2,"), 'S') ? "" : "S");
	else
		xasprintf(&to, "%s/cur/%s:2,S", dir, name);
	rc = rename(from, to);
	free(from);
	free(to);
	return rc;
}

/*
 * new/NAME is a symbolic link, a FIFO, a directory or the like: no MTA
 * delivers those, and reading one could hang the daemon or pull in a file
 * nobody sent. It is moved (the link itself, never its target) to
 * unsafe/ beside new/, where whoever runs the mailbox can look, and
 * logged once, there.
 */
static void
maildir_set_aside(const struct intake_conf *in, const char *name, int why)
{
	char	*from, *dir, *to;

	xasprintf(&from, "%s/new/%s", in->path, name);
	xasprintf(&dir, "%s/unsafe", in->path);
	xasprintf(&to, "%s/%s", dir, name);
	if ((mkdir(dir, 0700) == -1 && errno != EEXIST) ||
	    rename(from, to) == -1)
		log_warn("intake %s: new/%s is not a regular file and cannot "
		    "be moved to unsafe/", in->name, name);
	else
		log_warnx("intake %s: new/%s is %s, not a message; not read, "
		    "moved to unsafe/", in->name, name, why == ELOOP ?
		    "a symbolic link" : "not a regular file");
	free(from);
	free(dir);
	free(to);
}

void
intake_maildir_poll(const struct intake_conf *in)
{
	DIR			*d;
	struct dirent		*de;
	char			*dir, **names = NULL, *path, *raw, err[512];
	size_t			 n = 0, cap = 0, i, len;
	enum intake_result	 r;
	int			 more = 0, saved;

	if (!db_available())
		return;
	xasprintf(&dir, "%s/new", in->path);
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, sizeof err, "Maildir %s: %s", dir, strerror(errno));
		intake_polled(in, err);
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((names = realloc(names, cap * sizeof *names)) == NULL)
				fatal("realloc");
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	/* Oldest first: Maildir names start with the delivery time. */
	if (n > 0)
		qsort(names, n, sizeof *names, maildir_name_cmp);
	for (i = 0; i < n; i++) {
		if (i == MAILDIR_BATCH) {
			more = 1;
			break;
		}
		xasprintf(&path, "%s/%s", dir, names[i]);
		/* One byte past the limit is enough for the intake to refuse it. */
		raw = file_read(path, (size_t)grantd_config->max_message + 1, &len);
		saved = errno;
		free(path);
		if (raw == NULL && (saved == ELOOP || saved == EINVAL))
			maildir_set_aside(in, names[i], saved);
		if (raw == NULL)
			continue;	/* gone meanwhile, or unreadable */
		r = intake_process(in, raw, len);
		free(raw);
		if (r == INTAKE_RETRY)
			break;
		if (maildir_done(in->path, names[i]) == -1)
			log_warn("intake %s: cannot move %s to cur/", in->name,
			    names[i]);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	intake_polled(in, NULL);
	/* Let the loop serve requests, then carry on with the rest. */
	if (more)
		intake_again(in);
}
