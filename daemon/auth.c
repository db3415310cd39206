/* The gate in front of the API: see auth.h. */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <sodium.h>

#include "auth_int.h"
#include "config_auth.h"
#include "front.h"
#include "log.h"

#define SESSION_COOKIE "rtforge_session"

/* What a request needs: a role, and for the actions worth an audit line,
 * their name and rate limit. */
struct need {
	enum auth_role role;
	const char *action;		/* "build", "cancel", … or NULL */
	int limit;			/* enum limit_action, or -1 */
};

struct pending {
	struct evhttp_request *req;	/* NULL once the client left */
	struct evhttp_connection *evcon;
	char *path;
	auth_next_fn next;
	struct auth_who who;
	struct need need;
	bool login;
};

static struct {
	bool off;
	const struct rtforge_config *cfg;
	const struct auth_who *current;
} au;

static const char *const role_names[] = { "none", "viewer", "builder",
	"upgrader" };

bool
auth_is_off(void)
{
	return au.off;
}

const struct auth_who *
auth_current(void)
{
	return au.current;
}

static void
apply_config(const struct rtforge_config *cfg)
{
	au.cfg = cfg;
	au.off = cfg->dev && cfg->auth.token_count == 0;
	tokens_load(&cfg->auth);
	limits_configure(&cfg->auth);
	if (au.off)
		log_warnx("AUTHENTICATION IS OFF: --dev without auth.tokens; "
		    "anyone who can reach %s:%u may build and upgrade",
		    cfg->listen_host, cfg->listen_port);
	else if (cfg->auth.token_count == 0)
		log_warnx("no auth.tokens configured: every API request is "
		    "refused (401); make a token with rtforged --hash-token");
}

int
auth_init(struct event_base *base, const struct rtforge_config *cfg,
    char *err, size_t errlen)
{
	if (tokens_init(base, err, errlen) != 0)
		return -1;
	apply_config(cfg);
	return 0;
}

void
auth_reload(const struct rtforge_config *cfg)
{
	bool kept[CONFIG_TOKENS_MAX] = { false };
	size_t old = tokens_count();
	for (size_t i = 0; i < old; i++) {
		const struct config_token *t = tokens_get((int)i);
		for (size_t j = 0; t && j < cfg->auth.token_count; j++)
			if (strcmp(t->name, cfg->auth.tokens[j].name) == 0 &&
			    strcmp(t->hash, cfg->auth.tokens[j].hash) == 0 &&
			    i == j)
				kept[i] = true;
	}
	sessions_forget_tokens(kept, old);
	for (size_t i = 0; i < old; i++) {
		const struct config_token *t = tokens_get((int)i);
		if (t && !kept[i]) {
			log_info("token %s is gone or changed: its open event "
			    "streams end", t->name);
			sse_end_streams_of(t->name);
		}
	}
	apply_config(cfg);
}

void
auth_shutdown(void)
{
	tokens_shutdown();
}

/* ---- the client's address ---- */

static bool
is_trusted_proxy(const char *addr)
{
	for (size_t i = 0; au.cfg && i < au.cfg->auth.proxy_count; i++)
		if (strcmp(addr, au.cfg->auth.trusted_proxies[i]) == 0)
			return true;
	return false;
}

/* From the right: the first address that is not a trusted proxy. */
static bool
forwarded_client(const char *xff, char *out, size_t outlen)
{
	char copy[1024], *parts[32];
	size_t n = 0;
	if (strlen(xff) >= sizeof(copy))
		return false;
	snprintf(copy, sizeof(copy), "%s", xff);
	char *save = NULL;
	for (char *p = strtok_r(copy, ",", &save); p && n < 32;
	    p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			p[--len] = '\0';
		parts[n++] = p;
	}
	for (size_t i = n; i > 0; i--) {
		if (!config_is_ip(parts[i - 1]))
			return false;
		if (!is_trusted_proxy(parts[i - 1]) || i == 1) {
			snprintf(out, outlen, "%s", parts[i - 1]);
			return true;
		}
	}
	return false;
}

static const char *
peer_address(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	char *addr = NULL;
	ev_uint16_t port = 0;
	if (evcon)
		evhttp_connection_get_peer(evcon, &addr, &port);
	return addr ? addr : "unknown";
}

void
auth_client_address(struct evhttp_request *req, char *out, size_t outlen)
{
	const char *peer = peer_address(req);
	const char *xff = evhttp_find_header(evhttp_request_get_input_headers(
	    req), "X-Forwarded-For");
	if (is_trusted_proxy(peer) && xff && forwarded_client(xff, out, outlen))
		return;
	snprintf(out, outlen, "%s", peer);
}

