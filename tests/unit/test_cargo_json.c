/* Tests for worker-build/cargo_json.c, on output captured from a real cargo
 * (a four-crate workspace: demo-build with a build.rs, demo-macro a proc
 * macro, demo-core a lib with an unused variable warning, demo-app a bin
 * living in directory "app"), and on hostile input. */
#include "cargo_json.h"
#include "testlib.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_FILE_MAX (1024 * 1024)

static struct cargo_msg msg;	/* 6 KB: keep it off the stack */

/* Reads a captured file from $RTFORGE_TEST_DATA (default tests/unit/data,
 * the tests being run from the repository root). NUL-terminated. */
static char *
read_data(const char *name, size_t *lenp)
{
	const char *dir = getenv("RTFORGE_TEST_DATA");
	char path[1024];
	char *buf;
	size_t len;
	FILE *f;

	if (dir == NULL || *dir == '\0')
		dir = "tests/unit/data";
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	buf = malloc(DATA_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		return NULL;
	}
	len = fread(buf, 1, DATA_FILE_MAX, f);
	fclose(f);
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* Calls fn on each line of buf (newline included, as a reader would hand
 * it over), and returns the number of lines. */
static int
for_each_line(const char *buf, size_t len,
    void (*fn)(const char *, size_t, void *), void *ctx)
{
	const char *p = buf, *end = buf + len, *nl;
	int lines = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl + 1 : end;
		fn(p, (size_t)(nl - p), ctx);
		lines++;
		p = nl;
	}
	return lines;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Our own strict UTF-8 check, independent of the code under test. */
static bool
valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, need, k;
	unsigned cp;

	while (s[i] != '\0') {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3;
			cp = s[i] & 0x07;
		} else
			return false;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

static bool
has_control(const char *s, bool newline_ok)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t' &&
		    !(newline_ok && *s == '\n')) || *s == 0x7f)
			return true;
	return false;
}

/*
 * Replaying captured stdout.
 */

struct tally {
	int kinds[CARGO_MSG_OTHER + 1];
	int fresh;
	int finished_success;
	int finished_failure;
	int clean_fields;	/* messages whose strings are all clean */
	char packages[512];	/* " name name ..." of artifacts, in order */
	char kinds_seen[256];	/* " lib bin ..." */
	char bin_file[1024];
	char core_lib_file[1024];
	char build_script_pkg[CARGO_NAME_MAX];
	int diag_errors;
	int diag_warnings;
	char error_text[CARGO_TEXT_MAX];
	char warning_text[CARGO_TEXT_MAX];
	char error_pkg[CARGO_NAME_MAX];
	char warning_pkg[CARGO_NAME_MAX];
};

static void
append_word(char *list, size_t size, const char *word)
{
	size_t n = strlen(list);

	snprintf(list + n, size - n, " %s", word);
}

static void
tally_artifact(struct tally *t)
{
	t->fresh += msg.fresh;
	append_word(t->packages, sizeof(t->packages), msg.package);
	append_word(t->kinds_seen, sizeof(t->kinds_seen), msg.target_kind);
	if (strcmp(msg.target_kind, "bin") == 0)
		snprintf(t->bin_file, sizeof(t->bin_file), "%s", msg.filename);
	if (strcmp(msg.target, "demo_core") == 0)
		snprintf(t->core_lib_file, sizeof(t->core_lib_file), "%s",
		    msg.filename);
}

static void
tally_diagnostic(struct tally *t)
{
	if (strcmp(msg.level, "error") == 0) {
		t->diag_errors++;
		snprintf(t->error_text, sizeof(t->error_text), "%s", msg.text);
		snprintf(t->error_pkg, sizeof(t->error_pkg), "%s", msg.package);
	} else if (strcmp(msg.level, "warning") == 0) {
		t->diag_warnings++;
		snprintf(t->warning_text, sizeof(t->warning_text), "%s",
		    msg.text);
		snprintf(t->warning_pkg, sizeof(t->warning_pkg), "%s",
		    msg.package);
	}
}

static void
tally_line(const char *line, size_t len, void *ctx)
{
	struct tally *t = ctx;

	cargo_msg_parse(line, len, &msg);
	t->kinds[msg.kind]++;
	if (valid_utf8(msg.package) && valid_utf8(msg.target) &&
	    valid_utf8(msg.text) && !has_control(msg.package, false) &&
	    !has_control(msg.text, true))
		t->clean_fields++;
	switch (msg.kind) {
	case CARGO_MSG_ARTIFACT:
		tally_artifact(t);
		break;
	case CARGO_MSG_BUILD_SCRIPT:
		snprintf(t->build_script_pkg, sizeof(t->build_script_pkg), "%s",
		    msg.package);
		break;
	case CARGO_MSG_FINISHED:
		if (msg.success)
			t->finished_success++;
		else
			t->finished_failure++;
		break;
	case CARGO_MSG_DIAGNOSTIC:
		tally_diagnostic(t);
		break;
	default:
		break;
	}
}

