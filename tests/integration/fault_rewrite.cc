// SPDX-License-Identifier: Apache-2.0
// The message rewriting of FaultyRelay, through ldns.
#include "faulty_relay.h"

// ldns's common.h defines `true` and `false` as macros in C++ unless this comes first.
#include <stdbool.h>

#include <cstdlib>
#include <memory>

#include <ldns/ldns.h>

namespace dw::test {
namespace {

constexpr size_t kClassicUdpLimit = 512;    // RFC 1035 4.2.1, without EDNS.
constexpr size_t kFragmentFreeLimit = 1232;  // The DNS Flag Day 2020 EDNS buffer size.

struct PktDeleter {
  void operator()(ldns_pkt* pkt) const { ldns_pkt_free(pkt); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;

PktPtr parse(const std::vector<uint8_t>& wire) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire.data(), wire.size()) != LDNS_STATUS_OK) {
    return nullptr;
  }
  return PktPtr(pkt);
}

std::vector<uint8_t> toWire(const ldns_pkt* pkt, const std::vector<uint8_t>& fallback) {
  uint8_t* wire = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&wire, pkt, &size) != LDNS_STATUS_OK) {
    return fallback;
  }
  std::vector<uint8_t> result(wire, wire + size);
  std::free(wire);
  return result;
}

bool isDenialRecord(const ldns_rr* rr) {
  const ldns_rr_type type = ldns_rr_get_type(rr);
  if (type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3) {
    return true;
  }
  if (type != LDNS_RR_TYPE_RRSIG) {
    return false;
  }
  const ldns_rdf* covered = ldns_rr_rrsig_typecovered(rr);
  if (covered == nullptr) {
    return false;
  }
  const ldns_rr_type covered_type = ldns_rdf2rr_type(covered);
  return covered_type == LDNS_RR_TYPE_NSEC || covered_type == LDNS_RR_TYPE_NSEC3;
}

bool isRrsig(const ldns_rr* rr) { return ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG; }

// Returns a new list with clones of the records of `section` that `remove` does not match.
ldns_rr_list* remainingRecords(const ldns_rr_list* section, bool (*remove)(const ldns_rr*)) {
  ldns_rr_list* remaining = ldns_rr_list_new();
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(section, i);
    if (!remove(rr)) {
      ldns_rr_list_push_rr(remaining, ldns_rr_clone(rr));
    }
  }
  return remaining;
}

// Accessors of one message section. ldns_pkt2wire writes the header counts that the packet
// stores, not the list sizes, so a rewrite sets both.
struct Section {
  ldns_rr_list* (*records)(const ldns_pkt*);
  void (*setRecords)(ldns_pkt*, ldns_rr_list*);
  void (*setCount)(ldns_pkt*, uint16_t);
};
constexpr Section kAnswer{ldns_pkt_answer, ldns_pkt_set_answer, ldns_pkt_set_ancount};
constexpr Section kAuthority{ldns_pkt_authority, ldns_pkt_set_authority, ldns_pkt_set_nscount};
constexpr Section kAdditional{ldns_pkt_additional, ldns_pkt_set_additional,
                              ldns_pkt_set_arcount};

void removeRecords(ldns_pkt* pkt, const Section& section, bool (*remove)(const ldns_rr*)) {
  ldns_rr_list* old = section.records(pkt);
  ldns_rr_list* remaining = remainingRecords(old, remove);
  section.setRecords(pkt, remaining);
  section.setCount(pkt, static_cast<uint16_t>(ldns_rr_list_rr_count(remaining)));
  ldns_rr_list_deep_free(old);
}

// A NODATA answer is NOERROR with an empty answer section (RFC 2308 2.2).
bool isNegative(const ldns_pkt* pkt) {
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt);
  return rcode == LDNS_RCODE_NXDOMAIN ||
         (rcode == LDNS_RCODE_NOERROR && ldns_pkt_ancount(pkt) == 0);
}

void replaceList(ldns_rr_list* (*get)(const ldns_pkt*), void (*set)(ldns_pkt*, ldns_rr_list*),
                 ldns_pkt* target, const ldns_pkt* source) {
  ldns_rr_list_free(get(target));
  set(target, ldns_rr_list_clone(get(source)));
}

