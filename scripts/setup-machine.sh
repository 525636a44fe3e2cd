#!/usr/bin/env bash
# Makes sure the machine has what Acquire's tests and notebooks need beyond a JDK,
# Maven and Python 3: Jupyter and its executing client, the kernel conformance suite,
# Chromium with its driver, oathtool and zbarimg, Slurm with MUNGE for the one-node
# cluster of scripts/slurm-cluster.sh, GROMACS for its workload, and npm (which the build uses
# once to fetch 3Dmol.js for the notebook's 3D view). All come from Debian's packages.
# As root on a Debian-like machine it installs what is missing; otherwise it prints
# the exact command to run and fails.
set -euo pipefail

packages=(
  jupyter-notebook jupyter-nbconvert python3-nbclient python3-nbconvert python3-jupyter-client
  python3-jupyter-kernel-test
  chromium chromium-driver
  oathtool zbar-tools
  slurmctld slurmd slurm-client munge
  gromacs
)

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "setup-machine: '$tool' is required (a JDK 17+ and Maven 3.8+)." >&2; exit 1; }
done

missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
  done
else
  for tool in jupyter oathtool zbarimg chromium chromedriver slurmctld slurmd sbatch munged gmx; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
fi
# Any npm will do (Node.js's own packages bring one): ask for Debian's only when there is none.
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "setup-machine: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Another install may hold dpkg's lock for a while: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

echo "setup-machine: missing ${missing[*]}. Install them with:" >&2
if command -v apt-get >/dev/null; then
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
else
  echo "  (no apt-get here) install Jupyter (notebook, nbconvert, nbclient, jupyter_kernel_test)," >&2
  echo "  Chromium with chromedriver, oathtool, zbar-tools, Slurm (slurmctld, slurmd, client), MUNGE" >&2
  echo "  GROMACS and npm with your package manager" >&2
fi
exit 1
