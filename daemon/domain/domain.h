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
int		 fund_target(const char *, const char *, json_t *,
		     struct dom_err *);
json_t		*fund_targets(const char *);

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
#define AUDIT_REDACTED	"{\"redacted\":\"personal data erased\"}"
long long	 audit_redact(const char *, const char *, long long *);
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

/* assessment.c */
#define ASSESS_CRITERIA_MAX	20	/* as round.c allows */
#define ASSESS_SCALE_MAX	10	/* rounds.scale_max's check */
#define ASSESS_TOKEN_LEN	32
struct assess_round {
	long long	 id;
	char		 code[ROUND_CODE_LEN], title[201], fund_name[201];
	int		 scale_max, spread, ncrit;
	int		 position[ASSESS_CRITERIA_MAX];	/* round_criteria's */
	int		 weight[ASSESS_CRITERIA_MAX];
	char		 name[ASSESS_CRITERIA_MAX][201];
	char		 label[ASSESS_SCALE_MAX + 1][201];  /* "" if none */
};
struct assess_token {		/* an assignment, found by its token */
	long long	 app_id, user_id;
	int		 active;
	char		 token[ASSESS_TOKEN_LEN + 1], reference[33];
	char		 user_name[65], email[255];
};
int		 assess_round_read(long long, struct assess_round *);
int		 assess_criterion_find(const struct assess_round *,
		     const char *);
void		 assess_score_address(const char *, char *, size_t);
int		 assess_conflict(const char *, int, const char *, const char *,
		     const char *, struct dom_err *);
json_t		*assess_assign(const char *, const char *, int,
		     struct dom_err *);
json_t		*assess_list(long long, int, int, const char *,
		     struct dom_err *);
json_t		*assess_score(const char *, long long, const char *, json_t *,
		     const char *, struct dom_err *);
json_t		*assess_import(const char *, const char *, struct dom_err *);
/*
 * assess_summary(app_id): {assessors: [{name, scores: [int], weighted,
 * weighted_text, comment, scored}], criteria: [{name, weight, mean,
 * mean_text}], total, total_text, mean, mean_text, moderation, count}.
 * Hundredths of a point; only assessors who have scored every criterion
 * count (count is how many), the others show scored false, scores [].
 */
json_t		*assess_summary(long long, struct dom_err *);
json_t		*assess_view(const char *, const char *, int, struct dom_err *);
int		 assess_token_find(const char *, struct assess_token *);
json_t		*assess_score_mail(const struct assess_token *, const char *);

/* decision.c: deciding applications and rounds, grants offered, the
 * decision letters, and decision targets in working days. */
struct decide_rules {		/* a round's rules for deciding */
	int		 scoring;	/* assessed and ranked before deciding */
	int		 decision_days;	/* working days from receipt, or -1 */
	int		 min_per_priority;
	int		 moderation_spread;
	int		 scale_max;
};
int		 decide_rules(long long, struct decide_rules *, struct dom_err *);
void		 decide_calendar(struct workday_calendar *);
long		 decide_local_day(const char *);
json_t		*decide_app(const char *, const char *, json_t *,
		     struct dom_err *);
json_t		*decide_round(const char *, const char *, int,
		     struct dom_err *);
json_t		*decide_sla(const char *, struct dom_err *);
json_t		*decide_sla_digest(long long);

/* ranking.c: a round's scored applications in order, with the
 * recommendation its budget allows. */
struct rank_entry {
	long long	 app_id;
	json_t		*row;		/* reference, organisation, state, ... */
	int64_t		 amount;	/* requested, pence */
	int64_t		 total;		/* Σ assessors' weighted scores, 1/100 */
	int64_t		 mean;		/* total / assessors, 1/100, rounded */
	int64_t		 first_mean;	/* mean on the first criterion */
	int64_t		 running;	/* Σ amounts recommended so far */
	int		 assessors;	/* who scored every criterion */
	int		 moderate;	/* two assessors differ by > spread */
	int		 fund;		/* recommended for funding */
	int		 by_priority;	/* ... to give a priority its minimum */
};
struct rank_list {
	struct rank_entry	*e;
	size_t			 n;
	int64_t			 uncommitted, recommended;
	json_t			*priorities;	/* [text], the round's */
};
int		 rank_compute(long long, int64_t, const struct decide_rules *,
		     struct rank_list *, struct dom_err *);
void		 rank_free(struct rank_list *);
json_t		*rank_round(const char *, struct dom_err *);

/* report.c: a fund's programme report, as figures; report-html.c: as a
 * page. */
