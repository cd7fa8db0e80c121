/*
 * staff.c: telling officers and finance staff what needs them. Each person
 * chooses: one daily digest (the default, so a busy officer is not buried
 * in one email per event), every event at once, or nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "mail/mail.h"
#include "domain/domain.h"

#define STAFF_CHECK_SECONDS	600

static struct event	*staff_ev;

/* Tell one user, by their chosen route (u: id, name, email, notify). */
static int
staff_tell(json_t *u, const char *text)
{
	struct outbox_new	 n;
	long long		 rc;

#define F(k) json_string_value(json_object_get(u, k))
	if (F("email") == NULL || strcmp(F("notify"), "off") == 0)
		return 0;
	if (strcmp(F("notify"), "immediate") != 0)
		return db_exec("INSERT INTO staff_events (user_id, text) VALUES "
		    "(?, ?)", "is", (int64_t)json_integer_value(json_object_get(u,
		    "id")), text) == 1 ? 0 : -1;
	memset(&n, 0, sizeof n);
	n.template = "staff-alert";
	n.to_addr = F("email");
	n.to_name = F("name");
	n.vars = json_pack("{s:s,s:s}", "user_name", F("name"), "text", text);
#undef F
	rc = outbox_queue(&n);
	json_decref(n.vars);
	return rc == -1 ? -1 : 0;
}

static void
staff_format(char *text, size_t len, const char *fmt, va_list ap)
{
	if (vsnprintf(text, len, fmt, ap) >= (int)len)
		utf8_truncate(text, len - 1);
}

/*
 * Inside the caller's transaction: tell every active user holding one of
 * roles, with an email address, by their chosen route.
 */
int
staff_notify(int roles, const char *fmt, ...)
{
	json_t	*users, *u;
	size_t	 i;
	char	 text[500], err[GRANT_ERRLEN];
	int	 have;
	va_list	 ap;

	va_start(ap, fmt);
	staff_format(text, sizeof text, fmt, ap);
	va_end(ap);
	users = db_query("SELECT id, name, email, notify, roles FROM users "
	    "WHERE active = 1", "");
	if (users == NULL)
		return -1;
	json_array_foreach(users, i, u) {
		if (roles_parse(json_string_value(json_object_get(u, "roles")),
		    &have, err, sizeof err) == -1 || (have & roles) == 0)
			continue;
		if (staff_tell(u, text) == -1) {
			json_decref(users);
			return -1;
		}
	}
	json_decref(users);
	return 0;
}

/* The same, for one user: an application's named officer, say. */
int
staff_notify_user(long long id, const char *fmt, ...)
{
	json_t	*u;
	char	 text[500];
	int	 rc;
	va_list	 ap;

	va_start(ap, fmt);
	staff_format(text, sizeof text, fmt, ap);
	va_end(ap);
	if ((u = db_query_row("SELECT id, name, email, notify FROM users WHERE "
	    "id = ? AND active = 1", "i", (int64_t)id)) == NULL)
		return -1;
	rc = json_is_null(u) ? 0 : staff_tell(u, text);
	json_decref(u);
	return rc;
}

