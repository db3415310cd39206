/* Access control in the front: who a request comes from (a bearer token,
 * a browser session, or nobody), whether their role allows it, whether a
 * browser's state-changing request really comes from the page (CSRF), and
 * the rate limits. See README, "Access control".
 *
 *   viewer    GET anything: jobs, logs, artifacts, upgrades, chain
 *   builder   + start and cancel builds
 *   upgrader  + upload runtimes and submit upgrades
 *
 * A token is "<name>.<secret>"; the config keeps only the argon2id hash of
 * the secret. argon2id is slow by design, so it runs on a thread of its
 * own, once per token and secret; after that a keyed BLAKE2b of the secret
 * answers in microseconds. */
#ifndef RTFORGE_AUTH_H
#define RTFORGE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <event2/event.h>
#include <event2/http.h>

#include "config.h"

enum auth_role { AUTH_NONE = 0, AUTH_VIEWER, AUTH_BUILDER, AUTH_UPGRADER };

struct auth_who {
	char name[CONFIG_TOKEN_NAME_MAX];	/* the token's name, or "dev" */
	enum auth_role role;
	const char *via;			/* "token", "session", "off" */
	char client[CONFIG_ADDRESS_MAX];	/* the client's address */
};

/* Called with the request once it may go on. path is the route path. */
typedef void (*auth_next_fn)(struct evhttp_request *req, const char *path);

/* After the config: the tokens, the verifier thread, a fresh MAC key. */
int auth_init(struct event_base *base, const struct rtforge_config *cfg,
    char *err, size_t errlen);
/* On reload: tokens, roles and limits from the new config. Sessions of
 * tokens that are gone end. */
void auth_reload(const struct rtforge_config *cfg);
void auth_shutdown(void);

/* True when no token is configured in --dev: everything is allowed. */
bool auth_is_off(void);

/* The gate for /api/… (and /metrics): answers 401/403/429 itself, or
 * calls next (now or, after a token check off the loop, later). Handles
 * /api/login, /api/logout and /api/whoami itself. */
void auth_gate(struct evhttp_request *req, const char *path,
    auth_next_fn next);

/* Who the request being dispatched comes from (valid during next()). */
const struct auth_who *auth_current(void);

/* The client's address: the peer, or with a trusted proxy as the peer,
 * the last address in X-Forwarded-For that is not a trusted proxy. */
void auth_client_address(struct evhttp_request *req, char *out,
    size_t outlen);

/* --hash-token: reads "<name>.<secret>" from stdin, prints the hash. */
int auth_hash_token_main(void);

#endif
