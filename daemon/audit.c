/* The front's audit log: every build, cancel, upload and upgrade request,
 * and every refused attempt at one, as one JSON line in
 * <state>/audit/front.jsonl: who (the token's name), when, from where,
 * what, and the answer. Append-only, fsync'd, never rewritten. (The sign
 * worker keeps its own, with what it signed: upgrades/audit.jsonl.) */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "auth_int.h"
#include "front.h"
#include "fsutil.h"
#include "log.h"
#include "timefmt.h"

static int
append(const char *line, size_t len)
{
	char dir[CONFIG_PATH_MAX + 16], path[CONFIG_PATH_MAX + 32];
	if (fs_join(dir, sizeof(dir), fr.cfg.state_dir, "audit") != 0 ||
	    fs_join(path, sizeof(path), dir, "front.jsonl") != 0)
		return -1;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0640);
	if (fd < 0 && errno == ENOENT && fs_mkdirs(dir, 0750) == 0)
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		    O_NOFOLLOW, 0640);
	if (fd < 0)
		return -1;
	/* A short write (disk full) is taken back: no half line for the next
	 * one to be glued to. */
	struct stat st;
	ssize_t n = fstat(fd, &st) == 0 ? write(fd, line, len) : -1;
	if (n >= 0 && n != (ssize_t)len && ftruncate(fd, st.st_size) != 0)
		log_warn("audit log: cannot take back a partial line");
	int r = n == (ssize_t)len && fsync(fd) == 0 ? 0 : -1;
	close(fd);
	return r;
}

void
audit_front(const struct auth_who *who, const char *method, const char *path,
    int status, const char *detail)
{
	char at[32];
	format_rfc3339(time(NULL), at, sizeof(at));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "at", at,
	    "who", who && who->name[0] ? who->name : "-", "via", who && who->via ?
	    who->via : "-", "from", who ? who->client : "-", "method", method,
	    "path", path, "status", status);
	if (o && detail)
		json_object_set_new(o, "detail", json_string(detail));
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (text == NULL)
		return;
	size_t len = strlen(text);
	char *line = realloc(text, len + 2);
	if (line == NULL) {
		free(text);
		return;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	if (append(line, len + 1) != 0)
		log_warn("cannot append to the audit log under %s/audit",
		    fr.cfg.state_dir);
	free(line);
}
