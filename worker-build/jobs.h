/* Jobs that are not cargo builds. An uploaded runtime is recorded as a job
 * that finished as it began (kind "upload", status success), so the jobs
 * list, the artifact list and the upgrade API see it like a built one. */
#ifndef RTFORGE_JOBS_H
#define RTFORGE_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "build_worker.h"

/* Records a stored upload: a new job id, its record on disk, a log line
 * and the terminal "complete" event. runtime is the inspection's "runtime"
 * object (stolen); note is the log line. Returns the job (the caller frees
 * it with job_free), or NULL when out of memory. */
struct build_job *job_record_upload(const struct artifact_info *a,
    json_t *runtime, const char *note);

/* The artifact object of a finished job, as GET /api/build/artifacts
 * lists it. */
json_t *job_artifact_json(const struct build_job *job);

/* upload.c: the bytes of POST /api/upgrade/upload, in a sealed memfd
 * (closed here). name is the file name the client asked for (name_len 0:
 * a default). Returns the HTTP status for the reply and sets *body to its
 * JSON object: the stored artifact (201, or 200 when these bytes were
 * stored before) or {"error": …}. */
unsigned upload_receive(const char *name, size_t name_len, int fd,
    json_t **body);
/* Letters, digits, '.', '_', '-', not starting with '.', ending ".wasm",
 * at most IPC_UPLOAD_NAME_MAX bytes. */
bool upload_name_ok(const char *name, size_t len);

#endif