static int
replay(const char *name, struct tally *t)
{
	size_t len = 0;
	char *buf = read_data(name, &len);
	int lines;

	memset(t, 0, sizeof(*t));
	CHECK(buf != NULL);
	if (buf == NULL)
		return 0;
	lines = for_each_line(buf, len, tally_line, t);
	free(buf);
	return lines;
}

static void
test_ok_stdout(void)
{
	static struct tally t;
	int lines = replay("cargo-ok.stdout.jsonl", &t);

	CHECK(lines == 8);
	CHECK(t.kinds[CARGO_MSG_INVALID] == 0);
	CHECK(t.kinds[CARGO_MSG_OTHER] == 0);
	CHECK(t.kinds[CARGO_MSG_ARTIFACT] == 6);
	CHECK(t.kinds[CARGO_MSG_BUILD_SCRIPT] == 1);
	CHECK(t.kinds[CARGO_MSG_FINISHED] == 1);
	CHECK(t.finished_success == 1 && t.finished_failure == 0);
	CHECK(t.fresh == 0);
	CHECK(t.clean_fields == lines);
	/* demo-app's id is "path+file:///.../app#demo-app@0.1.0", the others
	 * "path+file:///.../demo-core#0.3.0": both spellings are covered. */
	CHECK_STR(t.packages, " demo-macro demo-build demo-build demo-core"
	    " demo-macro demo-app");
	CHECK_STR(t.kinds_seen, " proc-macro custom-build lib lib proc-macro"
	    " bin");
	CHECK_STR(t.build_script_pkg, "demo-build");
	/* "executable" wins for the bin, the last of "filenames" for a lib. */
	CHECK(ends_with(t.bin_file, "/target/release/demo-app"));
	CHECK(ends_with(t.core_lib_file, ".rmeta"));
	CHECK(strstr(t.core_lib_file, "/deps/libdemo_core-") != NULL);
}

static void
test_ok_stdout_fields(void)
{
	size_t len = 0;
	char *buf = read_data("cargo-ok.stdout.jsonl", &len);
	const char *second;

	CHECK(buf != NULL);
	if (buf == NULL)
		return;
	/* The second line is the build script's compilation. */
	second = strchr(buf, '\n') + 1;
	cargo_msg_parse(second, (size_t)(strchr(second, '\n') - second), &msg);
	CHECK(msg.kind == CARGO_MSG_ARTIFACT);
	CHECK_STR(msg.package, "demo-build");
	CHECK_STR(msg.target, "build-script-build");
	CHECK_STR(msg.target_kind, "custom-build");
	CHECK(ends_with(msg.filename, "/build-script-build"));
	CHECK(!msg.fresh);
	CHECK_STR(msg.level, "");
	CHECK_STR(msg.text, "");
	free(buf);
}

static void
test_fail_stdout(void)
{
	static struct tally t;
	int lines = replay("cargo-fail.stdout.jsonl", &t);

	CHECK(lines == 7);
	CHECK(t.kinds[CARGO_MSG_INVALID] == 0);
	/* demo-app failed, so it has no artifact; the rest was up to date. */
	CHECK(t.kinds[CARGO_MSG_ARTIFACT] == 5);
	CHECK(t.fresh == 5);
	CHECK(strstr(t.packages, "demo-app") == NULL);
	CHECK(t.kinds[CARGO_MSG_BUILD_SCRIPT] == 1);
	CHECK(t.finished_success == 0 && t.finished_failure == 1);
	/* With json-render-diagnostics, diagnostics went to stderr. */
	CHECK(t.kinds[CARGO_MSG_DIAGNOSTIC] == 0);
}

static void
test_json_diag_stdout(void)
{
	static struct tally t;
	int lines = replay("cargo-json-diag.stdout.jsonl", &t);

	CHECK(lines == 10);
	CHECK(t.kinds[CARGO_MSG_INVALID] == 0);
	CHECK(t.kinds[CARGO_MSG_DIAGNOSTIC] == 3);	/* + failure-note */
	CHECK(t.diag_errors == 1);
	CHECK(t.diag_warnings == 1);
	CHECK(t.clean_fields == lines);
	CHECK_STR(t.error_pkg, "demo-app");
	CHECK(strncmp(t.error_text, "error[E0308]: mismatched types\n",
	    31) == 0);
	CHECK(strstr(t.error_text, "expected `u32`, found `&str`") != NULL);
	CHECK_STR(t.warning_pkg, "demo-core");
	CHECK(strstr(t.warning_text, "unused variable: `unused_thing`") !=
	    NULL);
	/* Multi-line text keeps its line structure. */
	CHECK(strstr(t.warning_text, "\n --> demo-core/src/lib.rs:2:9\n") !=
	    NULL);
	CHECK(t.finished_failure == 1);
}

