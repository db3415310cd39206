/* The one configuration of rtforge: parsed and validated once by the
 * supervisor (from a JSON file, or from --dev defaults), then handed to each
 * role as JSON over its IPC channel, where it is validated again by the same
 * code. Unknown keys and wrong types are errors that name key and origin. */
#ifndef RTFORGE_CONFIG_H
#define RTFORGE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_PATH_MAX 1024
#define CONFIG_NAME_MAX 64
#define CONFIG_URL_MAX 512
#define CONFIG_ENV_MAX 32
#define CONFIG_ENV_VALUE_MAX 1024
#define CONFIG_FEATURES_MAX 32
#define CONFIG_TEXT_MAX (256 * 1024) /* a config file larger than this is refused */
#define CONFIG_KEYS_MAX 8
#define CONFIG_SCHEME_MAX 16
#define CONFIG_SURI_MAX 256
#define CONFIG_HASH_TEXT_MAX 67		/* "0x" + 64 hex + NUL */

#define CONFIG_DEFAULT_FILE "/etc/rtforge/rtforge.json"

struct config_env_var {
	char name[CONFIG_NAME_MAX];
	char value[CONFIG_ENV_VALUE_MAX];
};

struct config_build {
	char source_dir[CONFIG_PATH_MAX];   /* cargo workspace */
	char cargo[CONFIG_PATH_MAX];        /* the cargo binary */
	char toolchain_dir[CONFIG_PATH_MAX];/* holds bin/rustc, bin/cargo */
	char cargo_home[CONFIG_PATH_MAX];   /* "" = <state_dir>/cargo-home */
	char target_dir[CONFIG_PATH_MAX];   /* "" = <state_dir>/target */
	char runtime_package[CONFIG_NAME_MAX];
	char node_package[CONFIG_NAME_MAX];
	/* Relative to the target dir's parent convention used by cargo:
	 * "" = release/wbuild/<pkg>/<pkg_>.compact.compressed.wasm and
	 * release/<node pkg>, both relative to target_dir. */
	char runtime_artifact[CONFIG_PATH_MAX];
	char node_artifact[CONFIG_PATH_MAX];
	unsigned timeout_seconds;           /* wall clock per build */
	/* The jail (worker-build/jail*.c): */
	bool jail;                          /* false only to measure its cost */
	unsigned memory_limit_mb;           /* cgroup memory.max, swap 0 */
	unsigned pids_max;                  /* tasks (threads count) per build */
	unsigned cpu_percent;               /* 0 = no cap; 200 = two cores */
	unsigned file_size_max_mb;          /* RLIMIT_FSIZE: any one file */
	unsigned log_cap_mb;                /* log bytes kept per job */
	unsigned min_free_disk_mb;          /* refuse to start below this */
	/* One more directory the build may read (the demo's genesis spec). */
	char extra_read_path[CONFIG_PATH_MAX];
	size_t env_count;
	struct config_env_var env[CONFIG_ENV_MAX];
};

/* One signing key of the sign worker. The secret itself never enters the
 * config (which every role receives): only where to find it. A SURI is
 * allowed in --dev only, where it is a public dev key such as //Alice. */
struct config_key {
	char scheme[CONFIG_SCHEME_MAX];     /* "sr25519" | "ed25519" | "sphincs" */
	char file[CONFIG_PATH_MAX];         /* absolute; "" only with suri */
	/* A keystore's passphrase: an absolute path, or a bare name read from
	 * $CREDENTIALS_DIRECTORY (systemd LoadCredential=). "" = none. */
	char password_file[CONFIG_PATH_MAX];
	char suri[CONFIG_SURI_MAX];         /* --dev only */
};

struct config_sign {
	size_t key_count;
	struct config_key keys[CONFIG_KEYS_MAX];
	unsigned account_index;             /* the key upgrades sign with */
	/* The chain this host upgrades, pinned by its genesis hash; "" accepts
	 * any chain (allowed in --dev only). */
	char genesis_hash[CONFIG_HASH_TEXT_MAX];
	bool allow_remote_node;             /* node_url off loopback */
};

struct config_users {
	char web[CONFIG_NAME_MAX];
	char build[CONFIG_NAME_MAX];
	char sign[CONFIG_NAME_MAX];
};

