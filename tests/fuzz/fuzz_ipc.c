/* libFuzzer: the IPC frame decoder. Each input is one datagram, sent raw
 * into a socketpair and read back through ipc_recv and the typed readers,
 * as a role would. Nothing may crash, leak or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc.h"

static const uint32_t every_type[] = { IPC_ROLE_CONFIG, IPC_ROLE_CHANNEL,
	IPC_WORKER_STATUS_REQUEST, IPC_FRONT_STATUS, IPC_BUILD_START,
	IPC_BUILD_CANCEL, IPC_FRONT_REPLY, IPC_FRONT_BUILD_EVENT,
	IPC_SUPERVISOR_STATUS };

static void
read_typed(struct ipc_msg *m)
{
	uint32_t u32;
	uint64_t u64;
	char text[256];
	const char *ref;
	size_t len;
	while (ipc_get_u32(m, &u32) == 0 && ipc_get_u64(m, &u64) == 0 &&
	    (ipc_get_string(m, text, sizeof(text)) == 0 ||
	    ipc_get_string_ref(m, &ref, &len) == 0))
		;
	(void)ipc_get_end(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ipc_msg m;
	int fds[2];
	char err[256];
	if (size == 0 || size > IPC_HEADER_SIZE + IPC_PAYLOAD_MAX + 16 ||
	    ipc_socketpair(fds) != 0)
		return 0;
	if (send(fds[0], data, size, MSG_DONTWAIT) == (ssize_t)size &&
	    ipc_recv(fds[1], &m, every_type, sizeof(every_type) /
	    sizeof(every_type[0]), err, sizeof(err)) == IPC_RECV_OK) {
		read_typed(&m);
		ipc_msg_clear(&m);
	}
	close(fds[0]);
	close(fds[1]);
	return 0;
}
