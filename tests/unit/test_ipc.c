/* Unit tests for common/ipc.c and common/ipc_types.c: typed round trips of
 * every message type, descriptor passing, every way a peer can send a bad
 * frame (each must give IPC_RECV_BAD and leak no descriptor), the builders'
 * caps, the typed readers, and a small deterministic fuzz loop. */
#include "ipc.h"
#include "ipc_types.h"
#include "testlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define FUZZ_SEED 0x5eed1234u
#define FUZZ_FRAMES 2000
#define RAW_FRAME_MAX (IPC_HEADER_SIZE + IPC_PAYLOAD_MAX + 4096)

static const uint32_t all_types[] = {
	IPC_ROLE_CONFIG, IPC_ROLE_CHANNEL, IPC_WORKER_STATUS_REQUEST,
	IPC_FRONT_STATUS, IPC_BUILD_START, IPC_BUILD_CANCEL, IPC_FRONT_REPLY,
	IPC_FRONT_BUILD_EVENT, IPC_BUILD_UPLOAD, IPC_SIGN_UPGRADE_START,
};
#define ALL_TYPES_COUNT (sizeof(all_types) / sizeof(all_types[0]))

/* Messages are ~96 KiB each: keep them off the stack. */
static struct ipc_msg out_msg;
static struct ipc_msg in_msg;
static unsigned char raw_frame[RAW_FRAME_MAX];
static char err[256];

static int
count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
open_pair(int sv[2])
{
	if (ipc_socketpair(sv) != 0) {
		perror("ipc_socketpair");
		exit(2);
	}
}

static void
close_pair(int sv[2])
{
	close(sv[0]);
	close(sv[1]);
}

static void
open_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
		perror("pipe2");
		exit(2);
	}
}

static enum ipc_recv_result
recv_any(int sock, struct ipc_msg *m)
{
	err[0] = '\0';
	return ipc_recv(sock, m, all_types, ALL_TYPES_COUNT, err, sizeof(err));
}

/* Sends header + payload as one datagram, with nfds descriptors attached,
 * bypassing every check the builders make. Returns bytes sent or -1. */
static ssize_t
raw_send(int sock, uint32_t type, uint32_t len, uint32_t request_id,
    uint32_t flags, const void *payload, size_t paylen, const int *fds,
    size_t nfds)
{
	struct ipc_header h = { type, len, request_id, flags };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 8)];
	} control;
	struct iovec iov;
	struct msghdr msg;

	if (paylen > sizeof(raw_frame) - IPC_HEADER_SIZE || nfds > 8)
		return -1;
	memcpy(raw_frame, &h, IPC_HEADER_SIZE);
	if (paylen > 0)
		memcpy(raw_frame + IPC_HEADER_SIZE, payload, paylen);
	iov.iov_base = raw_frame;
	iov.iov_len = IPC_HEADER_SIZE + paylen;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

/* Sends len arbitrary bytes (possibly fewer than a header) as a datagram,
 * with nfds descriptors attached. */
static ssize_t
raw_send_bytes(int sock, const void *bytes, size_t len, const int *fds,
    size_t nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 8)];
	} control;
	struct iovec iov = { .iov_base = (void *)bytes, .iov_len = len };
	struct msghdr msg;

	if (nfds > 8)
		return -1;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

/* ---- type table ---- */

static void
test_type_table(void)
{
	for (size_t i = 0; i < ALL_TYPES_COUNT; i++) {
		const struct ipc_type_info *info = ipc_type_lookup(all_types[i]);
		CHECK(info != NULL);
		if (info == NULL)
			continue;
		CHECK(info->type == all_types[i]);
		CHECK(info->max_len <= IPC_PAYLOAD_MAX);
		CHECK(info->fd == 0 || info->fd == 1);
		CHECK_STR(ipc_type_name(all_types[i]), info->name);
	}
	CHECK(ipc_type_lookup(0) == NULL);
	CHECK(ipc_type_lookup(99) == NULL);
	CHECK(ipc_type_lookup(UINT32_MAX) == NULL);
	CHECK_STR(ipc_type_name(99), "UNKNOWN");
	CHECK_STR(ipc_type_name(IPC_BUILD_START), "BUILD_START");
	CHECK(ipc_type_lookup(IPC_ROLE_CHANNEL)->fd == 1);
	CHECK(ipc_type_lookup(IPC_ROLE_CONFIG)->max_len == IPC_PAYLOAD_MAX);
}

/* ---- round trips of every type ---- */

/* Sends out_msg over a fresh pair and receives it into in_msg, accepting
 * only its own type. Returns the receive result. */
static enum ipc_recv_result
send_and_receive(void)
{
	int sv[2];
	uint32_t permit = out_msg.hdr.type;
	enum ipc_recv_result r;

	open_pair(sv);
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	err[0] = '\0';
	r = ipc_recv(sv[1], &in_msg, &permit, 1, err, sizeof(err));
	close_pair(sv);
	return r;
}

static void
test_roundtrip_role_config(void)
{
	static const char json[] = "{\"listen\":\"127.0.0.1:8080\",\"dev\":true}";
	char got[128];

	ipc_msg_init(&out_msg, IPC_ROLE_CONFIG, 7);
	CHECK(ipc_add_string(&out_msg, json) == 0);
	CHECK(send_and_receive() == IPC_RECV_OK);
	CHECK(in_msg.hdr.type == IPC_ROLE_CONFIG);
	CHECK(in_msg.hdr.request_id == 7);
	CHECK(in_msg.hdr.len == 4 + strlen(json));
	CHECK(in_msg.fd == -1);
	CHECK(ipc_get_string(&in_msg, got, sizeof(got)) == 0);
	CHECK_STR(got, json);
	CHECK(ipc_get_end(&in_msg) == 0);
}

