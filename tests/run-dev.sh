#!/bin/sh
# `make run`: rtforge on its --dev defaults (loopback, no auth, the bundled
# demo workspace, state in ./state), next to a local test chain (chopsticks
# on the Rococo genesis, tests/dev-chain.mjs) that it is pointed at with
# --node. Stop both with Ctrl-C.
#   RTFORGE_PORT        the wallet's port (8080)
#   RTFORGE_CHAIN_PORT  the chain's port to ask for (9944; chopsticks takes
#                       the next free one if it is busy, and we follow)
#   RTFORGE_NO_CHAIN=1  no chain: rtforged uses its default node URL
set -eu
cd "$(dirname "$0")/.."
port=${RTFORGE_PORT:-8080}
chain_port=${RTFORGE_CHAIN_PORT:-9944}
chain_pid=
chain_out=
chain_log=

stop_chain() {
	if [ -n "$chain_pid" ]; then
		kill "$chain_pid" 2>/dev/null || true
		wait "$chain_pid" 2>/dev/null || true
		chain_pid=
	fi
	[ -z "$chain_out" ] || rm -f "$chain_out"
}
trap stop_chain EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

node_url=
if [ "${RTFORGE_NO_CHAIN:-0}" != 1 ]; then
	chain_out=$(mktemp "${TMPDIR:-/tmp}/rtforge-dev-chain.XXXXXX")
	chain_log=${chain_out}.log
	node tests/dev-chain.mjs --port "$chain_port" --log "$chain_log" \
	    >"$chain_out" &
	chain_pid=$!
	# The URL line comes once the chain listens (about 3 s).
	tries=0
	while [ ! -s "$chain_out" ]; do
		if ! kill -0 "$chain_pid" 2>/dev/null; then
			chain_pid=
			echo "the test chain did not start; its log: $chain_log" >&2
			echo "(RTFORGE_NO_CHAIN=1 runs rtforge without it)" >&2
			exit 1
		fi
		tries=$((tries + 1))
		if [ "$tries" -gt 700 ]; then
			echo "the test chain did not start within 70 s; its log:" \
			    "$chain_log" >&2
			exit 1
		fi
		sleep 0.1
	done
	node_url=$(head -n 1 "$chain_out")
fi

echo "rtforge (dev mode): wallet page at http://127.0.0.1:$port/"
if [ -n "$node_url" ]; then
	echo "  test chain:              $node_url (Rococo 9140, Sudo //Alice; log $chain_log)"
else
	echo "  test chain:              none (RTFORGE_NO_CHAIN=1)"
fi
echo "  build the demo runtime:  curl -s -XPOST localhost:$port/api/build/runtime"
echo "  watch it:                curl -N localhost:$port/api/build/status/<job_id>"
# rtforged runs as a child, not exec'd, so that the chain is stopped when
# it exits; Ctrl-C or a TERM to this script stops rtforged first.
set -- --dev --listen "127.0.0.1:$port"
[ -z "$node_url" ] || set -- "$@" --node "$node_url"
bin/rtforged "$@" &
daemon_pid=$!
trap 'kill -TERM "$daemon_pid" 2>/dev/null || true' INT TERM HUP
status=0
while :; do
	wait "$daemon_pid" && status=0 || status=$?
	kill -0 "$daemon_pid" 2>/dev/null || break
done
exit "$status"