/*
 * Captured stderr: classification and "Compiling".
 */

struct stderr_tally {
	int errors, warnings, infos;
	char first_error[512];
	char first_warning[512];
	char compiling[512];	/* " name name ..." */
};

static void
classify_line(const char *line, size_t len, void *ctx)
{
	struct stderr_tally *t = ctx;
	char name[CARGO_NAME_MAX];
	size_t n = len > 0 && line[len - 1] == '\n' ? len - 1 : len;

	switch (cargo_text_level(line, len)) {
	case CARGO_LEVEL_ERROR:
		if (t->errors++ == 0)
			snprintf(t->first_error, sizeof(t->first_error), "%.*s",
			    (int)n, line);
		break;
	case CARGO_LEVEL_WARNING:
		if (t->warnings++ == 0)
			snprintf(t->first_warning, sizeof(t->first_warning),
			    "%.*s", (int)n, line);
		break;
	default:
		t->infos++;
		break;
	}
	if (cargo_text_compiling(line, len, name, sizeof(name)))
		append_word(t->compiling, sizeof(t->compiling), name);
}

static int
classify(const char *file, struct stderr_tally *t)
{
	size_t len = 0;
	char *buf = read_data(file, &len);
	int lines;

	memset(t, 0, sizeof(*t));
	CHECK(buf != NULL);
	if (buf == NULL)
		return 0;
	lines = for_each_line(buf, len, classify_line, t);
	free(buf);
	return lines;
}

static void
test_ok_stderr(void)
{
	struct stderr_tally t;
	int lines = classify("cargo-ok.stderr.txt", &t);

	CHECK(lines == 14);
	CHECK(t.errors == 0);
	/* "warning: unused variable" and "warning: `demo-core` (lib)
	 * generated 1 warning". */
	CHECK(t.warnings == 2);
	CHECK(t.infos == lines - 2);
	CHECK_STR(t.first_warning, "warning: unused variable: `unused_thing`");
	CHECK_STR(t.compiling, " demo-build demo-macro demo-core demo-app");
}

static void
check_fail_stderr(const char *file)
{
	struct stderr_tally t;
	char clean[512];
	size_t n;
	int lines = classify(file, &t);

	CHECK(lines == 20);
	/* "error[E0308]: mismatched types", "error: could not compile". */
	CHECK(t.errors == 2);
	CHECK(t.warnings == 2);
	n = cargo_text_sanitize(t.first_error, strlen(t.first_error));
	snprintf(clean, sizeof(clean), "%.*s", (int)n, t.first_error);
	CHECK_STR(clean, "error[E0308]: mismatched types");
	CHECK_STR(t.compiling, " demo-app");
}

static void
test_fail_stderr(void)
{
	check_fail_stderr("cargo-fail.stderr.txt");
}

/* The same build with CARGO_TERM_COLOR=always. */
static void
test_fail_stderr_colour(void)
{
	check_fail_stderr("cargo-fail-color.stderr.txt");
}

/* Stripping the colour codes gives back exactly what cargo prints without
 * colour, line for line. */
static void
test_colour_strips_to_plain(void)
{
	size_t clen = 0, plen = 0;
	char *colour = read_data("cargo-fail-color.stderr.txt", &clen);
	char *plain = read_data("cargo-fail.stderr.txt", &plen);

	CHECK(colour != NULL && plain != NULL);
	if (colour != NULL && plain != NULL) {
		size_t n;

		CHECK(memchr(colour, 0x1b, clen) != NULL);
		n = cargo_text_sanitize_multiline(colour, clen);
		CHECK(n == plen);
		CHECK(n == plen && memcmp(colour, plain, n) == 0);
	}
	free(colour);
	free(plain);
}

/*
 * package_id spellings.
 */

