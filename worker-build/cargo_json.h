/* Understanding what cargo prints during a build: the JSON messages of
 * --message-format=json[-render-diagnostics] on stdout, and the human status
 * and diagnostic lines on stderr.
 *
 * Everything here treats its input as hostile: a build script or proc macro
 * can print anything, so every field is copied with a size cap, truncated on
 * a UTF-8 boundary, and stripped of terminal escapes and control bytes.
 * Nothing allocates except the JSON parse inside cargo_msg_parse(). */
#ifndef RTFORGE_CARGO_JSON_H
#define RTFORGE_CARGO_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define CARGO_NAME_MAX 128
#define CARGO_TEXT_MAX 4096
#define CARGO_LEVEL_MAX 16
#define CARGO_KIND_MAX 32
#define CARGO_PATH_MAX 1024
/* Longer stdout lines are not parsed at all: cargo's own messages are a few
 * KB at most, so a bigger line is noise we refuse to spend memory on. */
#define CARGO_LINE_MAX (1024 * 1024)

enum cargo_msg_kind {
	CARGO_MSG_INVALID = 0,	/* not a cargo message: treat line as text */
	CARGO_MSG_ARTIFACT,	/* "compiler-artifact": one unit done */
	CARGO_MSG_BUILD_SCRIPT,	/* "build-script-executed" */
	CARGO_MSG_FINISHED,	/* "build-finished", result in .success */
	CARGO_MSG_DIAGNOSTIC,	/* "compiler-message": .level and .text */
	CARGO_MSG_OTHER,	/* a cargo message we have no use for */
};

struct cargo_msg {
	enum cargo_msg_kind kind;
	/* Package name taken from package_id, whichever of cargo's spellings:
	 * "name 0.1.0 (path+file:///x)", "path+file:///x/y#name@0.1.0" or
	 * "path+file:///x/name#0.1.0". */
	char package[CARGO_NAME_MAX];
	char target[CARGO_NAME_MAX];	/* target.name */
	char target_kind[CARGO_KIND_MAX]; /* first of target.kind */
	bool fresh;			/* ARTIFACT: nothing was rebuilt */
	bool success;			/* FINISHED */
	char level[CARGO_LEVEL_MAX];	/* DIAGNOSTIC: "error", "warning"... */
	/* DIAGNOSTIC: the rendered text, newlines kept, escapes removed. */
	char text[CARGO_TEXT_MAX];
	bool text_truncated;		/* text did not fit and was cut */
	/* ARTIFACT: "executable" if set, else the last of "filenames"; ""
	 * if none, or if the path is too long (a cut path names another
	 * file, so we would rather have none). */
	char filename[CARGO_PATH_MAX];
};

/* Parses one stdout line; len may include the trailing newline. Never fails
 * hard: anything that is not a well-formed cargo message comes back as
 * CARGO_MSG_INVALID (or CARGO_MSG_OTHER for known reasons we ignore), with
 * all string fields "" and the booleans false. Lines longer than
 * CARGO_LINE_MAX, and lines holding a NUL byte, are INVALID unparsed. */
void cargo_msg_parse(const char *line, size_t len, struct cargo_msg *out);
const char *cargo_msg_kind_name(enum cargo_msg_kind);

/* Writes the package name found in a cargo package_id into out (cap
 * outlen, always NUL-terminated when outlen > 0). Returns false, with out
 * "", if the id has no recognisable name. */
bool cargo_package_name(const char *package_id, size_t len, char *out,
    size_t outlen);

enum cargo_level {
	CARGO_LEVEL_INFO,
	CARGO_LEVEL_WARNING,
	CARGO_LEVEL_ERROR,
};

/* Classifies one plain-text stderr line: "error: ...", "error[E0308]: ...",
 * "warning: ...", "warning[...]: ..." are ERROR and WARNING, after optional
 * leading whitespace and ANSI colour codes; everything else is INFO. */
enum cargo_level cargo_text_level(const char *line, size_t len);
const char *cargo_level_name(enum cargo_level);

/* If the stderr line is cargo's "   Compiling NAME vX.Y.Z (...)" status line
 * (coloured or not), copies NAME into out (cut to outlen - 1 bytes) and
 * returns true. */
bool cargo_text_compiling(const char *line, size_t len, char *out,
    size_t outlen);

/* Removes ANSI escape sequences (CSI, OSC and the like), control bytes
 * other than tab (NUL, CR, DEL and the C1 range included), in place, and
 * replaces bytes that are not valid UTF-8 with '?', so that the result can
 * go into a JSON string. Reads and writes only text[0..len), needs no NUL
 * terminator; when the result is shorter than len a NUL follows it, so a
 * NUL-terminated input stays NUL-terminated. Returns the new length. */
size_t cargo_text_sanitize(char *text, size_t len);
/* The same, but keeps newlines: for multi-line diagnostics. */
size_t cargo_text_sanitize_multiline(char *text, size_t len);

#endif
