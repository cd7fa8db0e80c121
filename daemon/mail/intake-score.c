/*
 * intake-score.c: scores sent by email. Each assignment letter gives, for
 * each application, its own address to send scores to: mail_from's
 * address with "+score-TOKEN" after the local part (grants+score-
 * 0f3a...@example.org), TOKEN being the assignment's 32 random hex
 * characters. An address works from every mail program (clicked, copied
 * or typed, in a new message or a reply), one letter can list several
 * applications without asking anyone to keep blocks of text apart, and
 * the body need hold only the scores. The answer's Reply-To is the same
 * address, so a correction is a plain reply. A token in the Subject is
 * read too, for a mail server that drops what follows the '+'.
 *
 * The token says which assignment; it counts only from the assessor's
 * address on record, with the receiving server's checks passing.
 * Anything else changes nothing and is held for an officer, as trust.c
 * holds replies (grantctl intake held list).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "mail/mime.h"
#include "domain/domain.h"

/* "score-" and 32 hex characters in s: 1 with token (lower case) set. */
static int
intake_score_token_in(const char *s, char token[ASSESS_TOKEN_LEN + 1])
{
	const char	*p;
	size_t		 i;

	for (p = s; p != NULL && (p = strcasestr(p, "score-")) != NULL; p++) {
		for (i = 0; i < ASSESS_TOKEN_LEN &&
		    isxdigit((unsigned char)p[6 + i]); i++)
			token[i] = (char)tolower((unsigned char)p[6 + i]);
		if (i == ASSESS_TOKEN_LEN && !isxdigit((unsigned char)p[6 + i])) {
			token[i] = '\0';
			return 1;
		}
	}
	return 0;
}

/* Mail for scoring: to a "+score-" address, or carrying a token. */
int
intake_score_wanted(const struct mime_message *m)
{
	char	token[ASSESS_TOKEN_LEN + 1];

	return (m->to != NULL && strcasestr(m->to, "+score-") != NULL) ||
	    (m->cc != NULL && strcasestr(m->cc, "+score-") != NULL) ||
	    intake_score_token_in(m->subject, token);
}

/* Why the mail may not score, or NULL if it may; t found by its token. */
static const char *
intake_score_hold(const struct mime_message *m, const struct trust_auth *auth,
    int found, const struct assess_token *t, char *why, size_t len)
{
	if (found == 0)
		snprintf(why, len, "scores sent without a token that matches an "
		    "assignment");
	else if (strcasecmp(m->from_addr, t->email) != 0 ||
	    m->from_header == NULL || strcmp(m->from_header, "From") != 0)
		snprintf(why, len, "scores for %s with %s's token, from %s, not "
		    "from the assessor's address on record", t->reference,
		    t->user_name, m->from_addr);
	else if (!t->active)
		snprintf(why, len, "scores for %s from %s, whose access is "
		    "disabled", t->reference, t->user_name);
	else if (auth->fail)
		snprintf(why, len, "scores for %s from %s, but the receiving "
		    "server's checks failed: %s", t->reference, m->from_addr,
		    auth->why);
	else
		return NULL;
	return why;
}

/*
 * The scoring mail m, already recorded as mail_id: recorded as the
 * assessor's scores and answered, or held. 0, or -1 on a database error.
 */
int
intake_score(const struct mime_message *m, long long mail_id,
    const struct trust_auth *auth)
{
	struct assess_token	 t;
	struct outbox_new	 o;
	json_t			*vars;
	char			 token[ASSESS_TOKEN_LEN + 1], why[600], addr[320];
	char			*refs;
	const char		*held;
	int			 found = 0, rc;

	if ((intake_score_token_in(m->to != NULL ? m->to : "", token) ||
	    intake_score_token_in(m->cc != NULL ? m->cc : "", token) ||
	    intake_score_token_in(m->subject, token)) &&
	    (found = assess_token_find(token, &t)) == -1)
		return -1;
	held = intake_score_hold(m, auth, found, &t, why, sizeof why);
	if (db_exec("UPDATE mail_in SET kind = ?, application_id = NULLIF(?, "
	    "0) WHERE id = ?", "sii", held != NULL ? "score-held" : "score",
	    (int64_t)(found ? t.app_id : 0), (int64_t)mail_id) != 1)
		return -1;
	if (held != NULL) {
		log_info("intake: scores from %s are held: %s", m->from_addr,
		    held);
		return trust_hold(mail_id, held) == -1 ||
		    staff_notify(ROLE_OFFICER, "Scores sent by email are held "
		    "for you (grantctl intake held show %lld): %s", mail_id,
		    held) == -1 ? -1 : 0;
	}
	if ((vars = assess_score_mail(&t, m->body)) == NULL)
		return -1;
	xasprintf(&refs, "%s%s%s", m->references ? m->references : "",
	    m->references ? " " : "", m->message_id ? m->message_id : "");
	assess_score_address(t.token, addr, sizeof addr);
	memset(&o, 0, sizeof o);
	o.template = "assessor-scores-recorded";
	o.to_addr = t.email;		/* the address on record */
	o.to_name = t.user_name;
	o.reply_to_addr = addr;
	o.reference = t.reference;
	o.in_reply_to = m->message_id;
	o.references = refs;
	o.auto_submitted = "auto-replied";
	o.vars = vars;
	rc = outbox_queue(&o) == -1 ? -1 : 0;
	free(refs);
	json_decref(vars);
	return rc;
}
