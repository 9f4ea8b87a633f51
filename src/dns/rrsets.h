// SPDX-License-Identifier: Apache-2.0
// The RRsets of a DNS message with their TTLs and RRSIG validity periods, as plain values,
// for the chain checks at authoritative and parent servers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dw::dns {

// Validity period and signing key of one RRSIG (RFC 4034 3.1).
struct SignatureTimes {
  uint16_t key_tag = 0;
  uint8_t algorithm = 0;
  std::string signer;       // Canonical signer name.
  uint32_t inception = 0;   // Seconds since the epoch, modulo 2^32 (RFC 4034 3.1.5).
  uint32_t expiration = 0;
};

// One RRset of a section: its records and the RRSIGs that cover it.
struct RecordSet {
  std::string owner;  // Canonical owner name.
  uint16_t type = 0;
  uint32_t ttl = 0;  // The smallest TTL of the records.
  std::vector<std::string> records;     // Each record in presentation format.
  std::vector<std::string> rdata;       // RDATA of each record in presentation format, sorted.
  std::vector<std::string> signatures;  // The covering RRSIGs in presentation format.
  std::vector<SignatureTimes> signature_times;
};

// The sections of a message, grouped into RRsets.
struct Sections {
  bool parsed = false;
  int rcode = 0;
  bool aa = false;
  std::vector<RecordSet> answer;
  std::vector<RecordSet> authority;
  std::vector<RecordSet> additional;
};

// The numeric fields of a SOA record (RFC 1035 3.3.13).
struct SoaFields {
  uint32_t serial = 0;
  uint32_t refresh = 0;
  uint32_t retry = 0;
  uint32_t expire = 0;
  uint32_t minimum = 0;
};

// The fields of the first record of the SOA RRset `soa`, or nullopt when it has none or its
// RDATA does not parse.
std::optional<SoaFields> soaFields(const RecordSet& soa);

// Parses `wire` into RRsets. A message ldns cannot parse comes back with parsed == false.
Sections parseSections(const uint8_t* wire, size_t length);

// Returns the RRset of `owner` (canonical) and `type` in `section`, or nullptr.
const RecordSet* findRrset(const std::vector<RecordSet>& section, const std::string& owner,
                           uint16_t type);

// RFC 1982 difference of two 32-bit times, a - b: positive when a is after b. Right across
// 2038 and 2106 as long as the two lie less than 68 years apart.
int64_t serialDifference(uint32_t a, uint32_t b);

// Seconds until a signature expires and since its inception, judged at `now`; negative
// when it has expired or is not valid yet.
struct SignatureWindow {
  int64_t expires_in = 0;
  int64_t inception_age = 0;
};
SignatureWindow signatureWindow(const SignatureTimes& times, int64_t now);

// The signature of `set` that stays valid longest at `now`, or nullopt when it has none.
std::optional<SignatureWindow> latestSignatureWindow(const RecordSet& set, int64_t now);

}  // namespace dw::dns
