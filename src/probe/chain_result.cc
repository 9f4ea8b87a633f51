// SPDX-License-Identifier: Apache-2.0
#include "probe/chain_result.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "dns/codes.h"
#include "dns/message.h"

namespace dw {
namespace {

using dns::kTypeDnskey;
using dns::kTypeCds;
using dns::kTypeCdnskey;

using ZoneState = std::tuple<uint32_t, bool, std::vector<uint16_t>>;

ZoneState stateOf(const AuthServer& server) {
  return {server.serial, server.signed_zone, server.dnskey_tags};
}

// Marks the servers that serve what most servers serve. A tie goes to the newer serial
// (RFC 1982), because that is where the zone is heading.
// TODO: a server whose DNSKEY query failed, or that serves the zone unsigned, can still win a
// 1-to-1 tie and become the reference, so a right DS is then judged against no keys.
void judgeSync(ChainResult& result) {
  std::map<ZoneState, int> votes;
  for (const AuthServer& server : result.servers) {
    if (server.result == "ok") {
      ++votes[stateOf(server)];
    }
  }
  std::optional<ZoneState> majority;
  int best = 0;
  for (const auto& [state, count] : votes) {
    const bool newer = majority && dns::serialDifference(std::get<0>(state),
                                                         std::get<0>(*majority)) > 0;
    if (count > best || (count == best && newer)) {
      majority = state;
      best = count;
    }
  }
  result.in_sync = majority.has_value();
  for (AuthServer& server : result.servers) {
    server.in_sync = server.result == "ok" && stateOf(server) == majority;
    result.in_sync = result.in_sync && server.in_sync;
  }
}

// The apex RRset of `type` from the first in-sync server, or nullptr.
const dns::RecordSet* syncedRrset(const ChainResult& result, uint16_t type) {
  for (const AuthServer& server : result.servers) {
    if (server.in_sync) {
      return dns::findRrset(server.rrsets, result.zone, type);
    }
  }
  return nullptr;
}

// Collects the DS records of the parent servers with the servers that serve each, and
// whether every parent server serves the same DS RRset.
std::map<dns::DsFields, std::vector<std::string>> collectDs(ChainResult& result) {
  std::map<dns::DsFields, std::vector<std::string>> served;
  size_t answering = 0;
  result.ds_consistent = true;
  const std::vector<dns::DsFields>* first = nullptr;
  for (const ParentServer& parent : result.parents) {
    if (parent.result != "ok") {
      result.ds_consistent = false;
      continue;
    }
    ++answering;
    result.ds_consistent = result.ds_consistent && (first == nullptr || parent.ds == *first);
    first = first == nullptr ? &parent.ds : first;
    result.ds_ttl = std::max(result.ds_ttl, parent.ds_ttl);
    for (const dns::DsFields& ds : parent.ds) {
      served[ds].push_back(parent.address);
    }
  }
  result.ds_consistent = result.ds_consistent && answering > 0;
  return served;
}

void judgeDs(ChainResult& result, const std::vector<std::string>& expected_ds) {
  const std::map<dns::DsFields, std::vector<std::string>> served = collectDs(result);
  dns::RecordSet no_keys;
  no_keys.owner = result.zone;
  const dns::RecordSet* found = syncedRrset(result, kTypeDnskey);
  const dns::RecordSet& dnskeys = found != nullptr ? *found : no_keys;
  const std::vector<dns::DnskeyFacts> facts = dns::dnskeyFacts(dnskeys);
  std::vector<dns::DsFields> all;
  for (const auto& [ds, servers] : served) {
    const dns::DsJudgement judgement = dns::judgeDs(ds, dnskeys, facts);
    result.ds.push_back(DsFinding{ds, judgement.status, judgement.detail, servers});
    all.push_back(ds);
  }
  for (const std::string& text : expected_ds) {
    if (std::optional<dns::DsFields> ds = dns::parseDs(text)) {
      const dns::DsJudgement judgement = dns::judgeDs(*ds, dnskeys, facts);
      result.expected_ds.push_back(DsFinding{*ds, judgement.status, judgement.detail, {}});
    }
  }
  result.cds =
      dns::compareCds(syncedRrset(result, kTypeCds), syncedRrset(result, kTypeCdnskey), all);
}

void judgeSignatures(ChainResult& result, int64_t now) {
  std::map<std::pair<std::string, uint16_t>, SignatureFinding> findings;
  for (const AuthServer& server : result.servers) {
    for (const dns::RecordSet& set : server.rrsets) {
      const std::optional<dns::SignatureWindow> window = dns::latestSignatureWindow(set, now);
      if (!window) {
        continue;
      }
      const auto key = std::make_pair(set.owner, set.type);
      const bool first = findings.find(key) == findings.end();
      SignatureFinding& finding = findings[key];
      if (first || window->expires_in < finding.expires_in) {
        finding.expires_in = window->expires_in;
        finding.server = server.address;
      }
      finding.qname = set.owner;
      finding.qtype = set.type;
      finding.inception_age =
          first ? window->inception_age : std::min(finding.inception_age, window->inception_age);
      finding.ttl = std::max(finding.ttl, set.ttl);
      finding.ttl_outlives = finding.ttl_outlives || window->expires_in < set.ttl;
    }
  }
  for (auto& [key, finding] : findings) {
    result.signatures.push_back(std::move(finding));
  }
}

}  // namespace

void judgeChain(ChainResult& result, const std::vector<std::string>& expected_ds, int64_t now) {
  judgeSync(result);
  judgeDs(result, expected_ds);
  judgeSignatures(result, now);
}

std::vector<std::string> ChainResult::faults(bool include_expected_ds) const {
  std::vector<std::string> found;
  if (!error.empty()) {
    found.push_back(error);
    return found;
  }
  for (const AuthServer& server : servers) {
    if (!server.in_sync) {
      found.push_back("server " + server.address + " is " +
                      (server.result == "ok" ? "out of sync" : server.result));
    }
  }
  if (!parent.empty() && !ds_consistent) {
    found.push_back("the parent servers serve different DS RRsets");
  }
  for (const auto* list : {&ds, &expected_ds}) {
    if (list == &expected_ds && !include_expected_ds) {
      continue;
    }
    for (const DsFinding& finding : *list) {
      if (finding.status != dns::DsStatus::Match) {
        found.push_back(std::string(list == &ds ? "DS " : "expected DS ") +
                        finding.ds.text() + ": " + std::string(dsStatusName(finding.status)));
      }
    }
  }
  if (cds == dns::CdsAgreement::Disagrees) {
    found.push_back("CDS/CDNSKEY disagree with the DS");
  }
  for (const SignatureFinding& signature : signatures) {
    const std::string what = "RRSIG of " + signature.qname + " " + dns::rrTypeName(signature.qtype);
    if (signature.expires_in <= 0) {
      found.push_back(what + " expired");
    } else if (signature.inception_age < 0) {
      found.push_back(what + " not valid yet");
    } else if (signature.ttl_outlives) {
      found.push_back(what + " expires before its TTL runs out");
    }
  }
  return found;
}

bool ChainResult::healthy() const { return faults().empty(); }

}  // namespace dw
