/* mime.h: a raw RFC 5322 message as the rest of grantd wants to see it. */
#ifndef MIME_H
#define MIME_H

#include <stddef.h>
#include <time.h>

#include "grant.h"

/* A zero limit means no limit; so does passing no limits at all. */
struct mime_limits {
	size_t	max_attachment;	/* bytes per file; larger files are refused (recorded, data not kept) */
	size_t	max_total;	/* bytes of kept attachments per message; beyond it further files are refused */
};

struct mime_attachment {
	char		*filename;	/* UTF-8, sanitised: no '/', no control chars; "attachment" if none */
	char		*content_type;	/* e.g. "application/pdf" */
	size_t		 size;		/* decoded size */
	char		 sha256[65];	/* of decoded content, hex */
	unsigned char	*data;		/* decoded content; NULL if refused */
	int		 refused;	/* 1 if over a limit */
	char		*refused_reason;/* e.g. "budget.xlsx is 12.0 MB; the limit is 10.0 MB" */
};

struct mime_message {
	char	*from_addr;	/* lower-cased addr-spec, NULL if absent/unparseable */
	char	*from_name;	/* decoded display name (RFC 2047), UTF-8, may be NULL */
	const char *from_header;	/* where from_addr came from: "From", or with
					   no address in From, "Reply-To", "Sender" or
					   "Return-Path" (less sure); NULL if none */
	char	*reply_to;	/* lower-cased addr-spec or NULL */
	char	*to, *cc;	/* decoded header text or NULL */
	char	*subject;	/* decoded (RFC 2047), UTF-8, "" if absent */
	time_t	 date;		/* 0 if absent/unparseable */
	char	*message_id;	/* without <>, NULL if absent */
	char	*in_reply_to;	/* without <>, NULL if absent */
	char	*references;	/* space separated ids without <>, NULL if absent */
	char	*auto_submitted, *precedence;	/* raw, lower-cased, or NULL */
	char	**auth_results;	/* each Authentication-Results value, top first */
	size_t	 nauth_results;
	int	 is_auto_reply;
	int	 is_dsn;
	char	*dsn_message_id;	/* Message-ID of the message a DSN returns */
	char	*dsn_status;		/* e.g. "5.1.1", or NULL */
	char	*body;		/* UTF-8, LF line ends, "" if none */
	int	 body_from_html;
	struct mime_attachment	*attachments;
	size_t	 nattachments;
	char	 content_hash[65];	/* sha256 hex of the raw message bytes */
};

void		 mime_init(void);
int		 mime_parse(const char *, size_t, const struct mime_limits *,
		     struct mime_message **, char *, size_t);
void		 mime_free(struct mime_message *);
char		*mime_html_to_text(const char *, size_t);
char		*mime_utf8_clean(const char *, size_t);

#endif
