/*
 * db.c: the MariaDB connection. Prepared statements only: values never
 * become SQL text. Losing the server is an ordinary event: requests get a
 * 503, and a timer reconnects with backoff until it is back.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include <mysql.h>

#include "core/core.h"

#define DB_MAX_PARAMS	32
#define DB_BACKOFF_MAX	30	/* seconds between reconnection attempts */
#define DB_PING_IDLE	1	/* ping a connection idle this long before use */
#define DB_RETRY_MS	250	/* least time between connection attempts */
#define DB_CONNECT_WAIT_MS 200	/* most a request waits for a connection */

static MYSQL			*db_my;
static const struct config	*db_conf;
static struct event_base	*db_base;
static struct event		*db_retry_ev;
static int			 db_backoff = 1;
static char			 db_err[512] = "not connected yet";
static unsigned int		 db_last_errno;
static time_t			 db_used;
static long long		 db_tried;	/* last connection attempt, ms */
static int			(*db_check)(char *, size_t);
static MYSQL			*db_pending;	/* connecting, not yet usable */
static char			*db_pending_password;
static struct event		*db_pending_ev;
static int			 db_pending_status;	/* MYSQL_WAIT_* */
static long long		 db_pending_deadline;	/* ms */
static int			 db_multi;	/* the migration connection */

static void	db_retry_cb(evutil_socket_t, short, void *);
static void	db_pending_cb(evutil_socket_t, short, void *);
static void	db_schedule_retry(void);
static void	db_stmt_failed(MYSQL_STMT *, const char *);

/*
 * Prepared statements are kept, one per SQL text, for the life of the
 * connection: preparing costs a round trip to the server each time, and
 * grantd runs the same few dozen statements over and over. A hash table
 * that grows, so a new query never finds the cache full.
 */
struct db_cached {
	char			*sql;
	MYSQL_STMT		*st;
	struct db_cached	*next;
};
static struct db_cached	**db_cache;
static size_t		  db_nbuckets;
static size_t		  db_ncache;

