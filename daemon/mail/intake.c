/*
 * intake.c: one email in, in one database transaction: a new application,
 * a reply joining its thread, an auto-reply or bounce noted, or the blank
 * form sent back; with every answer it needs written to the outbox in the
 * same commit. The mailbox marks the message done only after that commit,
 * and the same message seen again (same Message-ID, same bytes) creates
 * nothing new, so a crash at any instant loses or doubles nothing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>

#include "core/core.h"
#include "mail/mail.h"
#include "domain/domain.h"
#include "mail/mime.h"
#include "mail/form.h"

#define INTAKE_QUARANTINE_KEEP	(8 * 1024 * 1024)	/* raw bytes kept */
#define INTAKE_BODY_KEEP	(1024 * 1024)		/* body text kept */

struct intake_ctx {
	const char		*source;
	struct mime_message	*m;
	const char		*mid;	/* Message-ID, or the content hash */
	long long		 mail_id;
	const struct intake_doc	*docs;	/* read by intake-documents.c */
	size_t			 ndocs;
};

static json_t	*intake_form(struct intake_ctx *, const char **);

static void
intake_count(const char *source, const char *column)
{
	char	sql[160];

	/* column is one of three fixed names, never input. */
	snprintf(sql, sizeof sql, "INSERT INTO intake_mailboxes (name, %s) "
	    "VALUES (?, 1) ON DUPLICATE KEY UPDATE %s = %s + 1", column,
	    column, column);
	db_exec(sql, "s", source);
}

/* Keep what could not be read, whole (or its first part), with why. */
static enum intake_result
intake_quarantine(const char *source, const char *raw, size_t len,
    const char *reason)
{
	char	hash[65];
	size_t	keep = len > INTAKE_QUARANTINE_KEEP ? INTAKE_QUARANTINE_KEEP : len;

	sha256_hex(raw, len, hash);
	log_warnx("intake %s: quarantined: %s", source, reason);
	if (db_begin() == -1 ||
	    db_exec("INSERT IGNORE INTO quarantine (source, reason, "
	    "content_hash, raw, size) VALUES (?, ?, ?, ?, ?)", "sssbi", source,
	    reason, hash, raw, keep, (int64_t)len) == -1) {
		db_rollback();
		return INTAKE_RETRY;
	}
	intake_count(source, "quarantined");
	if (staff_notify(ROLE_OFFICER, "A message to %s could not be read "
	    "and is in quarantine: %s", source, reason) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		return INTAKE_RETRY;
	}
	return INTAKE_QUARANTINED;
}

static long long
intake_record(struct intake_ctx *c, const char *kind, long long app_id)
{
	/* A form is short; a body past this is kept in part, marked. */
	check_bound(c->m->body, INTAKE_BODY_KEEP);
	if (db_exec("INSERT INTO mail_in (source, message_id, content_hash, "
	    "application_id, kind, from_addr, subject, body) VALUES (?, ?, ?, "
	    "NULLIF(?, 0), ?, LEFT(?, 254), LEFT(?, 1000), ?)", "sssissss", c->source,
	    c->mid, c->m->content_hash, (int64_t)app_id, kind, c->m->from_addr,
	    c->m->subject, c->m->body) != 1)
		return -1;
	c->mail_id = db_insert_id();
	return c->mail_id;
}

/* Content-addressed: the same file sent twice is stored once. */
static int
intake_attachments(struct intake_ctx *c, json_t *refused)
{
	struct mime_attachment	*a;
	size_t			 i;

	for (i = 0; i < c->m->nattachments; i++) {
		a = &c->m->attachments[i];
		if (!a->refused && db_exec("INSERT IGNORE INTO blobs (sha256, "
		    "size, data) VALUES (?, ?, ?)", "sib", a->sha256,
		    (int64_t)a->size, a->data, a->size) == -1)
			return -1;
		if (db_exec("INSERT INTO attachments (mail_id, filename, "
		    "content_type, size, sha256, refused, refused_reason) VALUES "
		    "(?, ?, ?, ?, ?, ?, ?)", "issisds", (int64_t)c->mail_id,
		    a->filename, a->content_type, (int64_t)a->size, a->sha256,
		    a->refused, a->refused_reason) != 1)
			return -1;
		if (a->refused && refused != NULL)
			json_array_append_new(refused, json_string(
			    a->refused_reason != NULL ? a->refused_reason :
			    a->filename));
	}
	return 0;
}

