/*
 * cmd.c: grantctl's one command table, its option parser and its help.
 * Nouns and verbs may be shortened to any unique prefix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

int	cmd_json;

static const struct cmd_entry cmd_table[] = {
	{ "status", NULL, "", "", 0, 0,
	    "Show grantd's version, uptime and database state.", cmd_status },

	{ "fund", "create", "CODE --name NAME --budget AMOUNT "
	    "[--max-award AMOUNT] [--min-award AMOUNT] "
	    "[--monitoring end|quarterly]",
	    "name=,budget=,max-award=,min-award=,monitoring=", 1, 1,
	    "Create a fund, such as FG (Fast Grants), with its total budget; "
	    "--monitoring says which returns its grants owe (end, the "
	    "default, or quarterly).",
	    cmd_fund_create },
	{ "fund", "list", "", "", 0, 0,
	    "List funds with their budget, allocated and unallocated money.",
	    cmd_fund_list },
	{ "fund", "show", "CODE", "", 1, 1,
	    "Show a fund, its rounds and its budget transfers.", cmd_fund_show },
	{ "fund", "target", "CODE [--grants N] [--people N] [--volunteers N]",
	    "grants=,people=,volunteers=", 1, 1,
	    "Set a fund's programme targets: grants made, people reached, "
	    "volunteers; report programme sets them against what was "
	    "delivered.", cmd_fund_target },

	{ "round", "create", "FUND --title TITLE --opens DATE "
	    "(--closes DATE | --rolling) --budget AMOUNT [--max-award AMOUNT] "
	    "[--priority TEXT]... [--criterion NAME:WEIGHT]... " "[--org-types LIST] [--area LIST] [--min-award AMOUNT] "
	    "[--one-per-org | --many-per-org] [--award-gap MONTHS] "
	    "[--scale N [--descriptor TEXT]...] [--moderation-spread N] "
	    "[--scoring | --no-scoring] [--decision-days N] "
	    "[--min-per-priority N]",
	    "title=,opens=,closes=,budget=,rolling,max-award=,priority=*,"
	    "criterion=*," "org-types=,area=,min-award=,one-per-org,many-per-org,award-gap=,"
	    "scale=,descriptor=*,moderation-spread=,scoring,no-scoring,"
	    "decision-days=,min-per-priority=", 1, 1,
	    "Create a draft round of a fund and print its code. Dates are UK "
	    "time (YYYY-MM-DD [HH:MM]); criteria weights must add up to 100. "
	    "Who can apply: --org-types from charity, cio, cic, company, group "
	    "(default all); --area postcode districts and ranges such as "
	    "OL1-OL16,M35 (default anywhere); --min-award; one live "
	    "application per organisation (default) or many; --award-gap: no "
	    "award from the fund in that many months. Scoring: 0 to --scale "
	    "(default 4), one --descriptor per point from 0; --no-scoring for "
	    "a round an officer decides directly.",
	    cmd_round_create },
	{ "round", "edit", "ROUND [--title TITLE] [--opens DATE] [--closes DATE | "
	    "--rolling] [--budget AMOUNT] [--max-award AMOUNT] [--priority "
	    "TEXT]... [--criterion NAME:WEIGHT]... " "[--org-types LIST] [--area LIST] [--min-award AMOUNT] "
	    "[--one-per-org | --many-per-org] [--award-gap MONTHS] "
	    "[--scale N [--descriptor TEXT]...] [--moderation-spread N] "
	    "[--scoring | --no-scoring] [--decision-days N] "
	    "[--min-per-priority N]",
	    "title=,opens=,closes=,budget=,rolling,max-award=,priority=*,"
	    "criterion=*," "org-types=,area=,min-award=,one-per-org,many-per-org,award-gap=,"
	    "scale=,descriptor=*,moderation-spread=,scoring,no-scoring,"
	    "decision-days=,min-per-priority=", 1, 1,
	    "Change a draft round. What you leave out stays; --priority, "
	    "--criterion or --descriptor replace the whole list. On an open "
	    "round only who can apply changes (--org-types, --area, "
	    "--min-award, --one-per-org, --many-per-org, --award-gap); then "
	    "run round recheck.", cmd_round_edit },
	{ "round", "list", "[--fund CODE] [--state STATE]", "fund=,state=", 0, 0,
	    "List rounds, optionally of one fund or in one state.",
	    cmd_round_list },
	{ "round", "show", "ROUND", "", 1, 1,
	    "Show a round: dates, budget, committed and paid, priorities, "
	    "criteria, and applications with the total requested.",
	    cmd_round_show },
	{ "round", "recheck", "ROUND", "", 1, 1,
	    "Run the eligibility rules again on every live application of the "
	    "round, move those whose result changed, and list them. No letter "
	    "is sent; applications an officer overruled keep it.",
	    cmd_round_recheck },
	{ "round", "open", "ROUND", "", 1, 1,
	    "Open a draft round for applications.", cmd_round_open },
	{ "round", "close", "ROUND", "", 1, 1,
	    "Close an open round to new applications.", cmd_round_close },
	{ "round", "assess", "ROUND", "", 1, 1,
	    "Move a closed round into assessment.", cmd_round_assess },
	{ "round", "rank", "ROUND [--csv]", "csv", 1, 1,
	    "Rank a round's scored and waitlisted applications by their mean "
	    "weighted score, with the funding the uncommitted budget allows; "
	    "--csv for panel papers.", cmd_round_rank },
	{ "round", "decide", "ROUND [--accept-recommendation]",
	    "accept-recommendation", 1, 1,
	    "Mark an assessed round as decided once every application is "
	    "decided; with --accept-recommendation, first award or waitlist "
	    "its scored applications as round rank recommends, all at once.",
	    cmd_round_decide },
	{ "round", "sla", "ROUND", "", 1, 1,
	    "List a round's undecided applications with their decision "
	    "target, the working days left, and which are at risk or "
	    "overdue.", cmd_round_sla },
	{ "round", "archive", "ROUND", "", 1, 1,
	    "Archive a decided round.", cmd_round_archive },

	{ "app", "list", "[--round ROUND] [--state STATE]", "round=,state=", 0, 0,
	    "List applications, optionally of one round or in one state.",
	    cmd_app_list },
	{ "app", "show", "REF", "", 1, 1,
	    "Show an application: what the form says, what is missing, its "
	    "attachments and its email thread.", cmd_app_show },
	{ "app", "withdraw", "REF --reason TEXT", "reason=", 1, 1,
	    "Withdraw an application, with the reason.", cmd_app_withdraw },
	{ "app", "eligibility", "REF (--eligible | --ineligible) --reason TEXT",
	    "eligible,ineligible,reason=", 1, 1,
	    "Overrule the eligibility rules on an application, with the "
	    "reason. --ineligible sends the group the ineligible letter with "
	    "your reason; --eligible on an ineligible application tells the "
	    "group it is being considered after all.", cmd_app_eligibility },
	{ "app", "decide", "REF --award [--amount AMOUNT] [--conditions TEXT] "
	    "| --decline --reason TEXT | --waitlist",
	    "award,amount=,conditions=,decline,reason=,waitlist", 1, 1,
	    "Decide an application: award it (the amount requested unless "
	    "given), decline it with the reason, or put it on the waiting "
	    "list. The group is sent the decision letter.", cmd_app_decide },

	{ "assess", "conflict", "REF [--user NAME] --reason TEXT",
	    "user=,reason=", 1, 1,
	    "Declare a conflict of interest: an officer for any assessor, an "
	    "assessor for themselves. Any assignment of the application to "
	    "them, with its scores, goes; it is never assigned to them again.",
	    cmd_assess_conflict },
	{ "assess", "assign", "ROUND --per-app N", "per-app=", 1, 1,
	    "Give each eligible application of the round N assessors, spread "
	    "evenly and never one with a conflict; it is shortlisted, and "
	    "each assessor is sent one email listing what to score.",
	    cmd_assess_assign },
	{ "assess", "list", "[--mine] [--round ROUND]", "mine,round=", 0, 0,
	    "List assessors' queues, scored or not (an assessor sees their "
	    "own).", cmd_assess_list },
	{ "assess", "score", "REF --criterion NAME=SCORE... [--comment TEXT]",
	    "criterion=*,comment=", 1, 1,
	    "Score an application assigned to you. NAME is a criterion's "
	    "number or the beginning of its name; every criterion the first "
	    "time, any of them later.", cmd_assess_score },
	{ "assess", "import", "FILE.csv", "", 1, 1,
	    "Import a panel's scores from a spreadsheet saved as CSV, with "
	    "the header reference,assessor,<criteria>,comment: every row, or "
	    "none.", cmd_assess_import },

	{ "pay", "run", "create --due-by DATE | list | show RUN | approve RUN | "
	    "cancel RUN | export RUN --format pain001|bacs18|csv --out FILE | "
	    "mark-paid RUN [--tranche ID --bank-ref REF]",
	    "due-by=,format=,out=,tranche=,bank-ref=", 1, 2,
	    "Payment runs (finance): gather the tranches due by a date into a "
	    "draft run; a second finance user approves it; export it as a "
	    "bank file; mark its tranches paid, which sends each grantee a "
	    "remittance letter.", cmd_pay_run },
	{ "pay", "reconcile", "FILE", "", 1, 1,
	    "Match a bank statement (camt.053 XML, or CSV with a header "
	    "naming date, amount and end_to_end_id) to the tranches it pays "
	    "by end-to-end id and amount; mark them paid and list what could "
	    "not be matched.", cmd_pay_reconcile },
	{ "monitor", "list", "[--overdue] [--fund CODE]", "overdue,fund=", 0, 0,
	    "List grants' monitoring returns with their due dates and state; "
	    "--overdue for those past their due date and not yet in.",
	    cmd_monitor_list },
	{ "monitor", "show", "ID", "", 1, 1,
	    "Show a monitoring return: what the group reported, wellbeing "
	    "counts, what is still missing, reminders sent and attachments.",
	    cmd_monitor_show },
	{ "monitor", "plan", "REF", "", 1, 1,
	    "Schedule the monitoring returns an accepted or active grant owes "
	    "under its fund's plan (done by itself when a grant is accepted); "
	    "returns already scheduled stay as they are.", cmd_monitor_plan },
	{ "monitor", "approve", "ID", "", 1, 1,
	    "Approve a received monitoring return; payments of the grant held "
	    "waiting for it become due again.", cmd_monitor_approve },
	{ "monitor", "chase", "ID", "", 1, 1,
	    "Send the group the reminder for a return again now, with the "
	    "form.", cmd_monitor_chase },
	{ "grant", "create", "--fund CODE --org NAME --email ADDRESS --amount "
	    "AMOUNT --purpose TEXT [--plan PLAN [--years N | --shares LIST | "
	    "--tranche DATE:AMOUNT...]]",
	    "fund=,org=,email=,amount=,purpose=,plan=,years=,shares=,"
	    "tranche=*", 0, 0,
	    "Offer a grant outside any round (a commissioned service, a grant "
	    "carried over), from the fund's unallocated money. The offer is "
	    "sent to ADDRESS.", cmd_grant_create },
	{ "grant", "list", "[--state STATE]", "state=", 0, 0,
	    "List grants with their state, amount and plan.", cmd_grant_list },
	{ "grant", "show", "REF", "", 1, 1,
	    "Show a grant and its tranches, with what each waits for.",
	    cmd_grant_show },
	{ "grant", "accept", "REF --by \"NAME, ROLE\"", "by=", 1, 1,
	    "Record that the grantee accepted the offer (as a reply saying \"I "
	    "accept\" does): its tranches are made and the grantee is sent "
	    "every payment date.", cmd_grant_accept },
	{ "grant", "plan", "REF single | quarterly --years N | yearly --years N "
	    "| taper --shares LIST | custom --tranche DATE:AMOUNT...",
	    "years=,shares=,tranche=*", 2, 2,
	    "Choose how a grant is paid, before payment starts. Tranches add "
	    "up to the award exactly and fall on working days.",
	    cmd_grant_plan },
	{ "grant", "vary", "REF --amount AMOUNT [--reason TEXT]",
	    "amount=,reason=", 1, 1,
	    "Change the award: the unpaid tranches share the new amount, the "
	    "round's committed money moves by the difference, the grantee is "
	    "told.", cmd_grant_vary },
	{ "grant", "suspend", "REF --reason TEXT", "reason=", 1, 1,
	    "Suspend an active grant: its unpaid tranches are held.",
	    cmd_grant_suspend },
	{ "grant", "resume", "REF --reason TEXT", "reason=", 1, 1,
	    "Lift a suspension: its tranches are paid again as planned.",
	    cmd_grant_resume },
	{ "grant", "terminate", "REF --reason TEXT", "reason=", 1, 1,
	    "End a grant: future tranches are cancelled and what was not "
	    "paid goes back to the round.", cmd_grant_terminate },
	{ "grant", "underspend", "REF --amount AMOUNT --reason TEXT",
	    "amount=,reason=", 1, 1,
	    "Record money a grantee did not spend and returns: it goes back "
	    "to the round's budget.", cmd_grant_underspend },
	{ "grant", "check", "", "", 0, 0,
	    "Do now what grantd does every ten minutes: mark tranches due on "
	    "their date, chase offers not accepted and flag them to officers.",
	    cmd_grant_check },
	{ "tranche", "list", "[--grant REF] [--due]", "grant=,due", 0, 0,
	    "List tranches, or with --due those due now, with what each is "
	    "held for or waits for.", cmd_tranche_list },
	{ "tranche", "waive", "ID --reason TEXT", "reason=", 1, 1,
	    "Let a tranche be paid without the approved monitoring return it "
	    "waits for.", cmd_tranche_waive },
	{ "bank", "set", "ORG --account-name NAME --sort-code CODE "
	    "--account-number NUMBER", "account-name=,sort-code=,"
	    "account-number=", 1, 1,
	    "Enter an organisation's bank details (ORG: its name or key as "
	    "grant show gives it). They are unverified until another finance "
	    "user verifies them; a change to verified details holds every "
	    "unpaid tranche of the organisation until then.", cmd_bank_set },
	{ "bank", "verify", "ORG", "", 1, 1,
	    "Verify bank details another finance user entered; tranches held "
	    "for the change are released.", cmd_bank_verify },
	{ "bank", "show", "ORG", "", 1, 1,
	    "Show an organisation's bank details, current and past.",
	    cmd_bank_show },
	{ "bank", "tasks", "[--all]", "all", 0, 0,
	    "List what mail has asked of finance (a change of bank details, "
	    "which mail never makes): the open tasks, or --all.",
	    cmd_bank_tasks },
	{ "bank", "done", "ID --note TEXT", "note=", 1, 1,
	    "Close a finance task, saying what was done.", cmd_bank_done },

	{ "intake", "status", "", "", 0, 0,
	    "Show each intake mailbox: last poll, counts and errors.",
	    cmd_intake_status },
	{ "intake", "poll", "", "", 0, 0,
	    "Read every intake mailbox now.", cmd_intake_poll },
	{ "intake", "quarantine", "list | show ID | retry ID", "", 1, 2,
	    "Mail grantd could not read: list it, show one with its reason "
	    "and raw text, or take it in again.", cmd_intake_quarantine },
	{ "intake", "held", "list [--all] | show ID | accept ID | reject ID",
	    "all", 1, 2,
	    "Mail held for an officer (a reply not threaded under a letter to "
	    "the address on record, or from elsewhere, or failing the "
	    "receiving server's checks): list it, read one, accept it (it "
	    "counts, and is answered at the address on record) or reject it.",
	    cmd_intake_held },

	{ "budget", "transfer", "--from CODE --to CODE --amount AMOUNT "
	    "--reason TEXT", "from=,to=,amount=,reason=", 0, 0,
	    "Move unallocated money between funds and rounds.",
	    cmd_budget_transfer },
	{ "budget", "list", "", "", 0, 0,
	    "List budget transfers.", cmd_budget_list },

	{ "user", "add", "NAME [--uid UID] --role ROLE[,ROLE] [--email ADDRESS]",
	    "uid=,role=,email=", 1, 1,
	    "Add a user: a Unix uid with roles admin, officer, assessor or "
	    "finance. An assessor who scores by email needs no uid, only "
	    "--email.", cmd_user_add },
	{ "user", "list", "", "", 0, 0, "List users and their roles.",
	    cmd_user_list },
	{ "user", "notify", "NAME --digest daily|immediate|off", "digest=", 1, 1,
	    "Choose how a user hears about work: one daily digest, each "
	    "event at once, or not at all.", cmd_user_notify },
	{ "user", "disable", "NAME", "", 1, 1,
	    "Revoke a user's access at once; their history stays. The last "
	    "admin cannot be disabled.", cmd_user_disable },
	{ "user", "enable", "NAME", "", 1, 1,
	    "Give a disabled user their access back.", cmd_user_enable },
	{ "user", "role", "NAME --set ROLE[,ROLE]", "set=", 1, 1,
	    "Replace a user's roles. The last admin keeps admin.",
	    cmd_user_role },

	{ "outbox", "list", "[--failed | --state STATE] [--reference REF]",
	    "failed,state=,reference=", 0, 0,
	    "List outgoing email: queued, sending, sent or failed.",
	    cmd_outbox_list },
	{ "outbox", "show", "ID", "", 1, 1,
	    "Show one outgoing email, with what was sent.", cmd_outbox_show },
	{ "outbox", "retry", "ID", "", 1, 1,
	    "Send a failed email again.", cmd_outbox_retry },
	{ "outbox", "test", "--to ADDRESS [--name NAME] [--note TEXT]",
	    "to=,name=,note=", 0, 0,
	    "Queue a test email, to check that mail leaves and arrives.",
	    cmd_outbox_test },

	{ "notify", "digests", "", "", 0, 0,
	    "Send the staff digests that are waiting now, without waiting "
	    "for the daily hour.", cmd_notify_digests },

	{ "template", "list", "", "", 0, 0,
	    "List the email templates and the files they come from.",
	    cmd_template_list },
	{ "template", "preview", "NAME [--app REF]", "app=", 1, 1,
	    "Show a template filled in, without sending it.",
	    cmd_template_preview },

	{ "report", "programme", "--fund CODE [--from DATE] [--to DATE] "
	    "[--format text|csv|html] [--out FILE]",
	    "fund=,from=,to=,format=,out=", 0, 0,
	    "A fund's programme report: targets against delivered, money, "
	    "grants by priority and area, decision and payment times, "
	    "monitoring and wellbeing; as text, CSV, or one HTML page with "
	    "charts.", cmd_report_programme },
	{ "export", "360giving", "--fund CODE --out FILE [--format json|csv]",
	    "fund=,out=,format=", 0, 0,
	    "Write a fund's accepted grants as 360Giving open data, with "
	    "nothing personal in it.", cmd_export_360giving },
	{ "privacy", "export", "--email ADDRESS [--out FILE]", "email=,out=",
	    0, 0,
	    "Everything grantd holds about a person, as JSON.",
	    cmd_privacy_export },
	{ "privacy", "erase", "--email ADDRESS", "email=", 0, 0,
	    "Erase a person's data from their applications, mail and letters; "
	    "refused while a grant of theirs is live.", cmd_privacy_erase },
	{ "privacy", "retention", "", "", 0, 0,
	    "Remove now the personal data that retention_days says is no "
	    "longer needed (grantd also does this daily).",
	    cmd_privacy_retention },

	{ "audit", "list", "[--limit N] [--entity CODE]", "limit=,entity=", 0, 0,
	    "Show the latest audit log entries.", cmd_audit_list },
	{ "audit", "verify", "[--anchor COUNT:HASH]", "anchor=", 0, 0,
	    "Check the audit log's hash chain; name the first broken row.",
	    cmd_audit_verify },
	{ "audit", "anchor", "", "", 0, 0,
	    "Print the chain's head (COUNT:HASH) to keep elsewhere.",
	    cmd_audit_anchor },
};
#define NCMDS (sizeof cmd_table / sizeof cmd_table[0])

static void
cmd_print_usage(FILE *f, const struct cmd_entry *e)
{
	fprintf(f, "usage: grantctl %s%s%s%s%s\n", e->noun,
	    e->verb != NULL ? " " : "", e->verb != NULL ? e->verb : "",
	    *e->usage != '\0' ? " " : "", e->usage);
}

/* Help for every command, or those whose noun starts with noun; how many. */
static int
cmd_help(FILE *f, const char *noun)
{
	size_t	i, n = noun != NULL ? strlen(noun) : 0;
	int	shown = 0;

	if (noun == NULL)
		fprintf(f, "usage: grantctl [--json] [--socket PATH] NOUN VERB "
		    "[ARGS]\n\nAmounts: 450, 1234.56 or £1,234.56. Dates: "
		    "YYYY-MM-DD, UK time.\nExit status: 0 done, 1 failed, 2 "
		    "usage error.\n\nCommands:\n");
	for (i = 0; i < NCMDS; i++) {
		if (noun != NULL && strncmp(cmd_table[i].noun, noun, n) != 0)
			continue;
		fprintf(f, "  %s%s%s%s%s\n      %s\n", cmd_table[i].noun,
		    cmd_table[i].verb ? " " : "",
		    cmd_table[i].verb ? cmd_table[i].verb : "",
		    *cmd_table[i].usage ? " " : "", cmd_table[i].usage,
		    cmd_table[i].help);
		shown++;
	}
	return shown;
}