static void
test_roundtrip_status_request_empty(void)
{
	uint32_t v;

	ipc_msg_init(&out_msg, IPC_WORKER_STATUS_REQUEST, UINT32_MAX);
	CHECK(send_and_receive() == IPC_RECV_OK);
	CHECK(in_msg.hdr.type == IPC_WORKER_STATUS_REQUEST);
	CHECK(in_msg.hdr.request_id == UINT32_MAX);
	CHECK(in_msg.hdr.len == 0);
	CHECK(ipc_get_end(&in_msg) == 0);
	CHECK(ipc_get_u32(&in_msg, &v) == -1);
}

static void
test_roundtrip_front_status(void)
{
	static const char json[] = "{\"role\":\"build\",\"jobs\":3}";
	char got[64];

	ipc_msg_init(&out_msg, IPC_FRONT_STATUS, 0);
	CHECK(ipc_add_string(&out_msg, json) == 0);
	CHECK(send_and_receive() == IPC_RECV_OK);
	CHECK(in_msg.hdr.request_id == 0);
	CHECK(ipc_get_string(&in_msg, got, sizeof(got)) == 0);
	CHECK_STR(got, json);
	CHECK(ipc_get_end(&in_msg) == 0);
}

static void
test_roundtrip_build_start(void)
{
	static const char json[] = "{\"package\":\"demo-runtime\",\"profile\":"
	    "\"release\"}";
	const char *ref;
	size_t len;

	ipc_msg_init(&out_msg, IPC_BUILD_START, 0xdeadbeef);
	CHECK(ipc_add_string(&out_msg, json) == 0);
	CHECK(send_and_receive() == IPC_RECV_OK);
	CHECK(in_msg.hdr.request_id == 0xdeadbeef);
	CHECK(ipc_get_string_ref(&in_msg, &ref, &len) == 0);
	CHECK(len == strlen(json) && memcmp(ref, json, len) == 0);
	CHECK(ipc_get_end(&in_msg) == 0);
}

static void
test_roundtrip_build_cancel(void)
{
	uint64_t job = 0;

	ipc_msg_init(&out_msg, IPC_BUILD_CANCEL, 42);
	CHECK(ipc_add_u64(&out_msg, UINT64_C(0x0123456789abcdef)) == 0);
	CHECK(send_and_receive() == IPC_RECV_OK);
	CHECK(in_msg.hdr.request_id == 42);
	CHECK(ipc_get_u64(&in_msg, &job) == 0);
	CHECK(job == UINT64_C(0x0123456789abcdef));
	CHECK(ipc_get_end(&in_msg) == 0);
}

static void
test_roundtrip_front_reply(void)
{
	static const char body[] = "{\"error\":\"job 9 is not running\"}";
	uint32_t status = 0;
	char got[64];

	ipc_msg_init(&out_msg, IPC_FRONT_REPLY, 99);
	CHECK(ipc_add_u32(&out_msg, 409) == 0);
	CHECK(ipc_add_string(&out_msg, body) == 0);
	CHECK(send_and_receive() == IPC_RECV_OK);
	CHECK(in_msg.hdr.request_id == 99);
	CHECK(ipc_get_u32(&in_msg, &status) == 0);
	CHECK(status == 409);
	CHECK(ipc_get_string(&in_msg, got, sizeof(got)) == 0);
	CHECK_STR(got, body);
	CHECK(ipc_get_end(&in_msg) == 0);
}

static void
test_roundtrip_front_build_event(void)
{
	uint64_t job = 0, id = 0;
	char name[32], data[64];

	ipc_msg_init(&out_msg, IPC_FRONT_BUILD_EVENT, 0);
	CHECK(ipc_add_u64(&out_msg, 12) == 0);
	CHECK(ipc_add_u64(&out_msg, 345) == 0);
	CHECK(ipc_add_string(&out_msg, "progress") == 0);
	CHECK(ipc_add_string(&out_msg, "{\"percent\":57}") == 0);
	CHECK(send_and_receive() == IPC_RECV_OK);
	CHECK(ipc_get_u64(&in_msg, &job) == 0 && job == 12);
	CHECK(ipc_get_u64(&in_msg, &id) == 0 && id == 345);
	CHECK(ipc_get_string(&in_msg, name, sizeof(name)) == 0);
	CHECK_STR(name, "progress");
	CHECK(ipc_get_string(&in_msg, data, sizeof(data)) == 0);
	CHECK_STR(data, "{\"percent\":57}");
	CHECK(ipc_get_end(&in_msg) == 0);
}

/* Payloads exactly at a type's cap pass; the largest is IPC_PAYLOAD_MAX. */
static void
test_roundtrip_exactly_at_cap(void)
{
	static char big[IPC_PAYLOAD_MAX];
	const char *ref;
	size_t len;

	memset(big, 'x', sizeof(big));
	big[IPC_PAYLOAD_MAX - 4] = '\0';	/* string of cap - 4 bytes */
	ipc_msg_init(&out_msg, IPC_ROLE_CONFIG, 1);
	CHECK(ipc_add_string(&out_msg, big) == 0);
	CHECK(out_msg.hdr.len == IPC_PAYLOAD_MAX);
	CHECK(send_and_receive() == IPC_RECV_OK);
	CHECK(in_msg.hdr.len == IPC_PAYLOAD_MAX);
	CHECK(ipc_get_string_ref(&in_msg, &ref, &len) == 0);
	CHECK(len == IPC_PAYLOAD_MAX - 4 && ref[0] == 'x' && ref[len - 1] == 'x');
	CHECK(ipc_get_end(&in_msg) == 0);
}

/* Several frames queued on one socket come out one at a time, in order,
 * each with its own request id. */
