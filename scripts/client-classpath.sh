#!/usr/bin/env bash
# Prints the class path of the SDK alone: its jar and its runtime dependencies, without the
# backend's. For JShell or your own program:
#   jshell --class-path "$(scripts/client-classpath.sh)"
# Builds acquire-client first when its jar is missing or older than its sources (and says so
# on stderr, so the class path stays alone on stdout).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/acquire-client/target/acquire-client-0.1.0-SNAPSHOT.jar"
if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/acquire-client/src/main" "$root/acquire-client/pom.xml" -newer "$jar" -print -quit)" ]]; then
  echo "client-classpath: building acquire-client (mvn package -DskipTests)..." >&2
  mvn -B -q -ntp -f "$root/pom.xml" -pl acquire-client package -DskipTests >&2
fi
list="$(mktemp)"
trap 'rm -f "$list"' EXIT
mvn -B -q -ntp -f "$root/pom.xml" -pl acquire-client dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile="$list" >&2
echo "$jar:$(cat "$list")"