/* ---- answers ---- */

static void
reply_401(struct evhttp_request *req, const struct auth_who *who,
    const struct need *need, const char *why)
{
	if (need && need->action)
		audit_front(who, http_method_name(evhttp_request_get_command(
		    req)), evhttp_request_get_uri(req), 401, why);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "WWW-Authenticate", "Bearer realm=\"rtforge\"");
	http_reply_error(req, 401, "%s", why);
}

static void
reply_429(struct evhttp_request *req, unsigned wait, const char *what)
{
	char secs[16];
	snprintf(secs, sizeof(secs), "%u", wait);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After",
	    secs);
	http_reply_error(req, 429, "%s; try again in %u s", what, wait);
}

/* ---- what a request needs ---- */

static bool
body_says_dry_run(struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	if (len == 0 || len > FRONT_BODY_MAX)
		return false;
	const char *data = (const char *)evbuffer_pullup(in, -1);
	json_t *o = data ? json_loadb(data, len, 0, NULL) : NULL;
	bool dry = json_is_true(json_object_get(o, "dry_run"));
	json_decref(o);
	return dry;
}

static struct need
required(struct evhttp_request *req, const char *path)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct need n = { AUTH_VIEWER, NULL, -1 };
	if (cmd == EVHTTP_REQ_POST && (strcmp(path, "/api/build/runtime") == 0 ||
	    strcmp(path, "/api/build/node") == 0))
		n = (struct need){ AUTH_BUILDER, "build", LIMIT_BUILD };
	else if (cmd == EVHTTP_REQ_DELETE &&
	    strncmp(path, "/api/build/jobs/", 16) == 0)
		n = (struct need){ AUTH_BUILDER, "cancel", -1 };
	else if (cmd == EVHTTP_REQ_POST && strcmp(path,
	    "/api/upgrade/submit") == 0)
		n = body_says_dry_run(req) ? (struct need){ AUTH_UPGRADER,
		    "upgrade_dry_run", -1 } : (struct need){ AUTH_UPGRADER,
		    "upgrade", LIMIT_UPGRADE };
	else if (cmd == EVHTTP_REQ_POST && strcmp(path,
	    "/api/upgrade/upload") == 0)
		n = (struct need){ AUTH_UPGRADER, "upload", -1 };
	else if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD &&
	    cmd != EVHTTP_REQ_OPTIONS)
		/* Anything else that may change state: the route refuses it
		 * (405), but only after the caller proved who it is. */
		n.role = AUTH_VIEWER;
	return n;
}

/* ---- CSRF ---- */

/* A browser's request made with the session cookie must come from the
 * page: its Origin is the configured public origin (or this host), or it
 * says Sec-Fetch-Site: same-origin. */
static bool
same_origin(struct evhttp_request *req)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(req);
	const char *origin = evhttp_find_header(h, "Origin");
	const char *site = evhttp_find_header(h, "Sec-Fetch-Site");
	if (origin == NULL)
		return site != NULL && strcmp(site, "same-origin") == 0;
	if (au.cfg->auth.public_origin[0])
		return strcasecmp(origin, au.cfg->auth.public_origin) == 0;
	const char *host = evhttp_find_header(h, "Host");
	const char *p = strstr(origin, "://");
	return host && p && strcasecmp(p + 3, host) == 0;
}

/* ---- going on ---- */

static void
authorize(struct evhttp_request *req, const char *path, auth_next_fn next,
    const struct auth_who *who, const struct need *need)
{
	const char *method = http_method_name(evhttp_request_get_command(req));
	if (who->role < need->role) {
		if (need->action)
			audit_front(who, method, path, 403, "role");
		http_reply_error(req, 403, "token \"%s\" has the role %s; this "
		    "needs %s", who->name, role_names[who->role],
		    role_names[need->role]);
		return;
	}
	if (need->limit >= 0) {
		unsigned wait = limits_action(who->name, need->limit, time(NULL));
		if (wait) {
			audit_front(who, method, path, 429, "rate limit");
			reply_429(req, wait, need->limit == LIMIT_BUILD ?
			    "this token started its builds for this window" :
			    "this token submitted its upgrades for this window");
			return;
		}
	}
	if (need->action)
		audit_front(who, method, path, 0, need->action);
	au.current = who;
	next(req, path);
	au.current = NULL;
}

static void
fill_who(struct auth_who *who, int token_index, const char *via)
{
	const struct config_token *t = tokens_get(token_index);
	snprintf(who->name, sizeof(who->name), "%s", t ? t->name : "");
	who->role = t ? (enum auth_role)config_auth_role_rank(t->role) :
	    AUTH_NONE;
	who->via = via;
}

