#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Starts, stops and reports on the local DNSSEC lab: two NSD authoritative
# servers for a private root "." and TLD "lab.", one validating and one
# non-validating Unbound resolver, all on loopback addresses. The resolvers
# only know the lab root (a stub-zone for "."), so nothing leaves
# loopback. See README.md next to this script for the zone table.
# sign, unsign and set-ds walk rollout.lab. through a DNSSEC rollout and back
# while the lab runs.
#
# Usage: lab.sh start|stop|restart|status
#        lab.sh set-ds ZONE right|wrong|none
#        lab.sh sign|unsign ZONE
# Environment:
#   LAB_DIR  state directory (default /tmp/dnssec-watch-lab)
#   LAB_NET  first three octets of the lab addresses, must be inside
#            127.0.0.0/8 (default 127.53.0, so the servers use 127.53.0.N:53)
#   DW_BINARY  the dnssec-watch binary whose "canaries" command prints the
#            size canaries of good.lab. (default: none, and good.lab. gets
#            no canaries)
set -euo pipefail

LAB_DIR=${LAB_DIR:-/tmp/dnssec-watch-lab}
LAB_NET=${LAB_NET:-127.53.0}
DW_BINARY=${DW_BINARY:-}

readonly TLD=lab
readonly TTL=300
# Child zones of lab. The function zone_kind maps each one to how it is signed.
readonly CHILD_ZONES=(good unsigned nods bogusds expired partialds halfsigned staleds zskds future
  longttl rollout)
# Child zones that the second NSD serves as well (see zone_kind).
readonly SECOND_SERVER_ZONES=(halfsigned)
readonly SERVERS=(nsd nsd2 unbound-validating unbound-nonvalidating)
# TTL of longttl.lab., above the usual advice of one hour for a zone about to be signed.
readonly LONG_TTL=86400
readonly READY_TIMEOUT_S=10
readonly STOP_TIMEOUT_S=5
readonly DNS_PORT=53

log() { printf 'lab.sh: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  cat >&2 <<EOF
Usage: lab.sh start|stop|restart|status
       lab.sh set-ds ZONE right|wrong|none
       lab.sh sign|unsign ZONE
  start    generate fresh keys and zones and start the lab; exits 0 at once
           if all four servers already run and answer
  stop     stop the lab servers started from LAB_DIR
  restart  stop, then start with fresh keys and zones
  status   print each server's pid and whether it answers; exits 0 if all
           four answer, 3 otherwise
  set-ds   publish in lab. the right DS of child ZONE (e.g. good), a DS of a
           key that ZONE does not have, or no DS, and flush the resolvers' caches
  sign     sign ZONE, a zone of kind rollout (rollout), with a new KSK and ZSK
           (or its current keys if it is signed already), write its DS for
           "set-ds ZONE right", wait until NSD serves it signed and flush the
           resolvers' caches
  unsign   serve ZONE unsigned again, wait until NSD does and flush the
           resolvers' caches
Environment: LAB_DIR (default /tmp/dnssec-watch-lab), LAB_NET (default 127.53.0),
  DW_BINARY (dnssec-watch binary that prints the size canaries of good.lab.)
EOF
}

# --- settings --------------------------------------------------------------

# Rejects settings that could point the lab away from loopback or break the
# unquoted paths in the generated server configs.
validate_settings() {
  if [[ ! $LAB_NET =~ ^127\.([0-9]{1,3})\.([0-9]{1,3})$ ]] ||
    ((BASH_REMATCH[1] > 255 || BASH_REMATCH[2] > 255)); then
    die "invalid LAB_NET '$LAB_NET': expected three octets inside 127.0.0.0/8, e.g. 127.53.0"
  fi
  if [[ $LAB_DIR =~ [[:space:]\"] ]]; then
    die "invalid LAB_DIR '$LAB_DIR': whitespace and quotes are not supported"
  fi
  # The daemons change directory, so every path they see must be absolute.
  LAB_DIR=$(realpath -m -- "$LAB_DIR")
  if [[ $LAB_DIR == / ]]; then
    die "invalid LAB_DIR '/': use a directory of its own"
  fi
}

init_addresses() {
  AUTH_ADDR=$LAB_NET.1
  AUTH2_ADDR=$LAB_NET.4
  VALIDATING_ADDR=$LAB_NET.2
  NONVALIDATING_ADDR=$LAB_NET.3
  DEAD_ADDR=$LAB_NET.9
}

require_tools() {
  local tool missing=()
  for tool in nsd nsd-checkconf unbound unbound-checkconf unbound-control ldns-keygen \
    ldns-signzone ldns-key2ds dig ss ip flock realpath; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    die "missing tools: ${missing[*]} (Debian packages: nsd unbound ldnsutils dnsutils iproute2 util-linux)"
  fi
}

server_addr() {
  case $1 in
    nsd) echo "$AUTH_ADDR" ;;
    nsd2) echo "$AUTH2_ADDR" ;;
    unbound-validating) echo "$VALIDATING_ADDR" ;;
    unbound-nonvalidating) echo "$NONVALIDATING_ADDR" ;;
    *) die "unknown server '$1'" ;;
  esac
}

server_conf() { echo "$LAB_DIR/$1.conf"; }
server_pidfile() { echo "$LAB_DIR/$1.pid"; }
server_log() { echo "$LAB_DIR/$1.log"; }
server_control() { echo "$LAB_DIR/$1.ctl"; }

# --- processes -------------------------------------------------------------

# Succeeds if the process is an nsd or unbound whose command line has an
# argument inside LAB_DIR, i.e. the "-c LAB_DIR/NAME.conf" that start passes.
# This keeps stop from killing servers of other labs or a recycled pid.
is_lab_process() {
  local pid=$1 exe
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  exe=${exe% (deleted)}
  case ${exe##*/} in
    nsd | unbound) ;;
    *) return 1 ;;
  esac
  # awk reads all input, so tr never gets SIGPIPE under pipefail.
  tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" |
    awk -v prefix="$LAB_DIR/" 'index($0, prefix) == 1 { found = 1 } END { exit !found }'
}

