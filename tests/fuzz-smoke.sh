#!/bin/sh
# make check's short fuzzing pass: every libFuzzer harness in bin-fuzz/ for
# FUZZ_SMOKE_SECONDS (default 5) from the seed corpus `make fuzz` uses. A
# crash, leak or sanitizer report fails it; the input is kept under
# tests/work/fuzz-smoke/<harness>/. `make fuzz` runs the same, longer.
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_SMOKE_SECONDS:-5}
passed=0
failed=0
for f in bin-fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	dir=tests/work/fuzz-smoke/$name
	rm -rf "$dir"
	mkdir -p "$dir/corpus"
	cp tests/unit/data/* "$dir/corpus/" 2>/dev/null
	cp packaging/rtforge.json.example "$dir/corpus/"
	if "$f" -max_total_time="$secs" -artifact_prefix="$dir/" \
	    -print_final_stats=1 "$dir/corpus" >"$dir/log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
		cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1)
		echo "ok   $name: ${runs:-?} runs in ${secs} s, $cov"
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
