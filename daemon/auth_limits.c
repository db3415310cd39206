/* Rate limits, counted in fixed windows: requests per client address per
 * minute, failed token checks per client per minute, and builds and
 * upgrades per token per configured window. Tables are fixed-size; when
 * full, the stalest entry is reused, so memory never grows with the
 * number of clients. */
#include <stdio.h>
#include <string.h>

#include "auth_int.h"

#define CLIENTS_MAX 4096
#define ACTIONS_MAX (CONFIG_TOKENS_MAX * 2)

struct counter {
	char key[CONFIG_ADDRESS_MAX + 8];
	time_t window_start;
	unsigned count;
};

static struct config_auth conf;
static struct counter requests[CLIENTS_MAX];
static struct counter failures[CLIENTS_MAX];
static struct counter actions[ACTIONS_MAX];

void
limits_configure(const struct config_auth *auth)
{
	conf = *auth;
}

static struct counter *
slot(struct counter *table, size_t n, const char *key, time_t now,
    time_t window)
{
	struct counter *stalest = &table[0];
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].key, key) == 0) {
			if (now - table[i].window_start >= window) {
				table[i].window_start = now;
				table[i].count = 0;
			}
			return &table[i];
		}
		if (table[i].window_start < stalest->window_start)
			stalest = &table[i];
	}
	snprintf(stalest->key, sizeof(stalest->key), "%s", key);
	stalest->window_start = now;
	stalest->count = 0;
	return stalest;
}

static unsigned
wait_left(const struct counter *c, time_t now, time_t window)
{
	time_t left = c->window_start + window - now;
	return left > 0 ? (unsigned)left : 1;
}

unsigned
limits_request(const char *client, time_t now)
{
	if (conf.requests_per_minute == 0)
		return 0;
	struct counter *c = slot(requests, CLIENTS_MAX, client, now, 60);
	if (c->count >= conf.requests_per_minute)
		return wait_left(c, now, 60);
	c->count++;
	return 0;
}

unsigned
limits_login_allowed(const char *client, time_t now)
{
	struct counter *c = slot(failures, CLIENTS_MAX, client, now, 60);
	return c->count >= conf.login_failures_per_minute ?
	    wait_left(c, now, 60) : 0;
}

void
limits_login_failed(const char *client, time_t now)
{
	slot(failures, CLIENTS_MAX, client, now, 60)->count++;
}

unsigned
limits_action(const char *token_name, enum limit_action what, time_t now)
{
	unsigned max = what == LIMIT_BUILD ? conf.builds_per_window :
	    conf.upgrades_per_window;
	char key[CONFIG_TOKEN_NAME_MAX + 8];
	if (max == 0)
		return 0;
	snprintf(key, sizeof(key), "%c:%s", what == LIMIT_BUILD ? 'b' : 'u',
	    token_name);
	struct counter *c = slot(actions, ACTIONS_MAX, key, now,
	    (time_t)conf.window_seconds);
	if (c->count >= max)
		return wait_left(c, now, (time_t)conf.window_seconds);
	c->count++;
	return 0;
}