# Zombies still pass kill -0 but hold no sockets, so they count as gone.
is_alive() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# Prints the pid from a server's pidfile if that process is a live lab server.
pidfile_pid() {
  local pidfile pid
  pidfile=$(server_pidfile "$1")
  [[ -r $pidfile ]] || return 1
  pid=$(tr -dc '0-9' <"$pidfile")
  [[ -n $pid ]] && is_alive "$pid" && is_lab_process "$pid" || return 1
  echo "$pid"
}

# Prints every live lab server process. This includes NSD's child processes,
# which no pidfile names and which can outlive a parent killed by SIGKILL,
# e.g. when they were stopped at the time.
find_lab_pids() {
  local dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    if is_alive "$pid" && is_lab_process "$pid"; then
      echo "$pid"
    fi
  done
}

# Sends SIGTERM, waits up to STOP_TIMEOUT_S, then sends SIGKILL to the rest.
terminate_and_wait() {
  local pid deadline
  (($#)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    any_alive "$@" || return 0
    sleep 0.1
  done
  for pid in "$@"; do
    if is_alive "$pid"; then
      log "pid $pid still running ${STOP_TIMEOUT_S}s after SIGTERM, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  deadline=$((SECONDS + 2))
  while ((SECONDS < deadline)); do
    any_alive "$@" || return 0
    sleep 0.1
  done
  die "processes still running after SIGKILL: $*"
}

any_alive() {
  local pid
  for pid in "$@"; do
    is_alive "$pid" && return 0
  done
  return 1
}

# Stops the servers listed in the pidfiles, then any leftover lab process, for
# example NSD workers orphaned by a SIGKILL of their parent. Returns 1 if
# nothing was running.
stop_servers() {
  local name pid found=1 pids=()
  for name in "${SERVERS[@]}"; do
    if pid=$(pidfile_pid "$name"); then
      log "stopping $name (pid $pid)"
      pids+=("$pid")
    fi
  done
  terminate_and_wait "${pids[@]}"
  ((${#pids[@]})) && found=0

  mapfile -t pids < <(find_lab_pids)
  if ((${#pids[@]})); then
    log "stopping leftover lab processes: ${pids[*]}"
    terminate_and_wait "${pids[@]}"
    found=0
  fi
  for name in "${SERVERS[@]}"; do
    rm -f -- "$(server_pidfile "$name")"
  done
  return "$found"
}

# --- network ---------------------------------------------------------------

# Linux routes all of 127.0.0.0/8 to lo, so the lab addresses usually bind
# without being added. Adds an address only where "ip route get" does not
# report it as local, and records it so that stop removes it again.
ensure_loopback_address() {
  local addr=$1
  if ip -o route get "$addr" 2>/dev/null | grep -q '^local '; then
    return 0
  fi
  log "adding $addr/32 to lo because the kernel does not treat it as local"
  ip addr add "$addr/32" dev lo || die "failed to add $addr/32 to lo. Run lab.sh as root."
  echo "$addr" >>"$LAB_DIR/added-addresses"
}

remove_added_addresses() {
  local addr
  [[ -f $LAB_DIR/added-addresses ]] || return 0
  while read -r addr; do
    ip addr del "$addr/32" dev lo 2>/dev/null || true
  done <"$LAB_DIR/added-addresses"
  rm -f -- "$LAB_DIR/added-addresses"
}

# Prints the listening sockets on ADDR:53 (UDP and TCP) with their owners.
port_holders() {
  ss -Hlnptu "sport = :$DNS_PORT" 2>/dev/null | awk -v a="$1:$DNS_PORT" '$5 == a'
}

check_port_free() {
  local holders
  holders=$(port_holders "$1")
  if [[ -n $holders ]]; then
    die "$1:$DNS_PORT is in use by a process that this lab did not start:
$holders
Stop it, or pick other addresses with LAB_NET."
  fi
}

# --- keys and zones --------------------------------------------------------

# Generates an ECDSAP256SHA256 key pair in LAB_DIR/keys and prints its base
# path. Extra arguments go to ldns-keygen (-k makes a KSK). ldns-keygen
# writes into the current directory.
generate_key() {
  local zone=$1 base
  shift
  base=$(cd "$LAB_DIR/keys" && ldns-keygen -a ECDSAP256SHA256 "$@" -r /dev/urandom "$zone") ||
    die "ldns-keygen failed for zone '$zone'"
  echo "$LAB_DIR/keys/$base"
}

# Prints a key's DNSKEY record with TTL, without ldns-keygen's trailing comment.
dnskey_record() {
  sed 's/;.*$//' "$1.key" | awk -v ttl="$TTL" '{ print $1, ttl, "IN", $3, $4, $5, $6, $7 }'
}

# Prints the SHA-256 (digest type 2) DS record for a key, with or without the
# SEP flag (-f).
ds_record() {
  ldns-key2ds -n -f -2 "$1.key" | awk -v ttl="$TTL" '{ print $1, ttl, "IN", $4, $5, $6, $7, $8 }'
}

# How each child zone differs: signed or not, DS in lab. or not, signatures
# valid or expired. A zone of kind rollout starts unsigned without DS, and
# only sign and unsign change that while the lab runs.
zone_kind() {
  case $1 in
    good) echo secure ;;
    unsigned) echo unsigned ;;
    nods) echo signed-without-ds ;;
    bogusds) echo ds-mismatch ;;
    expired) echo expired-signatures ;;
    partialds) echo ds-at-one-parent-server ;;
    halfsigned) echo unsigned-at-second-server ;;
    staleds) echo ds-for-old-key ;;
    zskds) echo ds-for-zsk ;;
    future) echo future-signatures ;;
    longttl) echo ttl-outlives-signatures ;;
    rollout) echo rollout ;;
    *) die "no zone kind for '$1'" ;;
  esac
}

