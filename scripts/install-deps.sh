#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Install the Debian 12 packages that dnssec-watch needs to build, test and run its lab.
# Runs apt-get only when something is missing, so a second run takes a second.
# Usage: scripts/install-deps.sh [--bench]   (as root; --bench adds the benchmark baselines)
set -euo pipefail

packages=(
  # Build
  build-essential cmake pkg-config
  # Libraries (libunbound.pc also requires nettle and libevent)
  libunbound-dev libevent-dev nettle-dev libc-ares-dev prometheus-cpp-dev libcivetweb-dev
  libyaml-cpp-dev libspdlog-dev libfmt-dev libldns-dev nlohmann-json3-dev
  # Tests
  libgtest-dev libgmock-dev googletest libcurl4-openssl-dev
  # The lab: authoritative server, signer, resolvers, and the tools lab.sh calls
  nsd ldnsutils unbound dnsutils iproute2 procps
  # Default trust anchor (/usr/share/dns/root.key) and the demo's HTTP client
  dns-root-data curl
  # Monitoring tests: promtool and the Prometheus server, amtool
  prometheus prometheus-alertmanager
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(dnsperf prometheus-blackbox-exporter python3)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# Debian's unbound package may start its own resolver on port 53 of every address. The lab
# needs 127.53.0.2 and 127.53.0.3 for its own, so stop that resolver where a service manager
# runs it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet unbound 2>/dev/null; then
  systemctl stop unbound
fi
# The tests start their own Prometheus on a free loopback port and need no system-wide
# Prometheus or Alertmanager listening on every address.
for service in prometheus prometheus-alertmanager; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    systemctl stop "$service"
  fi
done
