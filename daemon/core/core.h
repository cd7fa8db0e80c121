/* core.h: what the daemon's core offers: configuration, the database, the
 * schema migrations, libcurl on the event loop, and the process globals. */
#ifndef CORE_H
#define CORE_H

#include <sys/types.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <jansson.h>

#include "grant.h"

#define GRANTD_SCHEMA_VERSION 3	/* highest sql/NNN-*.sql this binary knows */

/* config.c */
struct intake_conf {
	char		*name;
	char		*type;		/* maildir or imap */
	char		*path;		/* maildir */
	char		*url;		/* imap: imap[s]://host:port/MAILBOX */
	char		*user;
	char		*password_file;
	char		*processed_folder;
	char		*starttls;	/* off, try, required */
	char		*ca_file;	/* trust these certificates (PEM) */
	char		*round;		/* a round code, or a fund code: its open round */
	long		 poll_interval;
};
#define CONFIG_MAX_INTAKE 16

struct config {
	char		*path;
	/* [grantd] */
	enum log_level	 log_level;
	/* [api] */
	char		*api_socket;
	long		 admin_uid;		/* -1: the uid running --migrate */
	/* [database] */
	char		*db_socket;
	char		*db_host;
	long		 db_port;
	char		*db_name;
	char		*db_user;
	char		*db_password_file;
	char		*db_migrations;
	long		 db_timeout;
	/* [grantd] */
	char		*instance;
	char		*templates;
	char		*template_overrides;
	char		*document_reader;
	/* [mail] */
	char		*mail_transport;
	char		*mail_from;
	char		*mail_maildir;
	char		*mail_smtp_url;
	char		*mail_smtp_user;
	char		*mail_smtp_password_file;
	char		*mail_smtp_starttls;
	char		*mail_smtp_ca_file;
	char		*mail_sendmail;
	long		 mail_rate_per_minute;
	long		 mail_retry_base;
	long		 mail_max_age;
	long		 mail_poll_interval;
	/* [notify] */
	long		 notify_digest_hour;
	/* [limits] */
	long		 max_attachment;
	long		 max_attachments;
	long		 max_message;
	long		 document_max_size;
	long		 document_max_expanded;
	long		 document_max_entry;
	long		 document_max_entries;
	long		 document_max_depth;
	long		 document_max_pages;
	long		 document_max_text;
	long		 document_timeout;
	long		 document_cpu;
	long		 document_memory;
	/* [intake NAME] */
	struct intake_conf *intake[CONFIG_MAX_INTAKE];
	int		 nintake;
};
struct config	*config_load(const char *, char *, size_t);
void		 config_free(struct config *);
int		 config_read_password(const struct config *, char **, char *,
		     size_t);
int		 config_read_secret(const char *, char **, char *, size_t);
const char	*config_key_name(size_t, const char **);

/* db.c */
int		 db_init(const struct config *, char *, size_t);
void		 db_start(struct event_base *);
void		 db_set_config(const struct config *);
void		 db_set_check(int (*)(char *, size_t));
void		 db_shutdown(void);
int		 db_available(void);
int		 db_available_now(void);
const char	*db_last_error(void);
int		 db_lost(void);
int		 db_begin(void);
int		 db_commit(void);
void		 db_rollback(void);
long long	 db_exec(const char *, const char *, ...);
long long	 db_insert_id(void);
json_t		*db_query(const char *, const char *, ...);
json_t		*db_query_row(const char *, const char *, ...);
int		 db_raw(const char *);
unsigned int	 db_errno(void);

/* migrate.c */
int		 migrate_check(char *, size_t);
int		 migrate_apply(const struct config *, char *, size_t);
int		 migrate_schema_version(void);

/* curl-loop.c */
typedef void	(*curl_loop_done_fn)(CURL *, CURLcode, void *);
void		 curl_loop_init(struct event_base *);
int		 curl_loop_add(CURL *, curl_loop_done_fn, void *);
void		 curl_loop_mail_options(CURL *, long, const char *, const char *);
int		 curl_loop_busy(void);
void		 curl_loop_shutdown(void);

/* grantd.c */
extern time_t		 grantd_started;
extern struct config	*grantd_config;

#endif
