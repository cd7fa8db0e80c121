/*
 * config.c: grantd.conf, an INI file. Every key lives in one table that
 * drives parsing, defaults, reload and the check that each key is documented.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/core.h"
#include "mail/mail.h"
#include "mail/template.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/grantd"
#endif

enum config_type { CONF_STRING, CONF_INT, CONF_LOGLEVEL, CONF_CHOICE };

struct config_key {
	const char	*section;
	const char	*key;
	enum config_type type;
	size_t		 offset;
	const char	*def;		/* NULL: unset unless given */
	long		 min, max;	/* CONF_INT */
	const char	*choices;	/* CONF_CHOICE: "a|b|c" */
};

#define S(f) offsetof(struct config, f)
static const struct config_key config_keys[] = {
	{ "grantd", "log_level", CONF_LOGLEVEL, S(log_level), "info", 0, 0, NULL },
	{ "api", "socket", CONF_STRING, S(api_socket), GRANT_DEFAULT_SOCKET, 0, 0, NULL },
	{ "api", "admin_uid", CONF_INT, S(admin_uid), "-1", -1, INT_MAX, NULL },
	{ "database", "socket", CONF_STRING, S(db_socket), NULL, 0, 0, NULL },
	{ "database", "host", CONF_STRING, S(db_host), NULL, 0, 0, NULL },
	{ "database", "port", CONF_INT, S(db_port), "3306", 1, 65535, NULL },
	{ "database", "name", CONF_STRING, S(db_name), "grantd", 0, 0, NULL },
	{ "database", "user", CONF_STRING, S(db_user), "grantd", 0, 0, NULL },
	{ "database", "password_file", CONF_STRING, S(db_password_file), NULL, 0, 0, NULL },
	{ "database", "migrations", CONF_STRING, S(db_migrations), PKGDATADIR "/sql", 0, 0, NULL },
	{ "database", "timeout", CONF_INT, S(db_timeout), "5", 1, 300, NULL },
	{ "grantd", "instance", CONF_STRING, S(instance), NULL, 0, 0, NULL },
	{ "grantd", "templates", CONF_STRING, S(templates), PKGDATADIR "/templates", 0, 0, NULL },
	{ "grantd", "template_overrides", CONF_STRING, S(template_overrides), NULL, 0, 0, NULL },
	{ "grantd", "bank_holidays", CONF_STRING, S(bank_holidays), PKGDATADIR "/bank-holidays.txt", 0, 0, NULL },
	{ "grantd", "document_reader", CONF_STRING, S(document_reader), LIBEXECDIR "/grantd-docread", 0, 0, NULL },
	{ "mail", "transport", CONF_CHOICE, S(mail_transport), "maildir", 0, 0,
	    "maildir|smtp|sendmail" },
	{ "mail", "from", CONF_STRING, S(mail_from), "Grants <grants@localhost>", 0, 0, NULL },
	{ "mail", "maildir", CONF_STRING, S(mail_maildir), "/var/lib/grantd/mail/outbox", 0, 0, NULL },
	{ "mail", "smtp_url", CONF_STRING, S(mail_smtp_url), "smtp://127.0.0.1:25", 0, 0, NULL },
	{ "mail", "smtp_user", CONF_STRING, S(mail_smtp_user), NULL, 0, 0, NULL },
	{ "mail", "smtp_password_file", CONF_STRING, S(mail_smtp_password_file), NULL, 0, 0, NULL },
	{ "mail", "smtp_starttls", CONF_CHOICE, S(mail_smtp_starttls), NULL, 0, 0,
	    "off|try|required" },
	{ "mail", "smtp_ca_file", CONF_STRING, S(mail_smtp_ca_file), NULL, 0, 0, NULL },
	{ "mail", "sendmail", CONF_STRING, S(mail_sendmail), "/usr/sbin/sendmail", 0, 0, NULL },
	{ "mail", "rate_per_minute", CONF_INT, S(mail_rate_per_minute), "120", 1, 100000, NULL },
	{ "mail", "retry_base", CONF_INT, S(mail_retry_base), "60", 1, 86400, NULL },
	{ "mail", "max_age", CONF_INT, S(mail_max_age), "172800", 10, 2592000, NULL },
	{ "mail", "poll_interval", CONF_INT, S(mail_poll_interval), "5", 1, 3600, NULL },
	{ "notify", "digest_hour", CONF_INT, S(notify_digest_hour), "7", 0, 23, NULL },
	{ "monitoring", "remind_days", CONF_INT, S(monitor_remind_days), "14", 1, 90, NULL },
	{ "monitoring", "end_weeks", CONF_INT, S(monitor_end_weeks), "8", 0, 104, NULL },
	{ "monitoring", "followup_weeks", CONF_INT, S(monitor_followup_weeks), "17", 0, 52, NULL },
	{ "monitoring", "check_interval", CONF_INT, S(monitor_check_interval), "3600", 1, 86400, NULL },
	{ "notify", "offer_chase_days", CONF_INT, S(notify_offer_chase_days), "14", 1, 365, NULL },
	{ "limits", "max_attachment", CONF_INT, S(max_attachment), "10485760", 1024, 1073741824, NULL },
	{ "limits", "max_attachments", CONF_INT, S(max_attachments), "26214400", 1024, 1073741824, NULL },
	{ "limits", "max_message", CONF_INT, S(max_message), "52428800", 1024, 1073741824, NULL },
	{ "limits", "document_max_size", CONF_INT, S(document_max_size), "10485760", 1024, 1073741824, NULL },
	{ "limits", "document_max_expanded", CONF_INT, S(document_max_expanded), "52428800", 1024, 1073741824, NULL },
	{ "limits", "document_max_entry", CONF_INT, S(document_max_entry), "20971520", 1024, 1073741824, NULL },
	{ "limits", "document_max_entries", CONF_INT, S(document_max_entries), "2000", 1, 1000000, NULL },
	{ "limits", "document_max_depth", CONF_INT, S(document_max_depth), "128", 8, 256, NULL },
	{ "limits", "document_max_pages", CONF_INT, S(document_max_pages), "50", 1, 100000, NULL },
	{ "limits", "document_max_text", CONF_INT, S(document_max_text), "1048576", 1024, 67108864, NULL },
	{ "limits", "document_timeout", CONF_INT, S(document_timeout), "10", 1, 600, NULL },
	{ "limits", "document_cpu", CONF_INT, S(document_cpu), "5", 1, 600, NULL },
	{ "limits", "document_memory", CONF_INT, S(document_memory), "536870912", 16777216, 17179869184, NULL },
	{ "opendata", "identifier_prefix", CONF_STRING, S(opendata_prefix), NULL, 0, 0, NULL },
	{ "opendata", "funder_id", CONF_STRING, S(opendata_funder_id), NULL, 0, 0, NULL },
	{ "opendata", "funder_name", CONF_STRING, S(opendata_funder_name), NULL, 0, 0, NULL },
	{ "privacy", "retention_days", CONF_INT, S(privacy_retention_days), "365", 0, 36500, NULL },
	{ "payments", "debtor_name", CONF_STRING, S(pay_debtor_name), NULL, 0, 0, NULL },
	{ "payments", "debtor_sort_code", CONF_STRING, S(pay_debtor_sort_code), NULL, 0, 0, NULL },
	{ "payments", "debtor_account", CONF_STRING, S(pay_debtor_account), NULL, 0, 0, NULL },
};
#undef S

