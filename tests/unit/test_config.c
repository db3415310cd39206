/* Unit tests for common/config.c: defaults, the example file, the round
 * trip through config_to_json, and one refusal per class of mistake, each
 * checked for the key and origin it must name. */
#include "config.h"
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef EXAMPLE_CONFIG
#define EXAMPLE_CONFIG "packaging/rtforge.json.example"
#endif

#define ORIGIN "test.json"
#define DOC_MAX 8192

static char err[1024];

static struct rtforge_config *
fresh(void)
{
	struct rtforge_config *cfg = malloc(sizeof(*cfg));

	if (cfg == NULL) {
		perror("malloc");
		exit(2);
	}
	config_set_defaults(cfg);
	return cfg;
}

/* Like the loader's own setter: zero-fills, so memcmp compares values. */
static void
put(char *dst, size_t size, const char *src)
{
	memset(dst, 0, size);
	strncpy(dst, src, size - 1);
}
#define PUT(field, text) put((field), sizeof(field), (text))

static int
load_onto(struct rtforge_config *cfg, const char *json)
{
	err[0] = '\0';
	return config_load_json(cfg, json, strlen(json), ORIGIN, err,
	    sizeof(err));
}

static int
load(const char *json)
{
	struct rtforge_config *cfg = fresh();
	int rc = load_onto(cfg, json);

	free(cfg);
	return rc;
}

static bool
accepted(const char *json)
{
	if (load(json) == 0)
		return true;
	fprintf(stderr, "  refused %.200s: %s\n", json, err);
	return false;
}

/* Refused with one line that starts with the origin and holds needle. */
static bool
message_has(const char *origin, const char *needle)
{
	if (strncmp(err, origin, strlen(origin)) == 0 &&
	    strncmp(err + strlen(origin), ": ", 2) == 0 &&
	    strstr(err, needle) != NULL && strchr(err, '\n') == NULL)
		return true;
	fprintf(stderr, "  message lacks \"%s\": %s\n", needle, err);
	return false;
}

static bool
refused(const char *json, const char *needle)
{
	if (load(json) == 0) {
		fprintf(stderr, "  accepted %.200s\n", json);
		return false;
	}
	return message_has(ORIGIN, needle);
}