/* One letter, with replies going to the named officer where there is one. */
static int
intake_send(const char *template, const char *to_addr, const char *to_name,
    const char *ref, const char *in_reply_to, const char *references,
    json_t *vars)
{
	struct outbox_new	 n;

	memset(&n, 0, sizeof n);
	n.template = template;
	n.to_addr = to_addr;
	n.to_name = to_name;
	n.reference = ref;
	n.in_reply_to = in_reply_to;
	n.references = references;
	n.auto_submitted = "auto-replied";
	n.vars = vars;
	if (json_is_string(json_object_get(vars, "officer_email")) &&
	    strchr(json_string_value(json_object_get(vars, "officer_email")),
	    '<') == NULL) {
		n.reply_to_addr = json_string_value(json_object_get(vars,
		    "officer_email"));
		n.reply_to_name = json_string_value(json_object_get(vars,
		    "officer_name"));
	}
	return outbox_queue(&n) == -1 ? -1 : 0;
}

/* The message's References with its own id added, for threading under it. */
static char *
intake_refs(const struct mime_message *m)
{
	char	*refs;

	xasprintf(&refs, "%s%s%s", m->references ? m->references : "",
	    m->references ? " " : "", m->message_id ? m->message_id : "");
	return refs;
}

/*
 * An answer to the sender of mail that is about no application yet,
 * threaded under it: to the From address, never a Reply-To the sender
 * chose (which would let anyone direct grantd's mail anywhere).
 */
static int
intake_answer(struct intake_ctx *c, const char *template, json_t *vars)
{
	char	*refs = intake_refs(c->m);
	int	 rc;

	rc = intake_send(template, c->m->from_addr, c->m->from_name, NULL,
	    c->m->message_id, refs, vars);
	free(refs);
	return rc;
}

/* The letter for an application's state, with vars, to the address on record. */
static int
intake_letter_with(const char *state, json_t *vars, const char *in_reply_to,
    const char *references)
{
	const char	*tmpl;

	if (strcmp(state, "eligible") == 0)
		tmpl = "acknowledgement";
	else if (strcmp(state, "ineligible") == 0)
		tmpl = "ineligible";
	else if (strcmp(state, "incomplete") == 0)
		tmpl = "incomplete";
	else
		return 0;	/* withdrawn, or moved on: nothing to say */
	return intake_send(tmpl, json_string_value(json_object_get(vars,
	    "email")), json_string_value(json_object_get(vars,
	    "contact_name")), json_string_value(json_object_get(vars,
	    "reference")), in_reply_to, references, vars);
}

/*
 * The letter for an application in state, to its address on record,
 * threaded under in_reply_to (an applicant's message id) if given.
 */
int
intake_letter(long long app_id, const char *state, const char *in_reply_to,
    const char *references)
{
	json_t	*vars;
	int	 rc;

	if ((vars = app_letter_vars(app_id)) == NULL || json_is_null(vars)) {
		json_decref(vars);
		return -1;
	}
	rc = intake_letter_with(state, vars, in_reply_to, references);
	json_decref(vars);
	return rc;
}

/* "[FG-2026-0042]" anywhere in the subject. */
static int
intake_subject_reference(const char *subject, char *ref, size_t len)
{
	const char	*p, *end;

	for (p = subject; (p = strchr(p, '[')) != NULL; p++) {
		if ((end = strchr(p, ']')) == NULL)
			return 0;
		if ((size_t)(end - p - 1) >= len)
			continue;	/* a list tag or such */
		snprintf(ref, len, "%.*s", (int)(end - p - 1), p + 1);
		if (check_code(ref, 1, len, 1) && strchr(ref, '-') != NULL)
			return 1;
	}
	return 0;
}

