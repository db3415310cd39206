/* Tokens: the configured names, roles and argon2id hashes, one verifier
 * thread that runs crypto_pwhash_str_verify off the event loop, and a
 * keyed BLAKE2b of each secret once verified, so later requests with the
 * same token cost microseconds. The MAC key is random per process: a
 * restart verifies each token once again. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "auth_int.h"
#include "log.h"

#define VERIFY_QUEUE_MAX 16

struct token_slot {
	struct config_token cfg;
	bool has_mac;
	uint8_t mac[32];
};

struct verify_job {
	int index;
	char hash[CONFIG_TOKEN_HASH_MAX];
	char *secret;		/* sodium_malloc'd, wiped */
	size_t secret_len;
	bool ok;
	uint8_t mac[32];
	token_verified_fn fn;
	void *arg;
	struct verify_job *next;
};

static struct token_slot slots[CONFIG_TOKENS_MAX];
static size_t slot_count;
static uint8_t mac_key[32];

static pthread_t thread;
static bool thread_started;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct verify_job *queue_head, *queue_tail;
static size_t queued;
static bool stopping;
static int done_pipe[2] = { -1, -1 };
static struct event *done_ev;

static void
secret_mac(const char *secret, size_t len, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)secret, len, mac_key,
	    sizeof(mac_key));
}

static void
job_free(struct verify_job *j)
{
	if (j->secret)
		sodium_free(j->secret);	/* wipes */
	sodium_memzero(j->mac, sizeof(j->mac));
	free(j);
}

static void *
verifier(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (queue_head == NULL && !stopping)
			pthread_cond_wait(&wake, &lock);
		if (stopping) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		struct verify_job *j = queue_head;
		queue_head = j->next;
		if (queue_head == NULL)
			queue_tail = NULL;
		pthread_mutex_unlock(&lock);
		j->ok = crypto_pwhash_str_verify(j->hash, j->secret,
		    j->secret_len) == 0;
		if (j->ok)
			secret_mac(j->secret, j->secret_len, j->mac);
		sodium_free(j->secret);
		j->secret = NULL;
		ssize_t n;
		do
			n = write(done_pipe[1], &j, sizeof(j));
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(j))
			log_warn("token verifier: cannot report a result");
	}
}

/* Back on the loop: remember a good secret's MAC, then answer. */
static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	struct verify_job *j;
	(void)what;
	(void)arg;
	while (read(fd, &j, sizeof(j)) == (ssize_t)sizeof(j)) {
		pthread_mutex_lock(&lock);
		queued--;
		pthread_mutex_unlock(&lock);
		/* The config may have been reloaded meanwhile: only a slot
		 * that still holds the same hash learns the MAC. */
		bool same = j->index >= 0 && (size_t)j->index < slot_count &&
		    strcmp(slots[j->index].cfg.hash, j->hash) == 0;
		if (j->ok && same) {
			memcpy(slots[j->index].mac, j->mac, 32);
			slots[j->index].has_mac = true;
		}
		j->fn(j->index, j->ok && same, j->arg);
		job_free(j);
	}
}

int
tokens_init(struct event_base *base, char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return -1;
	}
	randombytes_buf(mac_key, sizeof(mac_key));
	if (pipe2(done_pipe, O_CLOEXEC | O_NONBLOCK) != 0 ||
	    (done_ev = event_new(base, done_pipe[0], EV_READ | EV_PERSIST,
	    on_done, NULL)) == NULL || event_add(done_ev, NULL) != 0 ||
	    pthread_create(&thread, NULL, verifier, NULL) != 0) {
		snprintf(err, errlen, "cannot start the token verifier: %s",
		    strerror(errno));
		return -1;
	}
	thread_started = true;
	return 0;
}

