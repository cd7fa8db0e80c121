/* domain.h: the rules of grantd's entities, each module holding its rules
 * and its SQL, called alike by the API, the intake and the timers. */
#ifndef DOMAIN_H
#define DOMAIN_H

#include <jansson.h>

#include "core/core.h"

/* audit.c */
int		 audit_append(const char *, const char *, const char *, json_t *);
json_t		*audit_verify(void);
int		 audit_verify_anchor(const char *, json_t **, char *, size_t);
json_t		*audit_anchor_get(void);
void		 audit_start(struct event_base *);
void		 audit_stop(void);

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

#endif
