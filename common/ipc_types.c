#include "ipc_types.h"

#include <stddef.h>

#include "ipc.h"

/* Caps are as small as each message allows: a config, a status or a
 * request body fits in 64 KiB; one build event carries one capped log line. */
static const struct ipc_type_info ipc_types[] = {
	{ IPC_ROLE_CONFIG, "ROLE_CONFIG", 96 * 1024, 0 },
	{ IPC_ROLE_CHANNEL, "ROLE_CHANNEL", 4, 1 },
	{ IPC_WORKER_STATUS_REQUEST, "WORKER_STATUS_REQUEST", 0, 0 },
	{ IPC_FRONT_STATUS, "FRONT_STATUS", 8 * 1024, 0 },
	{ IPC_BUILD_START, "BUILD_START", 68 * 1024, 0 },
	{ IPC_BUILD_CANCEL, "BUILD_CANCEL", 8, 0 },
	{ IPC_BUILD_UPLOAD, "BUILD_UPLOAD", 4 + IPC_UPLOAD_NAME_MAX, 1 },
	{ IPC_FRONT_REPLY, "FRONT_REPLY", 16 * 1024, 0 },
	{ IPC_FRONT_BUILD_EVENT, "FRONT_BUILD_EVENT", 24 * 1024, 0 },
	{ IPC_SIGN_SIGNER_REQUEST, "SIGN_SIGNER_REQUEST", 0, 0 },
	{ IPC_SIGN_CHAIN_REQUEST, "SIGN_CHAIN_REQUEST", 0, 0 },
	{ IPC_SIGN_UPGRADE_START, "SIGN_UPGRADE_START", 64 * 1024, 1 },
	{ IPC_SUPERVISOR_STATUS, "SUPERVISOR_STATUS", 200, 0 },
};

const struct ipc_type_info *
ipc_type_lookup(uint32_t type)
{
	for (size_t i = 0; i < sizeof(ipc_types) / sizeof(ipc_types[0]); i++)
		if (ipc_types[i].type == type)
			return &ipc_types[i];
	return NULL;
}

const char *
ipc_type_name(uint32_t type)
{
	const struct ipc_type_info *info = ipc_type_lookup(type);
	return info ? info->name : "UNKNOWN";
}
