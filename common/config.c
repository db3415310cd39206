/* The config loader. One table describes every key: its JSON name, where it
 * lives in struct rtforge_config and what it must hold. Parsing, validation,
 * serialisation and the "known keys" hint all walk that table, so the four
 * cannot drift apart when a key is added.
 *
 * Loading is two passes over a private copy of the config: parsing checks
 * shapes (types, NUL bytes, buffer sizes), then config_validate checks
 * values. config_validate runs alone too, on configs changed by command-line
 * flags, so every value rule lives there and nowhere else. */
#include "config.h"
#include "config_auth.h"
#include "config_keys.h"
#include "textutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIMEOUT_MIN 1
#define TIMEOUT_MAX 172800		/* two days */
#define USER_NAME_MAX 32		/* the longest name useradd accepts */
#define KEY_SHOWN_MAX 64		/* bytes of a file's key echoed back */
#define KEY_PATH_MAX 192		/* "build.env.<key>" as shown */
#define KNOWN_KEYS_MAX 256
#define HOST_MAX 256
#define LISTEN_TEXT_MAX (CONFIG_NAME_MAX + 8)	/* "[" host "]:65535" */

#define LISTEN_EXPECTED "\"HOST:PORT\" with a port from 1 to 65535 " \
	"(an IPv6 HOST in brackets, as \"[::1]:8080\")"

/* Where error messages go, and whose fault they are. */
struct reporter {
	const char *origin;
	char *err;
	size_t errlen;
};

/* What a string key must hold. */
struct string_rule {
	bool (*accepts)(const char *value);
	bool may_be_empty;
	const char *expected;		/* finishes "key \"x\" must be ..." */
};

enum field_type {
	FIELD_STRING,			/* a char array */
	FIELD_LISTEN,			/* "HOST:PORT" <-> listen_host, listen_port */
	FIELD_BOOL,
	FIELD_UINT,			/* an unsigned from min to max */
	FIELD_ENV,			/* build.env: names to string values */
	FIELD_OBJECT,			/* a nested object made of members */
	FIELD_KEYS,			/* sign.keys (config_keys.c) */
	FIELD_TOKENS,			/* auth.tokens (config_auth.c) */
	FIELD_PROXIES,			/* auth.trusted_proxies */
};

struct field {
	const char *key;
	enum field_type type;
	size_t offset;			/* into struct rtforge_config */
	size_t size;			/* FIELD_STRING: the array's size */
	const struct string_rule *rule;	/* FIELD_STRING */
	const struct field *members;	/* FIELD_OBJECT: ends at a NULL key */
	unsigned min, max;		/* FIELD_UINT */
};

static bool is_absolute_path(const char *);
static bool is_relative_path(const char *);
static bool is_base_path(const char *);
static bool is_node_url(const char *);
static bool is_user_name(const char *);
static bool is_origin(const char *);
static bool is_package_name(const char *);

static const struct string_rule absolute_path = {
	is_absolute_path, false,
	"an absolute path (starting with \"/\") with no \"..\" segment"
};
static const struct string_rule optional_absolute_path = {
	is_absolute_path, true,
	"\"\" or an absolute path (starting with \"/\") with no \"..\" segment"
};
static const struct string_rule artifact_path = {
	is_relative_path, true,
	"\"\" or a path relative to the target dir with no \"..\" segment"
};
static const struct string_rule base_path = {
	is_base_path, false,
	"a URL path that starts and ends with \"/\", made of A-Z a-z 0-9 "
	". _ ~ - only, with no empty, \".\" or \"..\" segment (\"/\" or "
	"\"/rtforge/\")"
};
static const struct string_rule node_url = {
	is_node_url, false,
	"an http:// or https:// URL, HOST[:PORT][/PATH] in printable ASCII "
	"without spaces"
};
/* For values whose rule needs other fields: config_keys_validate. */
static bool
is_any_text(const char *s)
{
	(void)s;
	return true;
}
static const struct string_rule any_text = {
	is_any_text, true, "text"
};
static const struct string_rule public_origin = {
	is_origin, true,
	"\"\" or an origin: http:// or https:// then HOST[:PORT], no path "
	"(\"https://validator.example\")"
};
static const struct string_rule user_name = {
	is_user_name, false,
	"a user name matching [a-z_][a-z0-9_-]{0,31}"
};
static const struct string_rule package_name = {
	is_package_name, false,
	"a cargo package name matching [A-Za-z0-9_-]{1,63}"
};

#define MEMBER_SIZE(member) sizeof(((struct rtforge_config *)NULL)->member)
#define STRING_FIELD(name, member, string_rule) {			\
	.key = (name), .type = FIELD_STRING,				\
	.offset = offsetof(struct rtforge_config, member),		\
	.size = MEMBER_SIZE(member), .rule = &(string_rule) }

#define UINT_FIELD(name, member, lo, hi) {				\
	.key = (name), .type = FIELD_UINT,				\
	.offset = offsetof(struct rtforge_config, member),		\
	.min = (lo), .max = (hi) }

static const struct field user_fields[] = {
	STRING_FIELD("web", users.web, user_name),
	STRING_FIELD("build", users.build, user_name),
	STRING_FIELD("sign", users.sign, user_name),
	{ .key = NULL },
};