/* {"a": {"b": VALUE}} from "a.b" and VALUE (raw JSON). */
static const char *
doc(const char *dotted, const char *value)
{
	static char out[DOC_MAX];
	size_t at = 0, depth = 0;
	const char *p = dotted;

	for (;;) {
		size_t len = strcspn(p, ".");
		at += (size_t)snprintf(out + at, sizeof(out) - at,
		    "{\"%.*s\": ", (int)len, p);
		depth++;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	at += (size_t)snprintf(out + at, sizeof(out) - at, "%s", value);
	while (depth-- > 0)
		at += (size_t)snprintf(out + at, sizeof(out) - at, "}");
	if (at >= sizeof(out)) {
		fprintf(stderr, "doc() overflow\n");
		exit(2);
	}
	return out;
}

/* A JSON string literal: prefix, then c repeated n times, then suffix. */
static const char *
long_string(const char *prefix, char c, size_t n, const char *suffix)
{
	static char out[DOC_MAX];
	size_t at = (size_t)snprintf(out, sizeof(out), "\"%s", prefix);

	if (at + n + strlen(suffix) + 2 >= sizeof(out)) {
		fprintf(stderr, "long_string() overflow\n");
		exit(2);
	}
	memset(out + at, c, n);
	snprintf(out + at + n, sizeof(out) - at - n, "%s\"", suffix);
	return out;
}

static const char full_config[] =
    "{\n"
    "  \"listen\": \"[::1]:9090\",\n"
    "  \"base_path\": \"/rtforge/\",\n"
    "  \"state_dir\": \"/srv/state\",\n"
    "  \"web_dir\": \"/srv/web\",\n"
    "  \"libexec_dir\": \"/usr/libexec/rtforge\",\n"
    "  \"node_url\": \"https://rpc.example.org:443/qh\",\n"
    "  \"users\": {\"web\": \"w\", \"build\": \"b\", \"sign\": \"s\"},\n"
    "  \"build\": {\n"
    "    \"source_dir\": \"/src/qh\",\n"
    "    \"cargo\": \"/rust/bin/cargo\",\n"
    "    \"toolchain_dir\": \"/rust\",\n"
    "    \"cargo_home\": \"/cache/cargo\",\n"
    "    \"target_dir\": \"/cache/target\",\n"
    "    \"runtime_package\": \"qh-runtime\",\n"
    "    \"node_package\": \"qh-node\",\n"
    "    \"runtime_artifact\": \"release/wbuild/qh.wasm\",\n"
    "    \"node_artifact\": \"release/qh-node\",\n"
    "    \"timeout_seconds\": 3600,\n"
    "    \"env\": {\"RUSTFLAGS\": \"-C target-cpu=native\", \"_X1\": \"\"}\n"
    "  },\n"
    "  \"dev\": true\n"
    "}\n";

/* ---- defaults ---- */

static void
test_defaults(void)
{
	struct rtforge_config *cfg = fresh();

	CHECK(config_validate(cfg, err, sizeof(err)) == 0);
	CHECK(!cfg->dev);
	CHECK_STR(cfg->origin, "defaults");
	CHECK_STR(cfg->listen_host, "127.0.0.1");
	CHECK(cfg->listen_port == 8080);
	CHECK_STR(cfg->base_path, "/");
	CHECK_STR(cfg->state_dir, "/var/lib/rtforge");
	CHECK_STR(cfg->web_dir, "/usr/share/rtforge/web");
	CHECK_STR(cfg->libexec_dir, "");
	CHECK_STR(cfg->node_url, "http://127.0.0.1:9944");
	CHECK_STR(cfg->users.web, "rtforge-web");
	CHECK_STR(cfg->users.build, "rtforge-build");
	CHECK_STR(cfg->users.sign, "rtforge-sign");
	CHECK_STR(cfg->build.source_dir, "/srv/quantumharmony");
	CHECK_STR(cfg->build.cargo, "/opt/rtforge/rust/bin/cargo");
	CHECK_STR(cfg->build.toolchain_dir, "/opt/rtforge/rust");
	CHECK_STR(cfg->build.cargo_home, "");
	CHECK_STR(cfg->build.target_dir, "");
	CHECK_STR(cfg->build.runtime_package, "quantumharmony-runtime");
	CHECK_STR(cfg->build.node_package, "quantumharmony-node");
	CHECK(cfg->build.timeout_seconds == 7200);
	CHECK(cfg->build.env_count == 0);
	CHECK(accepted("{}"));
	free(cfg);
}

static void
test_dev_defaults(void)
{
	struct rtforge_config *cfg = fresh(), *before = fresh();
	char root[CONFIG_PATH_MAX + 16];

	CHECK(config_set_dev_defaults(cfg, "/work/main") == 0);
	CHECK(config_validate(cfg, err, sizeof(err)) == 0);
	CHECK(cfg->dev);
	CHECK(config_host_is_loopback(cfg->listen_host));
	CHECK(cfg->listen_port == 8080);
	CHECK_STR(cfg->origin, "--dev defaults");
	CHECK_STR(cfg->build.source_dir, "/work/main/tests/demo-workspace");
	CHECK_STR(cfg->state_dir, "/work/main/state");
	CHECK_STR(cfg->web_dir, "/work/main/web");
	CHECK_STR(cfg->build.runtime_package, "demo-runtime");
	CHECK_STR(cfg->build.node_package, "demo-node");
	CHECK_STR(cfg->build.cargo, "/opt/rtforge/rust/bin/cargo");
	CHECK_STR(cfg->build.toolchain_dir, "/opt/rtforge/rust");
	CHECK_STR(cfg->node_url, "http://127.0.0.1:9944");

	CHECK(config_set_dev_defaults(cfg, "/work/main//") == 0);
	CHECK_STR(cfg->state_dir, "/work/main/state");
	CHECK(config_set_dev_defaults(cfg, "/") == 0);
	CHECK_STR(cfg->web_dir, "/web");

	/* Failures leave cfg untouched and say why in errno. */
	memcpy(before, cfg, sizeof(*cfg));
	errno = 0;
	CHECK(config_set_dev_defaults(cfg, "work/main") == -1);
	CHECK(errno == EINVAL);
	CHECK(config_set_dev_defaults(cfg, NULL) == -1);
	/* Fits for "/state" but not for "/tests/demo-workspace". */
	root[0] = '/';
	memset(root + 1, 'r', CONFIG_PATH_MAX - 16);
	root[CONFIG_PATH_MAX - 15] = '\0';
	errno = 0;
	CHECK(config_set_dev_defaults(cfg, root) == -1);
	CHECK(errno == ENAMETOOLONG);
	CHECK(memcmp(before, cfg, sizeof(*cfg)) == 0);
	free(cfg);
	free(before);
}

/* ---- whole files ---- */

static void
test_full_config(void)
{
	struct rtforge_config *cfg = fresh();

	CHECK(load_onto(cfg, full_config) == 0);
	CHECK_STR(err, "");
	CHECK_STR(cfg->origin, ORIGIN);
	CHECK(cfg->dev);
	CHECK_STR(cfg->listen_host, "::1");
	CHECK(cfg->listen_port == 9090);
	CHECK_STR(cfg->base_path, "/rtforge/");
	CHECK_STR(cfg->state_dir, "/srv/state");
	CHECK_STR(cfg->web_dir, "/srv/web");
	CHECK_STR(cfg->libexec_dir, "/usr/libexec/rtforge");
	CHECK_STR(cfg->node_url, "https://rpc.example.org:443/qh");
	CHECK_STR(cfg->users.web, "w");
	CHECK_STR(cfg->users.build, "b");
	CHECK_STR(cfg->users.sign, "s");
	CHECK_STR(cfg->build.source_dir, "/src/qh");
	CHECK_STR(cfg->build.cargo, "/rust/bin/cargo");
	CHECK_STR(cfg->build.toolchain_dir, "/rust");
	CHECK_STR(cfg->build.cargo_home, "/cache/cargo");
	CHECK_STR(cfg->build.target_dir, "/cache/target");
	CHECK_STR(cfg->build.runtime_package, "qh-runtime");
	CHECK_STR(cfg->build.node_package, "qh-node");
	CHECK_STR(cfg->build.runtime_artifact, "release/wbuild/qh.wasm");
	CHECK_STR(cfg->build.node_artifact, "release/qh-node");
	CHECK(cfg->build.timeout_seconds == 3600);
	CHECK(cfg->build.env_count == 2);
	CHECK_STR(cfg->build.env[0].name, "RUSTFLAGS");
	CHECK_STR(cfg->build.env[0].value, "-C target-cpu=native");
	CHECK_STR(cfg->build.env[1].name, "_X1");
	CHECK_STR(cfg->build.env[1].value, "");

	/* Keys overlay what is there; env is replaced, not merged. */
	CHECK(load_onto(cfg, "{\"build\": {\"env\": {\"A\": \"1\"}}, "
	    "\"users\": {\"web\": \"www\"}}") == 0);
	CHECK(cfg->build.env_count == 1);
	CHECK_STR(cfg->build.env[0].name, "A");
	CHECK(cfg->build.env[1].name[0] == '\0');
	CHECK_STR(cfg->users.web, "www");
	CHECK_STR(cfg->users.sign, "s");
	CHECK_STR(cfg->build.cargo, "/rust/bin/cargo");
	CHECK(cfg->dev);
	free(cfg);
}

static void
test_example_file(void)
{
	struct rtforge_config *cfg = fresh();

	err[0] = '\0';
	CHECK(config_load_file(cfg, EXAMPLE_CONFIG, err, sizeof(err)) == 0);
	CHECK_STR(err, "");
	CHECK_STR(cfg->origin, EXAMPLE_CONFIG);
	CHECK(!cfg->dev);
	CHECK_STR(cfg->build.runtime_package, "quantumharmony-runtime");
	CHECK_STR(cfg->build.node_package, "quantumharmony-node");
	CHECK(cfg->build.env_count > 0);
	CHECK(config_validate(cfg, err, sizeof(err)) == 0);
	free(cfg);
}

/* ---- round trip ---- */

static bool
round_trips(const struct rtforge_config *a)
{
	struct rtforge_config *b = fresh();
	char *text = config_to_json(a);
	bool same = false;

	if (text == NULL) {
		fprintf(stderr, "  config_to_json failed\n");
	} else if (strlen(text) > CONFIG_TEXT_MAX) {
		fprintf(stderr, "  config_to_json: %zu bytes\n", strlen(text));
	} else if (load_onto(b, text) != 0) {
		fprintf(stderr, "  reload failed: %s\n", err);
	} else if (strstr(text, "\"origin\"") != NULL) {
		fprintf(stderr, "  origin was serialised\n");
	} else
		same = memcmp(a, b, sizeof(*a)) == 0;
	free(text);
	free(b);
	return same;
}

static void
test_round_trip(void)
{
	struct rtforge_config *a = fresh();
	struct config_build *b = &a->build;
	char *text;

	/* Every field away from its default, set directly. */
	a->dev = true;
	PUT(a->origin, ORIGIN);
	PUT(a->listen_host, "::1");
	a->listen_port = 1;
	PUT(a->base_path, "/a/b.c_d~e-f/");
	PUT(a->state_dir, "/s");
	PUT(a->web_dir, "/w");
	PUT(a->libexec_dir, "/l");
	PUT(a->node_url, "https://[2001:db8::1]:8443/rpc?x=\"y\"");
	PUT(a->users.web, "u1");
	PUT(a->users.build, "u2");
	PUT(a->users.sign, "_u3");
	PUT(b->source_dir, "/src dir/with spaces and \xc3\xa9");
	PUT(b->cargo, "/c");
	PUT(b->toolchain_dir, "/t");
	PUT(b->cargo_home, "/ch");
	PUT(b->target_dir, "/td");
	PUT(b->runtime_package, "R");
	PUT(b->node_package, "N");
	PUT(b->runtime_artifact, "r.wasm");
	PUT(b->node_artifact, "bin/n");
	b->timeout_seconds = 172800;
	b->env_count = 2;
	PUT(b->env[0].name, "ZED");
	PUT(b->env[0].value, "quote \" backslash \\ tab-less");
	PUT(b->env[1].name, "ALPHA");
	PUT(b->env[1].value, "\xe2\x82\xac");
	CHECK(config_validate(a, err, sizeof(err)) == 0);
	CHECK(round_trips(a));

	text = config_to_json(a);
	CHECK(text != NULL && strstr(text, "\"dev\": true") != NULL);
	CHECK(text != NULL && strstr(text, "\"listen\": \"[::1]:1\"") != NULL);
	/* Order kept: ZED before ALPHA, as in the struct. */
	CHECK(text != NULL && strstr(text, "ZED") < strstr(text, "ALPHA"));
	free(text);

	a->dev = false;
	PUT(a->listen_host, "0.0.0.0");
	a->listen_port = 65535;
	b->env_count = 0;
	memset(b->env, 0, sizeof(b->env));
	CHECK(round_trips(a));

	config_set_defaults(a);
	PUT(a->origin, ORIGIN);
	CHECK(round_trips(a));
	free(a);
}

static void
fill(char *dst, size_t size, char c)
{
	memset(dst, c, size - 1);
	dst[size - 1] = '\0';
}

/* Every buffer full: the JSON must stay under CONFIG_TEXT_MAX and reload. */
static void
test_round_trip_largest(void)
{
	struct rtforge_config *a = fresh();
	struct config_build *b = &a->build;
	char *paths[] = { a->state_dir, a->web_dir, a->libexec_dir,
	    b->source_dir, b->cargo, b->toolchain_dir, b->cargo_home,
	    b->target_dir };

	PUT(a->origin, ORIGIN);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fill(paths[i], CONFIG_PATH_MAX, 'p');
		paths[i][0] = '/';
	}
	fill(b->runtime_artifact, sizeof(b->runtime_artifact), 'r');
	fill(b->node_artifact, sizeof(b->node_artifact), 'n');
	fill(a->listen_host, sizeof(a->listen_host), 'h');
	fill(a->base_path, sizeof(a->base_path), 'b');
	a->base_path[0] = '/';
	a->base_path[sizeof(a->base_path) - 2] = '/';
	fill(a->node_url, sizeof(a->node_url), 'u');
	memcpy(a->node_url, "https://h/", 10);
	fill(b->runtime_package, sizeof(b->runtime_package), 'R');
	fill(b->node_package, sizeof(b->node_package), 'N');
	fill(a->users.web, 33, 'w');
	fill(a->users.build, 33, 'b');
	fill(a->users.sign, 33, 's');
	b->env_count = CONFIG_ENV_MAX;
	for (size_t i = 0; i < CONFIG_ENV_MAX; i++) {
		fill(b->env[i].name, sizeof(b->env[i].name), 'E');
		b->env[i].name[0] = (char)('A' + i % 26);
		b->env[i].name[1] = (char)('A' + i / 26);
		/* Quotes cost two bytes each in JSON: the worst that stays
		 * legal (control characters are refused). */
		fill(b->env[i].value, sizeof(b->env[i].value), '"');
	}
	CHECK(config_validate(a, err, sizeof(err)) == 0);
	CHECK(round_trips(a));
	free(a);
}

