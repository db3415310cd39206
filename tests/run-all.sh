#!/bin/sh
# Runs the unit tests and the integration tests (as root with per-role
# users, and as an unprivileged user), then prints one summary line.
# Usage: run-all.sh [unit|integration]   (default: both)
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
out=$(mktemp)
status=0

run() {
	echo "== $*"
	"$@" 2>&1 | tee -a "$out" || status=1
}

if [ "$what" = all ] || [ "$what" = unit ]; then
	for t in bin-asan/test_*; do
		[ -x "$t" ] || continue
		RTFORGE_TEST_DATA=tests/unit/data run "$t"
	done
	# Signatures against implementations we did not write: polkadot-js's
	# sr25519/ed25519 and PQClean's SPHINCS+ (npm, installed by make deps).
	run node tests/sr25519-crosscheck/crosscheck.mjs bin-asan/tool_sr25519
	run node tests/sphincs-crosscheck/crosscheck.mjs node_modules/pqclean \
	    bin-asan/tool_sphincs
	run tests/fuzz-smoke.sh
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
	if [ "$(id -u)" -eq 0 ]; then
		run tests/run-integration.sh root
		run tests/run-integration.sh unprivileged rtforge-test
	else
		echo "skipped: the root run of the integration tests needs root (per-role users)"
		run tests/run-integration.sh unprivileged
	fi
fi

# Add up every "N passed, N failed" line the runners printed.
total=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" |
	awk '{p += $1; f += $3} END {printf "%d %d", p, f}')
rm -f "$out"
passed=${total% *}
failed=${total#* }
[ "$failed" -eq 0 ] || status=1
[ "$passed" -gt 0 ] || { echo "no tests ran"; status=1; }
echo
echo "$passed passed, $failed failed"
exit "$status"
