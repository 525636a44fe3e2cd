#!/usr/bin/env bash
# Runs the reference backend alone; arguments go to acquire-server (try --help).
# Example: scripts/backend.sh --port 8080 --data acquire-data --services registry,identity
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/mock-services/target/mock-services-0.1.0-SNAPSHOT.jar"
if [[ ! -f "$jar" || ! -d "$root/mock-services/target/lib" || -n "$(find "$root/acquire-client/src" "$root/mock-services/src/main" -newer "$jar" -print -quit)" ]]; then
  (cd "$root" && mvn -B -q -ntp -pl mock-services -am package -DskipTests)
fi
exec java -cp "$jar:$root/mock-services/target/lib/*" io.acquire.services.AcquireServer "$@"
