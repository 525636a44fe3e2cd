#!/usr/bin/env bash
# Start-up of bin/acquire against `java -version`, in one run (docs/performance.md):
#   acquire-cli/bench/startup.sh [rounds]       # default 10
# Builds the command (and its CDS archive) first, then runs the harness from the test sources.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -q -ntp -pl acquire-cli -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/benchmark.classpath >/dev/null
cd acquire-cli
exec java ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
  io.acquire.cli.StartupBenchmark "$@"
