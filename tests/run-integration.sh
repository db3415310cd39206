#!/bin/sh
# Runs the integration tests in a staged copy of the checkout, so that the
# role users can read it wherever the checkout lives (a clone under /root
# would be unreadable to them). Usage: run-integration.sh LABEL [USER]
# RTFORGE_IT_ONLY=name runs only tests/integration/name.test.mjs.
set -eu
label=$1
user=${2:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
stage=$(mktemp -d "/tmp/rtforge-it-$label.XXXXXX")
spec=node_modules/@substrate/connect/dist/connector/specs/rococo_v2_1.json

cp -a "$repo/bin-asan" "$repo/web" "$stage/"
# The valgrind build, for valgrind.test.mjs (make check builds it).
[ ! -d "$repo/bin-vg" ] || cp -a "$repo/bin-vg" "$stage/"
mkdir -p "$stage/tests" "$stage/$(dirname "$spec")"
cp -a "$repo/tests/demo-workspace" "$repo/tests/fixtures" "$stage/tests/"
rm -rf "$stage"/tests/demo-workspace/target "$stage"/tests/fixtures/*/target
cp "$repo/$spec" "$stage/$spec"
chmod -R a+rX "$stage"
chmod 755 "$stage"

status=0
for t in "$repo"/tests/integration/${RTFORGE_IT_ONLY:-*}.test.mjs; do
	node "$t" --root "$stage" --label "$label" ${user:+--user "$user"} ||
		status=1
done
if [ "$status" -eq 0 ]; then
	rm -rf "$stage"
else
	echo "integration ($label): logs kept in $stage/daemon-*.log"
fi
exit "$status"
