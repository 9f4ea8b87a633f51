// SPDX-License-Identifier: Apache-2.0
// DS records checked against a zone's DNSKEY RRset with ldns (RFC 4034 5, RFC 4509,
// RFC 6605), and CDS/CDNSKEY records compared with the DS (RFC 7344, RFC 8078).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/rrsets.h"

namespace dw::dns {

// One key of a DNSKEY RRset.
struct DnskeyFacts {
  uint16_t key_tag = 0;
  uint16_t flags = 0;
  uint8_t algorithm = 0;
  bool sep = false;           // The Secure Entry Point flag (RFC 4034 2.1.1).
  bool signs_keyset = false;  // An RRSIG by this key over the DNSKEY RRset verifies.
};

// The facts of each key in `dnskeys`, a DNSKEY RRset with its RRSIGs. Signatures are
// verified without regard to their validity period, which the signature checks report.
std::vector<DnskeyFacts> dnskeyFacts(const RecordSet& dnskeys);

// The RDATA fields of a DS or CDS record.
struct DsFields {
  uint16_t key_tag = 0;
  uint8_t algorithm = 0;
  uint8_t digest_type = 0;
  std::string digest;  // Upper-case hex.

  std::string text() const;  // "KEYTAG ALGORITHM DIGESTTYPE DIGEST"
  bool operator==(const DsFields&) const = default;
  auto operator<=>(const DsFields&) const = default;
};

// Reads DS or CDS RDATA in presentation format, "12345 13 2 ABCD...", with the digest
// possibly split by blanks. Returns nullopt when it is not a DS. The digest length is not
// checked against the digest type, so that a truncated DS that a server serves is still judged.
std::optional<DsFields> readDsFields(const std::string& rdata);

// Octets of a digest of `digest_type` (SHA-1 20, SHA-256 32, GOST R 34.11-94 32, SHA-384 48),
// or 0 for a digest type this program does not know.
size_t digestLength(uint8_t digest_type);

// Parses DS RDATA that a person wrote, as readDsFields() does, and also rejects a digest whose
// length does not fit its digest type. Returns nullopt when it is not such a DS, and then sets
// `error` (if not null) to the problem, worded to follow the quoted value: "has a digest of 2
// octets, but digest type 2 (SHA-256) needs 32 octets (64 hex digits)".
std::optional<DsFields> parseDs(const std::string& rdata, std::string* error = nullptr);

// Status of a DS against the child's keys, worst first.
enum class DsStatus {
  NoMatch,              // No DNSKEY has this key tag, algorithm and digest.
  NotSigning,           // The key it names does not sign the DNSKEY RRset.
  NonSep,               // The key it names lacks the SEP flag.
  UnexpectedAlgorithm,  // An algorithm RFC 8624 says not to sign with.
  UnexpectedDigest,     // A digest type other than SHA-256 (2) or SHA-384 (4).
  Match,
};
std::string_view dsStatusName(DsStatus status);

struct DsJudgement {
  DsStatus status = DsStatus::NoMatch;
  std::string detail;
};

// Checks `ds` against the DNSKEY RRset `dnskeys` (with its RRSIGs) and its `facts`. The
// digest is computed by ldns_key_rr2ds from each key.
DsJudgement judgeDs(const DsFields& ds, const RecordSet& dnskeys,
                    const std::vector<DnskeyFacts>& facts);

// Agreement of the child's CDS and CDNSKEY RRsets with the DS RRset in the parent.
enum class CdsAgreement {
  None,      // The child publishes neither.
  Agrees,    // Every CDS is a DS, every DS a CDS, and every CDNSKEY is hashed by some DS.
  Disagrees,
  Delete,    // The child asks for the DS to be removed (RFC 8078 4).
};
std::string_view cdsAgreementName(CdsAgreement agreement);

// Compares the child's CDS RRset (may be null) and CDNSKEY RRset (may be null) with the DS
// records the parent serves.
CdsAgreement compareCds(const RecordSet* cds, const RecordSet* cdnskey,
                        const std::vector<DsFields>& ds);

}  // namespace dw::dns
