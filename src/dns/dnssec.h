// SPDX-License-Identifier: Apache-2.0
// Local DNSSEC verification of one answer through ldns, against DNSKEY RRsets that a
// validating libunbound context has already judged secure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dw::dns {

// A zone's DNSKEY RRset: the keys with the Zone Key flag and without the REVOKE flag
// (RFC 4034 2.1.1, RFC 5011 3). Immutable once built, so it may be shared across threads.
class KeySet {
 public:
  // Takes the DNSKEY RRset owned by `zone` from the answer section of a message; returns
  // nullptr when the message has none or cannot be parsed.
  static std::shared_ptr<const KeySet> fromAnswer(const uint8_t* wire, size_t length,
                                                  const std::string& zone);
  ~KeySet();
  KeySet(const KeySet&) = delete;
  KeySet& operator=(const KeySet&) = delete;

  size_t size() const;
  const void* ldnsList() const { return keys_; }  // The ldns_rr_list, for dnssec.cc only.

 private:
  explicit KeySet(void* keys) : keys_(keys) {}
  void* keys_;  // ldns_rr_list*, owned.
};

// The result of a validating libunbound context for a DNSKEY query for a name.
struct ZoneKeys {
  enum class State { Secure, Insecure, Bogus };
  State state = State::Insecure;
  // The name's DNSKEY RRset when Secure. Null when Secure for a name that is not a zone apex:
  // the name then lies in a signed zone, and its data must be signed.
  std::shared_ptr<const KeySet> keys;
  std::string why;  // Why the answer was bogus.
  // The DNSKEY RRset the answer contained, whatever the state: a zone signed before its DS is
  // published is insecure, yet serves keys that its own signatures verify against.
  std::shared_ptr<const KeySet> published;
};

// Reason class of a failed verification.
enum class VerifyFailure {
  None,
  NoSignatures,
  SignatureExpired,
  SignatureNotYetValid,
  SignatureInvalid,
  NoMatchingKey,
  DenialProof,
  UnsupportedAlgorithm,
  KeysBogus,  // The signer's DNSKEY RRset itself is bogus; ZoneKeys::why contains the reason.
};

struct Verification {
  enum class Verdict { Secure, Insecure, Bogus, NeedKeys, Indeterminate };
  Verdict verdict = Verdict::Indeterminate;
  VerifyFailure failure = VerifyFailure::None;
  std::string detail;                     // Human-readable reason for Bogus/Indeterminate.
  std::vector<std::string> needed_zones;  // Signers whose keys are unknown, for NeedKeys.
  int rcode = 0;
};

// Returns what is known for a name (canonical), or nullptr when nothing is known yet.
using KeyLookup = std::function<const ZoneKeys*(const std::string& name)>;

// Verifies the answer to qname/qtype that a resolver returned with DO and CD set
// (RFC 4035 5):
// - every RRset in the answer section verifies against its signer's keys, and an unsigned
//   RRset is accepted only where a DNSKEY query for its owner is insecure;
// - a wildcard expansion comes with an NSEC proof that no closer name exists;
// - NXDOMAIN or NODATA for the end of the CNAME chain comes with NSEC or NSEC3 proof, itself
//   signed.
// Signature validity is judged against `now` with RFC 1982 serial arithmetic, so it stays
// right past 2038 and 2106.
Verification verifyAnswer(const uint8_t* wire, size_t length, const std::string& qname,
                          uint16_t qtype, const KeyLookup& lookup, std::time_t now);

}  // namespace dw::dns