static const struct field build_fields[] = {
	STRING_FIELD("source_dir", build.source_dir, absolute_path),
	STRING_FIELD("cargo", build.cargo, absolute_path),
	STRING_FIELD("toolchain_dir", build.toolchain_dir, absolute_path),
	STRING_FIELD("cargo_home", build.cargo_home, optional_absolute_path),
	STRING_FIELD("target_dir", build.target_dir, optional_absolute_path),
	STRING_FIELD("runtime_package", build.runtime_package, package_name),
	STRING_FIELD("node_package", build.node_package, package_name),
	STRING_FIELD("runtime_artifact", build.runtime_artifact, artifact_path),
	STRING_FIELD("node_artifact", build.node_artifact, artifact_path),
	{ .key = "timeout_seconds", .type = FIELD_UINT,
	    .offset = offsetof(struct rtforge_config, build.timeout_seconds),
	    .min = TIMEOUT_MIN, .max = TIMEOUT_MAX },
	{ .key = "env", .type = FIELD_ENV },
	{ .key = "jail", .type = FIELD_BOOL,
	    .offset = offsetof(struct rtforge_config, build.jail) },
	UINT_FIELD("memory_limit_mb", build.memory_limit_mb, 256, 4194304),
	UINT_FIELD("pids_max", build.pids_max, 64, 4194304),
	UINT_FIELD("cpu_percent", build.cpu_percent, 0, 100000),
	UINT_FIELD("file_size_max_mb", build.file_size_max_mb, 1, 4194304),
	UINT_FIELD("log_cap_mb", build.log_cap_mb, 1, 65536),
	UINT_FIELD("min_free_disk_mb", build.min_free_disk_mb, 0, 4194304),
	STRING_FIELD("extra_read_path", build.extra_read_path,
	    optional_absolute_path),
	{ .key = NULL },
};

static const struct field sign_fields[] = {
	{ .key = "keys", .type = FIELD_KEYS },
	UINT_FIELD("account_index", sign.account_index, 0,
	    CONFIG_KEYS_MAX - 1),
	{ .key = "genesis_hash", .type = FIELD_STRING,
	    .offset = offsetof(struct rtforge_config, sign.genesis_hash),
	    .size = MEMBER_SIZE(sign.genesis_hash), .rule = &any_text },
	{ .key = "allow_remote_node", .type = FIELD_BOOL,
	    .offset = offsetof(struct rtforge_config, sign.allow_remote_node) },
	{ .key = NULL },
};

static const struct field rate_fields[] = {
	UINT_FIELD("builds_per_window", auth.builds_per_window, 0, 1000),
	UINT_FIELD("upgrades_per_window", auth.upgrades_per_window, 0, 1000),
	UINT_FIELD("window_seconds", auth.window_seconds, 1, 86400),
	UINT_FIELD("requests_per_minute", auth.requests_per_minute, 0, 1000000),
	UINT_FIELD("login_failures_per_minute", auth.login_failures_per_minute,
	    1, 1000),
	{ .key = NULL },
};

static const struct field auth_fields[] = {
	{ .key = "tokens", .type = FIELD_TOKENS },
	STRING_FIELD("public_origin", auth.public_origin, public_origin),
	{ .key = "trusted_proxies", .type = FIELD_PROXIES },
	UINT_FIELD("session_ttl_seconds", auth.session_ttl_seconds, 5,
	    2592000),
	{ .key = "rate", .type = FIELD_OBJECT, .members = rate_fields },
	{ .key = NULL },
};

static const struct field config_fields[] = {
	{ .key = "listen", .type = FIELD_LISTEN },
	STRING_FIELD("base_path", base_path, base_path),
	STRING_FIELD("state_dir", state_dir, absolute_path),
	STRING_FIELD("web_dir", web_dir, absolute_path),
	STRING_FIELD("libexec_dir", libexec_dir, optional_absolute_path),
	STRING_FIELD("node_url", node_url, node_url),
	{ .key = "users", .type = FIELD_OBJECT, .members = user_fields },
	{ .key = "build", .type = FIELD_OBJECT, .members = build_fields },
	{ .key = "sign", .type = FIELD_OBJECT, .members = sign_fields },
	{ .key = "auth", .type = FIELD_OBJECT, .members = auth_fields },
	{ .key = "dev", .type = FIELD_BOOL,
	    .offset = offsetof(struct rtforge_config, dev) },
	{ .key = NULL },
};

/* rtforge sets these itself for every build: the jail's PATH and HOME, the
 * cargo home and target dir from this file, the pinned toolchain, and no
 * dynamic-loader injection into cargo or rustc. */
static const char *const reserved_env[] = {
	"PATH", "HOME", "CARGO_HOME", "CARGO_TARGET_DIR", "RUSTUP_TOOLCHAIN",
	"LD_PRELOAD", "LD_LIBRARY_PATH", NULL
};

/* ---- errors ---- */

