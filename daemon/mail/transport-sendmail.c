/*
 * transport-sendmail.c: hand the message to the local MTA with
 * "sendmail -t -i". The MTA queues it at once, so this short wait is the
 * only part of sending that runs in the loop's time.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "core/core.h"
#include "mail/mail.h"

static void
sendmail_send(long long id, const char *env_from, const char *to,
    const char *data, size_t len, transport_done_fn done)
{
	int	 fds[2], status;
	pid_t	 pid;
	size_t	 off = 0;
	ssize_t	 n;
	char	 detail[256];

	if (pipe(fds) == -1) {
		done(id, SEND_TEMPFAIL, strerror(errno));
		return;
	}
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		done(id, SEND_TEMPFAIL, strerror(errno));
		return;
	}
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execl(grantd_config->mail_sendmail, "sendmail", "-t", "-i",
		    "-f", env_from, (char *)NULL);
		_exit(EX_TEMPFAIL);
	}
	close(fds[0]);
	while (off < len && (n = write(fds[1], data + off, len - off)) > 0)
		off += (size_t)n;
	close(fds[1]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (off == len && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		done(id, SEND_OK, "accepted by sendmail");
		return;
	}
	snprintf(detail, sizeof detail, "%s exited with %d",
	    grantd_config->mail_sendmail, WIFEXITED(status) ?
	    WEXITSTATUS(status) : -1);
	/* EX_TEMPFAIL and friends: the MTA asks us to try again. */
	done(id, WIFEXITED(status) && (WEXITSTATUS(status) == EX_TEMPFAIL ||
	    WEXITSTATUS(status) == EX_OSERR || WEXITSTATUS(status) == EX_IOERR ||
	    WEXITSTATUS(status) == EX_UNAVAILABLE) ? SEND_TEMPFAIL :
	    SEND_PERMFAIL, detail);
}

const struct transport transport_sendmail = { "sendmail", 0, sendmail_send };
