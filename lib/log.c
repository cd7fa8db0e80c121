/* log.c: one line per event, to stderr in the foreground or syslog. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "grant.h"

static int		log_to_stderr = 1;
static enum log_level	log_level = LOG_LEVEL_INFO;
static const char	*log_name = "grantd";

void
log_init(const char *name, int foreground, enum log_level level)
{
	log_name = name;
	log_to_stderr = foreground;
	log_level = level;
	if (!foreground)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

int
log_level_parse(const char *s, enum log_level *level)
{
	static const char *names[] = { "error", "warn", "info", "debug" };
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(s, names[i]) == 0) {
			*level = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

static void
log_vwrite(enum log_level level, const char *suffix, const char *fmt,
    va_list ap)
{
	static const int	 prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char	*tag[] = { "error", "warning", "info", "debug" };
	char			 msg[2048];

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_to_stderr) {
		fprintf(stderr, "%s: %s: %s%s%s\n", log_name, tag[level], msg,
		    suffix != NULL ? ": " : "", suffix != NULL ? suffix : "");
		fflush(stderr);
	} else
		syslog(prio[level], "%s%s%s", msg,
		    suffix != NULL ? ": " : "", suffix != NULL ? suffix : "");
}

#define LOG_FN(fn, level, witherr)				\
void								\
fn(const char *fmt, ...)					\
{								\
	va_list	 ap;						\
	int	 saved = errno;					\
								\
	va_start(ap, fmt);					\
	log_vwrite(level, witherr ? strerror(saved) : NULL, fmt, ap); \
	va_end(ap);						\
	errno = saved;						\
}
LOG_FN(log_warn, LOG_LEVEL_WARN, 1)
LOG_FN(log_warnx, LOG_LEVEL_WARN, 0)
LOG_FN(log_info, LOG_LEVEL_INFO, 0)
LOG_FN(log_debug, LOG_LEVEL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
