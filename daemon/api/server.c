/*
 * api.c: the control API, HTTP/JSON on a Unix socket. The caller is known
 * by its peer credentials; grantctl's own checks are only a courtesy.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "core/core.h"
#include "api/api.h"
#include "mail/mime.h"

#define API_MAX_BODY	(1024 * 1024)

static struct evhttp			*api_http;
static struct evhttp_bound_socket	*api_bound;
static char				*api_socket_path;

static const struct api_route *const api_tables[] = {
	api_status_routes, api_fund_routes, api_round_routes,
	api_budget_routes, api_user_routes, api_audit_routes,
	api_outbox_routes, api_intake_routes, api_app_routes,
	api_assess_routes, api_report_routes, api_payrun_routes,
	api_monitor_routes, api_grant_routes,
};

void
api_reply(struct api_req *r, int code, json_t *body)
{
	struct evbuffer	*buf = evbuffer_new();
	char		*text;

	text = json_dumps(body, JSON_COMPACT);
	evbuffer_add_printf(buf, "%s\n", text);
	free(text);
	json_decref(body);
	evhttp_add_header(evhttp_request_get_output_headers(r->req),
	    "Content-Type", "application/json");
	evhttp_send_reply(r->req, code, code < 300 ? "OK" : "Error", buf);
	evbuffer_free(buf);
}

/*
 * A file and what describes it, in one reply: the description's JSON on
 * the first line, then the file's bytes as they are. A bank file of a
 * large run is tens of megabytes, too much to escape into JSON and back.
 */
void
api_reply_file(struct api_req *r, json_t *meta, const char *data, size_t len)
{
	struct evbuffer	*buf = evbuffer_new();
	char		*text;

	text = json_dumps(meta, JSON_COMPACT);
	evbuffer_add_printf(buf, "%s\n", text);
	evbuffer_add(buf, data, len);
	free(text);
	json_decref(meta);
	evhttp_add_header(evhttp_request_get_output_headers(r->req),
	    "Content-Type", "application/vnd.grantd.file");
	evhttp_send_reply(r->req, 200, "OK", buf);
	evbuffer_free(buf);
}

void
api_error(struct api_req *r, int code, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	char	*clean;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (code >= 500)
		log_warnx("api: %s %s: %s", evhttp_request_get_uri(r->req),
		    r->user_name, msg);
	/* The message may quote what the caller sent: make it valid UTF-8. */
	clean = mime_utf8_clean(msg, strlen(msg));
	api_reply(r, code, json_pack("{s:s}", "error", clean));
	free(clean);
}

/* A failed query: the server going away is a 503, anything else a bug. */
/*
 * Admins seen to authorise since grantd started: while the database is
 * down, nobody's roles can be looked up, and these are the callers who may
 * still see its error.
 */
#define API_ADMINS_MAX 32
static uid_t	api_admins[API_ADMINS_MAX];
static int	api_nadmins;

static void
api_admin_note(uid_t uid, int is_admin)
{
	int	i;

	for (i = 0; i < api_nadmins; i++)
		if (api_admins[i] == uid)
			break;
	if (is_admin && i == api_nadmins && api_nadmins < API_ADMINS_MAX)
		api_admins[api_nadmins++] = uid;
	else if (!is_admin && i < api_nadmins)
		api_admins[i] = api_admins[--api_nadmins];
}

/*
 * Whether the caller may see the database's error, which names its host
 * or socket, database and user: admins, root and grantd's own uid (who
 * can read grantd.conf anyway), never a stranger.
 */
int
api_sees_detail(const struct api_req *r)
{
	int	i;

	if ((r->roles & ROLE_ADMIN) || r->uid == 0 || r->uid == getuid())
		return 1;
	for (i = 0; i < api_nadmins; i++)
		if (api_admins[i] == r->uid)
			return 1;
	return 0;
}

static void
api_unavailable(struct api_req *r)
{
	if (api_sees_detail(r))
		api_error(r, 503, "database unavailable, try again shortly: %s",
		    db_last_error());
	else
		api_error(r, 503, "database unavailable, try again shortly");
}

void
api_db_error(struct api_req *r)
{
	db_rollback();
	if (db_lost())
		api_unavailable(r);
	else
		api_error(r, 500, "internal database error: %s",
		    db_last_error());
}

/* A refusal from a domain module, as the HTTP status it stands for. */
void
api_fail(struct api_req *r, const struct dom_err *e)
{
	switch (e->status) {
	case DOM_BAD:
		api_error(r, 400, "%s", e->msg);
		break;
	case DOM_NOT_FOUND:
		api_error(r, 404, "%s", e->msg);
		break;
	case DOM_CONFLICT:
		api_error(r, 409, "%s", e->msg);
		break;
	case DOM_UNAVAILABLE:
		api_error(r, 503, "%s", e->msg);
		break;
	default:
		api_db_error(r);
		break;
	}
}

