/* The message types of every channel, and what each may carry.
 * Named IPC_<ROLE that receives>_<VERB>, so a reader can see at a glance
 * who handles a message. */
#ifndef RTFORGE_IPC_TYPES_H
#define RTFORGE_IPC_TYPES_H

#include <stddef.h>
#include <stdint.h>

enum ipc_type {
	/* supervisor -> any role */
	IPC_ROLE_CONFIG = 1,	/* string: the validated config as JSON */
	IPC_ROLE_CHANNEL = 2,	/* u32 peer role, fd: a new channel to it */
	/* front -> any worker */
	IPC_WORKER_STATUS_REQUEST = 10,	/* empty */
	/* any worker -> front */
	IPC_FRONT_STATUS = 11,		/* string: status JSON */
	/* front -> build worker */
	IPC_BUILD_START = 20,	/* string: request JSON (already validated) */
	IPC_BUILD_CANCEL = 21,	/* u64 job id */
	IPC_BUILD_UPLOAD = 22,	/* string: file name hint (may be empty);
				   fd: the uploaded bytes, a sealed memfd */
	/* build worker -> front */
	IPC_FRONT_REPLY = 30,	/* u32 http status, string: body JSON */
	IPC_FRONT_BUILD_EVENT = 31, /* u64 job, u64 event id, string event,
				       string data JSON */
	/* front -> sign worker; answered with IPC_FRONT_REPLY */
	IPC_SIGN_SIGNER_REQUEST = 50,	/* empty: GET /api/signer */
	IPC_SIGN_CHAIN_REQUEST = 51,	/* empty: GET /api/chain */
	IPC_SIGN_UPGRADE_START = 52,	/* string: request JSON with the
					   artifact record; fd: its file */
	/* build worker -> supervisor */
	IPC_SUPERVISOR_STATUS = 40, /* string: one line for systemd STATUS= */
};

/* The file name an upload may ask for (IPC_BUILD_UPLOAD's string). */
#define IPC_UPLOAD_NAME_MAX 100

enum ipc_peer_role {
	IPC_PEER_FRONT = 1,
	IPC_PEER_BUILD = 2,
	IPC_PEER_SIGN = 3,
};

struct ipc_type_info {
	uint32_t type;
	const char *name;
	size_t max_len;		/* payload cap in bytes */
	int fd;			/* 1: must carry a descriptor, 0: must not */
};

const struct ipc_type_info *ipc_type_lookup(uint32_t type);
const char *ipc_type_name(uint32_t type);

#endif