struct report_period {
	char	 from[32], to[32];		/* UTC, for SQL */
	char	 from_text[32], to_text[32];	/* as given, or "" */
};
void		 report_district(const char *, char *, size_t);
long long	 report_rank(const long long *, size_t, int);
long long	 report_change(int64_t, int64_t, int64_t, int64_t);
json_t		*report_programme(const char *, const char *, const char *,
		     struct dom_err *);
char		*report_html(json_t *);

/* opendata.c: grants as 360Giving open data. */
json_t		*opendata_360giving(const char *, struct dom_err *);
char		*opendata_360giving_csv(json_t *);

/* privacy.c: personal data, found, exported and erased. */
json_t		*privacy_export(const char *, struct dom_err *);
json_t		*privacy_erase(const char *, const char *, struct dom_err *);
json_t		*privacy_retention_run(const char *, struct dom_err *);
void		 privacy_start(struct event_base *);
void		 privacy_stop(void);
/* payrun.c: payment runs, four eyes, marking tranches paid. */
struct payrun {
	long long	 id;
	char		 reference[33], state[17], created_by[65];
	char		 approved_by[65], format[17], sha256[65];
	int64_t		 total;
	int		 count;
};
int		 payrun_get(const char *, int, struct payrun *, struct dom_err *);
int		 payrun_create(const char *, const char *, char [33],
		     struct dom_err *);
int		 payrun_approve(const char *, const char *, struct dom_err *);
int		 payrun_cancel(const char *, const char *, struct dom_err *);
json_t		*payrun_show(const char *, struct dom_err *);
json_t		*payrun_list(struct dom_err *);
int		 payrun_pay_tranche(const char *, const char *, int64_t,
		     const char *, struct dom_err *);
json_t		*payrun_mark_paid(const char *, const char *, const char *,
		     const char *, struct dom_err *);
json_t		*payrun_export(const char *, const char *, const char *,
		     char **, size_t *, struct dom_err *);

/* bankfile.c: a run as the bank takes it: pain.001, Bacs 18 or CSV. */
struct bankfile_line {
	char		 e2e[36], grant_ref[33], account_name[141];
	char		 sort_code[7], account[9];
	int64_t		 amount;
};
struct bankfile_run {
	const char		*reference;
	char			 created[20];	/* YYYY-MM-DDTHH:MM:SS, UTC */
	const char		*debtor_name, *debtor_sort_code, *debtor_account;
	int64_t			 total;
	size_t			 n;
	struct bankfile_line	*line;
};
int		 bankfile_format_valid(const char *);
char		*bankfile_write(const char *, const struct bankfile_run *,
		     size_t *, struct dom_err *);
size_t		 bankfile_bacs_text(const char *, char *, size_t);

/* reconcile.c: a bank statement matched to the tranches it pays. */
json_t		*reconcile_statement(const char *, const char *, size_t,
		     struct dom_err *);
/* monitoring.c: the returns a grant owes, their reminders, and reading
 * and approving them. monitor_plan_create(grant_id) is called, inside the
 * caller's transaction, when a grant becomes accepted: it schedules the
 * returns its fund's plan asks for (none twice). */
int		 monitor_plan_create(long long);
struct monitor_return {
	long long	 id, grant_id, app_id, officer_id;
	long		 days_left;	/* to the due date; < 0 when overdue */
	char		 kind[17], state[17], reference[33], email[255];
	char		 due[11];
	json_t		*fields;	/* read so far, or {} */
};
int		 monitor_get(long long, struct monitor_return *, int);
void		 monitor_free(struct monitor_return *);
long long	 monitor_by_message(const char *);
json_t		*monitor_letter_vars(long long);
int		 monitor_letter(long long, const char *, const char *,
		     const char *, json_t *);
int		 monitor_record(const struct monitor_return *, long long,
		     json_t *, json_t *);
int		 monitor_remind_all(void);
json_t		*monitor_list(int, const char *, struct dom_err *);
json_t		*monitor_show(const char *, struct dom_err *);
json_t		*monitor_plan(const char *, const char *, struct dom_err *);
json_t		*monitor_approve(const char *, const char *, struct dom_err *);
json_t		*monitor_chase(const char *, const char *, struct dom_err *);
void		 monitor_start(struct event_base *);
void		 monitor_stop(void);
/*
 * tranche.c: a grant's payments. A tranche is releasable when its grant
 * is accepted (or active), its organisation has verified bank details,
 * and, for any tranche after the first, the grant's latest monitoring
 * return due on or before the tranche's due date (a follow-up, which
 * comes after the work, never counts) is approved, or that
 * condition was waived (tranches.waived_reason). A tranche is held when
 * hold_reason is set (or its state is 'held'). A payment run takes
 * tranches that are due (or released: due and released is the move a
 * run makes before in_run), not held and releasable: TRANCHE_PAYABLE_SQL,
 * a condition on `tranches t`, usable in any WHERE.
 */
