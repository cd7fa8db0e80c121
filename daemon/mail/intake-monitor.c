/*
 * intake-monitor.c: monitoring returns sent as replies. A reply belongs
 * to a return when it answers (In-Reply-To, or one of its newest
 * References) a letter grantd sent about that return: a reminder, or an
 * answer to an earlier reply. It counts only as trust.c says a reply to
 * an application counts: threaded under a letter sent to the grant's
 * address on record, from that address, the receiving server's checks
 * passing; anything else is held for an officer and changes nothing.
 * What it says is read by form-monitor.c and merged with what earlier
 * replies said, so a group that was asked for two missing answers need
 * send only those two.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "mail/mail.h"
#include "mail/mime.h"
#include "mail/form.h"
#include "domain/domain.h"

#define INTAKE_MONITOR_IDS	20	/* newest References looked at */

/* The return m answers a letter about: its id, 0 if none, -1 on error. */
long long
intake_monitor_find(const struct mime_message *m)
{
	char		*refs, *p, *tok, *ids[INTAKE_MONITOR_IDS];
	long long	 id = 0;
	int		 n = 0, i;

	if (m->in_reply_to != NULL &&
	    (id = monitor_by_message(m->in_reply_to)) != 0)
		return id;
	refs = xstrdup(m->references != NULL ? m->references : "");
	for (p = refs; (tok = strsep(&p, " ")) != NULL; )
		if (*tok != '\0')
			ids[n++ % INTAKE_MONITOR_IDS] = tok;
	for (i = n - 1; id == 0 && i >= 0 && i >= n - INTAKE_MONITOR_IDS; i--)
		id = monitor_by_message(ids[i % INTAKE_MONITOR_IDS]);
	free(refs);
	return id;
}

