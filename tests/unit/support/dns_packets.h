// SPDX-License-Identifier: Apache-2.0
// Test helpers that build DNS messages with ldns: answers with chosen flags, records in zone-file
// syntax, and EDNS options. Header-only, because each tests/unit/*_test.cc is its own binary.
#pragma once

// ldns's common.h defines `true` and `false` as macros in C++ unless <stdbool.h> comes first.
// clang-format off
#include <stdbool.h>
#include <ldns/ldns.h>
// clang-format on

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dw::test {

struct PktDeleter {
  void operator()(ldns_pkt* pkt) const { ldns_pkt_free(pkt); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;

// Returns a message with one IN question and every flag clear, or nullptr when ldns rejects
// `qname`.
inline PktPtr makePacket(const std::string& qname, uint16_t qtype) {
  ldns_rdf* name = nullptr;
  if (ldns_str2rdf_dname(&name, qname.c_str()) != LDNS_STATUS_OK) {
    return nullptr;
  }
  // ldns_pkt_query_new takes ownership of the name.
  return PktPtr(ldns_pkt_query_new(name, static_cast<ldns_rr_type>(qtype), LDNS_RR_CLASS_IN, 0));
}

// Parses `text` as one record in zone-file syntax and appends it to `section`. Returns false
// when ldns rejects the text.
inline bool addRecord(ldns_pkt* pkt, ldns_pkt_section section, const std::string& text) {
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) {
    return false;
  }
  if (!ldns_pkt_push_rr(pkt, section, rr)) {
    ldns_rr_free(rr);
    return false;
  }
  return true;
}

// Appends an EDNS option with raw `data` to the message's OPT record.
inline void addEdnsOption(ldns_pkt* pkt, uint16_t code, const std::vector<uint8_t>& data) {
  ldns_edns_option_list* options = ldns_pkt_edns_get_option_list(pkt);
  if (options == nullptr) {
    options = ldns_edns_option_list_new();
    ldns_pkt_set_edns_option_list(pkt, options);  // The message owns the list from here on.
  }
  ldns_edns_option_list_push(
      options,
      ldns_edns_new_from_data(static_cast<ldns_edns_option_code>(code), data.size(), data.data()));
}

// Appends an Extended DNS Error option (RFC 8914 2): INFO-CODE, then EXTRA-TEXT.
inline void addExtendedError(ldns_pkt* pkt, uint16_t code, const std::string& text) {
  std::vector<uint8_t> data{static_cast<uint8_t>(code >> 8), static_cast<uint8_t>(code & 0xff)};
  data.insert(data.end(), text.begin(), text.end());
  addEdnsOption(pkt, LDNS_EDNS_EDE, data);
}

// Returns the message in wire format, or an empty vector when ldns cannot write it.
inline std::vector<uint8_t> toWire(const ldns_pkt* pkt) {
  uint8_t* wire = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&wire, pkt, &size) != LDNS_STATUS_OK) {
    return {};
  }
  std::vector<uint8_t> bytes(wire, wire + size);
  free(wire);
  return bytes;
}

// Parses a wire-format message, or returns nullptr when ldns cannot parse it.
inline PktPtr fromWire(const std::vector<uint8_t>& wire) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire.data(), wire.size()) != LDNS_STATUS_OK) {
    return nullptr;
  }
  return PktPtr(pkt);
}

// Returns the owner name of the message's first question as text ("www.example.com."), or
// nullopt when it has no question.
inline std::optional<std::string> questionName(const ldns_pkt* pkt) {
  const ldns_rr_list* question = ldns_pkt_question(pkt);
  if (ldns_rr_list_rr_count(question) == 0) {
    return std::nullopt;
  }
  char* text = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(question, 0)));
  if (text == nullptr) {
    return std::nullopt;
  }
  std::string name(text);
  free(text);
  return name;
}

}  // namespace dw::test
