#!/usr/bin/env bash
# The main job on the embedded default: no cloud account. ferry_testd serves a generated 1 GiB object over HTTP on
# loopback; ferry downloads it with parallel ranged GETs into the local store directory, with progress and a
# throughput line, and prints the JSON report.
set -euo pipefail
build=${1:-build}
store=${FERRY_STORE:-$PWD/ferry-store}
size=${FERRY_MAIN_SIZE:-1GiB}
mkdir -p "$store/downloads"

portfile=$(mktemp)
"$build/ferry_testd" --memory --port 0 --port-file "$portfile" >/dev/null &
testd=$!
trap 'kill $testd 2>/dev/null || true; rm -f "$portfile"' EXIT
for _ in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.05; done
port=$(sed -n 's/.*http=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$portfile")
[ -n "$port" ] || { echo "main job: ferry_testd did not start" >&2; exit 1; }

echo "main job: downloading a generated $size object from ferry_testd (127.0.0.1:$port) into $store/downloads"
"$build/ferry" cp "http://127.0.0.1:$port/_gen/$size?seed=7" "$store/downloads/generated.bin" \
  --concurrency 8 --part-size 16MiB --progress
"$build/ferry" cp "$store/downloads/generated.bin" "$store/generated-copy.bin" --json
