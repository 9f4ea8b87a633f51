// SPDX-License-Identifier: Apache-2.0
// Findings of one round of chain checks for a zone: what its authoritative servers and its
// parent's servers serve, asked directly. Kept whole per zone, so that the rollout phase and
// the plan can be derived from the same round.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "dns/ds_check.h"
#include "dns/rrsets.h"

namespace dw {

// One authoritative server address of the zone, and what it answered.
struct AuthServer {
  std::string address;
  std::vector<std::string> names;  // NS names that lead to this address.
  // "ok" (an authoritative SOA came), "lame" (an answer without AA, or an error rcode), or
  // the exchange status when no answer came: "timeout", "unreachable", ...
  std::string result;
  std::string detail;
  uint32_t serial = 0;
  bool signed_zone = false;           // The SOA came with an RRSIG.
  std::vector<uint16_t> dnskey_tags;  // Key tags of the DNSKEY RRset, ascending.
  std::vector<dns::RecordSet> rrsets;  // Answer RRsets: SOA, NS, DNSKEY, CDS, CDNSKEY, probes.
  bool in_sync = false;  // Same serial, signing and DNSKEY RRset as the majority.
};

// One server of the parent zone, and the delegation it serves.
struct ParentServer {
  std::string address;
  std::vector<std::string> names;
  std::string result;  // As AuthServer::result.
  std::string detail;
  std::vector<dns::DsFields> ds;  // Ascending.
  uint32_t ds_ttl = 0;
  std::vector<std::string> delegation_ns;  // NS names of the referral, ascending.
  uint32_t delegation_ns_ttl = 0;          // TTL of the referral's NS RRset.
  // How long resolvers cache this server's answer that the zone has no DS: the lower of the
  // SOA TTL and SOA MINIMUM in that answer (RFC 2308 5). 0 when a DS came.
  uint32_t ds_negative_ttl = 0;
};

// One DS record, from the parent or the config, judged against the child's DNSKEY RRset.
struct DsFinding {
  dns::DsFields ds;
  dns::DsStatus status = dns::DsStatus::NoMatch;
  std::string detail;
  std::vector<std::string> servers;  // Parent server addresses that serve it.
};

// The signatures of one RRset over every authoritative server.
struct SignatureFinding {
  std::string qname;
  uint16_t qtype = 0;
  int64_t expires_in = 0;     // Seconds until its RRSIG expires; the minimum over servers.
  int64_t inception_age = 0;  // Seconds since its inception; the minimum over servers.
  uint32_t ttl = 0;           // The largest TTL a server gives the RRset.
  bool ttl_outlives = false;  // On some server, the RRSIG expires before the TTL runs out.
  std::string server;         // The server with the earliest expiry.
};

struct ChainResult {
  std::string zone;
  std::string parent;  // The zone that delegates it; empty for the root.
  std::string error;   // The reason the parent zone was not found, or empty.

  std::vector<std::string> delegation_ns;  // NS names in the parent, ascending.
  std::vector<std::string> zone_ns;        // NS names at the zone's apex, ascending.
  std::vector<AuthServer> servers;
  bool in_sync = false;

  std::vector<ParentServer> parents;
  std::vector<DsFinding> ds;           // Every DS some parent server serves.
  std::vector<DsFinding> expected_ds;  // The DS records of the config.
  // Every parent server that answered serves the same DS RRset. False when none answered.
  bool ds_consistent = false;
  uint32_t ds_ttl = 0;                 // The largest DS TTL of the parent servers.
  dns::CdsAgreement cds = dns::CdsAgreement::None;

  std::vector<SignatureFinding> signatures;
  int queries = 0;
  std::chrono::microseconds duration{0};

  // No fault: every server found and in sync, every DS matches a signing SEP key, every
  // parent server answers and serves the same DS RRset, CDS agrees, and no signature is
  // expired, not yet valid or outlived by its TTL.
  bool healthy() const;
  // The faults in words, one per item; empty when healthy. Without `include_expected_ds`,
  // the config's DS records are left out: before the zone is signed, no key can match them.
  std::vector<std::string> faults(bool include_expected_ds = true) const;
};

// Fills the derived findings of `result` from its servers: who is in sync, the DS findings
// against the DNSKEY RRset of an in-sync server (or, when the in-sync servers serve none, of
// the best-ranked server that does), CDS agreement and signature times at `now` (Unix time).
void judgeChain(ChainResult& result, const std::vector<std::string>& expected_ds, int64_t now);

}  // namespace dw