/* One user's digest, in its own transaction; 1 if one was queued. */
static int
staff_digest_user(long long uid, const char *today)
{
	json_t		*u, *events, *items, *sla, *e;
	long long	 digest, maxid = 0;
	size_t		 i;
	char		 things[32];

	if (db_begin() == -1)
		return -1;
	u = db_query_row("SELECT name, email, FIND_IN_SET('finance', roles) "
	    "AS finance FROM users WHERE id = ? AND "
	    "email IS NOT NULL FOR UPDATE", "i", (int64_t)uid);
	events = db_query("SELECT id, text FROM staff_events WHERE user_id = ? "
	    "AND digest_id IS NULL ORDER BY id FOR UPDATE", "i", (int64_t)uid);
	/* decision targets at risk or missed, counted afresh each day */
	sla = decide_sla_digest(uid);
	/* for finance, the tranches due: ready to pay, or held and why */
	if (sla != NULL && u != NULL && json_integer_value(json_object_get(u,
	    "finance")) > 0) {
		json_t *due = tranche_digest();

		if (due == NULL) {
			json_decref(sla);
			sla = NULL;
		} else {
			json_array_extend(sla, due);
			json_decref(due);
		}
	}
	if (u == NULL || events == NULL || sla == NULL || json_is_null(u) ||
	    json_array_size(events) + json_array_size(sla) == 0) {
		json_decref(u);
		json_decref(events);
		json_decref(sla);
		db_rollback();
		return 0;
	}
	items = json_array();
	json_array_foreach(events, i, e) {
		json_array_append_new(items, json_pack("{s:O}", "text",
		    json_object_get(e, "text")));
		maxid = json_integer_value(json_object_get(e, "id"));
	}
	json_array_extend(items, sla);
	json_decref(sla);
	snprintf(things, sizeof things, "%zu %s", json_array_size(items),
	    json_array_size(items) == 1 ? "thing needs" : "things need");
	struct outbox_new n = {
		.template = "staff-digest",
		.to_addr = json_string_value(json_object_get(u, "email")),
		.to_name = json_string_value(json_object_get(u, "name")),
		.vars = json_pack("{s:O,s:o,s:s}", "user_name",
		    json_object_get(u, "name"), "items", items, "things_need",
		    things),
	};
	digest = outbox_queue(&n);
	json_decref(n.vars);
	json_decref(u);
	if (digest == -1 || (json_array_size(events) > 0 &&
	    db_exec("UPDATE staff_events SET digest_id = ? WHERE user_id = ? "
	    "AND digest_id IS NULL AND id <= ?", "iii", (int64_t)digest,
	    (int64_t)uid, (int64_t)maxid) < 1) ||
	    db_exec("UPDATE users SET last_digest_on = ? WHERE id = ?", "si",
	    today, (int64_t)uid) != 1 || db_commit() == -1) {
		json_decref(events);
		db_rollback();
		return -1;
	}
	json_decref(events);
	return 1;
}

/*
 * Queue the digests that are due: once a day from digest_hour (UK time),
 * or now for everyone with something waiting when forced. Returns how
 * many were queued, or -1 on a database error.
 */
int
staff_send_digests(int force)
{
	json_t	*users, *u;
	size_t	 i;
	char	 today[16];
	int	 hour, n = 0, rc;

	date_today_local(today, sizeof today, &hour);
	if (!force && hour < grantd_config->notify_digest_hour)
		return 0;
	/* those with events waiting, and officers of applications with a
	 * decision target (decide_sla_digest() says if any is at risk) */
	users = db_query("SELECT u.id FROM users u WHERE u.active = 1 AND "
	    "u.notify <> 'off' AND (? OR u.last_digest_on IS NULL OR "
	    "u.last_digest_on < ?) AND (EXISTS (SELECT 1 FROM staff_events e "
	    "WHERE e.user_id = u.id AND e.digest_id IS NULL) OR EXISTS (SELECT "
	    "1 FROM applications a JOIN rounds r ON r.id = a.round_id WHERE "
	    "a.officer_id = u.id AND r.decision_days IS NOT NULL AND a.state "
	    "IN ('received', 'incomplete', 'eligible', 'shortlisted', "
	    "'scored')) OR (FIND_IN_SET('finance', u.roles) AND EXISTS (SELECT "
	    "1 FROM tranches t WHERE t.state IN ('due', 'released'))))", "ds",
	    force, today);
	if (users == NULL)
		return -1;
	json_array_foreach(users, i, u) {
		if ((rc = staff_digest_user(json_integer_value(json_object_get(u,
		    "id")), today)) == -1) {
			json_decref(users);
			return -1;
		}
		n += rc;
	}
	json_decref(users);
	return n;
}

static void
staff_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	if (db_available() && staff_send_digests(0) == -1)
		log_warnx("staff digests: %s", db_last_error());
}

void
staff_start(struct event_base *base)
{
	struct timeval	tv = { STAFF_CHECK_SECONDS, 0 };

	staff_ev = event_new(base, -1, EV_PERSIST, staff_timer_cb, NULL);
	event_add(staff_ev, &tv);
}

void
staff_stop(void)
{
	if (staff_ev != NULL) {
		event_free(staff_ev);
		staff_ev = NULL;
	}
}
