#!/usr/bin/env bash
# Runs every test of Acquire: unit, integration, browser, kernel conformance and the
# example notebooks executed by Jupyter's own client.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-machine.sh
exec mvn -B -ntp verify "$@"