# Prints the SOA and NS records shared by every lab zone: zone_header ZONE
# [SERIAL [TTL]]. The serial is by default SERIAL, the start time, because each
# start publishes new keys. Zones that the second NSD serves too list it in NS.
zone_header() {
  local zone=$1 serial=${2:-$SERIAL} ttl=${3:-$TTL}
  cat <<EOF
\$ORIGIN $zone
\$TTL $ttl
@ SOA ns.$TLD. hostmaster.$TLD. $serial 3600 600 86400 $ttl
@ NS ns.$TLD.
EOF
  if on_second_server "$zone"; then
    echo "@ NS ns2.$TLD."
  fi
}

# Succeeds for lab. and the child zones in SECOND_SERVER_ZONES.
on_second_server() {
  local name
  [[ $1 == "$TLD." ]] && return 0
  for name in "${SECOND_SERVER_ZONES[@]}"; do
    [[ $1 == "$name.$TLD." ]] && return 0
  done
  return 1
}

# Prints the child zone data: "www" A/AAAA, a short "txt" TXT and a "big"
# TXT RRset of 8 records x 225 bytes = 1800 bytes of RDATA, so that its signed
# DO answer does not fit in 1232 bytes and a resolver sets TC over UDP.
child_zone_records() {
  local zone=$1 i filler
  echo "www A 192.0.2.1"
  echo "www AAAA 2001:db8::1"
  echo "txt TXT \"dnssec-watch lab zone $zone\""
  filler=$(printf '%*s' 217 '' | tr ' ' 'x')
  for i in 1 2 3 4 5 6 7 8; do
    # 7 characters of prefix + 217 of filler = one 224-byte string.
    echo "big TXT \"big-$i-$filler\""
  done
}

# Prints a child zone without signatures or canaries: plain_child_zone ZONE SERIAL.
plain_child_zone() {
  zone_header "$1" "$2"
  child_zone_records "$1"
}

# Prints the size canary TXT records of a zone signed with algorithm 13, from
# the canaries command of DW_BINARY, so that tests measure the command's real
# output. Prints nothing, with a note on stderr, when DW_BINARY is not set.
canary_records() {
  local zone=$1 records
  if [[ -z $DW_BINARY ]]; then
    log "DW_BINARY is not set, so $zone gets no size canaries"
    return 0
  fi
  [[ -x $DW_BINARY ]] ||
    die "DW_BINARY '$DW_BINARY' is not an executable file; build dnssec-watch or unset DW_BINARY"
  records=$("$DW_BINARY" canaries --zone "$zone" --algorithm 13 --ttl "$TTL" --format zone) ||
    die "'$DW_BINARY canaries --zone $zone' failed"
  echo "$records"
}

# Prints a UTC timestamp in the YYYYMMDDhhmmss form that ldns-signzone
# accepts, offset from now by the given date(1) expression.
signature_time() {
  date -u -d "$1" +%Y%m%d%H%M%S
}

# Signs a zone file with the given KSK and ZSK base paths. ldns-signzone signs
# the DNSKEY RRset with the KSK only. The DNSKEY records are placed in the zone
# so that they get the lab TTL instead of ldns-signzone's default.
sign_with_keys() {
  local zone=$1 source=$2 inception=$3 expiration=$4 ksk=$5 zsk=$6
  {
    dnskey_record "$ksk"
    dnskey_record "$zsk"
  } >>"$source"
  ldns-signzone -u -i "$inception" -e "$expiration" -o "$zone" \
    -f "$source.signed" "$source" "$ksk" "$zsk" >&2 ||
    die "ldns-signzone failed for zone '$zone'"
}

# Signs a zone file with a new KSK and ZSK and records their base paths in
# SOURCE.keys, so that set-ds can sign the zone again with the same keys.
# Prints the KSK base path so the caller can derive the DS.
sign_zone() {
  local zone=$1 source=$2 inception=$3 expiration=$4 ksk zsk
  ksk=$(generate_key "$zone" -k)
  zsk=$(generate_key "$zone")
  sign_with_keys "$zone" "$source" "$inception" "$expiration" "$ksk" "$zsk"
  echo "$ksk $zsk" >"$source.keys"
  echo "$ksk"
}

# Prints the base path of the ZSK (flags 256) of a zone signed by sign_zone.
zsk_of() {
  local key
  for key in "$LAB_DIR/keys/K$1+"*.key; do
    if [[ $(sed 's/;.*$//' "$key" | awk '{ print $4 }') == 256 ]]; then
      echo "${key%.key}"
      return 0
    fi
  done
  die "no ZSK found for zone '$1'"
}

