// SPDX-License-Identifier: Apache-2.0
// Tests of the resolver health and facts that one probe result implies.
#include "probe/observation.h"
#include "support/exchanges.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace dw {

// Prints enum values by their metric label in failure messages. gtest finds these by
// argument-dependent lookup, so they sit in namespace dw.
static void PrintTo(BogusReason reason, std::ostream* os) { *os << bogusReasonName(reason); }
static void PrintTo(ZoneHealth health, std::ostream* os) { *os << zoneHealthName(health); }

namespace {

constexpr int kNoError = 0;
constexpr int kServFail = 2;
constexpr int kNxDomain = 3;
constexpr int kRefused = 5;

using test::answered;
using test::failed;

RawResult raw(Exchange udp) { return test::udpOnly(std::move(udp)); }

RawResult servfailWithRecheck(Exchange recheck) {
  RawResult result = raw(answered(kServFail));
  result.cd_recheck = std::move(recheck);
  return result;
}

ValidationResult validation(ExchangeStatus status, ValidationState state) {
  ValidationResult result;
  result.status = status;
  result.state = state;
  return result;
}

// --- observeRaw ---

TEST(ObserveRawTest, IsOkForNoerror) {
  EXPECT_EQ(observeRaw(raw(answered(kNoError))), ZoneHealth::Ok);
}

TEST(ObserveRawTest, IsOkForNxdomain) {
  EXPECT_EQ(observeRaw(raw(answered(kNxDomain))), ZoneHealth::Ok);
}

TEST(ObserveRawTest, IsBogusWhenCdRecheckExplainsServfail) {
  EXPECT_EQ(observeRaw(servfailWithRecheck(answered(kNoError))), ZoneHealth::Bogus);
}

TEST(ObserveRawTest, IsFailingWhenCdRecheckAlsoServfails) {
  EXPECT_EQ(observeRaw(servfailWithRecheck(answered(kServFail))), ZoneHealth::Failing);
}

TEST(ObserveRawTest, IsFailingWhenCdRecheckTimesOut) {
  EXPECT_EQ(observeRaw(servfailWithRecheck(failed(ExchangeStatus::Timeout))), ZoneHealth::Failing);
}

TEST(ObserveRawTest, IsFailingForServfailWithoutRecheck) {
  EXPECT_EQ(observeRaw(raw(answered(kServFail))), ZoneHealth::Failing);
}

TEST(ObserveRawTest, IsFailingForRefused) {
  EXPECT_EQ(observeRaw(raw(answered(kRefused))), ZoneHealth::Failing);
}

TEST(ObserveRawTest, IsFailingWhenNothingAnswered) {
  EXPECT_EQ(observeRaw(raw(failed(ExchangeStatus::Timeout))), ZoneHealth::Failing);
  EXPECT_EQ(observeRaw(raw(failed(ExchangeStatus::Malformed))), ZoneHealth::Failing);
  EXPECT_EQ(observeRaw(raw(failed(ExchangeStatus::Unreachable))), ZoneHealth::Failing);
  EXPECT_EQ(observeRaw(raw(failed(ExchangeStatus::NetworkError))), ZoneHealth::Failing);
}

TEST(ObserveRawTest, JudgesTcpAnswerAfterTruncation) {
  RawResult result = raw(answered(kNoError));
  result.udp.answer.tc = true;
  result.tcp = answered(kRefused);
  EXPECT_EQ(observeRaw(result), ZoneHealth::Failing);
}

// --- observeValidation ---

TEST(ObserveValidationTest, IsOkForSecure) {
  EXPECT_EQ(observeValidation(validation(ExchangeStatus::Answered, ValidationState::Secure)),
            ZoneHealth::Ok);
}

TEST(ObserveValidationTest, IsOkForInsecure) {
  EXPECT_EQ(observeValidation(validation(ExchangeStatus::Answered, ValidationState::Insecure)),
            ZoneHealth::Ok);
}

TEST(ObserveValidationTest, IsBogusForBogus) {
  EXPECT_EQ(observeValidation(validation(ExchangeStatus::Answered, ValidationState::Bogus)),
            ZoneHealth::Bogus);
}

TEST(ObserveValidationTest, IsFailingForIndeterminate) {
  EXPECT_EQ(observeValidation(validation(ExchangeStatus::Answered, ValidationState::Indeterminate)),
            ZoneHealth::Failing);
}

TEST(ObserveValidationTest, IsFailingWhenNotAnsweredWhateverTheState) {
  EXPECT_EQ(observeValidation(validation(ExchangeStatus::Timeout, ValidationState::Secure)),
            ZoneHealth::Failing);
  EXPECT_EQ(observeValidation(validation(ExchangeStatus::NetworkError, ValidationState::Bogus)),
            ZoneHealth::Failing);
}

TEST(ZoneHealthNameTest, ReturnsLabels) {
  EXPECT_EQ(zoneHealthName(ZoneHealth::Ok), "ok");
  EXPECT_EQ(zoneHealthName(ZoneHealth::Failing), "failing");
  EXPECT_EQ(zoneHealthName(ZoneHealth::Bogus), "bogus");
}

// --- validatingFromCanary ---

TEST(ValidatingFromCanaryTest, IsTrueForServfailExplainedByCdRetry) {
  RawResult result = raw(answered(kServFail));
  result.cd_recheck = answered(kNoError);
  EXPECT_EQ(validatingFromCanary(result), true);
}

TEST(ValidatingFromCanaryTest, IsUnknownWhenCdRetryAlsoFails) {
  RawResult result = raw(answered(kServFail));
  result.cd_recheck = answered(kServFail);
  EXPECT_EQ(validatingFromCanary(result), std::nullopt);
}

TEST(ValidatingFromCanaryTest, IsUnknownForServfailWithoutCdRetry) {
  EXPECT_EQ(validatingFromCanary(raw(answered(kServFail))), std::nullopt);
}

TEST(ValidatingFromCanaryTest, IsFalseForNxdomain) {
  EXPECT_EQ(validatingFromCanary(raw(answered(kNxDomain))), false);
}

TEST(ValidatingFromCanaryTest, IsFalseForNoerrorWithData) {
  RawResult result = raw(answered(kNoError));
  result.udp.answer.answer_count = 1;
  EXPECT_EQ(validatingFromCanary(result), false);
}

TEST(ValidatingFromCanaryTest, IsUnknownForNoerrorWithoutData) {
  EXPECT_EQ(validatingFromCanary(raw(answered(kNoError))), std::nullopt);
}

TEST(ValidatingFromCanaryTest, IsUnknownForRefused) {
  EXPECT_EQ(validatingFromCanary(raw(answered(kRefused))), std::nullopt);
}

TEST(ValidatingFromCanaryTest, IsUnknownWithoutAnswer) {
  EXPECT_EQ(validatingFromCanary(raw(failed(ExchangeStatus::Timeout))), std::nullopt);
  EXPECT_EQ(validatingFromCanary(raw(failed(ExchangeStatus::Unreachable))), std::nullopt);
}

// --- validatingFromZoneAnswer ---

TEST(ValidatingFromZoneAnswerTest, IsTrueWhenAdIsSet) {
  RawResult result = raw(answered(kNoError));
  result.udp.answer.ad = true;
  EXPECT_EQ(validatingFromZoneAnswer(result), true);
}

TEST(ValidatingFromZoneAnswerTest, IsUnknownWhenAdIsClear) {
  EXPECT_EQ(validatingFromZoneAnswer(raw(answered(kNoError))), std::nullopt);
}

TEST(ValidatingFromZoneAnswerTest, IsUnknownWithoutAnswer) {
  EXPECT_EQ(validatingFromZoneAnswer(raw(failed(ExchangeStatus::Timeout))), std::nullopt);
}

TEST(ValidatingFromZoneAnswerTest, ReadsAdFromTcpAnswerAfterTruncation) {
  RawResult result = raw(answered(kNoError));
  result.udp.answer.tc = true;
  result.tcp = answered(kNoError);
  result.tcp.answer.ad = true;
  EXPECT_EQ(validatingFromZoneAnswer(result), true);
}

// --- reasonFromExtendedErrors (RFC 8914 4) ---

BogusReason reasonFor(uint16_t code, const std::string& text = "") {
  return reasonFromExtendedErrors({dns::ExtendedError{code, text}});
}

TEST(ReasonFromExtendedErrorsTest, IsNoneWithoutErrors) {
  EXPECT_EQ(reasonFromExtendedErrors({}), BogusReason::None);
}

TEST(ReasonFromExtendedErrorsTest, MapsUnsupportedDnskeyAlgorithm) {
  EXPECT_EQ(reasonFor(1), BogusReason::UnsupportedAlgorithm);
}

TEST(ReasonFromExtendedErrorsTest, MapsUnsupportedDsDigestType) {
  EXPECT_EQ(reasonFor(2), BogusReason::UnsupportedAlgorithm);
}

TEST(ReasonFromExtendedErrorsTest, MapsDnssecBogusWithoutTextToOther) {
  EXPECT_EQ(reasonFor(6), BogusReason::Other);
}

TEST(ReasonFromExtendedErrorsTest, ClassifiesDnssecBogusText) {
  EXPECT_EQ(reasonFor(6,
                      "validation failure <www.bogusds.lab. A IN>: no keys have a DS with "
                      "algorithm ECDSAP256SHA256 from 127.53.0.2 for key bogusds.lab. while "
                      "building chain of trust"),
            BogusReason::DsMismatch);
}

TEST(ReasonFromExtendedErrorsTest, MapsDnssecBogusWithUnknownTextToOther) {
  EXPECT_EQ(reasonFor(6, "something went wrong"), BogusReason::Other);
}

TEST(ReasonFromExtendedErrorsTest, MapsSignatureExpired) {
  EXPECT_EQ(reasonFor(7), BogusReason::SignatureExpired);
}

TEST(ReasonFromExtendedErrorsTest, MapsSignatureNotYetValid) {
  EXPECT_EQ(reasonFor(8), BogusReason::SignatureNotYetValid);
}

TEST(ReasonFromExtendedErrorsTest, MapsDnskeyMissing) {
  EXPECT_EQ(reasonFor(9), BogusReason::NoDnskey);
}

TEST(ReasonFromExtendedErrorsTest, MapsRrsigsMissing) {
  EXPECT_EQ(reasonFor(10), BogusReason::NoSignatures);
}

TEST(ReasonFromExtendedErrorsTest, MapsNsecMissing) {
  EXPECT_EQ(reasonFor(12), BogusReason::DenialProof);
}

TEST(ReasonFromExtendedErrorsTest, IgnoresCodesThatNameNoBogusReason) {
  EXPECT_EQ(reasonFor(0), BogusReason::None);      // Other Error
  EXPECT_EQ(reasonFor(3), BogusReason::None);      // Stale Answer
  EXPECT_EQ(reasonFor(18), BogusReason::None);     // Prohibited
  EXPECT_EQ(reasonFor(49152), BogusReason::None);  // Private use
}

TEST(ReasonFromExtendedErrorsTest, SkipsUnknownCodeBeforeKnownOne) {
  std::vector<dns::ExtendedError> errors{{3, "stale"}, {7, ""}};
  EXPECT_EQ(reasonFromExtendedErrors(errors), BogusReason::SignatureExpired);
}

TEST(ReasonFromExtendedErrorsTest, UsesFirstKnownCode) {
  std::vector<dns::ExtendedError> errors{{9, ""}, {7, ""}};
  EXPECT_EQ(reasonFromExtendedErrors(errors), BogusReason::NoDnskey);
}

// --- servfailCause ---

TEST(ServfailCauseTest, IsValidationWhenCdRecheckAnswers) {
  EXPECT_EQ(servfailCause(servfailWithRecheck(answered(kNoError))), "validation");
}

TEST(ServfailCauseTest, IsOtherWhenCdRecheckAlsoServfails) {
  EXPECT_EQ(servfailCause(servfailWithRecheck(answered(kServFail))), "other");
}

TEST(ServfailCauseTest, IsUnknownWhenCdRecheckGotNoAnswer) {
  EXPECT_EQ(servfailCause(servfailWithRecheck(failed(ExchangeStatus::Timeout))), "unknown");
}

TEST(ServfailCauseTest, IsUnknownWithoutCdRecheck) {
  EXPECT_EQ(servfailCause(raw(answered(kServFail))), "unknown");
}

// --- rrsigMissing ---

RawResult noerrorWith(size_t answer_count, size_t answer_rrsig_count) {
  RawResult result = raw(answered(kNoError));
  result.udp.answer.answer_count = answer_count;
  result.udp.answer.answer_rrsig_count = answer_rrsig_count;
  return result;
}

TEST(RrsigMissingTest, IsTrueForDataWithoutRrsig) { EXPECT_TRUE(rrsigMissing(noerrorWith(1, 0))); }

TEST(RrsigMissingTest, IsFalseForDataWithRrsig) { EXPECT_FALSE(rrsigMissing(noerrorWith(2, 1))); }

TEST(RrsigMissingTest, IsFalseForEmptyAnswer) { EXPECT_FALSE(rrsigMissing(noerrorWith(0, 0))); }

TEST(RrsigMissingTest, IsFalseForNxdomain) { EXPECT_FALSE(rrsigMissing(raw(answered(kNxDomain)))); }

TEST(RrsigMissingTest, IsFalseWithoutAnswer) {
  EXPECT_FALSE(rrsigMissing(raw(failed(ExchangeStatus::Timeout))));
}

// --- showsSignedZone ---

TEST(ShowsSignedZoneTest, IsTrueForAnswerRrsig) { EXPECT_TRUE(showsSignedZone(noerrorWith(2, 1))); }

TEST(ShowsSignedZoneTest, IsTrueForAuthorityRrsig) {
  RawResult result = raw(answered(kNxDomain));
  result.udp.answer.authority_rrsig_count = 1;
  EXPECT_TRUE(showsSignedZone(result));
}

TEST(ShowsSignedZoneTest, IsTrueForNsecRecords) {
  RawResult result = raw(answered(kNxDomain));
  result.udp.answer.nsec_count = 2;
  EXPECT_TRUE(showsSignedZone(result));
}

TEST(ShowsSignedZoneTest, IsFalseForUnsignedAnswer) {
  EXPECT_FALSE(showsSignedZone(noerrorWith(1, 0)));
}

TEST(ShowsSignedZoneTest, IsFalseWithoutAnswer) {
  RawResult result = raw(failed(ExchangeStatus::Timeout));
  result.udp.answer.answer_rrsig_count = 1;  // Counts of an unanswered exchange are ignored.
  EXPECT_FALSE(showsSignedZone(result));
}

}  // namespace
}  // namespace dw
