/* core.h: what the daemon's core offers: configuration, the database, the
 * schema migrations, libcurl on the event loop, and the process globals. */
#ifndef CORE_H
#define CORE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <jansson.h>

#include "grant.h"

#define GRANTD_SCHEMA_VERSION 8	/* highest sql/NNN-*.sql this binary knows */

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
	char		*authserv_id;	/* the receiving server's Authentication-Results */
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
	char		*bank_holidays;
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
	/* [monitoring] */
	long		 monitor_remind_days;
	long		 monitor_end_weeks;
	long		 monitor_followup_weeks;
	long		 monitor_check_interval;
	long		 notify_offer_chase_days;
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
	char		*opendata_prefix;	/* [opendata] */
	char		*opendata_funder_id;
	char		*opendata_funder_name;
	long		 privacy_retention_days;	/* [privacy] */
	/* [payments]: the account payment runs are paid from */
	char		*pay_debtor_name;
	char		*pay_debtor_sort_code;
	char		*pay_debtor_account;
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
const char	*config_starttls_default(const char *);

/* db.c */
int		 db_init(const struct config *, char *, size_t);
int		 db_init_migration(const struct config *, char *, size_t);
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
long long	 db_insert_id(void);
int		 db_raw(const char *);
unsigned int	 db_errno(void);

/*
 * Parameters by format: 'i' int64_t, 'd' int, 's' string (NULL is SQL
 * NULL), 'b' bytes: a pointer and a size_t length. C cannot check a
 * format against variable arguments, so these macros have the compiler
 * note each argument's type as a letter (DB_T), and every call compares
 * the two before anything is bound: a mismatch is an error, logged and
 * returned, never undefined behaviour. Arguments are not evaluated twice.
 */
#define DB_T(x) _Generic((x),						\
	char *: 's', const char *: 's',					\
	void *: 'p', const void *: 'p',					\
	unsigned char *: 'p', const unsigned char *: 'p',		\
	int: 'd', int64_t: 'i', size_t: 'z',				\
	default: _Generic((x), long: 'l', long long: 'L', default: '?'))
/* How many arguments (at most 40). */
#define DB_NARGS(...) DB_NARGS_(__VA_ARGS__, 40, 39, 38, 37, 36, 35,	\
	34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18,	\
	17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define DB_NARGS_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12,	\
	_13, _14, _15, _16, _17, _18, _19, _20, _21, _22, _23, _24, _25,	\
	_26, _27, _28, _29, _30, _31, _32, _33, _34, _35, _36, _37, _38,	\
	_39, _40, n, ...) n
