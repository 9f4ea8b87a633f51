// SPDX-License-Identifier: Apache-2.0
// The TTLs that decide how long each rollout step waits and how long its rollback takes,
// as the servers serve them, and the advice for each phase.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "rollout/phase.h"

namespace dw {

struct ChainResult;

enum class TtlKind {
  Max,         // The largest TTL of any RRset asked: apex SOA, NS, DNSKEY, CDS and probes.
  Soa,         // The SOA RRset's TTL.
  SoaMinimum,  // The SOA MINIMUM field; with the SOA TTL it bounds negative caching.
  NsParent,    // The delegation's NS RRset in the parent.
  NsZone,      // The NS RRset at the zone's apex.
  Ds,          // The DS RRset in the parent.
  Dnskey,      // The DNSKEY RRset.
  // The parent's answer that the zone has no DS: resolvers cache it this long (RFC 2308,
  // the lower of the parent's SOA TTL and SOA MINIMUM), so a new DS reaches them after it.
  DsNegative,
};
constexpr std::array<TtlKind, 8> kTtlKinds{
    TtlKind::Max, TtlKind::Soa, TtlKind::SoaMinimum, TtlKind::NsParent,
    TtlKind::NsZone, TtlKind::Ds, TtlKind::Dnskey, TtlKind::DsNegative};

// "max", "soa", "soa_minimum", "ns_parent", "ns_zone", "ds", "dnskey", "ds_negative": the
// metric label.
std::string_view ttlKindName(TtlKind kind);

// Each TTL in seconds, the largest over the servers that answered. A TTL is nullopt when no
// server served its RRset, such as the DS before step 3 or the DNSKEY RRset before step 2.
class TtlInventory {
 public:
  std::optional<uint32_t> get(TtlKind kind) const { return values_[index(kind)]; }
  void raise(TtlKind kind, uint32_t ttl);
  // The maximum of the TTLs of `kinds`: how long a cache may keep that data. 0 when none is
  // known.
  uint32_t longest(std::initializer_list<TtlKind> kinds) const;

 private:
  static size_t index(TtlKind kind) { return static_cast<size_t>(kind); }
  std::array<std::optional<uint32_t>, kTtlKinds.size()> values_;
};

// The TTLs of one round of chain checks.
TtlInventory takeInventory(const ChainResult& result);

// The largest TTL advised for `kind` in `phase`, or nullopt when there is no advice:
//   - unsigned, signed, ds_published: the zone's TTLs, SOA MINIMUM and DNSKEY TTL at most
//     1 hour, so a rollback of signing takes effect within the hour;
//   - ds_published: the DS TTL at most 5 minutes, so removing the DS takes effect soon;
//   - stable: DS TTL at most 1 hour, other TTLs at most 1 week (some providers cap the TTLs
//     of signed zones there).
std::optional<uint32_t> advisedTtl(TtlKind kind, Phase phase);

}  // namespace dw