static void
test_frames_keep_boundaries(void)
{
	int sv[2];
	uint32_t v;

	open_pair(sv);
	for (uint32_t i = 1; i <= 5; i++) {
		ipc_msg_init(&out_msg, IPC_FRONT_REPLY, 1000 + i);
		CHECK(ipc_add_u32(&out_msg, i * 10) == 0);
		CHECK(ipc_send(sv[0], &out_msg) == 0);
	}
	for (uint32_t i = 1; i <= 5; i++) {
		CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_OK);
		CHECK(in_msg.hdr.request_id == 1000 + i);
		CHECK(ipc_get_u32(&in_msg, &v) == 0 && v == i * 10);
		CHECK(ipc_get_end(&in_msg) == 0);
	}
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_AGAIN);
	close_pair(sv);
}

/* ---- descriptor passing ---- */

static void
test_fd_passing_pipe(void)
{
	int sv[2], p[2], fd_before, received;
	uint32_t role = 0;
	char buf[16];

	open_pair(sv);
	open_pipe(p);
	fd_before = count_open_fds();
	ipc_msg_init(&out_msg, IPC_ROLE_CHANNEL, 5);
	CHECK(ipc_add_u32(&out_msg, IPC_PEER_BUILD) == 0);
	CHECK(ipc_add_fd(&out_msg, p[1]) == 0);
	CHECK(out_msg.fd >= 0 && out_msg.fd != p[1]);
	CHECK((out_msg.hdr.flags & IPC_FLAG_FD) != 0);
	CHECK(ipc_add_fd(&out_msg, p[1]) == -1);	/* one per frame */
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	ipc_msg_clear(&out_msg);
	CHECK(out_msg.fd == -1);
	CHECK(count_open_fds() == fd_before);

	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_OK);
	CHECK(in_msg.hdr.request_id == 5);
	CHECK(ipc_get_u32(&in_msg, &role) == 0 && role == IPC_PEER_BUILD);
	CHECK(ipc_get_end(&in_msg) == 0);
	received = ipc_get_fd(&in_msg);
	CHECK(received >= 0);
	CHECK(ipc_get_fd(&in_msg) == -1);	/* taken */
	CHECK(received != p[0] && received != p[1]);
	CHECK(received >= 0 && (fcntl(received, F_GETFD) & FD_CLOEXEC) != 0);

	/* Our own write end goes away: only the received one can write. */
	close(p[1]);
	CHECK(write(received, "hello", 5) == 5);
	CHECK(read(p[0], buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0);
	close(received);
	/* Every write end is now closed, including the sender's dup. */
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	close(p[0]);
	close_pair(sv);
}

static void
test_fd_passing_sealed_memfd(void)
{
	static const char blob[] = "\0asm-wasm-blob";
	int sv[2], mfd, received;
	uint32_t role;

	open_pair(sv);
	mfd = memfd_create("ipc-test-blob", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	CHECK(mfd >= 0);
	if (mfd < 0) {
		close_pair(sv);
		return;
	}
	CHECK(write(mfd, blob, sizeof(blob)) == (ssize_t)sizeof(blob));
	CHECK(fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW |
	    F_SEAL_SHRINK | F_SEAL_SEAL) == 0);
	ipc_msg_init(&out_msg, IPC_ROLE_CHANNEL, 0);
	CHECK(ipc_add_u32(&out_msg, IPC_PEER_SIGN) == 0);
	CHECK(ipc_add_fd(&out_msg, mfd) == 0);
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	ipc_msg_clear(&out_msg);
	close(mfd);

	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_OK);
	CHECK(ipc_get_u32(&in_msg, &role) == 0 && role == IPC_PEER_SIGN);
	received = ipc_get_fd(&in_msg);
	CHECK(received >= 0);
	if (received >= 0) {
		char buf[32];
		CHECK((fcntl(received, F_GETFD) & FD_CLOEXEC) != 0);
		CHECK(pread(received, buf, sizeof(buf), 0) ==
		    (ssize_t)sizeof(blob));
		CHECK(memcmp(buf, blob, sizeof(blob)) == 0);
		CHECK((fcntl(received, F_GET_SEALS) & F_SEAL_WRITE) != 0);
		close(received);
	}
	close_pair(sv);
}

/* An untaken descriptor is closed by ipc_msg_clear. */
static void
test_untaken_fd_closed_by_clear(void)
{
	int sv[2], p[2], before;
	char c;

	open_pair(sv);
	open_pipe(p);
	before = count_open_fds();
	ipc_msg_init(&out_msg, IPC_ROLE_CHANNEL, 0);
	CHECK(ipc_add_u32(&out_msg, IPC_PEER_FRONT) == 0);
	CHECK(ipc_add_fd(&out_msg, p[1]) == 0);
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	ipc_msg_clear(&out_msg);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_OK);
	CHECK(in_msg.fd >= 0);
	ipc_msg_clear(&in_msg);
	CHECK(in_msg.fd == -1);
	CHECK(count_open_fds() == before);
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 0);	/* no write end survives */
	close(p[0]);
	close_pair(sv);
}

static void
test_fd_type_without_fd_is_bad(void)
{
	int sv[2];

	open_pair(sv);
	/* Built without ipc_add_fd: no flag, no descriptor. */
	ipc_msg_init(&out_msg, IPC_ROLE_CHANNEL, 0);
	CHECK(ipc_add_u32(&out_msg, IPC_PEER_BUILD) == 0);
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(strstr(err, "ROLE_CHANNEL") != NULL);
	CHECK(strstr(err, "lacks") != NULL);
	CHECK(in_msg.fd == -1);

	/* The flag claims a descriptor but none travels. */
	ipc_msg_init(&out_msg, IPC_ROLE_CHANNEL, 0);
	CHECK(ipc_add_u32(&out_msg, IPC_PEER_BUILD) == 0);
	out_msg.hdr.flags = IPC_FLAG_FD;
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(strstr(err, "lacks") != NULL);
	close_pair(sv);
}