#define DB_CAT(a, b) DB_CAT_(a, b)
#define DB_CAT_(a, b) a##b
#define DB_T_1(a) DB_T(a),
#define DB_T_2(a, ...) DB_T(a), DB_T_1(__VA_ARGS__)
#define DB_T_3(a, ...) DB_T(a), DB_T_2(__VA_ARGS__)
#define DB_T_4(a, ...) DB_T(a), DB_T_3(__VA_ARGS__)
#define DB_T_5(a, ...) DB_T(a), DB_T_4(__VA_ARGS__)
#define DB_T_6(a, ...) DB_T(a), DB_T_5(__VA_ARGS__)
#define DB_T_7(a, ...) DB_T(a), DB_T_6(__VA_ARGS__)
#define DB_T_8(a, ...) DB_T(a), DB_T_7(__VA_ARGS__)
#define DB_T_9(a, ...) DB_T(a), DB_T_8(__VA_ARGS__)
#define DB_T_10(a, ...) DB_T(a), DB_T_9(__VA_ARGS__)
#define DB_T_11(a, ...) DB_T(a), DB_T_10(__VA_ARGS__)
#define DB_T_12(a, ...) DB_T(a), DB_T_11(__VA_ARGS__)
#define DB_T_13(a, ...) DB_T(a), DB_T_12(__VA_ARGS__)
#define DB_T_14(a, ...) DB_T(a), DB_T_13(__VA_ARGS__)
#define DB_T_15(a, ...) DB_T(a), DB_T_14(__VA_ARGS__)
#define DB_T_16(a, ...) DB_T(a), DB_T_15(__VA_ARGS__)
#define DB_T_17(a, ...) DB_T(a), DB_T_16(__VA_ARGS__)
#define DB_T_18(a, ...) DB_T(a), DB_T_17(__VA_ARGS__)
#define DB_T_19(a, ...) DB_T(a), DB_T_18(__VA_ARGS__)
#define DB_T_20(a, ...) DB_T(a), DB_T_19(__VA_ARGS__)
#define DB_T_21(a, ...) DB_T(a), DB_T_20(__VA_ARGS__)
#define DB_T_22(a, ...) DB_T(a), DB_T_21(__VA_ARGS__)
#define DB_T_23(a, ...) DB_T(a), DB_T_22(__VA_ARGS__)
#define DB_T_24(a, ...) DB_T(a), DB_T_23(__VA_ARGS__)
#define DB_T_25(a, ...) DB_T(a), DB_T_24(__VA_ARGS__)
#define DB_T_26(a, ...) DB_T(a), DB_T_25(__VA_ARGS__)
#define DB_T_27(a, ...) DB_T(a), DB_T_26(__VA_ARGS__)
#define DB_T_28(a, ...) DB_T(a), DB_T_27(__VA_ARGS__)
#define DB_T_29(a, ...) DB_T(a), DB_T_28(__VA_ARGS__)
#define DB_T_30(a, ...) DB_T(a), DB_T_29(__VA_ARGS__)
#define DB_T_31(a, ...) DB_T(a), DB_T_30(__VA_ARGS__)
#define DB_T_32(a, ...) DB_T(a), DB_T_31(__VA_ARGS__)
#define DB_T_33(a, ...) DB_T(a), DB_T_32(__VA_ARGS__)
#define DB_T_34(a, ...) DB_T(a), DB_T_33(__VA_ARGS__)
#define DB_T_35(a, ...) DB_T(a), DB_T_34(__VA_ARGS__)
#define DB_T_36(a, ...) DB_T(a), DB_T_35(__VA_ARGS__)
#define DB_T_37(a, ...) DB_T(a), DB_T_36(__VA_ARGS__)
#define DB_T_38(a, ...) DB_T(a), DB_T_37(__VA_ARGS__)
#define DB_T_39(a, ...) DB_T(a), DB_T_38(__VA_ARGS__)
#define DB_T_40(a, ...) DB_T(a), DB_T_39(__VA_ARGS__)
/* The letters of the arguments after the format (the + 1 skips it). */
#define DB_TYPES(...)							\
	((const char []){ DB_CAT(DB_T_, DB_NARGS(__VA_ARGS__))(__VA_ARGS__) 0 } + 1)
#define db_exec(sql, ...)	db_exec_typed((sql), DB_TYPES(__VA_ARGS__), __VA_ARGS__)
#define db_query(sql, ...)	db_query_typed((sql), DB_TYPES(__VA_ARGS__), __VA_ARGS__)
#define db_query_row(sql, ...)						\
	db_query_row_typed((sql), DB_TYPES(__VA_ARGS__), __VA_ARGS__)
long long	 db_exec_typed(const char *, const char *, const char *, ...);
json_t		*db_query_typed(const char *, const char *, const char *, ...);
json_t		*db_query_row_typed(const char *, const char *, const char *, ...);
int		 db_params_check(const char *, const char *, const char *, char *,
		     size_t);

/* migrate.c */
int		 migrate_check(char *, size_t);
int		 migrate_apply(const struct config *, char *, size_t);
int		 migrate_schema_version(void);

/* digest.c */
void		 sha256_hex(const void *, size_t, char [65]);

/* curl-loop.c */
typedef void	(*curl_loop_done_fn)(CURL *, CURLcode, void *);
void		 curl_loop_init(struct event_base *);
int		 curl_loop_add(CURL *, curl_loop_done_fn, void *);
void		 curl_loop_mail_options(CURL *, long, const char *, const char *);
int		 curl_loop_busy(void);
CURLSH		*curl_loop_pool(void);
void		 curl_loop_shutdown(void);

/* grantd.c */
extern time_t		 grantd_started;
extern struct config	*grantd_config;

#endif
