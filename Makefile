# rtforge — see README.md. `make` builds, `make check` tests everything,
# `make run` starts a local rtforge on its --dev defaults.

CC      ?= cc
# snprintf cutting a message at its buffer is the cap working, not a bug.
WARN    := -Wall -Wextra -Werror -Wno-format-truncation
CSTD    := -std=c11 -D_GNU_SOURCE
INCS    := -Icommon -Idaemon -Iworker-build -Iworker-sign
CFLAGS  ?= -O2 -g
HARDEN  := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
LDHARD  := -pie -Wl,-z,relro,-z,now
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LIBS    := -levent -ljansson -lsodium -lzstd
JAIL_LIBS := -lseccomp -lcap

COMMON_SRC := $(wildcard common/*.c)
DAEMON_SRC := $(wildcard daemon/*.c)
BUILD_SRC  := $(wildcard worker-build/*.c)
SIGN_SRC   := $(wildcard worker-sign/*.c)

# Normal objects go to obj/, sanitizer objects to obj-asan/.
obj      = $(patsubst %.c,obj/%.o,$(1))
obj_asan = $(patsubst %.c,obj-asan/%.o,$(1))

BINS      := bin/rtforged bin/rtforge-build bin/rtforge-sign
BINS_ASAN := bin-asan/rtforged bin-asan/rtforge-build bin-asan/rtforge-sign

UNIT_TESTS := $(patsubst tests/unit/%.c,bin-asan/%,$(wildcard tests/unit/test_*.c))
FUZZERS := $(patsubst tests/fuzz/%.c,bin-fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
TEST_TOOLS := $(patsubst tests/tools/%.c,bin-asan/tool_%,$(wildcard tests/tools/*.c))

.PHONY: all asan deps check unit integration run lint clean reset-state bench bench-sign bench-sse bench-api bench-footprint bench-upgrade fuzz deb

all: $(BINS)
asan: $(BINS_ASAN) $(TEST_TOOLS)

obj/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(HARDEN) $(INCS) -c $< -o $@

obj-asan/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INCS) -c $< -o $@

bin/rtforged: $(call obj,$(COMMON_SRC) $(DAEMON_SRC))
	@mkdir -p bin
	$(CC) $(LDHARD) -o $@ $^ $(LIBS)
bin/rtforge-build: $(call obj,$(COMMON_SRC) $(BUILD_SRC))
	@mkdir -p bin
	$(CC) $(LDHARD) -o $@ $^ $(LIBS) $(JAIL_LIBS)
bin/rtforge-sign: $(call obj,$(COMMON_SRC) $(SIGN_SRC))
	@mkdir -p bin
	$(CC) $(LDHARD) -o $@ $^ $(LIBS) $(JAIL_LIBS)

bin-asan/rtforged: $(call obj_asan,$(COMMON_SRC) $(DAEMON_SRC))
	@mkdir -p bin-asan
	$(CC) $(SAN) -o $@ $^ $(LIBS)
bin-asan/rtforge-build: $(call obj_asan,$(COMMON_SRC) $(BUILD_SRC))
	@mkdir -p bin-asan
	$(CC) $(SAN) -o $@ $^ $(LIBS) $(JAIL_LIBS)
bin-asan/rtforge-sign: $(call obj_asan,$(COMMON_SRC) $(SIGN_SRC))
	@mkdir -p bin-asan
	$(CC) $(SAN) -o $@ $^ $(LIBS) $(JAIL_LIBS)

# Valgrind builds (bin-vg/, for make check's valgrind run): -O1 -g, no
# sanitizers. RTFORGE_VALGRIND_BUILD leaves the sign worker's seccomp filter
# off, because valgrind's own system calls would trip it; the worker logs
# that. Release and sanitizer builds never have that switch.
obj_vg  = $(patsubst %.c,obj-vg/%.o,$(1))
BINS_VG := bin-vg/rtforged bin-vg/rtforge-build bin-vg/rtforge-sign
obj-vg/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g -DRTFORGE_VALGRIND_BUILD $(INCS) -c $< -o $@
bin-vg/rtforged: $(call obj_vg,$(COMMON_SRC) $(DAEMON_SRC))
	@mkdir -p bin-vg
	$(CC) -o $@ $^ $(LIBS)
bin-vg/rtforge-build: $(call obj_vg,$(COMMON_SRC) $(BUILD_SRC))
	@mkdir -p bin-vg
	$(CC) -o $@ $^ $(LIBS) $(JAIL_LIBS)
bin-vg/rtforge-sign: $(call obj_vg,$(COMMON_SRC) $(SIGN_SRC))
	@mkdir -p bin-vg
	$(CC) -o $@ $^ $(LIBS) $(JAIL_LIBS)

# Each unit test links the objects it tests; they are all small, so every
# test gets the common, daemon-helper and build-worker helper objects.
UNIT_LIB := $(call obj_asan,$(COMMON_SRC) daemon/sse_format.c \
	worker-build/cargo_json.c worker-build/progress.c \
	$(filter-out worker-sign/main.c,$(SIGN_SRC)))
bin-asan/test_%: obj-asan/tests/unit/test_%.o $(UNIT_LIB)
	@mkdir -p bin-asan
	$(CC) $(SAN) -o $@ $^ $(LIBS) $(JAIL_LIBS)

# Test tools: small programs the integration tests run to compare rtforge's
# decoders with an independent client (tests/tools/*.c -> bin-asan/<name>).
bin-asan/tool_%: obj-asan/tests/tools/%.o $(UNIT_LIB)
	@mkdir -p bin-asan
	$(CC) $(SAN) -o $@ $^ $(LIBS) $(JAIL_LIBS)
obj-asan/tests/tools/%.o: tests/tools/%.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INCS) -c $< -o $@
obj-asan/tests/unit/%.o: tests/unit/%.c tests/unit/testlib.h $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INCS) -Itests/unit -c $< -o $@

deps:
	@packaging/install-deps.sh

check: deps
	@$(MAKE) --no-print-directory all asan $(BINS_VG) $(UNIT_TESTS) $(FUZZERS)
	@$(MAKE) --no-print-directory lint
	@tests/run-all.sh

unit: asan $(UNIT_TESTS) $(FUZZERS)
	@tests/run-all.sh unit

integration: all asan $(BINS_VG)
	@tests/run-all.sh integration

lint:
	@cppcheck --quiet --error-exitcode=1 --inline-suppr \
		--enable=warning,style,performance,portability \
		--suppress=missingIncludeSystem --suppress=unusedFunction \
		--std=c11 -D_GNU_SOURCE --include=/usr/include/x86_64-linux-gnu/sys/queue.h \
		$(INCS) common daemon worker-build worker-sign bench
	@echo "cppcheck: clean"

run: deps all
	@tests/run-dev.sh

# Benchmarks print ratios against a baseline measured in the same run.
bench: deps all bin/bench_sign
	@node bench/jail-overhead.mjs $(ROUNDS)
	@node bench/sign.mjs $(ROUNDS)
	@node bench/upgrade.mjs $(ROUNDS)
	@$(MAKE) --no-print-directory $(BENCH_TOOLS)
	@node bench/sse.mjs $(ROUNDS)
	@node bench/api.mjs $(ROUNDS)
	@node bench/footprint.mjs $(ROUNDS)

# SSE fan-out only (about 2 minutes): rtforge's front against a Node.js
# http broadcaster, 100 to 10,000 clients of one build log, in turns;
# latency, RSS and CPU.
bench-sse: deps all bin/bench_sse_client bin/bench_sse_emit
	@node bench/sse.mjs $(ROUNDS)

# API throughput only (about 1.5 minutes): GET /api/build/artifacts from
# rtforge (against a chopsticks chain) versus nginx serving the same bytes,
# wrk -t1 -c50 (or bin/bench_http_load where wrk is missing), in turns.
bench-api: deps all bin/bench_http_load
	@node bench/api.mjs $(ROUNDS)

# Footprint only (under a minute): idle RSS of all rtforge processes and
# the time from start to READY=1 and to serving, beside nginx's.
bench-footprint: deps all
	@node bench/footprint.mjs $(ROUNDS)

# Runtime upgrade only (about 2 minutes): rtforge (bin/, --dev) against
# @polkadot/api, request until the extrinsic is sent, on fresh chopsticks
# chains, in turns; time, CPU and peak RSS.
bench-upgrade: deps all
	@node bench/upgrade.mjs $(ROUNDS)

# Signing only (under a minute): rtforge's signers against PQClean and
# @polkadot/util-crypto, in turns.
bench-sign: deps bin/bench_sign
	@node bench/sign.mjs $(ROUNDS)

# Release-built like the sign worker, so it times what the worker runs;
# only the signers and what they use, not the worker's other files.
bin/bench_sign: $(call obj,bench/sign_bench.c common/keccak.c \
	$(addprefix worker-sign/,sr25519.c merlin.c strobe.c ed25519.c) \
	$(wildcard worker-sign/sphincs*.c))
	@mkdir -p bin
	$(CC) $(LDHARD) -o $@ $^ $(LIBS) $(JAIL_LIBS)

# The benchmarks' own load generators and fake cargo: plain -O2, no
# sanitizers, none of rtforge's code.
BENCH_TOOLS := bin/bench_sse_client bin/bench_sse_emit bin/bench_http_load
$(BENCH_TOOLS): bin/bench_%: bench/%.c
	@mkdir -p bin
	$(CC) $(CSTD) $(WARN) -O2 -g $(HARDEN) $(LDHARD) -o $@ $<

# A Debian package built by dpkg-buildpackage from packaging/debian/ in a
# scratch copy of the sources, checked by lintian; lands in bin/.
deb:
	@packaging/build-deb.sh

# The --dev state (jobs, logs, artifacts, cargo target dir) lives in state/.
reset-state:
	rm -rf state

clean:
	rm -rf obj obj-asan obj-vg bin bin-asan bin-vg bin-fuzz

# libFuzzer harnesses (clang), each run FUZZ_SECONDS, or FUZZ_RUNS
# executions when that is set, from a seed corpus.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
FUZZ_CFLAGS := $(CSTD) -Wall -Wextra -Werror -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(INCS)
FUZZ_LIB := $(COMMON_SRC) daemon/sse_format.c daemon/request_check.c \
	worker-build/cargo_json.c

bin-fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) $(wildcard */*.h)
	@mkdir -p bin-fuzz
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB) $(LIBS) $(JAIL_LIBS)

fuzz: $(FUZZERS)
	@FUZZ_SMOKE_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) \
		FUZZ_DIR=tests/work/fuzz tests/fuzz-smoke.sh
