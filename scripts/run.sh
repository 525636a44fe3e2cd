#!/usr/bin/env bash
# The main job: the reference backend (every service, state in ./acquire-data) and a
# Jupyter notebook server on examples/notebooks with the Acquire Java kernel installed.
# Ctrl-C stops both. Options: PORT (8080), NOTEBOOK_PORT (8888), DATA (acquire-data).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
port="${PORT:-8080}"
notebook_port="${NOTEBOOK_PORT:-8888}"
data="${DATA:-acquire-data}"

scripts/setup-machine.sh
mvn -B -q -ntp -pl mock-services,acquire-notebook -am package -DskipTests
scripts/install-kernel.sh

scripts/backend.sh --port "$port" --data "$data" &
backend=$!
trap 'kill "$backend" 2>/dev/null; wait "$backend" 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/t/registry" >/dev/null 2>&1 && break
  kill -0 "$backend" 2>/dev/null || { echo "run: the backend did not start" >&2; exit 1; }
  sleep 0.5
done

export ACQUIRE_URL="http://127.0.0.1:$port"
root_flag=()
[[ $(id -u) -eq 0 ]] && root_flag=(--allow-root)
echo "run: backend at $ACQUIRE_URL; opening Jupyter on examples/notebooks (kernel: Java (Acquire))"
jupyter notebook --no-browser --ip=127.0.0.1 --port="$notebook_port" \
  --notebook-dir="$root/examples/notebooks" "${root_flag[@]}"
