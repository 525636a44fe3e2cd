#!/usr/bin/env bash
# Start-up of bin/acquire against `java -version`, in one run (docs/performance.md):
#   acquire-cli/bench/startup.sh [rounds]       # default 10
# Builds the command (and its CDS archive) first, then runs the harness from the test sources.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# package, not test-compile: the distribution copies the SDK's jar, which a reactor build only
# has once it is packaged (in a fresh clone test-compile fails, MDEP-187).
mvn -B -q -ntp -pl acquire-cli -am package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/benchmark.classpath >/dev/null
cd acquire-cli
exec java ${JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/benchmark.classpath)" \
  io.acquire.cli.StartupBenchmark "$@"
