// SPDX-License-Identifier: Apache-2.0
#include "rollout/ttl_inventory.h"

#include <algorithm>
#include <string>

#include "dns/codes.h"
#include "probe/chain_result.h"

namespace dw {
namespace {

constexpr uint32_t kHour = 3600;
constexpr uint32_t kWeek = 7 * 24 * kHour;
constexpr uint32_t kFiveMinutes = 300;

void addServer(TtlInventory& inventory, const AuthServer& server, const std::string& zone) {
  for (const dns::RecordSet& set : server.rrsets) {
    inventory.raise(TtlKind::Max, set.ttl);
    if (set.owner != zone) {
      continue;
    }
    if (set.type == dns::kTypeSoa) {
      inventory.raise(TtlKind::Soa, set.ttl);
      if (std::optional<dns::SoaFields> fields = dns::soaFields(set)) {
        inventory.raise(TtlKind::SoaMinimum, fields->minimum);
      }
    } else if (set.type == dns::kTypeNs) {
      inventory.raise(TtlKind::NsZone, set.ttl);
    } else if (set.type == dns::kTypeDnskey) {
      inventory.raise(TtlKind::Dnskey, set.ttl);
    }
  }
}

}  // namespace

std::string_view ttlKindName(TtlKind kind) {
  switch (kind) {
    case TtlKind::Max: return "max";
    case TtlKind::Soa: return "soa";
    case TtlKind::SoaMinimum: return "soa_minimum";
    case TtlKind::NsParent: return "ns_parent";
    case TtlKind::NsZone: return "ns_zone";
    case TtlKind::Ds: return "ds";
    case TtlKind::Dnskey: return "dnskey";
    case TtlKind::DsNegative: return "ds_negative";
  }
  return "unknown";
}

void TtlInventory::raise(TtlKind kind, uint32_t ttl) {
  std::optional<uint32_t>& value = values_[index(kind)];
  value = std::max(value.value_or(0), ttl);
}

uint32_t TtlInventory::longest(std::initializer_list<TtlKind> kinds) const {
  uint32_t longest = 0;
  for (TtlKind kind : kinds) {
    longest = std::max(longest, get(kind).value_or(0));
  }
  return longest;
}

TtlInventory takeInventory(const ChainResult& result) {
  TtlInventory inventory;
  for (const AuthServer& server : result.servers) {
    if (server.result == "ok") {
      addServer(inventory, server, result.zone);
    }
  }
  for (const ParentServer& parent : result.parents) {
    if (parent.result != "ok") {
      continue;
    }
    if (!parent.ds.empty()) {
      inventory.raise(TtlKind::Ds, parent.ds_ttl);
    } else if (parent.ds_negative_ttl > 0) {
      inventory.raise(TtlKind::DsNegative, parent.ds_negative_ttl);
    }
    if (parent.delegation_ns_ttl > 0) {
      inventory.raise(TtlKind::NsParent, parent.delegation_ns_ttl);
    }
  }
  return inventory;
}

std::optional<uint32_t> advisedTtl(TtlKind kind, Phase phase) {
  const bool stable = phase == Phase::Stable;
  switch (kind) {
    case TtlKind::Max:
    case TtlKind::Soa:
    case TtlKind::SoaMinimum:
    case TtlKind::Dnskey:
      return stable ? kWeek : kHour;
    case TtlKind::Ds:
      if (phase == Phase::DsPublished) {
        return kFiveMinutes;
      }
      return stable ? std::optional<uint32_t>(kHour) : std::nullopt;
    case TtlKind::NsParent:
    case TtlKind::NsZone:
    case TtlKind::DsNegative:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace dw
