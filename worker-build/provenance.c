#include "provenance.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "fsutil.h"
#include "textutil.h"

#define RUSTC_OUTPUT_MAX 4096
#define LOCK_MAX (16 * 1024 * 1024)
#define GIT_REF_MAX 256

/* The toolchain's own rustc, which we trust as much as the cargo we run;
 * stdout only, bounded, with a 10 s limit. */
static json_t *
rustc_version(const struct config_build *b)
{
	char path[CONFIG_PATH_MAX + 16], out[RUSTC_OUTPUT_MAX + 1];
	int fds[2];
	snprintf(path, sizeof(path), "%s/bin/rustc", b->toolchain_dir);
	if (pipe2(fds, O_CLOEXEC) != 0)
		return json_null();
	pid_t pid = fork();
	if (pid == 0) {
		char *const argv[] = { path, "-vV", NULL };
		char *const envp[] = { "PATH=/usr/bin:/bin", "LANG=C", NULL };
		int devnull = open("/dev/null", O_RDWR);
		if (dup2(fds[1], 1) < 0 || devnull < 0 || dup2(devnull, 2) < 0 ||
		    dup2(devnull, 0) < 0)
			_exit(126);
		execve(path, argv, envp);
		_exit(127);
	}
	close(fds[1]);
	size_t got = 0;
	struct pollfd p = { .fd = fds[0], .events = POLLIN };
	while (pid > 0 && got < RUSTC_OUTPUT_MAX && poll(&p, 1, 10000) > 0) {
		ssize_t n = read(fds[0], out + got, RUSTC_OUTPUT_MAX - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	int status = 0;
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	got = text_clean_multiline(out, got);
	return got > 0 ? json_string(out) : json_null();
}

static json_t *
lock_sha256(const struct config_build *b)
{
	char path[CONFIG_PATH_MAX + 16], hex[65];
	unsigned char digest[32];
	size_t len;
	if (fs_join(path, sizeof(path), b->source_dir, "Cargo.lock") != 0)
		return json_null();
	char *text = fs_read_capped(path, LOCK_MAX, &len);
	if (text == NULL)
		return json_null();
	crypto_hash_sha256(digest, (const unsigned char *)text, len);
	free(text);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	return json_string(hex);
}

static bool
is_commit_hex(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");
	return (n == 40 || n == 64) && (s[n] == '\0' || s[n] == '\n');
}

/* Reads .git/HEAD and the ref it names, without running git: git would
 * honour the repository's own config (fsmonitor, filters), which is code
 * from the tree we are about to build, outside the jail. */
static json_t *
git_commit_at(const char *top)
{
	char path[CONFIG_PATH_MAX + GIT_REF_MAX + 32], ref[GIT_REF_MAX];
	size_t len;
	snprintf(path, sizeof(path), "%s/.git/HEAD", top);
	char *head = fs_read_capped(path, GIT_REF_MAX, &len);
	if (head == NULL)
		return NULL;
	json_t *result = json_null();
	if (is_commit_hex(head)) {
		head[strspn(head, "0123456789abcdef")] = '\0';
		result = json_string(head);
	} else if (sscanf(head, "ref: %255s", ref) == 1 &&
	    strstr(ref, "..") == NULL && strncmp(ref, "refs/", 5) == 0) {
		snprintf(path, sizeof(path), "%s/.git/%s", top, ref);
		char *commit = fs_read_capped(path, GIT_REF_MAX, &len);
		if (commit && is_commit_hex(commit)) {
			commit[strspn(commit, "0123456789abcdef")] = '\0';
			result = json_string(commit);
		}
		free(commit);
	}
	free(head);
	return result;
}

/* The workspace may be a folder inside the repository: look upwards. */
static json_t *
git_commit(const struct config_build *b)
{
	char dir[CONFIG_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", b->source_dir);
	for (int depth = 0; depth < 8 && dir[0] == '/'; depth++) {
		json_t *found = git_commit_at(dir);
		if (found)
			return found;
		char *slash = strrchr(dir, '/');
		if (slash == NULL || slash == dir)
			break;
		*slash = '\0';
	}
	return json_null();
}

json_t *
provenance_collect(const struct config_build *b, const char *features,
    int git_dirty)
{
	json_t *list = json_array();
	char copy[512];
	snprintf(copy, sizeof(copy), "%s", features);
	char *save = NULL;
	for (char *f = strtok_r(copy, ",", &save); f && list;
	    f = strtok_r(NULL, ",", &save))
		json_array_append_new(list, json_string(f));
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "rustc", rustc_version(b),
	    "cargo_lock_sha256", lock_sha256(b), "git_commit", git_commit(b),
	    "features", list ? list : json_array(), "git_dirty", git_dirty < 0 ?
	    json_null() : json_boolean(git_dirty));
}
