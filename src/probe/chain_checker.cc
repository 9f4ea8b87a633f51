// SPDX-License-Identifier: Apache-2.0
#include "probe/chain_checker.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "dns/codes.h"
#include "dns/message.h"
#include "probe/raw_engine.h"

namespace dw {
namespace {

using Clock = std::chrono::steady_clock;

using dns::kRcodeNoError;
using dns::kRcodeNxdomain;
using dns::kTypeA;
using dns::kTypeNs;
using dns::kTypeSoa;
using dns::kTypeAaaa;
using dns::kTypeDs;
using dns::kTypeDnskey;
using dns::kTypeCds;
using dns::kTypeCdnskey;

ProbeSpec question(const std::string& qname, uint16_t qtype) {
  return ProbeSpec{qname, qtype, dns::rrTypeName(qtype)};
}

ResolverSpec serverAt(const std::string& address) {
  ResolverSpec server;
  server.name = address;
  server.address = address;
  server.family = address.find(':') != std::string::npos ? 6 : 4;
  return server;
}

// The sections of the answer that counts, or parsed == false when none came.
dns::Sections sectionsOf(const RawResult& raw) {
  const Exchange& final = raw.final();
  if (final.status != ExchangeStatus::Answered || final.wire.empty()) {
    return {};
  }
  return dns::parseSections(final.wire.data(), final.wire.size());
}

// "ok" for an authoritative NOERROR answer, "lame" for any other answer, else the exchange
// status.
std::string serverResult(const RawResult& raw, std::string& detail) {
  const Exchange& final = raw.final();
  if (final.status != ExchangeStatus::Answered) {
    detail = final.error;
    return std::string(exchangeStatusName(final.status));
  }
  if (final.answer.rcode != kRcodeNoError) {
    detail = "answered " + dns::rcodeName(final.answer.rcode);
    return "lame";
  }
  if (!final.answer.aa) {
    detail = "answered without AA";
    return "lame";
  }
  return "ok";
}

// Formats the resolver's name and address for messages, e.g. "validating (192.0.2.53)".
std::string describeResolver(const ResolverSpec& resolver) {
  std::string address = resolver.address;
  if (resolver.port != 53) {
    address = (resolver.family == 6 ? "[" + address + "]" : address) + ":" +
              std::to_string(resolver.port);
  }
  return resolver.name == resolver.address ? address : resolver.name + " (" + address + ")";
}

// Describes why the answer to the DS query named no parent zone: the exchange status when no
// answer came, the rcode of an error answer, or what a NOERROR or NXDOMAIN answer lacked.
std::string parentQueryFailure(const RawResult& raw) {
  const Exchange& final = raw.final();
  if (final.status != ExchangeStatus::Answered) {
    const std::string detail = final.error.empty() ? "" : " (" + final.error + ")";
    return "the DS query got no answer: " + std::string(exchangeStatusName(final.status)) + detail;
  }
  if (final.answer.rcode != kRcodeNoError && final.answer.rcode != kRcodeNxdomain) {
    return "the DS query was answered " + dns::rcodeName(final.answer.rcode);
  }
  return "the answer to the DS query (" + dns::rcodeName(final.answer.rcode) +
         ") had neither an SOA record nor a signed DS RRset";
}

// The negative caching TTL of a NODATA or NXDOMAIN answer: the lower of its SOA's TTL and
// MINIMUM field (RFC 2308 5), or 0 without a SOA.
uint32_t negativeTtl(const dns::Sections& sections) {
  for (const dns::RecordSet& set : sections.authority) {
    if (set.type != kTypeSoa) {
      continue;
    }
    if (std::optional<dns::SoaFields> fields = dns::soaFields(set)) {
      return std::min(set.ttl, fields->minimum);
    }
  }
  return 0;
}

void addNames(std::vector<std::string>& names, const dns::RecordSet* ns) {
  if (ns == nullptr) {
    return;
  }
  for (const std::string& name : ns->rdata) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
}

}  // namespace

struct ChainChecker::Round {
  const ZoneSpec* zone = nullptr;
  Callback done;
  ChainResult result;
  Clock::time_point started;
  int pending = 0;
  std::function<void()> then;  // Runs when `pending` drops to 0.
  std::vector<std::string> resolver_ns;  // The zone's NS names as the key resolver sees them.
  // Why the key resolver's answer to the DS query named no parent zone. Empty when it did.
  std::string parent_failure;
  std::vector<std::string> parent_ns;
  std::map<std::string, std::vector<std::string>> addresses;  // By NS name.
};

ChainChecker::ChainChecker(RawEngine& raw, ResolverSpec key_resolver)
    : raw_(raw), key_resolver_(std::move(key_resolver)) {}

ChainChecker::~ChainChecker() = default;

void ChainChecker::check(const ZoneSpec& zone, Callback done) {
  auto round = std::make_shared<Round>();
  round->zone = &zone;
  round->done = std::move(done);
  round->started = Clock::now();
  round->result.zone = zone.name;
  findParent(round);
}

void ChainChecker::beginStep(const RoundPtr& round, std::function<void()> then) {
  round->then = std::move(then);
  // Held until the step has sent every query, since an answer may come back at once.
  round->pending = 1;
}

void ChainChecker::release(const RoundPtr& round) {
  if (--round->pending > 0) {
    return;
  }
  std::function<void()> then = std::move(round->then);
  then();
}

void ChainChecker::ask(const RoundPtr& round, const ResolverSpec& server,
                       const ProbeSpec& question, Answer answer) {
  ++round->pending;
  ++round->result.queries;
  RawProbeOptions options;
  options.keep_wire = true;
  options.recheck_servfail = false;
  // Only the key resolver recurses; every other server is asked for its own data.
  options.recursion_desired = &server == &key_resolver_;
  raw_.probe(
      server, question,
      [this, round, answer = std::move(answer)](RawResult raw) {
        answer(raw);
        release(round);
      },
      options);
}

// --- the parent and its servers ---------------------------------------------------------

void ChainChecker::findParent(const RoundPtr& round) {
  beginStep(round, [this, round] { findParentServers(round); });
  const std::string& zone = round->zone->name;
  ask(round, key_resolver_, question(zone, kTypeNs), [round, zone](const RawResult& raw) {
    addNames(round->resolver_ns, dns::findRrset(sectionsOf(raw).answer, zone, kTypeNs));
  });
  if (zone != ".") {
    // The negative answer's SOA, or the DS RRset's signer, names the parent zone.
    ask(round, key_resolver_, question(zone, kTypeDs), [round, zone](const RawResult& raw) {
      const dns::Sections sections = sectionsOf(raw);
      for (const dns::RecordSet& set : sections.authority) {
        if (set.type == kTypeSoa) {
          round->result.parent = set.owner;
        }
      }
      const dns::RecordSet* ds = dns::findRrset(sections.answer, zone, kTypeDs);
      if (ds != nullptr && !ds->signature_times.empty()) {
        round->result.parent = ds->signature_times.front().signer;
      }
      if (round->result.parent.empty()) {
        round->parent_failure = parentQueryFailure(raw);
      }
    });
  }
  release(round);
}

void ChainChecker::findParentServers(const RoundPtr& round) {
  const std::string parent = round->result.parent;
  if (parent.empty()) {
    if (round->zone->name != ".") {
      round->result.error = "the key resolver " + describeResolver(key_resolver_) +
                            " did not name the parent zone of " + round->zone->name + ": " +
                            round->parent_failure;
    }
    findAuthServers(round);
    return;
  }
  beginStep(round, [this, round] {
    resolveNames(round, round->parent_ns, [this, round] { askParents(round); });
  });
  ask(round, key_resolver_, question(parent, kTypeNs), [round, parent](const RawResult& raw) {
    addNames(round->parent_ns, dns::findRrset(sectionsOf(raw).answer, parent, kTypeNs));
  });
  release(round);
}

void ChainChecker::askParents(const RoundPtr& round) {
  beginStep(round, [this, round] { findAuthServers(round); });
  std::vector<ParentServer>& parents = round->result.parents;
  for (const std::string& name : round->parent_ns) {
    for (const std::string& address : round->addresses[name]) {
      auto known = std::find_if(parents.begin(), parents.end(),
                                [&](const ParentServer& p) { return p.address == address; });
      if (known == parents.end()) {
        parents.push_back(ParentServer{address, {}, "", "", {}, 0, {}});
        known = parents.end() - 1;
      }
      known->names.push_back(name);
    }
  }
  const std::string zone = round->zone->name;
  for (size_t i = 0; i < parents.size(); ++i) {
    const ResolverSpec server = serverAt(parents[i].address);
    ask(round, server, question(zone, kTypeDs), [round, i, zone](const RawResult& raw) {
      ParentServer& parent = round->result.parents[i];
      parent.result = serverResult(raw, parent.detail);
      const dns::Sections sections = sectionsOf(raw);
      const dns::RecordSet* ds = dns::findRrset(sections.answer, zone, kTypeDs);
      if (ds == nullptr) {
        parent.ds_negative_ttl = negativeTtl(sections);
        return;
      }
      parent.ds_ttl = ds->ttl;
      for (const std::string& rdata : ds->rdata) {
        // Kept even when the digest length does not fit its type, which judgeDs() reports.
        if (std::optional<dns::DsFields> fields = dns::readDsFields(rdata)) {
          parent.ds.push_back(*fields);
        }
      }
      std::sort(parent.ds.begin(), parent.ds.end());
    });
    ask(round, server, question(zone, kTypeNs), [round, i, zone](const RawResult& raw) {
      const dns::Sections sections = sectionsOf(raw);
      // A referral, or the child's own NS RRset when the server also serves the child.
      const dns::RecordSet* ns = dns::findRrset(sections.authority, zone, kTypeNs);
      ns = ns != nullptr ? ns : dns::findRrset(sections.answer, zone, kTypeNs);
      if (ns != nullptr) {
        round->result.parents[i].delegation_ns_ttl = ns->ttl;
      }
      addNames(round->result.parents[i].delegation_ns, ns);
      addNames(round->result.delegation_ns, ns);
      for (const dns::RecordSet& glue : sections.additional) {
        if (glue.type == kTypeA || glue.type == kTypeAaaa) {
          std::vector<std::string>& addresses = round->addresses[glue.owner];
          for (const std::string& address : glue.rdata) {
            if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
              addresses.push_back(address);
            }
          }
        }
      }
    });
  }
  release(round);
}

