// SPDX-License-Identifier: Apache-2.0
// DNS wire messages through ldns: building probe queries and summarising answers.
// This is the only place that includes ldns headers for message handling, because ldns's
// common.h redefines `true` and `false` as macros in C++ unless <stdbool.h> comes first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dw::dns {

// Flags and EDNS settings of a probe query.
struct QueryOptions {
  uint16_t id = 0;  // Message ID: c-ares 1.18's ares_send sends it as given.
  bool recursion_desired = true;
  bool checking_disabled = false;  // CD: ask the resolver not to validate (RFC 4035 3.2.2).
  bool dnssec_ok = true;           // DO: ask for RRSIG, NSEC and DNSKEY records (RFC 3225).
  uint16_t edns_buffer_size = 1232;  // 0 sends no OPT record at all.
};

// Builds a query in wire format, or returns an empty vector when qname is not a valid name.
std::vector<uint8_t> buildQuery(const std::string& qname, uint16_t qtype,
                                const QueryOptions& options);

// An Extended DNS Error option (RFC 8914).
struct ExtendedError {
  uint16_t code = 0;
  std::string text;
};

// Summary of one DNS answer: the facts that a probe records.
struct AnswerSummary {
  bool parsed = false;      // False when ldns could not parse the message.
  std::string parse_error;  // ldns's status text when !parsed.
  size_t size_bytes = 0;    // Size of the message on the wire.

  int rcode = 0;  // Including the extended RCODE bits from the OPT record.
  bool qr = false, aa = false, tc = false, rd = false, ra = false, ad = false, cd = false;
  bool question_matches = false;  // The question section echoes the probe's qname and qtype.

  size_t answer_count = 0, authority_count = 0, additional_count = 0;
  size_t answer_rrsig_count = 0;     // RRSIGs in the answer section.
  size_t authority_rrsig_count = 0;  // RRSIGs in the authority section.
  size_t nsec_count = 0;             // NSEC and NSEC3 records in the authority section.
  bool answer_has_qtype = false;     // The answer contains an RRset of the probe's qtype.

  bool has_opt = false;  // The answer carried an OPT record (RFC 6891).
  uint16_t edns_udp_size = 0;
  bool edns_do = false;
  size_t opt_size_bytes = 0;  // Size of the OPT pseudo-RR on the wire.
  std::vector<ExtendedError> extended_errors;
};

// Parses `wire` and summarises it against the question that was sent. Never throws; a
// message ldns cannot parse comes back with parsed == false.
AnswerSummary summarizeAnswer(const uint8_t* wire, size_t length, const std::string& qname,
                              uint16_t qtype);

// Returns the mnemonic of an RCODE ("NOERROR", "SERVFAIL") or "RCODE<n>".
std::string rcodeName(int rcode);

// Returns the mnemonic of an RR type ("A", "DNSKEY") or "TYPE<n>".
std::string rrTypeName(uint16_t qtype);

// Returns the RR type code for a mnemonic or "TYPE<n>", case-insensitive.
std::optional<uint16_t> rrTypeFromName(const std::string& name);

// Returns the name in lower case with a trailing dot, or nullopt when it is not a valid
// domain name (empty labels, labels over 63 octets, names over 255 octets).
std::optional<std::string> canonicalName(const std::string& name);

// True when `name` equals `zone` or lies below it; both must be canonical.
bool isSubdomain(const std::string& name, const std::string& zone);

}  // namespace dw::dns
