/* A deadline for a new connection's first request. libevent's timeouts
 * count idle time between bytes, so a client that trickles one header byte
 * at a time (slowloris) would hold a connection for ever. Every connection
 * gets CONN_HEADER_DEADLINE seconds to deliver its first request whole;
 * past that, it is shut down. */
#include <stdlib.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/http.h>

#include "front.h"

#define CONN_HEADER_DEADLINE 10	/* seconds */

struct conn_guard {
	struct bufferevent *bev;	/* we hold a reference: its fd stays ours */
	struct event *timer;
	LIST_ENTRY(conn_guard) entry;
};

static LIST_HEAD(, conn_guard) guards = LIST_HEAD_INITIALIZER(guards);

static void
guard_free(struct conn_guard *g)
{
	LIST_REMOVE(g, entry);
	event_free(g->timer);
	bufferevent_decref(g->bev);
	free(g);
}

static void
guard_expired(evutil_socket_t fd, short what, void *arg)
{
	struct conn_guard *g = arg;
	(void)fd;
	(void)what;
	/* If libevent already let the connection go, the fd is still ours
	 * (our reference keeps it open), so this cannot hit anyone else. */
	evutil_socket_t sock = bufferevent_getfd(g->bev);
	if (sock >= 0)
		shutdown(sock, SHUT_RDWR);
	guard_free(g);
}

static struct bufferevent *
guard_new_connection(struct event_base *base, void *arg)
{
	(void)arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE);
	struct conn_guard *g = calloc(1, sizeof(*g));
	if (bev == NULL || g == NULL) {
		free(g);
		return bev;
	}
	g->bev = bev;
	g->timer = evtimer_new(base, guard_expired, g);
	if (g->timer == NULL) {
		free(g);
		return bev;
	}
	bufferevent_incref(bev);
	struct timeval tv = { .tv_sec = CONN_HEADER_DEADLINE };
	evtimer_add(g->timer, &tv);
	LIST_INSERT_HEAD(&guards, g, entry);
	return bev;
}

void
conn_guard_install(struct evhttp *http)
{
	evhttp_set_bevcb(http, guard_new_connection, NULL);
}

void
conn_guard_request_arrived(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ?
	    evhttp_connection_get_bufferevent(evcon) : NULL;
	struct conn_guard *g;
	LIST_FOREACH(g, &guards, entry)
		if (g->bev == bev) {
			guard_free(g);
			return;
		}
}
