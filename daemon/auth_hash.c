/* rtforged --hash-token: turns a token into the line auth.tokens keeps. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "auth_int.h"
#include "config_auth.h"

#define SECRET_MIN 16

int
auth_hash_token_main(void)
{
	char *line = NULL, *secret;
	char hash[crypto_pwhash_STRBYTES];
	int rc = 1;
	if (sodium_init() < 0 || (line = sodium_malloc(AUTH_SECRET_MAX +
	    CONFIG_TOKEN_NAME_MAX + 4)) == NULL) {
		fprintf(stderr, "rtforged: cannot allocate guarded memory\n");
		return 1;
	}
	if (fgets(line, AUTH_SECRET_MAX + CONFIG_TOKEN_NAME_MAX + 4, stdin) ==
	    NULL) {
		fprintf(stderr, "rtforged --hash-token: give the token on stdin, "
		    "as <name>.<secret>\n");
		goto out;
	}
	line[strcspn(line, "\r\n")] = '\0';
	secret = strchr(line, '.');
	if (secret == NULL) {
		fprintf(stderr, "rtforged --hash-token: a token is "
		    "<name>.<secret>, e.g. ops.$(head -c 24 /dev/urandom | "
		    "base64 | tr '+/' '-_')\n");
		goto out;
	}
	*secret++ = '\0';
	if (!config_token_name_ok(line) || strlen(secret) < SECRET_MIN ||
	    strchr(secret, '.') != NULL) {
		fprintf(stderr, "rtforged --hash-token: the name must match "
		    "[A-Za-z0-9_-]{1,32} and the secret be at least %d "
		    "characters without a dot\n", SECRET_MIN);
		goto out;
	}
	if (crypto_pwhash_str(hash, secret, strlen(secret),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		fprintf(stderr, "rtforged --hash-token: out of memory\n");
		goto out;
	}
	printf("{\"name\": \"%s\", \"role\": \"viewer\", \"hash\": \"%s\"}\n",
	    line, hash);
	fprintf(stderr, "put this in auth.tokens, with role viewer, builder "
	    "or upgrader; the token itself is stored nowhere\n");
	rc = 0;
out:
	sodium_free(line);	/* wipes */
	return rc;
}
