/* Read-only views of the build jobs on disk, for the API. The build worker
 * writes these files; the front only reads them, so listing jobs works even
 * while the worker restarts. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"
#include "verdict.h"
#include "fsutil.h"
#include "jobfile.h"

json_t *
jobs_view_one(uint64_t job_id)
{
	json_t *o = jobfile_load_record(fr.cfg.state_dir, job_id);
	if (o)
		json_object_del(o, "next_event_id");
	return o;
}

bool
jobs_view_exists(uint64_t job_id)
{
	char path[1200];
	return jobfile_record_path(path, sizeof(path), fr.cfg.state_dir,
	    job_id) == 0 && access(path, F_OK) == 0;
}

json_t *
jobs_view_list(size_t limit)
{
	size_t count;
	uint64_t *ids = jobfile_list_ids(fr.cfg.state_dir, &count);
	json_t *arr = json_array();
	/* Newest first. */
	for (size_t i = count; ids && arr && i > 0 &&
	    json_array_size(arr) < limit; i--) {
		json_t *o = jobs_view_one(ids[i - 1]);
		if (o)
			json_array_append_new(arr, o);
	}
	free(ids);
	return arr;
}

json_t *
jobs_view_artifacts(size_t limit)
{
	size_t count;
	uint64_t *ids = jobfile_list_ids(fr.cfg.state_dir, &count);
	json_t *history = json_array();
	json_t *latest_runtime = NULL, *latest_node = NULL;
	for (size_t i = count; ids && history && i > 0 &&
	    json_array_size(history) < limit; i--) {
		json_t *job = jobs_view_one(ids[i - 1]);
		json_t *a = json_object_get(job, "artifact");
		const char *kind = json_string_value(json_object_get(a,
		    "kind"));
		if (json_is_object(a) && kind) {
			json_array_append(history, a);
			if (!latest_runtime && strcmp(kind, "runtime") == 0)
				latest_runtime = json_incref(a);
			if (!latest_node && strcmp(kind, "node") == 0)
				latest_node = json_incref(a);
		}
		json_decref(job);
	}
	free(ids);
	return json_pack("{s:o, s:o, s:o}", "runtime_wasm", latest_runtime ?
	    latest_runtime : json_null(), "node_binary", latest_node ?
	    latest_node : json_null(), "history", history);
}

static void
add_verdict(json_t *artifact, const json_t *chain_runtime)
{
	const char *kind = json_string_value(json_object_get(artifact, "kind"));
	if (!json_is_object(artifact) || kind == NULL ||
	    strcmp(kind, "runtime") != 0)
		return;
	json_t *v = verdict_for(json_object_get(artifact, "runtime"),
	    chain_runtime);
	if (v == NULL)
		return;
	json_object_set(artifact, "verdict", json_object_get(v, "verdict"));
	json_object_set(artifact, "verdict_reason", json_object_get(v,
	    "reason"));
	json_decref(v);
}

void
jobs_view_add_verdicts(json_t *artifacts, const json_t *chain_runtime)
{
	size_t i;
	json_t *a;

	/* runtime_wasm is also in history: the same object, set once. */
	add_verdict(json_object_get(artifacts, "runtime_wasm"), chain_runtime);
	json_t *history = json_object_get(artifacts, "history");
	json_array_foreach(history, i, a) {
		add_verdict(a, chain_runtime);
	}
}
