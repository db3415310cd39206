/* The sign worker's seccomp allowlist (worker-sign/sign_seccomp.c). Each
 * case forks a child that enters the filter and then tries one thing; the
 * parent reads the verdict from the child's exit: allowed work must still
 * succeed (IPC with SCM_RIGHTS, a libevent loop, a TCP connection to a
 * loopback listener, an O_APPEND write, mapping a received fd, guarded
 * memory, randomness) and forbidden calls must fail with EPERM or kill
 * the child with SIGSYS. */
#include "custody.h"
#include "sign_seccomp.h"
#include "testlib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

static char dir[64];
static char log_path[128];
static char data_path[128];
static int data_fd = -1;
static struct sockaddr_in listener_addr;

/* The child's verdicts. */
#define OK 0
#define STEP(n) (10 + (n))

/* Runs fn in a child under the filter; returns its wait status. */
static int
in_filter(int (*fn)(void))
{
	pid_t pid = fork();
	int status = -1;

	if (pid == 0) {
		char err[256];
		if (custody_harden_process(err, sizeof(err)) != 0 ||
		    sign_seccomp_enter(err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			_exit(2);
		}
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int
exited_ok(int status)
{
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		fprintf(stderr, "  child status: exited %d, signal %d\n",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int
killed_by_sigsys(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS;
}

/* --- allowed --- */

/* One byte with room for one SCM_RIGHTS fd. */
struct fd_msg {
	char byte;
	struct iovec iov;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m;
};

static void
fd_msg_init(struct fd_msg *f)
{
	memset(f, 0, sizeof(*f));
	f->byte = 'k';
	f->iov.iov_base = &f->byte;
	f->iov.iov_len = 1;
	f->m.msg_iov = &f->iov;
	f->m.msg_iovlen = 1;
	f->m.msg_control = f->u.buf;
	f->m.msg_controllen = sizeof(f->u.buf);
}

static int
send_fd(int sock, int fd)
{
	struct fd_msg f;
	struct cmsghdr *c;

	fd_msg_init(&f);
	c = CMSG_FIRSTHDR(&f.m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &f.m, 0) == 1 ? 0 : -1;
}

static int
recv_fd(int sock)
{
	struct fd_msg f;
	struct cmsghdr *c;
	int fd = -1;

	fd_msg_init(&f);
	if (recvmsg(sock, &f.m, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&f.m);
	if (c == NULL || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
	char buf[8];

	(void)what;
	*(int *)arg = read(fd, buf, sizeof(buf)) == 5 &&
	    memcmp(buf, "hello", 5) == 0;
}

/* A socketpair round trip through a libevent loop, then an fd passed with
 * SCM_RIGHTS, read, fstat'ed and mapped. */
static int
child_ipc(void)
{
	int sv[2], fd, got = 0;
	struct event_base *base;
	struct event *ev;
	struct stat st;
	char buf[16];
	void *map;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return STEP(1);
	if ((base = event_base_new()) == NULL)
		return STEP(2);
	ev = event_new(base, sv[1], EV_READ, on_readable, &got);
	if (ev == NULL || event_add(ev, NULL) != 0 ||
	    write(sv[0], "hello", 5) != 5 ||
	    event_base_loop(base, EVLOOP_ONCE) != 0 || !got)
		return STEP(3);
	event_free(ev);
	event_base_free(base);
	if (send_fd(sv[0], data_fd) != 0 || (fd = recv_fd(sv[1])) < 0)
		return STEP(4);
	if (fstat(fd, &st) != 0 || st.st_size != 9 ||
	    pread(fd, buf, 9, 0) != 9 || memcmp(buf, "wasm-blob", 9) != 0)
		return STEP(5);
	map = mmap(NULL, 9, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED || memcmp(map, "wasm-blob", 9) != 0 ||
	    munmap(map, 9) != 0)
		return STEP(6);
	close(fd);
	return OK;
}

static int
child_tcp(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), e = -1;
	socklen_t len = sizeof(e);
	int s6 = socket(AF_INET6, SOCK_STREAM, 0);

	if (s < 0 || s6 < 0)
		return STEP(1);
	if (connect(s, (struct sockaddr *)&listener_addr,
	    sizeof(listener_addr)) != 0)
		return STEP(2);
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len) != 0 || e != 0)
		return STEP(3);
	if (send(s, "ping", 4, MSG_NOSIGNAL) != 4)
		return STEP(4);
	close(s);
	close(s6);
	return OK;
}

static int
child_append(void)
{
	int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600);

	if (fd < 0)
		return STEP(1);
	if (write(fd, "audit line\n", 11) != 11 || fsync(fd) != 0)
		return STEP(2);
	close(fd);
	return OK;
}

/* Time, randomness, heap, guarded memory and a signature: the rest of
 * what signing needs. */
static int
child_memory_and_time(void)
{
	struct timespec ts;
	uint8_t rnd[32], *big, *guarded;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0 ||
	    clock_gettime(CLOCK_REALTIME, &ts) != 0 || time(NULL) < 0)
		return STEP(1);
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return STEP(2);
	randombytes_buf(rnd, sizeof(rnd));
	if ((big = malloc(8 << 20)) == NULL)
		return STEP(3);
	memset(big, 1, 8 << 20);
	free(big);
	if ((guarded = sodium_malloc(100)) == NULL ||
	    sodium_mprotect_noaccess(guarded) != 0 ||
	    sodium_mprotect_readwrite(guarded) != 0)
		return STEP(4);
	sodium_free(guarded);
	return OK;
}

/* --- forbidden: each child returns OK only if the call was refused --- */

static int
child_execve(void)
{
	char *argv[] = { "/bin/true", NULL };

	execve("/bin/true", argv, NULL);
	return STEP(1);		/* not killed: the filter failed */
}

static int
child_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return STEP(1);
}

static int
child_ptrace(void)
{
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	return STEP(1);
}

static int
child_process_vm(void)
{
	char a[4], b[4];
	struct iovec l = { a, 4 }, r = { b, 4 };

	syscall(SYS_process_vm_readv, getppid(), &l, 1, &r, 1, 0);
	return STEP(1);
}

static int
child_refused_calls(void)
{
	struct stat st;
	void *p;

	if (open("/etc/shadow", O_RDONLY) >= 0 || errno != EPERM)
		return STEP(1);
	if (open("/etc/passwd", O_RDONLY) >= 0 || errno != EPERM)
		return STEP(2);
	if (open(log_path, O_WRONLY | O_TRUNC) >= 0 || errno != EPERM)
		return STEP(3);
	if (open(log_path, O_RDWR | O_APPEND) >= 0 || errno != EPERM)
		return STEP(4);
	if (stat("/etc/passwd", &st) == 0 || errno != EPERM)
		return STEP(5);
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED || errno != EPERM)
		return STEP(6);
	if (socket(AF_NETLINK, SOCK_RAW, 0) >= 0 || errno != EPERM)
		return STEP(7);
	if (socket(AF_PACKET, SOCK_RAW, 0) >= 0 || errno != EPERM)
		return STEP(8);
	if (kill(getppid(), 0) == 0 || errno != EPERM)
		return STEP(9);
	if (setuid(0) == 0 && geteuid() != 0)
		return STEP(10);
	return OK;
}

