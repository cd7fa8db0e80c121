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
	    "[--max-award AMOUNT] [--min-award AMOUNT]",
	    "name=,budget=,max-award=,min-award=", 1, 1,
	    "Create a fund, such as FG (Fast Grants), with its total budget.",
	    cmd_fund_create },
	{ "fund", "list", "", "", 0, 0,
	    "List funds with their budget, allocated and unallocated money.",
	    cmd_fund_list },
	{ "fund", "show", "CODE", "", 1, 1,
	    "Show a fund, its rounds and its budget transfers.", cmd_fund_show },

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
	{ "round", "decide", "ROUND", "", 1, 1,
	    "Mark an assessed round as decided.", cmd_round_decide },
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

	{ "user", "add", "NAME --uid UID --role ROLE[,ROLE] [--email ADDRESS]",
	    "uid=,role=,email=", 1, 1,
	    "Add a user: a Unix uid with roles admin, officer, assessor or "
	    "finance.", cmd_user_add },
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
