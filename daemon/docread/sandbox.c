/*
 * sandbox.c: how grantd-docread shuts itself in before it reads a
 * stranger's file, as OpenSMTPD's and Dovecot's parsers do: no root, hard
 * resource limits, no way to gain privileges, and a seccomp filter that
 * allows little more than reading, writing and memory. Opening files
 * fails quietly (a library looking for fonts carries on without them);
 * anything else outside the list kills the process.
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "grant.h"
#include "mail/document.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZED 1
#endif
#endif

#ifndef SANDBOX_SANITIZED
static const int sandbox_allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(lseek), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(brk), SCMP_SYS(madvise), SCMP_SYS(mprotect),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(futex), SCMP_SYS(getrandom),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(getpid),
	SCMP_SYS(gettid),
};

/* Asked for, harmlessly, by libraries; refused with an error, not a kill. */
static const int sandbox_refused[] = {
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(access),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(stat),
	SCMP_SYS(lstat), SCMP_SYS(readlink), SCMP_SYS(ioctl),
	SCMP_SYS(statfs), SCMP_SYS(fstatfs), SCMP_SYS(uname),
	SCMP_SYS(sysinfo), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(prlimit64), SCMP_SYS(getuid), SCMP_SYS(geteuid),
};

#define NELEM(a) (sizeof (a) / sizeof (a)[0])
#endif

static int
sandbox_drop_root(char *err, size_t errlen)
{
	struct passwd	*pw;

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam("nobody")) == NULL) {
		errfmt(err, errlen, "no user 'nobody' to run as");
		return -1;
	}
	if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1 || setuid(0) != -1) {
		errfmt(err, errlen, "cannot drop root: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
sandbox_limit(int what, rlim_t soft, rlim_t hard, char *err, size_t errlen)
{
	struct rlimit	rl = { soft, hard };

	if (setrlimit(what, &rl) == -1) {
		errfmt(err, errlen, "setrlimit: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
sandbox_limits(const struct document_limits *l, char *err, size_t errlen)
{
	/* SIGXCPU at the soft limit, SIGKILL a second later. */
	if (sandbox_limit(RLIMIT_CPU, (rlim_t)l->cpu, (rlim_t)l->cpu + 1, err,
	    errlen) == -1 ||
	    sandbox_limit(RLIMIT_FSIZE, 0, 0, err, errlen) == -1 ||
	    sandbox_limit(RLIMIT_CORE, 0, 0, err, errlen) == -1 ||
	    sandbox_limit(RLIMIT_NOFILE, 8, 8, err, errlen) == -1)
		return -1;
#ifndef SANDBOX_SANITIZED
	/*
	 * AddressSanitizer reserves terabytes of address space up front, and
	 * LeakSanitizer needs a thread at exit.
	 */
	if (sandbox_limit(RLIMIT_AS, (rlim_t)l->memory, (rlim_t)l->memory,
	    err, errlen) == -1 ||
	    sandbox_limit(RLIMIT_NPROC, 0, 0, err, errlen) == -1)
		return -1;
#endif
	return 0;
}

static int
sandbox_filter(char *err, size_t errlen)
{
#ifdef SANDBOX_SANITIZED
	/* The sanitizers' runtime needs calls no parser does. */
	return 0;
#else
	scmp_filter_ctx	 ctx;
	size_t		 i;
	int		 rc = 0;

	if ((ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)) == NULL) {
		errfmt(err, errlen, "seccomp_init failed");
		return -1;
	}
	for (i = 0; i < NELEM(sandbox_allowed) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sandbox_allowed[i], 0);
	for (i = 0; i < NELEM(sandbox_refused) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
		    sandbox_refused[i], 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		errfmt(err, errlen, "seccomp: %s", strerror(-rc));
		return -1;
	}
	return 0;
#endif
}

int
sandbox_enter(const struct document_limits *l, char *err, size_t errlen)
{
	if (chdir("/") == -1) {
		errfmt(err, errlen, "chdir /: %s", strerror(errno));
		return -1;
	}
	if (sandbox_drop_root(err, errlen) == -1 ||
	    sandbox_limits(l, err, errlen) == -1)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		errfmt(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	return sandbox_filter(err, errlen);
}
