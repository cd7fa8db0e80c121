/*
 * privacy.c: personal data, found by a person's email address, exported
 * whole, and erased on request or when it is no longer needed. A live
 * grant needs its contact, so erasing is refused while one is live; the
 * grants themselves are kept, for audit. The audit log's entries about an
 * erased application keep their hash but lose their detail, so the chain
 * still verifies (audit.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "domain/domain.h"

#define PRIVACY_FIRST	5		/* seconds after start-up */
#define PRIVACY_EVERY	86400

/* The answers on a form that are about a person, not the group. */
static const char *const privacy_fields[] = { "contact_name", "email",
    "phone", NULL };

static int
privacy_email_read(const char *email, struct dom_err *e)
{
	if (email == NULL || *email == '\0')
		return dom_fail(e, DOM_BAD, "give the person's email address "
		    "(--email)");
	if (!check_address(email))
		return dom_fail(e, DOM_BAD, "'%s' is not an email address",
		    email);
	return 0;
}

/* Rows holding the person's data, with the application's fields as JSON. */
static json_t *
privacy_applications(const char *email)
{
	json_t	*rows, *row, *f;
	size_t	 i;

	if ((rows = db_query("SELECT a.id, a.reference, a.state, a.email, "
	    "a.contact_name, a.organisation, a.project_title, a.fields, "
	    "a.received_at, a.decided_at, a.erased_at, r.code AS round FROM "
	    "applications a JOIN rounds r ON r.id = a.round_id WHERE "
	    "LOWER(a.email) = LOWER(?) ORDER BY a.id", "s", email)) == NULL)
		return NULL;
	json_array_foreach(rows, i, row) {
		f = json_loads(json_string_value(json_object_get(row, "fields")) ?
		    json_string_value(json_object_get(row, "fields")) : "{}", 0,
		    NULL);
		json_object_set_new(row, "fields", f != NULL ? f : json_object());
	}
	return rows;
}

/* Everything held about a person: what they sent, what was sent them. */
json_t *
privacy_export(const char *email, struct dom_err *e)
{
	json_t	*apps, *grants, *mail, *att, *letters, *users, *m;
	size_t	 i;

	if (privacy_email_read(email, e) == -1)
		return NULL;
	apps = privacy_applications(email);
	grants = db_query("SELECT reference, organisation, email, amount, "
	    "purpose, state, created_at FROM grants WHERE LOWER(email) = "
	    "LOWER(?) ORDER BY id", "s", email);
	mail = db_query("SELECT m.id, m.kind, m.from_addr, m.subject, m.body, "
	    "m.received_at, a.reference FROM mail_in m LEFT JOIN applications "
	    "a ON a.id = m.application_id WHERE LOWER(m.from_addr) = LOWER(?) "
	    "OR LOWER(a.email) = LOWER(?) ORDER BY m.id", "ss", email, email);
	letters = db_query("SELECT template, to_addr, to_name, reference, "
	    "subject, body, state, queued_at, sent_at FROM outbox WHERE "
	    "LOWER(to_addr) = LOWER(?) ORDER BY id", "s", email);
	users = db_query("SELECT name, email, roles, created_at FROM users "
	    "WHERE LOWER(email) = LOWER(?)", "s", email);
	if (apps == NULL || grants == NULL || mail == NULL || letters == NULL ||
	    users == NULL)
		goto fail;
	json_array_foreach(mail, i, m) {
		if ((att = db_query("SELECT filename, content_type, size, sha256 "
		    "FROM attachments WHERE mail_id = ? ORDER BY id", "i",
		    (int64_t)json_integer_value(json_object_get(m, "id")))) ==
		    NULL)
			goto fail;
		json_object_set_new(m, "attachments", att);
	}
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o}", "email", email,
	    "applications", apps, "grants", grants, "mail", mail, "letters",
	    letters, "users", users);
fail:
	json_decref(apps);
	json_decref(grants);
	json_decref(mail);
	json_decref(letters);
	json_decref(users);
	dom_db_fail(e);
	return NULL;
}

/* The form's fields without those about a person; the postcode cut to
 * its district, which is all the reports use. */
static char *
privacy_fields_clean(const char *text)
{
	json_t		*f;
	const char	*pc;
	char		 district[16], *out;
	int		 i;

	if ((f = json_loads(text != NULL ? text : "{}", 0, NULL)) == NULL ||
	    !json_is_object(f)) {
		json_decref(f);
		return xstrdup("{}");
	}
	for (i = 0; privacy_fields[i] != NULL; i++)
		json_object_del(f, privacy_fields[i]);
	if ((pc = json_string_value(json_object_get(f, "postcode"))) != NULL) {
		report_district(pc, district, sizeof district);
		if (*district != '\0')
			json_object_set_new(f, "postcode", json_string(district));
		else
			json_object_del(f, "postcode");
	}
	out = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(f);
	return out;
}

