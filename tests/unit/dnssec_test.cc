// SPDX-License-Identifier: Apache-2.0
// Tests of local DNSSEC verification. Answers are built and signed in memory with ldns (one
// ECDSAP256SHA256 key per zone), so each case controls keys, RRSIGs, NSEC proofs and the clock.
// Each test expects the outcome that the DNSSEC RFCs require.

#include "dns/dnssec.h"

// ldns's common.h defines `true` and `false` as macros in C++ unless <stdbool.h> comes first,
// so clang-format must not sort these two.
// clang-format off
#include <stdbool.h>
#include <ldns/ldns.h>
// clang-format on

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "support/dns_packets.h"
#include "support/signed_zone.h"

namespace dw::dns {

// Print verdicts and failures by name in assertion messages. GoogleTest finds these by
// argument-dependent lookup, so they live in dw::dns and not in the unnamed namespace.
void PrintTo(Verification::Verdict verdict, std::ostream* out) {
  switch (verdict) {
    case Verification::Verdict::Secure:
      *out << "Secure";
      return;
    case Verification::Verdict::Insecure:
      *out << "Insecure";
      return;
    case Verification::Verdict::Bogus:
      *out << "Bogus";
      return;
    case Verification::Verdict::NeedKeys:
      *out << "NeedKeys";
      return;
    case Verification::Verdict::Indeterminate:
      *out << "Indeterminate";
      return;
  }
  *out << "Verdict(" << static_cast<int>(verdict) << ")";
}

void PrintTo(VerifyFailure failure, std::ostream* out) {
  switch (failure) {
    case VerifyFailure::None:
      *out << "None";
      return;
    case VerifyFailure::NoSignatures:
      *out << "NoSignatures";
      return;
    case VerifyFailure::SignatureExpired:
      *out << "SignatureExpired";
      return;
    case VerifyFailure::SignatureNotYetValid:
      *out << "SignatureNotYetValid";
      return;
    case VerifyFailure::SignatureInvalid:
      *out << "SignatureInvalid";
      return;
    case VerifyFailure::NoMatchingKey:
      *out << "NoMatchingKey";
      return;
    case VerifyFailure::DenialProof:
      *out << "DenialProof";
      return;
    case VerifyFailure::UnsupportedAlgorithm:
      *out << "UnsupportedAlgorithm";
      return;
    case VerifyFailure::KeysBogus:
      *out << "KeysBogus";
      return;
  }
  *out << "VerifyFailure(" << static_cast<int>(failure) << ")";
}

namespace {

using test::addRecords;
using test::appendRecords;
using test::makePacket;
using test::parseRecords;
using test::PktPtr;
using test::recordsOfType;
using test::recordsWithoutType;
using test::renameOwners;
using test::RrListPtr;
using test::toWire;
using test::ZoneSigner;
using ::testing::Contains;
using ::testing::HasSubstr;
using Verdict = Verification::Verdict;

// 2023-11-14T22:13:20Z. Signatures are valid for an hour either side unless a test sets another
// window.
constexpr std::time_t kNow = 1'700'000'000;
constexpr uint32_t kHour = 3600;
constexpr std::time_t k2038 = std::time_t{1} << 31;  // 2038-01-19T03:14:08Z
constexpr std::time_t k2106 = std::time_t{1} << 32;  // 2106-02-07T06:28:16Z
constexpr const char* kZone = "example.com.";
constexpr const char* kQname = "www.example.com.";
constexpr const char* kSoa =
    "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300";
// The NSEC chain of example.com. is example.com. -> mail -> www -> example.com., so
// "example.com." covers "*.example.com." and "gone.example.com.", "mail" covers "nope".
constexpr const char* kApexNsec =
    "example.com. 300 IN NSEC mail.example.com. SOA NS RRSIG NSEC DNSKEY";
constexpr const char* kMailNsec = "mail.example.com. 300 IN NSEC www.example.com. A MX RRSIG NSEC";
constexpr const char* kWwwNsec = "www.example.com. 300 IN NSEC example.com. A RRSIG NSEC";

// Builds a response to qname/qtype as a resolver returns it with DO and CD set.
std::vector<uint8_t> buildResponse(const std::string& qname, ldns_rr_type qtype,
                                   ldns_pkt_rcode rcode, const ldns_rr_list* answer,
                                   const ldns_rr_list* authority = nullptr) {
  PktPtr pkt = makePacket(qname, qtype);
  if (pkt == nullptr) {
    return {};
  }
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rd(pkt.get(), true);
  ldns_pkt_set_ra(pkt.get(), true);
  ldns_pkt_set_cd(pkt.get(), true);
  ldns_pkt_set_edns_do(pkt.get(), true);
  ldns_pkt_set_rcode(pkt.get(), static_cast<uint8_t>(rcode));
  if (answer != nullptr) {
    addRecords(pkt.get(), LDNS_SECTION_ANSWER, answer);
  }
  if (authority != nullptr) {
    addRecords(pkt.get(), LDNS_SECTION_AUTHORITY, authority);
  }
  return toWire(pkt.get());
}

// Builds a NOERROR response to www.example.com. A carrying `answer`.
std::vector<uint8_t> responseA(const ldns_rr_list* answer) {
  return buildResponse(kQname, LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, answer);
}

// The ZoneKeys a KeyLookup returns, by zone, and the zones it was asked for.
class KeyStore {
 public:
  void addSecure(const std::string& zone, std::shared_ptr<const KeySet> keys) {
    zones_[zone] = ZoneKeys{ZoneKeys::State::Secure, keys, "", keys};
  }
  void addSecure(const ZoneSigner& signer) { addSecure(signer.zone(), signer.keySet()); }
  void addInsecure(const std::string& zone) {
    zones_[zone] = ZoneKeys{ZoneKeys::State::Insecure, nullptr, "", nullptr};
  }
  void addBogus(const std::string& zone, const std::string& why) {
    zones_[zone] = ZoneKeys{ZoneKeys::State::Bogus, nullptr, why, nullptr};
  }