/* ---- refusals ---- */

static void
test_unknown_keys(void)
{
	char long_key[300];

	CHECK(refused(doc("build.cargoo", "\"/x\""),
	    ORIGIN ": unknown key \"build.cargoo\" (known keys: source_dir, "
	    "cargo, toolchain_dir, cargo_home, target_dir, runtime_package, "
	    "node_package, runtime_artifact, node_artifact, timeout_seconds, "
	    "env, jail, memory_limit_mb, pids_max, cpu_percent, "
	    "file_size_max_mb, log_cap_mb, min_free_disk_mb, extra_read_path)"));
	CHECK(refused(doc("listne", "\"127.0.0.1:80\""),
	    "unknown key \"listne\" (known keys: listen, base_path"));
	CHECK(refused(doc("users.admin", "\"x\""),
	    "unknown key \"users.admin\" (known keys: web, build, sign)"));
	CHECK(refused(doc("origin", "\"x\""), "unknown key \"origin\""));
	/* Keys from the file are echoed on one line, quoted safely. */
	CHECK(refused("{\"a\\nb\\\"c\": 1}", "unknown key \"a?b?c\""));
	memset(long_key, 'k', sizeof(long_key) - 1);
	long_key[sizeof(long_key) - 1] = '\0';
	CHECK(refused(doc(long_key, "1"), "kkk...\""));
}

static void
test_wrong_types(void)
{
	const char *timeout = "key \"build.timeout_seconds\" must be an "
	    "integer from 1 to 172800";

	CHECK(refused(doc("build.timeout_seconds", "\"7200\""), timeout));
	CHECK(refused(doc("build.timeout_seconds", "7200.0"), timeout));
	CHECK(refused(doc("build.timeout_seconds", "0"), timeout));
	CHECK(refused(doc("build.timeout_seconds", "-1"), timeout));
	CHECK(refused(doc("build.timeout_seconds", "172801"), timeout));
	CHECK(refused(doc("build.timeout_seconds", "4294968296"), timeout));
	CHECK(accepted(doc("build.timeout_seconds", "1")));
	CHECK(accepted(doc("build.timeout_seconds", "172800")));
	CHECK(refused(doc("dev", "\"yes\""), "key \"dev\" must be true or false"));
	CHECK(refused(doc("dev", "1"), "key \"dev\" must be true or false"));
	CHECK(refused(doc("users", "\"x\""), "key \"users\" must be an object"));
	CHECK(refused(doc("build", "[]"), "key \"build\" must be an object"));
	CHECK(refused(doc("listen", "8080"), "key \"listen\" must be a string"));
	CHECK(refused(doc("state_dir", "null"),
	    "key \"state_dir\" must be a string"));
	CHECK(refused(doc("build.env", "[\"A=1\"]"),
	    "key \"build.env\" must be an object"));
	CHECK(refused(doc("build.env.A", "1"),
	    "key \"build.env.A\" must be a string"));
}