/* Keys of each [intake NAME] section, offsets into struct intake_conf. */
#define I(f) offsetof(struct intake_conf, f)
static const struct config_key intake_keys[] = {
	{ "intake", "type", CONF_CHOICE, I(type), NULL, 0, 0, "maildir|imap" },
	{ "intake", "path", CONF_STRING, I(path), NULL, 0, 0, NULL },
	{ "intake", "url", CONF_STRING, I(url), NULL, 0, 0, NULL },
	{ "intake", "user", CONF_STRING, I(user), NULL, 0, 0, NULL },
	{ "intake", "password_file", CONF_STRING, I(password_file), NULL, 0, 0, NULL },
	{ "intake", "processed_folder", CONF_STRING, I(processed_folder), "Processed", 0, 0, NULL },
	{ "intake", "starttls", CONF_CHOICE, I(starttls), NULL, 0, 0, "off|try|required" },
	{ "intake", "ca_file", CONF_STRING, I(ca_file), NULL, 0, 0, NULL },
	{ "intake", "round", CONF_STRING, I(round), NULL, 0, 0, NULL },
	/* Unset: by type, see config_intake_defaults(). */
	{ "intake", "poll_interval", CONF_INT, I(poll_interval), NULL, 1, 86400, NULL },
	{ "intake", "authserv_id", CONF_STRING, I(authserv_id), NULL, 0, 0, NULL },
};
#undef I
#define NINTAKEKEYS (sizeof intake_keys / sizeof intake_keys[0])
#define NKEYS (sizeof config_keys / sizeof config_keys[0])