void
tokens_load(const struct config_auth *auth)
{
	struct token_slot fresh[CONFIG_TOKENS_MAX];
	memset(fresh, 0, sizeof(fresh));
	for (size_t i = 0; i < auth->token_count; i++) {
		fresh[i].cfg = auth->tokens[i];
		/* An unchanged hash keeps its verified MAC across a reload. */
		for (size_t j = 0; j < slot_count; j++)
			if (strcmp(slots[j].cfg.hash, auth->tokens[i].hash) == 0 &&
			    slots[j].has_mac) {
				fresh[i].has_mac = true;
				memcpy(fresh[i].mac, slots[j].mac, 32);
			}
	}
	sodium_memzero(slots, sizeof(slots));
	memcpy(slots, fresh, sizeof(slots));
	sodium_memzero(fresh, sizeof(fresh));
	slot_count = auth->token_count;
}

size_t
tokens_count(void)
{
	return slot_count;
}

const struct config_token *
tokens_get(int index)
{
	return index >= 0 && (size_t)index < slot_count ? &slots[index].cfg :
	    NULL;
}

int
tokens_find(const char *token, const char **secret)
{
	const char *dot = strchr(token, '.');
	if (dot == NULL || dot == token || dot[1] == '\0' ||
	    strlen(dot + 1) > AUTH_SECRET_MAX)
		return -1;
	size_t n = (size_t)(dot - token);
	for (size_t i = 0; i < slot_count; i++)
		if (strlen(slots[i].cfg.name) == n &&
		    memcmp(slots[i].cfg.name, token, n) == 0) {
			*secret = dot + 1;
			return (int)i;
		}
	return -1;
}

int
tokens_check(int index, const char *secret, token_verified_fn fn, void *arg)
{
	size_t len = strlen(secret);
	struct token_slot *s = &slots[index];
	if (s->has_mac) {
		uint8_t mac[32];
		secret_mac(secret, len, mac);
		int same = sodium_memcmp(mac, s->mac, 32) == 0;
		sodium_memzero(mac, sizeof(mac));
		if (same)
			return TOKENS_OK;
	}
	struct verify_job *j = calloc(1, sizeof(*j));
	if (j == NULL || (j->secret = sodium_malloc(len + 1)) == NULL) {
		free(j);
		return TOKENS_BUSY;
	}
	memcpy(j->secret, secret, len + 1);
	j->secret_len = len;
	j->index = index;
	memcpy(j->hash, s->cfg.hash, sizeof(j->hash));
	j->fn = fn;
	j->arg = arg;
	pthread_mutex_lock(&lock);
	if (queued >= VERIFY_QUEUE_MAX || !thread_started) {
		pthread_mutex_unlock(&lock);
		job_free(j);
		return TOKENS_BUSY;
	}
	queued++;
	if (queue_tail)
		queue_tail->next = j;
	else
		queue_head = j;
	queue_tail = j;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	return TOKENS_PENDING;
}

void
tokens_shutdown(void)
{
	if (thread_started) {
		pthread_mutex_lock(&lock);
		stopping = true;
		pthread_cond_signal(&wake);
		pthread_mutex_unlock(&lock);
		pthread_join(thread, NULL);
		thread_started = false;
	}
	while (queue_head) {
		struct verify_job *j = queue_head;
		queue_head = j->next;
		job_free(j);
	}
	queue_tail = NULL;
	if (done_ev)
		event_free(done_ev);
	done_ev = NULL;
	/* Results still in the pipe: their callbacks would find the
	 * requests gone; free them unanswered. */
	struct verify_job *j;
	while (done_pipe[0] >= 0 && read(done_pipe[0], &j, sizeof(j)) ==
	    (ssize_t)sizeof(j))
		job_free(j);
	for (int i = 0; i < 2; i++)
		if (done_pipe[i] >= 0)
			close(done_pipe[i]);
	done_pipe[0] = done_pipe[1] = -1;
	sodium_memzero(slots, sizeof(slots));
	sodium_memzero(mac_key, sizeof(mac_key));
	slot_count = 0;
}