  // Returns a lookup that reads this store, which must outlive it.
  KeyLookup lookup() {
    return [this](const std::string& name) -> const ZoneKeys* {
      requested_.push_back(name);
      return find(name);
    };
  }

  const std::vector<std::string>& requested() const { return requested_; }

 private:
  // Answers as a validating resolver would to a DNSKEY query for `name`: the zone's own entry
  // at its apex; below it, the zone's state without keys; nothing for names in no known zone.
  const ZoneKeys* find(const std::string& name) {
    auto apex = zones_.find(name);
    if (apex != zones_.end()) {
      return &apex->second;
    }
    for (size_t dot = name.find('.'); dot != std::string::npos && dot + 1 < name.size();
         dot = name.find('.', dot + 1)) {
      auto zone = zones_.find(name.substr(dot + 1));
      if (zone != zones_.end()) {
        below_[name] = ZoneKeys{zone->second.state, nullptr, zone->second.why, nullptr};
        return &below_[name];
      }
    }
    return nullptr;
  }

  std::map<std::string, ZoneKeys> zones_;
  std::map<std::string, ZoneKeys> below_;
  std::vector<std::string> requested_;
};

class VerifyAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(example_.valid());
    example_.setValidity(static_cast<uint32_t>(kNow) - kHour, static_cast<uint32_t>(kNow) + kHour);
  }

  Verification verify(const std::vector<uint8_t>& wire, const std::string& qname = kQname,
                      ldns_rr_type qtype = LDNS_RR_TYPE_A, std::time_t now = kNow) {
    return verifyAnswer(wire.data(), wire.size(), qname, qtype, store_.lookup(), now);
  }

  // Returns the signed A RRset of www.example.com. with its RRSIG.
  RrListPtr signedA() const {
    return example_.signedRrset({"www.example.com. 300 IN A 192.0.2.1"});
  }

  // Returns the records of `lines` with their RRSIG, each line being its own RRset.
  RrListPtr signEach(const ZoneSigner& signer, const std::vector<std::string>& lines) const {
    RrListPtr all(ldns_rr_list_new());
    for (const std::string& line : lines) {
      RrListPtr rrset = signer.signedRrset({line});
      if (rrset == nullptr) {
        return nullptr;
      }
      appendRecords(all.get(), rrset.get());
    }
    return all;
  }

  ZoneSigner example_{kZone};
  KeyStore store_;
};

// --- Positive answers ---

TEST_F(VerifyAnswerTest, ReturnsSecureForSignedRrset) {
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Secure) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::None);
  EXPECT_EQ(result.rcode, LDNS_RCODE_NOERROR);
}

TEST_F(VerifyAnswerTest, MatchesQnameCaseInsensitively) {
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);

  Verification result =
      verify(buildResponse("WWW.Example.COM.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Secure) << result.detail;
}

TEST_F(VerifyAnswerTest, RejectsMissingRrsig) {
  store_.addSecure(example_);
  RrListPtr signed_answer = signedA();
  ASSERT_NE(signed_answer, nullptr);
  RrListPtr answer = recordsWithoutType(signed_answer.get(), LDNS_RR_TYPE_RRSIG);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::NoSignatures);
  EXPECT_THAT(result.detail, HasSubstr("www.example.com. A"));
}

TEST_F(VerifyAnswerTest, ReturnsInsecureForInsecureZone) {
  store_.addInsecure(kZone);
  RrListPtr signed_answer = signedA();
  ASSERT_NE(signed_answer, nullptr);
  RrListPtr answer = recordsWithoutType(signed_answer.get(), LDNS_RR_TYPE_RRSIG);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Insecure) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::None);
}

