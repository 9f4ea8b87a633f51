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

// Whether servers in `state` serve a signed zone with a DNSKEY RRset, so that a DS can be
// judged against their keys.
bool servesKeys(const ZoneState& state) {
  return std::get<1>(state) && !std::get<2>(state).empty();
}

// Whether `state`, served by `count` servers, ranks above `best`, served by `best_count`. More
// servers rank first. A tie goes to the state that serves keys, so that a server whose DNSKEY
// query failed, or that serves the zone unsigned, never becomes the reference by chance. Then
// it goes to the newer serial (RFC 1982), because that is where the zone is heading.
bool ranksAbove(const ZoneState& state, int count, const ZoneState& best, int best_count) {
  if (count != best_count) {
    return count > best_count;
  }
  if (servesKeys(state) != servesKeys(best)) {
    return servesKeys(state);
  }
  return dns::serialDifference(std::get<0>(state), std::get<0>(best)) > 0;
}

// Counts the servers that answered with each state.
std::map<ZoneState, int> countStates(const ChainResult& result) {
  std::map<ZoneState, int> votes;
  for (const AuthServer& server : result.servers) {
    if (server.result == "ok") {
      ++votes[stateOf(server)];
    }
  }
  return votes;
}

// Returns the state that ranks highest, among only those that serve keys when `keyed_only` is
// set, or nullopt when there is none.
std::optional<ZoneState> topState(const std::map<ZoneState, int>& votes, bool keyed_only) {
  std::optional<ZoneState> top;
  int top_count = 0;
  for (const auto& [state, count] : votes) {
    if (keyed_only && !servesKeys(state)) {
      continue;
    }
    if (!top || ranksAbove(state, count, *top, top_count)) {
      top = state;
      top_count = count;
    }
  }
  return top;
}

// Marks the servers that serve the reference state, the one that ranks highest.
void judgeSync(ChainResult& result) {
  const std::optional<ZoneState> reference = topState(countStates(result), false);
  result.in_sync = reference.has_value();
  for (AuthServer& server : result.servers) {
    server.in_sync = server.result == "ok" && stateOf(server) == reference;
    result.in_sync = result.in_sync && server.in_sync;
  }
}

// Returns the server whose DNSKEY, CDS and CDNSKEY RRsets the DS records are judged against.
// That is the first server of the highest-ranking state that serves keys, and so an in-sync
// server whenever the reference state serves keys. Returns nullptr when no server serves keys.
const AuthServer* keyServer(const ChainResult& result) {
  const std::optional<ZoneState> keyed = topState(countStates(result), true);
  for (const AuthServer& server : result.servers) {
    if (keyed && server.result == "ok" && stateOf(server) == *keyed) {
      return &server;
    }
  }
  return nullptr;
}

// The apex RRset of `type` that `server` (may be null) serves, or nullptr.
const dns::RecordSet* apexRrset(const ChainResult& result, const AuthServer* server,
                                uint16_t type) {
  return server != nullptr ? dns::findRrset(server->rrsets, result.zone, type) : nullptr;
}

// Collects the DS records of the parent servers that answered, with the servers that serve
// each, and whether those servers serve the same DS RRset. A server that did not answer is a
// fault of its own (see faults()), not a DS RRset that differs.
std::map<dns::DsFields, std::vector<std::string>> collectDs(ChainResult& result) {
  std::map<dns::DsFields, std::vector<std::string>> served;
  result.ds_consistent = true;
  const std::vector<dns::DsFields>* first = nullptr;
  for (const ParentServer& parent : result.parents) {
    if (parent.result != "ok") {
      continue;
    }
    first = first == nullptr ? &parent.ds : first;
    result.ds_consistent = result.ds_consistent && parent.ds == *first;
    result.ds_ttl = std::max(result.ds_ttl, parent.ds_ttl);
    for (const dns::DsFields& ds : parent.ds) {
      served[ds].push_back(parent.address);
    }
  }
  result.ds_consistent = result.ds_consistent && first != nullptr;
  return served;
}

void judgeDs(ChainResult& result, const std::vector<std::string>& expected_ds) {
  const std::map<dns::DsFields, std::vector<std::string>> served = collectDs(result);
  const AuthServer* key_server = keyServer(result);
  dns::RecordSet no_keys;
  no_keys.owner = result.zone;
  const dns::RecordSet* found = apexRrset(result, key_server, kTypeDnskey);
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
  result.cds = dns::compareCds(apexRrset(result, key_server, kTypeCds),
                               apexRrset(result, key_server, kTypeCdnskey), all);
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

// Adds a fault for each parent server that did not answer, by address and result, and one when
// the parent servers that answered serve different DS RRsets.
void addParentFaults(const ChainResult& result, std::vector<std::string>& found) {
  if (result.parents.empty()) {
    found.push_back("no server of the parent zone " + result.parent + " was found");
    return;
  }
  bool answered = false;
  for (const ParentServer& parent : result.parents) {
    if (parent.result == "ok") {
      answered = true;
      continue;
    }
    const std::string detail = parent.detail.empty() ? "" : " (" + parent.detail + ")";
    found.push_back("parent server " + parent.address + " is " + parent.result + detail);
  }
  if (answered && !result.ds_consistent) {
    found.push_back("the parent servers that answered serve different DS RRsets");
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
  if (!parent.empty()) {
    addParentFaults(*this, found);
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