static size_t
db_hash(const char *s)
{
	size_t	h = 2166136261u;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct db_cached **
db_cache_slot(const char *sql)
{
	struct db_cached	**e;

	if (db_nbuckets == 0)
		return NULL;
	for (e = &db_cache[db_hash(sql) % db_nbuckets]; *e != NULL;
	    e = &(*e)->next)
		if (strcmp((*e)->sql, sql) == 0)
			return e;
	return e;
}

/* Double the buckets once the chains would average more than one entry. */
static void
db_cache_grow(void)
{
	struct db_cached	**old = db_cache, *e, *next;
	size_t			  i, n = db_nbuckets;

	db_nbuckets = n == 0 ? 64 : n * 2;
	db_cache = xcalloc(db_nbuckets, sizeof *db_cache);
	for (i = 0; i < n; i++)
		for (e = old[i]; e != NULL; e = next) {
			next = e->next;
			e->next = db_cache[db_hash(e->sql) % db_nbuckets];
			db_cache[db_hash(e->sql) % db_nbuckets] = e;
		}
	free(old);
}

static void
db_cache_add(const char *sql, MYSQL_STMT *st)
{
	struct db_cached	*e;

	if (db_ncache >= db_nbuckets)
		db_cache_grow();
	e = xcalloc(1, sizeof *e);
	e->sql = xstrdup(sql);
	e->st = st;
	e->next = db_cache[db_hash(sql) % db_nbuckets];
	db_cache[db_hash(sql) % db_nbuckets] = e;
	db_ncache++;
}

/* Forget sql's statement without closing it. */
static void
db_cache_remove(const char *sql)
{
	struct db_cached	**slot, *e;

	if ((slot = db_cache_slot(sql)) == NULL || (e = *slot) == NULL)
		return;
	*slot = e->next;
	free(e->sql);
	free(e);
	db_ncache--;
}

static void
db_cache_clear(void)
{
	struct db_cached	*e, *next;
	size_t			 i;

	for (i = 0; i < db_nbuckets; i++)
		for (e = db_cache[i]; e != NULL; e = next) {
			next = e->next;
			mysql_stmt_close(e->st);
			free(e->sql);
			free(e);
		}
	free(db_cache);
	db_cache = NULL;
	db_nbuckets = db_ncache = 0;
}

/* Statements belong to their connection: they go first. */
static void
db_disconnect(void)
{
	db_cache_clear();
	mysql_close(db_my);
	db_my = NULL;
}

static long long
db_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
db_last_error(void)
{
	return db_err;
}

unsigned int
db_errno(void)
{
	return db_last_errno;
}

/* A handle with grantd's options; nonblock for one the loop drives. */
static MYSQL *
db_handle_new(int nonblock)
{
	MYSQL		*my;
	unsigned int	 timeout = (unsigned int)db_conf->db_timeout;
	unsigned int	 rwtimeout = timeout * 6;
	unsigned long	 maxpacket = 1024UL * 1024 * 1024;
	const char	*init = "SET time_zone = '+00:00', sql_mode = "
	    "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
	    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

	if ((my = mysql_init(NULL)) == NULL)
		fatalx("mysql_init failed");
	if (nonblock)
		mysql_options(my, MYSQL_OPT_NONBLOCK, 0);
	mysql_options(my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(my, MYSQL_OPT_READ_TIMEOUT, &rwtimeout);
	mysql_options(my, MYSQL_OPT_WRITE_TIMEOUT, &rwtimeout);
	mysql_options(my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* Raw mail and attachments go in as blobs; [limits] bounds them. */
	mysql_options(my, MYSQL_OPT_MAX_ALLOWED_PACKET, &maxpacket);
	mysql_options(my, MYSQL_INIT_COMMAND, init);
	/*
	 * Read committed: a read after a FOR UPDATE lock (the next number in
	 * a fund, a fund's unallocated money) must see what other grantd
	 * committed meanwhile, not this transaction's first snapshot.
	 */
	mysql_options(my, MYSQL_INIT_COMMAND,
	    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	return my;
}

/*
 * Multi-statements serve migrations only (a file holds many); the
 * daemon's connection refuses them, so no text it ever sends can
 * smuggle a second statement.
 */
static unsigned long
db_client_flags(void)
{
	return db_multi ? CLIENT_MULTI_STATEMENTS : 0;
}

static void
db_connect_error(MYSQL *my, char *err, size_t errlen)
{
	errfmt(err, errlen, "cannot connect to MariaDB %s%s (database "
	    "%s, user %s): %s",
	    db_conf->db_socket != NULL ? "at " : "on ",
	    db_conf->db_socket != NULL ? db_conf->db_socket :
	    (db_conf->db_host != NULL ? db_conf->db_host : "localhost"),
	    db_conf->db_name, db_conf->db_user, mysql_error(my));
}

/* my has connected: it becomes the connection once it passes the check. */
static int
db_connected(MYSQL *my, char *err, size_t errlen)
{
	db_my = my;
	db_used = time(NULL);
	/* A reachable database with the wrong schema is no use either. */
	if (db_check != NULL && db_check(err, errlen) == -1) {
		db_disconnect();
		return -2;
	}
	db_backoff = 1;
	return 0;
}

/* Connect, waiting as long as it takes: at startup and for --migrate. */
static int
db_connect(char *err, size_t errlen)
{
	MYSQL		*my;
	char		*password = NULL;

	db_tried = db_now_ms();
	if (config_read_password(db_conf, &password, err, errlen) == -1)
		return -1;
	my = db_handle_new(0);
	if (mysql_real_connect(my, db_conf->db_host, db_conf->db_user, password,
	    db_conf->db_name, (unsigned int)db_conf->db_port,
	    db_conf->db_socket, db_client_flags()) == NULL) {
		db_connect_error(my, err, errlen);
		mysql_close(my);
		free(password);
		return -1;
	}
	free(password);
	return db_connected(my, err, errlen);
}

/*
 * Once the loop runs, a connection is made without blocking it: a server
 * that accepts but does not answer would otherwise hold every request,
 * even /v1/status, for the whole connect timeout. The attempt is driven by
 * events on its socket; requests meanwhile get a 503.
 */
static void
db_pending_end(void)
{
	if (db_pending_ev != NULL) {
		event_free(db_pending_ev);
		db_pending_ev = NULL;
	}
	free(db_pending_password);
	db_pending_password = NULL;
	db_pending = NULL;
}

/* Give up an attempt still under way (new settings, shutdown). */
static void
db_pending_abort(void)
{
	MYSQL	*my = db_pending;

	if (my == NULL)
		return;
	db_pending_end();
	mysql_close(my);
}

/* The attempt ended: ret is the connection, or NULL if it failed. */
static void
db_pending_done(MYSQL *ret)
{
	char	 err[sizeof db_err];
	MYSQL	*my = db_pending;

	db_pending_end();
	if (ret == NULL) {
		db_connect_error(my, err, sizeof err);
		mysql_close(my);
	} else if (db_connected(my, err, sizeof err) == 0) {
		log_info("database: connected again");
		return;
	}
	if (strcmp(err, db_err) != 0)
		log_warnx("database: %s", err);
	snprintf(db_err, sizeof db_err, "%s", err);
	db_schedule_retry();
}

/* Milliseconds to wait for what the library asked, within the deadline. */
static long long
db_pending_wait_ms(void)
{
	long long	ms = db_pending_deadline - db_now_ms();

	if ((db_pending_status & MYSQL_WAIT_TIMEOUT) &&
	    (long long)mysql_get_timeout_value_ms(db_pending) < ms)
		ms = mysql_get_timeout_value_ms(db_pending);
	return ms < 0 ? 0 : ms;
}

static void
db_pending_arm(void)
{
	struct timeval	tv;
	long long	ms = db_pending_wait_ms();
	short		what = 0;

	if (db_pending_status & MYSQL_WAIT_READ)
		what |= EV_READ;
	if (db_pending_status & MYSQL_WAIT_WRITE)
		what |= EV_WRITE;
	if (db_pending_ev != NULL)
		event_free(db_pending_ev);
	db_pending_ev = event_new(db_base, what != 0 ?
	    mysql_get_socket(db_pending) : -1, what, db_pending_cb, NULL);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	event_add(db_pending_ev, &tv);
}

/*
 * One step of the attempt, given what happened (MYSQL_WAIT_*). A timeout
 * makes the library fail the attempt, which is how the deadline ends it.
 */
static void
db_pending_step(int ready)
{
	MYSQL	*ret = NULL;

	db_pending_status = mysql_real_connect_cont(&ret, db_pending, ready);
	if (db_pending_status == 0)
		db_pending_done(ret);
	else
		db_pending_arm();
}

static void
db_pending_cb(evutil_socket_t fd, short events, void *arg)
{
	int	ready = 0;

	if (events & EV_READ)
		ready |= MYSQL_WAIT_READ;
	if (events & EV_WRITE)
		ready |= MYSQL_WAIT_WRITE;
	if (events & EV_TIMEOUT)
		ready |= MYSQL_WAIT_TIMEOUT;
	db_pending_step(ready);
}

/*
 * Drive the attempt for at most ms: a local server that is up answers in
 * a few milliseconds, so the request that starts the attempt after the
 * server comes back is served rather than refused. What is left of the
 * attempt goes on in the loop.
 */
static void
db_pending_drive(long long ms)
{
	struct pollfd	pfd;
	long long	until = db_now_ms() + ms, left, wait;
	int		n, ready;

	while (db_pending != NULL && (left = until - db_now_ms()) > 0) {
		wait = db_pending_wait_ms();
		pfd.fd = mysql_get_socket(db_pending);
		pfd.events = ((db_pending_status & MYSQL_WAIT_READ) ? POLLIN :
		    0) | ((db_pending_status & MYSQL_WAIT_WRITE) ? POLLOUT : 0);
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)(wait < left ? wait : left));
		if (n == -1 && errno == EINTR)
			continue;
		ready = 0;
		if (n > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			ready |= MYSQL_WAIT_READ;
		if (n > 0 && (pfd.revents & POLLOUT))
			ready |= MYSQL_WAIT_WRITE;
		if (n == 0 && wait < left)
			ready = MYSQL_WAIT_TIMEOUT;
		if (ready == 0)
			break;
		db_pending_step(ready);
	}
}

/* Start connecting in the background; wait_ms as for db_pending_drive. */
static void
db_connect_start(long long wait_ms)
{
	char	 err[sizeof db_err];
	MYSQL	*ret = NULL;

	if (db_my != NULL || db_pending != NULL)
		return;
	if (db_base == NULL) {
		if (db_connect(err, sizeof err) < 0)
			snprintf(db_err, sizeof db_err, "%s", err);
		return;
	}
	db_tried = db_now_ms();
	if (config_read_password(db_conf, &db_pending_password, err,
	    sizeof err) == -1) {
		snprintf(db_err, sizeof db_err, "%s", err);
		db_schedule_retry();
		return;
	}
	db_pending = db_handle_new(1);
	db_pending_deadline = db_tried + db_conf->db_timeout * 1000;
	db_pending_status = mysql_real_connect_start(&ret, db_pending,
	    db_conf->db_host, db_conf->db_user, db_pending_password,
	    db_conf->db_name, (unsigned int)db_conf->db_port,
	    db_conf->db_socket, db_client_flags());
	if (db_pending_status == 0) {
		db_pending_done(ret);
		return;
	}
	db_pending_arm();
	db_pending_drive(wait_ms);
}

/* Run on every new connection before it is used; see migrate_check(). */
void
db_set_check(int (*check)(char *, size_t))
{
	db_check = check;
}

static void
db_schedule_retry(void)
{
	struct timeval	tv = { db_backoff, 0 };

	if (db_base == NULL)
		return;
	if (db_retry_ev == NULL)
		db_retry_ev = evtimer_new(db_base, db_retry_cb, NULL);
	if (!evtimer_pending(db_retry_ev, NULL)) {
		evtimer_add(db_retry_ev, &tv);
		if (db_backoff < DB_BACKOFF_MAX)
			db_backoff = db_backoff * 2 > DB_BACKOFF_MAX ?
			    DB_BACKOFF_MAX : db_backoff * 2;
	}
}

static void
db_retry_cb(evutil_socket_t fd, short events, void *arg)
{
	db_connect_start(0);
}

/*
 * Connect now. -1: the server cannot be reached (db_start keeps trying);
 * -2: it can, but the check set by db_set_check failed.
 */
int
db_init(const struct config *conf, char *err, size_t errlen)
{
	int	rc;

	db_conf = conf;
	if ((rc = db_connect(db_err, sizeof db_err)) < 0)
		errfmt(err, errlen, "%s", db_err);
	return rc;
}

/* The connection for grantd --migrate: it alone runs multi-statement text. */
int
db_init_migration(const struct config *conf, char *err, size_t errlen)
{
	db_multi = 1;
	return db_init(conf, err, errlen);
}

void
db_start(struct event_base *base)
{
	db_base = base;
	if (db_my == NULL)
		db_schedule_retry();
}

static int
db_strdiff(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a != b;
	return strcmp(a, b) != 0;
}

/* After a reload: reconnect if the database settings changed. */
void
db_set_config(const struct config *conf)
{
	const struct config	*old = db_conf;
	int			 changed;

	changed = db_strdiff(old->db_socket, conf->db_socket) ||
	    db_strdiff(old->db_host, conf->db_host) ||
	    old->db_port != conf->db_port ||
	    db_strdiff(old->db_name, conf->db_name) ||
	    db_strdiff(old->db_user, conf->db_user) ||
	    db_strdiff(old->db_password_file, conf->db_password_file);
	db_conf = conf;
	if (changed && (db_my != NULL || db_pending != NULL)) {
		log_info("database: settings changed, reconnecting");
		if (db_my != NULL)
			db_disconnect();
		db_pending_abort();
		db_backoff = 1;
		db_connect_start(0);
	}
}

void
db_shutdown(void)
{
	if (db_retry_ev != NULL) {
		event_free(db_retry_ev);
		db_retry_ev = NULL;
	}
	db_pending_abort();
	if (db_my != NULL) {
		db_disconnect();
	}
	db_base = NULL;
}

static int
db_is_connection_error(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == ER_CONNECTION_KILLED || e == ER_SERVER_SHUTDOWN ||
	    e == CR_COMMANDS_OUT_OF_SYNC;
}

/* Record an error; if it means the connection is gone, start reconnecting. */
static void
db_failed(unsigned int e, const char *msg)
{
	db_last_errno = e;
	snprintf(db_err, sizeof db_err, "%s", msg);
	if (db_my != NULL && db_is_connection_error(e)) {
		log_warnx("database: connection lost: %s", msg);
		db_disconnect();
		db_backoff = 1;
		db_schedule_retry();
	}
}

/* Was the last failure the database going away (503) rather than a bug? */
int
db_lost(void)
{
	return db_my == NULL;
}

/*
 * Before a request uses the connection: if it sat idle, check it is still
 * there, and reconnect at once if the server restarted meanwhile. While it
 * is down, a request may start an attempt every DB_RETRY_MS, so service
 * resumes as soon as the server is back rather than when the backoff timer
 * next fires; the attempt never holds the loop for more than
 * DB_CONNECT_WAIT_MS.
 */
static int
db_check_available(int force)
{
	long long	wait_ms = force ? DB_CONNECT_WAIT_MS : 0;

	if (db_my == NULL && (force || db_now_ms() - db_tried >= DB_RETRY_MS))
		db_connect_start(wait_ms);
	if (db_my != NULL && time(NULL) - db_used >= DB_PING_IDLE &&
	    mysql_ping(db_my) != 0) {
		log_warnx("database: connection lost: %s", mysql_error(db_my));
		snprintf(db_err, sizeof db_err, "%s", mysql_error(db_my));
		db_disconnect();
		db_backoff = 1;
		db_connect_start(wait_ms);
	}
	if (db_my == NULL)
		return 0;
	db_used = time(NULL);
	return 1;
}

/* For the background work: timers, mail. */
int
db_available(void)
{
	return db_check_available(0);
}

/*
 * For a person's request: always try, so the first command after the
 * server is back works, whatever the timers tried a moment before.
 */
int
db_available_now(void)
{
	return db_check_available(1);
}

int
db_raw(const char *sql)
{
	if (db_my == NULL)
		return -1;
	if (mysql_query(db_my, sql) != 0) {
		db_failed(mysql_errno(db_my), mysql_error(db_my));
		return -1;
	}
	/* Drain every result of a multi-statement batch. */
	do {
		MYSQL_RES *res = mysql_store_result(db_my);
		if (res != NULL)
			mysql_free_result(res);
		else if (mysql_field_count(db_my) != 0) {
			db_failed(mysql_errno(db_my), mysql_error(db_my));
			return -1;
		}
	} while (mysql_next_result(db_my) == 0);
	if (mysql_errno(db_my) != 0) {
		db_failed(mysql_errno(db_my), mysql_error(db_my));
		return -1;
	}
	return 0;
}

int
db_begin(void)
{
	return db_raw("START TRANSACTION");
}

int
db_commit(void)
{
	return db_raw("COMMIT");
}

void
db_rollback(void)
{
	if (db_my != NULL)
		(void)mysql_query(db_my, "ROLLBACK");
}

long long
db_insert_id(void)
{
	return db_my != NULL ? (long long)mysql_insert_id(db_my) : 0;
}

/* The prepared statement for sql, from the cache or prepared now. */
static MYSQL_STMT *
db_stmt(const char *sql)
{
	struct db_cached	**slot;
	MYSQL_STMT		 *st;

	if ((slot = db_cache_slot(sql)) != NULL && *slot != NULL)
		return (*slot)->st;
	if ((st = mysql_stmt_init(db_my)) == NULL)
		fatalx("mysql_stmt_init failed");
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		db_stmt_failed(st, sql);
		return NULL;
	}
	db_cache_add(sql, st);
	return st;
}

/* Finished with st: it stays prepared for the next use. */
static void
db_stmt_done(MYSQL_STMT *st)
{
	mysql_stmt_free_result(st);
}

/*
 * st failed: record why, and drop it (a statement in an unknown state is
 * not reused) before the connection itself may be dropped.
 */
static void
db_stmt_failed(MYSQL_STMT *st, const char *sql)
{
	char		msg[512];
	unsigned int	e = mysql_stmt_errno(st);

	snprintf(msg, sizeof msg, "%s", mysql_stmt_error(st));
	log_debug("database: %s: %s", msg, sql);
	db_cache_remove(sql);
	mysql_stmt_close(st);
	db_failed(e, msg);
}

struct db_params {
	MYSQL_BIND	bind[DB_MAX_PARAMS];
	long long	ints[DB_MAX_PARAMS];
	unsigned long	lens[DB_MAX_PARAMS];
	my_bool		nulls[DB_MAX_PARAMS];
};

/* The number of ? placeholders in sql, outside quoted text. */
static size_t
db_placeholders(const char *sql)
{
	size_t	n = 0;
	char	q = 0;

	for (; *sql != '\0'; sql++) {
		if (q != 0) {
			if (*sql == '\\' && q != '`' && sql[1] != '\0')
				sql++;
			else if (*sql == q)
				q = 0;
		} else if (*sql == '\'' || *sql == '"' || *sql == '`')
			q = *sql;
		else if (*sql == '?')
			n++;
	}
	return n;
}

/* May an argument of type letter t (from DB_T) stand for format letter f? */
static int
db_type_fits(char f, char t)
{
	switch (f) {
	case 's':
		return t == 's' || t == 'p';	/* NULL is a void * */
	case 'i':
		return t == 'i' || (t == 'L' && sizeof(long long) ==
		    sizeof(int64_t));
	case 'd':
		return t == 'd';
	default:
		return 0;
	}
}

static const char *
db_type_name(char t)
{
	switch (t) {
	case '\0':
		return "no argument";
	case 's':
		return "a char *";
	case 'p':
		return "a pointer";
	case 'd':
		return "an int";
	case 'i':
		return "an int64_t";
	case 'z':
		return "a size_t";
	case 'l':
		return "a long";
	case 'L':
		return "a long long";
	default:
		return "an argument of another type";
	}
}

/*
 * Does the format fmt agree with sql's placeholders and with types, the
 * letters DB_T gave the arguments? 0 if so; -1 and why in err if not.
 */
int
db_params_check(const char *sql, const char *fmt, const char *types,
    char *err, size_t errlen)
{
	size_t		 i, n = strlen(fmt), want = db_placeholders(sql);
	const char	*t = types;

	if (n > DB_MAX_PARAMS || n != want) {
		errfmt(err, errlen, "format \"%s\" has %zu parameters, the "
		    "statement %zu: %s", fmt, n, want, sql);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (strchr("isdb", fmt[i]) == NULL) {
			errfmt(err, errlen, "format \"%s\": unknown letter "
			    "'%c': %s", fmt, fmt[i], sql);
			return -1;
		}
		if (fmt[i] == 'b' ? *t == '\0' || !db_type_fits('s', *t) ||
		    t[1] != 'z' : !db_type_fits(fmt[i], *t)) {
			errfmt(err, errlen, "format \"%s\": parameter %zu "
			    "('%c') is given %s: %s", fmt, i + 1, fmt[i],
			    db_type_name(*t), sql);
			return -1;
		}
		t += fmt[i] == 'b' ? 2 : 1;
	}
	if (*t != '\0') {
		errfmt(err, errlen, "format \"%s\" is given %zu more "
		    "argument%s than it names: %s", fmt, strlen(t),
		    strlen(t) == 1 ? "" : "s", sql);
		return -1;
	}
	return 0;
}

/* A call whose arguments disagree with its format: a bug, said loudly. */
static int
db_params_ok(const char *sql, const char *fmt, const char *types)
{
	char	err[sizeof db_err - 64];

	if (db_params_check(sql, fmt, types, err, sizeof err) == 0)
		return 1;
	log_warnx("database call does not match its format: %s", err);
	snprintf(db_err, sizeof db_err, "database call does not match its "
	    "format: %s", err);
	db_last_errno = 0;
	return 0;
}

static void
db_bind_string(struct db_params *p, size_t i, const char *s)
{
	MYSQL_BIND	*b = &p->bind[i];

	b->buffer_type = MYSQL_TYPE_STRING;
	if (s == NULL) {
		p->nulls[i] = 1;
		b->is_null = &p->nulls[i];
		return;
	}
	b->buffer = (void *)s;
	p->lens[i] = strlen(s);
	b->buffer_length = p->lens[i];
	b->length = &p->lens[i];
}

/*
 * Bind the arguments by format and execute. types has been checked
 * against fmt, so each va_arg reads the type that was passed.
 */
static MYSQL_STMT *
db_prepare(const char *sql, const char *types, const char *fmt, va_list ap,
    struct db_params *p)
{
	MYSQL_STMT	*st;
	MYSQL_BIND	*b;
	size_t		 i, n = strlen(fmt);

	if (!db_params_ok(sql, fmt, types))
		return NULL;
	if (db_my == NULL) {
		db_last_errno = CR_SERVER_GONE_ERROR;
		return NULL;
	}
	memset(p, 0, sizeof *p);
	for (i = 0; i < n; i++, types++) {
		b = &p->bind[i];
		switch (fmt[i]) {
		case 'i':
			p->ints[i] = *types == 'L' ? va_arg(ap, long long) :
			    (long long)va_arg(ap, int64_t);
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &p->ints[i];
			break;
		case 'd':
			p->ints[i] = va_arg(ap, int);
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &p->ints[i];
			break;
		case 's':
			db_bind_string(p, i, va_arg(ap, const char *));
			break;
		case 'b':
			b->buffer_type = MYSQL_TYPE_BLOB;
			b->buffer = (void *)va_arg(ap, const void *);
			p->lens[i] = va_arg(ap, size_t);
			b->buffer_length = p->lens[i];
			b->length = &p->lens[i];
			types++;
			break;
		}
	}
	if ((st = db_stmt(sql)) == NULL)
		return NULL;
	if (mysql_stmt_param_count(st) != n) {
		/* db_placeholders miscounted: say so rather than bind wrongly. */
		log_warnx("database: %s: the server counts %lu parameters",
		    sql, mysql_stmt_param_count(st));
		snprintf(db_err, sizeof db_err, "parameter count mismatch");
		db_last_errno = 0;
		db_stmt_done(st);
		return NULL;
	}
	if (mysql_stmt_bind_param(st, p->bind) != 0 ||
	    mysql_stmt_execute(st) != 0) {
		db_stmt_failed(st, sql);
		return NULL;
	}
	return st;
}

long long
db_exec_typed(const char *sql, const char *types, const char *fmt, ...)
{
	struct db_params	 p;
	MYSQL_STMT		*st;
	va_list			 ap;
	long long		 rows;

	va_start(ap, fmt);
	st = db_prepare(sql, types, fmt, ap, &p);
	va_end(ap);
	if (st == NULL)
		return -1;
	rows = (long long)mysql_stmt_affected_rows(st);
	db_stmt_done(st);
	db_last_errno = 0;
	return rows;
}

static int
db_field_is_int(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONGLONG:
		return 1;
	default:
		return 0;
	}
}

/* MariaDB's "2026-12-01 00:00:00.000000" as the API's "2026-12-01T00:00:00Z". */
static json_t *
db_datetime_json(const char *s)
{
	time_t	t;
	char	buf[32];

	if (date_parse_utc(s, &t) == -1)
		return json_string(s);
	return json_string(date_format_utc(t, buf, sizeof buf));
}

static json_t *
db_value_json(const MYSQL_FIELD *f, const MYSQL_BIND *b, long long iv,
    const char *sv)
{
	char	*end;

	if (*b->is_null)
		return json_null();
	if (db_field_is_int(f))
		return json_integer(iv);
	switch (f->type) {
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
		return db_datetime_json(sv);
	case MYSQL_TYPE_NEWDECIMAL:
	case MYSQL_TYPE_DECIMAL:
		/* SUM() of a BIGINT column comes back as a decimal. */
		if (f->decimals == 0) {
			long long v = strtoll(sv, &end, 10);
			if (*end == '\0')
				return json_integer(v);
		}
		return json_string(sv);
	default:
		return json_stringn_nocheck(sv, *b->length);
	}
}

/* Run a query; its rows as a JSON array of objects keyed by column name. */
static json_t *
db_vquery(const char *sql, const char *types, const char *fmt, va_list ap)
{
	struct db_params	 p;
	MYSQL_STMT		*st;
	MYSQL_RES		*meta;
	MYSQL_FIELD		*fields;
	MYSQL_BIND		*out;
	long long		*ints;
	char			**bufs;
	unsigned long		*lens;
	my_bool			*nulls, update = 1;
	unsigned int		 nf, i;
	json_t			*rows, *row;
	int			 rc;

	if ((st = db_prepare(sql, types, fmt, ap, &p)) == NULL)
		return NULL;
	if ((meta = mysql_stmt_result_metadata(st)) == NULL)
		fatalx("db_query: statement returns no rows: %s", sql);
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &update);
	if (mysql_stmt_store_result(st) != 0) {
		mysql_free_result(meta);
		db_stmt_failed(st, sql);
		return NULL;
	}
	nf = mysql_num_fields(meta);
	fields = mysql_fetch_fields(meta);
	out = xcalloc(nf, sizeof *out);
	ints = xcalloc(nf, sizeof *ints);
	bufs = xcalloc(nf, sizeof *bufs);
	lens = xcalloc(nf, sizeof *lens);
	nulls = xcalloc(nf, sizeof *nulls);
	for (i = 0; i < nf; i++) {
		out[i].is_null = &nulls[i];
		out[i].length = &lens[i];
		if (db_field_is_int(&fields[i])) {
			out[i].buffer_type = MYSQL_TYPE_LONGLONG;
			out[i].buffer = &ints[i];
			out[i].is_unsigned = (fields[i].flags & UNSIGNED_FLAG) != 0;
		} else {
			size_t size = fields[i].max_length < 64 ? 64 :
			    fields[i].max_length;
			bufs[i] = xmalloc(size + 1);
			out[i].buffer_type = MYSQL_TYPE_STRING;
			out[i].buffer = bufs[i];
			out[i].buffer_length = size + 1;
		}
	}
	rows = json_array();
	if (mysql_stmt_bind_result(st, out) != 0)
		fatalx("db_query: bind_result: %s", mysql_stmt_error(st));
	while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
		row = json_object();
		for (i = 0; i < nf; i++)
			json_object_set_new(row, fields[i].name,
			    db_value_json(&fields[i], &out[i], ints[i], bufs[i]));
		json_array_append_new(rows, row);
	}
	for (i = 0; i < nf; i++)
		free(bufs[i]);
	free(bufs);
	free(out);
	free(ints);
	free(lens);
	free(nulls);
	mysql_free_result(meta);
	if (rc == 1) {
		json_decref(rows);
		db_stmt_failed(st, sql);
		return NULL;
	}
	db_last_errno = 0;
	db_stmt_done(st);
	return rows;
}

json_t *
db_query_typed(const char *sql, const char *types, const char *fmt, ...)
{
	json_t	*rows;
	va_list	 ap;

	va_start(ap, fmt);
	rows = db_vquery(sql, types, fmt, ap);
	va_end(ap);
	return rows;
}

/* The first row, or JSON null when there is none; NULL only on error. */
json_t *
db_query_row_typed(const char *sql, const char *types, const char *fmt, ...)
{
	json_t	*rows, *row;
	va_list	 ap;

	va_start(ap, fmt);
	rows = db_vquery(sql, types, fmt, ap);
	va_end(ap);
	if (rows == NULL)
		return NULL;
	row = json_array_size(rows) > 0 ? json_incref(json_array_get(rows, 0)) :
	    json_null();
	json_decref(rows);
	return row;
}