static void
test_package_names(void)
{
	static const struct {
		const char *id, *name;
	} cases[] = {
		{ "demo-core 0.3.0 (path+file:///tmp/w/demo-core)",
		    "demo-core" },
		{ "serde 1.0.200 (registry+https://github.com/rust-lang/"
		    "crates.io-index)", "serde" },
		{ "path+file:///tmp/w/app#demo-app@0.1.0", "demo-app" },
		{ "path+file:///tmp/w/demo-core#0.3.0", "demo-core" },
		{ "path+file:///tmp/w/demo-core/#0.3.0", "demo-core" },
		{ "registry+https://github.com/rust-lang/crates.io-index#"
		    "serde_json@1.0.1", "serde_json" },
		{ "git+https://github.com/o/repo?branch=main#sub-crate@0.1.0",
		    "sub-crate" },
		{ "git+https://github.com/o/tool?rev=abc#2.0.0", "tool" },
		{ "path+file:///tmp/w/x#just-a-name", "just-a-name" },
	};
	static const char *const bad[] = {
		"", "#", "#0.1.0", "path+file:///#0.1.0", "x#@1.0",
		"path+file:///tmp/w/nohash", " 0.1.0 (x)",
		"https://host-only#1.0", "no-scheme/x#1.0",
	};
	char out[CARGO_NAME_MAX], tiny[4];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(cargo_package_name(cases[i].id, strlen(cases[i].id), out,
		    sizeof(out)));
		CHECK_STR(out, cases[i].name);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!cargo_package_name(bad[i], strlen(bad[i]), out,
		    sizeof(out)));
		CHECK_STR(out, "");
	}
	/* Capped by outlen. */
	CHECK(cargo_package_name("path+file:///x#demo-core@1", 26, tiny,
	    sizeof(tiny)));
	CHECK_STR(tiny, "dem");
	/* Read only within len: cut before the '#', there is no name. */
	CHECK(!cargo_package_name("path+file:///x/demo-core#0.3.0", 24, out,
	    sizeof(out)));
	/* Cut inside the fragment: "demo" of "demo-core@1". */
	CHECK(cargo_package_name("path+file:///x#demo-core@1", 19, out,
	    sizeof(out)));
	CHECK_STR(out, "demo");
	CHECK(!cargo_package_name("a 1 (x)", 7, out, 0));
	CHECK(!cargo_package_name(NULL, 5, out, sizeof(out)));
}

/*
 * Hostile stdout.
 */

static enum cargo_msg_kind
parse_str(const char *s)
{
	cargo_msg_parse(s, strlen(s), &msg);
	return msg.kind;
}

static bool
msg_is_blank(void)
{
	return msg.package[0] == '\0' && msg.target[0] == '\0' &&
	    msg.target_kind[0] == '\0' && msg.level[0] == '\0' &&
	    msg.text[0] == '\0' && msg.filename[0] == '\0' && !msg.fresh &&
	    !msg.success && !msg.text_truncated;
}

static void
test_hostile_shapes(void)
{
	static const char *const invalid[] = {
		"", "\n", "\r\n", "   ", "{", "}", "{\"reason\":",
		"not json at all", "error: could not compile `x`",
		"null", "42", "\"compiler-artifact\"",
		"[{\"reason\":\"build-finished\",\"success\":true}]",
		"{}", "{\"reason\":5}", "{\"reason\":null}",
		"{\"reason\":[\"build-finished\"]}",
		"{\"reason\":\"no-such-reason\"}",
		"{\"reason\":\"build-finished\"}",
		"{\"reason\":\"build-finished\",\"success\":\"yes\"}",
		"{\"reason\":\"build-finished\",\"success\":true} trailing",
		"{\"reason\":\"build-finished\",\"success\":true}{}",
		"{\"reason\":\"compiler-artifact\",\"package_id\":[],"
		    "\"target\":{\"name\":\"x\"}}",
		"{\"reason\":\"compiler-artifact\",\"package_id\":"
		    "\"a 1.0 (x)\",\"target\":\"x\"}",
		"{\"reason\":\"compiler-artifact\",\"package_id\":"
		    "\"a 1.0 (x)\",\"target\":{\"name\":7}}",
		"{\"reason\":\"compiler-artifact\",\"package_id\":\"\","
		    "\"target\":{\"name\":\"x\"}}",
		"{\"reason\":\"build-script-executed\",\"package_id\":5}",
		"{\"reason\":\"compiler-message\",\"package_id\":\"a 1 (x)\","
		    "\"target\":{\"name\":\"a\"},\"message\":\"error: x\"}",
		"{\"reason\":\"compiler-message\",\"package_id\":\"a 1 (x)\","
		    "\"message\":{\"level\":\"error\",\"rendered\":\"x\"}}",
		/* Invalid UTF-8 inside a JSON string: jansson refuses it. */
		"{\"reason\":\"build-script-executed\",\"package_id\":"
		    "\"a\xff 1 (x)\"}",
		/* \u0000 in a string would be a hidden NUL in our fields. */
		"{\"reason\":\"build-script-executed\",\"package_id\":"
		    "\"a\\u0000b 1 (x)\"}",
	};
	size_t i;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		CHECK(parse_str(invalid[i]) == CARGO_MSG_INVALID);
		CHECK(msg_is_blank());
		if (msg.kind != CARGO_MSG_INVALID)
			fprintf(stderr, "  case %zu: %s\n", i, invalid[i]);
	}
	CHECK(parse_str("{\"reason\":\"timing-info\",\"duration\":1.5}") ==
	    CARGO_MSG_OTHER);
	CHECK(parse_str("  {\"reason\":\"build-finished\",\"success\":false}"
	    "\r\n") == CARGO_MSG_FINISHED);
	CHECK(!msg.success);
	cargo_msg_parse(NULL, 10, &msg);
	CHECK(msg.kind == CARGO_MSG_INVALID);
	cargo_msg_parse("{}", 2, NULL);	/* must simply not crash */
	CHECK(true);
}

