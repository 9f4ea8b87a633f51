// SPDX-License-Identifier: Apache-2.0
#include "dns/message.h"

// ldns's common.h defines `true` and `false` as macros in C++ unless this comes first.
#include <stdbool.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include <strings.h>

#include <ldns/ldns.h>

namespace dw::dns {
namespace {

struct PktDeleter {
  void operator()(ldns_pkt* pkt) const { ldns_pkt_free(pkt); }
};
struct RdfDeleter {
  void operator()(ldns_rdf* rdf) const { ldns_rdf_deep_free(rdf); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfDeleter>;

RdfPtr makeName(const std::string& name) {
  ldns_rdf* rdf = nullptr;
  if (name.empty() || ldns_str2rdf_dname(&rdf, name.c_str()) != LDNS_STATUS_OK) {
    return nullptr;
  }
  return RdfPtr(rdf);
}

void countSection(const ldns_rr_list* section, size_t& rrsigs, size_t* nsecs) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    ldns_rr_type type = ldns_rr_get_type(ldns_rr_list_rr(section, i));
    if (type == LDNS_RR_TYPE_RRSIG) {
      ++rrsigs;
    } else if (nsecs != nullptr && (type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3)) {
      ++*nsecs;
    }
  }
}

bool sectionHasType(const ldns_rr_list* section, uint16_t qtype) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    if (ldns_rr_get_type(ldns_rr_list_rr(section, i)) == qtype) {
      return true;
    }
  }
  return false;
}

bool questionMatches(const ldns_pkt* pkt, const std::string& qname, uint16_t qtype) {
  const ldns_rr_list* question = ldns_pkt_question(pkt);
  if (ldns_rr_list_rr_count(question) != 1) {
    return false;
  }
  const ldns_rr* rr = ldns_rr_list_rr(question, 0);
  RdfPtr expected = makeName(qname);
  return expected && ldns_rr_get_type(rr) == qtype &&
         ldns_dname_compare(ldns_rr_owner(rr), expected.get()) == 0;
}

void readEdns(ldns_pkt* pkt, AnswerSummary& summary) {
  summary.has_opt = ldns_pkt_edns(pkt);
  if (!summary.has_opt) {
    return;
  }
  summary.edns_udp_size = ldns_pkt_edns_udp_size(pkt);
  summary.edns_do = ldns_pkt_edns_do(pkt);
  // The extended RCODE holds the upper 8 bits of the 12-bit RCODE (RFC 6891 6.1.3).
  summary.rcode |= ldns_pkt_edns_extended_rcode(pkt) << 4;
  // The raw RDATA counts even when its options do not parse.
  const ldns_rdf* rdata = ldns_pkt_edns_data(pkt);
  const size_t rdata_size = rdata != nullptr ? ldns_rdf_size(rdata) : 0;
  ldns_edns_option_list* options = ldns_pkt_edns_get_option_list(pkt);
  if (options != nullptr) {
    for (size_t i = 0; i < ldns_edns_option_list_get_count(options); ++i) {
      ldns_edns_option* option = ldns_edns_option_list_get_option(options, i);
      if (ldns_edns_get_code(option) != LDNS_EDNS_EDE || ldns_edns_get_size(option) < 2) {
        continue;
      }
      const uint8_t* data = ldns_edns_get_data(option);
      ExtendedError error;
      error.code = static_cast<uint16_t>((data[0] << 8) | data[1]);
      error.text.assign(reinterpret_cast<const char*>(data) + 2, ldns_edns_get_size(option) - 2);
      summary.extended_errors.push_back(std::move(error));
    }
  }
  // Owner (1) + TYPE (2) + CLASS (2) + TTL (4) + RDLENGTH (2) + options.
  summary.opt_size_bytes = 11 + rdata_size;
}

}  // namespace

std::vector<uint8_t> buildQuery(const std::string& qname, uint16_t qtype,
                                const QueryOptions& options) {
  RdfPtr name = makeName(qname);
  if (!name) {
    return {};
  }
  uint16_t flags = options.recursion_desired ? LDNS_RD : 0;
  if (options.checking_disabled) {
    flags |= LDNS_CD;
  }
  // ldns_pkt_query_new takes ownership of the name.
  PktPtr pkt(ldns_pkt_query_new(name.release(), static_cast<ldns_rr_type>(qtype),
                                LDNS_RR_CLASS_IN, flags));
  if (!pkt) {
    return {};
  }
  ldns_pkt_set_id(pkt.get(), options.id);
  if (options.edns_buffer_size > 0) {
    ldns_pkt_set_edns_udp_size(pkt.get(), options.edns_buffer_size);
    ldns_pkt_set_edns_do(pkt.get(), options.dnssec_ok);
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&wire, pkt.get(), &size) != LDNS_STATUS_OK) {
    return {};
  }
  std::vector<uint8_t> query(wire, wire + size);
  free(wire);
  return query;
}