int
cmd_usage_error(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "grantctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return CMD_USAGE;
}

const char *
args_get(const struct args *a, const char *name)
{
	int	i;

	for (i = 0; i < a->nopts; i++)
		if (strcmp(a->opts[i].name, name) == 0)
			return a->opts[i].value;
	return NULL;
}

int
args_has(const struct args *a, const char *name)
{
	return args_get(a, name) != NULL;
}

/* Every value of a repeatable option, in order, as a JSON array. */
json_t *
args_list(const struct args *a, const char *name)
{
	json_t	*list = json_array();
	int	 i;

	for (i = 0; i < a->nopts; i++)
		if (strcmp(a->opts[i].name, name) == 0)
			json_array_append_new(list, json_string(a->opts[i].value));
	return list;
}

/* Look "name" up in "a=,b,c=*": 0 unknown, 1 flag, 2 value, 3 repeatable. */
static int
cmd_option_kind(const char *spec, const char *name, size_t namelen)
{
	const char	*p = spec;
	size_t		 n;

	while (*p != '\0') {
		n = strcspn(p, ",=");
		if (n == namelen && strncmp(p, name, n) == 0) {
			if (p[n] != '=')
				return 1;
			return p[n + 1] == '*' ? 3 : 2;
		}
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
cmd_parse_args(const struct cmd_entry *e, int argc, char **argv,
    struct args *a)
{
	const char	*name, *eq, *value;
	size_t		 namelen;
	int		 i, kind;

	memset(a, 0, sizeof *a);
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			if (a->argc == ARGS_MAX)
				return cmd_usage_error("too many arguments");
			a->argv[a->argc++] = argv[i];
			continue;
		}
		name = argv[i] + 2;
		eq = strchr(name, '=');
		namelen = eq != NULL ? (size_t)(eq - name) : strlen(name);
		if ((kind = cmd_option_kind(e->options, name, namelen)) == 0) {
			cmd_print_usage(stderr, e);
			return cmd_usage_error("unknown option --%.*s",
			    (int)namelen, name);
		}
		if (kind == 1) {
			if (eq != NULL)
				return cmd_usage_error("--%.*s takes no value",
				    (int)namelen, name);
			value = "";
		} else if (eq != NULL)
			value = eq + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else
			return cmd_usage_error("--%.*s needs a value",
			    (int)namelen, name);
		if (kind != 3) {
			int j;
			for (j = 0; j < a->nopts; j++)
				if (strlen(a->opts[j].name) == namelen &&
				    strncmp(a->opts[j].name, name, namelen) == 0)
					return cmd_usage_error("--%.*s given "
					    "twice", (int)namelen, name);
		}
		if (a->nopts == ARGS_MAX)
			return cmd_usage_error("too many options");
		a->opts[a->nopts].name = strndup(name, namelen);
		a->opts[a->nopts++].value = value;
	}
	if (a->argc < e->min_args || a->argc > e->max_args) {
		cmd_print_usage(stderr, e);
		return CMD_USAGE;
	}
	return CMD_OK;
}