static void
test_allowed(void)
{
	char buf[64];
	int fd;
	ssize_t n;

	CHECK(exited_ok(in_filter(child_ipc)));
	CHECK(exited_ok(in_filter(child_tcp)));
	CHECK(exited_ok(in_filter(child_append)));
	CHECK(exited_ok(in_filter(child_append)));
	fd = open(log_path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	CHECK(n == 22 && memcmp(buf, "audit line\naudit line\n", 22) == 0);
	if (fd >= 0)
		close(fd);
	CHECK(exited_ok(in_filter(child_memory_and_time)));
}

static void
test_forbidden(void)
{
	CHECK(killed_by_sigsys(in_filter(child_execve)));
	CHECK(killed_by_sigsys(in_filter(child_fork)));
	CHECK(killed_by_sigsys(in_filter(child_ptrace)));
	CHECK(killed_by_sigsys(in_filter(child_process_vm)));
	CHECK(exited_ok(in_filter(child_refused_calls)));
}

static int
setup(void)
{
	int ls, fd;
	socklen_t len = sizeof(listener_addr);

	snprintf(dir, sizeof(dir), "/tmp/rtforge-seccomp-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(log_path, sizeof(log_path), "%s/audit.log", dir);
	snprintf(data_path, sizeof(data_path), "%s/blob", dir);
	fd = open(data_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "wasm-blob", 9) != 9)
		return -1;
	data_fd = fd;
	/* A listener the children connect to (the kernel completes the
	 * handshake from the backlog; nobody needs to accept). */
	ls = socket(AF_INET, SOCK_STREAM, 0);
	listener_addr.sin_family = AF_INET;
	listener_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&listener_addr,
	    sizeof(listener_addr)) != 0 || listen(ls, 16) != 0 ||
	    getsockname(ls, (struct sockaddr *)&listener_addr, &len) != 0)
		return -1;
	return ls;
}

int
main(void)
{
	int ls = sodium_init() < 0 ? -1 : setup();

	if (ls < 0) {
		perror("setup");
		return 2;
	}
	RUN(test_allowed);
	RUN(test_forbidden);
	close(ls);
	close(data_fd);
	unlink(log_path);
	unlink(data_path);
	rmdir(dir);
	return testlib_summary();
}