static int
vfail(const struct reporter *rep, const char *fmt, va_list ap)
{
	if (rep->err == NULL || rep->errlen == 0)
		return -1;
	int n = snprintf(rep->err, rep->errlen, "%s: ", rep->origin);
	if (n >= 0 && (size_t)n < rep->errlen)
		vsnprintf(rep->err + n, rep->errlen - (size_t)n, fmt, ap);
	/* Messages quote the file's keys and jansson's excerpts of its text:
	 * keep them on one line whatever the file holds. */
	for (char *p = rep->err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -1;
}

/* Writes "<origin>: <message>" into the caller's buffer; returns -1. */
static int __attribute__((format(printf, 2, 3)))
fail(const struct reporter *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(rep, fmt, ap);
	va_end(ap);
	return -1;
}

/* "prefix.key", with key cut short and shown as printable ASCII only:
 * keys come from the file and are echoed into a one-line message. */
static void
key_path(char *out, size_t outlen, const char *prefix, const char *key)
{
	int n = snprintf(out, outlen, "%s%s", prefix, prefix[0] ? "." : "");
	size_t at = (n < 0 || (size_t)n >= outlen) ? outlen - 1 : (size_t)n;
	size_t shown = 0;

	for (const char *k = key; *k != '\0' && at + 1 < outlen; k++) {
		unsigned char c = (unsigned char)*k;
		if (shown++ == KEY_SHOWN_MAX) {
			if (at + 4 <= outlen) {
				memcpy(out + at, "...", 3);
				at += 3;
			}
			break;
		}
		out[at++] = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ?
		    (char)c : '?';
	}
	out[at] = '\0';
}

static void
list_known_keys(const struct field *fields, char *out, size_t outlen)
{
	size_t at = 0;

	out[0] = '\0';
	for (const struct field *f = fields; f->key != NULL; f++) {
		int n = snprintf(out + at, outlen - at, "%s%s",
		    at > 0 ? ", " : "", f->key);
		if (n < 0 || (size_t)n >= outlen - at)
			break;
		at += (size_t)n;
	}
}

/* ---- character classes (ASCII, whatever the locale) ---- */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_alnum(char c)
{
	return is_digit(c) || is_lower(c) || is_upper(c);
}

static bool
is_one_of(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/* Strings from JSON always pass; this is for values set from argv. */
static bool
is_utf8(const char *text)
{
	return utf8_valid((const uint8_t *)text, strlen(text));
}

/* Control characters would let a value forge lines in logs and units. */
static bool
is_clean_text(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return is_utf8(s);
}

static bool
is_json_blank(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_one_of(text[i], " \t\r\n"))
			return false;
	return true;
}

/* ---- value rules ---- */

/* True when one of the '/'-separated segments of path is exactly seg. */
static bool
has_segment(const char *path, const char *seg)
{
	size_t seglen = strlen(seg);
	const char *p = path;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == seglen && memcmp(p, seg, len) == 0)
			return true;
		if (slash == NULL)
			return false;
		p = slash + 1;
	}
}

static bool
is_absolute_path(const char *s)
{
	return s[0] == '/' && !has_segment(s, "..");
}

static bool
is_relative_path(const char *s)
{
	return s[0] != '/' && !has_segment(s, "..");
}

/* A "." or ".." segment would be normalised away by browsers and proxies,
 * and the page's URLs would then never match the prefix. */
static bool
is_base_path(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || s[0] != '/' || s[len - 1] != '/')
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (!is_alnum(*p) && !is_one_of(*p, "._~/-"))
			return false;
	return strstr(s, "//") == NULL && !has_segment(s, ".") &&
	    !has_segment(s, "..");
}

static bool
is_ipv4_address(const char *host)
{
	struct in_addr addr;

	return inet_pton(AF_INET, host, &addr) == 1;
}

static bool
is_ipv6_address(const char *host)
{
	struct in6_addr addr;

	return strchr(host, ':') != NULL && inet_pton(AF_INET6, host, &addr) == 1;
}

/* A DNS name (labels of letters, digits and inner hyphens) or a dotted
 * quad. All digits and dots must be a real dotted quad: the resolver would
 * read "127.1" or "999.0.0.1" as an address, not as a name. */
static bool
is_name_or_ipv4(const char *host)
{
	size_t label = 0;

	if (host[strspn(host, "0123456789.")] == '\0')
		return is_ipv4_address(host);
	for (const char *p = host; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-')
				return false;
			if (*p == '\0')
				return true;
			label = 0;
		} else if (is_alnum(*p) || (*p == '-' && label > 0))
			label++;
		else
			return false;
	}
}

static bool
is_host(const char *host)
{
	return is_ipv6_address(host) || is_name_or_ipv4(host);
}

/* 1-65535 in plain decimal, without sign or leading zero. */
static bool
parse_port(const char *s, size_t len, unsigned *port)
{
	unsigned value = 0;

	if (len == 0 || len > 5 || s[0] == '0')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return false;
		value = value * 10 + (unsigned)(s[i] - '0');
	}
	if (value > 65535)
		return false;
	*port = value;
	return true;
}

/* Splits "HOST[:PORT]", where HOST is a name, an IPv4 address or an IPv6
 * address in brackets (stored without them). Returns NULL, or what is
 * wrong, worded to follow the key's name. */
static const char *
split_host_port(const char *s, size_t len, char *host, size_t hostsize,
    unsigned *port, bool need_port)
{
	const char *name, *rest;
	size_t namelen;
	bool bracketed = len > 0 && s[0] == '[';

	if (bracketed) {
		const char *close = memchr(s, ']', len);
		if (close == NULL)
			return "has a \"[\" without its \"]\"";
		name = s + 1;
		namelen = (size_t)(close - name);
		rest = close + 1;
	} else {
		const char *colon = memchr(s, ':', len);
		if (colon != NULL && memchr(colon + 1, ':',
		    len - (size_t)(colon + 1 - s)) != NULL)
			return "has an IPv6 address without brackets";
		name = s;
		namelen = colon ? (size_t)(colon - s) : len;
		rest = s + namelen;
	}
	if (namelen == 0)
		return "has no host";
	if (namelen >= hostsize)
		return "has a host that is too long";
	memcpy(host, name, namelen);
	host[namelen] = '\0';
	if (bracketed ? !is_ipv6_address(host) : !is_name_or_ipv4(host))
		return "has an invalid host";

	size_t restlen = len - (size_t)(rest - s);
	if (restlen == 0) {
		*port = 0;
		return need_port ? "has no port" : NULL;
	}
	if (rest[0] != ':')
		return "has text after the \"]\"";
	if (!parse_port(rest + 1, restlen - 1, port))
		return "has a port that is not from 1 to 65535";
	return NULL;
}