#define TRANCHE_RELEASABLE_SQL						\
	"(EXISTS (SELECT 1 FROM grants rg WHERE rg.id = t.grant_id AND "	\
	"rg.state IN ('accepted', 'active') AND EXISTS (SELECT 1 FROM "	\
	"bank_details rb WHERE rb.org_key = rg.org_key AND rb.state = "	\
	"'verified')) AND (t.number = 1 OR t.waived_reason IS NOT NULL OR "	\
	"COALESCE((SELECT rm.state FROM monitoring_returns rm WHERE "	\
	"rm.grant_id = t.grant_id AND rm.due_date <= t.due_date AND "	\
	"rm.kind <> 'followup' ORDER BY "					\
	"rm.due_date DESC, rm.id DESC LIMIT 1), 'approved') = 'approved'))"
#define TRANCHE_PAYABLE_SQL						\
	"(t.state IN ('due', 'released') AND t.hold_reason IS NULL AND "	\
	TRANCHE_RELEASABLE_SQL ")"
int		 tranche_releasable(long long, char *, size_t);

#define TRANCHE_BACS_DAYS	3	/* working days a payment takes */

/* grant.c: a grant from its offer to its end. */
struct grant {
	long long	 id, app_id, fund_id, round_id, officer_id;
	int		 has_round;
	char		 reference[33], state[17], org_key[201];
	char		 organisation[201], email[255], plan[201];
	int64_t		 amount, returned;	/* holds amount - returned */
};
int		 grant_get(const char *, int, struct grant *, struct dom_err *);
void		 grant_org_fold(const char *, char *, size_t);
json_t		*grant_letter_vars(const struct grant *);
int		 grant_letter(const struct grant *, const char *, json_t *);
int		 grant_letter_reply(const struct grant *, const char *, json_t *,
		     const char *);
int		 grant_schedule_letter(const struct grant *, const char *,
		     json_t *, const char *, struct dom_err *);
int		 grant_offer(long long, int);
int		 grant_accept_locked(const char *, struct grant *, const char *,
		     const char *, struct dom_err *);
json_t		*grant_accept(const char *, const char *, const char *,
		     struct dom_err *);
json_t		*grant_create(const char *, json_t *, struct dom_err *);
json_t		*grant_plan(const char *, const char *, const char *,
		     struct dom_err *);
json_t		*grant_vary(const char *, const char *, json_t *,
		     struct dom_err *);
json_t		*grant_show(const char *, struct dom_err *);
json_t		*grant_list(const char *, struct dom_err *);
json_t		*grant_check(struct dom_err *);
void		 grant_start(struct event_base *);
void		 grant_stop(void);

/* tranche.c, beyond tranche_releasable() */
int64_t		 tranche_started(long long);
int64_t		 tranche_cancel_rest(long long, struct dom_err *);
int		 tranche_mark_due(void);
int		 tranche_plan(const char *, const struct grant *, const char *,
		     long, struct dom_err *);
int		 tranche_replan_rest(const char *, const struct grant *,
		     struct dom_err *);
json_t		*tranche_schedule(long long);
int		 tranche_hold_grant(long long, const char *, struct dom_err *);
int		 tranche_release_grant(long long, const char *,
		     struct dom_err *);
long long	 tranche_hold_org(const char *, const char *);
long long	 tranche_release_org(const char *, const char *);
json_t		*tranche_list(const char *, int, struct dom_err *);
json_t		*tranche_waive(const char *, const char *, const char *,
		     struct dom_err *);
json_t		*tranche_digest(void);

/* bank.c: bank details under four eyes. */
struct bank_account {
	char	 account_name[19], sort_code[7], account_number[9];
};
int		 bank_check(const char *, const char *, const char *,
		     struct bank_account *, char *, size_t);
int		 bank_org_find(const char *, char [201], char [201],
		     struct dom_err *);
int		 bank_enter(const char *, const char *, const char *,
		     const struct bank_account *, const char *,
		     struct dom_err *);
json_t		*bank_set(const char *, const char *, json_t *,
		     struct dom_err *);
json_t		*bank_verify(const char *, const char *, struct dom_err *);
json_t		*bank_show(const char *, struct dom_err *);
json_t		*bank_tasks(int, struct dom_err *);
json_t		*bank_task_done(const char *, const char *, const char *,
		     struct dom_err *);
int		 bank_change_requested(const struct grant *, long long,
		     const char *, const char *);

#endif