// Whether unsigned data is acceptable depends on the DNSKEY query for its owner name.
TEST_F(VerifyAnswerTest, NeedsOwnerStatusForUnsignedRrset) {
  RrListPtr answer = parseRecords({"www.example.com. 300 IN A 192.0.2.1"});
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::NeedKeys) << result.detail;
  EXPECT_THAT(result.needed_zones, Contains(kQname));
}

TEST_F(VerifyAnswerTest, RejectsRdataChangedAfterSigning) {
  store_.addSecure(example_);
  RrListPtr signed_answer = signedA();
  ASSERT_NE(signed_answer, nullptr);
  RrListPtr answer = parseRecords({"www.example.com. 300 IN A 192.0.2.2"});
  ASSERT_NE(answer, nullptr);
  appendRecords(answer.get(), recordsOfType(signed_answer.get(), LDNS_RR_TYPE_RRSIG).get());

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::SignatureInvalid);
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(VerifyAnswerTest, RejectsAnswerWithOneBadRrset) {
  store_.addSecure(example_);
  RrListPtr answer = example_.signedRrset({"www.example.com. 300 IN CNAME mail.example.com."});
  ASSERT_NE(answer, nullptr);
  RrListPtr signed_a = example_.signedRrset({"mail.example.com. 300 IN A 192.0.2.1"});
  ASSERT_NE(signed_a, nullptr);
  RrListPtr changed_a = parseRecords({"mail.example.com. 300 IN A 192.0.2.66"});
  ASSERT_NE(changed_a, nullptr);
  appendRecords(answer.get(), changed_a.get());
  appendRecords(answer.get(), recordsOfType(signed_a.get(), LDNS_RR_TYPE_RRSIG).get());

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::SignatureInvalid);
  EXPECT_THAT(result.detail, HasSubstr("mail.example.com. A"));
}

// --- Signature validity times (RFC 4035 5.3.1: inception <= now <= expiration) ---

TEST_F(VerifyAnswerTest, RejectsExpiredSignature) {
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);
  const std::vector<uint8_t> wire = responseA(answer.get());

  Verification result = verify(wire, kQname, LDNS_RR_TYPE_A, kNow + 2 * kHour);

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::SignatureExpired);
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(VerifyAnswerTest, RejectsSignatureBeforeInception) {
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);
  const std::vector<uint8_t> wire = responseA(answer.get());

  Verification result = verify(wire, kQname, LDNS_RR_TYPE_A, kNow - 2 * kHour);

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::SignatureNotYetValid);
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(VerifyAnswerTest, AcceptsInceptionAndExpirationSecond) {
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);
  const std::vector<uint8_t> wire = responseA(answer.get());

  EXPECT_EQ(verify(wire, kQname, LDNS_RR_TYPE_A, kNow - kHour).verdict, Verdict::Secure);
  EXPECT_EQ(verify(wire, kQname, LDNS_RR_TYPE_A, kNow + kHour).verdict, Verdict::Secure);
  EXPECT_EQ(verify(wire, kQname, LDNS_RR_TYPE_A, kNow + kHour + 1).failure,
            VerifyFailure::SignatureExpired);
  EXPECT_EQ(verify(wire, kQname, LDNS_RR_TYPE_A, kNow - kHour - 1).failure,
            VerifyFailure::SignatureNotYetValid);
}

// RRSIG times are 32-bit serial numbers (RFC 4034 3.1.5), so a window may contain 2^31
// seconds (2038-01-19T03:14:08Z), where a signed 32-bit time would overflow. ldns 1.8.3
// (ldns_rrsig_check_timestamps) subtracts the times as int32_t and rejects this window, which
// is why the code checks the times itself.
TEST_F(VerifyAnswerTest, AcceptsWindowAcross2038) {
  example_.setValidity(static_cast<uint32_t>(k2038 - kHour), static_cast<uint32_t>(k2038 + kHour));
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);
  const std::vector<uint8_t> wire = responseA(answer.get());

  const Verification before = verify(wire, kQname, LDNS_RR_TYPE_A, k2038 - 60);
  const Verification after = verify(wire, kQname, LDNS_RR_TYPE_A, k2038 + 60);
  const Verification expired = verify(wire, kQname, LDNS_RR_TYPE_A, k2038 + 2 * kHour);
  const Verification early = verify(wire, kQname, LDNS_RR_TYPE_A, k2038 - 2 * kHour);

  EXPECT_EQ(before.verdict, Verdict::Secure) << before.detail;
  EXPECT_EQ(after.verdict, Verdict::Secure) << after.detail;
  EXPECT_EQ(expired.failure, VerifyFailure::SignatureExpired) << expired.detail;
  EXPECT_EQ(early.failure, VerifyFailure::SignatureNotYetValid) << early.detail;
}