static void
test_invalid_json(void)
{
	char text[16] = "{}";
	struct rtforge_config *cfg = fresh();

	CHECK(refused("{\"listen\": }", "invalid JSON at line 1, column"));
	CHECK(refused("{\n  \"dev\": true,\n}\n", "invalid JSON at line 3"));
	CHECK(refused("{\"a\": 1", "invalid JSON at line 1"));
	/* Trailing garbage, however small. */
	CHECK(refused("{} x", "invalid JSON"));
	CHECK(refused("{}{}", "invalid JSON"));
	CHECK(refused("{} // comment", "invalid JSON"));
	/* A raw NUL after the object is trailing garbage too. */
	CHECK(config_load_json(cfg, text, 3, ORIGIN, err, sizeof(err)) == -1);
	CHECK(message_has(ORIGIN, "invalid JSON"));
	free(cfg);
	CHECK(refused("{\"dev\": false, \"dev\": true}", "duplicate"));
	CHECK(refused("{\"build\": {\"env\": {\"A\": \"1\", \"A\": \"2\"}}}",
	    "duplicate"));
	CHECK(refused("", "empty"));
	CHECK(refused(" \n\t\r\n", "empty"));
	CHECK(refused("[]", "the top level must be a JSON object"));
	CHECK(refused("\"{}\"", "the top level must be a JSON object"));
	CHECK(refused("42", "the top level must be a JSON object"));
	CHECK(refused("null", "the top level must be a JSON object"));
	CHECK(refused("{\"state_dir\": \"/\xff\"}", "invalid JSON"));
}

static void
test_nul_bytes(void)
{
	CHECK(refused(doc("state_dir", "\"/var/lib\\u0000/x\""),
	    "key \"state_dir\" must not contain a NUL byte"));
	CHECK(refused(doc("build.env.A", "\"x\\u0000\""),
	    "key \"build.env.A\" must not contain a NUL byte"));
	CHECK(refused("{\"dev\\u0000x\": true}", "NUL"));
}

static void
test_too_long(void)
{
	CHECK(accepted(doc("state_dir",
	    long_string("/", 's', CONFIG_PATH_MAX - 2, ""))));
	CHECK(refused(doc("state_dir",
	    long_string("/", 's', CONFIG_PATH_MAX - 1, "")),
	    "key \"state_dir\" is too long (at most 1023 bytes)"));
	CHECK(refused(doc("build.runtime_artifact",
	    long_string("", 'r', CONFIG_PATH_MAX, "")),
	    "key \"build.runtime_artifact\" is too long"));
	CHECK(refused(doc("users.web", long_string("", 'w', 64, "")),
	    "key \"users.web\" is too long (at most 63 bytes)"));
	CHECK(refused(doc("build.node_package", long_string("", 'n', 64, "")),
	    "key \"build.node_package\" is too long"));
	CHECK(refused(doc("base_path", long_string("/", 'b', 62, "/")),
	    "key \"base_path\" is too long"));
	CHECK(accepted(doc("base_path", long_string("/", 'b', 61, "/"))));
	CHECK(refused(doc("node_url", long_string("http://h/", 'u', 503, "")),
	    "key \"node_url\" is too long (at most 511 bytes)"));
	CHECK(accepted(doc("node_url", long_string("http://h/", 'u', 502, ""))));
	CHECK(refused(doc("listen", long_string("", 'h', 64, ":80")),
	    "key \"listen\" has a host that is too long"));
	CHECK(refused(doc("listen", long_string("", 'h', 90, ":80")),
	    "key \"listen\" is too long"));
	CHECK(refused(doc("build.env.A",
	    long_string("", 'v', CONFIG_ENV_VALUE_MAX, "")),
	    "key \"build.env.A\" is too long (at most 1023 bytes)"));
	CHECK(accepted(doc("build.env.A",
	    long_string("", 'v', CONFIG_ENV_VALUE_MAX - 1, ""))));
	{
		char name[128];
		snprintf(name, sizeof(name), "build.env.%s",
		    long_string("", 'N', 64, "") + 1);
		name[strlen(name) - 1] = '\0';		/* the closing quote */
		CHECK(refused(doc(name, "\"v\""),
		    "has a name longer than 63 bytes"));
		name[strlen(name) - 1] = '\0';		/* 63 bytes: fine */
		CHECK(accepted(doc(name, "\"v\"")));
	}
}

static void
test_listen(void)
{
	const char *bad_port = "has a port that is not from 1 to 65535";
	struct rtforge_config *cfg = fresh();

	CHECK(accepted(doc("listen", "\"0.0.0.0:1\"")));
	CHECK(accepted(doc("listen", "\"127.0.0.1:65535\"")));
	CHECK(accepted(doc("listen", "\"localhost:8080\"")));
	CHECK(accepted(doc("listen", "\"rtforge.example.org:8080\"")));
	CHECK(accepted(doc("listen", "\"[::]:8080\"")));
	CHECK(load_onto(cfg, doc("listen", "\"[::1]:8081\"")) == 0);
	CHECK_STR(cfg->listen_host, "::1");
	CHECK(cfg->listen_port == 8081);

	CHECK(refused(doc("listen", "\"127.0.0.1:0\""), bad_port));
	CHECK(refused(doc("listen", "\"127.0.0.1:65536\""), bad_port));
	CHECK(refused(doc("listen", "\"127.0.0.1:abc\""), bad_port));
	CHECK(refused(doc("listen", "\"127.0.0.1:08080\""), bad_port));
	CHECK(refused(doc("listen", "\"127.0.0.1:+80\""), bad_port));
	CHECK(refused(doc("listen", "\"127.0.0.1:\""), bad_port));
	CHECK(refused(doc("listen", "\"127.0.0.1\""),
	    "key \"listen\" has no port; expected \"HOST:PORT\""));
	CHECK(refused(doc("listen", "\"[::1]\""), "has no port"));
	CHECK(refused(doc("listen", "\"::1:8080\""),
	    "key \"listen\" has an IPv6 address without brackets"));
	CHECK(refused(doc("listen", "\"::1\""), "without brackets"));
	CHECK(refused(doc("listen", "\"[::1]8080\""), "has text after"));
	CHECK(refused(doc("listen", "\"[::1:8080\""), "without its \"]\""));
	CHECK(refused(doc("listen", "\"[127.0.0.1]:80\""), "invalid host"));
	CHECK(refused(doc("listen", "\"[fe80::1%eth0]:80\""), "invalid host"));
	CHECK(refused(doc("listen", "\":8080\""), "has no host"));
	CHECK(refused(doc("listen", "\"999.0.0.1:80\""), "invalid host"));
	CHECK(refused(doc("listen", "\"127.1:80\""), "invalid host"));
	CHECK(refused(doc("listen", "\"my host:80\""), "invalid host"));
	CHECK(refused(doc("listen", "\"-host:80\""), "invalid host"));
	CHECK(refused(doc("listen", "\"a..b:80\""), "invalid host"));
	CHECK(refused(doc("listen", "\"\""), "key \"listen\" has no host"));
	free(cfg);
}