/* The application that grantd's or the applicant's message id belongs to. */
static json_t *
intake_thread_by_id(const char *id)
{
	json_t	*row;

	row = db_query_row("SELECT a.id, a.reference, a.state, a.email, "
	    "a.round_id, a.fields FROM applications a WHERE a.id IN (SELECT "
	    "application_id FROM mail_in WHERE message_id = ?) OR a.reference "
	    "IN (SELECT reference FROM outbox WHERE message_id = ?) LIMIT 1",
	    "ss", id, id);
	if (row != NULL && json_is_null(row)) {
		json_decref(row);
		row = NULL;
	}
	return row;
}

/*
 * The application this message belongs to: by a message id it answers
 * (In-Reply-To, then References newest first, a bounded number of them),
 * else by the reference in its subject. Whether the mail may change the
 * application is trust.c's to say.
 */
#define INTAKE_THREAD_IDS 20
static json_t *
intake_find_thread(struct intake_ctx *c)
{
	char	*refs, *p, *tok, *ids[INTAKE_THREAD_IDS], ref[40];
	json_t	*row = NULL;
	int	 n = 0, i;

	if (c->m->in_reply_to != NULL)
		row = intake_thread_by_id(c->m->in_reply_to);
	/* The newest ids are last: keep the last few in a ring. */
	refs = xstrdup(c->m->references != NULL ? c->m->references : "");
	for (p = refs; (tok = strsep(&p, " ")) != NULL; )
		if (*tok != '\0')
			ids[n++ % INTAKE_THREAD_IDS] = tok;
	for (i = n - 1; row == NULL && i >= 0 && i >= n - INTAKE_THREAD_IDS; i--)
		row = intake_thread_by_id(ids[i % INTAKE_THREAD_IDS]);
	free(refs);
	if (row == NULL && intake_subject_reference(c->m->subject, ref,
	    sizeof ref)) {
		row = db_query_row("SELECT id, reference, state, email, "
		    "round_id, fields FROM applications WHERE reference = ?",
		    "s", ref);
		if (row != NULL && json_is_null(row)) {
			json_decref(row);
			row = NULL;
		}
	}
	return row;
}

/*
 * A trusted reply's form merged into an incomplete application (app:
 * id, reference, state, round_id, fields), re-checked, and the letter
 * for its new state sent to the address on record.
 */
int
intake_reply_apply(json_t *app, json_t *new, const char *in_reply_to,
    const char *references)
{
	long long	 id = json_integer_value(json_object_get(app, "id"));
	const char	*ref = json_string_value(json_object_get(app, "reference"));
	const char	*state = json_string_value(json_object_get(app, "state"));
	json_t		*old, *merged;
	char		 now[16];
	int		 rc;

	old = json_loads(json_string_value(json_object_get(app, "fields")), 0,
	    NULL);
	merged = form_merge(old, new);
	json_decref(old);
	rc = app_assess(id, json_integer_value(json_object_get(app,
	    "round_id")), ref, merged, state, now, sizeof now);
	json_decref(merged);
	if (rc == -1)
		return -1;
	return intake_letter(id, now, in_reply_to, references);
}

/* A note for the application's named officer, or any officer if none. */
static int
intake_tell_officer(long long app_id, const char *note)
{
	long long	officer = app_officer(app_id);

	if (officer == -1)
		return -1;
	return officer > 0 ? staff_notify_user(officer, "%s", note) :
	    staff_notify(ROLE_OFFICER, "%s", note);
}

/*
 * A reply: it joins the thread. If trust.c allows, an incomplete
 * application is re-checked; otherwise it is held for an officer, and
 * nobody is answered.
 */