# Writes LAB_DIR/zones/<child>.lab.zone[.signed] for one child zone and
# prints the DS records that lab. must publish for it (possibly none).
build_child_zone() {
  local name=$1 zone="$1.$TLD." source kind ksk throwaway
  source="$LAB_DIR/zones/$name.$TLD.zone"
  kind=$(zone_kind "$name")
  {
    if [[ $kind == ttl-outlives-signatures ]]; then
      zone_header "$zone" "$SERIAL" "$LONG_TTL"
    else
      zone_header "$zone"
    fi
    child_zone_records "$zone"
    if [[ $name == good ]]; then
      canary_records "$zone"
    fi
  } >"$source"

  case $kind in
    unsigned | rollout)
      # NSD loads the plain file, copied to the .signed name so that
      # nsd.conf names every zone file the same way.
      cp -- "$source" "$source.signed"
      ;;
    secure)
      ksk=$(sign_zone "$zone" "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION")
      ds_record "$ksk"
      ;;
    signed-without-ds)
      sign_zone "$zone" "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION" >/dev/null
      ;;
    ds-mismatch)
      sign_zone "$zone" "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION" >/dev/null
      # A DS for a KSK that the zone never publishes, so no DNSKEY matches.
      throwaway=$(generate_key "$zone" -k)
      ds_record "$throwaway"
      ;;
    expired-signatures)
      # The DS matches the KSK, so validators reach the zone's signatures and
      # find them expired: inception 30 days ago, expiration 10 days ago.
      ksk=$(sign_zone "$zone" "$source" "$(signature_time '-30 days')" "$(signature_time '-10 days')")
      ds_record "$ksk"
      ;;
    ds-at-one-parent-server)
      # Only the first NSD's copy of lab. gets this DS: see build_tld_zone.
      ksk=$(sign_zone "$zone" "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION")
      ds_record "$ksk" >"$LAB_DIR/zones/partial-ds.records"
      ;;
    unsigned-at-second-server)
      # The second NSD still serves the zone unsigned, with the serial before.
      plain_child_zone "$zone" "$((SERIAL - 1))" >"$source.unsigned"
      sign_zone "$zone" "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION" >/dev/null
      ;;
    ds-for-old-key)
      # The DS of the KSK, and the DS of a KSK the zone no longer publishes.
      ksk=$(sign_zone "$zone" "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION")
      ds_record "$ksk"
      throwaway=$(generate_key "$zone" -k)
      ds_record "$throwaway"
      ;;
    ds-for-zsk)
      # The DS names the ZSK, which lacks the SEP flag and does not sign the DNSKEY RRset.
      sign_zone "$zone" "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION" >/dev/null
      ds_record "$(zsk_of "$zone")"
      ;;
    future-signatures)
      ksk=$(sign_zone "$zone" "$source" "$(signature_time '+10 days')" "$(signature_time '+40 days')")
      ds_record "$ksk"
      ;;
    ttl-outlives-signatures)
      # Signatures that expire in 12 hours under a TTL of one day.
      ksk=$(sign_zone "$zone" "$source" "$VALID_INCEPTION" "$(signature_time '+12 hours')")
      ds_record "$ksk"
      ;;
  esac
}

# Prints the records of lab. for one of its two servers:
# tld_records SERIAL WITH_PARTIAL_DS. The DS records are those that each
# child's zones/<child>.lab.published-ds file holds.
tld_records() {
  local serial=$1 partial=$2 name
  zone_header "$TLD." "$serial"
  echo "ns A $AUTH_ADDR"
  echo "ns2 A $AUTH2_ADDR"
  for name in "${CHILD_ZONES[@]}"; do
    echo "$name NS ns.$TLD."
    if on_second_server "$name.$TLD."; then
      echo "$name NS ns2.$TLD."
    fi
  done
  for name in "${CHILD_ZONES[@]}"; do
    cat -- "$LAB_DIR/zones/$name.$TLD.published-ds"
  done
  if ((partial)); then
    cat -- "$LAB_DIR/zones/partial-ds.records"
  fi
}

# Writes and signs lab. for the first NSD and, with the same keys, the second
# NSD's copy: one serial older and without the DS of partialds.lab.
# sign_tld_zones KSK ZSK SERIAL
sign_tld_zones() {
  local ksk=$1 zsk=$2 serial=$3 source="$LAB_DIR/zones/$TLD.zone"
  tld_records "$serial" 1 >"$source"
  sign_with_keys "$TLD." "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION" "$ksk" "$zsk"
  tld_records "$((serial - 1))" 0 >"$source.second"
  sign_with_keys "$TLD." "$source.second" "$VALID_INCEPTION" "$VALID_EXPIRATION" "$ksk" "$zsk"
}

# Creates the keys of lab., records them in zones/lab.zone.keys for set-ds,
# signs both copies and prints the KSK base path.
build_tld_zone() {
  local ksk zsk
  ksk=$(generate_key "$TLD." -k)
  zsk=$(generate_key "$TLD.")
  echo "$ksk $zsk" >"$LAB_DIR/zones/$TLD.zone.keys"
  sign_tld_zones "$ksk" "$zsk" "$SERIAL"
  echo "$ksk"
}

# The root zone delegates lab. to ns.lab. with glue. Its KSK is the lab trust
# anchor.
build_root_zone() {
  local tld_ksk=$1 source="$LAB_DIR/zones/root.zone"
  {
    zone_header "."
    echo "$TLD. NS ns.$TLD."
    echo "$TLD. NS ns2.$TLD."
    echo "ns.$TLD. A $AUTH_ADDR"
    echo "ns2.$TLD. A $AUTH2_ADDR"
    ds_record "$tld_ksk"
  } >"$source"
  sign_zone "." "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION"
}

# Writes the root trust anchor in three forms:
#   root.key                  DNSKEY line for unbound trust-anchor-file and
#                             libunbound ub_ctx_add_ta_file
#   root.ds                   the matching DS line
#   delv-trust-anchors.conf   BIND trust-anchors clause for delv -a
write_trust_anchor() {
  local root_ksk=$1 flags protocol algorithm key
  dnskey_record "$root_ksk" >"$LAB_DIR/root.key"
  ds_record "$root_ksk" >"$LAB_DIR/root.ds"
  read -r _ _ _ _ flags protocol algorithm key <"$LAB_DIR/root.key"
  cat >"$LAB_DIR/delv-trust-anchors.conf" <<EOF
trust-anchors {
  . static-key $flags $protocol $algorithm "$key";
};
EOF
}

generate_zones() {
  local name ds_file tld_ksk root_ksk
  rm -rf -- "$LAB_DIR/keys" "$LAB_DIR/zones"
  mkdir -p -- "$LAB_DIR/keys" "$LAB_DIR/zones"
  # Inception one hour back tolerates small clock differences between
  # signing and validating. 30 days of validity outlasts any test run.
  VALID_INCEPTION=$(signature_time '-1 hour')
  VALID_EXPIRATION=$(signature_time '+30 days')
  SERIAL=$(date +%s)

  # <child>.lab.ds is the DS set that matches the child's data, and set-ds may
  # publish another one in <child>.lab.published-ds.
  for name in "${CHILD_ZONES[@]}"; do
    ds_file="$LAB_DIR/zones/$name.$TLD.ds"
    build_child_zone "$name" >"$ds_file"
    cp -- "$ds_file" "$LAB_DIR/zones/$name.$TLD.published-ds"
  done
  tld_ksk=$(build_tld_zone)
  root_ksk=$(build_root_zone "$tld_ksk")
  write_trust_anchor "$root_ksk"
}