static void
test_base_path(void)
{
	const char *expected = "key \"base_path\" must be a URL path";

	CHECK(accepted(doc("base_path", "\"/\"")));
	CHECK(accepted(doc("base_path", "\"/rtforge/\"")));
	CHECK(accepted(doc("base_path", "\"/a/B.c_d~e-9/\"")));
	CHECK(accepted(doc("base_path", "\"/.well-known/\"")));
	CHECK(refused(doc("base_path", "\"\""),
	    "key \"base_path\" must not be empty"));
	CHECK(refused(doc("base_path", "\"rtforge/\""), expected));
	CHECK(refused(doc("base_path", "\"/rtforge\""), expected));
	CHECK(refused(doc("base_path", "\"//\""), expected));
	CHECK(refused(doc("base_path", "\"/a//b/\""), expected));
	CHECK(refused(doc("base_path", "\"/../\""), expected));
	CHECK(refused(doc("base_path", "\"/a/../\""), expected));
	CHECK(refused(doc("base_path", "\"/./\""), expected));
	CHECK(refused(doc("base_path", "\"/a b/\""), expected));
	CHECK(refused(doc("base_path", "\"/a?b/\""), expected));
	CHECK(refused(doc("base_path", "\"/%2e%2e/\""), expected));
	CHECK(refused(doc("base_path", "\"/\\u00e9/\""), expected));
}

static void
test_paths(void)
{
	const char *absolute[] = { "state_dir", "web_dir", "build.source_dir",
	    "build.cargo", "build.toolchain_dir" };
	const char *optional[] = { "libexec_dir", "build.cargo_home",
	    "build.target_dir" };
	const char *relative[] = { "build.runtime_artifact",
	    "build.node_artifact" };
	char needle[128];

	for (size_t i = 0; i < sizeof(absolute) / sizeof(absolute[0]); i++) {
		snprintf(needle, sizeof(needle), "key \"%s\" must be an "
		    "absolute path", absolute[i]);
		CHECK(refused(doc(absolute[i], "\"var/lib\""), needle));
		CHECK(refused(doc(absolute[i], "\"/var/../etc\""), needle));
		CHECK(refused(doc(absolute[i], "\"/..\""), needle));
		CHECK(refused(doc(absolute[i], "\"/var/lib/..\""), needle));
		snprintf(needle, sizeof(needle), "key \"%s\" must not be empty",
		    absolute[i]);
		CHECK(refused(doc(absolute[i], "\"\""), needle));
		CHECK(accepted(doc(absolute[i], "\"/var/..lib/x..\"")));
	}
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		snprintf(needle, sizeof(needle), "key \"%s\" must be \"\" or an "
		    "absolute path", optional[i]);
		CHECK(accepted(doc(optional[i], "\"\"")));
		CHECK(accepted(doc(optional[i], "\"/x\"")));
		CHECK(refused(doc(optional[i], "\"x\""), needle));
		CHECK(refused(doc(optional[i], "\"/x/../y\""), needle));
	}
	for (size_t i = 0; i < sizeof(relative) / sizeof(relative[0]); i++) {
		snprintf(needle, sizeof(needle), "key \"%s\" must be \"\" or a "
		    "path relative", relative[i]);
		CHECK(accepted(doc(relative[i], "\"\"")));
		CHECK(accepted(doc(relative[i], "\"release/x.wasm\"")));
		CHECK(refused(doc(relative[i], "\"/release/x\""), needle));
		CHECK(refused(doc(relative[i], "\"../x\""), needle));
		CHECK(refused(doc(relative[i], "\"a/../../x\""), needle));
	}
	CHECK(refused(doc("state_dir", "\"/var/lib\\nrtforge\""),
	    "key \"state_dir\" must be UTF-8 text without control characters"));
	CHECK(refused(doc("build.node_artifact", "\"a\\u007fb\""),
	    "without control characters"));
}

static void
test_node_url(void)
{
	const char *expected = "key \"node_url\" must be an http:// or "
	    "https:// URL";

	CHECK(accepted(doc("node_url", "\"http://127.0.0.1:9944\"")));
	CHECK(accepted(doc("node_url", "\"https://rpc.example.org\"")));
	CHECK(accepted(doc("node_url", "\"https://rpc.example.org/a/b?c=d\"")));
	CHECK(accepted(doc("node_url", "\"http://[::1]:9944/\"")));
	CHECK(refused(doc("node_url", "\"\""), "key \"node_url\" must not be empty"));
	CHECK(refused(doc("node_url", "\"ws://127.0.0.1:9944\""), expected));
	CHECK(refused(doc("node_url", "\"HTTP://host\""), expected));
	CHECK(refused(doc("node_url", "\"127.0.0.1:9944\""), expected));
	CHECK(refused(doc("node_url", "\"http://\""), expected));
	CHECK(refused(doc("node_url", "\"http:///path\""), expected));
	CHECK(refused(doc("node_url", "\"http://host:0\""), expected));
	CHECK(refused(doc("node_url", "\"http://host:99999\""), expected));
	CHECK(refused(doc("node_url", "\"http://host:\""), expected));
	CHECK(refused(doc("node_url", "\"http://user:pw@host\""), expected));
	CHECK(refused(doc("node_url", "\"http://ho st\""), expected));
	CHECK(refused(doc("node_url", "\"http://host/a b\""), expected));
	CHECK(refused(doc("node_url", "\"http://h\\u00e9st\""), expected));
	CHECK(refused(doc("node_url", "\"http://::1:9944\""), expected));
	CHECK(refused(doc("node_url", "\"http://host?x\""), expected));
}

static void
test_users_and_packages(void)
{
	const char *user = "key \"users.build\" must be a user name";
	const char *package = "key \"build.runtime_package\" must be a cargo "
	    "package name";

	CHECK(accepted(doc("users.build", "\"_build-1\"")));
	CHECK(accepted(doc("users.build", long_string("", 'b', 32, ""))));
	CHECK(refused(doc("users.build", long_string("", 'b', 33, "")), user));
	CHECK(refused(doc("users.build", "\"Build\""), user));
	CHECK(refused(doc("users.build", "\"1build\""), user));
	CHECK(refused(doc("users.build", "\"-build\""), user));
	CHECK(refused(doc("users.build", "\"bu ild\""), user));
	CHECK(refused(doc("users.build", "\"\""),
	    "key \"users.build\" must not be empty"));
	CHECK(refused(doc("users.sign", "\"root\""),
	    "key \"users.sign\" must not be root"));
	CHECK(refused(doc("users.sign", "\"rtforge-web\""),
	    "keys \"users.web\" and \"users.sign\" both name user "
	    "\"rtforge-web\""));

	CHECK(accepted(doc("build.runtime_package", "\"My_pkg-2\"")));
	CHECK(accepted(doc("build.runtime_package",
	    long_string("", 'p', 63, ""))));
	CHECK(refused(doc("build.runtime_package", "\"a.b\""), package));
	CHECK(refused(doc("build.runtime_package", "\"a b\""), package));
	CHECK(refused(doc("build.runtime_package", "\"a/b\""), package));
	CHECK(refused(doc("build.runtime_package", "\"\""),
	    "key \"build.runtime_package\" must not be empty"));
}

