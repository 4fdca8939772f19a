#!/usr/bin/env bash
# Starts the compiled build (what the Docker image runs) on a free data directory and waits for /readyz.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
port=${SMOKE_PORT:-18181}
CONFIG_DIR="$PWD/config" DATA_DIR="$data" PORT="$port" LOG_LEVEL=warn node dist/src/main.js >"$data/out.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then echo "compiled build answers /readyz"; exit 0; fi
  sleep 0.2
done
echo "compiled build did not become ready:"; cat "$data/out.log"; exit 1
