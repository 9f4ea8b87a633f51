#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install what is missing, build, and run every test: unit tests and integration tests
# against the local lab, then the same again built with AddressSanitizer and
# UndefinedBehaviorSanitizer.
# Usage: scripts/test.sh [--no-sanitizers]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "test: build and run the suite"
scripts/build.sh build
ctest --test-dir build --output-on-failure --timeout 300

if [[ "${1:-}" == "--no-sanitizers" ]]; then
  exit 0
fi
echo "test: build and run the suite with AddressSanitizer and UndefinedBehaviorSanitizer"
scripts/build.sh build-asan -DDW_SANITIZE=ON
# LeakSanitizer runs too: a leak makes the binary exit with status 23, which fails the tests
# that check exit statuses.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure --timeout 600