static int
intake_reply(struct intake_ctx *c, json_t *app, const struct trust_auth *auth)
{
	long long	 id = json_integer_value(json_object_get(app, "id"));
	const char	*ref = json_string_value(json_object_get(app, "reference"));
	const char	*state = json_string_value(json_object_get(app, "state"));
	struct trust_reply tr;
	const char	*held;
	char		 why[400], note[1024], *refs;
	json_t		*fields;
	int		 rc;

	tr.from_addr = c->m->from_addr;
	tr.from_header = c->m->from_header;
	tr.on_record = json_string_value(json_object_get(app, "email"));
	tr.auth = auth;
	if ((tr.threaded = trust_threaded(c->m, ref, tr.on_record)) == -1)
		return -1;
	held = trust_reply_hold(&tr, why, sizeof why);
	if (intake_record(c, held != NULL ? "reply-held" : "reply", id) == -1 ||
	    intake_attachments(c, NULL) == -1 ||
	    (held != NULL && trust_hold(c->mail_id, held) == -1))
		return -1;
	if (held != NULL) {
		log_info("intake %s: a reply about %s from %s is held: %s",
		    c->source, ref, c->m->from_addr, held);
		snprintf(note, sizeof note, "%s: a reply from %s is held for "
		    "you (grantctl intake held accept %lld lets it count): %s",
		    ref, c->m->from_addr, c->mail_id, held);
		return intake_tell_officer(id, note);
	}
	/* Anything but an incomplete application is for the officer. */
	if (strcmp(state, "incomplete") != 0) {
		snprintf(note, sizeof note, "%s: a reply from %s: %s", ref,
		    c->m->from_addr, c->m->subject);
		return intake_tell_officer(id, note);
	}
	refs = intake_refs(c->m);
	fields = intake_form(c, NULL);
	rc = intake_reply_apply(app, fields, c->m->message_id, refs);
	json_decref(fields);
	free(refs);
	return rc;
}

/* The round this mailbox feeds, if it is open now; else the next one. */
static json_t *
intake_round(const struct intake_conf *in, json_t **next)
{
	json_t	*r;

	*next = NULL;
	r = db_query_row("SELECT r.id, r.code, r.title, r.state, r.fund_id, "
	    "COALESCE(r.max_award, f.max_award) AS max_award, "
	    "f.name AS fund_name, (r.state = 'open' AND r.opens_at <= "
	    "UTC_TIMESTAMP(6) AND (r.closes_at IS NULL OR r.closes_at > "
	    "UTC_TIMESTAMP(6))) AS is_open, r.closes_at FROM rounds r JOIN "
	    "funds f ON f.id = r.fund_id WHERE r.code = ? OR (f.code = ? AND "
	    "r.state <> 'draft') ORDER BY r.code = ? DESC, r.state = 'open' "
	    "DESC, r.opens_at DESC LIMIT 1", "sss", in->round, in->round,
	    in->round);
	if (r == NULL)
		return NULL;
	if (!json_is_null(r) && json_integer_value(json_object_get(r,
	    "is_open")))
		return r;
	*next = db_query_row("SELECT r.title, r.opens_at FROM rounds r JOIN "
	    "funds f ON f.id = r.fund_id WHERE (f.code = ? OR f.id = ?) AND "
	    "r.state IN ('draft', 'open') AND r.opens_at > UTC_TIMESTAMP(6) "
	    "ORDER BY r.opens_at LIMIT 1", "si", in->round,
	    (int64_t)(json_is_null(r) ? 0 : json_integer_value(json_object_get(r,
	    "fund_id"))));
	return r;
}

