/* The source tree's uncommitted changes, for a build's provenance. */
#ifndef RTFORGE_GIT_STATE_H
#define RTFORGE_GIT_STATE_H

#include <stddef.h>

struct build_job;

/* 1 when tracked files differ from the commit (staged or not), 0 when
 * they do not, -1 when it cannot be known (not a git tree, no git, git
 * failed or took over 5 s): then why says so. Runs git in the build jail
 * and waits for it (bounded). */
int git_source_dirty(const struct build_job *job, char *why, size_t whylen);

#endif
