#include "chan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

struct chan {
	int fd;
	struct event *ev;
	char peer[32];
	const uint32_t *permitted;
	size_t count;
	chan_msg_fn on_msg;
	chan_close_fn on_close;
	void *arg;
};

static void
chan_close(struct chan *c, const char *reason)
{
	event_del(c->ev);
	c->on_close(c, reason, c->arg);
}

static void
chan_readable(evutil_socket_t fd, short what, void *arg)
{
	static struct ipc_msg rx;
	struct chan *c = arg;
	char err[256];
	(void)what;
	/* Bounded so one chatty peer cannot starve the rest of the loop. */
	for (int i = 0; i < 64; i++) {
		enum ipc_recv_result r = ipc_recv(fd, &rx, c->permitted,
		    c->count, err, sizeof(err));
		if (r == IPC_RECV_AGAIN)
			return;
		if (r == IPC_RECV_EOF) {
			chan_close(c, "peer closed the channel");
			return;
		}
		if (r == IPC_RECV_BAD) {
			log_warnx("bad frame from %s, closing channel: %s",
			    c->peer, err);
			chan_close(c, err);
			return;
		}
		err[0] = '\0';
		int ok = c->on_msg(c, &rx, c->arg, err, sizeof(err));
		ipc_msg_clear(&rx);
		if (ok != 0) {
			log_warnx("refused message from %s, closing channel: "
			    "%s", c->peer, err);
			chan_close(c, err);
			return;
		}
	}
}

struct chan *
chan_new(struct event_base *base, int fd, const char *peer,
    const uint32_t *permitted, size_t count, chan_msg_fn on_msg,
    chan_close_fn on_close, void *arg)
{
	struct chan *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	c->permitted = permitted;
	c->count = count;
	c->on_msg = on_msg;
	c->on_close = on_close;
	c->arg = arg;
	c->ev = event_new(base, fd, EV_READ | EV_PERSIST, chan_readable, c);
	if (c->ev == NULL || event_add(c->ev, NULL) != 0) {
		if (c->ev)
			event_free(c->ev);
		free(c);
		return NULL;
	}
	return c;
}

void
chan_free(struct chan *c)
{
	if (c == NULL)
		return;
	event_free(c->ev);
	close(c->fd);
	free(c);
}

int
chan_send(struct chan *c, const struct ipc_msg *m)
{
	int r = ipc_try_send(c->fd, m);
	if (r == 1)
		return 0;
	if (r == 0)
		log_warnx("%s is not reading; dropped a %s message", c->peer,
		    ipc_type_name(m->hdr.type));
	return -1;
}

const char *
chan_peer(const struct chan *c)
{
	return c->peer;
}
