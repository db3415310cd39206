/* Where the build worker finds cgroups it may manage. On a host with cgroup
 * v1 controllers, the supervisor (root) makes <controller>/rtforge for the
 * memory, pids and cpu controllers and gives them to the build user, who
 * then makes one child group per build. */
#ifndef RTFORGE_CGROUP_DELEGATE_H
#define RTFORGE_CGROUP_DELEGATE_H

#include <stddef.h>

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_PARENT "rtforge"

/* Returns the number of controllers delegated (0 when none could be). */
int cgroup_delegate_v1(unsigned uid, unsigned gid, char *note, size_t len);

#endif