AnswerSummary summarizeAnswer(const uint8_t* wire, size_t length, const std::string& qname,
                              uint16_t qtype) {
  AnswerSummary summary;
  summary.size_bytes = length;
  ldns_pkt* raw = nullptr;
  ldns_status status = ldns_wire2pkt(&raw, wire, length);
  if (status != LDNS_STATUS_OK) {
    summary.parse_error = ldns_get_errorstr_by_id(status);
    return summary;
  }
  PktPtr pkt(raw);
  summary.parsed = true;
  summary.rcode = ldns_pkt_get_rcode(pkt.get());
  summary.qr = ldns_pkt_qr(pkt.get());
  summary.aa = ldns_pkt_aa(pkt.get());
  summary.tc = ldns_pkt_tc(pkt.get());
  summary.rd = ldns_pkt_rd(pkt.get());
  summary.ra = ldns_pkt_ra(pkt.get());
  summary.ad = ldns_pkt_ad(pkt.get());
  summary.cd = ldns_pkt_cd(pkt.get());
  summary.question_matches = questionMatches(pkt.get(), qname, qtype);
  summary.answer_count = ldns_rr_list_rr_count(ldns_pkt_answer(pkt.get()));
  summary.authority_count = ldns_rr_list_rr_count(ldns_pkt_authority(pkt.get()));
  summary.additional_count = ldns_rr_list_rr_count(ldns_pkt_additional(pkt.get()));
  countSection(ldns_pkt_answer(pkt.get()), summary.answer_rrsig_count, nullptr);
  countSection(ldns_pkt_authority(pkt.get()), summary.authority_rrsig_count, &summary.nsec_count);
  summary.answer_has_qtype = sectionHasType(ldns_pkt_answer(pkt.get()), qtype);
  readEdns(pkt.get(), summary);
  return summary;
}

std::string rcodeName(int rcode) {
  ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, rcode);
  if (entry != nullptr && entry->name != nullptr) {
    return entry->name;
  }
  return "RCODE" + std::to_string(rcode);
}

std::string rrTypeName(uint16_t qtype) {
  const ldns_rr_descriptor* descriptor = ldns_rr_descript(qtype);
  if (descriptor != nullptr && descriptor->_name != nullptr) {
    return descriptor->_name;
  }
  return "TYPE" + std::to_string(qtype);
}

std::optional<uint16_t> rrTypeFromName(const std::string& name) {
  if (name.empty()) {
    return std::nullopt;
  }
  // RFC 3597 generic names; ldns alone accepts trailing text and wraps values over 65535.
  if (name.size() > 4 && strncasecmp(name.c_str(), "TYPE", 4) == 0 &&
      std::isdigit(static_cast<unsigned char>(name[4]))) {
    const std::string digits = name.substr(4);
    if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    const unsigned long value = std::stoul(digits);
    if (value == 0 || value > 65535) {
      return std::nullopt;
    }
    return static_cast<uint16_t>(value);
  }
  ldns_rr_type type = ldns_get_rr_type_by_name(name.c_str());
  if (type == 0) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(type);
}

std::optional<std::string> canonicalName(const std::string& name) {
  RdfPtr rdf = makeName(name);
  if (!rdf) {
    return std::nullopt;
  }
  ldns_dname2canonical(rdf.get());
  char* text = ldns_rdf2str(rdf.get());
  if (text == nullptr) {
    return std::nullopt;
  }
  std::string canonical(text);
  free(text);
  return canonical;
}

bool isSubdomain(const std::string& name, const std::string& zone) {
  RdfPtr name_rdf = makeName(name);
  RdfPtr zone_rdf = makeName(zone);
  if (!name_rdf || !zone_rdf) {
    return false;
  }
  return ldns_dname_compare(name_rdf.get(), zone_rdf.get()) == 0 ||
         ldns_dname_is_subdomain(name_rdf.get(), zone_rdf.get());
}

}  // namespace dw::dns