static void
test_fd_on_fdless_type_is_bad_and_closed(void)
{
	int sv[2], p[2], before;
	char c;

	open_pair(sv);
	open_pipe(p);
	before = count_open_fds();
	ipc_msg_init(&out_msg, IPC_BUILD_CANCEL, 3);
	CHECK(ipc_add_u64(&out_msg, 17) == 0);
	CHECK(ipc_add_fd(&out_msg, p[1]) == 0);
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	ipc_msg_clear(&out_msg);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(strstr(err, "BUILD_CANCEL") != NULL);
	CHECK(strstr(err, "unexpected descriptor") != NULL);
	CHECK(in_msg.fd == -1);
	CHECK(count_open_fds() == before);
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 0);	/* the received copy was closed */
	close(p[0]);

	/* A descriptor without the flag, on a type that must not carry one. */
	open_pipe(p);
	before = count_open_fds();
	CHECK(raw_send(sv[0], IPC_WORKER_STATUS_REQUEST, 0, 0, 0, NULL, 0,
	    &p[1], 1) == IPC_HEADER_SIZE);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(count_open_fds() == before);
	close(p[0]);
	close(p[1]);
	close_pair(sv);
}

static void
check_many_fds_rejected(size_t nfds)
{
	int sv[2], p[2], fds[8], before;
	uint32_t role = IPC_PEER_BUILD;
	char c;

	open_pair(sv);
	open_pipe(p);
	for (size_t i = 0; i < nfds; i++)
		fds[i] = p[1];
	before = count_open_fds();
	CHECK(raw_send(sv[0], IPC_ROLE_CHANNEL, 4, 0, IPC_FLAG_FD, &role, 4,
	    fds, nfds) == IPC_HEADER_SIZE + 4);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(in_msg.fd == -1);
	CHECK(count_open_fds() == before);
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 0);	/* every received copy was closed */
	close(p[0]);
	close_pair(sv);
}

static void
test_more_than_one_fd_is_bad(void)
{
	check_many_fds_rejected(2);
	check_many_fds_rejected(4);
	/* More than the receiver's control buffer holds: MSG_CTRUNC. */
	check_many_fds_rejected(7);
}

/* ---- malformed frames ---- */

static void
test_frame_shorter_than_header(void)
{
	int sv[2];
	unsigned char bytes[IPC_HEADER_SIZE] = { 0 };

	open_pair(sv);
	bytes[0] = IPC_BUILD_CANCEL;
	for (size_t n = 1; n < IPC_HEADER_SIZE; n++) {
		CHECK(raw_send_bytes(sv[0], bytes, n, NULL, 0) == (ssize_t)n);
		CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
		CHECK(strstr(err, "shorter") != NULL);
	}
	close_pair(sv);
}

static void
test_short_frame_with_fd_is_bad_and_closed(void)
{
	int sv[2], p[2], before;
	unsigned char bytes[8] = { 1, 2, 3 };

	open_pair(sv);
	open_pipe(p);
	before = count_open_fds();
	CHECK(raw_send_bytes(sv[0], bytes, sizeof(bytes), &p[1], 1) ==
	    (ssize_t)sizeof(bytes));
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(count_open_fds() == before);
	close(p[0]);
	close(p[1]);
	close_pair(sv);
}

/* A zero-byte datagram with a descriptor attached: whatever the result
 * (EOF or BAD both end the channel), the descriptor must not stay open. */
static void
test_empty_frame_with_fd_leaks_nothing(void)
{
	int sv[2], p[2], before;
	enum ipc_recv_result r;
	char c;

	open_pair(sv);
	open_pipe(p);
	before = count_open_fds();
	CHECK(raw_send_bytes(sv[0], "", 0, &p[1], 1) == 0);
	r = recv_any(sv[1], &in_msg);
	CHECK(r == IPC_RECV_BAD || r == IPC_RECV_EOF);
	CHECK(in_msg.fd == -1);
	CHECK(count_open_fds() == before);
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 0);	/* no received write end is open */
	close(p[0]);
	close_pair(sv);
}

static void
test_header_len_disagrees_with_frame(void)
{
	int sv[2];
	unsigned char payload[16] = { 0 };

	open_pair(sv);
	/* Header says 8, frame has 4. */
	CHECK(raw_send(sv[0], IPC_BUILD_CANCEL, 8, 0, 0, payload, 4, NULL,
	    0) == IPC_HEADER_SIZE + 4);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(strstr(err, "header says 8") != NULL);
	/* Header says 4, frame has 8. */
	CHECK(raw_send(sv[0], IPC_BUILD_CANCEL, 4, 0, 0, payload, 8, NULL,
	    0) == IPC_HEADER_SIZE + 8);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(strstr(err, "header says 4") != NULL);
	/* Header claims a huge payload. */
	CHECK(raw_send(sv[0], IPC_ROLE_CONFIG, UINT32_MAX, 0, 0, payload, 8,
	    NULL, 0) == IPC_HEADER_SIZE + 8);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	/* A good frame after the bad ones still reads. */
	CHECK(raw_send(sv[0], IPC_BUILD_CANCEL, 8, 77, 0, payload, 8, NULL,
	    0) == IPC_HEADER_SIZE + 8);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_OK);
	CHECK(in_msg.hdr.request_id == 77);
	close_pair(sv);
}

