#!/bin/sh
# `make run`: rtforge on its --dev defaults (loopback, no auth, the bundled
# demo workspace, state in ./state). Stop it with Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
port=${RTFORGE_PORT:-8080}
echo "rtforge (dev mode): wallet page at http://127.0.0.1:$port/"
echo "  build the demo runtime:  curl -s -XPOST localhost:$port/api/build/runtime"
echo "  watch it:                curl -N localhost:$port/api/build/status/<job_id>"
exec bin/rtforged --dev --listen "127.0.0.1:$port"
