#include "signer.h"

#include <stdio.h>
#include <string.h>

#include "keyfile.h"
#include "log.h"
#include "ss58.h"

static int
load_one(struct signer *s, const struct rtforge_config *cfg, size_t i)
{
	const struct config_key *k = &cfg->sign.keys[i];
	struct key_source src = {
		.scheme = k->scheme,
		.file = k->file[0] ? k->file : NULL,
		.password_file = k->password_file[0] ? k->password_file : NULL,
		.suri = k->suri[0] ? k->suri : NULL,
		.dev = cfg->dev,
	};
	char err[CUSTODY_ERR_MAX];

	if (keyfile_load(s->custody, &src, err, sizeof(err)) < 0) {
		snprintf(s->error, sizeof(s->error), "sign.keys[%zu]: %s", i,
		    err);
		return -1;
	}
	return 0;
}

void
signer_load(struct signer *s, const struct rtforge_config *cfg)
{
	char err[CUSTODY_ERR_MAX];

	memset(s, 0, sizeof(*s));
	s->account_index = cfg->sign.account_index;
	s->configured = cfg->sign.key_count;
	if (custody_harden_process(err, sizeof(err)) != 0)
		log_warnx("could not harden the process: %s", err);
	if (s->configured == 0)
		return;
	if ((s->custody = custody_new(err, sizeof(err))) == NULL) {
		snprintf(s->error, sizeof(s->error), "%s", err);
		return;
	}
	for (size_t i = 0; i < s->configured; i++) {
		if (load_one(s, cfg, i) != 0) {
			custody_free(s->custody);
			s->custody = NULL;
			log_warnx("no key loaded: %s", s->error);
			return;
		}
	}
	log_info("%zu key%s loaded; upgrades sign with key %u",
	    s->configured, s->configured == 1 ? "" : "s", s->account_index);
}

unsigned
signer_describe(const struct signer *s, uint16_t ss58_prefix, json_t **body)
{
	if (s->error[0] != '\0') {
		*body = json_pack("{s:s}", "error", s->error);
		return 503;
	}
	if (s->custody == NULL) {
		*body = json_pack("{s:[], s:s}", "keys", "note", "no signing "
		    "key is configured: add one to sign.keys in the config "
		    "(see rtforge(8))");
		return 200;
	}
	json_t *keys = custody_describe(s->custody, ss58_prefix);
	if (keys == NULL) {
		*body = json_pack("{s:s}", "error", "the keys could not be "
		    "described (out of memory)");
		return 500;
	}
	*body = json_pack("{s:o, s:I, s:I}", "keys", keys, "account_index",
	    (json_int_t)s->account_index, "ss58_prefix",
	    (json_int_t)ss58_prefix);
	return 200;
}

void
signer_free(struct signer *s)
{
	custody_free(s->custody);
	s->custody = NULL;
}
