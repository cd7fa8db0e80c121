/*
 * state.c: the lifecycles of HACKING.md as tables, so the daemon, the tests
 * and any later front end agree on which moves are legal.
 */
#include <string.h>

#include "grant.h"

struct state_move {
	const char	*from;
	const char	*to;
};

struct state_table {
	const char		*name;
	const char		**states;
	const struct state_move	*moves;
	const char		*any_to;	/* reachable from every state but itself */
};

static const char *round_states[] = {
	"draft", "open", "closed", "assessing", "decided", "archived", NULL
};
static const struct state_move round_moves[] = {
	{ "draft", "open" }, { "open", "closed" }, { "closed", "assessing" },
	{ "assessing", "decided" }, { "decided", "archived" }, { NULL, NULL }
};

static const char *application_states[] = {
	"received", "incomplete", "eligible", "ineligible", "shortlisted",
	"scored", "approved", "declined", "waitlisted", "withdrawn", NULL
};
static const struct state_move application_moves[] = {
	{ "received", "incomplete" }, { "received", "eligible" },
	{ "received", "ineligible" }, { "incomplete", "eligible" },
	{ "incomplete", "ineligible" }, { "incomplete", "incomplete" },
	{ "eligible", "shortlisted" }, { "shortlisted", "scored" },
	{ "scored", "approved" }, { "scored", "declined" },
	{ "scored", "waitlisted" }, { "waitlisted", "approved" },
	{ "waitlisted", "declined" },
	/* the rules rerun, or an officer overrules them */
	{ "eligible", "ineligible" }, { "ineligible", "eligible" },
	{ "shortlisted", "ineligible" },
	/* ... and find an amount outside a range the officer changed */
	{ "eligible", "incomplete" }, { "ineligible", "incomplete" },
	/* a round without scoring (Fast Grants) is decided directly */
	{ "eligible", "approved" }, { "eligible", "declined" },
	{ "eligible", "waitlisted" }, { NULL, NULL }
};

static const char *grant_states[] = {
	"offered", "accepted", "active", "completed", "suspended",
	"terminated", NULL
};
static const struct state_move grant_moves[] = {
	{ "offered", "accepted" }, { "accepted", "active" },
	{ "active", "completed" }, { "active", "suspended" },
	{ "suspended", "active" }, { "accepted", "suspended" },
	{ "suspended", "accepted" }, { "offered", "terminated" },
	{ "accepted", "terminated" }, { "active", "terminated" },
	{ "suspended", "terminated" }, { NULL, NULL }
};

static const char *tranche_states[] = {
	"scheduled", "due", "released", "in_run", "paid", "held",
	"cancelled", NULL
};
static const struct state_move tranche_moves[] = {
	{ "scheduled", "due" }, { "due", "released" },
	{ "released", "in_run" }, { "in_run", "paid" },
	{ "due", "in_run" },	/* a run releases what it takes as it takes it */
	{ "in_run", "released" },	/* taken out of an unapproved run */
	{ "scheduled", "held" }, { "due", "held" }, { "released", "held" },
	{ "held", "due" }, { "scheduled", "cancelled" }, { "due", "cancelled" },
	{ "held", "cancelled" }, { NULL, NULL }
};

static const char *payrun_states[] = {
	"draft", "approved", "exported", "reconciled", NULL
};
static const struct state_move payrun_moves[] = {
	{ "draft", "approved" }, { "approved", "exported" },
	{ "exported", "reconciled" }, { NULL, NULL }
};

static const struct state_table state_tables[] = {
	[STATE_ROUND] = { "round", round_states, round_moves, NULL },
	[STATE_APPLICATION] = { "application", application_states,
	    application_moves, "withdrawn" },
	[STATE_GRANT] = { "grant", grant_states, grant_moves, NULL },
	[STATE_TRANCHE] = { "tranche", tranche_states, tranche_moves, NULL },
	[STATE_PAYRUN] = { "payment run", payrun_states, payrun_moves, NULL },
};

const char *
state_machine_name(enum state_machine m)
{
	return state_tables[m].name;
}

int
state_valid(enum state_machine m, const char *state)
{
	const char	**s;

	if (state == NULL)
		return 0;
	for (s = state_tables[m].states; *s != NULL; s++)
		if (strcmp(*s, state) == 0)
			return 1;
	return 0;
}

int
state_can_move(enum state_machine m, const char *from, const char *to)
{
	const struct state_table	*t = &state_tables[m];
	const struct state_move		*mv;

	if (!state_valid(m, from) || !state_valid(m, to))
		return 0;
	if (t->any_to != NULL && strcmp(to, t->any_to) == 0)
		return strcmp(from, to) != 0;
	for (mv = t->moves; mv->from != NULL; mv++)
		if (strcmp(mv->from, from) == 0 && strcmp(mv->to, to) == 0)
			return 1;
	return 0;
}