// --- the zone's own servers -------------------------------------------------------------

void ChainChecker::resolveNames(const RoundPtr& round, const std::vector<std::string>& names,
                                std::function<void()> then) {
  beginStep(round, std::move(then));
  for (const std::string& name : names) {
    if (round->addresses.count(name) > 0) {
      continue;
    }
    round->addresses[name];
    for (uint16_t type : {kTypeA, kTypeAaaa}) {
      ask(round, key_resolver_, question(name, type), [round, name, type](const RawResult& raw) {
        const dns::Sections sections = sectionsOf(raw);
        const dns::RecordSet* set = dns::findRrset(sections.answer, name, type);
        if (set != nullptr) {
          std::vector<std::string>& addresses = round->addresses[name];
          addresses.insert(addresses.end(), set->rdata.begin(), set->rdata.end());
        }
      });
    }
  }
  release(round);
}

void ChainChecker::findAuthServers(const RoundPtr& round) {
  std::vector<std::string> names = round->result.delegation_ns;
  if (names.empty()) {
    names = round->resolver_ns;
  }
  resolveNames(round, names, [this, round, names] {
    askAuthServers(round, names);
  });
}

void ChainChecker::askAuthServers(const RoundPtr& round, const std::vector<std::string>& names) {
  const bool first_pass = round->result.servers.empty();
  beginStep(round, [this, round, first_pass] {
    if (first_pass) {
      findZoneOnlyNames(round);
    } else {
      finish(round);
    }
  });
  std::vector<AuthServer>& servers = round->result.servers;
  const size_t first_new = servers.size();
  for (const std::string& name : names) {
    for (const std::string& address : round->addresses[name]) {
      auto known = std::find_if(servers.begin(), servers.end(),
                                [&](const AuthServer& s) { return s.address == address; });
      if (known == servers.end()) {
        servers.push_back(AuthServer{});
        servers.back().address = address;
        known = servers.end() - 1;
      }
      known->names.push_back(name);
    }
  }
  for (size_t i = first_new; i < servers.size(); ++i) {
    askAuthServer(round, i);
  }
  release(round);
}