static void
args_free(struct args *a)
{
	while (a->nopts > 0)
		free((char *)a->opts[--a->nopts].name);
}

/* Find noun (and verb) by unique prefix. */
static int
cmd_find(const char *noun, const char *verb, const struct cmd_entry **found)
{
	const char	*exact = NULL, *match = NULL;
	size_t		 i, n = strlen(noun);
	int		 nmatch = 0;
	char		 names[256] = "";

	for (i = 0; i < NCMDS; i++) {
		if (strncmp(cmd_table[i].noun, noun, n) != 0)
			continue;
		if (strcmp(cmd_table[i].noun, noun) == 0)
			exact = cmd_table[i].noun;
		if (match == NULL || strcmp(match, cmd_table[i].noun) != 0) {
			match = cmd_table[i].noun;
			nmatch++;
			snprintf(names + strlen(names), sizeof names -
			    strlen(names), "%s%s", *names ? ", " : "", match);
		}
	}
	if (exact != NULL)
		match = exact;
	else if (nmatch == 0)
		return cmd_usage_error("unknown command: %s (grantctl help "
		    "lists them)", noun);
	else if (nmatch > 1)
		return cmd_usage_error("ambiguous command: %s could be %s",
		    noun, names);

	*found = NULL;
	nmatch = 0;
	*names = '\0';
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(cmd_table[i].noun, match) != 0)
			continue;
		if (cmd_table[i].verb == NULL) {
			*found = &cmd_table[i];
			return CMD_OK;
		}
		if (verb == NULL || strncmp(cmd_table[i].verb, verb,
		    strlen(verb)) != 0)
			continue;
		if (strcmp(cmd_table[i].verb, verb) == 0) {
			*found = &cmd_table[i];
			return CMD_OK;
		}
		*found = &cmd_table[i];
		nmatch++;
		snprintf(names + strlen(names), sizeof names - strlen(names),
		    "%s%s", *names ? ", " : "", cmd_table[i].verb);
	}
	if (verb == NULL) {
		cmd_help(stderr, match);
		return cmd_usage_error("%s needs a command", match);
	}
	if (nmatch == 1)
		return CMD_OK;
	if (nmatch > 1)
		return cmd_usage_error("ambiguous command: %s %s could be %s",
		    match, verb, names);
	cmd_help(stderr, match);
	return cmd_usage_error("unknown command: %s %s", match, verb);
}

