#include "ipc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static size_t
ipc_cap(uint32_t type)
{
	const struct ipc_type_info *info = ipc_type_lookup(type);
	size_t cap = info ? info->max_len : 0;
	return cap > IPC_PAYLOAD_MAX ? IPC_PAYLOAD_MAX : cap;
}

void
ipc_msg_init(struct ipc_msg *m, uint32_t type, uint32_t request_id)
{
	memset(&m->hdr, 0, sizeof(m->hdr));
	m->hdr.type = type;
	m->hdr.request_id = request_id;
	m->pos = 0;
	m->fd = -1;
	m->overflow = false;
}

void
ipc_msg_clear(struct ipc_msg *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

int
ipc_add_bytes(struct ipc_msg *m, const void *p, size_t len)
{
	size_t cap = ipc_cap(m->hdr.type);
	if (m->overflow || len > cap || m->hdr.len > cap - len) {
		m->overflow = true;
		return -1;
	}
	if (len > 0)
		memcpy(m->data + m->hdr.len, p, len);
	m->hdr.len += (uint32_t)len;
	return 0;
}

int
ipc_add_u32(struct ipc_msg *m, uint32_t v)
{
	return ipc_add_bytes(m, &v, sizeof(v));
}

int
ipc_add_u64(struct ipc_msg *m, uint64_t v)
{
	return ipc_add_bytes(m, &v, sizeof(v));
}

int
ipc_add_string(struct ipc_msg *m, const char *s)
{
	size_t len = strlen(s);
	if (len > UINT32_MAX || ipc_add_u32(m, (uint32_t)len) != 0)
		return -1;
	return ipc_add_bytes(m, s, len);
}

int
ipc_add_fd(struct ipc_msg *m, int fd)
{
	if (m->fd >= 0 || fd < 0)
		return -1;
	m->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (m->fd < 0)
		return -1;
	m->hdr.flags |= IPC_FLAG_FD;
	return 0;
}

static int
ipc_take(struct ipc_msg *m, void *out, size_t len)
{
	if (m->pos > m->hdr.len || m->hdr.len - m->pos < len)
		return -1;
	memcpy(out, m->data + m->pos, len);
	m->pos += len;
	return 0;
}

int
ipc_get_u32(struct ipc_msg *m, uint32_t *v)
{
	return ipc_take(m, v, sizeof(*v));
}

int
ipc_get_u64(struct ipc_msg *m, uint64_t *v)
{
	return ipc_take(m, v, sizeof(*v));
}

int
ipc_get_string_ref(struct ipc_msg *m, const char **s, size_t *len)
{
	size_t start = m->pos;
	uint32_t n;
	if (ipc_get_u32(m, &n) != 0)
		return -1;
	if (m->hdr.len - m->pos < n ||
	    memchr(m->data + m->pos, '\0', n) != NULL) {
		m->pos = start;
		return -1;
	}
	*s = (const char *)m->data + m->pos;
	*len = n;
	m->pos += n;
	return 0;
}

int
ipc_get_string(struct ipc_msg *m, char *out, size_t outlen)
{
	size_t start = m->pos;
	const char *s;
	size_t len;
	if (ipc_get_string_ref(m, &s, &len) != 0)
		return -1;
	if (len >= outlen) {
		m->pos = start;
		return -1;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

int
ipc_get_fd(struct ipc_msg *m)
{
	int fd = m->fd;
	m->fd = -1;
	return fd;
}

int
ipc_get_end(const struct ipc_msg *m)
{
	return m->pos == m->hdr.len ? 0 : -1;
}

static int
ipc_sendmsg(int sock, const struct ipc_msg *m, int flags)
{
	if (m->overflow || m->hdr.len > ipc_cap(m->hdr.type)) {
		errno = EMSGSIZE;
		return -1;
	}
	struct iovec iov[2] = {
		{ .iov_base = (void *)&m->hdr, .iov_len = IPC_HEADER_SIZE },
		{ .iov_base = (void *)m->data, .iov_len = m->hdr.len },
	};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	if (m->fd >= 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &m->fd, sizeof(int));
	}
	ssize_t n;
	do {
		n = sendmsg(sock, &msg, flags | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

int
ipc_send(int sock, const struct ipc_msg *m)
{
	return ipc_sendmsg(sock, m, 0);
}

int
ipc_try_send(int sock, const struct ipc_msg *m)
{
	if (ipc_sendmsg(sock, m, MSG_DONTWAIT) == 0)
		return 1;
	return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
}

static bool
ipc_permitted(uint32_t type, const uint32_t *permitted, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (permitted[i] == type)
			return true;
	return false;
}

int
ipc_check_header(const struct ipc_header *h, size_t received, bool fd_arrived,
    const uint32_t *permitted, size_t count, char *err, size_t errlen)
{
	const struct ipc_type_info *info = ipc_type_lookup(h->type);
	if (info == NULL) {
		snprintf(err, errlen, "unknown message type %u", h->type);
		return -1;
	}
	if (!ipc_permitted(h->type, permitted, count)) {
		snprintf(err, errlen, "message %s is not permitted here",
		    info->name);
		return -1;
	}
	if ((size_t)h->len != received - IPC_HEADER_SIZE) {
		snprintf(err, errlen, "message %s: header says %u bytes, frame "
		    "has %zu", info->name, h->len, received - IPC_HEADER_SIZE);
		return -1;
	}
	if (h->len > info->max_len) {
		snprintf(err, errlen, "message %s: %u bytes exceeds its cap of "
		    "%zu", info->name, h->len, info->max_len);
		return -1;
	}
	if ((h->flags & ~IPC_FLAG_FD) != 0) {
		snprintf(err, errlen, "message %s: unknown flags 0x%x",
		    info->name, h->flags);
		return -1;
	}
	bool fd_flag = (h->flags & IPC_FLAG_FD) != 0;
	if (fd_flag != fd_arrived || fd_arrived != (info->fd == 1)) {
		snprintf(err, errlen, "message %s: %s", info->name, fd_arrived ?
		    "carries an unexpected descriptor" :
		    "lacks its descriptor");
		return -1;
	}
	return 0;
}

/* Collects at most one SCM_RIGHTS descriptor; any extra ones are closed so
 * that a hostile peer cannot fill our descriptor table. Returns the count
 * received. */
static int
ipc_collect_fds(struct msghdr *msg, int *fd_out)
{
	int count = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL;
	    c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (count++ == 0)
				*fd_out = fd;
			else
				close(fd);
		}
	}
	return count;
}

enum ipc_recv_result
ipc_recv(int sock, struct ipc_msg *m, const uint32_t *permitted, size_t count,
    char *err, size_t errlen)
{
	struct iovec iov[2] = {
		{ .iov_base = &m->hdr, .iov_len = IPC_HEADER_SIZE },
		{ .iov_base = m->data, .iov_len = sizeof(m->data) },
	};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} control;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2,
	    .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	ipc_msg_init(m, 0, 0);
	ssize_t n;
	do {
		n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return IPC_RECV_AGAIN;
		snprintf(err, errlen, "read failed: %s", strerror(errno));
		return IPC_RECV_BAD;
	}
	int fd = -1;
	int fds = ipc_collect_fds(&msg, &fd);
	m->fd = fd;
	if (n == 0 && fds == 0)
		return IPC_RECV_EOF;
	if (n == 0) {
		snprintf(err, errlen, "empty frame carries a descriptor");
		ipc_msg_clear(m);
		return IPC_RECV_BAD;
	}
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		snprintf(err, errlen, "frame larger than any message allows");
		ipc_msg_clear(m);
		return IPC_RECV_BAD;
	}
	if ((size_t)n < IPC_HEADER_SIZE) {
		snprintf(err, errlen, "frame of %zd bytes is shorter than the "
		    "header", n);
		ipc_msg_clear(m);
		return IPC_RECV_BAD;
	}
	if (fds > 1 || ipc_check_header(&m->hdr, (size_t)n, fds == 1,
	    permitted, count, err, errlen) != 0) {
		if (fds > 1)
			snprintf(err, errlen, "frame carries %d descriptors",
			    fds);
		ipc_msg_clear(m);
		return IPC_RECV_BAD;
	}
	return IPC_RECV_OK;
}

int
ipc_socketpair(int fds[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
}