static void
test_payload_over_type_cap(void)
{
	static unsigned char payload[IPC_PAYLOAD_MAX + 64];
	int sv[2];
	size_t status_cap = ipc_type_lookup(IPC_FRONT_STATUS)->max_len;

	open_pair(sv);
	CHECK(raw_send(sv[0], IPC_BUILD_CANCEL, 12, 0, 0, payload, 12, NULL,
	    0) == IPC_HEADER_SIZE + 12);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(strstr(err, "cap") != NULL);
	CHECK(strstr(err, "BUILD_CANCEL") != NULL);

	CHECK(raw_send(sv[0], IPC_WORKER_STATUS_REQUEST, 1, 0, 0, payload, 1,
	    NULL, 0) == IPC_HEADER_SIZE + 1);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);

	CHECK(raw_send(sv[0], IPC_FRONT_STATUS, (uint32_t)status_cap + 1, 0, 0,
	    payload, status_cap + 1, NULL, 0) ==
	    (ssize_t)(IPC_HEADER_SIZE + status_cap + 1));
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(strstr(err, "cap") != NULL);

	CHECK(raw_send(sv[0], IPC_FRONT_STATUS, (uint32_t)status_cap, 0, 0,
	    payload, status_cap, NULL, 0) ==
	    (ssize_t)(IPC_HEADER_SIZE + status_cap));
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_OK);
	close_pair(sv);
}

static void
test_payload_over_payload_max(void)
{
	static unsigned char payload[IPC_PAYLOAD_MAX + 64];
	int sv[2], p[2], before;
	size_t len = IPC_PAYLOAD_MAX + 1;

	open_pair(sv);
	CHECK(raw_send(sv[0], IPC_ROLE_CONFIG, (uint32_t)len, 0, 0, payload,
	    len, NULL, 0) == (ssize_t)(IPC_HEADER_SIZE + len));
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(strstr(err, "larger") != NULL);

	/* The same, with a descriptor that must not be leaked. */
	open_pipe(p);
	before = count_open_fds();
	len = IPC_PAYLOAD_MAX + 60;
	CHECK(raw_send(sv[0], IPC_ROLE_CHANNEL, (uint32_t)len, 0, IPC_FLAG_FD,
	    payload, len, &p[1], 1) == (ssize_t)(IPC_HEADER_SIZE + len));
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(count_open_fds() == before);
	close(p[0]);
	close(p[1]);

	/* The channel still carries good frames afterwards. */
	ipc_msg_init(&out_msg, IPC_WORKER_STATUS_REQUEST, 8);
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_OK);
	CHECK(in_msg.hdr.request_id == 8);
	close_pair(sv);
}

static void
test_unknown_type(void)
{
	int sv[2];

	open_pair(sv);
	CHECK(raw_send(sv[0], 99, 0, 0, 0, NULL, 0, NULL, 0) ==
	    IPC_HEADER_SIZE);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(strstr(err, "unknown message type 99") != NULL);
	CHECK(raw_send(sv[0], 0, 0, 0, 0, NULL, 0, NULL, 0) ==
	    IPC_HEADER_SIZE);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	CHECK(raw_send(sv[0], UINT32_MAX, 0, 0, 0, NULL, 0, NULL, 0) ==
	    IPC_HEADER_SIZE);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
	close_pair(sv);
}

static void
test_type_not_permitted(void)
{
	int sv[2];
	const uint32_t build_worker_permits[] = { IPC_BUILD_CANCEL,
	    IPC_WORKER_STATUS_REQUEST };

	open_pair(sv);
	ipc_msg_init(&out_msg, IPC_BUILD_START, 0);
	CHECK(ipc_add_string(&out_msg, "{}") == 0);
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	err[0] = '\0';
	CHECK(ipc_recv(sv[1], &in_msg, build_worker_permits, 2, err,
	    sizeof(err)) == IPC_RECV_BAD);
	CHECK(strstr(err, "BUILD_START") != NULL);
	CHECK(strstr(err, "not permitted") != NULL);

	/* An empty permit list accepts nothing. */
	ipc_msg_init(&out_msg, IPC_WORKER_STATUS_REQUEST, 0);
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	CHECK(ipc_recv(sv[1], &in_msg, NULL, 0, err, sizeof(err)) ==
	    IPC_RECV_BAD);
	CHECK(strstr(err, "WORKER_STATUS_REQUEST") != NULL);
	close_pair(sv);
}

static void
test_unknown_flags(void)
{
	static const uint32_t bad_flags[] = { 0x2, 0x4, 0x80000000u, 0x3 };
	int sv[2];
	uint64_t job = 1;

	open_pair(sv);
	for (size_t i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
		CHECK(raw_send(sv[0], IPC_BUILD_CANCEL, 8, 0, bad_flags[i], &job,
		    8, NULL, 0) == IPC_HEADER_SIZE + 8);
		CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_BAD);
		CHECK(strstr(err, "flags") != NULL);
	}
	close_pair(sv);
}

static void
test_eof_and_again(void)
{
	int sv[2];

	open_pair(sv);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_AGAIN);
	ipc_msg_init(&out_msg, IPC_WORKER_STATUS_REQUEST, 1);
	CHECK(ipc_send(sv[0], &out_msg) == 0);
	close(sv[0]);
	/* A frame sent before the close is still delivered, then EOF. */
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_OK);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_EOF);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_EOF);
	close(sv[1]);
}

static void
test_recv_on_bad_socket(void)
{
	CHECK(recv_any(-1, &in_msg) == IPC_RECV_BAD);
	CHECK(strstr(err, "read failed") != NULL);
}

/* ---- ipc_check_header on its own ---- */

