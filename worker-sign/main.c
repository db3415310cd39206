/* rtforge-sign: the signing role, the only process that holds a key. It
 * loads the configured keys into guarded memory once, at start, and
 * answers the front's questions about its keys and the chain. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "chain_view.h"
#include "chan.h"
#include "ipc.h"
#include "log.h"
#include "role.h"
#include "sign_seccomp.h"
#include "signer.h"
#include "ss58.h"
#include "upgrade.h"
#include "upgrade_store.h"

static struct event_base *base;
static struct chan *front;
static struct signer signer;
static bool keys_loaded;
static bool sandboxed;

static const uint32_t front_permits[] = { IPC_WORKER_STATUS_REQUEST,
	IPC_SIGN_SIGNER_REQUEST, IPC_SIGN_CHAIN_REQUEST,
	IPC_SIGN_UPGRADE_START };

static void
send_reply(uint32_t request_id, unsigned status, json_t *body)
{
	static struct ipc_msg m;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	ipc_msg_init(&m, IPC_FRONT_REPLY, request_id);
	if (text == NULL || ipc_add_u32(&m, status) != 0 ||
	    ipc_add_string(&m, text) != 0) {
		ipc_msg_init(&m, IPC_FRONT_REPLY, request_id);
		ipc_add_u32(&m, 500);
		ipc_add_string(&m, "{\"error\":\"the sign worker could not "
		    "encode its answer; see its log\"}");
	}
	if (front)
		chan_send(front, &m);
	free(text);
}

/* An upgrade's event, already on disk: tell the front's live streams. */
static void
send_event(uint64_t upgrade_id, uint64_t event_id, const char *name,
    const char *json)
{
	static struct ipc_msg m;
	if (front == NULL)
		return;	/* the front replays from disk when it is back */
	ipc_msg_init(&m, IPC_FRONT_BUILD_EVENT, 0);
	if (ipc_add_u64(&m, upgrade_id) == 0 && ipc_add_u64(&m, event_id) == 0 &&
	    ipc_add_string(&m, name) == 0 && ipc_add_string(&m, json) == 0)
		chan_send(front, &m);
}

static void
send_status(uint32_t request_id)
{
	static struct ipc_msg m;
	json_t *o = json_pack("{s:s, s:b, s:i, s:i}", "state", upgrade_state(),
	    "key_loaded", signer.custody != NULL, "keys",
	    (int)(signer.custody ? custody_count(signer.custody) : 0), "pid",
	    (int)getpid());
	if (o)
		json_object_set_new(o, "seccomp", json_boolean(sandboxed));
	if (o && signer.error[0])
		json_object_set_new(o, "key_error", json_string(signer.error));
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	ipc_msg_init(&m, IPC_FRONT_STATUS, request_id);
	if (text && front && ipc_add_string(&m, text) == 0)
		chan_send(front, &m);
	free(text);
}

static int
front_msg(struct chan *c, struct ipc_msg *m, void *arg, char *err,
    size_t errlen)
{
	(void)c;
	(void)arg;
	const char *text = NULL;
	size_t len = 0;
	if (m->hdr.type == IPC_SIGN_UPGRADE_START &&
	    ipc_get_string_ref(m, &text, &len) != 0) {
		snprintf(err, errlen, "malformed SIGN_UPGRADE_START");
		return -1;
	}
	if (ipc_get_end(m) != 0) {
		snprintf(err, errlen, "malformed %s",
		    ipc_type_name(m->hdr.type));
		return -1;
	}
	switch (m->hdr.type) {
	case IPC_SIGN_SIGNER_REQUEST: {
		json_t *body = NULL;
		unsigned status = signer_describe(&signer,
		    chain_view_ss58_prefix(), &body);
		send_reply(m->hdr.request_id, status, body);
		break;
	}
	case IPC_SIGN_CHAIN_REQUEST:
		chain_view_request(m->hdr.request_id);
		break;
	case IPC_SIGN_UPGRADE_START:
		upgrade_start(m->hdr.request_id, text, len, ipc_get_fd(m));
		break;
	default:
		send_status(m->hdr.request_id);
	}
	return 0;
}

static void
front_closed(struct chan *c, const char *reason, void *arg)
{
	(void)arg;
	log_info("front channel closed (%s)", reason);
	if (front == c)
		front = NULL;
	chan_free(c);
}

static void
on_channel(uint32_t peer, int fd, void *arg)
{
	(void)arg;
	if (peer != IPC_PEER_FRONT) {
		log_warnx("ignoring a channel to an unexpected peer %u", peer);
		close(fd);
		return;
	}
	if (front)
		chan_free(front);
	front = chan_new(base, fd, "front", front_permits,
	    sizeof(front_permits) / sizeof(front_permits[0]), front_msg,
	    front_closed, NULL);
	if (front)
		upgrade_store_replay_recovered(send_event);
}

/* After the keys are in: from here on, no exec, no new process, no
 * reading files by name. */
static void
enter_sandbox(void)
{
	char err[256];
	if (getenv("RTFORGE_SIGN_NO_SECCOMP") != NULL) {
		log_warnx("RTFORGE_SIGN_NO_SECCOMP is set: running without the "
		    "seccomp filter");
		return;
	}
	sign_seccomp_allow_store(upgrade_store_dirfd());
	if (sign_seccomp_enter(err, sizeof(err)) != 0)
		log_warnx("seccomp filter not applied: %s", err);
	else
		sandboxed = true;
}

static int
on_config(const struct rtforge_config *cfg, void *arg)
{
	(void)arg;
	if (!keys_loaded) {
		char err[256];
		signer_load(&signer, cfg);
		keys_loaded = true;
		if (chain_view_init(base, cfg->node_url, send_reply, err,
		    sizeof(err)) != 0)
			log_warnx("no chain view: %s", err);
		if (upgrade_init(base, cfg, &signer, send_reply, send_event, err,
		    sizeof(err)) != 0)
			log_warnx("upgrades are unavailable: %s", err);
		if (front)
			upgrade_store_replay_recovered(send_event);
		enter_sandbox();
		log_info("ready (node %s)", cfg->node_url);
	} else
		log_info("reloaded; the sign worker keeps the sign.* keys and "
		    "node_url it started with: systemctl restart rtforge to "
		    "change them");
	return 0;
}

static void
supervisor_lost(void *arg)
{
	(void)arg;
	event_base_loopbreak(base);
}

static void
on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(base);
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	log_init("sign", getenv("RTFORGE_DEBUG") != NULL);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (base == NULL)
		fatalx("cannot create the event loop");
	struct role_hooks hooks = { .on_config = on_config,
		.on_channel = on_channel, .on_supervisor_lost = supervisor_lost };
	if (role_attach_supervisor(base, &hooks) != 0)
		fatalx("no supervisor channel on fd %d", ROLE_SUPERVISOR_FD);
	struct event *term = evsignal_new(base, SIGTERM, on_stop_signal, NULL);
	event_add(term, NULL);
	event_base_dispatch(base);
	upgrade_shutdown();
	chain_view_free();
	signer_free(&signer);
	log_info("stopped");
	return 0;
}
