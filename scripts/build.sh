#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configure and build dnssec-watch and its tests.
# Usage: scripts/build.sh [BUILD_DIR [extra cmake arguments...]]   (default BUILD_DIR: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo --log-level=WARNING "$@"
cmake --build "$build_dir" -j "$(nproc)"