static void
test_check_header_directly(void)
{
	const uint32_t permit[] = { IPC_BUILD_CANCEL, IPC_ROLE_CHANNEL };
	struct ipc_header h = { IPC_BUILD_CANCEL, 8, 1, 0 };
	struct ipc_header ch = { IPC_ROLE_CHANNEL, 4, 1, IPC_FLAG_FD };

	CHECK(ipc_check_header(&h, 24, false, permit, 2, err,
	    sizeof(err)) == 0);
	CHECK(ipc_check_header(&h, 24, true, permit, 2, err, sizeof(err)) ==
	    -1);
	CHECK(ipc_check_header(&h, 23, false, permit, 2, err, sizeof(err)) ==
	    -1);
	CHECK(ipc_check_header(&h, 25, false, permit, 2, err, sizeof(err)) ==
	    -1);
	/* received shorter than a header must not be trusted either. */
	CHECK(ipc_check_header(&h, 8, false, permit, 2, err, sizeof(err)) ==
	    -1);
	CHECK(ipc_check_header(&h, 24, false, permit, 1, err, sizeof(err)) ==
	    0);
	CHECK(ipc_check_header(&h, 24, false, permit + 1, 1, err,
	    sizeof(err)) == -1);
	CHECK(ipc_check_header(&ch, 20, true, permit, 2, err, sizeof(err)) ==
	    0);
	CHECK(ipc_check_header(&ch, 20, false, permit, 2, err, sizeof(err)) ==
	    -1);
	ch.flags = 0;
	CHECK(ipc_check_header(&ch, 20, true, permit, 2, err, sizeof(err)) ==
	    -1);
	CHECK(ipc_check_header(&ch, 20, false, permit, 2, err, sizeof(err)) ==
	    -1);
	/* A tiny err buffer is cut, never overrun. */
	char tiny[4];
	h.type = 12345;
	CHECK(ipc_check_header(&h, 24, false, permit, 2, tiny,
	    sizeof(tiny)) == -1);
	CHECK(strlen(tiny) == sizeof(tiny) - 1);
}

/* ---- builders ---- */

static void
test_builder_refuses_over_cap(void)
{
	static char big[IPC_PAYLOAD_MAX + 1];
	int sv[2];

	open_pair(sv);
	ipc_msg_init(&out_msg, IPC_BUILD_CANCEL, 0);
	CHECK(ipc_add_u64(&out_msg, 1) == 0);
	CHECK(out_msg.hdr.len == 8);
	CHECK(ipc_add_bytes(&out_msg, "x", 1) == -1);
	CHECK(out_msg.overflow);
	CHECK(out_msg.hdr.len == 8);
	/* Overflow sticks: even an empty add fails now. */
	CHECK(ipc_add_bytes(&out_msg, "", 0) == -1);
	errno = 0;
	CHECK(ipc_send(sv[0], &out_msg) == -1);
	CHECK(errno == EMSGSIZE);
	errno = 0;
	CHECK(ipc_try_send(sv[0], &out_msg) == -1);
	CHECK(errno == EMSGSIZE);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_AGAIN);

	/* Cap 0: nothing fits. */
	ipc_msg_init(&out_msg, IPC_WORKER_STATUS_REQUEST, 0);
	CHECK(ipc_add_u32(&out_msg, 1) == -1);
	/* Unknown type: nothing fits. */
	ipc_msg_init(&out_msg, 99, 0);
	CHECK(ipc_add_bytes(&out_msg, "x", 1) == -1);

	/* A string whose bytes pass the cap after its length fitted. */
	ipc_msg_init(&out_msg, IPC_BUILD_CANCEL, 0);
	CHECK(ipc_add_string(&out_msg, "12345") == -1);
	CHECK(ipc_send(sv[0], &out_msg) == -1 && errno == EMSGSIZE);

	/* The largest cap, passed by one byte. */
	memset(big, 'a', sizeof(big));
	ipc_msg_init(&out_msg, IPC_ROLE_CONFIG, 0);
	CHECK(ipc_add_bytes(&out_msg, big, IPC_PAYLOAD_MAX) == 0);
	CHECK(ipc_add_bytes(&out_msg, big, 1) == -1);
	ipc_msg_init(&out_msg, IPC_ROLE_CONFIG, 0);
	CHECK(ipc_add_bytes(&out_msg, big, IPC_PAYLOAD_MAX + 1) == -1);
	CHECK(ipc_add_bytes(&out_msg, big, SIZE_MAX) == -1);

	/* A header len set by hand past the cap is refused at send. */
	ipc_msg_init(&out_msg, IPC_BUILD_CANCEL, 0);
	out_msg.hdr.len = 9;
	CHECK(ipc_send(sv[0], &out_msg) == -1 && errno == EMSGSIZE);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_AGAIN);
	close_pair(sv);
}

static void
test_add_fd_refusals(void)
{
	int p[2];

	open_pipe(p);
	ipc_msg_init(&out_msg, IPC_ROLE_CHANNEL, 0);
	CHECK(ipc_add_fd(&out_msg, -1) == -1);
	CHECK(out_msg.fd == -1 && out_msg.hdr.flags == 0);
	CHECK(ipc_add_fd(&out_msg, 1000000) == -1);	/* not open */
	CHECK(out_msg.fd == -1);
	CHECK(ipc_add_fd(&out_msg, p[0]) == 0);
	CHECK((fcntl(out_msg.fd, F_GETFD) & FD_CLOEXEC) != 0);
	ipc_msg_clear(&out_msg);
	ipc_msg_clear(&out_msg);	/* twice is harmless */
	close(p[0]);
	close(p[1]);
}

/* Fills the socket until the kernel would block: try_send says 0. */
static void
test_try_send_would_block(void)
{
	int sv[2], sent = 0, r = 1;

	open_pair(sv);
	ipc_msg_init(&out_msg, IPC_FRONT_STATUS, 0);
	CHECK(ipc_add_bytes(&out_msg, raw_frame, 4096) == 0);
	for (int i = 0; i < 100000 && r == 1; i++) {
		r = ipc_try_send(sv[0], &out_msg);
		if (r == 1)
			sent++;
	}
	CHECK(r == 0);
	CHECK(sent > 0);
	/* Drain one and a send fits again. */
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_OK);
	CHECK(ipc_try_send(sv[0], &out_msg) == 1);
	close(sv[1]);
	CHECK(ipc_try_send(sv[0], &out_msg) == -1);	/* peer gone: EPIPE */
	close(sv[0]);
}

