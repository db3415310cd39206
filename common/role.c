#include "role.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chan.h"
#include "ipc.h"
#include "log.h"

static const uint32_t role_permits[] = { IPC_ROLE_CONFIG, IPC_ROLE_CHANNEL };

static struct role_hooks role_hooks;
static struct rtforge_config *role_cfg;
static struct chan *role_chan;

static int
role_take_config(struct ipc_msg *m, char *err, size_t errlen)
{
	const char *text;
	size_t len;
	if (ipc_get_string_ref(m, &text, &len) != 0 || ipc_get_end(m) != 0) {
		snprintf(err, errlen, "malformed ROLE_CONFIG");
		return -1;
	}
	struct rtforge_config *cfg = malloc(sizeof(*cfg));
	if (cfg == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	config_set_defaults(cfg);
	if (config_load_json(cfg, text, len, "ipc", err, errlen) != 0) {
		free(cfg);
		return -1;
	}
	free(role_cfg);
	role_cfg = cfg;
	if (role_hooks.on_config(cfg, role_hooks.arg) != 0) {
		snprintf(err, errlen, "role could not start with this config");
		return -1;
	}
	return 0;
}

static int
role_take_channel(struct ipc_msg *m, char *err, size_t errlen)
{
	uint32_t peer;
	if (role_cfg == NULL) {
		snprintf(err, errlen, "channel before config");
		return -1;
	}
	if (ipc_get_u32(m, &peer) != 0 || ipc_get_end(m) != 0 ||
	    peer < IPC_PEER_FRONT || peer > IPC_PEER_SIGN) {
		snprintf(err, errlen, "malformed ROLE_CHANNEL");
		return -1;
	}
	role_hooks.on_channel(peer, ipc_get_fd(m), role_hooks.arg);
	return 0;
}

static int
role_on_msg(struct chan *c, struct ipc_msg *m, void *arg, char *err,
    size_t errlen)
{
	(void)c;
	(void)arg;
	if (m->hdr.type == IPC_ROLE_CONFIG)
		return role_take_config(m, err, errlen);
	return role_take_channel(m, err, errlen);
}

static void
role_on_close(struct chan *c, const char *reason, void *arg)
{
	(void)arg;
	log_warnx("supervisor channel closed (%s); stopping", reason);
	chan_free(c);
	role_chan = NULL;
	role_hooks.on_supervisor_lost(role_hooks.arg);
}

int
role_attach_supervisor(struct event_base *base, const struct role_hooks *hooks)
{
	role_hooks = *hooks;
	/* The known fds came through exec; keep them from any child we run. */
	fcntl(ROLE_SUPERVISOR_FD, F_SETFD, FD_CLOEXEC);
	fcntl(ROLE_LISTEN_FD, F_SETFD, FD_CLOEXEC);
	role_chan = chan_new(base, ROLE_SUPERVISOR_FD, "supervisor",
	    role_permits, sizeof(role_permits) / sizeof(role_permits[0]),
	    role_on_msg, role_on_close, NULL);
	return role_chan ? 0 : -1;
}

const struct rtforge_config *
role_config(void)
{
	return role_cfg;
}

void
role_report_status(const char *fmt, ...)
{
	static struct ipc_msg m;
	char text[200];
	va_list ap;
	if (role_chan == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ipc_msg_init(&m, IPC_SUPERVISOR_STATUS, 0);
	if (ipc_add_string(&m, text) == 0)
		chan_send(role_chan, &m);
}