# --- server configs --------------------------------------------------------

# Writes the config of the first NSD (nsd), which serves every zone, or of the
# second (nsd2), which serves lab. and SECOND_SERVER_ZONES from their second
# copies.
write_nsd_conf() {
  local server=$1 name
  {
    cat <<EOF
# Generated by lab.sh and overwritten on every start.
server:
  ip-address: $(server_addr "$server")
  port: $DNS_PORT
  do-ip6: no
  server-count: 1
  reuseport: no
  username: ""
  chroot: ""
  zonesdir: "$LAB_DIR/zones"
  database: ""
  zonelistfile: "$LAB_DIR/$server.zonelist"
  xfrdfile: "$LAB_DIR/$server.xfrd.state"
  xfrdir: "$LAB_DIR/$server.xfr"
  cookie-secret-file: "$LAB_DIR/$server.cookiesecrets.txt"
  pidfile: "$(server_pidfile "$server")"
  logfile: "$(server_log "$server")"
  verbosity: 1
  # No NS RRset in the authority section of answers, so that the size of an
  # answer is what "dnssec-watch canaries" computes for the size canaries.
  minimal-responses: yes
remote-control:
  control-enable: no
EOF
    if [[ $server == nsd2 ]]; then
      printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$TLD." "$TLD.zone.second.signed"
      for name in "${SECOND_SERVER_ZONES[@]}"; do
        printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$name.$TLD." \
          "$name.$TLD.zone.unsigned"
      done
    else
      printf 'zone:\n  name: "."\n  zonefile: "root.zone.signed"\n'
      printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$TLD." "$TLD.zone.signed"
      for name in "${CHILD_ZONES[@]}"; do
        printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$name.$TLD." "$name.$TLD.zone.signed"
      done
    fi
  } >"$(server_conf "$server")"
}

# Writes an Unbound config. Passing "-c" on the command line keeps
# /etc/unbound/unbound.conf and the system trust anchor out of the lab.
write_unbound_conf() {
  local name=$1 modules=$2 anchor_line=$3
  cat >"$(server_conf "$name")" <<EOF
# Generated by lab.sh and overwritten on every start.
server:
  interface: $(server_addr "$name")
  port: $DNS_PORT
  do-ip6: no
  num-threads: 1
  # With SO_REUSEPORT a leftover server could share the port unnoticed.
  so-reuseport: no
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "$LAB_DIR"
  pidfile: "$(server_pidfile "$name")"
  logfile: "$(server_log "$name")"
  use-syslog: no
  verbosity: 1
  log-servfail: yes
  val-log-level: 2
  # Adds Extended DNS Errors (RFC 8914) to answers, e.g. on SERVFAIL.
  ede: yes
  module-config: "$modules"
  # The lab root server is on 127.0.0.0/8, which Unbound skips by default.
  do-not-query-localhost: no
  qname-minimisation: no
  # RFC 8145 key tag queries would only add noise to the lab root's traffic.
  trust-anchor-signaling: no
$anchor_line
# unbound-control reaches the resolver through a Unix socket in LAB_DIR, which
# needs no certificates. set-ds uses it to flush the cache.
remote-control:
  control-enable: yes
  control-interface: "$(server_control "$name")"

# Every query goes to the lab root server. A stub for "." takes the place of
# the root hints, so Unbound never loads its built-in list of the real root
# servers (iterator/iter_hints.c, hints_apply_cfg, in Unbound 1.17).
stub-zone:
  name: "."
  stub-addr: $AUTH_ADDR
EOF
}

write_configs() {
  write_nsd_conf nsd
  write_nsd_conf nsd2
  write_unbound_conf unbound-validating "validator iterator" \
    "  trust-anchor-file: \"$LAB_DIR/root.key\""
  write_unbound_conf unbound-nonvalidating "iterator" \
    "  # No trust anchor: this resolver forwards DNSSEC records unvalidated."
}

write_env_file() {
  cat >"$LAB_DIR/lab.env" <<EOF
LAB_DIR=$LAB_DIR
LAB_AUTH=$AUTH_ADDR
LAB_AUTH2=$AUTH2_ADDR
LAB_VALIDATING=$VALIDATING_ADDR
LAB_NONVALIDATING=$NONVALIDATING_ADDR
LAB_DEAD=$DEAD_ADDR
LAB_ROOT_KEY=$LAB_DIR/root.key
LAB_TLD=$TLD.
EOF
}

# --- changing the DS of a running lab ---------------------------------------

# Exits with an error unless NAME is one of CHILD_ZONES.
require_child_zone() {
  [[ " ${CHILD_ZONES[*]} " == *" $1 "* ]] ||
    die "unknown child zone '$1': expected one of ${CHILD_ZONES[*]}"
}

# Prints the DS set to publish for a child zone: "right" is the DS of the
# child's KSK, "wrong" the DS of a KSK that the child never publishes,
# generated once per start, and "none" is the empty set.
ds_for() {
  local zone_file="$LAB_DIR/zones/$1.$TLD" wrong_key
  case $2 in
    right)
      # A rollout zone gets its first KSK, and so its DS, from sign.
      if [[ ! -s $zone_file.ds && $(zone_kind "$1") == rollout ]]; then
        die "$1.$TLD. has never been signed, so it has no DS; run 'lab.sh sign $1' first"
      fi
      cat -- "$zone_file.ds"
      ;;
    wrong)
      if [[ ! -s $zone_file.wrong-ds ]]; then
        wrong_key=$(generate_key "$1.$TLD." -k)
        ds_record "$wrong_key" >"$zone_file.wrong-ds"
      fi
      cat -- "$zone_file.wrong-ds"
      ;;
    none) ;;
    *) die "invalid DS choice '$2': expected right, wrong or none" ;;
  esac
}