static void
test_env(void)
{
	const char *reserved[] = { "PATH", "HOME", "CARGO_HOME",
	    "CARGO_TARGET_DIR", "RUSTUP_TOOLCHAIN", "LD_PRELOAD",
	    "LD_LIBRARY_PATH" };
	char key[64], needle[128], text[DOC_MAX];
	size_t at;

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		snprintf(key, sizeof(key), "build.env.%s", reserved[i]);
		snprintf(needle, sizeof(needle), "key \"%s\": rtforge sets %s "
		    "itself", key, reserved[i]);
		CHECK(refused(doc(key, "\"x\""), needle));
	}
	CHECK(accepted(doc("build.env.PATH_EXTRA", "\"x\"")));
	CHECK(accepted(doc("build.env", "{}")));
	CHECK(refused(doc("build.env.lower", "\"x\""),
	    "key \"build.env.lower\" must have a name matching [A-Z_][A-Z0-9_]*"));
	CHECK(refused(doc("build.env.1A", "\"x\""), "must have a name"));
	CHECK(refused(doc("build.env.A-B", "\"x\""), "must have a name"));
	CHECK(refused(doc("build.env.A=B", "\"x\""), "must have a name"));
	CHECK(refused("{\"build\": {\"env\": {\"\": \"x\"}}}",
	    "key \"build.env.\" must have a name"));
	CHECK(refused(doc("build.env.A", "\"line\\nbreak\""),
	    "key \"build.env.A\" must be UTF-8 text without control"));

	/* CONFIG_ENV_MAX variables pass; one more is refused. */
	for (size_t count = CONFIG_ENV_MAX; count <= CONFIG_ENV_MAX + 1;
	    count++) {
		at = (size_t)snprintf(text, sizeof(text), "{\"build\": {\"env\": {");
		for (size_t i = 0; i < count; i++)
			at += (size_t)snprintf(text + at, sizeof(text) - at,
			    "%s\"V%zu\": \"%zu\"", i ? ", " : "", i, i);
		snprintf(text + at, sizeof(text) - at, "}}}");
		if (count == CONFIG_ENV_MAX)
			CHECK(accepted(text));
		else
			CHECK(refused(text, "key \"build.env\" sets 33 variables; "
			    "at most 32 are allowed"));
	}
}

static void
test_dev_needs_loopback(void)
{
	struct rtforge_config *cfg = fresh();

	CHECK(refused("{\"dev\": true, \"listen\": \"0.0.0.0:8080\"}",
	    "key \"listen\" must be on loopback (127.0.0.0/8, ::1 or "
	    "localhost), not \"0.0.0.0\""));
	CHECK(refused("{\"dev\": true, \"listen\": \"[::]:8080\"}",
	    "must be on loopback"));
	CHECK(refused("{\"dev\": true, \"listen\": \"example.org:8080\"}",
	    "must be on loopback"));
	CHECK(accepted("{\"dev\": true, \"listen\": \"127.0.0.2:8080\"}"));
	CHECK(accepted("{\"dev\": true, \"listen\": \"[::1]:8080\"}"));
	CHECK(accepted("{\"dev\": true, \"listen\": \"localhost:8080\"}"));
	CHECK(accepted("{\"dev\": false, \"listen\": \"0.0.0.0:8080\"}"));

	/* --dev defaults, then a file that opens the port: refused. */
	CHECK(config_set_dev_defaults(cfg, "/repo") == 0);
	CHECK(load_onto(cfg, doc("listen", "\"0.0.0.0:8080\"")) == -1);
	CHECK(message_has(ORIGIN, "must be on loopback"));
	/* ... and a flag applied after loading: validate catches it. */
	put(cfg->listen_host, sizeof(cfg->listen_host), "192.0.2.1");
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("--dev defaults", "not \"192.0.2.1\""));
	free(cfg);
}

static void
test_loopback(void)
{
	CHECK(config_host_is_loopback("127.0.0.1"));
	CHECK(config_host_is_loopback("127.255.255.254"));
	CHECK(config_host_is_loopback("::1"));
	CHECK(config_host_is_loopback("0:0:0:0:0:0:0:1"));
	CHECK(config_host_is_loopback("localhost"));
	CHECK(!config_host_is_loopback("0.0.0.0"));
	CHECK(!config_host_is_loopback("128.0.0.1"));
	CHECK(!config_host_is_loopback("126.255.255.255"));
	CHECK(!config_host_is_loopback("::"));
	CHECK(!config_host_is_loopback("::2"));
	CHECK(!config_host_is_loopback("localhost.example.org"));
	CHECK(!config_host_is_loopback("127.0.0.1.nip.io"));
	CHECK(!config_host_is_loopback(""));
	CHECK(!config_host_is_loopback(NULL));
}

static void
test_unchanged_after_failure(void)
{
	const char *failing[] = {
		"{",						/* syntax */
		"[]",						/* shape */
		"{\"state_dir\": \"/new\", \"listen\": \"bad\"}",	/* late key */
		("{\"state_dir\": \"/new\", \"build\": {\"env\": "
		    "{\"B\": \"2\", \"PATH\": \"/x\"}}}"),	/* validation */
		"{\"listen\": \"0.0.0.0:1\", \"dev\": true}",	/* cross-field */
		"{\"users\": {\"web\": \"x\", \"nope\": 1}}",	/* unknown */
	};
	struct rtforge_config *cfg = fresh(), *before = fresh();

	CHECK(load_onto(cfg, full_config) == 0);
	memcpy(before, cfg, sizeof(*cfg));
	for (size_t i = 0; i < sizeof(failing) / sizeof(failing[0]); i++) {
		CHECK(config_load_json(cfg, failing[i], strlen(failing[i]),
		    "other.json", err, sizeof(err)) == -1);
		CHECK(memcmp(before, cfg, sizeof(*cfg)) == 0);
	}
	free(cfg);
	free(before);
}

/* Rules that only config_validate can see: values set by flags or code. */
static void
test_validate_directly(void)
{
	struct rtforge_config *cfg = fresh();

	PUT(cfg->state_dir, "var/lib");
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("defaults", "key \"state_dir\" must be an absolute"));

	config_set_defaults(cfg);
	memset(cfg->base_path, 'a', sizeof(cfg->base_path));
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("defaults", "key \"base_path\" is not NUL-terminated"));

	config_set_defaults(cfg);
	PUT(cfg->web_dir, "/\xff");
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("defaults", "key \"web_dir\" must be UTF-8"));
	CHECK(config_to_json(cfg) == NULL);
	PUT(cfg->web_dir, "/\xc0\xaf");			/* overlong "/" */
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	PUT(cfg->web_dir, "/\xed\xa0\x80");		/* a surrogate */
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	PUT(cfg->web_dir, "/\xf0\x9f\x98\x80");		/* U+1F600 */
	CHECK(config_validate(cfg, err, sizeof(err)) == 0);

	config_set_defaults(cfg);
	cfg->listen_port = 0;
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("defaults", "key \"listen\" has no port"));
	config_set_defaults(cfg);
	PUT(cfg->listen_host, "not a host");
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("defaults", "key \"listen\" has an invalid host"));

	config_set_defaults(cfg);
	cfg->build.timeout_seconds = 0;
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("defaults", "key \"build.timeout_seconds\" must be"));

	config_set_defaults(cfg);
	cfg->build.env_count = CONFIG_ENV_MAX + 1;
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("defaults", "at most 32"));
	cfg->build.env_count = 2;
	PUT(cfg->build.env[0].name, "A");
	PUT(cfg->build.env[1].name, "A");
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("defaults", "key \"build.env.A\" is set twice"));
	PUT(cfg->build.env[1].name, "LD_PRELOAD");
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("defaults", "rtforge sets LD_PRELOAD itself"));

	config_set_defaults(cfg);
	PUT(cfg->users.build, "rtforge-sign");
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("defaults", "each role needs its own user"));

	/* An unset origin still yields a message with a prefix. */
	config_set_defaults(cfg);
	cfg->origin[0] = '\0';
	cfg->build.timeout_seconds = 172801;
	CHECK(config_validate(cfg, err, sizeof(err)) == -1);
	CHECK(message_has("config", "key \"build.timeout_seconds\""));
	free(cfg);
}