// Returns a copy of the header and question of `pkt`, without EDNS. ldns has no setter that
// clears the "OPT was present" mark of a parsed packet, so a new packet is built instead.
PktPtr copyHeaderAndQuestion(const ldns_pkt* pkt) {
  PktPtr copy(ldns_pkt_new());
  ldns_pkt_set_id(copy.get(), ldns_pkt_id(pkt));
  ldns_pkt_set_qr(copy.get(), ldns_pkt_qr(pkt));
  ldns_pkt_set_opcode(copy.get(), ldns_pkt_get_opcode(pkt));
  ldns_pkt_set_aa(copy.get(), ldns_pkt_aa(pkt));
  ldns_pkt_set_tc(copy.get(), ldns_pkt_tc(pkt));
  ldns_pkt_set_rd(copy.get(), ldns_pkt_rd(pkt));
  ldns_pkt_set_ra(copy.get(), ldns_pkt_ra(pkt));
  ldns_pkt_set_ad(copy.get(), ldns_pkt_ad(pkt));
  ldns_pkt_set_cd(copy.get(), ldns_pkt_cd(pkt));
  ldns_pkt_set_rcode(copy.get(), ldns_pkt_get_rcode(pkt));
  replaceList(ldns_pkt_question, ldns_pkt_set_question, copy.get(), pkt);
  ldns_pkt_set_qdcount(copy.get(), ldns_pkt_qdcount(pkt));
  return copy;
}

std::vector<uint8_t> truncateToQuestion(const std::vector<uint8_t>& answer) {
  PktPtr pkt = parse(answer);
  if (!pkt) {
    return answer;
  }
  PktPtr truncated = copyHeaderAndQuestion(pkt.get());
  ldns_pkt_set_tc(truncated.get(), true);
  return toWire(truncated.get(), answer);
}

std::vector<uint8_t> stripOpt(const std::vector<uint8_t>& answer) {
  PktPtr pkt = parse(answer);
  if (!pkt) {
    return answer;
  }
  PktPtr stripped = copyHeaderAndQuestion(pkt.get());
  replaceList(ldns_pkt_answer, ldns_pkt_set_answer, stripped.get(), pkt.get());
  replaceList(ldns_pkt_authority, ldns_pkt_set_authority, stripped.get(), pkt.get());
  replaceList(ldns_pkt_additional, ldns_pkt_set_additional, stripped.get(), pkt.get());
  ldns_pkt_set_ancount(stripped.get(), ldns_pkt_ancount(pkt.get()));
  ldns_pkt_set_nscount(stripped.get(), ldns_pkt_nscount(pkt.get()));
  ldns_pkt_set_arcount(stripped.get(), ldns_pkt_arcount(pkt.get()));
  return toWire(stripped.get(), answer);
}

std::vector<uint8_t> stripRrsigs(const std::vector<uint8_t>& answer) {
  PktPtr pkt = parse(answer);
  if (!pkt) {
    return answer;
  }
  removeRecords(pkt.get(), kAnswer, isRrsig);
  removeRecords(pkt.get(), kAuthority, isRrsig);
  removeRecords(pkt.get(), kAdditional, isRrsig);
  return toWire(pkt.get(), answer);
}

std::vector<uint8_t> stripDenial(const std::vector<uint8_t>& answer) {
  PktPtr pkt = parse(answer);
  if (!pkt || !isNegative(pkt.get())) {
    return answer;
  }
  removeRecords(pkt.get(), kAuthority, isDenialRecord);
  return toWire(pkt.get(), answer);
}

}  // namespace

std::string faultName(Fault fault) {
  switch (fault) {
    case Fault::None: return "None";
    case Fault::TruncateOver512: return "TruncateOver512";
    case Fault::DropOver1232: return "DropOver1232";
    case Fault::StripRrsig: return "StripRrsig";
    case Fault::StripNsec: return "StripNsec";
    case Fault::StripOpt: return "StripOpt";
    case Fault::RefuseTcp: return "RefuseTcp";
    case Fault::Slow: return "Slow";
  }
  return "Fault" + std::to_string(static_cast<int>(fault));
}

std::vector<uint8_t> applyFault(Fault fault, bool over_tcp, const std::vector<uint8_t>& answer) {
  switch (fault) {
    case Fault::TruncateOver512:
      return !over_tcp && answer.size() > kClassicUdpLimit ? truncateToQuestion(answer) : answer;
    case Fault::DropOver1232:
      return !over_tcp && answer.size() > kFragmentFreeLimit ? std::vector<uint8_t>() : answer;
    case Fault::StripRrsig:
      return stripRrsigs(answer);
    case Fault::StripNsec:
      return stripDenial(answer);
    case Fault::StripOpt:
      return stripOpt(answer);
    case Fault::None:
    case Fault::RefuseTcp:
    case Fault::Slow:
      break;
  }
  return answer;
}

}  // namespace dw::test