const char *
config_key_name(size_t i, const char **section)
{
	if (i < NKEYS) {
		*section = config_keys[i].section;
		return config_keys[i].key;
	}
	if (i - NKEYS < NINTAKEKEYS) {
		*section = intake_keys[i - NKEYS].section;
		return intake_keys[i - NKEYS].key;
	}
	return NULL;
}

static int
config_choice_valid(const char *choices, const char *value)
{
	size_t	n = strlen(value);
	const char *p = choices;

	while (*p != '\0') {
		size_t len = strcspn(p, "|");
		if (len == n && strncmp(p, value, n) == 0)
			return 1;
		p += len;
		if (*p == '|')
			p++;
	}
	return 0;
}

static int
config_set(void *base, const struct config_key *k, const char *value,
    char *err, size_t errlen)
{
	void		*field = (char *)base + k->offset;
	char		*end;
	long		 n;

	switch (k->type) {
	case CONF_STRING:
		if (*value == '\0') {
			errfmt(err, errlen, "empty value");
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case CONF_INT:
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' ||
		    n < k->min || n > k->max) {
			errfmt(err, errlen, "'%s' is not a number from %ld "
			    "to %ld", value, k->min, k->max);
			return -1;
		}
		*(long *)field = n;
		return 0;
	case CONF_CHOICE:
		if (!config_choice_valid(k->choices, value)) {
			errfmt(err, errlen, "'%s' is not one of %s", value,
			    k->choices);
			return -1;
		}
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case CONF_LOGLEVEL:
		if (log_level_parse(value, (enum log_level *)field) == -1) {
			errfmt(err, errlen, "'%s' is not one of error, warn, "
			    "info, debug", value);
			return -1;
		}
		return 0;
	}
	return -1;
}

static char *
config_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static const struct config_key *
config_find(const char *section, const char *key)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].key, key) == 0)
			return &config_keys[i];
	return NULL;
}

static int
config_section_known(const char *section)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(config_keys[i].section, section) == 0)
			return 1;
	return 0;
}

/* "[intake NAME]": a new mail source, with its defaults. */
static int
config_intake_section(struct config *c, const char *header, char *section,
    size_t seclen, char *err, size_t errlen)
{
	struct intake_conf	*in;
	const char		*name = header + 6;
	size_t			 i;
	char			 why[GRANT_ERRLEN];

	while (*name == ' ')
		name++;
	if (*name == '\0' || strlen(name) > 32 || strspn(name,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
	    != strlen(name)) {
		errfmt(err, errlen, "[intake NAME] needs a name of up to 32 "
		    "letters, digits, '-' or '_'");
		return -1;
	}
	for (i = 0; i < (size_t)c->nintake; i++)
		if (strcmp(c->intake[i]->name, name) == 0) {
			errfmt(err, errlen, "[intake %s] appears twice", name);
			return -1;
		}
	if (c->nintake == CONFIG_MAX_INTAKE) {
		errfmt(err, errlen, "more than %d intake mailboxes",
		    CONFIG_MAX_INTAKE);
		return -1;
	}
	in = c->intake[c->nintake++] = xcalloc(1, sizeof *in);
	in->name = xstrdup(name);
	for (i = 0; i < NINTAKEKEYS; i++)
		if (intake_keys[i].def != NULL &&
		    config_set(in, &intake_keys[i], intake_keys[i].def, why,
		    sizeof why) == -1)
			fatalx("default for %s: %s", intake_keys[i].key, why);
	snprintf(section, seclen, "intake %s", name);
	return 0;
}

/*
 * A Maildir is watched with inotify, so its timer is only a safety net;
 * IMAP has nothing but the timer, and an idle poll is one STATUS.
 */
#define INTAKE_MAILDIR_POLL	60
#define INTAKE_IMAP_POLL	5
static void
config_intake_defaults(struct intake_conf *in)
{
	if (in->poll_interval == 0)
		in->poll_interval = strcmp(in->type, "imap") == 0 ?
		    INTAKE_IMAP_POLL : INTAKE_MAILDIR_POLL;
}

/*
 * STARTTLS when not set: "required" unless the URL's host is this machine
 * (127.0.0.0/8, ::1, localhost), since with "try" anyone on the path who
 * strips the server's STARTTLS offer reads the password and the mail.
 */
const char *
config_starttls_default(const char *url)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	const char	*p, *at, *end;
	char		 host[256];
	size_t		 n;

	if (url == NULL || (p = strstr(url, "://")) == NULL)
		return "required";
	p += 3;
	end = p + strcspn(p, "/?#");
	if ((at = memchr(p, '@', (size_t)(end - p))) != NULL)
		p = at + 1;
	if (*p == '[') {
		p++;
		n = strcspn(p, "]");
	} else
		n = strcspn(p, ":/?#");
	if (n == 0 || n >= sizeof host)
		return "required";
	memcpy(host, p, n);
	host[n] = '\0';
	if (strcasecmp(host, "localhost") == 0 ||
	    strcasecmp(host, "localhost.") == 0)
		return "try";
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127 ? "try" : "required";
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) ? "try" : "required";
	return "required";
}