/* A well-shaped message with junk in the optional fields keeps its kind,
 * and the junk is ignored rather than trusted. */
static void
test_hostile_optional_fields(void)
{
	CHECK(parse_str("{\"reason\":\"compiler-artifact\",\"package_id\":"
	    "\"a 1.0 (x)\",\"target\":{\"name\":\"a\",\"kind\":5},"
	    "\"filenames\":\"/x\",\"executable\":7,\"fresh\":\"yes\"}") ==
	    CARGO_MSG_ARTIFACT);
	CHECK_STR(msg.package, "a");
	CHECK_STR(msg.target, "a");
	CHECK_STR(msg.target_kind, "");
	CHECK_STR(msg.filename, "");
	CHECK(!msg.fresh);

	CHECK(parse_str("{\"reason\":\"compiler-artifact\",\"package_id\":"
	    "\"a 1.0 (x)\",\"target\":{\"name\":\"a\",\"kind\":[{}, \"lib\"]},"
	    "\"filenames\":[\"/ok\", 3],\"fresh\":true}") ==
	    CARGO_MSG_ARTIFACT);
	CHECK_STR(msg.target_kind, "");
	CHECK_STR(msg.filename, "");	/* the last entry is not a string */
	CHECK(msg.fresh);

	/* A path with a control byte is dropped, not "cleaned" into
	 * another path. */
	CHECK(parse_str("{\"reason\":\"compiler-artifact\",\"package_id\":"
	    "\"a 1.0 (x)\",\"target\":{\"name\":\"a\"},"
	    "\"filenames\":[\"/x/a\\nb\"]}") == CARGO_MSG_ARTIFACT);
	CHECK_STR(msg.filename, "");

	/* A path too long for the field is dropped, not cut. */
	{
		static char line[2048];
		int n = snprintf(line, sizeof(line), "{\"reason\":"
		    "\"compiler-artifact\",\"package_id\":\"a 1 (x)\","
		    "\"target\":{\"name\":\"a\"},\"filenames\":[\"/%0*d\"]}",
		    CARGO_PATH_MAX, 0);

		CHECK(n > CARGO_PATH_MAX && (size_t)n < sizeof(line));
		CHECK(parse_str(line) == CARGO_MSG_ARTIFACT);
		CHECK_STR(msg.filename, "");
		n = snprintf(line, sizeof(line), "{\"reason\":"
		    "\"compiler-artifact\",\"package_id\":\"a 1 (x)\","
		    "\"target\":{\"name\":\"a\"},\"filenames\":[\"/%0*d\"]}",
		    CARGO_PATH_MAX - 2, 0);
		CHECK(n > CARGO_PATH_MAX && (size_t)n < sizeof(line));
		CHECK(parse_str(line) == CARGO_MSG_ARTIFACT);
		CHECK(strlen(msg.filename) == CARGO_PATH_MAX - 1);
	}

	CHECK(parse_str("{\"reason\":\"compiler-message\",\"package_id\":"
	    "\"a 1 (x)\",\"target\":{\"name\":\"a\"},\"message\":{"
	    "\"level\":[],\"rendered\":null,\"message\":\"bare text\"}}") ==
	    CARGO_MSG_DIAGNOSTIC);
	CHECK_STR(msg.level, "");
	CHECK_STR(msg.text, "bare text");
	CHECK(!msg.text_truncated);
}

/* Builds "{"reason":"build-finished","success":true,"pad":"xxx..."}"
 * of exactly len bytes. */