static json_t *
intake_round_vars(json_t *round)
{
	json_t	*vars = json_object(), *prio;
	time_t	 t;
	char	 d[64];

	if (json_is_null(round))
		return vars;
	json_object_set(vars, "fund_name", json_object_get(round, "fund_name"));
	json_object_set(vars, "round_title", json_object_get(round, "title"));
	if (json_is_string(json_object_get(round, "closes_at")) &&
	    date_parse_utc(json_string_value(json_object_get(round,
	    "closes_at")), &t) == 0)
		json_object_set_new(vars, "closes",
		    json_string(date_format_local(t, d, sizeof d)));
	prio = round_priorities(json_integer_value(json_object_get(round,
	    "id")));
	/* Numbered, so applicants can answer with the numbers. */
	if (prio != NULL) {
		json_t *list = json_array(), *p;
		size_t i;
		char *line;
		json_array_foreach(prio, i, p) {
			xasprintf(&line, "%zu. %s", i + 1,
			    json_string_value(p));
			json_array_append_new(list, json_string(line));
			free(line);
		}
		json_object_set_new(vars, "priorities", list);
		json_decref(prio);
	}
	/* Who may apply and how they will be judged, as published. */
	round_letter_vars(json_integer_value(json_object_get(round, "id")),
	    vars);
	if (json_is_integer(json_object_get(round, "max_award"))) {
		char m[MONEY_BUFLEN];
		json_object_set_new(vars, "max_award", json_string(money_format(
		    json_integer_value(json_object_get(round, "max_award")), m,
		    sizeof m)));
	}
	return vars;
}

/* fields beats *best (freed if so): it is a form with more answers. */
static int
intake_form_better(json_t *fields, json_t *best, struct mime_attachment *a,
    const char **file)
{
	if (!form_has_form(fields) || (form_has_form(best) &&
	    json_object_size(fields) <= json_object_size(best)))
		return 0;
	json_decref(best);
	if (file != NULL)
		*file = a->filename;
	return 1;
}

/*
 * The form from the body or an attachment (plain text, or a document read
 * by grantd-docread), whichever the reader recognises best; the body wins
 * a tie, so a complete form in the body is never passed over. *file is
 * the attachment's name when the form came from one.
 */
static json_t *
intake_form(struct intake_ctx *c, const char **file)
{
	struct mime_message	*m = c->m;
	json_t			*best = form_extract(m->body), *f;
	char			*text;
	size_t			 i;

	if (file != NULL)
		*file = NULL;
	for (i = 0; i < m->nattachments; i++) {
		if (m->attachments[i].data == NULL ||
		    strncasecmp(m->attachments[i].content_type, "text/plain",
		    10) != 0)
			continue;
		text = mime_utf8_clean((const char *)m->attachments[i].data,
		    m->attachments[i].size);
		f = form_extract(text);
		free(text);
		if (intake_form_better(f, best, &m->attachments[i], file))
			best = f;
		else
			json_decref(f);
	}
	for (i = 0; i < c->ndocs; i++) {
		if (c->docs[i].text == NULL)
			continue;
		f = form_extract(c->docs[i].text);
		if (intake_form_better(f, best,
		    &m->attachments[c->docs[i].att], file))
			best = f;
		else
			json_decref(f);
	}
	return best;
}

/*
 * No form anywhere. If files were sent that might have held it, say which
 * could not be read and ask for the answers in the body; an officer is
 * told too, and the files are kept with the mail.
 */
static int
intake_no_form(struct intake_ctx *c, json_t *vars)
{
	json_t		*bad = json_array();
	const char	*name;
	char		*line;
	size_t		 i;

	for (i = 0; i < c->ndocs; i++) {
		name = c->m->attachments[c->docs[i].att].filename;
		xasprintf(&line, "%s: %s", name, c->docs[i].text == NULL ?
		    c->docs[i].err : "we found no answers to the form in it");
		json_array_append_new(bad, json_string(line));
		free(line);
	}
	if (json_array_size(bad) == 0) {
		json_decref(bad);
		return intake_record(c, "no-form", 0) == -1 ||
		    intake_attachments(c, NULL) == -1 ||
		    intake_answer(c, "application-form", vars) == -1 ?
		    -1 : 0;
	}
	json_object_set_new(vars, "unreadable", json_string("yes"));
	json_object_set_new(vars, "unreadable_files", bad);
	if (intake_record(c, "unreadable-form", 0) == -1 ||
	    intake_attachments(c, NULL) == -1 ||
	    staff_notify(ROLE_OFFICER, "A form sent as a file by %s could not "
	    "be read (%s); they were asked for the answers in an email, and "
	    "the file is kept with mail %lld", c->m->from_addr,
	    json_string_value(json_array_get(bad, 0)), c->mail_id) == -1)
		return -1;
	return intake_answer(c, "application-form", vars);
}

