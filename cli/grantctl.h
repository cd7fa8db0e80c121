/* grantctl.h: the admin CLI's one private header. */
#ifndef GRANTCTL_H
#define GRANTCTL_H

#include <jansson.h>

#include "grant.h"

#define CMD_OK		0
#define CMD_FAILED	1
#define CMD_USAGE	2

#define ARGS_MAX	32

/* cmd.c: the one command table and its option parser. */
struct args {
	int		 argc;
	char		*argv[ARGS_MAX];
	int		 nopts;
	struct {
		const char	*name;
		const char	*value;	/* "" for a flag */
	}		 opts[ARGS_MAX];
};

struct cmd_entry {
	const char	*noun;
	const char	*verb;
	const char	*usage;		/* after "grantctl noun verb" */
	const char	*options;	/* "name=,rolling,priority=*": '=' takes a
					   value, '*' may repeat */
	int		 min_args, max_args;
	const char	*help;
	int		(*exec)(struct args *);
};

extern int	 cmd_json;
int		 cmd_main(int, char **);
const char	*args_get(const struct args *, const char *);
int		 args_has(const struct args *, const char *);
json_t		*args_list(const struct args *, const char *);
int		 cmd_usage_error(const char *, ...) __attribute__((format(printf, 1, 2)));

/* client.c: requests to grantd over its Unix socket. */
extern const char *client_socket;
json_t		*client_call(const char *, const char *, json_t *);
json_t		*client_call_file(const char *, const char *, json_t *, char **,
		     size_t *);
json_t		*client_call_on(const char *, const char *, const char *,
		     const char *, json_t *);
json_t		*client_get_query(const char *, const struct args *, ...);

/* http.c: HTTP/1.1 requests and replies, no I/O (client.c does that). */
#define HTTP_BODY_MAX	(64 << 20)
struct http_reply {
	int		 state;
	int		 status;
	int		 chunked;
	long long	 length;	/* Content-Length, -1 if none */
	long long	 remaining;	/* of this chunk or of the body */
	struct strbuf	 line;		/* a status, header or chunk line so far */
	struct strbuf	 body;
};
void		 http_reply_init(struct http_reply *);
void		 http_reply_free(struct http_reply *);
int		 http_reply_feed(struct http_reply *, const char *, size_t,
		     char *, size_t);
int		 http_reply_eof(struct http_reply *, char *, size_t);
char		*http_escape(const char *);
char		*http_request(const char *, const char *, const char *,
		     size_t *);

/* output.c */
struct table;
struct table	*table_new(int, ...);
void		 table_add(struct table *, ...);
void		 table_print(struct table *);
void		 output_json(json_t *);
const char	*out_escape(const char *, int);
const char	*out_str(json_t *, const char *);
const char	*out_text(json_t *, const char *);
const char	*out_money(json_t *, const char *, char *, size_t);
const char	*out_date(json_t *, const char *, char *, size_t);
void		 out_field(const char *, const char *);
int		 output_result(json_t *);

/* cmd-*.c: one file per noun, each giving its rows of the command table. */
int		 cmd_status(struct args *);
int		 cmd_fund_create(struct args *);
int		 cmd_fund_list(struct args *);
int		 cmd_fund_show(struct args *);
int		 cmd_fund_target(struct args *);
int		 cmd_round_create(struct args *);
int		 cmd_round_list(struct args *);
int		 cmd_round_edit(struct args *);
int		 cmd_round_show(struct args *);
int		 cmd_round_open(struct args *);
int		 cmd_round_close(struct args *);
int		 cmd_round_assess(struct args *);
int		 cmd_round_decide(struct args *);
int		 cmd_round_archive(struct args *);
int		 cmd_round_rank(struct args *);
int		 cmd_round_sla(struct args *);
int		 cmd_round_recheck(struct args *);
int		 cmd_budget_transfer(struct args *);
int		 cmd_budget_list(struct args *);
int		 cmd_user_add(struct args *);
int		 cmd_user_list(struct args *);
int		 cmd_user_notify(struct args *);
int		 cmd_user_disable(struct args *);
int		 cmd_user_enable(struct args *);
int		 cmd_user_role(struct args *);
int		 cmd_outbox_list(struct args *);
int		 cmd_outbox_show(struct args *);
int		 cmd_outbox_retry(struct args *);
int		 cmd_outbox_test(struct args *);
int		 cmd_notify_digests(struct args *);
int		 cmd_template_list(struct args *);
int		 cmd_app_list(struct args *);
int		 cmd_app_show(struct args *);
int		 cmd_app_withdraw(struct args *);
int		 cmd_app_decide(struct args *);
int		 cmd_pay_run(struct args *);
int		 cmd_pay_reconcile(struct args *);
int		 cmd_app_eligibility(struct args *);
int		 cmd_intake_status(struct args *);
int		 cmd_intake_poll(struct args *);
int		 cmd_quarantine_list(struct args *);
int		 cmd_quarantine_show(struct args *);
int		 cmd_quarantine_retry(struct args *);
int		 cmd_intake_quarantine(struct args *);
int		 cmd_intake_held(struct args *);
int		 cmd_template_preview(struct args *);
int		 cmd_audit_list(struct args *);
int		 cmd_audit_verify(struct args *);
int		 cmd_audit_anchor(struct args *);
int		 cmd_assess_conflict(struct args *);
int		 cmd_assess_assign(struct args *);
int		 cmd_assess_list(struct args *);
int		 cmd_assess_score(struct args *);
int		 cmd_assess_import(struct args *);
void		 assess_show(json_t *);
int		 cmd_report_programme(struct args *);
int		 cmd_write_out(const char *, const char *);
int		 cmd_export_360giving(struct args *);
int		 cmd_privacy_export(struct args *);
int		 cmd_privacy_erase(struct args *);
int		 cmd_privacy_retention(struct args *);
int		 cmd_monitor_list(struct args *);
int		 cmd_monitor_show(struct args *);
int		 cmd_monitor_plan(struct args *);
int		 cmd_monitor_approve(struct args *);
int		 cmd_monitor_chase(struct args *);
int		 cmd_grant_create(struct args *);
int		 cmd_grant_list(struct args *);
int		 cmd_grant_show(struct args *);
int		 cmd_grant_accept(struct args *);
int		 cmd_grant_plan(struct args *);
int		 cmd_grant_vary(struct args *);
int		 cmd_grant_suspend(struct args *);
int		 cmd_grant_resume(struct args *);
int		 cmd_grant_terminate(struct args *);
int		 cmd_grant_underspend(struct args *);
int		 cmd_grant_check(struct args *);
void		 cmd_grant_tranches(json_t *);
int		 cmd_tranche_list(struct args *);
int		 cmd_tranche_waive(struct args *);
int		 cmd_bank_set(struct args *);
int		 cmd_bank_verify(struct args *);
int		 cmd_bank_show(struct args *);
int		 cmd_bank_tasks(struct args *);
int		 cmd_bank_done(struct args *);

#endif
