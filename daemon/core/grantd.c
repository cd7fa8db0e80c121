/*
 * grantd.c: start-up, signals and the one event loop.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "core/core.h"
#include "api/api.h"
#include "mail/mail.h"
#include "domain/domain.h"
#include "mail/mime.h"
#include "mail/template.h"

time_t			 grantd_started;
struct config		*grantd_config;

static struct event_base *grantd_base;
static int		 grantd_stopping;

static __attribute__((noreturn)) void
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: grantd -c FILE [-f] [-t | --migrate] | -V\n"
	    "  -c FILE     configuration file (grantd.conf)\n"
	    "  -f          stay in the foreground, log to stderr\n"
	    "  -t          check the configuration and exit\n"
	    "  --migrate   apply pending schema migrations and exit\n"
	    "  -V          print the version and exit\n");
	exit(status);
}

/*
 * While stopping: wait for sends under way (at most GRANTD_DRAIN_MAX
 * checks), then give replies already written a moment to leave.
 */
#define GRANTD_DRAIN_MAX 100
static void
grantd_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	static const struct timeval	 tick = { 0, 100000 };
	static struct event		*ev;
	static int			 checks;

	if (ev == NULL)
		ev = evtimer_new(grantd_base, grantd_drain_cb, NULL);
	if (outbox_idle() || ++checks > GRANTD_DRAIN_MAX) {
		event_free(ev);
		ev = NULL;
		event_base_loopexit(grantd_base, &tick);
		return;
	}
	evtimer_add(ev, &tick);
}

/*
 * Mailboxes are polled from the configuration grantd started with: a reload
 * keeps them (moving them into the new configuration) and says so if the
 * file now describes others.
 */
static void
grantd_keep_intake(struct config *old, struct config *new)
{
	struct intake_conf	*tmp[CONFIG_MAX_INTAKE];
	int			 i, changed = old->nintake != new->nintake;

	for (i = 0; !changed && i < old->nintake; i++) {
		const struct intake_conf *a = old->intake[i], *b = new->intake[i];
		changed = strcmp(a->name, b->name) != 0 ||
		    strcmp(a->type, b->type) != 0 || strcmp(a->round, b->round)
		    != 0 || a->poll_interval != b->poll_interval ||
		    (a->path && b->path && strcmp(a->path, b->path) != 0) ||
		    (a->url && b->url && strcmp(a->url, b->url) != 0);
	}
	if (changed)
		log_warnx("reload: [intake] mailboxes change only at restart");
	memcpy(tmp, new->intake, sizeof tmp);
	memcpy(new->intake, old->intake, sizeof tmp);
	memcpy(old->intake, tmp, sizeof tmp);
	i = new->nintake;
	new->nintake = old->nintake;
	old->nintake = i;
}

/* The mail settings that cannot be checked key by key. */
static int
grantd_check_mail(const struct config *c, char *err, size_t errlen)
{
	char	*name, *addr;
	int	 ok;

	outbox_parse_from(c->mail_from, &name, &addr);
	ok = check_address(addr);
	free(name);
	free(addr);
	if (!ok) {
		errfmt(err, errlen, "%s: [mail] from = %s has no valid address",
		    c->path, c->mail_from);
		return -1;
	}
	return 0;
}

static void
grantd_signal_cb(evutil_socket_t sig, short events, void *arg)
{
	struct config			*c;
	char				 err[GRANT_ERRLEN];

	switch (sig) {
	case SIGHUP:
		sd_notify(0, "RELOADING=1");
		if ((c = config_load(grantd_config->path, err, sizeof err))
		    == NULL || grantd_check_mail(c, err, sizeof err) == -1 ||
		    template_load_all(c->templates, c->template_overrides, err,
		    sizeof err) == -1) {
			log_warnx("reload failed, keeping the old configuration:"
			    " %s", err);
			config_free(c);
		} else {
			if (strcmp(c->api_socket, grantd_config->api_socket) != 0)
				log_warnx("reload: [api] socket changes only "
				    "at restart");
			log_set_level(c->log_level);
			grantd_keep_intake(grantd_config, c);
			db_set_config(c);
			config_free(grantd_config);
			grantd_config = c;
			log_info("configuration reloaded");
		}
		sd_notify(0, "READY=1");
		break;
	case SIGTERM:
	case SIGINT:
		if (grantd_stopping) {
			log_info("second signal, exiting now");
			exit(0);
		}
		/*
		 * Stop taking connections at once; give replies already
		 * written a moment to reach their clients, then end the loop.
		 */
		grantd_stopping = 1;
		log_info("shutting down");
		sd_notify(0, "STOPPING=1");
		api_stop_accepting();
		intake_stop();
		outbox_stop();
		staff_stop();
		grant_stop();
		audit_stop();
		privacy_stop();
		monitor_stop();
		grantd_drain_cb(-1, 0, NULL);
		break;
	}
}

