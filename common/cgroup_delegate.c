#include "cgroup_delegate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
delegate_one(const char *controller, unsigned uid, unsigned gid)
{
	static const char *const files[] = { "tasks", "cgroup.procs", NULL };
	char dir[256], path[320];
	snprintf(dir, sizeof(dir), "%s/%s", CGROUP_ROOT, controller);
	if (access(dir, W_OK) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/%s/%s", CGROUP_ROOT, controller,
	    CGROUP_PARENT);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return -1;
	if (chown(dir, uid, gid) != 0)
		return -1;
	for (size_t i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (chown(path, uid, gid) != 0)
			return -1;
	}
	return 0;
}

int
cgroup_delegate_v1(unsigned uid, unsigned gid, char *note, size_t len)
{
	static const char *const controllers[] = { "memory", "pids", "cpu" };
	int done = 0;
	note[0] = '\0';
	for (size_t i = 0; i < 3; i++) {
		if (delegate_one(controllers[i], uid, gid) == 0) {
			done++;
			continue;
		}
		size_t used = strlen(note);
		snprintf(note + used, len - used, "%s%s: %s", used ? "; " : "",
		    controllers[i], strerror(errno));
	}
	return done;
}