/*
 * The attachments of an application's mail, and their bodies unless
 * another mail has the same file (bodies are stored once).
 */
static int
privacy_erase_files(long long app_id)
{
	json_t		*rows, *row;
	const char	*sha;
	size_t		 i;
	int		 rc = 0;

	if ((rows = db_query("SELECT DISTINCT a.sha256 FROM attachments a JOIN "
	    "mail_in m ON m.id = a.mail_id WHERE m.application_id = ?", "i",
	    (int64_t)app_id)) == NULL)
		return -1;
	if (db_exec("DELETE FROM attachments WHERE mail_id IN (SELECT id FROM "
	    "mail_in WHERE application_id = ?)", "i", (int64_t)app_id) == -1)
		rc = -1;
	json_array_foreach(rows, i, row) {
		sha = json_string_value(json_object_get(row, "sha256"));
		if (rc == 0 && db_exec("DELETE FROM blobs WHERE sha256 = ? AND "
		    "NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?)",
		    "ss", sha, sha) == -1)
			rc = -1;
	}
	json_decref(rows);
	return rc;
}

/*
 * Erase one application's personal data inside the caller's transaction:
 * the contact, the personal answers, the mails' bodies and their
 * attachments, the letters' text; its audit entries redacted; the erasure
 * itself audited (without the data).
 */
static int
privacy_erase_app(const char *actor, long long id, const char *ref,
    const char *why)
{
	json_t		*row;
	char		*fields;
	long long	 redacted, kept, mails;
	char		 email[255] = "";

	if ((row = db_query_row("SELECT email, fields FROM applications WHERE "
	    "id = ? FOR UPDATE", "i", (int64_t)id)) == NULL ||
	    json_is_null(row)) {
		json_decref(row);
		return -1;
	}
	snprintf(email, sizeof email, "%s", json_string_value(json_object_get(
	    row, "email")) != NULL ? json_string_value(json_object_get(row,
	    "email")) : "");
	fields = privacy_fields_clean(json_string_value(json_object_get(row,
	    "fields")));
	json_decref(row);
	if (db_exec("UPDATE applications SET contact_name = NULL, email = '', "
	    "fields = ?, erased_at = UTC_TIMESTAMP(6) WHERE id = ?", "si",
	    fields, (int64_t)id) != 1) {
		free(fields);
		return -1;
	}
	free(fields);
	if (privacy_erase_files(id) == -1 ||
	    (mails = db_exec("UPDATE mail_in SET body = NULL, subject = NULL, "
	    "from_addr = NULL WHERE application_id = ?", "i",
	    (int64_t)id)) == -1 ||
	    db_exec("UPDATE outbox SET to_addr = '', to_name = NULL, vars = "
	    "'{}', subject = NULL, body = NULL WHERE reference = ? AND state IN "
	    "('sent', 'failed')", "s", ref) == -1)
		return -1;
	if ((redacted = audit_redact(ref, *email != '\0' ? email : NULL,
	    &kept)) == -1)
		return -1;
	return audit_append(actor, "privacy.erase", ref, json_pack(
	    "{s:s,s:I,s:I,s:I}", "why", why, "mails", (json_int_t)mails,
	    "audit_redacted", (json_int_t)redacted, "audit_kept",
	    (json_int_t)kept));
}

/*
 * Erase what is held about a person, on their request. Refused, with the
 * reason, while a grant of theirs is live.
 */