// For a window that ends before 2^31 seconds and a time after it, ldns 1.8.3 alone returns
// "signature not incepted yet".
TEST_F(VerifyAnswerTest, RejectsSignatureExpiredBefore2038) {
  example_.setValidity(static_cast<uint32_t>(k2038 - 2 * kHour),
                       static_cast<uint32_t>(k2038 - kHour));
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);
  const std::vector<uint8_t> wire = responseA(answer.get());

  Verification result = verify(wire, kQname, LDNS_RR_TYPE_A, k2038 + kHour);

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::SignatureExpired) << result.detail;
}

// At 2^32 seconds (2106-02-07T06:28:16Z) the 32-bit field wraps, so the expiration field contains
// a smaller number than the inception field.
TEST_F(VerifyAnswerTest, AcceptsWindowAcross2106) {
  example_.setValidity(static_cast<uint32_t>(k2106 - kHour), static_cast<uint32_t>(kHour));
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);
  const std::vector<uint8_t> wire = responseA(answer.get());

  const Verification inside = verify(wire, kQname, LDNS_RR_TYPE_A, k2106 + 60);
  const Verification expired = verify(wire, kQname, LDNS_RR_TYPE_A, k2106 + 2 * kHour);

  EXPECT_EQ(inside.verdict, Verdict::Secure) << inside.detail;
  EXPECT_EQ(expired.failure, VerifyFailure::SignatureExpired) << expired.detail;
}

// --- Keys ---

TEST_F(VerifyAnswerTest, ReturnsNoMatchingKeyForWrongKey) {
  // A second key with the same key tag would reach the signature check instead.
  std::unique_ptr<ZoneSigner> other;
  do {
    other = std::make_unique<ZoneSigner>(kZone);
    ASSERT_TRUE(other->valid());
  } while (other->keyTag() == example_.keyTag());
  store_.addSecure(kZone, other->keySet());
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::NoMatchingKey);
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(VerifyAnswerTest, NeedsKeysOfUnknownSigner) {
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::NeedKeys) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::None);
  EXPECT_THAT(result.needed_zones, Contains("example.com."));
}

TEST_F(VerifyAnswerTest, NamesSignerInCanonicalForm) {
  // ldns_sign_public writes the signer name in lower case, so the RRSIG is edited afterwards.
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);
  ldns_rr* rrsig = ldns_rr_list_rr(answer.get(), 1);
  ASSERT_EQ(ldns_rr_get_type(rrsig), LDNS_RR_TYPE_RRSIG);
  ldns_rdf* upper_signer = nullptr;
  ASSERT_EQ(ldns_str2rdf_dname(&upper_signer, "EXAMPLE.Com."), LDNS_STATUS_OK);
  ASSERT_TRUE(ldns_rr_rrsig_set_signame(rrsig, upper_signer));

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::NeedKeys) << result.detail;
  EXPECT_THAT(result.needed_zones, Contains("example.com."));
}

TEST_F(VerifyAnswerTest, ReturnsKeysBogusForBogusDnskey) {
  store_.addBogus(kZone, "signature expired on DNSKEY example.com.");
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::KeysBogus);
  EXPECT_THAT(result.detail, HasSubstr("signature expired on DNSKEY example.com."));
}

TEST_F(VerifyAnswerTest, RejectsSignerNotAboveOwner) {
  ZoneSigner other("other.example.");
  ASSERT_TRUE(other.valid());
  other.setValidity(static_cast<uint32_t>(kNow) - kHour, static_cast<uint32_t>(kNow) + kHour);
  store_.addSecure(other);
  RrListPtr answer = other.signedRrset({"www.example.com. 300 IN A 192.0.2.1"});
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::SignatureInvalid);
  EXPECT_FALSE(result.detail.empty());
}

// RFC 4034 2.1.1 and RFC 4035 5.3.1: a DNSKEY without the Zone Key flag (bit 7, value 256)
// must not verify an RRSIG. ldns_verify_time does not check the flags.
TEST_F(VerifyAnswerTest, IgnoresDnskeyWithoutZoneKeyFlag) {
  example_.publishWithFlags(0);
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::NoMatchingKey);
}

// --- Wildcard expansion (RFC 4035 5.3.4) ---

// Returns "*.example.com. A 192.0.2.1" signed and then expanded to www.example.com., as a
// server answers from a wildcard: the RRSIG Labels field (2) is less than the owner's (3).
RrListPtr expandedWildcardA(const ZoneSigner& signer) {
  RrListPtr answer = signer.signedRrset({"*.example.com. 300 IN A 192.0.2.1"});
  if (answer == nullptr || !renameOwners(answer.get(), kQname)) {
    return nullptr;
  }
  return answer;
}

TEST_F(VerifyAnswerTest, AcceptsWildcardWithNsecProof) {
  store_.addSecure(example_);
  RrListPtr answer = expandedWildcardA(example_);
  ASSERT_NE(answer, nullptr);
  // No closer match: "mail" -> "xyz" covers www.example.com.
  RrListPtr authority =
      signEach(example_, {"mail.example.com. 300 IN NSEC xyz.example.com. A RRSIG NSEC"});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(
      buildResponse(kQname, LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, answer.get(), authority.get()));

  EXPECT_EQ(result.verdict, Verdict::Secure) << result.detail;
}

