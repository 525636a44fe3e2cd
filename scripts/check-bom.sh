#!/usr/bin/env bash
# Checks that acquire-bom resolves: a user's project (acquire-bom/src/it/consumer) imports
# it, names acquire-client without a version and compiles. The BOM, the parent POM and
# acquire-client are installed into a private local repository that reads everything else
# from ~/.m2 as a file:// mirror, so the shared ~/.m2 is never written. Run after
# `mvn package` (scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

parent=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -n 1)
bom=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' acquire-bom/pom.xml | head -n 1)
if [[ "$parent" != "$bom" ]]; then
  echo "check-bom: acquire-bom is at $bom but the project at $parent; set acquire-bom/pom.xml's <version> to $parent" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shared=${MAVEN_REPO:-$HOME/.m2/repository}
cat > "$work/settings.xml" <<SETTINGS
<settings>
  <localRepository>$work/repository</localRepository>
  <mirrors>
    <mirror><id>shared</id><mirrorOf>*</mirrorOf><url>file://$shared</url></mirror>
  </mirrors>
</settings>
SETTINGS
mvn="mvn -B -ntp -q -s $work/settings.xml"

# The project's artifacts, from this build's target/ directories (no rebuild), laid out as a
# local repository by hand: mvn verify never fetches the install plugin, so a fresh machine's
# ~/.m2 may not have it.
jar=acquire-client/target/acquire-client-$parent.jar
if [[ ! -f "$jar" ]]; then
  echo "check-bom: $jar is missing; run mvn -o package -DskipTests -pl acquire-client first" >&2
  exit 1
fi
place() { # artifactId, file, extension
  local dir="$work/repository/io/acquire/$1/$parent"
  mkdir -p "$dir"
  cp "$2" "$dir/$1-$parent.$3"
}
place acquire-parent pom.xml pom
place acquire-bom acquire-bom/pom.xml pom
place acquire-client acquire-client/pom.xml pom
place acquire-client "$jar" jar

cp -r acquire-bom/src/it/consumer "$work/consumer"
$mvn -f "$work/consumer/pom.xml" -Dacquire.version="$parent" compile
java -cp "$work/consumer/target/classes:$jar" example.UsesTheSdk >/dev/null
echo "check-bom: a project importing acquire-bom $bom resolves acquire-client without a version and compiles"