void ChainChecker::askAuthServer(const RoundPtr& round, size_t index) {
  const std::string& zone = round->zone->name;
  const ResolverSpec server = serverAt(round->result.servers[index].address);
  ask(round, server, question(zone, kTypeSoa), [round, index, zone](const RawResult& raw) {
    AuthServer& auth = round->result.servers[index];
    auth.result = serverResult(raw, auth.detail);
    dns::Sections sections = sectionsOf(raw);
    const dns::RecordSet* soa = dns::findRrset(sections.answer, zone, kTypeSoa);
    if (auth.result == "ok" && soa == nullptr) {
      auth.result = "lame";
      auth.detail = "no SOA RRset in the answer";
    }
    if (soa != nullptr) {
      auth.serial = dns::soaFields(*soa).value_or(dns::SoaFields{}).serial;
      auth.signed_zone = !soa->signatures.empty();
    }
    auth.rrsets.insert(auth.rrsets.end(), sections.answer.begin(), sections.answer.end());
  });
  std::vector<ProbeSpec> questions{question(zone, kTypeNs), question(zone, kTypeDnskey),
                                   question(zone, kTypeCds), question(zone, kTypeCdnskey)};
  questions.insert(questions.end(), round->zone->probes.begin(), round->zone->probes.end());
  for (const ProbeSpec& asked : questions) {
    ask(round, server, asked, [round, index, zone](const RawResult& raw) {
      AuthServer& auth = round->result.servers[index];
      dns::Sections sections = sectionsOf(raw);
      if (const dns::RecordSet* keys = dns::findRrset(sections.answer, zone, kTypeDnskey)) {
        for (const dns::DnskeyFacts& key : dns::dnskeyFacts(*keys)) {
          auth.dnskey_tags.push_back(key.key_tag);
        }
        std::sort(auth.dnskey_tags.begin(), auth.dnskey_tags.end());
      }
      auth.rrsets.insert(auth.rrsets.end(), sections.answer.begin(), sections.answer.end());
    });
  }
}

void ChainChecker::findZoneOnlyNames(const RoundPtr& round) {
  std::vector<std::string> zone_ns;
  for (const AuthServer& server : round->result.servers) {
    addNames(zone_ns, dns::findRrset(server.rrsets, round->zone->name, kTypeNs));
  }
  round->result.zone_ns = zone_ns;
  std::vector<std::string> unknown;
  for (const std::string& name : zone_ns) {
    if (round->addresses.count(name) == 0) {
      unknown.push_back(name);
    }
  }
  if (unknown.empty()) {
    finish(round);
    return;
  }
  resolveNames(round, unknown, [this, round, unknown] { askAuthServers(round, unknown); });
}

void ChainChecker::finish(const RoundPtr& round) {
  ChainResult& result = round->result;
  judgeChain(result, round->zone->expected_ds, static_cast<int64_t>(std::time(nullptr)));
  result.duration =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - round->started);
  Callback done = std::move(round->done);
  done(std::move(result));
}

}  // namespace dw
