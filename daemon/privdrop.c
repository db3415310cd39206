#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "supervise.h"

int
privdrop_lookup(const char *name, struct role_user *out, char *err,
    size_t errlen)
{
	errno = 0;
	struct passwd *pw = getpwnam(name);
	if (pw == NULL) {
		snprintf(err, errlen, "user \"%s\" does not exist; create it "
		    "(make deps does: useradd --system --no-create-home "
		    "--shell /usr/sbin/nologin %s) or set users.* in the "
		    "config", name, name);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user \"%s\" is root; each role needs "
		    "an unprivileged user of its own", name);
		return -1;
	}
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	return 0;
}

int
privdrop_to(const struct role_user *u)
{
	gid_t gid = (gid_t)u->gid;
	if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(u->uid, u->uid, u->uid) != 0)
		return -1;
	/* Paranoia from OpenSSH: make sure the way back is really shut. */
	if (setuid(0) == 0 || seteuid(0) == 0)
		return -1;
	return 0;
}

/* Touches the directory only when it differs from what we want, so that
 * a host that prepared it already (systemd-tmpfiles) needs no chmod that
 * sets the setgid bit (RestrictSUIDSGID= would refuse it). */
int
privdrop_prepare_dir(const char *dir, unsigned owner, unsigned group)
{
	return privdrop_prepare_dir_mode(dir, owner, group, 02750);
}

int
privdrop_prepare_dir_mode(const char *dir, unsigned owner, unsigned group,
    unsigned mode)
{
	struct stat st;
	if (fs_mkdirs(dir, 0755) != 0 || stat(dir, &st) != 0)
		return -1;
	if ((st.st_uid != owner || st.st_gid != group) &&
	    chown(dir, owner, group) != 0)
		return -1;
	if ((st.st_mode & 07777) != mode && chmod(dir, (mode_t)mode) != 0)
		return -1;
	return 0;
}