/* The answer of a module call: body, or the refusal in e if it is NULL. */
void
api_result(struct api_req *r, int status, json_t *body,
    const struct dom_err *e)
{
	if (body == NULL)
		api_fail(r, e);
	else
		api_reply(r, status, body);
}

/* A list from a module, as {"key": [...]}, or the refusal in e. */
void
api_list(struct api_req *r, const char *key, json_t *rows,
    const struct dom_err *e)
{
	api_result(r, 200, rows != NULL ? json_pack("{s:o}", key, rows) : NULL,
	    e);
}

const char *
api_query(struct api_req *r, const char *key)
{
	return evhttp_find_header(r->query, key);
}

const char *
api_str(struct api_req *r, const char *key)
{
	json_t	*v = json_object_get(r->body, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * A text from the body bounded to max bytes for its column (marked where
 * cut), so that a long one is kept shortened rather than failing the
 * insert.
 */
const char *
api_text(struct api_req *r, const char *key, size_t max)
{
	json_t	*v = json_object_get(r->body, key);
	char	*c;

	if (!json_is_string(v))
		return NULL;
	if (json_string_length(v) > max) {
		c = check_bounded(json_string_value(v), max);
		json_object_set_new(r->body, key, json_string(c));
		free(c);
	}
	return api_str(r, key);
}

/*
 * An amount from the body, as typed ("£1,234.56") or as integer pence.
 * Returns 1 when given, 0 when absent and optional; on -1 it has replied 400.
 */
int
api_money(struct api_req *r, const char *key, int required, int64_t *out)
{
	struct dom_err	e;
	int		rc;

	if ((rc = dom_money(r->body, key, required, out, &e)) == -1)
		api_fail(r, &e);
	return rc;
}

static int
api_peer_uid(struct evhttp_request *req, uid_t *uid)
{
	struct evhttp_connection	*conn;
	struct bufferevent		*bev;
	struct ucred			 cred;
	socklen_t			 len = sizeof cred;

	if ((conn = evhttp_request_get_connection(req)) == NULL ||
	    (bev = evhttp_connection_get_bufferevent(conn)) == NULL ||
	    getsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_PEERCRED, &cred,
	    &len) == -1)
		return -1;
	*uid = cred.uid;
	return 0;
}

static const struct api_route *
api_match(struct api_req *r, const char *method, int *wrong_method)
{
	const struct api_route	*rt;
	char			 pat[128], *parts[8], *p, *tok;
	size_t			 t;
	int			 n, i, ok;

	*wrong_method = 0;
	for (t = 0; t < sizeof api_tables / sizeof api_tables[0]; t++) {
		for (rt = api_tables[t]; rt->method != NULL; rt++) {
			snprintf(pat, sizeof pat, "%s", rt->pattern);
			n = 0;
			p = pat;
			while ((tok = strsep(&p, "/")) != NULL && n < 8)
				if (*tok != '\0')
					parts[n++] = tok;
			if (n != r->nparts)
				continue;
			for (ok = 1, i = 0; i < n && ok; i++)
				ok = strcmp(parts[i], "*") == 0 ||
				    strcmp(parts[i], r->parts[i]) == 0;
			if (!ok)
				continue;
			if (strcmp(rt->method, method) == 0)
				return rt;
			*wrong_method = 1;
		}
	}
	return NULL;
}

static int
api_authorise(struct api_req *r, const struct api_route *rt)
{
	struct user	 u;
	struct dom_err	 e;
	char		*have, *need;
	int		 roles;

	if (rt->roles == ROLE_NOBODY)
		return 0;
	if (!db_available_now()) {
		api_unavailable(r);
		return -1;
	}
	if (user_by_uid(r->uid, &u, &e) == -1) {
		if (e.status != DOM_NOT_FOUND) {
			api_fail(r, &e);
			return -1;
		}
		api_admin_note(r->uid, 0);
		api_error(r, 403, "uid %u is not a grantd user (an admin can "
		    "add it: grantctl user add NAME --uid %u --role ROLE)",
		    (unsigned)r->uid, (unsigned)r->uid);
		return -1;
	}
	r->user_id = u.id;
	snprintf(r->user_name, sizeof r->user_name, "%s", u.name);
	r->roles = roles = u.roles;
	api_admin_note(r->uid, (roles & ROLE_ADMIN) != 0);
	if (rt->roles == ROLE_ANY || (roles & (rt->roles | ROLE_ADMIN)))
		return 0;
	have = roles_format(roles);
	need = roles_format(rt->roles);
	api_error(r, 403, "user %s (roles: %s) may not do this; it needs one "
	    "of: %s", r->user_name, *have != '\0' ? have : "none", need);
	free(have);
	free(need);
	return -1;
}

static const char *
api_method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:	return "GET";
	case EVHTTP_REQ_POST:	return "POST";
	case EVHTTP_REQ_PUT:	return "PUT";
	case EVHTTP_REQ_DELETE:	return "DELETE";
	case EVHTTP_REQ_PATCH:	return "PATCH";
	default:		return "OTHER";
	}
}

