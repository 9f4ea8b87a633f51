// SPDX-License-Identifier: Apache-2.0
#include "dns/rrsets.h"

// ldns's common.h defines `true` and `false` as macros in C++ unless this comes first.
#include <stdbool.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>
#include <memory>
#include <utility>

#include <ldns/ldns.h>

namespace dw::dns {
namespace {

struct PktDeleter {
  void operator()(ldns_pkt* pkt) const { ldns_pkt_free(pkt); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;

std::string ownedText(char* text) {
  std::string result = text != nullptr ? text : "";
  free(text);
  while (!result.empty() && (result.back() == '\n' || result.back() == ' ')) {
    result.pop_back();
  }
  return result;
}

std::string lowerName(const ldns_rdf* name) {
  std::string text = ownedText(ldns_rdf2str(name));
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

std::string rdataText(const ldns_rr* rr) {
  std::string text;
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    text += (i > 0 ? " " : "") + ownedText(ldns_rdf2str(ldns_rr_rdf(rr, i)));
  }
  return text;
}

SignatureTimes signatureTimes(const ldns_rr* rrsig) {
  SignatureTimes times;
  if (ldns_rr_rd_count(rrsig) < 9) {
    return times;
  }
  times.algorithm = ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(rrsig));
  times.expiration = ldns_rdf2native_int32(ldns_rr_rrsig_expiration(rrsig));
  times.inception = ldns_rdf2native_int32(ldns_rr_rrsig_inception(rrsig));
  times.key_tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rrsig));
  times.signer = lowerName(ldns_rr_rrsig_signame(rrsig));
  return times;
}

std::vector<RecordSet> groupSection(const ldns_rr_list* section) {
  std::map<std::pair<std::string, uint16_t>, RecordSet> sets;
  std::vector<std::pair<std::string, uint16_t>> order;
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(section, i);
    const bool is_signature = ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG;
    uint16_t type = ldns_rr_get_type(rr);
    if (is_signature) {
      const ldns_rdf* covered = ldns_rr_rrsig_typecovered(rr);
      if (covered == nullptr) {
        continue;
      }
      type = ldns_rdf2rr_type(covered);
    }
    const auto key = std::make_pair(lowerName(ldns_rr_owner(rr)), type);
    auto [it, inserted] = sets.try_emplace(key);
    RecordSet& set = it->second;
    if (inserted) {
      order.push_back(key);
      set.owner = key.first;
      set.type = type;
    }
    if (is_signature) {
      set.signatures.push_back(ownedText(ldns_rr2str(rr)));
      set.signature_times.push_back(signatureTimes(rr));
      continue;
    }
    set.ttl = set.records.empty() ? ldns_rr_ttl(rr) : std::min(set.ttl, ldns_rr_ttl(rr));
    set.records.push_back(ownedText(ldns_rr2str(rr)));
    set.rdata.push_back(rdataText(rr));
  }
  std::vector<RecordSet> result;
  for (const auto& key : order) {
    RecordSet& set = sets[key];
    std::sort(set.rdata.begin(), set.rdata.end());
    result.push_back(std::move(set));
  }
  return result;
}

}  // namespace

Sections parseSections(const uint8_t* wire, size_t length) {
  Sections sections;
  ldns_pkt* raw = nullptr;
  if (length == 0 || ldns_wire2pkt(&raw, wire, length) != LDNS_STATUS_OK) {
    return sections;
  }
  PktPtr pkt(raw);
  sections.parsed = true;
  sections.rcode = ldns_pkt_get_rcode(pkt.get());
  sections.aa = ldns_pkt_aa(pkt.get());
  sections.answer = groupSection(ldns_pkt_answer(pkt.get()));
  sections.authority = groupSection(ldns_pkt_authority(pkt.get()));
  sections.additional = groupSection(ldns_pkt_additional(pkt.get()));
  return sections;
}

const RecordSet* findRrset(const std::vector<RecordSet>& section, const std::string& owner,
                           uint16_t type) {
  for (const RecordSet& set : section) {
    if (set.owner == owner && set.type == type && !set.records.empty()) {
      return &set;
    }
  }
  return nullptr;
}

int64_t serialDifference(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b); }

SignatureWindow signatureWindow(const SignatureTimes& times, int64_t now) {
  const auto clock = static_cast<uint32_t>(now);
  return SignatureWindow{serialDifference(times.expiration, clock),
                         serialDifference(clock, times.inception)};
}

std::optional<SignatureWindow> latestSignatureWindow(const RecordSet& set, int64_t now) {
  std::optional<SignatureWindow> latest;
  for (const SignatureTimes& times : set.signature_times) {
    const SignatureWindow window = signatureWindow(times, now);
    if (!latest || window.expires_in > latest->expires_in) {
      latest = window;
    }
  }
  return latest;
}

std::optional<SoaFields> soaFields(const RecordSet& soa) {
  if (soa.rdata.empty()) {
    return std::nullopt;
  }
  std::istringstream in(soa.rdata.front());
  std::string mname, rname;
  SoaFields fields;
  if (!(in >> mname >> rname >> fields.serial >> fields.refresh >> fields.retry >>
        fields.expire >> fields.minimum)) {
    return std::nullopt;
  }
  return fields;
}

}  // namespace dw::dns
