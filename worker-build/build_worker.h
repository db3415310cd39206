/* The build worker: a FIFO of build jobs, one cargo at a time. */
#ifndef RTFORGE_BUILD_WORKER_H
#define RTFORGE_BUILD_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "config.h"
#include "progress.h"

enum job_kind { JOB_RUNTIME, JOB_NODE };
enum job_status { JOB_QUEUED, JOB_RUNNING, JOB_SUCCESS, JOB_FAILED,
	JOB_CANCELLED };

#define JOB_FEATURES_MAX 512
#define JOB_ERROR_MAX 1024

struct artifact_info {
	char path[512];		/* relative to the state dir */
	char hash[67];		/* 0x + blake2b-256 hex */
	char sha256[65];	/* node binaries only */
	uint64_t size;
	char built_at[32];	/* RFC 3339 */
};

struct build_job {
	uint64_t id;
	enum job_kind kind;
	enum job_status status;
	bool clean;
	char features[JOB_FEATURES_MAX];	/* comma separated */
	char profile[16];			/* "release" or "debug" */
	time_t created_at, started_at, finished_at;
	struct build_progress progress;
	char current_crate[128];
	char error[JOB_ERROR_MAX];
	char first_compiler_error[JOB_ERROR_MAX];
	uint64_t next_event_id;
	bool has_artifact;
	struct artifact_info artifact;
	json_t *artifact_extra;		/* runtime version, provenance */
	/* verify_reproducible: a second clean build in its own target dir. */
	bool verify;
	int reproducible;			/* -1 not checked, 0 no, 1 yes */
	int git_dirty;		/* at the start: -1 unknown, 0 clean, 1 dirty */
	char verify_hash[67];
	time_t progress_saved_at;
	TAILQ_ENTRY(build_job) entry;
};
TAILQ_HEAD(job_queue, build_job);

struct build_worker {
	struct event_base *base;
	const struct rtforge_config *cfg;
	struct chan *front;
	struct job_queue queue;		/* queued jobs, oldest first */
	struct build_job *running;
	uint64_t last_job_id;
};

extern struct build_worker bw;

const char *job_kind_name(enum job_kind kind);
const char *job_status_name(enum job_status status);

/* jobs.c */
int jobs_init_state(void);
void jobs_recover(void);
/* Tells a newly connected front the job ends it missed while away. */
void jobs_front_connected(void);
struct build_job *job_create(enum job_kind kind, bool clean, bool verify,
    const char *features, const char *profile);
void job_save(struct build_job *job, bool durable);
void job_free(struct build_job *job);
void job_emit(struct build_job *job, const char *name, const char *json);
void job_emit_log(struct build_job *job, const char *level, const char *msg);
void job_emit_progress(struct build_job *job, const char *msg);
void job_finish(struct build_job *job, enum job_status status,
    const char *error);
unsigned job_units_learned(enum job_kind kind);
int job_lookup_finished(uint64_t id, char *status, size_t len);
void jobs_start_next(void);
void build_apply_pending_config(void);

/* cargo_run.c */
void cargo_watch_children(void);
int cargo_start(struct build_job *job);
void cargo_cancel(const char *reason);
void cargo_kill_leftover(void);
unsigned progress_estimate_from_workspace(const char *source_dir);

/* artifacts.c */
/* The "runtime" object an artifact carries: sizes, API count, host
 * functions and, with a version section, the runtime version. */
struct wasm_report;
json_t *artifact_runtime_json(const struct wasm_report *r);
int artifact_store(struct build_job *job, char *err, size_t errlen);
/* Where cargo leaves the artifact for job, relative to the target dir. */
int artifact_cargo_path(const struct build_job *job, char *out, size_t len);
const char *build_target_dir(void);
/* The second target dir of a verify_reproducible build. */
const char *build_verify_target_dir(void);
int artifact_hash_path(const char *path, char hash[67]);
const char *build_cargo_home(void);

#endif
