#!/usr/bin/env bash
# Builds a `gmx` wrapper for machines whose CPU hides the rdtscp instruction from cpuid
# although it executes it (some virtual machines do). Debian's GROMACS 2022 is compiled to
# use rdtscp and its mdrun refuses to start there ("compiled to use the rdtscp CPU
# instruction. However, this is not supported by the current hardware"). The wrapper
# preloads a small library that adds rdtscp to what GROMACS detects, after checking here
# that the instruction really runs. Point the backend at it with ACQUIRE_GMX:
#
#   scripts/gromacs-rdtscp-shim.sh /opt/acquire/gmx-rdtscp
#   export ACQUIRE_GMX=/opt/acquire/gmx-rdtscp/gmx
#
# Only for GROMACS 2022 (the library relies on the layout of its gmx::CpuInfo); needs g++.
# On a machine that reports rdtscp, none of this is needed.
set -euo pipefail

dir=${1:?usage: scripts/gromacs-rdtscp-shim.sh <directory for the wrapper>}
gmx=${GMX:-/usr/bin/gmx}
for tool in gcc g++ "$gmx"; do
  command -v "$tool" >/dev/null || { echo "gromacs-rdtscp-shim: '$tool' is required" >&2; exit 1; }
done
"$gmx" --version 2>/dev/null | grep -q "GROMACS - gmx, 2022" || {
  echo "gromacs-rdtscp-shim: $gmx is not GROMACS 2022; this shim fits only that version" >&2
  exit 1
}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# The shim would make mdrun crash where rdtscp does not execute: prove that it does.
cat > "$dir/rdtscp-check.c" <<'C'
#include <stdio.h>
#include <x86intrin.h>
int main(void) { unsigned int aux; unsigned long long t = __rdtscp(&aux); printf("%llu\n", t); return t == 0; }
C
gcc -O1 -o "$dir/rdtscp-check" "$dir/rdtscp-check.c"
"$dir/rdtscp-check" >/dev/null || { echo "gromacs-rdtscp-shim: rdtscp does not execute here" >&2; exit 1; }

cat > "$dir/rdtscp-shim.cpp" <<'CPP'
// Interposes gmx::CpuInfo::detect() (exported by libgromacs) and adds the rdtscp feature,
// which this CPU executes but does not report. Mirrors GROMACS 2022's CpuInfo members.
#include <dlfcn.h>
#include <set>
#include <string>
#include <vector>
namespace gmx {
class CpuInfo {
 public:
  enum class Feature : int {};
  static CpuInfo detect();
  static const std::string& featureString(Feature f);
  int supportLevel_;
  int vendor_;
  std::string brandString_;
  int family_, model_, stepping_;
  std::set<Feature> features_;
  std::vector<char> logicalProcessors_;
};
CpuInfo CpuInfo::detect() {
  using Detect = CpuInfo (*)();
  static Detect real = reinterpret_cast<Detect>(dlsym(RTLD_NEXT, "_ZN3gmx7CpuInfo6detectEv"));
  CpuInfo info = real();
  for (int i = 0; i < 256; i++) {
    try {
      if (featureString(static_cast<Feature>(i)) == "rdtscp") {
        info.features_.insert(static_cast<Feature>(i));
        break;
      }
    } catch (...) {
      break;  // past the last feature
    }
  }
  return info;
}
}  // namespace gmx
CPP
g++ -O1 -shared -fPIC -o "$dir/librdtscp-shim.so" "$dir/rdtscp-shim.cpp" -ldl

cat > "$dir/gmx" <<SH
#!/bin/sh
# GROMACS with rdtscp reported (see scripts/gromacs-rdtscp-shim.sh in Acquire).
LD_PRELOAD=$dir/librdtscp-shim.so exec $gmx "\$@"
SH
chmod +x "$dir/gmx"
echo "$dir/gmx"