/* ---- files ---- */

static char tmpdir[64];

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

/* Loads /proc/self/fd/N, the read end of a pipe a child fills with text. */
static int
load_from_pipe(struct rtforge_config *cfg, const char *text, size_t len)
{
	char path[64];
	int fds[2], rc, status;
	pid_t pid;

	if (pipe(fds) == -1 || (pid = fork()) == -1) {
		perror("pipe/fork");
		exit(2);
	}
	if (pid == 0) {
		close(fds[0]);
		/* The reader stops after CONFIG_TEXT_MAX + 1: EPIPE is fine. */
		signal(SIGPIPE, SIG_IGN);
		while (len > 0) {
			ssize_t n = write(fds[1], text, len);
			if (n <= 0)
				break;
			text += n;
			len -= (size_t)n;
		}
		_exit(0);
	}
	close(fds[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	rc = config_load_file(cfg, path, err, sizeof(err));
	close(fds[0]);
	waitpid(pid, &status, 0);
	return rc;
}

static void
test_files(void)
{
	struct rtforge_config *cfg = fresh();
	char path[128], needle[256];
	char *big;

	if (mkdtemp(strcpy(tmpdir, "/tmp/rtforge-config-test.XXXXXX")) == NULL) {
		perror("mkdtemp");
		exit(2);
	}

	/* Missing: the path and strerror. */
	snprintf(path, sizeof(path), "%s/missing.json", tmpdir);
	CHECK(config_load_file(cfg, path, err, sizeof(err)) == -1);
	snprintf(needle, sizeof(needle), "cannot open: %s", strerror(ENOENT));
	CHECK(message_has(path, needle));

	/* Unreadable for anyone, root included: a file used as a directory. */
	snprintf(path, sizeof(path), "%s/file.json", tmpdir);
	write_file(path, "{}", 2);
	snprintf(needle, sizeof(needle), "%s/inside.json", path);
	CHECK(config_load_file(cfg, needle, err, sizeof(err)) == -1);
	CHECK(strstr(err, strerror(ENOTDIR)) != NULL);
	CHECK(strncmp(err, needle, strlen(needle)) == 0);
	unlink(path);

	/* A directory. */
	CHECK(config_load_file(cfg, tmpdir, err, sizeof(err)) == -1);
	CHECK(message_has(tmpdir, "is a directory"));

	/* Empty. */
	snprintf(path, sizeof(path), "%s/empty.json", tmpdir);
	write_file(path, "", 0);
	CHECK(config_load_file(cfg, path, err, sizeof(err)) == -1);
	CHECK(message_has(path, "is empty"));
	unlink(path);

	/* Exactly CONFIG_TEXT_MAX bytes loads; one more is refused. */
	if ((big = malloc(CONFIG_TEXT_MAX + 1)) == NULL)
		exit(2);
	memset(big, ' ', CONFIG_TEXT_MAX + 1);
	memcpy(big, "{\"dev\": false}", 14);
	snprintf(path, sizeof(path), "%s/big.json", tmpdir);
	write_file(path, big, CONFIG_TEXT_MAX);
	CHECK(config_load_file(cfg, path, err, sizeof(err)) == 0);
	write_file(path, big, CONFIG_TEXT_MAX + 1);
	CHECK(config_load_file(cfg, path, err, sizeof(err)) == -1);
	CHECK(message_has(path, "is larger than 262144 bytes"));
	CHECK(config_load_json(cfg, big, CONFIG_TEXT_MAX + 1, ORIGIN, err,
	    sizeof(err)) == -1);
	CHECK(message_has(ORIGIN, "is larger than"));
	unlink(path);

	/* A pipe has no size to stat: the read itself must stop. */
	CHECK(load_from_pipe(cfg, big, CONFIG_TEXT_MAX + 1) == -1);
	CHECK(strstr(err, "is larger than 262144 bytes") != NULL);
	CHECK(load_from_pipe(cfg, big, CONFIG_TEXT_MAX) == 0);

	/* Bad JSON in a file: the path, line and column. */
	snprintf(path, sizeof(path), "%s/bad.json", tmpdir);
	write_file(path, "{\n\"dev\": tru\n}\n", 15);
	CHECK(config_load_file(cfg, path, err, sizeof(err)) == -1);
	CHECK(message_has(path, "invalid JSON at line 2, column"));
	free(big);

	/* Unreadable (root reads anything, so only as another user). */
	if (geteuid() != 0) {
		write_file(path, "{}", 2);
		chmod(path, 0);
		CHECK(config_load_file(cfg, path, err, sizeof(err)) == -1);
		snprintf(needle, sizeof(needle), "cannot open: %s",
		    strerror(EACCES));
		CHECK(message_has(path, needle));
	}
	unlink(path);

	/* A good file: origin is its path. */
	snprintf(path, sizeof(path), "%s/good.json", tmpdir);
	write_file(path, full_config, strlen(full_config));
	CHECK(config_load_file(cfg, path, err, sizeof(err)) == 0);
	CHECK_STR(cfg->origin, path);
	unlink(path);

	CHECK(rmdir(tmpdir) == 0);
	free(cfg);
}

/* ---- the sign worker's keys ---- */

#define HASH_A "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

static void
test_auth_section(void)
{
	struct rtforge_config *cfg = fresh();
	const char *full = "{\"auth\": {\"tokens\": ["
	    "{\"name\": \"ops\", \"role\": \"upgrader\", \"hash\": \"" HASH_A "\"},"
	    "{\"name\": \"ci-bot\", \"role\": \"builder\", \"hash\": \"" HASH_A "\"}],"
	    "\"public_origin\": \"https://validator.example\", "
	    "\"trusted_proxies\": [\"127.0.0.1\", \"::1\"], "
	    "\"session_ttl_seconds\": 3600, \"rate\": {\"builds_per_window\": 2, "
	    "\"upgrades_per_window\": 1, \"window_seconds\": 600, "
	    "\"requests_per_minute\": 100, \"login_failures_per_minute\": 3}}}";

	/* Production defaults: limits on. */
	CHECK(cfg->auth.builds_per_window == 1 && cfg->auth.upgrades_per_window == 1);
	CHECK(cfg->auth.window_seconds == 300 && cfg->auth.requests_per_minute == 600);
	CHECK(load_onto(cfg, full) == 0);
	CHECK(cfg->auth.token_count == 2);
	CHECK_STR(cfg->auth.tokens[1].name, "ci-bot");
	CHECK_STR(cfg->auth.tokens[0].role, "upgrader");
	CHECK_STR(cfg->auth.public_origin, "https://validator.example");
	CHECK(cfg->auth.proxy_count == 2);
	CHECK_STR(cfg->auth.trusted_proxies[1], "::1");
	CHECK(cfg->auth.builds_per_window == 2 && cfg->auth.window_seconds == 600);
	CHECK(cfg->auth.login_failures_per_minute == 3);
	CHECK(round_trips(cfg));
	free(cfg);

	CHECK(refused(doc("auth.tokens", "[{\"name\": \"a b\", \"role\": "
	    "\"viewer\", \"hash\": \"" HASH_A "\"}]"), "must match"));
	CHECK(refused(doc("auth.tokens", "[{\"name\": \"a\", \"role\": "
	    "\"root\", \"hash\": \"" HASH_A "\"}]"), "\"builder\" or"));
	CHECK(refused(doc("auth.tokens", "[{\"name\": \"a\", \"role\": "
	    "\"viewer\", \"hash\": \"plain-token\"}]"), "--hash-token"));
	CHECK(refused(doc("auth.tokens", "[{\"name\": \"a\", \"role\": "
	    "\"viewer\", \"hash\": \"" HASH_A "\"}, {\"name\": \"a\", "
	    "\"role\": \"viewer\", \"hash\": \"" HASH_A "\"}]"), "used twice"));
	CHECK(refused(doc("auth.tokens", "[{\"name\": \"a\", \"role\": "
	    "\"viewer\"}]"), "\"auth.tokens[0].hash\" must be a string"));
	CHECK(refused(doc("auth.tokens", "[{\"name\": \"a\", \"role\": "
	    "\"viewer\", \"hash\": \"" HASH_A "\", \"secret\": \"x\"}]"),
	    "unknown key \"auth.tokens[0].secret\""));
	CHECK(refused(doc("auth.tokens", "{}"), "must be an array"));
	CHECK(refused(doc("auth.trusted_proxies", "[\"10.0.0.0/8\"]"),
	    "must be an IP address"));
	CHECK(refused(doc("auth.trusted_proxies", "[1]"), "must be an IP address"));
	CHECK(refused(doc("auth.public_origin", "\"https://v.example/path\""),
	    "no path"));
	CHECK(refused(doc("auth.session_ttl_seconds", "1"), "session_ttl_seconds"));
	CHECK(refused(doc("auth.rate.window_seconds", "0"), "window_seconds"));
	CHECK(refused(doc("auth.rate.bogus", "1"), "unknown key"));
}

static void
test_sign_keys(void)
{
	struct rtforge_config *cfg = fresh();
	const char *two = "{\"sign\": {\"keys\": ["
	    "{\"scheme\": \"sr25519\", \"file\": \"/etc/rtforge/a.json\", "
	    "\"password_file\": \"a-pass\"}, "
	    "{\"scheme\": \"sphincs\", \"file\": \"/etc/rtforge/qh.key\"}], "
	    "\"account_index\": 1, \"genesis_hash\": \"0x"
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\", "
	    "\"allow_remote_node\": true}}";

	CHECK(load_onto(cfg, two) == 0);
	CHECK(cfg->sign.key_count == 2);
	CHECK_STR(cfg->sign.keys[0].scheme, "sr25519");
	CHECK_STR(cfg->sign.keys[0].password_file, "a-pass");
	CHECK_STR(cfg->sign.keys[1].file, "/etc/rtforge/qh.key");
	CHECK(cfg->sign.account_index == 1);
	CHECK(cfg->sign.allow_remote_node);
	CHECK(round_trips(cfg));
	free(cfg);

	CHECK(refused(doc("sign.keys", "[{\"scheme\": \"sr25519\", "
	    "\"suri\": \"//Alice\"}]"), "is allowed only with --dev"));
	CHECK(refused(doc("sign.keys", "[{\"scheme\": \"rsa\", \"file\": "
	    "\"/k\"}]"), "\"sign.keys[0].scheme\" must be"));
	CHECK(refused(doc("sign.keys", "[{\"scheme\": \"sr25519\", "
	    "\"file\": \"k.json\"}]"), "must be an absolute path"));
	CHECK(refused(doc("sign.keys", "[{\"scheme\": \"sr25519\", "
	    "\"file\": \"/k\", \"password_file\": \"../p\"}]"),
	    "systemd credential"));
	CHECK(refused(doc("sign.keys", "[{\"scheme\": \"sr25519\", "
	    "\"file\": \"/k\", \"key\": \"0x00\"}]"),
	    "unknown key \"sign.keys[0].key\""));
	CHECK(refused(doc("sign.keys", "{}"), "must be an array"));
	CHECK(refused(doc("sign.keys", "[1]"), "must be an object"));
	CHECK(refused(doc("sign.keys", "[{},{},{},{},{},{},{},{},{}]"),
	    "at most 8"));
	CHECK(refused("{\"sign\": {\"keys\": [{\"scheme\": \"ed25519\", "
	    "\"file\": \"/k\"}], \"account_index\": 1}}",
	    "has only 1 key"));
	CHECK(refused(doc("sign.genesis_hash", "\"0x1234\""),
	    "chain_getBlockHash(0)"));
	CHECK(accepted(doc("sign.genesis_hash", "\"\"")));
	CHECK(accepted(doc("sign.keys", "[]")));
}

static void
test_dev_key(void)
{
	struct rtforge_config *cfg = fresh();

	CHECK(config_set_dev_defaults(cfg, "/work/main") == 0);
	CHECK(cfg->sign.key_count == 1);
	CHECK_STR(cfg->sign.keys[0].suri, "//Alice");
	CHECK_STR(cfg->sign.keys[0].scheme, "sr25519");
	CHECK(config_validate(cfg, err, sizeof(err)) == 0);
	PUT(cfg->origin, ORIGIN);	/* not serialised */
	CHECK(round_trips(cfg));
	/* The default production config holds no key at all. */
	config_set_defaults(cfg);
	CHECK(cfg->sign.key_count == 0);
	free(cfg);
}

int
main(void)
{
	RUN(test_defaults);
	RUN(test_dev_defaults);
	RUN(test_full_config);
	RUN(test_example_file);
	RUN(test_round_trip);
	RUN(test_round_trip_largest);
	RUN(test_unknown_keys);
	RUN(test_wrong_types);
	RUN(test_invalid_json);
	RUN(test_nul_bytes);
	RUN(test_too_long);
	RUN(test_listen);
	RUN(test_base_path);
	RUN(test_paths);
	RUN(test_node_url);
	RUN(test_users_and_packages);
	RUN(test_env);
	RUN(test_dev_needs_loopback);
	RUN(test_loopback);
	RUN(test_unchanged_after_failure);
	RUN(test_validate_directly);
	RUN(test_files);
	RUN(test_sign_keys);
	RUN(test_auth_section);
	RUN(test_dev_key);
	return testlib_summary();
}
