/*
 * form.h: the short application form a community group fills in and mails
 * back (templates/application-form.txt), read forgivingly and checked.
 */
#ifndef FORM_H
#define FORM_H

#include <stdint.h>

#include <jansson.h>

#include "grant.h"

struct form_rules {
	int64_t		 max_award;	/* pence; 0 = no limit */
	int64_t		 min_award;	/* pence; 0 = no minimum */
	json_t		*priorities;	/* array of strings: the round's published priorities; empty/NULL = any */
};

/*
 * Text in, fields out: the answers under their keys ("organisation",
 * "amount" and "amount_pence", ...), and under "unrecognised" an array of
 * {"label", "answer"}: the other questions answered, as written.
 */
json_t		*form_extract(const char *);
int		 form_has_form(json_t *);
json_t		*form_merge(json_t *, json_t *);
json_t		*form_problems(json_t *, const struct form_rules *);

/* The reader's machinery, for other forms (form-monitor.c). */
int		 form_label_split(const char *, char *, size_t, const char **);
int		 form_label_pick(const char *, const char *const *const *,
		     size_t);
int		 form_amount(const char *, int64_t *);
char		*form_own_text(const char *);
int		 form_is_signoff(const char *);

/*
 * form-monitor.c: a monitoring return out of a reply, its wellbeing scores
 * at the stage given (or NULL) unless a label names one. Fields: "spend" (as
 * written) and "spend_pence", "people", "volunteers", "activities",
 * "story", "wellbeing" ([{stage, question, score, people}]) and
 * "unrecognised" ([{label, answer}]).
 */
json_t		*form_monitor_read(const char *, const char *);
json_t		*form_monitor_merge(json_t *, json_t *);
json_t		*form_monitor_missing(json_t *, const char *);
json_t		*form_monitor_understood(json_t *);

/*
 * form-accept.c: a reply to an offer. Fields: "accepted" (true only where
 * the writer's own words plainly accept), "by" ("Jo Bloggs, Treasurer"),
 * "account_name", "sort_code", "account_number" (digits where only digits
 * were written) and "bank_change" (true where a line asks to change bank
 * details).
 */
json_t		*form_accept_read(const char *);

#endif