/* A new application's letter, held for an officer: why says why. */
static int
intake_new_held(struct intake_ctx *c, long long id, const char *ref,
    const char *why)
{
	char	note[1024];

	log_info("intake %s: the letter for %s to %s is held: %s", c->source,
	    ref, c->m->from_addr, why);
	/* The command first: a long reason may be cut to fit the note. */
	snprintf(note, sizeof note, "%s: the letter to %s is held for you "
	    "(grantctl intake held accept %lld sends it): %s", ref,
	    c->m->from_addr, c->mail_id, why);
	return trust_hold(c->mail_id, why) == -1 ||
	    intake_tell_officer(id, note) == -1 ? -1 : 0;
}

/*
 * New mail. When the receiving server failed the sender's domain, the
 * From may be forged: an application is still stored (nothing is lost),
 * but its letter waits for an officer, and mail that is no application
 * is not answered at all, so a forger cannot aim grantd's mail at anyone.
 */
static int
intake_new(struct intake_ctx *c, const struct intake_conf *in,
    const struct trust_auth *auth)
{
	json_t		*round, *next, *vars, *fields, *refused;
	const char	*form_file;
	long long	 id, officer;
	char		 ref[40], state[16], d[64], why[400], *refs;
	time_t		 t;
	int		 rc = -1, quiet = trust_new_hold(auth, why, sizeof why) != NULL;

	if ((round = intake_round(in, &next)) == NULL)
		return -1;
	vars = intake_round_vars(round);
	if (json_is_null(round) || !json_integer_value(json_object_get(round,
	    "is_open"))) {
		if (next != NULL && !json_is_null(next)) {
			json_object_set(vars, "next_round_title",
			    json_object_get(next, "title"));
			if (date_parse_utc(json_string_value(json_object_get(next,
			    "opens_at")), &t) == 0)
				json_object_set_new(vars, "next_round_opens",
				    json_string(date_format_local(t, d, sizeof d)));
		}
		/* Says what was read, so nothing need be guessed next time. */
		fields = intake_form(c, NULL);
		rc = app_set_understood(vars, fields, json_is_null(round) ? 0 :
		    json_integer_value(json_object_get(round, "id")));
		json_decref(fields);
		rc = rc == -1 || intake_record(c, "closed-round", 0) == -1 ||
		    intake_attachments(c, NULL) == -1 || (!quiet &&
		    intake_answer(c, "round-closed", vars) == -1) ? -1 : 0;
		goto out;
	}
	fields = intake_form(c, &form_file);
	if (!form_has_form(fields)) {
		json_decref(fields);
		rc = quiet ? (intake_record(c, "no-form", 0) == -1 ||
		    intake_attachments(c, NULL) == -1 ? -1 : 0) :
		    intake_no_form(c, vars);
		goto out;
	}
	if (json_object_get(fields, "email") == NULL)
		json_object_set_new(fields, "email", json_string(c->m->from_addr));
	if (json_object_get(fields, "contact_name") == NULL && c->m->from_name)
		json_object_set_new(fields, "contact_name",
		    json_string(c->m->from_name));
	refused = json_array();
	if ((id = app_create(json_integer_value(json_object_get(round, "id")),
	    c->m->from_addr, fields, ref, sizeof ref)) == -1 ||
	    app_assess(id, json_integer_value(json_object_get(round, "id")), ref,
	    fields, "received", state, sizeof state) == -1 ||
	    intake_record(c, quiet ? "application-held" : "application",
	    id) == -1 || intake_attachments(c, refused) == -1) {
		json_decref(fields);
		json_decref(refused);
		goto out;
	}
	json_decref(fields);
	json_decref(vars);
	if ((vars = app_letter_vars(id)) == NULL) {
		json_decref(refused);
		goto out;
	}
	json_object_set_new(vars, "refused_files", refused);
	if (form_file != NULL)
		json_object_set_new(vars, "form_file", json_string(form_file));
	log_info("intake %s: %s from %s is %s", c->source, ref,
	    c->m->from_addr, state);
	/* The named officer hears of it (in their digest, by default). */
	officer = app_officer(id);
	if (officer > 0 && staff_notify_user(officer, "%s (%s) was assigned "
	    "to you: %s", ref, json_is_string(json_object_get(vars,
	    "organisation")) ? json_string_value(json_object_get(vars,
	    "organisation")) : c->m->from_addr, state) == -1)
		goto out;
	if (quiet)
		rc = intake_new_held(c, id, ref, why);
	else {
		refs = intake_refs(c->m);
		rc = intake_letter_with(state, vars, c->m->message_id, refs);
		free(refs);
	}
out:
	json_decref(vars);
	json_decref(round);
	json_decref(next);
	return rc;
}

