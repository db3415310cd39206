#include "cargo_json.h"
#include "textutil.h"

#include <jansson.h>
#include <string.h>

#define ESC 0x1b
#define BEL 0x07

/*
 * Text hygiene: UTF-8 validation, escape sequences, safe truncation.
 */

static bool
is_continuation(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* Skips a control string (OSC, DCS, APC, PM, SOS) up to its BEL or ESC \
 * terminator. An unterminated one loses only its introducer: swallowing
 * the rest of the line could hide an error message from the user. */
static size_t
control_string_len(const unsigned char *s, size_t avail)
{
	size_t i;

	for (i = 2; i < avail; i++) {
		if (s[i] == BEL)
			return i + 1;
		if (s[i] == ESC && i + 1 < avail && s[i + 1] == '\\')
			return i + 2;
	}
	return 2;
}

/* Length of the escape sequence starting with the ESC at s[0], following
 * ECMA-48's shapes. A malformed sequence ends at the first byte that does
 * not fit, and that byte is left for the caller to judge. */
static size_t
escape_len(const unsigned char *s, size_t avail)
{
	size_t i = 2;

	if (avail < 2)
		return avail;
	switch (s[1]) {
	case '[':	/* CSI: parameter and intermediate bytes, final byte */
		while (i < avail && s[i] >= 0x20 && s[i] <= 0x3f)
			i++;
		if (i < avail && s[i] >= 0x40 && s[i] <= 0x7e)
			i++;
		return i;
	case ']':
	case 'P':
	case 'X':
	case '^':
	case '_':
		return control_string_len(s, avail);
	default:
		break;
	}
	i = 1;
	while (i < avail && s[i] >= 0x20 && s[i] <= 0x2f)
		i++;	/* nF intermediates */
	if (i < avail && s[i] >= 0x30 && s[i] <= 0x7e)
		i++;	/* the final byte */
	return i;
}

static bool
is_c1_control(const unsigned char *s, size_t seqlen)
{
	/* U+0080..U+009F: some terminals act on them like ESC sequences. */
	return seqlen == 2 && s[0] == 0xc2 && s[1] <= 0x9f;
}

static size_t
sanitize(char *text, size_t len, bool keep_newline)
{
	unsigned char *s = (unsigned char *)text;
	size_t in = 0, out = 0, n;

	while (in < len) {
		unsigned char c = s[in];

		if (c == ESC) {
			in += escape_len(s + in, len - in);
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			if (c == '\t' || (c == '\n' && keep_newline))
				s[out++] = c;
			in++;
			continue;
		}
		n = utf8_seq_len(s + in, len - in);
		if (n == 0) {
			s[out++] = '?';
			in++;
			continue;
		}
		if (!is_c1_control(s + in, n)) {
			memmove(s + out, s + in, n);
			out += n;
		}
		in += n;
	}
	if (out < len)
		s[out] = '\0';
	return out;
}

size_t
cargo_text_sanitize(char *text, size_t len)
{
	if (text == NULL)
		return 0;
	return sanitize(text, len, false);
}

size_t
cargo_text_sanitize_multiline(char *text, size_t len)
{
	if (text == NULL)
		return 0;
	return sanitize(text, len, true);
}

/* The longest prefix of s, at most cap bytes, that does not end inside a
 * UTF-8 sequence. */
static size_t
utf8_cut(const char *s, size_t len, size_t cap)
{
	size_t n, back;

	if (len <= cap)
		return len;
	n = cap;
	for (back = 0; back < 3 && n > 0; back++) {
		if (!is_continuation((unsigned char)s[n]))
			break;
		n--;
	}
	return n;
}

/* Copies untrusted text into dst, cut on a character boundary, then cleans
 * it. Returns true if the text had to be cut. */
static bool
copy_text(char *dst, size_t dstsize, const char *src, size_t srclen,
    bool keep_newline)
{
	size_t n;

	if (dstsize == 0)
		return srclen > 0;
	n = utf8_cut(src, srclen, dstsize - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	sanitize(dst, n, keep_newline);
	return n < srclen;
}

/*
 * package_id: the package name in its three spellings.
 */

static bool
is_name_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Before cargo 1.77: "name 0.1.0 (path+file:///x)". */
static bool
old_form_name(const char *id, size_t len, const char **name, size_t *namelen)
{
	size_t n = 0;

	while (n < len && is_name_byte((unsigned char)id[n]))
		n++;
	if (n == 0 || n == len || id[n] != ' ')
		return false;
	*name = id;
	*namelen = n;
	return true;
}

/* The last segment of a source URL's path, without query or trailing '/':
 * cargo leaves the name out of the fragment when it equals this. A URL
 * with no path, or no "scheme://", has no segment. */
static void
url_last_segment(const char *url, size_t len, const char **seg,
    size_t *seglen)
{
	const char *query = memchr(url, '?', len);
	size_t end = query ? (size_t)(query - url) : len, path = 0, start;

	*seg = url;
	*seglen = 0;
	while (path + 3 <= end && memcmp(url + path, "://", 3) != 0)
		path++;
	if (path + 3 > end)
		return;
	for (path += 3; path < end && url[path] != '/'; path++)
		;	/* skip the authority */
	while (end > path && url[end - 1] == '/')
		end--;
	start = end;
	while (start > path && url[start - 1] != '/')
		start--;
	*seg = url + start;
	*seglen = end - start;
}

/* Since cargo 1.77, a package ID spec: "URL#name@version", or "URL#version"
 * when the name is URL's last segment (and names cannot start with a
 * digit, which is how the two are told apart). */
static bool
spec_form_name(const char *id, size_t len, const char **name,
    size_t *namelen)
{
	const char *frag, *at;
	size_t hash = len, fraglen;

	while (hash > 0 && id[hash - 1] != '#')
		hash--;
	if (hash == 0)
		return false;
	frag = id + hash;
	fraglen = len - hash;
	at = memchr(frag, '@', fraglen);
	if (at != NULL) {
		*name = frag;
		*namelen = (size_t)(at - frag);
	} else if (fraglen == 0 || is_digit((unsigned char)frag[0]))
		url_last_segment(id, hash - 1, name, namelen);
	else {
		*name = frag;
		*namelen = fraglen;
	}
	return *namelen > 0;
}

bool
cargo_package_name(const char *package_id, size_t len, char *out,
    size_t outlen)
{
	const char *name;
	size_t namelen;

	if (out == NULL || outlen == 0)
		return false;
	out[0] = '\0';
	if (package_id == NULL || len == 0)
		return false;
	if (!old_form_name(package_id, len, &name, &namelen) &&
	    !spec_form_name(package_id, len, &name, &namelen))
		return false;
	copy_text(out, outlen, name, namelen, false);
	return out[0] != '\0';
}

/*
 * The JSON messages.
 */

static const struct {
	const char *reason;
	enum cargo_msg_kind kind;
} cargo_reasons[] = {
	{ "compiler-artifact", CARGO_MSG_ARTIFACT },
	{ "build-script-executed", CARGO_MSG_BUILD_SCRIPT },
	{ "build-finished", CARGO_MSG_FINISHED },
	{ "compiler-message", CARGO_MSG_DIAGNOSTIC },
	/* Real cargo messages (timings) that we have no use for. */
	{ "timing-info", CARGO_MSG_OTHER },
	{ "section-timing", CARGO_MSG_OTHER },
};

static enum cargo_msg_kind
kind_of_reason(const json_t *reason)
{
	const char *s = json_string_value(reason);
	size_t i;

	if (s == NULL)
		return CARGO_MSG_INVALID;
	for (i = 0; i < sizeof(cargo_reasons) / sizeof(cargo_reasons[0]); i++)
		if (strcmp(s, cargo_reasons[i].reason) == 0)
			return cargo_reasons[i].kind;
	return CARGO_MSG_INVALID;
}

const char *
cargo_msg_kind_name(enum cargo_msg_kind kind)
{
	switch (kind) {
	case CARGO_MSG_ARTIFACT:
		return "artifact";
	case CARGO_MSG_BUILD_SCRIPT:
		return "build-script";
	case CARGO_MSG_FINISHED:
		return "finished";
	case CARGO_MSG_DIAGNOSTIC:
		return "diagnostic";
	case CARGO_MSG_OTHER:
		return "other";
	case CARGO_MSG_INVALID:
	default:
		return "invalid";
	}
}

/* Copies a JSON string (or nothing, if v is not one) into dst. */
static bool
copy_json_string(char *dst, size_t dstsize, const json_t *v,
    bool keep_newline)
{
	if (!json_is_string(v))
		return false;
	copy_text(dst, dstsize, json_string_value(v), json_string_length(v),
	    keep_newline);
	return true;
}

static bool
parse_package(const json_t *root, struct cargo_msg *out)
{
	const json_t *id = json_object_get(root, "package_id");

	if (!json_is_string(id))
		return false;
	return cargo_package_name(json_string_value(id),
	    json_string_length(id), out->package, sizeof(out->package));
}

static bool
parse_target(const json_t *root, struct cargo_msg *out)
{
	const json_t *target = json_object_get(root, "target");

	if (!json_is_object(target))
		return false;
	if (!copy_json_string(out->target, sizeof(out->target),
	    json_object_get(target, "name"), false))
		return false;
	copy_json_string(out->target_kind, sizeof(out->target_kind),
	    json_array_get(json_object_get(target, "kind"), 0), false);
	return true;
}

static bool
has_control_byte(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* An artifact path is used as a path, so unlike display text it is never
 * cut or cleaned: one that does not fit, or that holds control bytes, is
 * dropped instead. */
static void
parse_filename(const json_t *root, struct cargo_msg *out)
{
	const json_t *path = json_object_get(root, "executable");
	const json_t *names = json_object_get(root, "filenames");
	size_t len;

	if (!json_is_string(path) && json_array_size(names) > 0)
		path = json_array_get(names, json_array_size(names) - 1);
	if (!json_is_string(path))
		return;
	len = json_string_length(path);
	if (len >= sizeof(out->filename) ||
	    has_control_byte(json_string_value(path), len))
		return;
	memcpy(out->filename, json_string_value(path), len);
	out->filename[len] = '\0';
}

static bool
parse_artifact(const json_t *root, struct cargo_msg *out)
{
	if (!parse_package(root, out) || !parse_target(root, out))
		return false;
	out->fresh = json_is_true(json_object_get(root, "fresh"));
	parse_filename(root, out);
	return true;
}

static bool
parse_finished(const json_t *root, struct cargo_msg *out)
{
	const json_t *success = json_object_get(root, "success");

	if (!json_is_boolean(success))
		return false;
	out->success = json_is_true(success);
	return true;
}

/* rustc's own message: "rendered" is the text a terminal would show; it
 * can be null, and then the bare one-line "message" is the best we have. */
static bool
parse_diagnostic(const json_t *root, struct cargo_msg *out)
{
	const json_t *message = json_object_get(root, "message");
	const json_t *text;

	if (!parse_package(root, out) || !parse_target(root, out) ||
	    !json_is_object(message))
		return false;
	copy_json_string(out->level, sizeof(out->level),
	    json_object_get(message, "level"), false);
	text = json_object_get(message, "rendered");
	if (!json_is_string(text))
		text = json_object_get(message, "message");
	if (json_is_string(text))
		out->text_truncated = copy_text(out->text, sizeof(out->text),
		    json_string_value(text), json_string_length(text), true);
	return true;
}

static enum cargo_msg_kind
parse_message(const json_t *root, struct cargo_msg *out)
{
	enum cargo_msg_kind kind;

	kind = kind_of_reason(json_object_get(root, "reason"));
	switch (kind) {
	case CARGO_MSG_ARTIFACT:
		return parse_artifact(root, out) ? kind : CARGO_MSG_INVALID;
	case CARGO_MSG_BUILD_SCRIPT:
		return parse_package(root, out) ? kind : CARGO_MSG_INVALID;
	case CARGO_MSG_FINISHED:
		return parse_finished(root, out) ? kind : CARGO_MSG_INVALID;
	case CARGO_MSG_DIAGNOSTIC:
		return parse_diagnostic(root, out) ? kind : CARGO_MSG_INVALID;
	case CARGO_MSG_OTHER:
	case CARGO_MSG_INVALID:
	default:
		return kind;
	}
}

static size_t
trim_line_end(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	return len;
}

/* Cheap filter so plain text lines never reach the JSON parser. */
static bool
looks_like_object(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && line[i] == '{';
}

void
cargo_msg_parse(const char *line, size_t len, struct cargo_msg *out)
{
	json_error_t error;
	json_t *root;

	if (out == NULL)
		return;
	memset(out, 0, sizeof(*out));
	if (line == NULL)
		return;
	len = trim_line_end(line, len);
	/* JSON has no raw NUL; one here means binary junk. jansson would
	 * refuse it too, but this is cheaper than a parse and does not
	 * depend on that. */
	if (len > CARGO_LINE_MAX || memchr(line, '\0', len) != NULL ||
	    !looks_like_object(line, len))
		return;
	root = json_loadb(line, len, 0, &error);
	if (root == NULL)
		return;
	if (json_is_object(root))
		out->kind = parse_message(root, out);
	json_decref(root);
	if (out->kind == CARGO_MSG_INVALID)
		memset(out, 0, sizeof(*out));	/* no half-filled fields */
}

/*
 * Plain text lines on stderr.
 */

/* Copies the start of a line and cleans it: enough to look past colour
 * codes at what the line begins with. Returns the cleaned text after any
 * leading blanks. */
static const char *
clean_head(char *head, size_t headsize, const char *line, size_t len)
{
	size_t n = len < headsize - 1 ? len : headsize - 1;
	const char *p = head;

	memcpy(head, line, n);
	head[n] = '\0';
	sanitize(head, n, false);
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "word:" or "word[CODE]:" as rustc and cargo start their diagnostics. */
static bool
starts_with_label(const char *s, const char *word)
{
	size_t n = strlen(word);

	return strncmp(s, word, n) == 0 && (s[n] == ':' || s[n] == '[');
}

enum cargo_level
cargo_text_level(const char *line, size_t len)
{
	char head[256];
	const char *p;

	if (line == NULL)
		return CARGO_LEVEL_INFO;
	p = clean_head(head, sizeof(head), line, len);
	if (starts_with_label(p, "error"))
		return CARGO_LEVEL_ERROR;
	if (starts_with_label(p, "warning"))
		return CARGO_LEVEL_WARNING;
	return CARGO_LEVEL_INFO;
}

const char *
cargo_level_name(enum cargo_level level)
{
	switch (level) {
	case CARGO_LEVEL_WARNING:
		return "warning";
	case CARGO_LEVEL_ERROR:
		return "error";
	case CARGO_LEVEL_INFO:
	default:
		return "info";
	}
}

bool
cargo_text_compiling(const char *line, size_t len, char *out, size_t outlen)
{
	static const char verb[] = "Compiling ";
	char head[512];
	const char *p, *name;
	size_t namelen = 0;

	if (out == NULL || outlen == 0)
		return false;
	out[0] = '\0';
	if (line == NULL)
		return false;
	p = clean_head(head, sizeof(head), line, len);
	if (strncmp(p, verb, sizeof(verb) - 1) != 0)
		return false;
	name = p + sizeof(verb) - 1;
	while (name[namelen] != '\0' && name[namelen] != ' ')
		namelen++;
	/* The version that follows is what tells this status line from a
	 * build script that merely prints the word. */
	if (namelen == 0 || name[namelen] != ' ' || name[namelen + 1] != 'v' ||
	    !is_digit((unsigned char)name[namelen + 2]))
		return false;
	copy_text(out, outlen, name, namelen, false);
	return true;
}
