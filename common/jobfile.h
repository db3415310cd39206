/* The on-disk shape of a build job, shared by the build worker (which
 * writes it) and the front (which reads it to list jobs and replay events).
 *
 *   <state>/jobs/<id>.json    the job record, replaced atomically
 *   <state>/jobs/<id>.events  the event log, append-only, one event a line:
 *                             "<id> <name> <compact JSON>\n"
 *
 * Upgrades, written by the sign worker, have the same shape under
 * <state>/upgrades/: the *_in functions take that directory's name. */
#ifndef RTFORGE_JOBFILE_H
#define RTFORGE_JOBFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define JOB_EVENT_NAME_MAX 16
#define JOB_EVENT_DATA_MAX (16 * 1024)
#define JOB_EVENT_LINE_MAX (JOB_EVENT_DATA_MAX + 64)
#define JOB_RECORD_MAX (64 * 1024)

struct job_event {
	uint64_t id;
	char name[JOB_EVENT_NAME_MAX];
	const char *data;	/* points into the parsed line */
	size_t data_len;
};

#define JOBFILE_JOBS "jobs"
#define JOBFILE_UPGRADES "upgrades"

/* <state_dir>/<kind>/<id><suffix>; 0, or -1 (ENAMETOOLONG). */
int jobfile_path_in(char *out, size_t outlen, const char *state_dir,
    const char *kind, uint64_t job_id, const char *suffix);
int jobfile_record_path(char *out, size_t outlen, const char *state_dir,
    uint64_t job_id);
int jobfile_events_path(char *out, size_t outlen, const char *state_dir,
    uint64_t job_id);

/* Parses a decimal job id ("42"); 0 on anything else, which no job has. */
uint64_t jobfile_parse_id(const char *s);

/* Formats one event line, newline included. Returns its length, or -1 when
 * the name is not [a-z_] or the data holds a newline or does not fit. */
int jobfile_format_event(char *out, size_t outlen, uint64_t id,
    const char *name, const char *data);

/* Parses one line (without its newline). 0, or -1 if malformed. */
int jobfile_parse_event(const char *line, size_t len, struct job_event *ev);

bool jobfile_event_is_terminal(const char *name);

/* The ids of the job records in <state>/jobs, sorted ascending, at most
 * JOB_IDS_MAX. Returns a malloc'd array (NULL with *count 0 when the
 * directory cannot be read). */
#define JOB_IDS_MAX 100000
uint64_t *jobfile_list_ids(const char *state_dir, size_t *count);
uint64_t *jobfile_list_ids_in(const char *state_dir, const char *kind,
    size_t *count);

/* A job record parsed as a JSON object, or NULL when it is missing, over
 * JOB_RECORD_MAX, or not a JSON object (a torn write). */
struct json_t;
struct json_t *jobfile_load_record(const char *state_dir, uint64_t id);
struct json_t *jobfile_load_record_in(const char *state_dir,
    const char *kind, uint64_t id);

/* Reads complete event lines from fd starting at byte *offset, calls fn for
 * each event whose id >= from_id, and stops after about max_bytes of
 * delivered data or at the end of the complete lines. *offset advances past
 * what was read, so a later call goes on from there. fn returns 0 to go on,
 * 1 to stop. Returns the number of events delivered, or -1 on a read error
 * or a malformed line (then *err says which). */
typedef int (*jobfile_event_fn)(const struct job_event *ev, void *ctx);
int jobfile_read_events(int fd, off_t *offset, uint64_t from_id,
    size_t max_bytes, jobfile_event_fn fn, void *ctx, char *err,
    size_t errlen);

#endif
