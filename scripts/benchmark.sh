#!/usr/bin/env bash
# Runs a benchmark main from the backend's test sources, for example:
#   scripts/benchmark.sh io.acquire.services.accounting.LedgerBenchmark
#   JAVA_OPTS=-Xmx256m scripts/benchmark.sh io.acquire.services.storage.DriveBenchmark 1024
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# One reactor build, so the client resolves to its fresh classes even on a machine where
# it was never installed; each module writes its own target/benchmark.classpath.
mvn -B -q -ntp -pl mock-services -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/benchmark.classpath >/dev/null
exec java ${JAVA_OPTS:-} -cp "mock-services/target/test-classes:mock-services/target/classes:$(cat mock-services/target/benchmark.classpath)" "$@"
