/* The upgrade store: records replaced whole, events and audit lines only
 * ever appended, ids that continue after a restart, and upgrades a crash
 * left "running" ended truthfully (unknown once submitted, else failed)
 * with an event for the front and an audit line. Runs in a mkdtemp()
 * state directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fsutil.h"
#include "jobfile.h"
#include "testlib.h"
#include "upgrade_store.h"

static char state[64];

static char *
read_file(const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/upgrades/%s", state, name);
	return fs_read_capped(path, 1 << 20, len);
}

static size_t
count_lines(const char *text)
{
	size_t n = 0;
	for (const char *p = text; p && *p; p++)
		n += *p == '\n';
	return n;
}

static void
test_fresh_store(void)
{
	char err[256];
	CHECK(upgrade_store_open(state, err, sizeof(err)) == 0);
	CHECK(upgrade_store_dirfd() >= 0);
	CHECK(upgrade_store_take_id() == 1);
	CHECK(upgrade_store_take_id() == 2);
	upgrade_store_close();
	CHECK(upgrade_store_dirfd() == -1);
}

static void
test_record_events_audit_blob(void)
{
	char err[256];
	size_t len;
	CHECK(upgrade_store_open(state, err, sizeof(err)) == 0);
	uint64_t id = upgrade_store_take_id();
	json_t *rec = json_pack("{s:I, s:s, s:I}", "upgrade_id", (json_int_t)id,
	    "status", "running", "next_event_id", (json_int_t)1);
	CHECK(upgrade_store_save(id, rec) == 0);
	json_object_set_new(rec, "status", json_string("success"));
	CHECK(upgrade_store_save(id, rec) == 0);
	json_decref(rec);
	json_t *back = jobfile_load_record_in(state, JOBFILE_UPGRADES, id);
	CHECK_STR(json_string_value(json_object_get(back, "status")), "success");
	json_decref(back);
	char *tmp = read_file("1.json.tmp", &len);
	CHECK(tmp == NULL);	/* no temp file left behind */
	free(tmp);

	CHECK(upgrade_store_event(id, 1, "step", "{\"step\":\"checks\"}") == 0);
	CHECK(upgrade_store_event(id, 2, "complete", "{\"success\":true}") ==
	    0);
	CHECK(upgrade_store_event(id, 3, "Bad Name", "{}") == -1);
	CHECK(upgrade_store_event(id, 3, "step", "{\n}") == -1);
	char *events = read_file("1.events", &len);
	CHECK(events != NULL && count_lines(events) == 2);
	CHECK(events && strncmp(events, "1 step {", 8) == 0);
	free(events);

	CHECK(upgrade_store_audit(json_pack("{s:s}", "what", "first")) == 0);
	CHECK(upgrade_store_audit(json_pack("{s:s}", "what", "second")) == 0);
	char *audit = read_file(UPGRADE_AUDIT_FILE, &len);
	CHECK(audit && count_lines(audit) == 2);
	CHECK(audit && strstr(audit, "\"what\":\"first\"") < strstr(audit,
	    "\"what\":\"second\""));
	CHECK(audit && strstr(audit, "\"at\":\"") != NULL);
	free(audit);

	const uint8_t code[] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
	CHECK(upgrade_store_blob(id, ".rollback.wasm", code, sizeof(code)) ==
	    0);
	char *blob = read_file("1.rollback.wasm", &len);
	CHECK(blob && len == sizeof(code) && memcmp(blob, code, len) == 0);
	free(blob);
	CHECK(upgrade_store_blob(id, "/../escape", code, sizeof(code)) == -1);
	upgrade_store_close();
}

static json_t *
running_record(uint64_t id, bool submitted)
{
	return json_pack("{s:I, s:s, s:s, s:b, s:I}", "upgrade_id",
	    (json_int_t)id, "status", "running", "tx_hash", "0x1234",
	    "submitted", submitted, "next_event_id", (json_int_t)4);
}

static uint64_t replayed_ids[8];
static size_t replayed;

static void
on_replay(uint64_t upgrade_id, uint64_t event_id, const char *name,
    const char *json)
{
	CHECK(event_id == 4);
	CHECK_STR(name, "error");
	CHECK(strstr(json, "\"success\":false") != NULL);
	if (replayed < 8)
		replayed_ids[replayed++] = upgrade_id;
}