static char *
padded_finished(size_t len)
{
	static const char head[] =
	    "{\"reason\":\"build-finished\",\"success\":true,\"pad\":\"";
	char *s = malloc(len);
	size_t h = sizeof(head) - 1;

	if (s == NULL)
		return NULL;
	memcpy(s, head, h);
	memset(s + h, 'x', len - h - 2);
	memcpy(s + len - 2, "\"}", 2);
	return s;
}

static void
test_long_lines(void)
{
	char *big = padded_finished(2 * 1024 * 1024);
	char *fits = padded_finished(CARGO_LINE_MAX);

	CHECK(big != NULL && fits != NULL);
	if (big != NULL && fits != NULL) {
		/* Same shape, only the size differs: the limit decides. */
		cargo_msg_parse(fits, CARGO_LINE_MAX, &msg);
		CHECK(msg.kind == CARGO_MSG_FINISHED);
		cargo_msg_parse(big, 2 * 1024 * 1024, &msg);
		CHECK(msg.kind == CARGO_MSG_INVALID);
		cargo_msg_parse(fits, CARGO_LINE_MAX - 1, &msg);
		CHECK(msg.kind == CARGO_MSG_INVALID);	/* cut JSON */
	}
	free(big);
	free(fits);
}

static void
test_deep_nesting(void)
{
	size_t depth = 200000, i;
	char *s = malloc(2 * depth + 64);
	int n;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	n = snprintf(s, 64, "{\"reason\":\"build-finished\",\"x\":");
	for (i = 0; i < depth; i++)
		s[n + i] = '[';
	for (i = 0; i < depth; i++)
		s[n + depth + i] = ']';
	s[n + 2 * depth] = '}';
	cargo_msg_parse(s, (size_t)n + 2 * depth + 1, &msg);
	CHECK(msg.kind == CARGO_MSG_INVALID);
	free(s);
}

static void
test_embedded_nul(void)
{
	static const char line[] =
	    "{\"reason\":\"build-finished\",\"success\":true}\0junk";
	static const char inside[] =
	    "{\"reason\":\"build-finished\",\"succ\0ess\":true}";
	size_t json_len = strlen(line);

	cargo_msg_parse(line, json_len, &msg);
	CHECK(msg.kind == CARGO_MSG_FINISHED);
	cargo_msg_parse(line, sizeof(line) - 1, &msg);
	CHECK(msg.kind == CARGO_MSG_INVALID);
	cargo_msg_parse(inside, sizeof(inside) - 1, &msg);
	CHECK(msg.kind == CARGO_MSG_INVALID);
}

/* Writes a compiler-message whose rendered text is prefix_len ASCII bytes
 * then copies of a multi-byte character, about 10 KB in all. */
static size_t
long_diagnostic(char *buf, size_t size, size_t prefix_len, const char *ch)
{
	size_t n, i;

	n = (size_t)snprintf(buf, size, "{\"reason\":\"compiler-message\","
	    "\"package_id\":\"path+file:///w/big#0.1.0\",\"target\":{\"name\":"
	    "\"big\",\"kind\":[\"lib\"]},\"message\":{\"level\":\"error\","
	    "\"rendered\":\"");
	for (i = 0; i < prefix_len; i++)
		buf[n++] = 'a';
	while (n < 10 * 1024)
		n += (size_t)snprintf(buf + n, size - n, "%s", ch);
	n += (size_t)snprintf(buf + n, size - n, "\"}}");
	return n;
}

static void
test_long_diagnostic(void)
{
	static const char *const chars[] = { "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\xa6\x80", "\\u20ac" };
	static char buf[16 * 1024];
	size_t prefix, c, len;

	/* Every offset of every character width, so that the cap falls in
	 * each possible place inside a character. */
	for (c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
		for (prefix = 0; prefix < 4; prefix++) {
			len = long_diagnostic(buf, sizeof(buf), prefix,
			    chars[c]);
			cargo_msg_parse(buf, len, &msg);
			CHECK(msg.kind == CARGO_MSG_DIAGNOSTIC);
			CHECK(msg.text_truncated);
			len = strnlen(msg.text, sizeof(msg.text));
			CHECK(len < sizeof(msg.text));
			CHECK(len > sizeof(msg.text) - 5);
			CHECK(valid_utf8(msg.text));
			/* Cut before the split character, not through it
			 * (which the cleaning would turn into '?'). */
			CHECK(strchr(msg.text, '?') == NULL);
			CHECK(ends_with(msg.text, c == 3 ? "\xe2\x82\xac" :
			    chars[c]));
			CHECK_STR(msg.package, "big");
			CHECK_STR(msg.level, "error");
		}
	}
}