/* A delivery report: the message it returns failed. */
static int
intake_bounce(struct intake_ctx *c)
{
	json_t	*row = NULL;
	char	 why[160];

	snprintf(why, sizeof why, "bounced: delivery status %s",
	    c->m->dsn_status ? c->m->dsn_status : "unknown");
	if (c->m->dsn_message_id != NULL) {
		row = db_query_row("SELECT o.id, o.to_addr, o.reference, "
		    "a.id AS app_id FROM outbox o LEFT JOIN applications a ON "
		    "a.reference = o.reference WHERE o.message_id = ?", "s",
		    c->m->dsn_message_id);
		if (row == NULL)
			return -1;
	}
	if (row == NULL || json_is_null(row)) {
		json_decref(row);
		return intake_record(c, "bounce", 0) == -1 ? -1 : 0;
	}
	if (intake_record(c, "bounce", json_integer_value(json_object_get(row,
	    "app_id"))) == -1 ||
	    db_exec("UPDATE outbox SET state = 'failed', last_error = ? WHERE "
	    "id = ?", "si", why, (int64_t)json_integer_value(json_object_get(
	    row, "id"))) == -1 ||
	    staff_notify(ROLE_OFFICER, "Email %lld to %s bounced (%s)%s%s",
	    (long long)json_integer_value(json_object_get(row, "id")),
	    json_string_value(json_object_get(row, "to_addr")),
	    c->m->dsn_status ? c->m->dsn_status : "no status",
	    json_is_string(json_object_get(row, "reference")) ? " for " : "",
	    json_is_string(json_object_get(row, "reference")) ?
	    json_string_value(json_object_get(row, "reference")) : "") == -1) {
		json_decref(row);
		return -1;
	}
	json_decref(row);
	return 0;
}

static int
intake_classify(struct intake_ctx *c, const struct intake_conf *in)
{
	struct trust_auth	 auth;
	struct grant		 g;
	json_t			*app;
	long long		 ret;
	int			 rc;

	if (c->m->is_dsn)
		return intake_bounce(c);
	trust_auth_check(c->m, in->authserv_id, &auth);
	app = intake_find_thread(c);
	if (c->m->is_auto_reply) {
		rc = intake_record(c, "auto-reply", app != NULL ?
		    json_integer_value(json_object_get(app, "id")) : 0) == -1 ?
		    -1 : 0;
		json_decref(app);
		return rc;
	}
	if (intake_score_wanted(c->m)) {	/* intake-score.c */
		json_decref(app);
		return intake_record(c, "score", 0) == -1 ? -1 :
		    intake_score(c->m, c->mail_id, &auth);
	}
	if ((ret = intake_monitor_find(c->m)) != 0) {	/* intake-monitor.c */
		json_decref(app);
		return ret == -1 || intake_record(c, "monitoring", 0) == -1 ||
		    intake_attachments(c, NULL) == -1 ? -1 :
		    intake_monitor(c->m, c->docs, c->ndocs, c->mail_id, &auth,
		    ret);
	}
	/* a reply about a grant (intake-grant.c), before the application
	 * it came from, whose reference it shares */
	if ((rc = intake_grant_find(c->m, &g)) != 0) {
		if (rc == 1 && (rc = intake_record(c, "grant-reply", g.app_id))
		    != -1)
			rc = intake_grant(c->m, c->mail_id, &auth, &g);
		json_decref(app);
		return rc == -1 ? -1 : 0;
	}
	if (app != NULL) {
		rc = intake_reply(c, app, &auth);
		json_decref(app);
		return rc;
	}
	return intake_new(c, in, &auth);
}