static bool
is_node_url(const char *s)
{
	const char *authority;
	char host[HOST_MAX];
	unsigned port;

	if (strncmp(s, "http://", 7) == 0)
		authority = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		authority = s + 8;
	else
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return false;
	/* No '@' passes the host check: credentials do not belong here. */
	const char *path = strchr(authority, '/');
	size_t len = path ? (size_t)(path - authority) : strlen(authority);
	return split_host_port(authority, len, host, sizeof(host), &port,
	    false) == NULL;
}

static bool
is_origin(const char *s)
{
	return is_node_url(s) && strchr(strstr(s, "://") + 3, '/') == NULL;
}

static bool
is_user_name(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > USER_NAME_MAX || !(is_lower(s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_lower(s[i]) && !is_digit(s[i]) && !is_one_of(s[i], "_-"))
			return false;
	return true;
}

static bool
is_package_name(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > 63)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[i]) && !is_one_of(s[i], "_-"))
			return false;
	return true;
}

static bool
is_env_name(const char *s)
{
	if (!is_upper(s[0]) && s[0] != '_')
		return false;
	for (const char *p = s + 1; *p != '\0'; p++)
		if (!is_upper(*p) && !is_digit(*p) && *p != '_')
			return false;
	return true;
}

static bool
is_reserved_env(const char *name)
{
	for (size_t i = 0; reserved_env[i] != NULL; i++)
		if (strcmp(name, reserved_env[i]) == 0)
			return true;
	return false;
}

bool
config_host_is_loopback(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (host == NULL)
		return false;
	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &v6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&v6);
	return false;
}

/* ---- struct access ---- */

static void *
field_at(struct rtforge_config *cfg, const struct field *f)
{
	return (char *)cfg + f->offset;
}

static const void *
field_at_const(const struct rtforge_config *cfg, const struct field *f)
{
	return (const char *)cfg + f->offset;
}

/* Zero-fills the rest of the buffer: no stale bytes from an older, longer
 * value, and two configs with equal values compare equal byte for byte.
 * Callers have checked that len < size. */
static void
set_string(char *dst, size_t size, const char *src, size_t len)
{
	memset(dst, 0, size);
	memcpy(dst, src, len < size ? len : size - 1);
}

static void
set_text(char *dst, size_t size, const char *src)
{
	set_string(dst, size, src, strlen(src));
}