# Prints the keytag and digest of each DS that SERVER serves for a child zone,
# sorted and in capitals. Fails unless the response is authoritative, so that
# a timeout does not pass for an empty DS set.
served_ds() {
  local name=$1 server=$2 output
  output=$(dig "@$server" -p "$DNS_PORT" +time=1 +tries=1 +norecurse +nosplit +noall \
    +comments +answer "$name.$TLD." DS) || return 1
  grep -q 'status: NOERROR' <<<"$output" && grep -q 'flags:.* aa' <<<"$output" || return 1
  awk '$4 == "DS" { print $5, toupper($8) }' <<<"$output" | sort
}

# Waits until NSD serves the DS set in FILE for a child zone. An empty FILE
# means waiting until NSD serves no DS.
wait_for_ds() {
  local name=$1 file=$2 server=$3 expected served deadline
  # Keytag and digest of each DS, in capitals as dig prints them.
  expected=$(awk 'NF { print $5, toupper($8) }' "$file" | sort)
  deadline=$((SECONDS + READY_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    if served=$(served_ds "$name" "$server") && [[ $served == "$expected" ]]; then
      return 0
    fi
    sleep 0.1
  done
  report_failure nsd "$server did not serve the new DS set of $name.$TLD. within ${READY_TIMEOUT_S}s"
  return 1
}

# Removes what both resolvers cached at or below a child zone, and all data
# they marked bogus, so that the next query resolves and validates anew.
flush_resolvers() {
  local name=$1 resolver
  for resolver in unbound-validating unbound-nonvalidating; do
    unbound-control -c "$(server_conf "$resolver")" flush_zone "$name.$TLD." >/dev/null ||
      die "unbound-control failed to flush $name.$TLD. on $resolver"
    unbound-control -c "$(server_conf "$resolver")" flush_bogus >/dev/null ||
      die "unbound-control failed to flush bogus data on $resolver"
  done
}

# Publishes the right DS, a wrong DS or no DS for a child zone in lab.: signs
# lab. again with its own keys, makes NSD reload its zones and flushes what
# both resolvers cached at or below the child zone, so that the next query
# validates against the new DS set.
set_ds() {
  local name=$1 choice=$2 source="$LAB_DIR/zones/$TLD.zone" published ds ksk zsk
  require_child_zone "$name"
  lab_is_running || die "the lab in $LAB_DIR is not running; run start first"
  # A lab started by a lab.sh without set-ds lacks these files; change nothing then.
  [[ -r $source.keys && -r $LAB_DIR/zones/$name.$TLD.ds ]] ||
    die "the lab in $LAB_DIR has no $source.keys or zones/$name.$TLD.ds; run restart first"
  published="$LAB_DIR/zones/$name.$TLD.published-ds"
  ds=$(ds_for "$name" "$choice")
  # An empty set leaves the file empty, without a blank line.
  if [[ -n $ds ]]; then
    echo "$ds"
  fi >"$published"

  read -r ksk zsk <"$source.keys"
  VALID_INCEPTION=$(signature_time '-1 hour')
  VALID_EXPIRATION=$(signature_time '+30 days')
  # One more than the clock, so that the serial rises above the start's even within a second.
  SERIAL=$(($(date +%s) + 1))
  sign_tld_zones "$ksk" "$zsk" "$SERIAL"
  # SIGHUP makes NSD 4 reload the zone files that changed on disk.
  kill -HUP "$(pidfile_pid nsd)" "$(pidfile_pid nsd2)"
  wait_for_ds "$name" "$published" "$AUTH_ADDR" || return 1
  wait_for_ds "$name" "$published" "$AUTH2_ADDR" || return 1
  flush_resolvers "$name"
  if [[ $choice == none ]]; then
    log "$name.$TLD. now has no DS in $TLD."
  else
    log "$name.$TLD. now has the $choice DS in $TLD."
  fi
}

# --- walking a zone through a rollout ---------------------------------------

# Exits with an error unless NAME is a child zone of kind rollout, the only
# kind that sign and unsign change, and the running lab serves it.
require_rollout_zone() {
  local name=$1 kind candidate rollout_zones=()
  require_child_zone "$name"
  kind=$(zone_kind "$name")
  if [[ $kind != rollout ]]; then
    for candidate in "${CHILD_ZONES[@]}"; do
      if [[ $(zone_kind "$candidate") == rollout ]]; then
        rollout_zones+=("$candidate")
      fi
    done
    die "sign and unsign change only zones of kind rollout (${rollout_zones[*]}), and $name.$TLD. is of kind $kind"
  fi
  lab_is_running || die "the lab in $LAB_DIR is not running; run start first"
  # A lab started by a lab.sh without rollout zones lacks this file.
  [[ -r $LAB_DIR/zones/$name.$TLD.zone.signed ]] ||
    die "the lab in $LAB_DIR does not serve $name.$TLD.; run restart first"
}

# Prints the SOA serial of a zone file that lab.sh wrote, signed or not.
zone_file_serial() {
  local serial
  serial=$(awk '{ for (i = 2; i < NF; i++) if ($i == "SOA" && $(i - 1) != "RRSIG") {
    print $(i + 3); exit } }' "$1")
  [[ $serial =~ ^[0-9]+$ ]] || die "no SOA serial found in $1"
  echo "$serial"
}

# Prints a serial above CURRENT as ldns-signzone -u picks it (ldns 1.8,
# ldns_soa_serial_unixtime): the time now, or CURRENT + 1 if now is not above.
next_serial() {
  local now
  now=$(date +%s)
  echo $((now > $1 ? now : $1 + 1))
}

# Prints "SERIAL signed" or "SERIAL unsigned" for the SOA that the first NSD
# serves for a child zone, or nothing if the response is not authoritative.
served_soa_state() {
  local output
  output=$(dig "@$AUTH_ADDR" -p "$DNS_PORT" +time=1 +tries=1 +norecurse +dnssec +noall \
    +comments +answer "$1.$TLD." SOA) || return 0
  grep -q 'flags:.* aa' <<<"$output" || return 0
  awk '$4 == "SOA" { serial = $7 } $4 == "RRSIG" && $5 == "SOA" { signed = 1 }
    END { if (serial != "") print serial, (signed ? "signed" : "unsigned") }' <<<"$output"
}

# Makes the first NSD reload the zone files, waits until it serves the SOA of
# a child zone with the serial of its zone file and in STATE (signed or
# unsigned), and flushes both resolvers' caches of the zone.
reload_rollout_zone() {
  local name=$1 state=$2 expected deadline
  expected="$(zone_file_serial "$LAB_DIR/zones/$name.$TLD.zone.signed") $state"
  # SIGHUP makes NSD 4 reload the zone files that changed on disk.
  kill -HUP "$(pidfile_pid nsd)"
  deadline=$((SECONDS + READY_TIMEOUT_S))
  until [[ $(served_soa_state "$name") == "$expected" ]]; do
    if ((SECONDS >= deadline)); then
      report_failure nsd "did not serve the SOA of $name.$TLD. as '$expected' within ${READY_TIMEOUT_S}s"
      return 1
    fi
    sleep 0.1
  done
  flush_resolvers "$name"
}

# Signs a rollout zone with a new KSK and ZSK, or with the keys in
# SOURCE.keys if it is signed already, so that signing twice keeps a
# published DS valid. Writes the KSK's DS to zones/NAME.lab.ds for
# "set-ds NAME right" and waits until NSD serves the signed zone.
sign_rollout_zone() {
  local name=$1 zone="$1.$TLD." source="$LAB_DIR/zones/$1.$TLD.zone" ksk zsk
  require_rollout_zone "$name"
  VALID_INCEPTION=$(signature_time '-1 hour')
  VALID_EXPIRATION=$(signature_time '+30 days')
  # ldns-signzone -u raises the serial above that of the file NSD loads now.
  plain_child_zone "$zone" "$(zone_file_serial "$source.signed")" >"$source"
  if [[ -r $source.keys ]]; then
    read -r ksk zsk <"$source.keys"
    sign_with_keys "$zone" "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION" "$ksk" "$zsk"
  else
    ksk=$(sign_zone "$zone" "$source" "$VALID_INCEPTION" "$VALID_EXPIRATION")
  fi
  ds_record "$ksk" >"$LAB_DIR/zones/$name.$TLD.ds"
  reload_rollout_zone "$name" signed
  log "$zone is now signed; run 'lab.sh set-ds $name right' to publish its DS"
}

# Serves a rollout zone unsigned again with a higher serial, and drops its
# keys, so that the next sign generates new ones. zones/NAME.lab.ds keeps the
# DS of the last KSK, and a DS still in lab. now makes the zone bogus.
unsign_rollout_zone() {
  local name=$1 zone="$1.$TLD." source="$LAB_DIR/zones/$1.$TLD.zone" serial
  require_rollout_zone "$name"
  serial=$(next_serial "$(zone_file_serial "$source.signed")")
  plain_child_zone "$zone" "$serial" >"$source"
  cp -- "$source" "$source.signed"
  rm -f -- "$source.keys"
  reload_rollout_zone "$name" unsigned
  log "$zone is now unsigned"
}

# --- starting and probing --------------------------------------------------

check_config() {
  local name=$1 output
  case $name in
    nsd | nsd2) output=$(nsd-checkconf "$(server_conf "$name")" 2>&1) ;;
    *) output=$(unbound-checkconf "$(server_conf "$name")" 2>&1) ;;
  esac || die "invalid config $(server_conf "$name"):
