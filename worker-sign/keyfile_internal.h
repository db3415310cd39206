/* Shared between keyfile.c, keyfile_read.c and keyfile_keystore.c. */
#ifndef RTFORGE_KEYFILE_INTERNAL_H
#define RTFORGE_KEYFILE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "custody.h"
#include "keyfile.h"

/* Bytes read from a key or password file, in sodium_malloc memory, with a
 * NUL after the last byte. */
struct secret_buf {
	char *data;
	size_t len;
};

/* Reads path (what: "key file", "password file") with the ownership and
 * mode checks of keyfile.h into out. allow_root_owner: a file systemd
 * manages (a credential) may belong to root. */
int keyfile_read(const char *path, const char *what, bool allow_root_owner,
    struct secret_buf *out, char *err, size_t err_len);
/* The password file's contents without its one trailing line ending;
 * resolves a relative name in $CREDENTIALS_DIRECTORY. */
int keyfile_read_password(const char *path, struct secret_buf *out,
    char *err, size_t err_len);
void secret_buf_free(struct secret_buf *b);

/* custody_commit, with the file named in its error. */
int keyfile_commit(struct custody *c, const char *path, char *err,
    size_t err_len);

/* Loads a polkadot-js keystore held in text (the file's contents). When
 * want_scheme is not NULL, the keystore's type must be that scheme. */
int keyfile_keystore_load(struct custody *c, const char *path,
    const char *text, size_t len, const enum key_scheme *want_scheme,
    const char *password_file, char *err, size_t err_len);

#endif