// RFC 4035 5.3.4: an answer expanded from a wildcard needs an NSEC proving that no closer
// name exists, or a replayed wildcard RRset could stand in for any name in the zone.
TEST_F(VerifyAnswerTest, RejectsWildcardWithoutNsecProof) {
  store_.addSecure(example_);
  RrListPtr answer = expandedWildcardA(example_);
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::DenialProof);
}

// --- Negative answers (RFC 4035 5.4) ---

TEST_F(VerifyAnswerTest, AcceptsNxdomainWithNsecProof) {
  store_.addSecure(example_);
  RrListPtr authority = signEach(example_, {kSoa, kMailNsec, kApexNsec});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(buildResponse("nope.example.com.", LDNS_RR_TYPE_A,
                                             LDNS_RCODE_NXDOMAIN, nullptr, authority.get()),
                               "nope.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Secure) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::None);
  EXPECT_EQ(result.rcode, LDNS_RCODE_NXDOMAIN);
}

TEST_F(VerifyAnswerTest, RejectsNxdomainWithoutNsec) {
  store_.addSecure(example_);
  RrListPtr authority = signEach(example_, {kSoa});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(buildResponse("nope.example.com.", LDNS_RR_TYPE_A,
                                             LDNS_RCODE_NXDOMAIN, nullptr, authority.get()),
                               "nope.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::DenialProof);
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(VerifyAnswerTest, RejectsNxdomainWithoutWildcardProof) {
  store_.addSecure(example_);
  RrListPtr authority = signEach(example_, {kSoa, kMailNsec});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(buildResponse("nope.example.com.", LDNS_RR_TYPE_A,
                                             LDNS_RCODE_NXDOMAIN, nullptr, authority.get()),
                               "nope.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::DenialProof);
}

TEST_F(VerifyAnswerTest, RejectsUnsignedNsec) {
  store_.addSecure(example_);
  RrListPtr authority = signEach(example_, {kSoa});
  ASSERT_NE(authority, nullptr);
  appendRecords(authority.get(), parseRecords({kMailNsec, kApexNsec}).get());

  Verification result = verify(buildResponse("nope.example.com.", LDNS_RR_TYPE_A,
                                             LDNS_RCODE_NXDOMAIN, nullptr, authority.get()),
                               "nope.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::NoSignatures);
}

TEST_F(VerifyAnswerTest, RejectsNsecSignedByOtherKey) {
  store_.addSecure(example_);
  std::unique_ptr<ZoneSigner> forger;
  do {
    forger = std::make_unique<ZoneSigner>(kZone);
    ASSERT_TRUE(forger->valid());
  } while (forger->keyTag() == example_.keyTag());
  forger->setValidity(static_cast<uint32_t>(kNow) - kHour, static_cast<uint32_t>(kNow) + kHour);
  RrListPtr authority = signEach(example_, {kSoa});
  ASSERT_NE(authority, nullptr);
  RrListPtr forged = signEach(*forger, {kMailNsec, kApexNsec});
  ASSERT_NE(forged, nullptr);
  appendRecords(authority.get(), forged.get());

  Verification result = verify(buildResponse("nope.example.com.", LDNS_RR_TYPE_A,
                                             LDNS_RCODE_NXDOMAIN, nullptr, authority.get()),
                               "nope.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::NoMatchingKey);
}

TEST_F(VerifyAnswerTest, ReturnsInsecureForUnsignedNxdomain) {
  store_.addInsecure(kZone);
  RrListPtr authority = parseRecords({kSoa});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(buildResponse("nope.example.com.", LDNS_RR_TYPE_A,
                                             LDNS_RCODE_NXDOMAIN, nullptr, authority.get()),
                               "nope.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Insecure) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::None);
  EXPECT_EQ(result.rcode, LDNS_RCODE_NXDOMAIN);
}

TEST_F(VerifyAnswerTest, NeedsZoneKeysForNxdomain) {
  RrListPtr authority = signEach(example_, {kSoa, kMailNsec, kApexNsec});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(buildResponse("nope.example.com.", LDNS_RR_TYPE_A,
                                             LDNS_RCODE_NXDOMAIN, nullptr, authority.get()),
                               "nope.example.com.");

  EXPECT_EQ(result.verdict, Verdict::NeedKeys) << result.detail;
  EXPECT_THAT(result.needed_zones, Contains(kZone));
}

// RFC 4035 5.4: an NSEC owned by the QNAME proves that the name exists, so it cannot prove
// NXDOMAIN. ldns_dnssec_verify_denial accepts a matching NSEC as "covering" the name.
TEST_F(VerifyAnswerTest, RejectsNxdomainWithMatchingNsec) {
  store_.addSecure(example_);
  RrListPtr authority = signEach(example_, {kSoa, kWwwNsec});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(
      buildResponse(kQname, LDNS_RR_TYPE_AAAA, LDNS_RCODE_NXDOMAIN, nullptr, authority.get()),
      kQname, LDNS_RR_TYPE_AAAA);

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::DenialProof);
}

TEST_F(VerifyAnswerTest, AcceptsNodataWithNsecProof) {
  store_.addSecure(example_);
  RrListPtr authority = signEach(example_, {kSoa, kWwwNsec});
  ASSERT_NE(authority, nullptr);

  Verification result =
      verify(buildResponse(kQname, LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, nullptr, authority.get()),
             kQname, LDNS_RR_TYPE_AAAA);

  EXPECT_EQ(result.verdict, Verdict::Secure) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::None);
}

TEST_F(VerifyAnswerTest, RejectsNodataWithQtypeInBitmap) {
  store_.addSecure(example_);
  RrListPtr authority = signEach(example_, {kSoa, kWwwNsec});
  ASSERT_NE(authority, nullptr);

  Verification result =
      verify(buildResponse(kQname, LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, nullptr, authority.get()));

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::DenialProof);
  EXPECT_FALSE(result.detail.empty());
}

// RFC 6840 4.3: a NODATA proof must also check the CNAME bit, because a name with a CNAME
// answers every type. ldns_dnssec_verify_denial checks only the qtype bit for NSEC.
TEST_F(VerifyAnswerTest, RejectsNodataWithCnameInBitmap) {
  store_.addSecure(example_);
  RrListPtr authority = signEach(
      example_, {kSoa, "alias.example.com. 300 IN NSEC mail.example.com. CNAME RRSIG NSEC"});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(buildResponse("alias.example.com.", LDNS_RR_TYPE_A,
                                             LDNS_RCODE_NOERROR, nullptr, authority.get()),
                               "alias.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::DenialProof);
}

// RFC 6840 4.1: an NSEC from the parent side of a delegation (NS set, SOA clear) proves
// nothing about types other than DS at that name, because the data lives in the child zone.
TEST_F(VerifyAnswerTest, RejectsNodataFromDelegationNsec) {
  store_.addSecure(example_);
  RrListPtr authority =
      signEach(example_, {kSoa, "sub.example.com. 300 IN NSEC www.example.com. NS RRSIG NSEC"});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(buildResponse("sub.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
                                             nullptr, authority.get()),
                               "sub.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::DenialProof);
}

// RFC 4035 5.4: NODATA needs an NSEC that matches the QNAME (or an empty non-terminal or a
// wildcard NODATA proof). These NSECs prove that the name does not exist, which contradicts
// rcode NOERROR.
TEST_F(VerifyAnswerTest, RejectsNodataWithNxdomainProof) {
  store_.addSecure(example_);
  RrListPtr authority = signEach(example_, {kSoa, kMailNsec, kApexNsec});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(buildResponse("nope.example.com.", LDNS_RR_TYPE_A,
                                             LDNS_RCODE_NOERROR, nullptr, authority.get()),
                               "nope.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::DenialProof);
}

// b.example.com. is an empty non-terminal because a.b.example.com. exists. Its NODATA proof is
// the NSEC whose next name is below the QNAME, which Unbound accepts (nsec_proves_nodata in
// validator/val_nsec.c). ldns_dnssec_verify_denial would also require an NSEC covering
// *.example.com., which the server need not send here.
TEST_F(VerifyAnswerTest, AcceptsNodataAtEmptyNonTerminal) {
  store_.addSecure(example_);
  RrListPtr authority =
      signEach(example_, {kSoa, "a.example.com. 300 IN NSEC a.b.example.com. A RRSIG NSEC"});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(
      buildResponse("b.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, nullptr, authority.get()),
      "b.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Secure) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::None);
}

// --- CNAME chains ---

class VerifyCnameTest : public VerifyAnswerTest {
 protected:
  void SetUp() override {
    VerifyAnswerTest::SetUp();
    ASSERT_TRUE(example_net_.valid());
    example_net_.setValidity(static_cast<uint32_t>(kNow) - kHour,
                             static_cast<uint32_t>(kNow) + kHour);
  }

  ZoneSigner example_net_{"example.net."};
};

TEST_F(VerifyCnameTest, AcceptsChainAcrossSecureZones) {
  store_.addSecure(example_);
  store_.addSecure(example_net_);
  RrListPtr answer = example_.signedRrset({"www.example.com. 300 IN CNAME www.example.net."});
  ASSERT_NE(answer, nullptr);
  appendRecords(answer.get(),
                example_net_.signedRrset({"www.example.net. 300 IN A 192.0.2.7"}).get());

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Secure) << result.detail;
}

// The target www.example.net. lies in an unsigned zone, so its A RRset is insecure and so is
// the answer (RFC 4035 5.2). The status of unsigned data comes from the DNSKEY query for
// its own owner name, not from the zone of the query name.
TEST_F(VerifyCnameTest, ReturnsInsecureForTargetInInsecureZone) {
  store_.addSecure(example_);
  store_.addInsecure("example.net.");
  RrListPtr answer = example_.signedRrset({"www.example.com. 300 IN CNAME www.example.net."});
  ASSERT_NE(answer, nullptr);
  appendRecords(answer.get(), parseRecords({"www.example.net. 300 IN A 192.0.2.7"}).get());

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Insecure) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::None);
  EXPECT_THAT(store_.requested(), Contains("www.example.net."));
}

// The mirror case: the configured zone example.net. is unsigned, but the CNAME target lies in
// the secure zone example.com., so an A RRset there without RRSIG is bogus: stripped
// signatures on the target must not go unnoticed.
TEST_F(VerifyCnameTest, RejectsUnsignedTargetInSecureZone) {
  store_.addSecure(example_);
  store_.addInsecure("example.net.");
  RrListPtr answer = parseRecords(
      {"www.example.net. 300 IN CNAME www.example.com.", "www.example.com. 300 IN A 192.0.2.1"});
  ASSERT_NE(answer, nullptr);

  Verification result =
      verify(buildResponse("www.example.net.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, answer.get()),
             "www.example.net.", LDNS_RR_TYPE_A);

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::NoSignatures);
}

// The NXDOMAIN rcode refers to the last name of the chain, gone.example.com. (RFC 6604 2.1),
// and the NSEC "example.com. -> mail" covers both it and *.example.com. The denial is checked
// for that name, not for the QNAME www.example.com., which exists.
TEST_F(VerifyCnameTest, AcceptsChainEndingInNxdomain) {
  store_.addSecure(example_);
  RrListPtr answer = example_.signedRrset({"www.example.com. 300 IN CNAME gone.example.com."});
  ASSERT_NE(answer, nullptr);
  RrListPtr authority = signEach(example_, {kSoa, kApexNsec});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(
      buildResponse(kQname, LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, answer.get(), authority.get()));

  EXPECT_EQ(result.verdict, Verdict::Secure) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::None);
}

TEST_F(VerifyCnameTest, AcceptsChainEndingInProvenNodata) {
  store_.addSecure(example_);
  RrListPtr answer = example_.signedRrset({"www.example.com. 300 IN CNAME mail.example.com."});
  ASSERT_NE(answer, nullptr);
  RrListPtr authority =
      signEach(example_, {kSoa, "mail.example.com. 300 IN NSEC www.example.com. MX RRSIG NSEC"});
  ASSERT_NE(authority, nullptr);

  Verification result = verify(
      buildResponse(kQname, LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, answer.get(), authority.get()));

  EXPECT_EQ(result.verdict, Verdict::Secure) << result.detail;
}

// A CNAME whose target has no RRset of the qtype is a NODATA answer for the target, which
// needs the same NSEC proof as any NODATA (RFC 4035 5.4).
TEST_F(VerifyCnameTest, RejectsChainEndingInUnprovenNodata) {
  store_.addSecure(example_);
  RrListPtr answer = example_.signedRrset({"www.example.com. 300 IN CNAME mail.example.com."});
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()));

  EXPECT_EQ(result.verdict, Verdict::Bogus) << result.detail;
  EXPECT_EQ(result.failure, VerifyFailure::DenialProof);
}

// --- Responses that cannot be judged ---

TEST_F(VerifyAnswerTest, ReturnsIndeterminateForServfail) {
  store_.addSecure(example_);

  Verification result = verify(buildResponse(kQname, LDNS_RR_TYPE_A, LDNS_RCODE_SERVFAIL, nullptr));

  EXPECT_EQ(result.verdict, Verdict::Indeterminate) << result.detail;
  EXPECT_EQ(result.rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(VerifyAnswerTest, ReturnsIndeterminateForOtherQname) {
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()), "mail.example.com.");

  EXPECT_EQ(result.verdict, Verdict::Indeterminate) << result.detail;
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(VerifyAnswerTest, ReturnsIndeterminateForOtherQtype) {
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);

  Verification result = verify(responseA(answer.get()), kQname, LDNS_RR_TYPE_AAAA);

  EXPECT_EQ(result.verdict, Verdict::Indeterminate) << result.detail;
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(VerifyAnswerTest, ReturnsIndeterminateForGarbage) {
  const std::vector<uint8_t> garbage{0x12, 0x34, 0x81, 0x80, 0xff, 0xff, 0x00, 0x01,
                                     0x00, 0x00, 0x00, 0x00, 0x03, 'w',  'w'};

  Verification result = verify(garbage);

  EXPECT_EQ(result.verdict, Verdict::Indeterminate) << result.detail;
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(VerifyAnswerTest, ReturnsIndeterminateForEmptyInput) {
  const uint8_t byte = 0;

  Verification result =
      verifyAnswer(&byte, 0, kQname, LDNS_RR_TYPE_A, store_.lookup(), kNow);

  EXPECT_EQ(result.verdict, Verdict::Indeterminate) << result.detail;
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(VerifyAnswerTest, ReturnsIndeterminateForTruncatedResponse) {
  store_.addSecure(example_);
  RrListPtr answer = signedA();
  ASSERT_NE(answer, nullptr);
  std::vector<uint8_t> wire = responseA(answer.get());
  ASSERT_GT(wire.size(), 40u);
  wire.resize(wire.size() - 20);

  Verification result = verify(wire);

  EXPECT_EQ(result.verdict, Verdict::Indeterminate) << result.detail;
}

// --- KeySet::fromAnswer ---

class KeySetTest : public ::testing::Test {
 protected:
  // Returns a DNSKEY response for `qname` carrying `records` in the answer section.
  static std::vector<uint8_t> dnskeyResponse(const std::string& qname,
                                             const ldns_rr_list* records) {
    return buildResponse(qname, LDNS_RR_TYPE_DNSKEY, LDNS_RCODE_NOERROR, records);
  }

  static RrListPtr listOf(const std::vector<const ldns_rr*>& records) {
    RrListPtr list(ldns_rr_list_new());
    for (const ldns_rr* rr : records) {
      ldns_rr_list_push_rr(list.get(), ldns_rr_clone(rr));
    }
    return list;
  }
};

TEST_F(KeySetTest, ReturnsNullWithoutDnskey) {
  RrListPtr answer = parseRecords({"example.com. 300 IN A 192.0.2.1"});
  ASSERT_NE(answer, nullptr);
  const std::vector<uint8_t> wire = dnskeyResponse(kZone, answer.get());

  EXPECT_EQ(KeySet::fromAnswer(wire.data(), wire.size(), kZone), nullptr);
}

TEST_F(KeySetTest, ReturnsNullForGarbage) {
  const std::vector<uint8_t> garbage{0x00, 0x01, 0x02};

  EXPECT_EQ(KeySet::fromAnswer(garbage.data(), garbage.size(), kZone), nullptr);
}

TEST_F(KeySetTest, KeepsEveryKeyOfZone) {
  ZoneSigner first(kZone);
  ZoneSigner second(kZone, 256);
  ASSERT_TRUE(first.valid());
  ASSERT_TRUE(second.valid());
  RrListPtr answer = listOf({first.dnskey(), second.dnskey()});
  const std::vector<uint8_t> wire = dnskeyResponse(kZone, answer.get());

  std::shared_ptr<const KeySet> keys = KeySet::fromAnswer(wire.data(), wire.size(), kZone);

  ASSERT_NE(keys, nullptr);
  EXPECT_EQ(keys->size(), 2u);
}

TEST_F(KeySetTest, IgnoresKeysOfOtherOwner) {
  ZoneSigner zone_key(kZone);
  ZoneSigner other_key("other.example.");
  ASSERT_TRUE(zone_key.valid());
  ASSERT_TRUE(other_key.valid());
  RrListPtr answer = listOf({zone_key.dnskey(), other_key.dnskey()});
  const std::vector<uint8_t> wire = dnskeyResponse(kZone, answer.get());

  std::shared_ptr<const KeySet> keys = KeySet::fromAnswer(wire.data(), wire.size(), kZone);
  std::shared_ptr<const KeySet> other =
      KeySet::fromAnswer(wire.data(), wire.size(), "other.example.");
  std::shared_ptr<const KeySet> absent =
      KeySet::fromAnswer(wire.data(), wire.size(), "example.org.");

  ASSERT_NE(keys, nullptr);
  EXPECT_EQ(keys->size(), 1u);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->size(), 1u);
  EXPECT_EQ(absent, nullptr);
}

TEST_F(KeySetTest, MatchesOwnerCaseInsensitively) {
  ZoneSigner upper("EXAMPLE.Com.");
  ASSERT_TRUE(upper.valid());
  RrListPtr answer = listOf({upper.dnskey()});
  const std::vector<uint8_t> wire = dnskeyResponse(kZone, answer.get());

  std::shared_ptr<const KeySet> keys = KeySet::fromAnswer(wire.data(), wire.size(), kZone);

  ASSERT_NE(keys, nullptr);
  EXPECT_EQ(keys->size(), 1u);
}

TEST_F(KeySetTest, IgnoresRrsigsOverDnskey) {
  ZoneSigner signer(kZone);
  ASSERT_TRUE(signer.valid());
  RrListPtr answer = listOf({signer.dnskey()});
  appendRecords(answer.get(), signer.sign(answer.get()).get());
  const std::vector<uint8_t> wire = dnskeyResponse(kZone, answer.get());

  std::shared_ptr<const KeySet> keys = KeySet::fromAnswer(wire.data(), wire.size(), kZone);

  ASSERT_NE(keys, nullptr);
  EXPECT_EQ(keys->size(), 1u);
}

}  // namespace
}  // namespace dw::dns