int
cmd_main(int argc, char **argv)
{
	const struct cmd_entry	*e = NULL;
	struct args		 a;
	int			 i, rc, skip;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--json") == 0)
			cmd_json = 1;
		else if (strcmp(argv[i], "--socket") == 0) {
			if (i + 1 == argc)
				return cmd_usage_error("--socket needs a path");
			client_socket = argv[++i];
		}
		else if (strncmp(argv[i], "--socket=", 9) == 0)
			client_socket = argv[i] + 9;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			cmd_help(stdout, NULL);
			return CMD_OK;
		} else
			return cmd_usage_error("unknown option %s", argv[i]);
	}
	if (i == argc) {
		cmd_help(stderr, NULL);
		return CMD_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (cmd_help(stdout, i + 1 < argc ? argv[i + 1] : NULL) == 0)
			return cmd_usage_error("unknown command: %s", argv[i + 1]);
		return CMD_OK;
	}
	if ((rc = cmd_find(argv[i], i + 1 < argc ? argv[i + 1] : NULL, &e))
	    != CMD_OK)
		return rc;
	skip = e->verb != NULL ? 2 : 1;
	if (i + skip < argc && (strcmp(argv[i + skip], "--help") == 0 ||
	    strcmp(argv[i + skip], "-h") == 0)) {
		cmd_print_usage(stdout, e);
		printf("%s\n", e->help);
		return CMD_OK;
	}
	if ((rc = cmd_parse_args(e, argc - i - skip, argv + i + skip, &a))
	    != CMD_OK) {
		args_free(&a);
		return rc;
	}
	rc = e->exec(&a);
	args_free(&a);
	return rc;
}