/* ---- typed readers ---- */

static void
reset_read(struct ipc_msg *m)
{
	m->pos = 0;
}

static void
test_reader_short_reads_keep_position(void)
{
	uint32_t v32 = 0;
	uint64_t v64 = 0;

	ipc_msg_init(&in_msg, IPC_FRONT_BUILD_EVENT, 0);
	CHECK(ipc_add_u32(&in_msg, 0x11223344) == 0);
	CHECK(ipc_add_bytes(&in_msg, "ab", 2) == 0);
	CHECK(ipc_get_u64(&in_msg, &v64) == -1);
	CHECK(in_msg.pos == 0);
	CHECK(v64 == 0);
	CHECK(ipc_get_u32(&in_msg, &v32) == 0 && v32 == 0x11223344);
	CHECK(in_msg.pos == 4);
	CHECK(ipc_get_u32(&in_msg, &v32) == -1);
	CHECK(in_msg.pos == 4);
	CHECK(ipc_get_end(&in_msg) == -1);	/* "ab" is left over */
	/* A cursor somehow past the end is refused, not read from. */
	in_msg.pos = in_msg.hdr.len + 3;
	CHECK(ipc_get_u32(&in_msg, &v32) == -1);
	CHECK(ipc_get_end(&in_msg) == -1);
}

static void
test_reader_trailing_bytes(void)
{
	uint64_t v;

	ipc_msg_init(&in_msg, IPC_BUILD_START, 0);
	CHECK(ipc_add_u64(&in_msg, 5) == 0);
	CHECK(ipc_add_bytes(&in_msg, "z", 1) == 0);
	CHECK(ipc_get_u64(&in_msg, &v) == 0 && v == 5);
	CHECK(ipc_get_end(&in_msg) == -1);
	reset_read(&in_msg);
	CHECK(ipc_get_end(&in_msg) == -1);
}

static void
test_reader_string_refusals(void)
{
	char out[8];
	const char *ref = NULL;
	size_t len = 0;
	uint32_t n;

	/* Embedded NUL. */
	ipc_msg_init(&in_msg, IPC_BUILD_START, 0);
	CHECK(ipc_add_u32(&in_msg, 3) == 0);
	CHECK(ipc_add_bytes(&in_msg, "a\0b", 3) == 0);
	CHECK(ipc_get_string(&in_msg, out, sizeof(out)) == -1);
	CHECK(in_msg.pos == 0);
	CHECK(ipc_get_string_ref(&in_msg, &ref, &len) == -1);
	CHECK(in_msg.pos == 0);

	/* Length field larger than what remains. */
	ipc_msg_init(&in_msg, IPC_BUILD_START, 0);
	CHECK(ipc_add_u32(&in_msg, 100) == 0);
	CHECK(ipc_add_bytes(&in_msg, "abc", 3) == 0);
	CHECK(ipc_get_string(&in_msg, out, sizeof(out)) == -1);
	CHECK(in_msg.pos == 0);
	ipc_msg_init(&in_msg, IPC_BUILD_START, 0);
	CHECK(ipc_add_u32(&in_msg, UINT32_MAX) == 0);
	CHECK(ipc_get_string_ref(&in_msg, &ref, &len) == -1);
	CHECK(in_msg.pos == 0);
	/* Only part of the length field. */
	ipc_msg_init(&in_msg, IPC_BUILD_START, 0);
	CHECK(ipc_add_bytes(&in_msg, "\x01\x00", 2) == 0);
	CHECK(ipc_get_string(&in_msg, out, sizeof(out)) == -1);
	CHECK(in_msg.pos == 0);

	/* Too small an output buffer: needs len + 1. */
	ipc_msg_init(&in_msg, IPC_BUILD_START, 0);
	CHECK(ipc_add_string(&in_msg, "1234567") == 0);	/* 7 bytes */
	memset(out, '#', sizeof(out));
	CHECK(ipc_get_string(&in_msg, out, 7) == -1);
	CHECK(in_msg.pos == 0);
	CHECK(out[0] == '#');
	CHECK(ipc_get_string(&in_msg, out, 0) == -1);
	CHECK(ipc_get_string(&in_msg, out, 8) == 0);
	CHECK_STR(out, "1234567");
	CHECK(ipc_get_end(&in_msg) == 0);

	/* Empty string round trip; ref form points into the message. */
	ipc_msg_init(&in_msg, IPC_BUILD_START, 0);
	CHECK(ipc_add_string(&in_msg, "") == 0);
	CHECK(ipc_add_string(&in_msg, "ok") == 0);
	CHECK(ipc_get_string(&in_msg, out, 1) == 0);
	CHECK_STR(out, "");
	CHECK(ipc_get_string_ref(&in_msg, &ref, &len) == 0);
	CHECK(len == 2 && memcmp(ref, "ok", 2) == 0);
	CHECK(ref == (const char *)in_msg.data + 4 + 4);
	CHECK(ipc_get_end(&in_msg) == 0);
	reset_read(&in_msg);
	CHECK(ipc_get_u32(&in_msg, &n) == 0 && n == 0);
}

/* ---- fuzz ---- */

static uint32_t fuzz_state;

static uint32_t
fuzz_next(void)
{
	/* xorshift32: the same sequence on every machine. */
	fuzz_state ^= fuzz_state << 13;
	fuzz_state ^= fuzz_state >> 17;
	fuzz_state ^= fuzz_state << 5;
	return fuzz_state;
}