static void
config_starttls_defaults(struct config *c)
{
	int	i;

	if (c->mail_smtp_starttls == NULL)
		c->mail_smtp_starttls = xstrdup(config_starttls_default(
		    c->mail_smtp_url));
	for (i = 0; i < c->nintake; i++)
		if (c->intake[i]->starttls == NULL)
			c->intake[i]->starttls = xstrdup(
			    config_starttls_default(c->intake[i]->url));
}

/* What each intake needs, once its whole section is read. */
static int
config_check_intake(const struct intake_conf *in, char *err, size_t errlen)
{
	if (in->type == NULL)
		errfmt(err, errlen, "[intake %s] needs type = maildir or imap",
		    in->name);
	else if (in->round == NULL)
		errfmt(err, errlen, "[intake %s] needs round = a round or fund "
		    "code", in->name);
	else if (strcmp(in->type, "maildir") == 0 && in->path == NULL)
		errfmt(err, errlen, "[intake %s] needs path = the Maildir",
		    in->name);
	else if (strcmp(in->type, "imap") == 0 && (in->url == NULL ||
	    (strncmp(in->url, "imap://", 7) != 0 &&
	    strncmp(in->url, "imaps://", 8) != 0) || in->user == NULL))
		errfmt(err, errlen, "[intake %s] needs url = imap://host:port/"
		    "MAILBOX (or imaps://) and user", in->name);
	else
		return 0;
	return -1;
}

