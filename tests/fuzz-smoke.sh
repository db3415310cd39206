#!/bin/sh
# Runs every libFuzzer harness in bin-fuzz/ from the seed corpus (the unit
# tests' data and the example config) and prints the executions and the
# coverage per harness. A crash, leak or sanitizer report fails it; the
# input is kept under $FUZZ_DIR/<harness>/.
#   make check: FUZZ_SMOKE_SECONDS (default 5) each, in tests/work/fuzz-smoke
#   make fuzz:  FUZZ_SECONDS each, or FUZZ_RUNS executions each when set,
#               in tests/work/fuzz (the corpus grows from run to run)
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_SMOKE_SECONDS:-5}
runs_limit=${FUZZ_RUNS:-}
work=${FUZZ_DIR:-tests/work/fuzz-smoke}
passed=0
failed=0
if [ -n "$runs_limit" ]; then
	limit="-runs=$runs_limit"
	what="$runs_limit runs"
else
	limit="-max_total_time=$secs"
	what="${secs} s"
fi
for f in bin-fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	dir=$work/$name
	[ -n "${FUZZ_DIR:-}" ] || rm -rf "$dir"
	mkdir -p "$dir/corpus"
	cp tests/unit/data/* "$dir/corpus/" 2>/dev/null
	cp packaging/rtforge.json.example "$dir/corpus/"
	if "$f" "$limit" -artifact_prefix="$dir/" -print_final_stats=1 \
	    "$dir/corpus" >"$dir/log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
		cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1)
		echo "ok   $name: ${runs:-?} executions (limit: $what), $cov"
		passed=$((passed + 1))
	else
		echo "FAIL $name (log and crashing input in $dir):"
		tail -30 "$dir/log"
		failed=$((failed + 1))
	fi
done
[ $((passed + failed)) -gt 0 ] || { echo "no fuzzers built"; failed=1; }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