static void login_answer(struct evhttp_request *req, struct auth_who *who,
    int token_index);

static void
pending_free(struct pending *p)
{
	if (p->req)
		evhttp_connection_set_closecb(p->evcon, NULL, NULL);
	free(p->path);
	free(p);
}

static void
pending_gone(struct evhttp_connection *evcon, void *arg)
{
	struct pending *p = arg;
	(void)evcon;
	p->req = NULL;
}

static void
on_verified(int token_index, bool ok, void *arg)
{
	struct pending *p = arg;
	if (p->req == NULL) {
		if (!ok)
			limits_login_failed(p->who.client, time(NULL));
		pending_free(p);
		return;
	}
	evhttp_connection_set_closecb(p->evcon, NULL, NULL);
	struct evhttp_request *req = p->req;
	p->req = NULL;
	if (!ok) {
		limits_login_failed(p->who.client, time(NULL));
		reply_401(req, &p->who, &p->need, "wrong token: the secret does "
		    "not match that token's hash");
	} else if (p->login) {
		login_answer(req, &p->who, token_index);
	} else {
		fill_who(&p->who, token_index, "token");
		authorize(req, p->path, p->next, &p->who, &p->need);
	}
	pending_free(p);
}

/* Starts a token check; true when it was answered or handed off. */
static void
check_token(struct evhttp_request *req, const char *path, auth_next_fn next,
    struct auth_who *who, const struct need *need, const char *token,
    bool login)
{
	const char *secret = NULL;
	time_t now = time(NULL);
	unsigned wait = limits_login_allowed(who->client, now);
	if (wait) {
		reply_429(req, wait, "too many failed token checks from this "
		    "address");
		return;
	}
	int index = tokens_find(token, &secret);
	if (index < 0) {
		limits_login_failed(who->client, now);
		reply_401(req, who, need, "unknown token: send \"<name>.<secret>"
		    "\" as made for auth.tokens");
		return;
	}
	struct pending *p = calloc(1, sizeof(*p));
	if (p == NULL || (p->path = strdup(path)) == NULL) {
		free(p);
		http_reply_error(req, 503, "out of memory; try again");
		return;
	}
	switch (tokens_check(index, secret, on_verified, p)) {
	case TOKENS_OK:
		free(p->path);
		free(p);
		fill_who(who, index, "token");
		if (login)
			login_answer(req, who, index);
		else
			authorize(req, path, next, who, need);
		return;
	case TOKENS_BUSY:
		free(p->path);
		free(p);
		http_reply_error(req, 503, "too many token checks at once; try "
		    "again in a second");
		return;
	default:
		p->req = req;
		p->evcon = evhttp_request_get_connection(req);
		p->next = next;
		p->who = *who;
		p->need = *need;
		p->login = login;
		evhttp_connection_set_closecb(p->evcon, pending_gone, p);
	}
}

/* ---- login, logout, whoami ---- */

