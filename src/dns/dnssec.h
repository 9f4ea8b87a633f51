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

// A zone's DNSKEY RRset. Immutable once built, so it may be shared across threads.
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

// What is known about a zone's keys.
struct ZoneKeys {
  enum class State { Secure, Insecure, Bogus };
  State state = State::Insecure;
  std::shared_ptr<const KeySet> keys;  // Set when Secure.
  std::string why;                     // Why the DNSKEY RRset was bogus.
};

// Why a verification failed.
enum class VerifyFailure {
  None,
  NoSignatures,
  SignatureExpired,
  SignatureNotYetValid,
  SignatureInvalid,
  NoMatchingKey,
  DenialProof,
  UnsupportedAlgorithm,
  KeysBogus,  // The signer's DNSKEY RRset itself is bogus; ZoneKeys::why says why.
};

struct Verification {
  enum class Verdict { Secure, Insecure, Bogus, NeedKeys, Indeterminate };
  Verdict verdict = Verdict::Indeterminate;
  VerifyFailure failure = VerifyFailure::None;
  std::string detail;                     // Human-readable reason for Bogus/Indeterminate.
  std::vector<std::string> needed_zones;  // Signers whose keys are unknown, for NeedKeys.
  int rcode = 0;
};

// Returns the keys known for a zone (canonical name), or nullptr when they are unknown.
using KeyLookup = std::function<const ZoneKeys*(const std::string& zone)>;

// Verifies the answer to qname/qtype that a resolver returned with DO and CD set. Every
// RRset in the answer section, and for NXDOMAIN or NODATA the NSEC or NSEC3 proof in the
// authority section (RFC 4035 5.4), must verify against the keys of its signer. An RRset
// without RRSIG belongs to `zone`, the configured zone of the probe. Signature times are
// judged against `now`.
Verification verifyAnswer(const uint8_t* wire, size_t length, const std::string& qname,
                          uint16_t qtype, const std::string& zone, const KeyLookup& lookup,
                          std::time_t now);

}  // namespace dw::dns
