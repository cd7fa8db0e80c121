/* mail.h: what the mail subsystem offers: building messages, the outbox
 * and its transports, and intake from Maildir and IMAP. The MIME and form
 * readers have headers of their own (mime.h, form.h), as does template.h. */
#ifndef MAIL_H
#define MAIL_H

#include <time.h>

#include <jansson.h>

#include "core/core.h"

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
	int		 reply_to_from;	/* Reply-To names From first */
	time_t		 date;
};
char		*message_build(const struct message_spec *, int, size_t *);
char		*message_header_value(const char *);

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
int		 outbox_template_is_staff(const char *);
void		 outbox_start(struct event_base *);
void		 outbox_kick(void);
void		 outbox_stop(void);
int		 outbox_idle(void);
void		 outbox_parse_from(const char *, char **, char **);

/* intake.c */
enum intake_result {
	INTAKE_STORED,		/* committed: mark the message done */
	INTAKE_DUPLICATE,	/* seen before: mark it done */
	INTAKE_QUARANTINED,	/* kept with the reason: mark it done */
	INTAKE_RETRY,		/* nothing committed: leave it for later */
};
struct intake_reading;
enum intake_result intake_process(const struct intake_conf *, const char *,
		     size_t, struct intake_reading *);
int		 intake_reply_apply(json_t *, json_t *, const char *,
		     const char *);
int		 intake_letter(long long, const char *, const char *,
		     const char *);

/* intake-score.c */
struct mime_message;
struct trust_auth;
int		 intake_score_wanted(const struct mime_message *);
int		 intake_score(const struct mime_message *, long long,
		     const struct trust_auth *);

/* intake-grant.c: replies about a grant (acceptance, bank details). */
struct grant;
int		 intake_grant_find(const struct mime_message *, struct grant *);
int		 intake_grant(const struct mime_message *, long long,
		     const struct trust_auth *, struct grant *);

/* trust.c */
struct mime_message;
struct trust_auth {
	int	 fail;		/* the receiving server failed the From domain */
	char	 why[300];	/* the result, e.g. "dmarc=fail header.from=..." */
};
struct trust_reply {
	const char		*from_addr;	/* the message's From */
	const char		*on_record;	/* the application's address */
	int			 threaded;	/* answers a letter sent there */
	const struct trust_auth	*auth;
	const char		*from_header;	/* where from_addr was read */
};
void		 trust_auth_check(const struct mime_message *, const char *,
		     struct trust_auth *);
const char	*trust_reply_hold(const struct trust_reply *, char *, size_t);
const char	*trust_new_hold(const struct trust_auth *, char *, size_t);

/* trust-held.c */
int		 trust_threaded(const struct mime_message *, const char *,
		     const char *);
int		 trust_hold(long long, const char *);
json_t		*trust_held_list(int);
json_t		*trust_held_get(long long);
int		 trust_held_decide(long long, int, const char *, json_t **,
		     int *, char *, size_t);

/* intake-documents.c */
struct intake_doc {
	size_t		 att;	/* index into the message's attachments */
	char		*text;	/* NULL if it could not be read */
	char		 err[GRANT_ERRLEN];
};
typedef void	 (*intake_read_cb)(struct intake_reading *, void *);
struct intake_reading *intake_read_start(struct event_base *,
		     const struct intake_conf *, const char *, size_t,
		     intake_read_cb, void *);
struct mime_message *intake_read_message(struct intake_reading *,
		     const struct intake_doc **, size_t *);
void		 intake_read_free(struct intake_reading *);

/* intake-monitor.c */
long long	 intake_monitor_find(const struct mime_message *);
int		 intake_monitor(const struct mime_message *,
		     const struct intake_doc *, size_t, long long,
		     const struct trust_auth *, long long);

/* intake-source.c, intake-maildir.c, intake-imap.c */
void		 intake_start(struct event_base *);
void		 intake_stop(void);
json_t		*intake_poll_all(void);
void		 intake_again(const struct intake_conf *);
#define INTAKE_RETRY_SECONDS 2
void		 intake_later(const struct intake_conf *);
json_t		*intake_status(void);
struct event_base *intake_loop(void);
int		 intake_maildir_poll(const struct intake_conf *);
void		 intake_maildir_watch(struct event_base *,
		     const struct intake_conf *);
void		 intake_maildir_unwatch(void);
int		 intake_imap_poll(const struct intake_conf *);
int		 intake_imap_busy(const struct intake_conf *);
void		 intake_imap_stop(void);
void		 intake_polled(const struct intake_conf *, const char *);

struct dom_err;

/* outbox-store.c */
json_t		*outbox_list(const char *, const char *, long, struct dom_err *);
json_t		*outbox_show(long long, struct dom_err *);
int		 outbox_retry(const char *, long long, struct dom_err *);
long long	 outbox_test(const char *, const char *, const char *,
		     const char *, struct dom_err *);

/* quarantine.c */
json_t		*quarantine_list(struct dom_err *);
json_t		*quarantine_show(long long, struct dom_err *);
const char	*quarantine_result_name(enum intake_result);
typedef void	 (*quarantine_retry_cb)(int, enum intake_result,
		     const struct dom_err *, void *);
int		 quarantine_retry(const char *, long long, quarantine_retry_cb,
		     void *, struct dom_err *);

#endif
