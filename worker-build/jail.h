/* The build jail: how cargo runs contained.
 *
 * In the child, before exec, in this order: new session and PDEATHSIG;
 * user, mount, pid and network namespaces (from clone); a private /proc and
 * /tmp; loopback up; rlimits; all capabilities dropped; no_new_privs;
 * Landlock; seccomp last. The parent puts the child in its cgroups and
 * writes its uid/gid maps before letting it go (a sync byte on a pipe).
 * What could not be applied is reported in the job's log, never skipped
 * silently. */
#ifndef RTFORGE_JAIL_H
#define RTFORGE_JAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

#define JAIL_REPORT_LINES 16
#define JAIL_LINE_MAX 256

struct jail_report {
	size_t count;
	char lines[JAIL_REPORT_LINES][JAIL_LINE_MAX];
};

struct jail_spec {
	const struct config_build *build;
	const char *target_dir;
	const char *cargo_home;
	const char **argv;
	char **envp;
	int out_fd, err_fd;
	const char *state_dir;
	unsigned long long job_id;
};

/* What a cgroup saw of the build, to name the limit that stopped it. */
struct jail_cgroup_state {
	bool active;
	bool v1;
	char memory[512], pids[512], cpu[512];
};

/* Spawns argv in the jail. Returns the child's pid (its process group and,
 * with a pid namespace, the namespace's init), or -1 with errno. report
 * receives what was applied and what was not. */
pid_t jail_spawn(const struct jail_spec *spec, struct jail_report *report,
    struct jail_cgroup_state *cg);
/* After the build: what limit, if any, stopped it ("memory limit 8192 MiB
 * reached"), then removes the job's cgroups. */
void jail_cgroup_finish(struct jail_cgroup_state *cg, unsigned memory_mb,
    unsigned pids_max, char *why, size_t whylen);

/* jail_cgroup.c */
int jail_cgroup_create(struct jail_cgroup_state *cg,
    const struct config_build *b, const char *state_dir,
    unsigned long long job_id, struct jail_report *report);
int jail_cgroup_attach(const struct jail_cgroup_state *cg, pid_t pid);

/* jail_landlock.c: 0 applied, 1 not available, -1 failed */
int jail_landlock(const struct jail_spec *spec, char *msg, size_t len);
/* jail_seccomp.c: 0 or -1 */
int jail_seccomp(char *msg, size_t len);

void jail_report_add(struct jail_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
