/* api.h: the control API, HTTP/JSON on a Unix socket. */
#ifndef API_H
#define API_H

#include <sys/types.h>

#include <event2/http.h>
#include <jansson.h>

#include "core/core.h"
#include "domain/domain.h"

/* api.c */
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
void		 api_reply_file(struct api_req *, json_t *, const char *, size_t);
void		 api_error(struct api_req *, int, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
void		 api_db_error(struct api_req *);
void		 api_fail(struct api_req *, const struct dom_err *);
void		 api_result(struct api_req *, int, json_t *,
		     const struct dom_err *);
void		 api_list(struct api_req *, const char *, json_t *,
		     const struct dom_err *);
int		 api_sees_detail(const struct api_req *);
const char	*api_query(struct api_req *, const char *);
const char	*api_str(struct api_req *, const char *);
const char	*api_text(struct api_req *, const char *, size_t);
int		 api_money(struct api_req *, const char *, int, int64_t *);

/* status.c, funds.c, rounds.c, budget.c, users.c, audit.c, outbox.c,
 * intake.c, applications.c, assess.c */
extern const struct api_route api_status_routes[];
extern const struct api_route api_fund_routes[];
extern const struct api_route api_round_routes[];
extern const struct api_route api_budget_routes[];
extern const struct api_route api_user_routes[];
extern const struct api_route api_audit_routes[];
extern const struct api_route api_outbox_routes[];
extern const struct api_route api_intake_routes[];
extern const struct api_route api_app_routes[];
extern const struct api_route api_assess_routes[];
extern const struct api_route api_report_routes[];	/* reports.c */
extern const struct api_route api_payrun_routes[];
extern const struct api_route api_monitor_routes[];
extern const struct api_route api_grant_routes[];	/* grants.c */

#endif