static size_t
fuzz_length(void)
{
	uint32_t pick = fuzz_next() % 100;

	if (pick < 70)
		return 1 + fuzz_next() % 64;
	if (pick < 95)
		return 1 + fuzz_next() % (26 * 1024);
	return 1 + fuzz_next() % (IPC_HEADER_SIZE + IPC_PAYLOAD_MAX + 64);
}

/* Reads whatever the payload seems to hold; must never crash. */
static void
fuzz_decode(struct ipc_msg *m)
{
	char s[64];
	uint32_t v32;
	uint64_t v64;

	while (ipc_get_end(m) != 0) {
		size_t before = m->pos;
		switch (fuzz_next() % 4) {
		case 0:
			(void)ipc_get_u32(m, &v32);
			break;
		case 1:
			(void)ipc_get_u64(m, &v64);
			break;
		default:
			(void)ipc_get_string(m, s, sizeof(s));
			break;
		}
		if (m->pos == before && ipc_get_u32(m, &v32) != 0)
			break;
	}
}

static void
fuzz_one_frame(int sv[2], int spare_fd, int *ok, int *bad, int *other)
{
	static unsigned char bytes[IPC_HEADER_SIZE + IPC_PAYLOAD_MAX + 64];
	struct ipc_header h;
	size_t len = fuzz_length();
	int fds[3] = { spare_fd, spare_fd, spare_fd };
	size_t nfds = fuzz_next() % 8 == 0 ? 1 + fuzz_next() % 3 : 0;
	enum ipc_recv_result r;

	for (size_t i = 0; i < len; i++)
		bytes[i] = (unsigned char)fuzz_next();
	if (len >= IPC_HEADER_SIZE && fuzz_next() % 3 == 0) {
		/* Mostly plausible header, to reach the deeper checks. */
		h.type = all_types[fuzz_next() % ALL_TYPES_COUNT];
		h.len = (uint32_t)(len - IPC_HEADER_SIZE);
		if (fuzz_next() % 4 == 0)
			h.len += fuzz_next() % 3 - 1;
		h.request_id = fuzz_next();
		h.flags = fuzz_next() % 5 == 0 ? fuzz_next() : (nfds ?
		    IPC_FLAG_FD : 0);
		memcpy(bytes, &h, sizeof(h));
	}
	if (raw_send_bytes(sv[0], bytes, len, fds, nfds) != (ssize_t)len) {
		(*other)++;
		return;
	}
	r = recv_any(sv[1], &in_msg);
	if (r == IPC_RECV_OK) {
		(*ok)++;
		CHECK(in_msg.hdr.len == len - IPC_HEADER_SIZE);
		CHECK(ipc_type_lookup(in_msg.hdr.type) != NULL);
		fuzz_decode(&in_msg);
		ipc_msg_clear(&in_msg);
	} else if (r == IPC_RECV_BAD) {
		(*bad)++;
		CHECK(in_msg.fd == -1);
		CHECK(err[0] != '\0');
	} else {
		(*other)++;
	}
}

static void
test_fuzz_random_frames(void)
{
	int sv[2], p[2], before, ok = 0, bad = 0, other = 0;

	fuzz_state = FUZZ_SEED;
	printf("# fuzz seed 0x%08x, %d frames\n", FUZZ_SEED, FUZZ_FRAMES);
	open_pair(sv);
	open_pipe(p);
	before = count_open_fds();
	for (int i = 0; i < FUZZ_FRAMES; i++)
		fuzz_one_frame(sv, p[1], &ok, &bad, &other);
	CHECK(other == 0);
	CHECK(ok + bad == FUZZ_FRAMES);
	CHECK(ok > 0);
	CHECK(bad > 0);
	CHECK(count_open_fds() == before);
	CHECK(recv_any(sv[1], &in_msg) == IPC_RECV_AGAIN);
	printf("# fuzz: %d ok, %d bad, %d other\n", ok, bad, other);
	close(p[0]);
	close(p[1]);
	close_pair(sv);
}

int
main(void)
{
	RUN(test_type_table);
	RUN(test_roundtrip_role_config);
	RUN(test_roundtrip_status_request_empty);
	RUN(test_roundtrip_front_status);
	RUN(test_roundtrip_build_start);
	RUN(test_roundtrip_build_cancel);
	RUN(test_roundtrip_front_reply);
	RUN(test_roundtrip_front_build_event);
	RUN(test_roundtrip_exactly_at_cap);
	RUN(test_frames_keep_boundaries);
	RUN(test_fd_passing_pipe);
	RUN(test_fd_passing_sealed_memfd);
	RUN(test_untaken_fd_closed_by_clear);
	RUN(test_fd_type_without_fd_is_bad);
	RUN(test_fd_on_fdless_type_is_bad_and_closed);
	RUN(test_more_than_one_fd_is_bad);
	RUN(test_frame_shorter_than_header);
	RUN(test_short_frame_with_fd_is_bad_and_closed);
	RUN(test_empty_frame_with_fd_leaks_nothing);
	RUN(test_header_len_disagrees_with_frame);
	RUN(test_payload_over_type_cap);
	RUN(test_payload_over_payload_max);
	RUN(test_unknown_type);
	RUN(test_type_not_permitted);
	RUN(test_unknown_flags);
	RUN(test_eof_and_again);
	RUN(test_recv_on_bad_socket);
	RUN(test_check_header_directly);
	RUN(test_builder_refuses_over_cap);
	RUN(test_add_fd_refusals);
	RUN(test_try_send_would_block);
	RUN(test_reader_short_reads_keep_position);
	RUN(test_reader_trailing_bytes);
	RUN(test_reader_string_refusals);
	RUN(test_fuzz_random_frames);
	return testlib_summary();
}