static void
test_escapes_in_fields(void)
{
	CHECK(parse_str("{\"reason\":\"compiler-message\",\"package_id\":"
	    "\"path+file:///w/x#\\u001b[2Jevil\\u0007@1.0\",\"target\":{"
	    "\"name\":\"t\\u001b]0;title\\u0007x\",\"kind\":[\"lib\"]},"
	    "\"message\":{\"level\":\"\\u001b[31merror\\u001b[0m\","
	    "\"rendered\":\"\\u001b[1m\\u001b[91merror\\u001b[0m: bad\\r\\n"
	    " \\u0008\\u009b31m--> x\\n\"}}") == CARGO_MSG_DIAGNOSTIC);
	CHECK_STR(msg.package, "evil");
	CHECK_STR(msg.target, "tx");
	CHECK_STR(msg.level, "error");
	CHECK_STR(msg.text, "error: bad\n 31m--> x\n");
}

/*
 * Plain text helpers.
 */

static void
test_text_level(void)
{
	static const struct {
		const char *line;
		enum cargo_level level;
	} cases[] = {
		{ "error: could not compile `x`", CARGO_LEVEL_ERROR },
		{ "error[E0308]: mismatched types\n", CARGO_LEVEL_ERROR },
		{ "   error: indented", CARGO_LEVEL_ERROR },
		{ "\terror: tabbed", CARGO_LEVEL_ERROR },
		{ "\x1b[1m\x1b[91merror[E0308]\x1b[0m\x1b[1m: mismatched",
		    CARGO_LEVEL_ERROR },
		{ "warning: unused variable", CARGO_LEVEL_WARNING },
		{ "warning[clippy::all]: x", CARGO_LEVEL_WARNING },
		{ "\x1b[1m\x1b[33mwarning\x1b[0m: build failed",
		    CARGO_LEVEL_WARNING },
		{ "errors: 3", CARGO_LEVEL_INFO },
		{ "error", CARGO_LEVEL_INFO },
		{ "Error: capitalised", CARGO_LEVEL_INFO },
		{ "note: x", CARGO_LEVEL_INFO },
		{ "  = note: `#[warn(unused)]` on by default", CARGO_LEVEL_INFO },
		{ "2 | error: in source", CARGO_LEVEL_INFO },
		{ "   Compiling error v1.0.0", CARGO_LEVEL_INFO },
		{ "", CARGO_LEVEL_INFO },
		{ "warn", CARGO_LEVEL_INFO },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(cargo_text_level(cases[i].line, strlen(cases[i].line)) ==
		    cases[i].level);
	}
	/* Only len bytes count: "warning" cut before its colon. */
	CHECK(cargo_text_level("warning: x", 7) == CARGO_LEVEL_INFO);
	CHECK(cargo_text_level("error: x\0", 9) == CARGO_LEVEL_ERROR);
	CHECK(cargo_text_level(NULL, 5) == CARGO_LEVEL_INFO);
	CHECK_STR(cargo_level_name(CARGO_LEVEL_INFO), "info");
	CHECK_STR(cargo_level_name(CARGO_LEVEL_WARNING), "warning");
	CHECK_STR(cargo_level_name(CARGO_LEVEL_ERROR), "error");
	CHECK_STR(cargo_level_name((enum cargo_level)42), "info");
}

static void
test_text_compiling(void)
{
	static const char *const not_status[] = {
		"Compiling", "   Compiling ", "   Compiling foo",
		"   Compiling foo bar", "   Compiling  v1.0.0",
		"   Compiling foo version", "   Checking foo v1.0.0",
		"   compiling foo v1.0.0", "x  Compiling foo v1.0.0",
	};
	char out[CARGO_NAME_MAX], tiny[4];
	const char *line;
	size_t i;

	line = "   Compiling demo-app v0.1.0 (/tmp/w/app)\n";
	CHECK(cargo_text_compiling(line, strlen(line), out, sizeof(out)));
	CHECK_STR(out, "demo-app");
	line = "Compiling serde v1.0.200";
	CHECK(cargo_text_compiling(line, strlen(line), out, sizeof(out)));
	CHECK_STR(out, "serde");
	line = "\x1b[1m\x1b[92m   Compiling\x1b[0m proc-macro2 v1.0.86";
	CHECK(cargo_text_compiling(line, strlen(line), out, sizeof(out)));
	CHECK_STR(out, "proc-macro2");
	for (i = 0; i < sizeof(not_status) / sizeof(not_status[0]); i++) {
		CHECK(!cargo_text_compiling(not_status[i],
		    strlen(not_status[i]), out, sizeof(out)));
		CHECK_STR(out, "");
	}
	line = "   Compiling demo-app v0.1.0";
	CHECK(cargo_text_compiling(line, strlen(line), tiny, sizeof(tiny)));
	CHECK_STR(tiny, "dem");
	CHECK(!cargo_text_compiling(line, strlen(line), out, 0));
	/* Cut inside the version by len. */
	CHECK(!cargo_text_compiling(line, 23, out, sizeof(out)));
	CHECK(!cargo_text_compiling(NULL, 3, out, sizeof(out)));
}

