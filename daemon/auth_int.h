/* Between the auth files: tokens, sessions, limits. */
#ifndef RTFORGE_AUTH_INT_H
#define RTFORGE_AUTH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "auth.h"
#include "config.h"

#define AUTH_SECRET_MAX 256
#define AUTH_SESSION_ID_HEX 64

/* auth_tokens.c */
typedef void (*token_verified_fn)(int token_index, bool ok, void *arg);
int tokens_init(struct event_base *base, char *err, size_t errlen);
void tokens_load(const struct config_auth *auth);
void tokens_shutdown(void);
size_t tokens_count(void);
const struct config_token *tokens_get(int index);
/* Splits "<name>.<secret>" and finds the name: the index, or -1. */
int tokens_find(const char *token, const char **secret);
/* TOKENS_OK: the secret is the one verified before (microseconds);
 * TOKENS_PENDING: fn is called later from the loop; TOKENS_BUSY: too many
 * checks queued. */
enum { TOKENS_OK, TOKENS_PENDING, TOKENS_BUSY };
int tokens_check(int index, const char *secret, token_verified_fn fn,
    void *arg);

/* auth_sessions.c */
int sessions_create(int token_index, unsigned ttl,
    char id_hex[AUTH_SESSION_ID_HEX + 1], time_t *expires);
/* The session's token index, or -1 (unknown or expired). */
int sessions_lookup(const char *id_hex);
void sessions_delete(const char *id_hex);
/* Ends every session whose token is not kept[i]. */
void sessions_forget_tokens(const bool *kept, size_t count);

/* auth_limits.c */
void limits_configure(const struct config_auth *auth);
/* 0, or the seconds to wait. */
unsigned limits_request(const char *client, time_t now);
unsigned limits_login_allowed(const char *client, time_t now);
void limits_login_failed(const char *client, time_t now);
enum limit_action { LIMIT_BUILD, LIMIT_UPGRADE };
unsigned limits_action(const char *token_name, enum limit_action what,
    time_t now);

/* audit.c: the front's audit log, <state>/audit/front.jsonl. */
void audit_front(const struct auth_who *who, const char *method,
    const char *path, int status, const char *detail);

#endif