static int
intake_monitor_tell(const struct monitor_return *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A note for the grant's named officer, or any officer if none. */
static int
intake_monitor_tell(const struct monitor_return *r, const char *fmt, ...)
{
	va_list	 ap;
	char	 note[1024];

	va_start(ap, fmt);
	vsnprintf(note, sizeof note, fmt, ap);
	va_end(ap);
	return r->officer_id > 0 ? staff_notify_user(r->officer_id, "%s",
	    note) : staff_notify(ROLE_OFFICER, "%s", note);
}

/* How many parts of a return the reply held: 0 for none at all. */
static int
intake_monitor_any(json_t *f)
{
	static const char *const keys[] = { "spend_pence", "people",
	    "volunteers", "activities", "story", "wellbeing", NULL };
	const char *const	*k;
	int			 n = 0;

	for (k = keys; *k != NULL; k++)
		if (json_object_get(f, *k) != NULL)
			n++;
	return n;
}

/*
 * What a follow-up keeps: the wellbeing counts at follow-up. The same
 * reply's baseline, spend or people were counted in the returns before,
 * and would be counted twice in the programme's figures.
 */
static void
intake_monitor_followup_only(json_t *f)
{
	static const char *const keys[] = { "spend", "spend_pence", "people",
	    "volunteers", "activities", NULL };
	const char *const	*k;
	json_t			*w = json_object_get(f, "wellbeing"), *keep, *c;
	size_t			 i;

	for (k = keys; *k != NULL; k++)
		json_object_del(f, *k);
	if (w == NULL)
		return;
	keep = json_array();
	json_array_foreach(w, i, c)
		if (strcmp(json_string_value(json_object_get(c, "stage")),
		    "followup") == 0)
			json_array_append(keep, c);
	if (json_array_size(keep) > 0)
		json_object_set_new(f, "wellbeing", keep);
	else {
		json_decref(keep);
		json_object_del(f, "wellbeing");
	}
}

/*
 * The return from the body or a file sent with it (plain text, or a
 * document grantd-docread read), whichever holds more of it; the body
 * wins a tie, as the application form's reader has it.
 */
static json_t *
intake_monitor_read(const struct mime_message *m, const struct intake_doc *docs,
    size_t ndocs, const char *stage)
{
	json_t	*best = form_monitor_read(m->body, stage), *f;
	char	*text;
	size_t	 i;

	for (i = 0; i < m->nattachments + ndocs; i++) {
		if (i < m->nattachments) {
			if (m->attachments[i].data == NULL || strncasecmp(
			    m->attachments[i].content_type, "text/plain", 10) != 0)
				continue;
			text = mime_utf8_clean((const char *)m->attachments[i].data,
			    m->attachments[i].size);
		} else if (docs[i - m->nattachments].text != NULL)
			text = xstrdup(docs[i - m->nattachments].text);
		else
			continue;
		f = form_monitor_read(text, stage);
		free(text);
		if (intake_monitor_any(f) > intake_monitor_any(best)) {
			json_decref(best);
			best = f;
		} else
			json_decref(f);
	}
	return best;
}

/* The answer: what was understood, and what is still missing if any. */
static int
intake_monitor_answer(const struct monitor_return *r,
    const struct mime_message *m, json_t *fields, json_t *missing)
{
	json_t	*extra, *understood = form_monitor_understood(fields);
	char	*refs;
	int	 rc;

	xasprintf(&refs, "%s%s%s", m->references ? m->references : "",
	    m->references ? " " : "", m->message_id ? m->message_id : "");
	extra = json_pack("{s:o,s:b,s:O}", "understood", understood,
	    "understood_any", json_array_size(understood) > 0, "missing",
	    missing);
	rc = monitor_letter(r->id, json_array_size(missing) > 0 ?
	    "monitoring-incomplete" : "monitoring-received", m->message_id,
	    refs, extra);
	json_decref(extra);
	free(refs);
	return rc;
}

/*
 * The reply m, already recorded as mail_id with its attachments (docs:
 * those read as documents), about return id: read into the return and answered, or held. 0, or -1 on a
 * database error.
 */
int
intake_monitor(const struct mime_message *m, const struct intake_doc *docs,
    size_t ndocs, long long mail_id, const struct trust_auth *auth,
    long long id)
{
	struct monitor_return	 r;
	struct trust_reply	 tr;
	json_t			*fields, *merged, *missing;
	const char		*held;
	char			 why[400], *refs;
	int			 rc;

	if ((rc = monitor_get(id, &r, 1)) != 1)
		return rc == 0 ? 0 : -1;
	memset(&tr, 0, sizeof tr);
	tr.from_addr = m->from_addr;
	tr.from_header = m->from_header;
	tr.on_record = r.email;
	tr.auth = auth;
	if ((tr.threaded = trust_threaded(m, r.reference, r.email)) == -1)
		goto fail;
	held = trust_reply_hold(&tr, why, sizeof why);
	if (db_exec("UPDATE mail_in SET kind = ?, application_id = NULLIF(?, "
	    "0) WHERE id = ?", "sii", held != NULL ? "monitoring-held" :
	    "monitoring", (int64_t)r.app_id, (int64_t)mail_id) != 1)
		goto fail;
	if (held != NULL) {
		log_info("intake: a monitoring return for %s from %s is held: %s",
		    r.reference, m->from_addr, held);
		rc = trust_hold(mail_id, held) == -1 || intake_monitor_tell(&r,
		    "%s: a reply to monitoring return %lld from %s is held for "
		    "you (grantctl intake held show %lld): %s", r.reference,
		    r.id, m->from_addr, mail_id, held) == -1 ? -1 : 0;
		monitor_free(&r);
		return rc;
	}
	if (strcmp(r.state, "approved") == 0) {
		rc = intake_monitor_tell(&r, "%s: a reply about monitoring "
		    "return %lld, already approved, from %s: %s", r.reference,
		    r.id, m->from_addr, m->subject);
		monitor_free(&r);
		return rc;
	}
	/* a follow-up's scores are at follow-up unless it says otherwise */
	fields = intake_monitor_read(m, docs, ndocs, strcmp(r.kind,
	    "followup") == 0 ? "follow-up" : NULL);
	if (strcmp(r.kind, "followup") == 0)
		intake_monitor_followup_only(fields);
	if (!intake_monitor_any(fields) && strcmp(r.state, "incomplete") != 0 &&
	    strcmp(r.state, "received") != 0 && strcmp(r.kind, "followup") !=
	    0) {
		/* Nothing of the return in it: the form again, and the officer. */
		json_decref(fields);
		xasprintf(&refs, "%s%s%s", m->references ? m->references : "",
		    m->references ? " " : "", m->message_id ? m->message_id :
		    "");
		rc = monitor_letter(r.id, "monitoring-form", m->message_id, refs,
		    NULL) == -1 || intake_monitor_tell(&r, "%s: a reply about "
		    "monitoring return %lld held no return; they were sent the "
		    "form again: %s", r.reference, r.id, m->subject) == -1 ?
		    -1 : 0;
		free(refs);
		monitor_free(&r);
		return rc;
	}
	merged = form_monitor_merge(r.fields, fields);
	json_decref(fields);
	missing = form_monitor_missing(merged, r.kind);
	rc = monitor_record(&r, mail_id, merged, missing) == -1 ||
	    intake_monitor_answer(&r, m, merged, missing) == -1 ||
	    (json_array_size(missing) == 0 && intake_monitor_tell(&r, "%s: "
	    "monitoring return %lld is in, ready to approve (grantctl monitor "
	    "show %lld)", r.reference, r.id, r.id) == -1) ? -1 : 0;
	log_info("intake: monitoring return %lld for %s is %s", r.id,
	    r.reference, json_array_size(missing) == 0 ? "received" :
	    "incomplete");
	json_decref(merged);
	json_decref(missing);
	monitor_free(&r);
	return rc;
fail:
	monitor_free(&r);
	return -1;
}