static const struct field *
find_field(const struct field *fields, const char *key)
{
	for (const struct field *f = fields; f->key != NULL; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

/* ---- defaults ---- */

void
config_set_defaults(struct rtforge_config *cfg)
{
	struct config_build *b = &cfg->build;

	memset(cfg, 0, sizeof(*cfg));
	set_text(cfg->origin, sizeof(cfg->origin), "defaults");
	set_text(cfg->listen_host, sizeof(cfg->listen_host), "127.0.0.1");
	cfg->listen_port = 8080;
	set_text(cfg->base_path, sizeof(cfg->base_path), "/");
	set_text(cfg->state_dir, sizeof(cfg->state_dir), "/var/lib/rtforge");
	set_text(cfg->web_dir, sizeof(cfg->web_dir), "/usr/share/rtforge/web");
	set_text(cfg->node_url, sizeof(cfg->node_url), "http://127.0.0.1:9944");
	set_text(cfg->users.web, sizeof(cfg->users.web), "rtforge-web");
	set_text(cfg->users.build, sizeof(cfg->users.build), "rtforge-build");
	set_text(cfg->users.sign, sizeof(cfg->users.sign), "rtforge-sign");
	set_text(b->source_dir, sizeof(b->source_dir), "/srv/quantumharmony");
	set_text(b->cargo, sizeof(b->cargo), "/opt/rtforge/rust/bin/cargo");
	set_text(b->toolchain_dir, sizeof(b->toolchain_dir), "/opt/rtforge/rust");
	set_text(b->runtime_package, sizeof(b->runtime_package),
	    "quantumharmony-runtime");
	set_text(b->node_package, sizeof(b->node_package),
	    "quantumharmony-node");
	b->timeout_seconds = 7200;
	/* Sized for a real Substrate build on a 2-core, 24 GiB host. */
	b->jail = true;
	b->memory_limit_mb = 16384;
	b->pids_max = 8192;
	b->cpu_percent = 0;
	b->file_size_max_mb = 4096;
	b->log_cap_mb = 64;
	b->min_free_disk_mb = 2048;
	cfg->auth.session_ttl_seconds = 12 * 3600;
	cfg->auth.builds_per_window = 1;
	cfg->auth.upgrades_per_window = 1;
	cfg->auth.window_seconds = 300;
	cfg->auth.requests_per_minute = 600;
	cfg->auth.login_failures_per_minute = 5;
}

static int
join_path(char *dst, size_t size, const char *root, size_t rootlen,
    const char *suffix)
{
	size_t suffixlen = strlen(suffix);

	if (rootlen >= size || suffixlen >= size - rootlen)
		return -1;
	memcpy(dst, root, rootlen);
	memcpy(dst + rootlen, suffix, suffixlen + 1);
	return 0;
}

int
config_set_dev_defaults(struct rtforge_config *cfg, const char *repo_root)
{
	char source[CONFIG_PATH_MAX], state[CONFIG_PATH_MAX];
	char web[CONFIG_PATH_MAX], genesis[CONFIG_PATH_MAX];
	size_t rootlen;

	if (repo_root == NULL || repo_root[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	rootlen = strlen(repo_root);
	while (rootlen > 0 && repo_root[rootlen - 1] == '/')
		rootlen--;
	/* All three first, so that a failure leaves cfg as it was. */
	if (join_path(source, sizeof(source), repo_root, rootlen,
	    "/tests/demo-workspace") == -1 ||
	    join_path(state, sizeof(state), repo_root, rootlen, "/state") == -1 ||
	    join_path(web, sizeof(web), repo_root, rootlen, "/web") == -1 ||
	    join_path(genesis, sizeof(genesis), repo_root, rootlen,
	    "/node_modules/@substrate/connect/dist/connector/specs") == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	config_set_defaults(cfg);
	cfg->dev = true;
	/* No limits in --dev; tests that check them set them. */
	cfg->auth.builds_per_window = 0;
	cfg->auth.upgrades_per_window = 0;
	cfg->auth.requests_per_minute = 0;
	set_text(cfg->origin, sizeof(cfg->origin), "--dev defaults");
	set_text(cfg->state_dir, sizeof(cfg->state_dir), state);
	set_text(cfg->web_dir, sizeof(cfg->web_dir), web);
	set_text(cfg->build.source_dir, sizeof(cfg->build.source_dir), source);
	set_text(cfg->build.runtime_package, sizeof(cfg->build.runtime_package),
	    "demo-runtime");
	set_text(cfg->build.node_package, sizeof(cfg->build.node_package),
	    "demo-node");
	/* The well-known dev key, which the test chain makes its Sudo key. */
	cfg->sign.key_count = 1;
	set_text(cfg->sign.keys[0].scheme, sizeof(cfg->sign.keys[0].scheme),
	    "sr25519");
	set_text(cfg->sign.keys[0].suri, sizeof(cfg->sign.keys[0].suri),
	    "//Alice");
	/* The demo runtime is made from the test chain's genesis spec. */
	set_text(cfg->build.extra_read_path,
	    sizeof(cfg->build.extra_read_path), genesis);
	return 0;
}

/* ---- parsing: shapes only; values are config_validate's ---- */

static int parse_fields(const struct reporter *, struct rtforge_config *,
    json_t *, const struct field *, const char *);

/* Copies a JSON string into a fixed buffer, refusing what would not
 * survive the trip: other types, NUL bytes (C would cut the string there)
 * and anything longer than the buffer. */
static int
copy_json_string(const struct reporter *rep, const json_t *value,
    const char *path, char *dst, size_t dstsize)
{
	const char *s;
	size_t len;

	if (!json_is_string(value))
		return fail(rep, "key \"%s\" must be a string", path);
	s = json_string_value(value);
	len = json_string_length(value);
	if (strlen(s) != len)
		return fail(rep, "key \"%s\" must not contain a NUL byte", path);
	if (len >= dstsize)
		return fail(rep, "key \"%s\" is too long (at most %zu bytes)",
		    path, dstsize - 1);
	set_string(dst, dstsize, s, len);
	return 0;
}

static int
parse_listen(const struct reporter *rep, struct rtforge_config *cfg,
    const json_t *value, const char *path)
{
	char text[LISTEN_TEXT_MAX], host[sizeof(cfg->listen_host)];
	const char *problem;
	unsigned port;

	if (copy_json_string(rep, value, path, text, sizeof(text)) == -1)
		return -1;
	problem = split_host_port(text, strlen(text), host, sizeof(host), &port,
	    true);
	if (problem != NULL)
		return fail(rep, "key \"%s\" %s; expected " LISTEN_EXPECTED,
		    path, problem);
	set_text(cfg->listen_host, sizeof(cfg->listen_host), host);
	cfg->listen_port = (unsigned short)port;
	return 0;
}

static int
parse_uint(const struct reporter *rep, struct rtforge_config *cfg,
    const struct field *f, const json_t *value, const char *path)
{
	json_int_t n = json_is_integer(value) ? json_integer_value(value) : -1;

	/* A real such as 7200.0 is refused too: JSON says what it means. */
	if (n < f->min || n > f->max)
		return fail(rep, "key \"%s\" must be an integer from %u to %u",
		    path, f->min, f->max);
	*(unsigned *)field_at(cfg, f) = (unsigned)n;
	return 0;
}

/* The file's env replaces the defaults' as a whole rather than merging
 * into it: with merging, no file could ever remove a variable. */
static int
parse_env(const struct reporter *rep, struct config_build *build,
    json_t *value, const char *path)
{
	const char *name;
	json_t *text;

	if (!json_is_object(value))
		return fail(rep, "key \"%s\" must be an object of "
		    "\"NAME\": \"value\" strings", path);
	if (json_object_size(value) > CONFIG_ENV_MAX)
		return fail(rep, "key \"%s\" sets %zu variables; at most %d "
		    "are allowed", path, json_object_size(value),
		    CONFIG_ENV_MAX);
	memset(build->env, 0, sizeof(build->env));
	build->env_count = 0;
	json_object_foreach(value, name, text) {
		struct config_env_var *var = &build->env[build->env_count];
		char var_path[KEY_PATH_MAX];
		size_t namelen = strlen(name);

		key_path(var_path, sizeof(var_path), path, name);
		if (namelen >= sizeof(var->name))
			return fail(rep, "key \"%s\" has a name longer than "
			    "%zu bytes", var_path, sizeof(var->name) - 1);
		set_string(var->name, sizeof(var->name), name, namelen);
		if (copy_json_string(rep, text, var_path, var->value,
		    sizeof(var->value)) == -1)
			return -1;
		build->env_count++;
	}
	return 0;
}

static int
parse_field(const struct reporter *rep, struct rtforge_config *cfg,
    const struct field *f, json_t *value, const char *path)
{
	switch (f->type) {
	case FIELD_STRING:
		return copy_json_string(rep, value, path, field_at(cfg, f),
		    f->size);
	case FIELD_LISTEN:
		return parse_listen(rep, cfg, value, path);
	case FIELD_BOOL:
		if (!json_is_boolean(value))
			return fail(rep, "key \"%s\" must be true or false",
			    path);
		*(bool *)field_at(cfg, f) = json_is_true(value);
		return 0;
	case FIELD_UINT:
		return parse_uint(rep, cfg, f, value, path);
	case FIELD_ENV:
		return parse_env(rep, &cfg->build, value, path);
	case FIELD_KEYS: {
		char why[512];
		if (config_keys_parse(&cfg->sign, value, path, why,
		    sizeof(why)) == -1)
			return fail(rep, "%s", why);
		return 0;
	}
	case FIELD_TOKENS:
	case FIELD_PROXIES: {
		char why[512];
		if ((f->type == FIELD_TOKENS ? config_auth_parse_tokens(
		    &cfg->auth, value, path, why, sizeof(why)) :
		    config_auth_parse_proxies(&cfg->auth, value, path, why,
		    sizeof(why))) == -1)
			return fail(rep, "%s", why);
		return 0;
	}
	case FIELD_OBJECT:
		if (!json_is_object(value))
			return fail(rep, "key \"%s\" must be an object", path);
		return parse_fields(rep, cfg, value, f->members, path);
	}
	return fail(rep, "key \"%s\" has no parser", path);
}

static int
parse_fields(const struct reporter *rep, struct rtforge_config *cfg,
    json_t *object, const struct field *fields, const char *prefix)
{
	const char *key;
	json_t *value;

	json_object_foreach(object, key, value) {
		const struct field *f = find_field(fields, key);
		char path[KEY_PATH_MAX];

		key_path(path, sizeof(path), prefix, key);
		if (f == NULL) {
			char known[KNOWN_KEYS_MAX];
			list_known_keys(fields, known, sizeof(known));
			return fail(rep, "unknown key \"%s\" (known keys: %s)",
			    path, known);
		}
		if (parse_field(rep, cfg, f, value, path) == -1)
			return -1;
	}
	return 0;
}

/* Parses into a heap copy (the struct is ~60 KB) and copies back only when
 * everything passed: a failed load or reload leaves cfg as it was. */
static int
overlay_json(const struct reporter *rep, struct rtforge_config *cfg,
    json_t *root)
{
	struct rtforge_config *copy;
	int rc;

	if (!json_is_object(root))
		return fail(rep, "the top level must be a JSON object {...}");
	if ((copy = malloc(sizeof(*copy))) == NULL)
		return fail(rep, "out of memory");
	memcpy(copy, cfg, sizeof(*copy));
	set_text(copy->origin, sizeof(copy->origin), rep->origin);
	rc = parse_fields(rep, copy, root, config_fields, "");
	if (rc == 0)
		rc = config_validate(copy, rep->err, rep->errlen);
	if (rc == 0)
		memcpy(cfg, copy, sizeof(*cfg));
	free(copy);
	return rc;
}

int
config_load_json(struct rtforge_config *cfg, const char *text, size_t len,
    const char *origin, char *err, size_t errlen)
{
	struct reporter rep = { origin ? origin : "config", err, errlen };
	json_error_t jerr;
	json_t *root;
	int rc;

	if (strlen(rep.origin) >= sizeof(cfg->origin))
		return fail(&rep, "the name is too long (at most %zu bytes)",
		    sizeof(cfg->origin) - 1);
	if (len > CONFIG_TEXT_MAX)
		return fail(&rep, "is larger than %d bytes", CONFIG_TEXT_MAX);
	if (text == NULL || is_json_blank(text, len))
		return fail(&rep, "is empty; expected a JSON object {...}");
	/* JSON_ALLOW_NUL lets "\u0000" through to copy_json_string, which
	 * names the key; without it the error would only give a column.
	 * Trailing text after the value is refused: no JSON_DISABLE_EOF_CHECK. */
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY |
	    JSON_ALLOW_NUL, &jerr);
	if (root == NULL)
		return fail(&rep, "invalid JSON at line %d, column %d: %s",
		    jerr.line, jerr.column, jerr.text);
	rc = overlay_json(&rep, cfg, root);
	json_decref(root);
	return rc;
}

/* Reads at most CONFIG_TEXT_MAX bytes, and one more to tell "exactly the
 * limit" from "larger" even where st_size means nothing (pipes, /proc). */
static int
read_config_file(const struct reporter *rep, int fd, char **textp,
    size_t *lenp)
{
	char *text;
	size_t len = 0;

	if ((text = malloc(CONFIG_TEXT_MAX + 1)) == NULL)
		return fail(rep, "out of memory");
	while (len <= CONFIG_TEXT_MAX) {
		ssize_t n = read(fd, text + len, CONFIG_TEXT_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			int saved = errno;
			free(text);
			return fail(rep, "cannot read: %s", strerror(saved));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CONFIG_TEXT_MAX) {
		free(text);
		return fail(rep, "is larger than %d bytes", CONFIG_TEXT_MAX);
	}
	*textp = text;
	*lenp = len;
	return 0;
}

int
config_load_file(struct rtforge_config *cfg, const char *path, char *err,
    size_t errlen)
{
	struct reporter rep = { path ? path : "config", err, errlen };
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int fd, rc;

	if (path == NULL)
		return fail(&rep, "no file name given");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return fail(&rep, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) == -1) {
		int saved = errno;
		close(fd);
		return fail(&rep, "cannot stat: %s", strerror(saved));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return fail(&rep, "is a directory; expected a JSON file");
	}
	if (S_ISREG(st.st_mode) && st.st_size > CONFIG_TEXT_MAX) {
		close(fd);
		return fail(&rep, "is larger than %d bytes", CONFIG_TEXT_MAX);
	}
	rc = read_config_file(&rep, fd, &text, &len);
	close(fd);
	if (rc == 0)
		rc = config_load_json(cfg, text, len, path, err, errlen);
	free(text);
	return rc;
}

/* ---- validation: every value rule, and the rules across fields ---- */

static int validate_fields(const struct reporter *,
    const struct rtforge_config *, const struct field *, const char *);

static int
validate_string(const struct reporter *rep, const char *value, size_t size,
    const struct string_rule *rule, const char *path)
{
	if (memchr(value, '\0', size) == NULL)
		return fail(rep, "key \"%s\" is not NUL-terminated", path);
	if (!is_clean_text(value))
		return fail(rep, "key \"%s\" must be UTF-8 text without control "
		    "characters", path);
	if (value[0] == '\0') {
		if (rule->may_be_empty)
			return 0;
		return fail(rep, "key \"%s\" must not be empty; expected %s",
		    path, rule->expected);
	}
	if (!rule->accepts(value))
		return fail(rep, "key \"%s\" must be %s", path, rule->expected);
	return 0;
}

static int
validate_listen(const struct reporter *rep, const struct rtforge_config *cfg,
    const char *path)
{
	if (memchr(cfg->listen_host, '\0', sizeof(cfg->listen_host)) == NULL ||
	    !is_host(cfg->listen_host))
		return fail(rep, "key \"%s\" has an invalid host; expected "
		    LISTEN_EXPECTED, path);
	if (cfg->listen_port == 0)
		return fail(rep, "key \"%s\" has no port; expected "
		    LISTEN_EXPECTED, path);
	return 0;
}

static int
validate_uint(const struct reporter *rep, const struct rtforge_config *cfg,
    const struct field *f, const char *path)
{
	unsigned value = *(const unsigned *)field_at_const(cfg, f);

	if (value < f->min || value > f->max)
		return fail(rep, "key \"%s\" must be an integer from %u to %u",
		    path, f->min, f->max);
	return 0;
}

static int
validate_env_var(const struct reporter *rep, const struct config_build *b,
    size_t i, const char *path)
{
	const struct config_env_var *var = &b->env[i];
	char var_path[KEY_PATH_MAX];

	if (memchr(var->name, '\0', sizeof(var->name)) == NULL)
		return fail(rep, "key \"%s\" has a name that is not "
		    "NUL-terminated", path);
	key_path(var_path, sizeof(var_path), path, var->name);
	if (!is_env_name(var->name))
		return fail(rep, "key \"%s\" must have a name matching "
		    "[A-Z_][A-Z0-9_]*", var_path);
	if (is_reserved_env(var->name))
		return fail(rep, "key \"%s\": rtforge sets %s itself for every "
		    "build; remove it", var_path, var->name);
	for (size_t j = 0; j < i; j++)
		if (strcmp(b->env[j].name, var->name) == 0)
			return fail(rep, "key \"%s\" is set twice", var_path);
	if (memchr(var->value, '\0', sizeof(var->value)) == NULL)
		return fail(rep, "key \"%s\" is not NUL-terminated", var_path);
	if (!is_clean_text(var->value))
		return fail(rep, "key \"%s\" must be UTF-8 text without control "
		    "characters", var_path);
	return 0;
}

static int
validate_env(const struct reporter *rep, const struct config_build *b,
    const char *path)
{
	if (b->env_count > CONFIG_ENV_MAX)
		return fail(rep, "key \"%s\" sets %zu variables; at most %d "
		    "are allowed", path, b->env_count, CONFIG_ENV_MAX);
	for (size_t i = 0; i < b->env_count; i++)
		if (validate_env_var(rep, b, i, path) == -1)
			return -1;
	return 0;
}

static int
validate_field(const struct reporter *rep, const struct rtforge_config *cfg,
    const struct field *f, const char *path)
{
	switch (f->type) {
	case FIELD_STRING:
		return validate_string(rep, field_at_const(cfg, f), f->size,
		    f->rule, path);
	case FIELD_LISTEN:
		return validate_listen(rep, cfg, path);
	case FIELD_BOOL:
		return 0;
	case FIELD_UINT:
		return validate_uint(rep, cfg, f, path);
	case FIELD_ENV:
		return validate_env(rep, &cfg->build, path);
	case FIELD_KEYS: {
		char why[512];
		if (config_keys_validate(&cfg->sign, cfg->dev, why,
		    sizeof(why)) == -1)
			return fail(rep, "%s", why);
		return 0;
	}
	case FIELD_TOKENS: {
		char why[512];
		if (config_auth_validate(&cfg->auth, why, sizeof(why)) == -1)
			return fail(rep, "%s", why);
		return 0;
	}
	case FIELD_PROXIES:
		return 0;
	case FIELD_OBJECT:
		return validate_fields(rep, cfg, f->members, path);
	}
	return fail(rep, "key \"%s\" has no validator", path);
}

static int
validate_fields(const struct reporter *rep, const struct rtforge_config *cfg,
    const struct field *fields, const char *prefix)
{
	for (const struct field *f = fields; f->key != NULL; f++) {
		char path[KEY_PATH_MAX];

		key_path(path, sizeof(path), prefix, f->key);
		if (validate_field(rep, cfg, f, path) == -1)
			return -1;
	}
	return 0;
}

/* Privilege separation rests on these: a shared user would let the
 * network-facing front read the signing key, and root would undo it all. */
static int
validate_role_users(const struct reporter *rep, const struct config_users *u)
{
	const char *names[] = { u->web, u->build, u->sign };
	const char *keys[] = { "users.web", "users.build", "users.sign" };

	for (size_t i = 0; i < 3; i++) {
		if (strcmp(names[i], "root") == 0)
			return fail(rep, "key \"%s\" must not be root: each role "
			    "runs as its own unprivileged user", keys[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return fail(rep, "keys \"%s\" and \"%s\" both name "
				    "user \"%s\"; each role needs its own user",
				    keys[j], keys[i], names[i]);
	}
	return 0;
}

int
config_validate(const struct rtforge_config *cfg, char *err, size_t errlen)
{
	struct reporter rep = { "config", err, errlen };

	if (memchr(cfg->origin, '\0', sizeof(cfg->origin)) != NULL &&
	    cfg->origin[0] != '\0')
		rep.origin = cfg->origin;
	if (validate_fields(&rep, cfg, config_fields, "") == -1 ||
	    validate_role_users(&rep, &cfg->users) == -1)
		return -1;
	/* --dev turns authentication off: only this host may reach it. */
	if (cfg->dev && !config_host_is_loopback(cfg->listen_host))
		return fail(&rep, "dev mode has no authentication, so key "
		    "\"listen\" must be on loopback (127.0.0.0/8, ::1 or "
		    "localhost), not \"%s\"", cfg->listen_host);
	return 0;
}

/* ---- serialisation ---- */

static json_t *fields_to_json(const struct rtforge_config *,
    const struct field *);

/* strnlen: a config that was never validated must not be read past its
 * buffers. */
static json_t *
buffer_to_json(const char *buffer, size_t size)
{
	return json_stringn(buffer, strnlen(buffer, size));
}

static json_t *
listen_to_json(const struct rtforge_config *cfg)
{
	char text[LISTEN_TEXT_MAX];
	int host_len = (int)strnlen(cfg->listen_host, sizeof(cfg->listen_host));

	if (memchr(cfg->listen_host, ':', (size_t)host_len) != NULL)
		snprintf(text, sizeof(text), "[%.*s]:%u", host_len,
		    cfg->listen_host, (unsigned)cfg->listen_port);
	else
		snprintf(text, sizeof(text), "%.*s:%u", host_len,
		    cfg->listen_host, (unsigned)cfg->listen_port);
	return json_string(text);
}

static json_t *
env_to_json(const struct config_build *b)
{
	json_t *env = json_object();

	if (env == NULL)
		return NULL;
	for (size_t i = 0; i < b->env_count && i < CONFIG_ENV_MAX; i++) {
		const struct config_env_var *var = &b->env[i];
		char name[sizeof(var->name)];

		set_string(name, sizeof(name), var->name,
		    strnlen(var->name, sizeof(var->name) - 1));
		if (json_object_set_new(env, name, buffer_to_json(var->value,
		    sizeof(var->value))) == -1) {
			json_decref(env);
			return NULL;
		}
	}
	return env;
}

static json_t *
field_to_json(const struct rtforge_config *cfg, const struct field *f)
{
	switch (f->type) {
	case FIELD_STRING:
		return buffer_to_json(field_at_const(cfg, f), f->size);
	case FIELD_LISTEN:
		return listen_to_json(cfg);
	case FIELD_BOOL:
		return json_boolean(*(const bool *)field_at_const(cfg, f));
	case FIELD_UINT:
		return json_integer(*(const unsigned *)field_at_const(cfg, f));
	case FIELD_ENV:
		return env_to_json(&cfg->build);
	case FIELD_KEYS:
		return config_keys_to_json(&cfg->sign);
	case FIELD_TOKENS:
		return config_auth_tokens_to_json(&cfg->auth);
	case FIELD_PROXIES:
		return config_auth_proxies_to_json(&cfg->auth);
	case FIELD_OBJECT:
		return fields_to_json(cfg, f->members);
	}
	return NULL;
}

static json_t *
fields_to_json(const struct rtforge_config *cfg, const struct field *fields)
{
	json_t *object = json_object();

	if (object == NULL)
		return NULL;
	for (const struct field *f = fields; f->key != NULL; f++) {
		/* json_object_set_new takes NULL as a failure and returns -1. */
		if (json_object_set_new(object, f->key,
		    field_to_json(cfg, f)) == -1) {
			json_decref(object);
			return NULL;
		}
	}
	return object;
}

/* Dumped into our own malloc'd buffer rather than json_dumps's: a role may
 * give jansson other allocators (json_set_alloc_funcs), and the caller
 * frees this with free(). */
char *
config_to_json(const struct rtforge_config *cfg)
{
	const size_t flags = JSON_INDENT(2);
	json_t *root = fields_to_json(cfg, config_fields);
	char *text = NULL;
	size_t len;

	if (root == NULL)
		return NULL;
	len = json_dumpb(root, NULL, 0, flags);
	if (len > 0 && (text = malloc(len + 1)) != NULL) {
		if (json_dumpb(root, text, len, flags) == len)
			text[len] = '\0';
		else {
			free(text);
			text = NULL;
		}
	}
	json_decref(root);
	return text;
}
