#!/usr/bin/env bash
# Runs every test of Acquire: unit, integration, browser, kernel conformance and the
# example notebooks executed by Jupyter's own client.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-machine.sh

# Debian's GROMACS refuses CPUs that hide rdtscp (some virtual machines do, though they run
# it): there, use the wrapper that reports it (see docs/workload-gromacs.md). If it cannot
# be built, the GROMACS tests say why they are skipped.
if [[ -z "${ACQUIRE_GMX:-}" ]] && command -v gmx >/dev/null && ! grep -qw rdtscp /proc/cpuinfo 2>/dev/null; then
  if wrapper=$(scripts/gromacs-rdtscp-shim.sh target/gromacs-rdtscp 2>&1 | tail -n 1) && [[ -x "$wrapper" ]]; then
    export ACQUIRE_GMX=$wrapper
    echo "test: this CPU hides rdtscp; GROMACS runs through $wrapper"
  else
    echo "test: this CPU hides rdtscp and the GROMACS wrapper could not be built ($wrapper); GROMACS tests will be skipped" >&2
  fi
fi

mvn -B -ntp verify "$@"
# The BOM resolves for a user's project (against this build's jars, in a private repository).
scripts/check-bom.sh
