/* Read-only views of the build jobs on disk, for the API. The build worker
 * writes these files; the front only reads them, so listing jobs works even
 * while the worker restarts. */
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front.h"
#include "fsutil.h"
#include "jobfile.h"

#define JOB_IDS_MAX 100000

static int
compare_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x > y ? -1 : x < y;
}

/* Job ids on disk, newest first. */
static uint64_t *
list_ids(size_t *count)
{
	char dir[1200];
	*count = 0;
	if (fs_join(dir, sizeof(dir), fr.cfg.state_dir, "jobs") != 0)
		return NULL;
	DIR *d = opendir(dir);
	if (d == NULL)
		return NULL;
	size_t cap = 256;
	uint64_t *ids = malloc(cap * sizeof(*ids));
	if (ids == NULL) {
		closedir(d);
		return NULL;
	}
	struct dirent *de;
	while (*count < JOB_IDS_MAX && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char name[32];
		if (len < 6 || len >= sizeof(name) ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		uint64_t id = jobfile_parse_id(name);
		if (id == 0)
			continue;
		if (*count == cap) {
			uint64_t *bigger = realloc(ids, 2 * cap * sizeof(*ids));
			if (bigger == NULL)
				break;
			ids = bigger;
			cap *= 2;
		}
		ids[(*count)++] = id;
	}
	closedir(d);
	qsort(ids, *count, sizeof(*ids), compare_desc);
	return ids;
}

json_t *
jobs_view_one(uint64_t job_id)
{
	char path[1200];
	if (jobfile_record_path(path, sizeof(path), fr.cfg.state_dir, job_id))
		return NULL;
	size_t len;
	char *text = fs_read_capped(path, JOB_RECORD_MAX, &len);
	if (text == NULL)
		return NULL;
	json_t *o = json_loadb(text, len, 0, NULL);
	free(text);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
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
	uint64_t *ids = list_ids(&count);
	json_t *arr = json_array();
	for (size_t i = 0; ids && arr && i < count &&
	    json_array_size(arr) < limit; i++) {
		json_t *o = jobs_view_one(ids[i]);
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
	uint64_t *ids = list_ids(&count);
	json_t *history = json_array();
	json_t *latest_runtime = NULL, *latest_node = NULL;
	for (size_t i = 0; ids && history && i < count &&
	    json_array_size(history) < limit; i++) {
		json_t *job = jobs_view_one(ids[i]);
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