static int
api_parse_body(struct api_req *r)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->req);
	size_t		 len = evbuffer_get_length(in);
	json_error_t	 jerr;

	if (len == 0) {
		r->body = json_object();
		return 0;
	}
	r->body = json_loadb((const char *)evbuffer_pullup(in, -1), len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (r->body == NULL || !json_is_object(r->body)) {
		api_error(r, 400, "request body is not a JSON object: %s",
		    r->body == NULL ? jerr.text : "wrong type");
		return -1;
	}
	return 0;
}

static void
api_request_cb(struct evhttp_request *req, void *arg)
{
	struct api_req		 r;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const struct api_route	*rt;
	struct evkeyvalq	 query;
	char			*path, *split, *p, *tok, *decoded;
	const char		*method, *qs;
	int			 wrong;

	memset(&r, 0, sizeof r);
	r.req = req;
	TAILQ_INIT(&query);
	r.query = &query;
	snprintf(r.user_name, sizeof r.user_name, "-");
	method = api_method_name(evhttp_request_get_command(req));
	if (api_peer_uid(req, &r.uid) == -1) {
		api_error(&r, 403, "cannot read the caller's credentials");
		return;
	}
	path = xstrdup(evhttp_uri_get_path(uri) != NULL ?
	    evhttp_uri_get_path(uri) : "/");
	r.path = path;
	p = split = xstrdup(path);
	while ((tok = strsep(&p, "/")) != NULL)
		if (*tok != '\0' && r.nparts < 8) {
			decoded = evhttp_uridecode(tok, 0, NULL);
			r.parts[r.nparts++] = decoded;
		}
	if ((qs = evhttp_uri_get_query(uri)) != NULL &&
	    evhttp_parse_query_str(qs, &query) == -1) {
		api_error(&r, 400, "malformed query string");
		goto out;
	}
	if ((rt = api_match(&r, method, &wrong)) == NULL) {
		if (wrong)
			api_error(&r, 405, "%s is not allowed on %s", method,
			    r.path);
		else
			api_error(&r, 404, "no such API path: %s", r.path);
		goto out;
	}
	if (api_parse_body(&r) == -1 || api_authorise(&r, rt) == -1)
		goto out;
	log_debug("api: %s %s by %s (uid %u)", method, r.path, r.user_name,
	    (unsigned)r.uid);
	rt->handler(&r);
out:
	while (r.nparts > 0)
		free(r.parts[--r.nparts]);
	evhttp_clear_headers(&query);
	json_decref(r.body);
	free(split);
	free(path);
}

/* Refuse to steal a socket another grantd is still serving. */
static int
api_socket_in_use(const struct sockaddr_un *sun)
{
	int	fd, used;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return 0;
	used = connect(fd, (const struct sockaddr *)sun, sizeof *sun) == 0;
	close(fd);
	return used;
}

int
api_listen(struct event_base *base, const char *path, char *err,
    size_t errlen)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		errfmt(err, errlen, "api socket path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (api_socket_in_use(&sun)) {
		errfmt(err, errlen, "%s: another grantd is already listening",
		    path);
		return -1;
	}
	unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    listen(fd, 64) == -1) {
		errfmt(err, errlen, "api socket %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	/* Anyone may connect; who they are decides what they may do. */
	chmod(path, 0666);
	api_http = evhttp_new(base);
	evhttp_set_max_body_size(api_http, API_MAX_BODY);
	evhttp_set_allowed_methods(api_http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(api_http, api_request_cb, NULL);
	if ((api_bound = evhttp_accept_socket_with_handle(api_http, fd)) == NULL) {
		errfmt(err, errlen, "api socket %s: cannot accept", path);
		close(fd);
		evhttp_free(api_http);
		api_http = NULL;
		return -1;
	}
	api_socket_path = xstrdup(path);
	return 0;
}

/* Refuse new connections; those open may finish. */
void
api_stop_accepting(void)
{
	if (api_bound != NULL) {
		evhttp_del_accept_socket(api_http, api_bound);
		api_bound = NULL;
	}
	if (api_socket_path != NULL)
		unlink(api_socket_path);
}

void
api_close(void)
{
	api_stop_accepting();
	if (api_http != NULL) {
		evhttp_free(api_http);
		api_http = NULL;
	}
	if (api_socket_path != NULL) {
		unlink(api_socket_path);
		free(api_socket_path);
		api_socket_path = NULL;
	}
}
