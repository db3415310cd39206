/* The supervisor: starts each role, restarts any that dies, hands out the
 * channels between them, and stops them in order. It parses no request
 * and does no network I/O beyond holding the listening socket. */
#ifndef RTFORGE_SUPERVISE_H
#define RTFORGE_SUPERVISE_H

#include "config.h"

/* Runs until SIGTERM/SIGINT. config_path is NULL in --dev mode. */
int supervise(struct rtforge_config *cfg, const char *config_path,
    const char *self_exe);

/* privdrop.c */
struct role_user {
	char name[CONFIG_NAME_MAX];
	unsigned uid, gid;
};
int privdrop_lookup(const char *name, struct role_user *out, char *err,
    size_t errlen);
/* In a forked child: setgroups, setresgid, setresuid, and checks that
 * root cannot be regained. Returns 0 or -1. */
int privdrop_to(const struct role_user *u);
/* Creates dir (and parents) and gives it to owner with group group, mode
 * 02750 so that files made inside stay readable by that group. */
int privdrop_prepare_dir(const char *dir, unsigned owner, unsigned group);
int privdrop_prepare_dir_mode(const char *dir, unsigned owner, unsigned group,
    unsigned mode);

#endif