static int
config_parse_line(struct config *c, char *line, char *section,
    size_t seclen, char *err, size_t errlen)
{
	const struct config_key	*k;
	char			*p, *key, *value, why[GRANT_ERRLEN];
	void			*base = c;

	p = config_trim(line);
	if (*p == '\0' || *p == '#' || *p == ';')
		return 0;
	if (*p == '[') {
		if (p[strlen(p) - 1] != ']') {
			errfmt(err, errlen, "section header '%s' has no ']'", p);
			return -1;
		}
		p[strlen(p) - 1] = '\0';
		p = config_trim(p + 1);
		if (strncmp(p, "intake", 6) == 0 && (p[6] == ' ' || p[6] == '\0'))
			return config_intake_section(c, p, section, seclen, err,
			    errlen);
		if (!config_section_known(p)) {
			errfmt(err, errlen, "unknown section [%s]", p);
			return -1;
		}
		snprintf(section, seclen, "%s", p);
		return 0;
	}
	if ((value = strchr(p, '=')) == NULL) {
		errfmt(err, errlen, "expected 'key = value', not '%s'", p);
		return -1;
	}
	*value++ = '\0';
	key = config_trim(p);
	value = config_trim(value);
	if (*section == '\0') {
		errfmt(err, errlen, "key '%s' is outside any [section]", key);
		return -1;
	}
	if (strncmp(section, "intake ", 7) == 0) {
		for (k = intake_keys; k < intake_keys + NINTAKEKEYS; k++)
			if (strcmp(k->key, key) == 0)
				break;
		if (k == intake_keys + NINTAKEKEYS)
			k = NULL;
		base = c->intake[c->nintake - 1];
	} else
		k = config_find(section, key);
	if (k == NULL) {
		errfmt(err, errlen, "unknown key '%s' in [%s]", key, section);
		return -1;
	}
	if (config_set(base, k, value, why, sizeof why) == -1) {
		errfmt(err, errlen, "key '%s': %s", key, why);
		return -1;
	}
	return 0;
}

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	struct config	*c;
	FILE		*f;
	char		*line = NULL, section[64] = "", why[GRANT_ERRLEN];
	size_t		 linesize = 0, i;
	int		 lineno = 0, failed = 0;

	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	for (i = 0; i < NKEYS; i++)
		if (config_keys[i].def != NULL &&
		    config_set(c, &config_keys[i], config_keys[i].def, why,
		    sizeof why) == -1)
			fatalx("default for %s: %s", config_keys[i].key, why);

	if ((f = fopen(path, "r")) == NULL) {
		errfmt(err, errlen, "%s: %s", path, strerror(errno));
		config_free(c);
		return NULL;
	}
	while (getline(&line, &linesize, f) != -1) {
		lineno++;
		if (config_parse_line(c, line, section, sizeof section, why,
		    sizeof why) == -1) {
			errfmt(err, errlen, "%s:%d: %s", path, lineno, why);
			failed = 1;
			break;
		}
	}
	free(line);
	fclose(f);
	if (!failed && c->db_socket != NULL && c->db_host != NULL) {
		errfmt(err, errlen, "%s: [database] has both socket and host; "
		    "choose one", path);
		failed = 1;
	}
	for (i = 0; !failed && i < (size_t)c->nintake; i++)
		if (config_check_intake(c->intake[i], why, sizeof why) == -1) {
			errfmt(err, errlen, "%s: %s", path, why);
			failed = 1;
		} else
			config_intake_defaults(c->intake[i]);
	if (failed) {
		config_free(c);
		return NULL;
	}
	config_starttls_defaults(c);
	if (c->instance != NULL && strlen(c->instance) > 64) {
		errfmt(err, errlen, "%s: [grantd] instance is longer than 64 "
		    "characters", path);
		config_free(c);
		return NULL;
	}
	if (c->instance == NULL) {
		char host[256] = "grantd";
		gethostname(host, sizeof host - 1);
		c->instance = xstrdup(host);
	}
	return c;
}

void
config_free(struct config *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < NKEYS; i++)
		if (config_keys[i].type == CONF_STRING ||
		    config_keys[i].type == CONF_CHOICE)
			free(*(char **)((char *)c + config_keys[i].offset));
	for (i = 0; i < (size_t)c->nintake; i++) {
		size_t j;
		for (j = 0; j < NINTAKEKEYS; j++)
			if (intake_keys[j].type != CONF_INT)
				free(*(char **)((char *)c->intake[i] +
				    intake_keys[j].offset));
		free(c->intake[i]->name);
		free(c->intake[i]);
	}
	free(c->path);
	free(c);
}

/*
 * Passwords live in their own files so grantd.conf can be world-readable;
 * the first line is the secret. No file configured: *secret is NULL.
 */
int
config_read_secret(const char *path, char **secret, char *err, size_t errlen)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 size = 0;
	ssize_t	 n;

	*secret = NULL;
	if (path == NULL)
		return 0;
	if ((f = fopen(path, "r")) == NULL) {
		errfmt(err, errlen, "password_file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	n = getline(&line, &size, f);
	fclose(f);
	if (n == -1) {
		free(line);
		*secret = xstrdup("");
		return 0;
	}
	line[strcspn(line, "\r\n")] = '\0';
	*secret = line;
	return 0;
}

int
config_read_password(const struct config *c, char **password, char *err,
    size_t errlen)
{
	return config_read_secret(c->db_password_file, password, err, errlen);
}