static const char *
cookie_value(struct evhttp_request *req, const char *name)
{
	static char value[AUTH_SESSION_ID_HEX + 1];
	const char *c = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Cookie");
	size_t n = strlen(name);
	for (const char *p = c; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > n && strncmp(p, name, n) == 0 && p[n] == '=' &&
		    len - n - 1 <= AUTH_SESSION_ID_HEX) {
			memcpy(value, p + n + 1, len - n - 1);
			value[len - n - 1] = '\0';
			return value;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

static bool
secure_cookie(struct evhttp_request *req)
{
	const char *proto = evhttp_find_header(evhttp_request_get_input_headers(
	    req), "X-Forwarded-Proto");
	return is_trusted_proxy(peer_address(req)) && ((proto &&
	    strcasecmp(proto, "https") == 0) ||
	    strncmp(au.cfg->auth.public_origin, "https://", 8) == 0);
}

static void
set_cookie(struct evhttp_request *req, const char *value, long max_age)
{
	char cookie[256];
	snprintf(cookie, sizeof(cookie), "%s=%s; Path=%s; Max-Age=%ld; "
	    "HttpOnly; SameSite=Strict%s", SESSION_COOKIE, value,
	    au.cfg->base_path, max_age, secure_cookie(req) ? "; Secure" : "");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie",
	    cookie);
}

static void
login_answer(struct evhttp_request *req, struct auth_who *who,
    int token_index)
{
	char id[AUTH_SESSION_ID_HEX + 1];
	time_t expires;
	fill_who(who, token_index, "session");
	sessions_create(token_index, au.cfg->auth.session_ttl_seconds, id,
	    &expires);
	set_cookie(req, id, (long)au.cfg->auth.session_ttl_seconds);
	sodium_memzero(id, sizeof(id));
	audit_front(who, "POST", "/api/login", 200, "login");
	http_reply_json(req, 200, json_pack("{s:s, s:s, s:I}", "name",
	    who->name, "role", role_names[who->role], "expires_in",
	    (json_int_t)au.cfg->auth.session_ttl_seconds));
}

static void
route_login(struct evhttp_request *req, struct auth_who *who)
{
	static const struct need login_need = { AUTH_VIEWER, "login", -1 };
	if (!front_is_method(req, EVHTTP_REQ_POST, "POST"))
		return;
	if (au.off) {
		http_reply_error(req, 409, "authentication is off (--dev without "
		    "auth.tokens): there is nothing to log in to");
		return;
	}
	/* Login CSRF: a foreign page must not log a browser in. */
	if (evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Origin") && !same_origin(req)) {
		http_reply_error(req, 403, "login from another origin refused");
		return;
	}
	json_t *body = http_read_json_body(req, FRONT_BODY_MAX);
	if (body == NULL)
		return;
	const char *token = json_string_value(json_object_get(body, "token"));
	if (token == NULL || json_object_size(body) != 1) {
		json_decref(body);
		http_reply_error(req, 400, "send {\"token\": \"<name>.<secret>\"}");
		return;
	}
	check_token(req, "/api/login", NULL, who, &login_need, token, true);
	json_decref(body);
}

static void
route_logout(struct evhttp_request *req, struct auth_who *who)
{
	if (!front_is_method(req, EVHTTP_REQ_POST, "POST"))
		return;
	const char *id = cookie_value(req, SESSION_COOKIE);
	if (id)
		sessions_delete(id);
	set_cookie(req, "", 0);
	audit_front(who, "POST", "/api/logout", 200, "logout");
	http_reply_json(req, 200, json_pack("{s:b}", "logged_out", 1));
}

static void
route_whoami(struct evhttp_request *req, const char *path)
{
	const struct auth_who *who = auth_current();
	(void)path;
	if (!front_is_method(req, EVHTTP_REQ_GET, "GET"))
		return;
	http_reply_json(req, 200, json_pack("{s:s, s:s, s:s, s:b}", "name",
	    who->name, "role", role_names[who->role], "via", who->via, "auth",
	    !au.off));
}

/* ---- the gate ---- */

void
auth_gate(struct evhttp_request *req, const char *path, auth_next_fn next)
{
	struct auth_who who = { .role = AUTH_NONE, .via = "-" };
	auth_client_address(req, who.client, sizeof(who.client));
	unsigned wait = limits_request(who.client, time(NULL));
	if (wait) {
		reply_429(req, wait, "too many requests from this address");
		return;
	}
	if (strcmp(path, "/api/login") == 0) {
		route_login(req, &who);
		return;
	}
	if (strcmp(path, "/api/logout") == 0) {
		route_logout(req, &who);
		return;
	}
	if (strcmp(path, "/api/whoami") == 0)
		next = route_whoami;
	struct need need = required(req, path);
	if (au.off) {
		snprintf(who.name, sizeof(who.name), "dev");
		who.role = AUTH_UPGRADER;
		who.via = "off";
		authorize(req, path, next, &who, &need);
		return;
	}
	const char *authz = evhttp_find_header(evhttp_request_get_input_headers(
	    req), "Authorization");
	if (authz != NULL) {
		if (strncasecmp(authz, "Bearer ", 7) != 0) {
			reply_401(req, &who, &need, "Authorization must be "
			    "\"Bearer <name>.<secret>\"");
			return;
		}
		check_token(req, path, next, &who, &need, authz + 7, false);
		return;
	}
	const char *sid = cookie_value(req, SESSION_COOKIE);
	int index = sid ? sessions_lookup(sid) : -1;
	if (index < 0) {
		reply_401(req, &who, &need, sid ? "the session expired or was "
		    "logged out; log in again" : "authentication required: send "
		    "Authorization: Bearer <name>.<secret>, or log in on the page");
		return;
	}
	fill_who(&who, index, "session");
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD && !same_origin(req)) {
		if (need.action)
			audit_front(&who, http_method_name(cmd), path, 403, "csrf");
		http_reply_error(req, 403, "cross-site request refused: a "
		    "session may change state only from the rtforge page "
		    "(Origin %s)", au.cfg->auth.public_origin[0] ?
		    au.cfg->auth.public_origin : "of this host");
		return;
	}
	authorize(req, path, next, &who, &need);
}
