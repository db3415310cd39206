/* Framed IPC between rtforge's processes.
 *
 * Every channel is an AF_UNIX SOCK_SEQPACKET socketpair, so one datagram is
 * exactly one frame: a 16-byte header {type, len, request_id, flags} and
 * len payload bytes, with at most one file descriptor attached by
 * SCM_RIGHTS. The kernel keeps frame boundaries; this code checks that the
 * header agrees with what arrived, that the type is one the reader accepts,
 * and that the payload fits that type's cap. Payloads are built and read
 * with typed helpers; a reader that finds short or trailing bytes fails,
 * and the caller closes the channel. */
#ifndef RTFORGE_IPC_H
#define RTFORGE_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc_types.h"

#define IPC_HEADER_SIZE 16
#define IPC_PAYLOAD_MAX (96 * 1024)	/* the largest cap of any type */
#define IPC_FLAG_FD 0x1u		/* a descriptor travels with the frame */

struct ipc_header {
	uint32_t type;
	uint32_t len;
	uint32_t request_id;
	uint32_t flags;
};

/* One frame, being built or being read. */
struct ipc_msg {
	struct ipc_header hdr;
	uint8_t data[IPC_PAYLOAD_MAX];
	size_t pos;	/* read cursor */
	int fd;		/* attached descriptor, or -1; owned by the msg */
	bool overflow;	/* an add went past the type's cap */
};

void ipc_msg_init(struct ipc_msg *m, uint32_t type, uint32_t request_id);
/* Closes an attached descriptor that nobody took. */
void ipc_msg_clear(struct ipc_msg *m);

/* Builders: return 0, or -1 when the payload would pass the type's cap
 * (the message is then marked and ipc_send refuses it). */
int ipc_add_u32(struct ipc_msg *m, uint32_t v);
int ipc_add_u64(struct ipc_msg *m, uint64_t v);
int ipc_add_bytes(struct ipc_msg *m, const void *p, size_t len);
/* u32 length then the bytes, without a NUL. */
int ipc_add_string(struct ipc_msg *m, const char *s);
/* Attaches fd (the caller keeps its own copy; the frame sends a dup). */
int ipc_add_fd(struct ipc_msg *m, int fd);

/* Readers: 0, or -1 with nothing consumed when the bytes are short. */
int ipc_get_u32(struct ipc_msg *m, uint32_t *v);
int ipc_get_u64(struct ipc_msg *m, uint64_t *v);
/* Copies a string into out (cap outlen, NUL-terminated). Fails when it
 * does not fit or holds a NUL byte. */
int ipc_get_string(struct ipc_msg *m, char *out, size_t outlen);
/* Points at a string inside the message without copying: *len bytes, not
 * NUL-terminated, no NUL inside. */
int ipc_get_string_ref(struct ipc_msg *m, const char **s, size_t *len);
/* Takes the attached descriptor; -1 when none. */
int ipc_get_fd(struct ipc_msg *m);
/* 0 when every payload byte was read; -1 on trailing bytes. */
int ipc_get_end(const struct ipc_msg *m);

/* Sends one frame (blocking until the kernel takes it whole).
 * Returns 0, or -1 with errno (EMSGSIZE for an over-cap payload). */
int ipc_send(int sock, const struct ipc_msg *m);
/* Nonblocking variant: returns 1 sent, 0 would block, -1 error. */
int ipc_try_send(int sock, const struct ipc_msg *m);

enum ipc_recv_result {
	IPC_RECV_OK = 1,
	IPC_RECV_AGAIN = 0,	/* nothing to read now */
	IPC_RECV_EOF = -1,	/* peer closed */
	IPC_RECV_BAD = -2,	/* protocol error: reason in err */
};

/* Receives one frame and checks it against the permitted types.
 * permitted: array of types this reader accepts, count entries. */
enum ipc_recv_result ipc_recv(int sock, struct ipc_msg *m,
    const uint32_t *permitted, size_t count, char *err, size_t errlen);

/* Validates a header against the receiver's rules; used by ipc_recv and
 * by the fuzzer. received is the whole datagram length. */
int ipc_check_header(const struct ipc_header *h, size_t received,
    bool fd_arrived, const uint32_t *permitted, size_t count, char *err,
    size_t errlen);

/* A socketpair with CLOEXEC and both ends nonblocking off. */
int ipc_socketpair(int fds[2]);

#endif
