#!/usr/bin/env bash
# The main job: the reference backend (every service, state in ./acquire-data) and a
# Jupyter notebook server on examples/notebooks with the Acquire Java kernel installed.
# Ctrl-C stops both. Options: PORT (8080), NOTEBOOK_PORT (8888), DATA (acquire-data),
# PUBLIC_URL (what login QR codes point at; a phone cannot open 127.0.0.1: give your
# machine's LAN address, such as http://192.168.1.20:8080, which also makes the backend
# listen on every interface), BUILD=1 (rebuild even if no source changed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
port="${PORT:-8080}"
notebook_port="${NOTEBOOK_PORT:-8888}"
data="${DATA:-acquire-data}"
public_url="${PUBLIC_URL:-}"

echo "run: checking for the Debian packages the notebooks need (Jupyter, nbconvert, ...); as root, scripts/setup-machine.sh installs any that are missing"
scripts/setup-machine.sh

# Building and installing the kernel takes half a minute: only when a source changed since the last time.
stamp="$root/acquire-notebook/target/.run-built"
if [[ "${BUILD:-0}" == 1 || ! -f "$stamp" ]] \
    || [[ -n "$(find pom.xml acquire-client mock-services acquire-notebook -path '*/target' -prune -o -newer "$stamp" \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' \) -print -quit)" ]]; then
  echo "run: building the backend and the kernel"
  mvn -B -q -ntp -pl mock-services,acquire-notebook -am package -DskipTests
  scripts/install-kernel.sh
  touch "$stamp"
else
  echo "run: no source changed since the last build; starting at once (BUILD=1 rebuilds)"
fi

backend_args=(--port "$port" --data "$data")
[[ -n "$public_url" ]] && backend_args+=(--host 0.0.0.0 --public-url "$public_url")
scripts/backend.sh "${backend_args[@]}" &
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
# In the background, so that a TERM (not only Ctrl-C) stops both at once: bash runs a trap
# only after the foreground command has ended.
jupyter notebook --no-browser --ip=127.0.0.1 --port="$notebook_port" \
  --notebook-dir="$root/examples/notebooks" "${root_flag[@]}" &
notebook=$!
trap 'kill "$notebook" "$backend" 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
wait "$notebook"
