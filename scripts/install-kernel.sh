#!/usr/bin/env bash
# Installs the Acquire Java kernel for this user as the Jupyter kernelspec "acquire-java"
# ("Java (Acquire)"). No root needed. The kernelspec goes to $JUPYTER_DATA_DIR if set,
# else to Jupyter's user data directory (~/.local/share/jupyter). The kernel runs on the java
# that installs it: `java` on the PATH, or $ACQUIRE_KERNEL_JAVA (for example a JDK 25's
# bin/java, which gets an AOT cache instead of a class-data archive).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$root" && mvn -B -q -ntp -pl acquire-notebook -am package -DskipTests)
jar="$root/acquire-notebook/target/acquire-notebook-0.1.0-SNAPSHOT.jar"
classpath="$jar$(printf ':%s' "$root"/acquire-notebook/target/lib/*.jar)"
data_dir="${JUPYTER_DATA_DIR:-}"
if [[ -z "$data_dir" ]] && command -v jupyter >/dev/null; then
  data_dir="$(jupyter --data-dir)"
fi
exec "${ACQUIRE_KERNEL_JAVA:-java}" -cp "$classpath" io.acquire.notebook.KernelInstaller ${data_dir:+"$data_dir"}