json_t *
privacy_erase(const char *actor, const char *email, struct dom_err *e)
{
	json_t		*live, *apps, *row, *done;
	size_t		 i;

	if (privacy_email_read(email, e) == -1)
		return NULL;
	if (db_begin() == -1)
		goto dbfail;
	if ((live = db_query_row("SELECT g.reference, g.state FROM grants g "
	    "LEFT JOIN applications a ON a.id = g.application_id WHERE "
	    "(LOWER(g.email) = LOWER(?) OR LOWER(a.email) = LOWER(?)) AND "
	    "g.state IN ('offered', 'accepted', 'active', 'suspended') ORDER "
	    "BY g.id LIMIT 1", "ss", email, email)) == NULL)
		goto dbfail;
	if (!json_is_null(live)) {
		dom_fail(e, DOM_CONFLICT, "grant %s is %s, and needs its "
		    "contact's details until it is completed or terminated; "
		    "nothing was erased", json_string_value(json_object_get(live,
		    "reference")), json_string_value(json_object_get(live,
		    "state")));
		json_decref(live);
		return NULL;
	}
	json_decref(live);
	if ((live = db_query_row("SELECT reference, state FROM applications "
	    "WHERE LOWER(email) = LOWER(?) AND state IN ('received', "
	    "'incomplete', 'eligible', 'shortlisted', 'scored') ORDER BY id "
	    "LIMIT 1", "s", email)) == NULL)
		goto dbfail;
	if (!json_is_null(live)) {
		dom_fail(e, DOM_CONFLICT, "application %s is %s, and needs its "
		    "contact's details until it is decided or withdrawn "
		    "(grantctl app withdraw); nothing was erased",
		    json_string_value(json_object_get(live, "reference")),
		    json_string_value(json_object_get(live, "state")));
		json_decref(live);
		return NULL;
	}
	json_decref(live);
	if ((apps = db_query("SELECT id, reference FROM applications WHERE "
	    "LOWER(email) = LOWER(?) ORDER BY id FOR UPDATE", "s",
	    email)) == NULL)
		goto dbfail;
	done = json_array();
	json_array_foreach(apps, i, row) {
		if (privacy_erase_app(actor, json_integer_value(json_object_get(
		    row, "id")), json_string_value(json_object_get(row,
		    "reference")), "request") == -1) {
			json_decref(apps);
			json_decref(done);
			goto dbfail;
		}
		json_array_append(done, json_object_get(row, "reference"));
	}
	json_decref(apps);
	/* Grants that are over keep their record, not the address; mail
	 * and letters not tied to an application go too. */
	if (db_exec("UPDATE grants SET email = '' WHERE LOWER(email) = "
	    "LOWER(?)", "s", email) == -1 ||
	    db_exec("UPDATE mail_in SET body = NULL, subject = NULL, from_addr "
	    "= NULL WHERE LOWER(from_addr) = LOWER(?)", "s", email) == -1 ||
	    db_exec("UPDATE outbox SET to_addr = '', to_name = NULL, vars = "
	    "'{}', subject = NULL, body = NULL WHERE LOWER(to_addr) = LOWER(?) "
	    "AND state IN ('sent', 'failed')", "s", email) == -1 ||
	    (json_array_size(done) == 0 &&
	    audit_redact("", email, &(long long){0}) == -1) ||
	    audit_append(actor, "privacy.request", "erase", json_pack("{s:O}",
	    "applications", done)) == -1 || db_commit() == -1) {
		json_decref(done);
		goto dbfail;
	}
	return json_pack("{s:o}", "erased", done);
dbfail:
	dom_db_fail(e);
	return NULL;
}

/*
 * The applications whose personal data is past its time: declined,
 * ineligible or withdrawn, decided (or last changed) more than
 * retention_days ago, and never a grant. Each is erased in its own
 * transaction, so one failure leaves the others done.
 */
json_t *
privacy_retention_run(const char *actor, struct dom_err *e)
{
	long		 days = grantd_config->privacy_retention_days;
	json_t		*rows, *row, *done;
	size_t		 i;

	done = json_array();
	if (days <= 0)
		return json_pack("{s:o,s:I}", "erased", done, "days",
		    (json_int_t)days);
	if ((rows = db_query("SELECT a.id, a.reference FROM applications a "
	    "LEFT JOIN grants g ON g.application_id = a.id WHERE a.state IN "
	    "('declined', 'ineligible', 'withdrawn') AND a.erased_at IS NULL "
	    "AND g.id IS NULL AND COALESCE(a.decided_at, a.updated_at) < "
	    "UTC_TIMESTAMP(6) - INTERVAL ? DAY ORDER BY a.id", "i",
	    (int64_t)days)) == NULL) {
		json_decref(done);
		dom_db_fail(e);
		return NULL;
	}
	json_array_foreach(rows, i, row) {
		if (db_begin() == -1 || privacy_erase_app(actor,
		    json_integer_value(json_object_get(row, "id")),
		    json_string_value(json_object_get(row, "reference")),
		    "retention") == -1 || db_commit() == -1) {
			db_rollback();
			json_decref(rows);
			json_decref(done);
			dom_db_fail(e);
			return NULL;
		}
		json_array_append(done, json_object_get(row, "reference"));
	}
	json_decref(rows);
	return json_pack("{s:o,s:I}", "erased", done, "days", (json_int_t)days);
}

static struct event	*privacy_ev;

static void
privacy_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timeval	 tv = { PRIVACY_EVERY, 0 };
	struct dom_err	 e;
	json_t		*r;

	if (!db_available())
		tv.tv_sec = 600;
	else if ((r = privacy_retention_run("grantd", &e)) == NULL) {
		log_warnx("retention: %s", e.msg);
		tv.tv_sec = 600;
	} else {
		if (json_array_size(json_object_get(r, "erased")) > 0)
			log_info("retention: personal data of %zu "
			    "applications removed", json_array_size(
			    json_object_get(r, "erased")));
		json_decref(r);
	}
	event_add(privacy_ev, &tv);
}

void
privacy_start(struct event_base *base)
{
	struct timeval	tv = { PRIVACY_FIRST, 0 };

	privacy_ev = evtimer_new(base, privacy_timer_cb, NULL);
	event_add(privacy_ev, &tv);
}

void
privacy_stop(void)
{
	if (privacy_ev != NULL) {
		event_free(privacy_ev);
		privacy_ev = NULL;
	}
}