static void
test_restart_ends_interrupted_upgrades(void)
{
	char err[256], path[256];
	size_t len;
	CHECK(upgrade_store_open(state, err, sizeof(err)) == 0);
	uint64_t sent = upgrade_store_take_id(), unsent =
	    upgrade_store_take_id();
	json_t *a = running_record(sent, true), *b = running_record(unsent,
	    false);
	CHECK(upgrade_store_save(sent, a) == 0);
	CHECK(upgrade_store_save(unsent, b) == 0);
	json_decref(a);
	json_decref(b);
	upgrade_store_close();
	/* A torn record: reported, left as it is, never "fixed". */
	snprintf(path, sizeof(path), "%s/upgrades/9.json", state);
	CHECK(fs_write_atomic(path, "{\"upgrade_id\":9,\"sta", 20, 0640) == 0);

	CHECK(upgrade_store_open(state, err, sizeof(err)) == 0);
	CHECK(upgrade_store_take_id() == 10);	/* ids continue */
	json_t *ra = jobfile_load_record_in(state, JOBFILE_UPGRADES, sent);
	json_t *rb = jobfile_load_record_in(state, JOBFILE_UPGRADES, unsent);
	CHECK_STR(json_string_value(json_object_get(ra, "status")), "unknown");
	CHECK(strstr(json_string_value(json_object_get(ra, "error")),
	    "may or may not be on chain") != NULL);
	CHECK_STR(json_string_value(json_object_get(rb, "status")), "failed");
	CHECK(strstr(json_string_value(json_object_get(rb, "error")),
	    "safe to retry") != NULL);
	CHECK(json_integer_value(json_object_get(ra, "next_event_id")) == 5);
	json_decref(ra);
	json_decref(rb);
	char *torn = read_file("9.json", &len);
	CHECK(torn && len == 20);
	free(torn);
	char *audit = read_file(UPGRADE_AUDIT_FILE, &len);
	CHECK(audit && strstr(audit, "upgrade_interrupted") != NULL);
	free(audit);
	upgrade_store_replay_recovered(on_replay);
	CHECK(replayed == 2);
	upgrade_store_replay_recovered(on_replay);	/* only once */
	CHECK(replayed == 2);
	upgrade_store_close();

	/* A second restart changes nothing more. */
	CHECK(upgrade_store_open(state, err, sizeof(err)) == 0);
	upgrade_store_replay_recovered(on_replay);
	CHECK(replayed == 2);
	upgrade_store_close();
}

static void
ignore_replay(uint64_t upgrade_id, uint64_t event_id, const char *name,
    const char *json)
{
	(void)upgrade_id;
	(void)event_id;
	(void)name;
	(void)json;
}

static int
collect_id(const struct job_event *ev, void *ctx)
{
	uint64_t *ids = ctx;
	if (ids[0] < 7)
		ids[++ids[0]] = ev->id;
	return 0;
}

/* The record is saved before each event is appended: a crash between the
 * two leaves it one event behind, maybe with the append itself torn. The
 * recovery event must take the next free id, after a clean line end. */
static void
test_recovery_event_after_the_last_one(void)
{
	char err[256], path[256];
	CHECK(upgrade_store_open(state, err, sizeof(err)) == 0);
	uint64_t id = upgrade_store_take_id();
	json_t *rec = running_record(id, true);	/* next_event_id 4 */
	CHECK(upgrade_store_save(id, rec) == 0);
	json_decref(rec);
	for (uint64_t e = 1; e <= 4; e++)
		CHECK(upgrade_store_event(id, e, "step", "{\"step\":\"x\"}") ==
		    0);
	upgrade_store_close();
	snprintf(path, sizeof(path), "%s/upgrades/%llu.events", state,
	    (unsigned long long)id);
	int fd = open(path, O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "5 step {\"ste", 12) == 12);
	close(fd);

	CHECK(upgrade_store_open(state, err, sizeof(err)) == 0);
	upgrade_store_replay_recovered(ignore_replay);
	upgrade_store_close();
	fd = open(path, O_RDONLY);
	uint64_t ids[8] = { 0 };
	off_t at = 0;
	CHECK(jobfile_read_events(fd, &at, 0, 1 << 20, collect_id, ids, err,
	    sizeof(err)) == 5);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == at);	/* no torn tail */
	close(fd);
	for (uint64_t i = 1; i <= ids[0]; i++)
		CHECK(ids[i] == i);
	json_t *after = jobfile_load_record_in(state, JOBFILE_UPGRADES, id);
	CHECK_STR(json_string_value(json_object_get(after, "status")),
	    "unknown");
	CHECK(json_integer_value(json_object_get(after, "next_event_id")) ==
	    6);
	json_decref(after);
}

