/* Landlock: the build may read and execute the system and the toolchain,
 * read the source tree, and write only its target dir, cargo home and
 * private /tmp. With ABI 4 and later it may not open TCP connections at
 * all. Raw syscalls: glibc has no wrappers. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jail.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1

#define FS_EXECUTE (1ULL << 0)
#define FS_WRITE_FILE (1ULL << 1)
#define FS_READ_FILE (1ULL << 2)
#define FS_READ_DIR (1ULL << 3)
#define FS_REMOVE_DIR (1ULL << 4)
#define FS_REMOVE_FILE (1ULL << 5)
#define FS_MAKE_CHAR (1ULL << 6)
#define FS_MAKE_DIR (1ULL << 7)
#define FS_MAKE_REG (1ULL << 8)
#define FS_MAKE_SOCK (1ULL << 9)
#define FS_MAKE_FIFO (1ULL << 10)
#define FS_MAKE_BLOCK (1ULL << 11)
#define FS_MAKE_SYM (1ULL << 12)
#define FS_REFER (1ULL << 13)		/* ABI 2 */
#define FS_TRUNCATE (1ULL << 14)	/* ABI 3 */
#define FS_IOCTL_DEV (1ULL << 15)	/* ABI 5 */
#define NET_BIND_TCP (1ULL << 0)	/* ABI 4 */
#define NET_CONNECT_TCP (1ULL << 1)

/* Filled in and read by the kernel only. */
struct ll_ruleset_attr {
	/* cppcheck-suppress unusedStructMember */
	uint64_t handled_access_fs;
	/* cppcheck-suppress unusedStructMember */
	uint64_t handled_access_net;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

static uint64_t
fs_rights_for_abi(int abi)
{
	uint64_t all = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_READ_DIR |
	    FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_CHAR | FS_MAKE_DIR |
	    FS_MAKE_REG | FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_BLOCK |
	    FS_MAKE_SYM;
	if (abi >= 2)
		all |= FS_REFER;
	if (abi >= 3)
		all |= FS_TRUNCATE;
	if (abi >= 5)
		all |= FS_IOCTL_DEV;
	return all;
}

/* A missing path is not an error: /lib32 exists on some hosts only. */
static int
allow(int ruleset, const char *path, uint64_t rights, uint64_t handled)
{
	struct ll_path_beneath rule = { .allowed_access = rights & handled };
	if (path == NULL || path[0] == '\0')
		return 0;
	rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (rule.parent_fd < 0)
		return errno == ENOENT ? 0 : -1;
	/* A rule on a file may hold file rights only. */
	struct stat st;
	if (fstat(rule.parent_fd, &st) == 0 && !S_ISDIR(st.st_mode))
		rule.allowed_access &= FS_EXECUTE | FS_WRITE_FILE |
		    FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV;
	int r = (int)syscall(SYS_landlock_add_rule, ruleset,
	    LL_RULE_PATH_BENEATH, &rule, 0);
	int saved = errno;
	close(rule.parent_fd);
	errno = saved;
	return r;
}

int
jail_landlock(const struct jail_spec *spec, char *msg, size_t len)
{
	static const char *const system_dirs[] = { "/usr", "/bin", "/sbin",
		"/lib", "/lib32", "/lib64", "/libx32", "/etc", "/proc", "/sys",
		"/dev", NULL };
	int abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LL_CREATE_RULESET_VERSION);
	if (abi < 1) {
		snprintf(msg, len, "jail: Landlock is not available on this "
		    "kernel (%s): the build can read whatever its user can",
		    strerror(errno));
		return 1;
	}
	uint64_t handled = fs_rights_for_abi(abi);
	struct ll_ruleset_attr attr = { .handled_access_fs = handled };
	size_t attr_size = sizeof(uint64_t);
	if (abi >= 4) {
		attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
		attr_size = sizeof(attr);
	}
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (rs < 0) {
		snprintf(msg, len, "jail: Landlock ruleset: %s", strerror(errno));
		return -1;
	}
	uint64_t rx = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR;
	uint64_t ro = FS_READ_FILE | FS_READ_DIR;
	uint64_t dev_rw = FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE;
	int r = 0;
	for (size_t i = 0; system_dirs[i]; i++)
		r |= allow(rs, system_dirs[i], rx, handled);
	r |= allow(rs, spec->build->toolchain_dir, rx, handled);
	r |= allow(rs, spec->build->source_dir, ro, handled);
	r |= allow(rs, spec->build->extra_read_path, ro, handled);
	r |= allow(rs, "/dev/null", dev_rw, handled);
	r |= allow(rs, spec->target_dir, handled, handled);
	r |= allow(rs, spec->cargo_home, handled, handled);
	/* No rule for /tmp: the build's TMPDIR is inside its target dir, and
	 * the host's /tmp (where other users' files live) stays out of reach. */
	if (r != 0 || syscall(SYS_landlock_restrict_self, rs, 0) != 0) {
		snprintf(msg, len, "jail: Landlock rules: %s", strerror(errno));
		close(rs);
		return -1;
	}
	close(rs);
	snprintf(msg, len, "jail: Landlock ABI %d: read-only source, writes "
	    "only to the target dir (TMPDIR is inside it) and cargo home%s", abi,
	    abi >= 4 ? "; no TCP bind or connect" : "");
	return 0;
}