$output"
}

# Starts one server. Both daemons fork into the background and write their
# pidfile. fd 9 (the lab lock) is closed so that the daemons do not hold the
# lock, and stdio goes to the log so that they do not hold the caller's pipes.
launch_server() {
  local name=$1 conf logfile
  conf=$(server_conf "$name")
  logfile=$(server_log "$name")
  : >"$logfile"
  case $name in
    nsd | nsd2) nsd -c "$conf" </dev/null >>"$logfile" 2>&1 9>&- ;;
    *) unbound -c "$conf" </dev/null >>"$logfile" 2>&1 9>&- ;;
  esac || return 1
}

# Succeeds if the server at ADDR sends any DNS response for QNAME/TYPE.
server_responds() {
  dig "@$1" -p "$DNS_PORT" +time=1 +tries=1 +norecurse "$2" "$3" >/dev/null 2>&1
}

# Prints why a server failed, with the last lines of its log.
report_failure() {
  local name=$1 reason=$2 logfile
  logfile=$(server_log "$name")
  log "$name on $(server_addr "$name"):$DNS_PORT $reason"
  if [[ -s $logfile ]]; then
    log "last lines of $logfile:"
    tail -n 20 -- "$logfile" >&2
  fi
}

# Polls until the server responds, for up to READY_TIMEOUT_S.
wait_until_answering() {
  local name=$1 addr deadline
  addr=$(server_addr "$name")
  deadline=$((SECONDS + READY_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    server_responds "$addr" . SOA && return 0
    if [[ -f $(server_pidfile "$name") ]] && ! pidfile_pid "$name" >/dev/null; then
      report_failure "$name" "exited during startup"
      return 1
    fi
    sleep 0.1
  done
  report_failure "$name" "did not answer within ${READY_TIMEOUT_S}s"
  return 1
}

# Succeeds if the server at ADDR answers authoritatively for ZONE's SOA.
serves_zone() {
  local output
  output=$(dig "@$1" -p "$DNS_PORT" +time=1 +tries=1 +norecurse "$2" SOA)
  grep -q 'status: NOERROR' <<<"$output" && grep -q 'flags:.* aa' <<<"$output"
}

# Checks that both NSDs loaded their zones (authoritative SOA answers) and that
# the validating resolver accepts the lab root with the generated trust anchor.
check_lab_data() {
  local zone output
  for zone in . "$TLD." "${CHILD_ZONES[@]/%/.$TLD.}"; do
    if ! serves_zone "$AUTH_ADDR" "$zone"; then
      report_failure nsd "returned no authoritative SOA for zone '$zone'"
      return 1
    fi
  done
  for zone in "$TLD." "${SECOND_SERVER_ZONES[@]/%/.$TLD.}"; do
    if ! serves_zone "$AUTH2_ADDR" "$zone"; then
      report_failure nsd2 "returned no authoritative SOA for zone '$zone'"
      return 1
    fi
  done
  output=$(dig "@$VALIDATING_ADDR" -p "$DNS_PORT" +time=2 +tries=1 +dnssec . SOA)
  if ! grep -q 'flags:.* ad' <<<"$output"; then
    report_failure unbound-validating "did not validate the lab root SOA with $LAB_DIR/root.key"
    return 1
  fi
}

# Succeeds if all four servers run from this LAB_DIR and answer on their
# addresses.
lab_is_running() {
  local name
  for name in "${SERVERS[@]}"; do
    pidfile_pid "$name" >/dev/null || return 1
    server_responds "$(server_addr "$name")" . SOA || return 1
  done
}

start_lab() {
  local name
  if lab_is_running; then
    log "lab already running in $LAB_DIR; leaving it as it is (use restart for fresh keys)"
    return 0
  fi
  # A partly running or crashed lab is cleared before starting fresh.
  stop_servers || true
  for name in "$AUTH_ADDR" "$AUTH2_ADDR" "$VALIDATING_ADDR" "$NONVALIDATING_ADDR"; do
    ensure_loopback_address "$name"
    check_port_free "$name"
  done
  generate_zones
  write_configs
  write_env_file

  for name in "${SERVERS[@]}"; do
    check_config "$name"
    if ! launch_server "$name"; then
      report_failure "$name" "failed to start"
      stop_servers || true
      return 1
    fi
    if ! wait_until_answering "$name"; then
      stop_servers || true
      return 1
    fi
  done
  if ! check_lab_data; then
    stop_servers || true
    return 1
  fi
  if [[ -n $(port_holders "$DEAD_ADDR") ]]; then
    log "warning: something listens on $DEAD_ADDR:$DNS_PORT, which tests use as a dead resolver"
  fi
  log "lab running: auth $AUTH_ADDR and $AUTH2_ADDR, validating $VALIDATING_ADDR, non-validating $NONVALIDATING_ADDR; settings in $LAB_DIR/lab.env"
}

stop_lab() {
  if stop_servers; then
    log "lab stopped"
  else
    log "lab was not running"
  fi
  remove_added_addresses
}

print_status() {
  local name addr pid parent state all_up=0 pids=()
  for name in "${SERVERS[@]}"; do
    addr=$(server_addr "$name")
    if pid=$(pidfile_pid "$name"); then
      if server_responds "$addr" . SOA; then
        state="running, pid $pid, answering"
      else
        state="running, pid $pid, NOT answering"
        all_up=3
      fi
    else
      state="not running"
      all_up=3
    fi
    printf '%-22s %s:%s  %s\n' "$name" "$addr" "$DNS_PORT" "$state"
  done
  printf '%-22s %s:%s  %s\n' "dead (no server)" "$DEAD_ADDR" "$DNS_PORT" \
    "$([[ -n $(port_holders "$DEAD_ADDR") ]] && echo "UNEXPECTEDLY IN USE" || echo "unused, as intended")"
  # Lab processes that neither a pidfile nor a lab parent accounts for, e.g.
  # after a crash. start and stop kill them.
  mapfile -t pids < <(find_lab_pids)
  for pid in "${pids[@]}"; do
    parent=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
    if ! grep -qx -- "$pid" "$LAB_DIR"/*.pid 2>/dev/null && ! is_lab_process "$parent"; then
      printf 'leftover lab process: pid %s %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
    fi
  done
  return "$all_up"
}

# Serializes the commands that change the lab in one LAB_DIR, e.g. when tests
# run in parallel. fd 9 stays open until the script exits.
acquire_lock() {
  mkdir -p -- "$LAB_DIR"
  exec 9>"$LAB_DIR/lab.lock"
  flock -w 60 9 || die "timed out after 60s waiting for $LAB_DIR/lab.lock"
}

# Exits with the usage text unless the command line has COUNT words.
check_argument_count() {
  local count=$1
  shift
  if (($# != count)); then
    usage
    exit 2
  fi
}

main() {
  case ${1:-} in
    set-ds) check_argument_count 3 "$@" ;;
    sign | unsign) check_argument_count 2 "$@" ;;
    *) check_argument_count 1 "$@" ;;
  esac
  validate_settings
  init_addresses
  case $1 in
    set-ds)
      require_tools
      acquire_lock
      set_ds "$2" "$3"
      ;;
    sign)
      require_tools
      acquire_lock
      sign_rollout_zone "$2"
      ;;
    unsign)
      require_tools
      acquire_lock
      unsign_rollout_zone "$2"
      ;;
    start)
      require_tools
      acquire_lock
      start_lab
      ;;
    stop)
      acquire_lock
      stop_lab
      ;;
    restart)
      require_tools
      acquire_lock
      stop_lab
      start_lab
      ;;
    status) print_status ;;
    -h | --help | help) usage ;;
    *)
      usage
      exit 2
      ;;
  esac
}

main "$@"
