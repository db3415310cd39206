/* An IPC channel on a libevent loop: reads frames as they come, checks
 * each against the reader's permit list, and hands good ones to the role.
 * A bad frame or a handler's refusal closes the channel with a logged
 * reason; the process goes on. */
#ifndef RTFORGE_CHAN_H
#define RTFORGE_CHAN_H

#include <event2/event.h>

#include "ipc.h"

struct chan;

/* Returns 0 to go on, or -1 to close the channel; then it writes the
 * reason into err. */
typedef int (*chan_msg_fn)(struct chan *c, struct ipc_msg *m, void *arg,
    char *err, size_t errlen);
/* Called once when the channel closes; the callee must chan_free it. */
typedef void (*chan_close_fn)(struct chan *c, const char *reason, void *arg);

struct chan *chan_new(struct event_base *base, int fd, const char *peer,
    const uint32_t *permitted, size_t count, chan_msg_fn on_msg,
    chan_close_fn on_close, void *arg);
void chan_free(struct chan *c);
/* Sends without blocking the loop. Returns 0, or -1 when the peer is not
 * reading (the caller decides whether that matters). */
int chan_send(struct chan *c, const struct ipc_msg *m);
const char *chan_peer(const struct chan *c);

#endif