/*
 * Errors worth trying again: a deadlock or lock timeout (also how a Galera
 * conflict shows), and another grantd storing the same message just now
 * (next time it is a duplicate).
 */
static int
intake_transient(unsigned int e)
{
	return e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT ||
	    e == ER_DUP_ENTRY;
}

/* The parsed message is the reading's, if there was one. */
static void
intake_done(struct intake_ctx *c, struct intake_reading *rd)
{
	if (rd == NULL)
		mime_free(c->m);
	c->m = NULL;
}

/*
 * Take in one raw message from the mailbox in. rd holds its documents,
 * already read (intake-documents.c); NULL if it had none to read.
 */
enum intake_result
intake_process(const struct intake_conf *in, const char *raw, size_t len,
    struct intake_reading *rd)
{
	struct mime_limits	 lim;
	struct intake_ctx	 c;
	json_t			*seen;
	char			 err[GRANT_ERRLEN];
	int			 rc;

	if (!db_available())
		return INTAKE_RETRY;
	if (len > (size_t)grantd_config->max_message) {
		snprintf(err, sizeof err, "the message is %zu bytes; the limit "
		    "is %ld", len, grantd_config->max_message);
		return intake_quarantine(in->name, raw, len, err);
	}
	lim.max_attachment = (size_t)grantd_config->max_attachment;
	lim.max_total = (size_t)grantd_config->max_attachments;
	memset(&c, 0, sizeof c);
	c.source = in->name;
	if (rd != NULL)
		c.m = intake_read_message(rd, &c.docs, &c.ndocs);
	else if (mime_parse(raw, len, &lim, &c.m, err, sizeof err) == -1)
		return intake_quarantine(in->name, raw, len, err);
	if (c.m->from_addr == NULL) {
		intake_done(&c, rd);
		return intake_quarantine(in->name, raw, len, "it has no usable "
		    "From address, so there is no one to answer");
	}
	c.mid = c.m->message_id != NULL ? c.m->message_id : c.m->content_hash;
	if (db_begin() == -1)
		goto retry;
	seen = db_query_row("SELECT id FROM mail_in WHERE message_id = ? AND "
	    "content_hash = ?", "ss", c.mid, c.m->content_hash);
	if (seen == NULL)
		goto retry;
	if (!json_is_null(seen)) {
		json_decref(seen);
		intake_count(in->name, "duplicates");
		if (db_commit() == -1)
			goto retry;
		intake_done(&c, rd);
		return INTAKE_DUPLICATE;
	}
	rc = intake_classify(&c, in);
	if (rc == 0)
		intake_count(in->name, "taken");
	if (rc == -1 || db_commit() == -1)
		goto retry;
	intake_done(&c, rd);
	return INTAKE_STORED;
retry:
	db_rollback();
	intake_done(&c, rd);
	/*
	 * The database going away is worth waiting for; a message the
	 * database refuses is not, or it would block every one behind it.
	 */
	if (!db_lost() && db_errno() != 0 && !intake_transient(db_errno())) {
		snprintf(err, sizeof err, "it could not be stored: %s",
		    db_last_error());
		return intake_quarantine(in->name, raw, len, err);
	}
	log_warnx("intake %s: cannot store a message now, will retry: %s",
	    in->name, db_last_error());
	return INTAKE_RETRY;
}