static int
grantd_migrate(void)
{
	char	err[GRANT_ERRLEN];

	if (db_init_migration(grantd_config, err, sizeof err) == -1) {
		log_warnx("%s", err);
		return 1;
	}
	if (migrate_apply(grantd_config, err, sizeof err) == -1) {
		log_warnx("%s", err);
		db_shutdown();
		return 1;
	}
	db_shutdown();
	return 0;
}

static int
grantd_run(int foreground)
{
	struct event	*sigs[4];
	const int	 signums[4] = { SIGHUP, SIGTERM, SIGINT, 0 };
	char		 err[GRANT_ERRLEN];
	int		 i, rc;

	if (!foreground && daemon(0, 0) == -1)
		fatal("daemon");
	signal(SIGPIPE, SIG_IGN);
	grantd_started = time(NULL);
	if ((grantd_base = event_base_new()) == NULL)
		fatalx("event_base_new failed");

	db_set_check(migrate_check);
	if ((rc = db_init(grantd_config, err, sizeof err)) == -2)
		fatalx("%s", err);	/* wrong schema: refuse to start */
	if (rc == -1)
		log_warnx("database: %s; retrying in the background", err);
	db_start(grantd_base);
	curl_loop_init(grantd_base);
	outbox_start(grantd_base);
	staff_start(grantd_base);
	grant_start(grantd_base);
	audit_start(grantd_base);
	privacy_start(grantd_base);
	monitor_start(grantd_base);
	mime_init();
	intake_start(grantd_base);
	if (api_listen(grantd_base, grantd_config->api_socket, err,
	    sizeof err) == -1)
		fatalx("%s", err);
	for (i = 0; signums[i] != 0; i++) {
		sigs[i] = evsignal_new(grantd_base, signums[i],
		    grantd_signal_cb, NULL);
		evsignal_add(sigs[i], NULL);
	}
	log_info("grantd %s ready on %s", PACKAGE_VERSION,
	    grantd_config->api_socket);
	sd_notify(0, "READY=1");

	event_base_dispatch(grantd_base);

	api_close();
	intake_stop();
	outbox_stop();
	staff_stop();
	grant_stop();
	audit_stop();
	privacy_stop();
	monitor_stop();
	curl_loop_shutdown();
	db_shutdown();
	template_free_all();
	for (i = 0; signums[i] != 0; i++)
		event_free(sigs[i]);
	event_base_free(grantd_base);
	config_free(grantd_config);
	log_info("stopped");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "migrate", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*path = NULL;
	char		 err[GRANT_ERRLEN];
	int		 ch, foreground = 0, test = 0, migrate = 0;

	while ((ch = getopt_long(argc, argv, "c:ftVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'f': foreground = 1; break;
		case 't': test = 1; break;
		case 'm': migrate = 1; break;
		case 'V': printf("grantd %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (path == NULL || optind != argc || (test && migrate))
		usage(2);
	if ((grantd_config = config_load(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "grantd: %s\n", err);
		return 1;
	}
	if (grantd_check_mail(grantd_config, err, sizeof err) == -1 ||
	    template_load_all(grantd_config->templates,
	    grantd_config->template_overrides, err, sizeof err) == -1) {
		fprintf(stderr, "grantd: %s\n", err);
		config_free(grantd_config);
		return 1;
	}
	if (test) {
		printf("grantd: configuration %s is OK\n", path);
		template_free_all();
		config_free(grantd_config);
		return 0;
	}
	log_init("grantd", foreground || migrate, grantd_config->log_level);
	if (migrate) {
		ch = grantd_migrate();
		template_free_all();
		config_free(grantd_config);
		return ch;
	}
	return grantd_run(foreground);
}