/* Access control (daemon/auth*.c). A token is "<name>.<secret>"; only the
 * argon2id hash of its secret is kept here. */
#define CONFIG_TOKENS_MAX 32
#define CONFIG_TOKEN_NAME_MAX 33            /* [A-Za-z0-9_-]{1,32} + NUL */
#define CONFIG_TOKEN_HASH_MAX 128           /* crypto_pwhash_STRBYTES */
#define CONFIG_PROXIES_MAX 8
#define CONFIG_ADDRESS_MAX 64

struct config_token {
	char name[CONFIG_TOKEN_NAME_MAX];
	char role[16];                      /* viewer | builder | upgrader */
	char hash[CONFIG_TOKEN_HASH_MAX];   /* "$argon2id$…" */
};

struct config_auth {
	size_t token_count;
	struct config_token tokens[CONFIG_TOKENS_MAX];
	/* What Origin a browser's state-changing request must carry, e.g.
	 * "https://validator.example"; "" = the request's own Host. */
	char public_origin[CONFIG_URL_MAX];
	size_t proxy_count;
	char trusted_proxies[CONFIG_PROXIES_MAX][CONFIG_ADDRESS_MAX];
	unsigned session_ttl_seconds;
	/* Per token, per window: 0 = no limit (the --dev default). */
	unsigned builds_per_window;
	unsigned upgrades_per_window;
	unsigned window_seconds;
	/* Per client address: 0 = no limit (the --dev default). */
	unsigned requests_per_minute;
	unsigned login_failures_per_minute;
};

struct rtforge_config {
	bool dev;                           /* --dev: loopback only, auth off */
	char origin[CONFIG_PATH_MAX];       /* file name, or "--dev defaults" */
	char listen_host[CONFIG_NAME_MAX];  /* "127.0.0.1", "::1", "0.0.0.0" */
	unsigned short listen_port;
	char base_path[CONFIG_NAME_MAX];    /* "/" or "/rtforge/" */
	char state_dir[CONFIG_PATH_MAX];
	char web_dir[CONFIG_PATH_MAX];
	char libexec_dir[CONFIG_PATH_MAX];  /* "" = directory of rtforged */
	char node_url[CONFIG_URL_MAX];
	struct config_users users;
	struct config_build build;
	struct config_sign sign;
	struct config_auth auth;
};

/* Production defaults (quantumharmony-runtime, /var/lib/rtforge, ...). */
void config_set_defaults(struct rtforge_config *cfg);

/* --dev defaults: loopback 127.0.0.1:8080, demo workspace
 * <repo_root>/tests/demo-workspace, packages demo-runtime/demo-node,
 * state <repo_root>/state, web <repo_root>/web, node http://127.0.0.1:9944.
 * Returns 0, or -1 with cfg unchanged and errno EINVAL (repo_root is not
 * absolute) or ENAMETOOLONG (a path would not fit): never truncates. */
int config_set_dev_defaults(struct rtforge_config *cfg, const char *repo_root);

/* Overlay JSON text onto cfg (which holds defaults) and validate all of it.
 * origin names the file (or "ipc") in error messages.
 * Returns 0, or -1 with a one-line message in err such as
 * "/etc/rtforge/rtforge.json: unknown key \"build.cargoo\"" or
 * "x.json: key \"listen\": expected \"HOST:PORT\" with a port 1-65535". */
int config_load_json(struct rtforge_config *cfg, const char *text, size_t len,
    const char *origin, char *err, size_t errlen);

/* Reads (at most CONFIG_TEXT_MAX bytes) and loads a file as above. */
int config_load_file(struct rtforge_config *cfg, const char *path, char *err,
    size_t errlen);

/* Checks cross-field rules (dev implies loopback listen, absolute paths ...).
 * config_load_json calls it; the supervisor calls it again after applying
 * command-line flags. */
int config_validate(const struct rtforge_config *cfg, char *err, size_t errlen);

/* Serialises every field but origin, so that config_load_json(config_to_json(c))
 * reproduces c. Returns malloc'd text (free() it), or NULL on allocation
 * failure or a string that is not UTF-8 (config_validate refuses those). */
char *config_to_json(const struct rtforge_config *cfg);

/* True for 127.0.0.0/8, ::1 and "localhost". */
bool config_host_is_loopback(const char *host);

#endif
