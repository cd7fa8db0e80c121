/* domain.h: the rules of grantd's entities, each module holding its rules
 * and its SQL, called alike by the API, the intake and the timers. */
#ifndef DOMAIN_H
#define DOMAIN_H

#include <jansson.h>

#include "core/core.h"

/* domain.c: how an operation is refused, for every caller to read. */
enum dom_status {
	DOM_OK,
	DOM_BAD,		/* the request is wrong: 400 */
	DOM_NOT_FOUND,		/* no such thing: 404 */
	DOM_CONFLICT,		/* not now, or not in this state: 409 */
	DOM_UNAVAILABLE,	/* not now, try again shortly: 503 */
	DOM_DB,			/* the database failed: 503 or 500 */
};
struct dom_err {
	enum dom_status	 status;
	char		 msg[1024];
};
int		 dom_fail(struct dom_err *, enum dom_status, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
int		 dom_db_fail(struct dom_err *);
const char	*dom_str(json_t *, const char *);
int		 dom_money(json_t *, const char *, int, int64_t *,
		     struct dom_err *);

/* user.c */
#define ROLE_ADMIN	0x1
#define ROLE_OFFICER	0x2
#define ROLE_ASSESSOR	0x4
#define ROLE_FINANCE	0x8
#define ROLE_ANY	0x0
#define ROLE_NOBODY	0x100	/* no grantd user needed */
struct user {
	long long	 id;
	long long	 uid;
	char		 name[65];
	int		 roles;
	int		 active;
};
struct user_new {
	const char	*name, *email;
	long long	 uid;
	int		 roles;
};
int		 roles_parse(const char *, int *, char *, size_t);
char		*roles_format(int);
int		 user_by_uid(long long, struct user *, struct dom_err *);
int		 user_add(const char *, json_t *, struct dom_err *);
json_t		*user_show(const char *, struct dom_err *);
int		 user_notify(const char *, const char *, const char *,
		     struct dom_err *);
int		 user_set_access(const char *, const char *, int, const char *,
		     struct dom_err *);

/* fund.c */
struct fund_new {
	const char	*code, *name;
	int64_t		 budget, max, min;
	int		 has_max, has_min;
};
int		 fund_code_valid(const char *);
int		 fund_create(const char *, json_t *, struct dom_err *);
json_t		*fund_list(struct dom_err *);
json_t		*fund_show(const char *, struct dom_err *);
long long	 budget_transfer(const char *, const char *, const char *,
		     int64_t, const char *, struct dom_err *);
json_t		*budget_transfers(long long, struct dom_err *);

/* round.c */
#define ROUND_CODE_LEN	33
#define ROUND_KINDS_LEN	201	/* rounds.org_types */
#define ROUND_AREAS_LEN	1001	/* rounds.areas */
struct round_rules {		/* who may apply, and how they are judged */
	char		 org_types[ROUND_KINDS_LEN];	/* "": any kind */
	char		 areas[ROUND_AREAS_LEN];	/* "": anywhere */
	int		 has_min, one_per_org, award_gap_months;
	int64_t		 min;
	int		 scale_max, moderation_spread, scoring;
	int		 has_decision_days, decision_days, min_per_priority;
};
struct round {
	long long	 id;
	char		 code[ROUND_CODE_LEN], fund[17], title[201], state[17];
	time_t		 opens, closes;
	int		 has_closes, rolling, has_max;
	int64_t		 budget, max_award, committed;
	struct round_rules rules;
};
struct round_spec {		/* a round as a request describes it */
	const char	*fund, *title;
	time_t		 opens, closes;
	int		 has_closes, rolling, has_max;
	int64_t		 budget, max;
	json_t		*priorities;	/* [text] */
	json_t		*criteria;	/* [{name, weight}] */
	struct round_rules rules;
	json_t		*descriptors;	/* [text], one per point from 0 */
};
int		 round_spec_read(json_t *, struct round_spec *, struct dom_err *);
void		 round_spec_free(struct round_spec *);
int		 round_get(const char *, int, struct round *, struct dom_err *);
json_t		*round_priorities(long long);
int		 round_letter_vars(long long, json_t *);
json_t		*round_show(const char *, struct dom_err *);
json_t		*round_list(const char *, const char *, struct dom_err *);
int		 round_create(const char *, json_t *, char [ROUND_CODE_LEN],
		     struct dom_err *);
int		 round_edit(const char *, const char *, json_t *,
		     struct dom_err *);
int		 round_move(const char *, const char *, const char *,
		     struct dom_err *);

/* audit.c */
json_t		*audit_list(const char *, long, struct dom_err *);
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
int		 app_set_understood(json_t *, json_t *, long long);
long long	 app_officer(long long);

/* eligibility.c */
struct elig_verdict {
	char		 state[16];	/* eligible, incomplete or ineligible */
	json_t		*problems;	/* what the group must answer or mend */
	json_t		*reasons;	/* why ineligible, each to the group */
	char		*reason;	/* the reasons a line each, or NULL */
	char		*org_key;	/* applications.org_key, or NULL */
};
int		 elig_areas_parse(const char *, char *, size_t, char *, size_t);
int		 elig_area_match(const char *, const char *);
char		*elig_areas_plain(const char *);
int		 elig_kinds_parse(const char *, char *, size_t, char *, size_t);
json_t		*elig_kinds_names(const char *);
char		*elig_kinds_plain(const char *);
char		*elig_fold_name(const char *);
char		*elig_org_key(json_t *);
json_t		*elig_failures(long long, long long, json_t *, const char *);
int		 elig_judge(long long, long long, json_t *, const char *,
		     const char *, struct elig_verdict *);
void		 elig_verdict_free(struct elig_verdict *);
json_t		*elig_recheck(const char *, const char *, struct dom_err *);
int		 elig_override(const char *, const char *, const char *,
		     const char *, char *, size_t, struct dom_err *);

/* application-store.c */
json_t		*app_list(const char *, const char *, struct dom_err *);
json_t		*app_show(const char *, struct dom_err *);
int		 app_withdraw(const char *, const char *, const char *,
		     struct dom_err *);
json_t		*app_letter_vars_by_ref(const char *, struct dom_err *);

#endif