static char replayed_name[16];
static uint64_t replayed_event;

static void
note_replay(uint64_t upgrade_id, uint64_t event_id, const char *name,
    const char *json)
{
	(void)upgrade_id;
	(void)json;
	snprintf(replayed_name, sizeof(replayed_name), "%s", name);
	replayed_event = event_id;
}

/* A finished record whose log lost its end event (a crash between the
 * record and the event) gets the end back, made from the record. */
static void
test_finished_upgrade_gets_its_end(void)
{
	char err[256], path[256];
	CHECK(upgrade_store_open(state, err, sizeof(err)) == 0);
	uint64_t id = upgrade_store_take_id();
	json_t *rec = json_pack("{s:I, s:s, s:b, s:s, s:s, s:I}", "upgrade_id",
	    (json_int_t)id, "status", "success", "success", 1, "tx_hash",
	    "0xab", "block_hash", "0xcd", "next_event_id", (json_int_t)3);
	CHECK(upgrade_store_save(id, rec) == 0);
	json_decref(rec);
	for (uint64_t e = 1; e <= 2; e++)
		CHECK(upgrade_store_event(id, e, "step", "{\"step\":\"x\"}") ==
		    0);
	upgrade_store_close();

	CHECK(upgrade_store_open(state, err, sizeof(err)) == 0);
	replayed_name[0] = '\0';
	upgrade_store_replay_recovered(note_replay);
	CHECK_STR(replayed_name, "complete");
	CHECK(replayed_event == 3);
	upgrade_store_close();
	snprintf(path, sizeof(path), "%s/upgrades/%llu.events", state,
	    (unsigned long long)id);
	size_t len;
	char *log = fs_read_capped(path, 1 << 20, &len);
	CHECK(log && strstr(log, "\n3 complete {") != NULL);
	CHECK(log && strstr(log, "\"tx_hash\":\"0xab\"") != NULL);
	free(log);
	json_t *after = jobfile_load_record_in(state, JOBFILE_UPGRADES, id);
	CHECK(json_integer_value(json_object_get(after, "next_event_id")) ==
	    4);
	CHECK_STR(json_string_value(json_object_get(after, "status")),
	    "success");
	json_decref(after);

	/* Once ended, a restart adds nothing. */
	CHECK(upgrade_store_open(state, err, sizeof(err)) == 0);
	replayed_name[0] = '\0';
	upgrade_store_replay_recovered(note_replay);
	CHECK_STR(replayed_name, "");
	upgrade_store_close();
}

static void
test_unusable_directory(void)
{
	char err[256], file[128];
	snprintf(file, sizeof(file), "%s/not-a-dir", state);
	CHECK(fs_write_atomic(file, "x", 1, 0640) == 0);
	CHECK(upgrade_store_open(file, err, sizeof(err)) == -1);
	CHECK(strstr(err, "not-a-dir") != NULL);
	CHECK(upgrade_store_dirfd() == -1);
	json_t *empty = json_object();
	CHECK(upgrade_store_save(1, empty) == -1);
	json_decref(empty);
	CHECK(upgrade_store_audit(json_object()) == -1);
	CHECK(upgrade_store_event(1, 1, "step", "{}") == -1);
	CHECK(upgrade_store_blob(1, ".x", (const uint8_t *)"x", 1) == -1);
}

int
main(void)
{
	if (mkdtemp(strcpy(state, "/tmp/rtforge-upgrade-store.XXXXXX")) ==
	    NULL) {
		perror("mkdtemp");
		return 2;
	}
	RUN(test_fresh_store);
	RUN(test_record_events_audit_blob);
	RUN(test_restart_ends_interrupted_upgrades);
	RUN(test_recovery_event_after_the_last_one);
	RUN(test_finished_upgrade_gets_its_end);
	RUN(test_unusable_directory);
	CHECK(fs_remove_tree(state) == 0);
	return testlib_summary();
}
