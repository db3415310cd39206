/* Where upgrades are written: <state>/upgrades/, owned by the sign user,
 * readable by the front's group.
 *
 *   <id>.json          the record, replaced atomically (temp, fsync, rename)
 *   <id>.events        its SSE events, append-only (jobfile.h's format)
 *   <id>.rollback.wasm the chain's :code before the upgrade
 *   audit.jsonl        one JSON object a line, append-only, never rewritten
 *
 * The directory is opened once, before the seccomp filter, and everything
 * after that is relative to that descriptor: the filter allows creating
 * files only there. */
#ifndef RTFORGE_UPGRADE_STORE_H
#define RTFORGE_UPGRADE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define UPGRADE_AUDIT_FILE "audit.jsonl"

/* Opens (creating if needed) the directory, learns the next id, and ends
 * every record a crash left "running" as "unknown", with an event and an
 * audit line. 0, or -1 with err. */
int upgrade_store_open(const char *state_dir, char *err, size_t errlen);
/* The directory's descriptor (for the seccomp filter), or -1. */
int upgrade_store_dirfd(void);
uint64_t upgrade_store_take_id(void);

/* The record, atomically; 0 or -1 (errno). */
int upgrade_store_save(uint64_t id, const json_t *record);
/* One event line; fsync'd when terminal. 0 or -1. */
int upgrade_store_event(uint64_t id, uint64_t event_id, const char *name,
    const char *json);
/* One audit line, fsync'd; "at" is added; line is given away. 0 or -1. */
int upgrade_store_audit(json_t *line);
/* <id><suffix> with the bytes, atomically, mode 0640. 0 or -1. */
int upgrade_store_blob(uint64_t id, const char *suffix, const uint8_t *data,
    size_t len);

/* Hands the "error" events written for interrupted upgrades at start to
 * fn (once), so the front can tell its live streams. */
void upgrade_store_replay_recovered(void (*fn)(uint64_t upgrade_id,
    uint64_t event_id, const char *name, const char *json));

void upgrade_store_close(void);

#endif
