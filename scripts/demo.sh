#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install what is missing, build, start the local DNSSEC lab and run dnssec-watch on it with
# config/lab.yaml, serving metrics at http://127.0.0.1:9911/metrics until Ctrl-C.
# Usage: scripts/demo.sh [SECONDS]   (with SECONDS, stop by itself after that long)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
# DW_BINARY: lab.sh adds the size canaries that this build prints to good.lab.
export LAB_DIR=/tmp/dnssec-watch-lab LAB_NET=127.53.0 DW_BINARY=$PWD/build/dnssec-watch
bash tests/lab/lab.sh start
trap 'bash tests/lab/lab.sh stop' EXIT

echo "demo: one round of every probe (dnssec-watch check):"
./build/dnssec-watch check --config config/lab.yaml || true
echo
echo "demo: the rollout of nods.lab., signed without DS (dnssec-watch plan):"
./build/dnssec-watch plan --config config/lab.yaml --zone nods.lab --log-level warn || true
echo
echo "demo: dnssec-watch run; metrics at http://127.0.0.1:9911/metrics, landing page at" \
     "http://127.0.0.1:9911/"
if [[ -n "${1:-}" ]]; then
  ./build/dnssec-watch run --config config/lab.yaml &
  daemon=$!
  sleep "$1"
  echo "demo: sample of the metrics after $1 s:"
  curl -sf http://127.0.0.1:9911/metrics |
    grep -E '^dnssec_watch_(resolver_validating|validation_failures_total|zone_state|rollout_phase)' |
    grep -v ' 0$' | head -40 || true
  kill -TERM "$daemon"
  wait "$daemon"
else
  ./build/dnssec-watch run --config config/lab.yaml
fi
