/* Per-build cgroups: memory (swap 0), pids and cpu limits, and reading
 * back which limit stopped a build. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cgroup_delegate.h"
#include "fsutil.h"
#include "jail.h"

static int
write_text(const char *dir, const char *file, const char *text)
{
	char path[640];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	int saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static long long
read_number(const char *dir, const char *file, const char *key)
{
	char path[640];
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	char *text = fs_read_capped(path, 64 * 1024, &len);
	long long v = -1;
	if (text == NULL)
		return -1;
	if (key == NULL)
		v = strtoll(text, NULL, 10);
	else {
		const char *at = strstr(text, key);
		if (at)
			v = strtoll(at + strlen(key), NULL, 10);
	}
	free(text);
	return v;
}

static int
make_group(char *out, size_t len, const char *controller, const char *tag,
    unsigned long long job_id)
{
	char parent[256];
	snprintf(parent, sizeof(parent), "%s/%s/%s", CGROUP_ROOT, controller,
	    CGROUP_PARENT);
	if (access(parent, W_OK) != 0)
		return -1;
	snprintf(out, len, "%s/job-%s-%llu", parent, tag, job_id);
	if (mkdir(out, 0750) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int
limit_memory(const char *dir, unsigned mb, struct jail_report *report)
{
	char v[32];
	snprintf(v, sizeof(v), "%llu", (unsigned long long)mb << 20);
	if (write_text(dir, "memory.limit_in_bytes", v) != 0)
		return -1;
	/* memsw = memory means no swap; absent when swap accounting is off,
	 * and then swap is simply not accounted, which we say. */
	if (write_text(dir, "memory.memsw.limit_in_bytes", v) != 0)
		jail_report_add(report, "jail: memory.memsw is not available "
		    "(swap accounting off); swap is not limited separately");
	return 0;
}

static int
limit_cpu(const char *dir, unsigned percent)
{
	char v[32];
	if (percent == 0)
		return 0;
	if (write_text(dir, "cpu.cfs_period_us", "100000") != 0)
		return -1;
	snprintf(v, sizeof(v), "%u", percent * 1000);
	return write_text(dir, "cpu.cfs_quota_us", v);
}

/* Job ids start at 1 in every state dir: two daemons on one host (a test
 * beside a dev instance) must not share a group. */
static void
state_tag(const char *state_dir, char tag[17])
{
	unsigned char h[8];
	crypto_generichash(h, sizeof(h), (const unsigned char *)state_dir,
	    strlen(state_dir), NULL, 0);
	sodium_bin2hex(tag, 17, h, sizeof(h));
}

int
jail_cgroup_create(struct jail_cgroup_state *cg, const struct config_build *b,
    const char *state_dir, unsigned long long job_id,
    struct jail_report *report)
{
	char v[32], tag[17];
	memset(cg, 0, sizeof(*cg));
	state_tag(state_dir, tag);
	if (make_group(cg->memory, sizeof(cg->memory), "memory", tag,
	    job_id) != 0 ||
	    make_group(cg->pids, sizeof(cg->pids), "pids", tag, job_id) != 0 ||
	    make_group(cg->cpu, sizeof(cg->cpu), "cpu", tag, job_id) != 0) {
		jail_report_add(report, "jail: no delegated cgroup (%s); memory "
		    "is capped by RLIMIT_DATA instead, a weaker per-process "
		    "limit, and there is no per-build process or cpu cap beyond "
		    "the pid namespace", strerror(errno));
		return -1;
	}
	snprintf(v, sizeof(v), "%u", b->pids_max);
	if (limit_memory(cg->memory, b->memory_limit_mb, report) != 0 ||
	    write_text(cg->pids, "pids.max", v) != 0 ||
	    limit_cpu(cg->cpu, b->cpu_percent) != 0) {
		jail_report_add(report, "jail: cannot set cgroup limits (%s); "
		    "falling back to RLIMIT_DATA", strerror(errno));
		return -1;
	}
	cg->active = true;
	cg->v1 = true;
	if (b->cpu_percent)
		jail_report_add(report, "jail: cgroup v1 memory %u MiB (no "
		    "swap), %u tasks, cpu %u%%", b->memory_limit_mb, b->pids_max,
		    b->cpu_percent);
	else
		jail_report_add(report, "jail: cgroup v1 memory %u MiB (no "
		    "swap), %u tasks, cpu uncapped", b->memory_limit_mb,
		    b->pids_max);
	return 0;
}

int
jail_cgroup_attach(const struct jail_cgroup_state *cg, pid_t pid)
{
	char v[32];
	if (!cg->active)
		return 0;
	snprintf(v, sizeof(v), "%d", (int)pid);
	if (write_text(cg->memory, "tasks", v) != 0 ||
	    write_text(cg->pids, "tasks", v) != 0 ||
	    write_text(cg->cpu, "tasks", v) != 0)
		return -1;
	return 0;
}

/* Kills whatever is still in a group, then removes it. */
static void
remove_group(const char *dir)
{
	char path[640];
	size_t len;
	if (dir[0] == '\0')
		return;
	snprintf(path, sizeof(path), "%s/tasks", dir);
	for (int round = 0; round < 50; round++) {
		char *text = fs_read_capped(path, 1024 * 1024, &len);
		bool any = false;
		for (char *p = text, *end; p && *p; p = end) {
			long pid = strtol(p, &end, 10);
			if (end == p)
				break;
			if (pid > 1) {
				kill((pid_t)pid, SIGKILL);
				any = true;
			}
		}
		free(text);
		if (!any && rmdir(dir) == 0)
			return;
		usleep(20 * 1000);
	}
	rmdir(dir);
}

void
jail_cgroup_finish(struct jail_cgroup_state *cg, unsigned memory_mb,
    unsigned pids_max, char *why, size_t whylen)
{
	why[0] = '\0';
	if (!cg->active)
		return;
	long long oom = read_number(cg->memory, "memory.oom_control",
	    "oom_kill ");
	long long failcnt = read_number(cg->memory, "memory.failcnt", NULL);
	long long pids_hit = read_number(cg->pids, "pids.events", "max ");
	if (oom > 0 || (oom < 0 && failcnt > 0))
		snprintf(why, whylen, "memory limit %u MiB reached "
		    "(build.memory_limit_mb)", memory_mb);
	else if (pids_hit > 0)
		snprintf(why, whylen, "process limit of %u tasks reached "
		    "(build.pids_max)", pids_max);
	remove_group(cg->memory);
	remove_group(cg->pids);
	remove_group(cg->cpu);
	cg->active = false;
}
