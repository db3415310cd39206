/* How every role process starts: the supervisor hands it one channel on
 * ROLE_SUPERVISOR_FD. The first message is the validated config; after
 * that, new channels to its peers arrive as ROLE_CHANNEL messages. A role
 * whose supervisor goes away stops, since nobody could restart it. */
#ifndef RTFORGE_ROLE_H
#define RTFORGE_ROLE_H

#include <event2/event.h>

#include "config.h"

#define ROLE_SUPERVISOR_FD 3
#define ROLE_LISTEN_FD 4

struct role_hooks {
	/* The config arrived (once). Return 0, or -1 to stop the role. */
	int (*on_config)(const struct rtforge_config *cfg, void *arg);
	/* A new channel to peer (IPC_PEER_*); the role owns fd. */
	void (*on_channel)(uint32_t peer, int fd, void *arg);
	/* The supervisor is gone or sent garbage: stop now. */
	void (*on_supervisor_lost)(void *arg);
	void *arg;
};

int role_attach_supervisor(struct event_base *base,
    const struct role_hooks *hooks);
/* Sends the supervisor one line for systemd's STATUS= (build worker). */
void role_report_status(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* The config the supervisor sent; NULL before it came. */
const struct rtforge_config *role_config(void);

#endif
