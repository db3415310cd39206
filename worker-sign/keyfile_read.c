/* Reading key and password files: the file must be ours alone, and its
 * bytes go straight into guarded memory. Every check is made on the open
 * descriptor, so the file checked is the file read. */
#include "keyfile_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

void
secret_buf_free(struct secret_buf *b)
{
	if (b->data != NULL)
		sodium_free(b->data);	/* wipes before unmapping */
	b->data = NULL;
	b->len = 0;
}

/* The name the fix-it message gives for uid. */
static void
user_name(uid_t uid, char *out, size_t cap)
{
	struct passwd pw, *found = NULL;
	char buf[1024];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 &&
	    found != NULL)
		snprintf(out, cap, "%s", found->pw_name);
	else
		snprintf(out, cap, "%u", (unsigned)uid);
}

static int
check_file(int fd, const char *path, const char *what,
    bool allow_root_owner, char *err, size_t err_len)
{
	struct stat st;
	char me[64];
	uid_t euid = geteuid();

	if (fstat(fd, &st) != 0) {
		snprintf(err, err_len, "%s %s: cannot stat: %s", what, path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, err_len, "%s %s is not a regular file", what,
		    path);
		return -1;
	}
	user_name(euid, me, sizeof(me));
	if (st.st_uid != euid && !(allow_root_owner && st.st_uid == 0)) {
		snprintf(err, err_len, "%s %s is owned by uid %u, not by %s "
		    "that runs the sign worker: run chown %s %s", what, path,
		    (unsigned)st.st_uid, me, me, path);
		return -1;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, err_len, "%s %s can be read or written by group "
		    "or others (mode %04o): run chmod 600 %s && chown %s %s",
		    what, path, (unsigned)(st.st_mode & 07777), path, me, path);
		return -1;
	}
	if (st.st_size > KEYFILE_MAX_BYTES) {
		snprintf(err, err_len, "%s %s is larger than %d bytes", what,
		    path, KEYFILE_MAX_BYTES);
		return -1;
	}
	return 0;
}

/* Reads to EOF (the file may have grown since fstat), at most the cap. */
static int
read_all(int fd, const char *path, const char *what, struct secret_buf *out,
    char *err, size_t err_len)
{
	size_t len = 0;

	if ((out->data = sodium_malloc(KEYFILE_MAX_BYTES + 1)) == NULL) {
		snprintf(err, err_len, "%s %s: cannot allocate guarded memory",
		    what, path);
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, out->data + len,
		    KEYFILE_MAX_BYTES + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, err_len, "%s %s: cannot read: %s", what,
			    path, strerror(errno));
			break;
		}
		if (n == 0) {
			out->data[len] = '\0';
			out->len = len;
			return 0;
		}
		len += (size_t)n;
		if (len > KEYFILE_MAX_BYTES) {
			snprintf(err, err_len, "%s %s is larger than %d bytes",
			    what, path, KEYFILE_MAX_BYTES);
			break;
		}
	}
	secret_buf_free(out);
	return -1;
}

int
keyfile_read(const char *path, const char *what, bool allow_root_owner,
    struct secret_buf *out, char *err, size_t err_len)
{
	int fd, rc;

	out->data = NULL;
	out->len = 0;
	/* O_NONBLOCK: a FIFO planted at the path must not hang us; it is
	 * refused as not a regular file right after. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP)
			snprintf(err, err_len, "%s %s is a symbolic link: name "
			    "the file itself", what, path);
		else
			snprintf(err, err_len, "%s %s: cannot open: %s", what,
			    path, strerror(errno));
		return -1;
	}
	rc = check_file(fd, path, what, allow_root_owner, err, err_len);
	if (rc == 0)
		rc = read_all(fd, path, what, out, err, err_len);
	close(fd);
	return rc;
}

int
keyfile_read_password(const char *path, struct secret_buf *out, char *err,
    size_t err_len)
{
	const char *creds = getenv("CREDENTIALS_DIRECTORY");
	char full[4096];
	bool credential = false;

	if (path[0] != '/' && creds != NULL && creds[0] == '/') {
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", creds,
		    path) >= sizeof(full)) {
			snprintf(err, err_len, "password file: the credential "
			    "path is too long");
			return -1;
		}
		path = full;
		credential = true;	/* systemd's, possibly root's */
	}
	if (keyfile_read(path, "password file", credential, out, err,
	    err_len) != 0)
		return -1;
	if (out->len > 0 && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
	if (out->len > 0 && out->data[out->len - 1] == '\r')
		out->data[--out->len] = '\0';
	if (out->len == 0 || out->len > KEYFILE_PASSWORD_MAX) {
		if (out->len == 0)
			snprintf(err, err_len, "password file %s is empty",
			    path);
		else
			snprintf(err, err_len, "password file %s holds more "
			    "than %d bytes", path, KEYFILE_PASSWORD_MAX);
		secret_buf_free(out);
		return -1;
	}
	return 0;
}