/* Sanitizes a copy held in a buffer with guard bytes after len, and checks
 * the guard is untouched. */
static bool
sanitized_is(const char *in, size_t len, bool multiline, const char *want)
{
	char buf[256];
	size_t n;

	memset(buf, '#', sizeof(buf));
	memcpy(buf, in, len);
	n = multiline ? cargo_text_sanitize_multiline(buf, len) :
	    cargo_text_sanitize(buf, len);
	if (buf[len] != '#' || n > len || (n < len && buf[n] != '\0'))
		return false;
	return n == strlen(want) && memcmp(buf, want, n) == 0;
}

#define SANITIZED(in, want) sanitized_is(in, sizeof(in) - 1, false, want)

static void
test_sanitize(void)
{
	CHECK(SANITIZED("plain text", "plain text"));
	CHECK(SANITIZED("\x1b[1m\x1b[91merror\x1b[0m: x", "error: x"));
	CHECK(SANITIZED("a\x1b[38;5;196mb\x1b[?25lc", "abc"));
	CHECK(SANITIZED("\x1b]8;;http://x\x07link\x1b]8;;\x1b\\", "link"));
	CHECK(SANITIZED("\x1b]0;unterminated title", "0;unterminated title"));
	CHECK(SANITIZED("\x1b(Bx\x1b" "7y\x1b", "xy"));
	CHECK(SANITIZED("\x1b[31", ""));
	CHECK(SANITIZED("tab\tkept\r\n\b\x7f\x01", "tab\tkept"));
	CHECK(sanitized_is("a\0b", 3, false, "ab"));
	CHECK(SANITIZED("\xff\xfe ok", "?? ok"));
	CHECK(SANITIZED("\xc0\xaf", "??"));		/* overlong '/' */
	CHECK(SANITIZED("\xed\xa0\x80", "???"));	/* surrogate */
	CHECK(SANITIZED("\xf4\x90\x80\x80", "????"));	/* > U+10FFFF */
	CHECK(SANITIZED("x\xe2\x82", "x??"));		/* cut short */
	CHECK(SANITIZED("\xc2\x9b" "31mred", "31mred"));	/* C1 CSI */
	CHECK(SANITIZED("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\xa6\x80",
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\xa6\x80"));
	CHECK(sanitized_is("one\ntwo\r\n", 9, true, "one\ntwo\n"));
	CHECK(sanitized_is("one\ntwo", 7, false, "onetwo"));
	CHECK(cargo_text_sanitize(NULL, 4) == 0);
	CHECK(cargo_text_sanitize_multiline(NULL, 4) == 0);
	{
		char empty[1] = { '#' };

		CHECK(cargo_text_sanitize(empty, 0) == 0 && empty[0] == '#');
	}
}

static void
test_kind_names(void)
{
	CHECK_STR(cargo_msg_kind_name(CARGO_MSG_INVALID), "invalid");
	CHECK_STR(cargo_msg_kind_name(CARGO_MSG_ARTIFACT), "artifact");
	CHECK_STR(cargo_msg_kind_name(CARGO_MSG_DIAGNOSTIC), "diagnostic");
	CHECK_STR(cargo_msg_kind_name((enum cargo_msg_kind)99), "invalid");
}

int
main(void)
{
	RUN(test_ok_stdout);
	RUN(test_ok_stdout_fields);
	RUN(test_fail_stdout);
	RUN(test_json_diag_stdout);
	RUN(test_ok_stderr);
	RUN(test_fail_stderr);
	RUN(test_fail_stderr_colour);
	RUN(test_colour_strips_to_plain);
	RUN(test_package_names);
	RUN(test_hostile_shapes);
	RUN(test_hostile_optional_fields);
	RUN(test_long_lines);
	RUN(test_deep_nesting);
	RUN(test_embedded_nul);
	RUN(test_long_diagnostic);
	RUN(test_escapes_in_fields);
	RUN(test_text_level);
	RUN(test_text_compiling);
	RUN(test_sanitize);
	RUN(test_kind_names);
	return testlib_summary();
}
