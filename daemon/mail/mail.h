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
json_t		*intake_poll_all(void);
void		 intake_again(const struct intake_conf *);
#define INTAKE_RETRY_SECONDS 2
void		 intake_later(const struct intake_conf *);
json_t		*intake_status(void);
void		 intake_maildir_poll(const struct intake_conf *);
void		 intake_maildir_watch(struct event_base *,
		     const struct intake_conf *);
void		 intake_maildir_unwatch(void);
int		 intake_imap_poll(const struct intake_conf *);
int		 intake_imap_busy(const struct intake_conf *);
void		 intake_imap_stop(void);
void		 intake_polled(const struct intake_conf *, const char *);

#endif
