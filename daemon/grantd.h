/* grantd.h: the daemon's one private header. */
#ifndef GRANTD_H
#define GRANTD_H

#include <sys/types.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>
#include <mysql.h>

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
enum db_state { DB_DOWN, DB_UP };
int		 db_init(const struct config *, char *, size_t);
void		 db_start(struct event_base *);
void		 db_set_config(const struct config *);
void		 db_set_check(int (*)(char *, size_t));
void		 db_shutdown(void);
int		 db_available(void);
int		 db_available_now(void);
enum db_state	 db_state(void);
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
MYSQL		*db_handle(void);

/* migrate.c */
int		 migrate_check(char *, size_t);
int		 migrate_apply(const struct config *, char *, size_t);
int		 migrate_schema_version(void);

/* audit.c */
int		 audit_append(const char *, const char *, const char *, json_t *);
json_t		*audit_verify(void);

/* api.c */
#define ROLE_ADMIN	0x1
#define ROLE_OFFICER	0x2
#define ROLE_ASSESSOR	0x4
#define ROLE_FINANCE	0x8
#define ROLE_ANY	0x0
#define ROLE_NOBODY	0x100	/* no grantd user needed */

struct api_req {
	struct evhttp_request	*req;
	const char		*path;		/* without query string */
	char			*parts[8];	/* path split on '/' */
	int			 nparts;
	struct evkeyvalq	*query;
	json_t			*body;
	uid_t			 uid;
	long long		 user_id;
	char			 user_name[65];	/* names are up to 64 */
	int			 roles;
};
typedef void	(*api_handler)(struct api_req *);
struct api_route {
	const char	*method;
	const char	*pattern;	/* '*' matches one path segment */
	int		 roles;
	api_handler	 handler;
};

int		 api_listen(struct event_base *, const char *, char *, size_t);
void		 api_stop_accepting(void);
void		 api_close(void);
void		 api_reply(struct api_req *, int, json_t *);
void		 api_error(struct api_req *, int, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
void		 api_db_error(struct api_req *);
const char	*api_query(struct api_req *, const char *);
const char	*api_str(struct api_req *, const char *);
int		 api_money(struct api_req *, const char *, int, int64_t *);
int		 roles_parse(const char *, int *, char *, size_t);
char		*roles_format(int);

/* api-status.c, api-funds.c, api-rounds.c, api-budget.c, api-users.c, api-audit.c */
extern const struct api_route api_status_routes[];
extern const struct api_route api_fund_routes[];
extern const struct api_route api_round_routes[];
extern const struct api_route api_budget_routes[];
extern const struct api_route api_user_routes[];
extern const struct api_route api_audit_routes[];
extern const struct api_route api_outbox_routes[];
extern const struct api_route api_intake_routes[];

/* curl-loop.c */
typedef void	(*curl_loop_done_fn)(CURL *, CURLcode, void *);
void		 curl_loop_init(struct event_base *);
int		 curl_loop_add(CURL *, curl_loop_done_fn, void *);
void		 curl_loop_mail_options(CURL *, long, const char *, const char *);
int		 curl_loop_busy(void);
void		 curl_loop_shutdown(void);

/* message.c */
struct message_spec {
	const char	*from_name, *from_addr;
	const char	*to_name, *to_addr;
	const char	*reply_to_name, *reply_to_addr;
	const char	*subject, *body;
	const char	*message_id;	/* without <> */
	const char	*in_reply_to;	/* ids without <>, space separated */
	const char	*references;
	const char	*auto_submitted;
	time_t		 date;
};
char		*message_build(const struct message_spec *, int, size_t *);
char		*message_header_value(const char *);
int		 message_address_valid(const char *);

/* transport.c, transport-smtp.c, transport-sendmail.c, transport-maildir.c */
enum send_result { SEND_OK, SEND_TEMPFAIL, SEND_PERMFAIL };
typedef void	(*transport_done_fn)(long long, enum send_result, const char *);
struct transport {
	const char	*name;
	int		 crlf;		/* wants CRLF line ends */
	void		(*send)(long long, const char *, const char *,
			    const char *, size_t, transport_done_fn);
};
extern const struct transport transport_smtp;
extern const struct transport transport_sendmail;
extern const struct transport transport_maildir;
const struct transport *transport_find(const char *);

/* outbox.c */
struct outbox_new {
	const char	*template;
	const char	*to_addr, *to_name;
	const char	*reply_to_addr, *reply_to_name;
	const char	*reference;
	const char	*in_reply_to, *references;
	const char	*auto_submitted;	/* NULL: auto-generated */
	json_t		*vars;
};
long long	 outbox_queue(const struct outbox_new *);
void		 outbox_start(struct event_base *);
void		 outbox_kick(void);
void		 outbox_stop(void);
int		 outbox_idle(void);
void		 outbox_parse_from(const char *, char **, char **);

/* staff.c */
int		 staff_notify(int, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
int		 staff_notify_user(long long, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
int		 staff_send_digests(int);
void		 staff_start(struct event_base *);
void		 staff_stop(void);

/* application.c */
long long	 app_create(long long, const char *, json_t *, char *, size_t);
int		 app_assess(long long, long long, const char *, json_t *,
		     const char *, char *, size_t);
json_t		*app_letter_vars(long long);
json_t		*app_understood(json_t *);
long long	 app_officer(long long);

/* intake.c */
enum intake_result {
	INTAKE_STORED,		/* committed: mark the message done */
	INTAKE_DUPLICATE,	/* seen before: mark it done */
	INTAKE_QUARANTINED,	/* kept with the reason: mark it done */
	INTAKE_RETRY,		/* nothing committed: leave it for later */
};
enum intake_result intake_process(const struct intake_conf *, const char *,
		     size_t);

/* intake-source.c, intake-maildir.c, intake-imap.c */
void		 intake_start(struct event_base *);
void		 intake_stop(void);
void		 intake_poll_all(void);
void		 intake_again(const struct intake_conf *);
json_t		*intake_status(void);
void		 intake_maildir_poll(const struct intake_conf *);
void		 intake_imap_poll(const struct intake_conf *);
int		 intake_imap_busy(const struct intake_conf *);
void		 intake_polled(const struct intake_conf *, const char *);

/* grantd.c */
extern time_t		 grantd_started;
extern struct config	*grantd_config;

#endif
