// SPDX-License-Identifier: Apache-2.0
// Tests of probe results: outcome labels, the exchange that counts, and the reduction of
// libunbound's why_bogus text to a bogus reason.
//
// The why_bogus texts below follow unbound 1.17.1: util/module.c (errinf_to_str_bogus) writes
// "validation failure <QNAME QTYPE QCLASS>:" and then every reason that the validator recorded,
// each after a space. The reasons come from validator/validator.c, val_utils.c, val_sigcrypt.c,
// val_secalgo.c, val_nsec.c and val_nsec3.c; "from ADDRESS" comes from errinf_origin, and
// "for key NAME", "for DS NAME", "for trust anchor NAME" from errinf_dname.
#include "probe/result.h"
#include "support/exchanges.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace dw {

// Prints reasons by their metric label in failure messages. gtest finds it by argument-dependent
// lookup, so it sits in namespace dw.
static void PrintTo(BogusReason reason, std::ostream* os) { *os << bogusReasonName(reason); }

namespace {

// --- classifyWhyBogus ---

TEST(ClassifyWhyBogusTest, ReturnsNoneForEmptyText) {
  EXPECT_EQ(classifyWhyBogus(""), BogusReason::None);
}

TEST(ClassifyWhyBogusTest, ReturnsOtherForUnknownText) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.example.lab. A IN>: misc failure"),
            BogusReason::Other);
}

// Observed in the lab: the DS in the parent names a key that the child does not publish.
TEST(ClassifyWhyBogusTest, ClassifiesNoKeyForDsAsDsMismatch) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.bogusds.lab. A IN>: no keys have a DS with "
                             "algorithm ECDSAP256SHA256 from 127.53.0.2 for key bogusds.lab. "
                             "while building chain of trust"),
            BogusReason::DsMismatch);
}

// Observed in the lab.
TEST(ClassifyWhyBogusTest, ClassifiesExpiredSignature) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.expired.lab. A IN>: signature expired from "
                             "127.53.0.2 for key expired.lab. while building chain of trust"),
            BogusReason::SignatureExpired);
}

TEST(ClassifyWhyBogusTest, ClassifiesExpiredSignatureOnAnswer) {
  EXPECT_EQ(classifyWhyBogus(
                "validation failure <www.expired.lab. A IN>: signature expired from 127.53.0.2"),
            BogusReason::SignatureExpired);
}

TEST(ClassifyWhyBogusTest, ClassifiesSignatureBeforeInception) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.future.lab. A IN>: signature before "
                             "inception date from 127.53.0.2"),
            BogusReason::SignatureNotYetValid);
}

TEST(ClassifyWhyBogusTest, ClassifiesDsHashMismatch) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.baddigest.lab. A IN>: DS hash mismatches "
                             "key from 127.53.0.2 for key baddigest.lab. while building chain of "
                             "trust"),
            BogusReason::DsMismatch);
}

TEST(ClassifyWhyBogusTest, ClassifiesMissingSignatures) {
  EXPECT_EQ(classifyWhyBogus(
                "validation failure <www.stripped.lab. A IN>: no signatures from 127.53.0.2"),
            BogusReason::NoSignatures);
}

// algo_needs_reason in val_sigcrypt.c appends the algorithm when harden-algo-downgrade is on.
TEST(ClassifyWhyBogusTest, ClassifiesMissingSignaturesForAlgorithm) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.algroll.lab. A IN>: no signatures with "
                             "algorithm RSASHA256 from 127.53.0.2"),
            BogusReason::NoSignatures);
}

// val_has_signed_nsecs in val_utils.c, for a DS denial without NSEC or NSEC3 records.
TEST(ClassifyWhyBogusTest, ClassifiesNoDnssecRecordsAsNoSignatures) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.sub.stripped.lab. A IN>: no DNSSEC records "
                             "from 127.53.0.2 for DS sub.stripped.lab. while building chain of "
                             "trust"),
            BogusReason::NoSignatures);
}

TEST(ClassifyWhyBogusTest, ClassifiesUnsignedNsecsAsNoSignatures) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.sub.stripped.lab. A IN>: no signatures over "
                             "NSECs from 127.53.0.2 for DS sub.stripped.lab. while building chain "
                             "of trust"),
            BogusReason::NoSignatures);
}

// dnskey_verify_rrset in val_sigcrypt.c: the DNSKEY that the DS names does not sign the DNSKEY
// RRset, which is what a KSK rollover that swaps the DS too early produces. Unbound attaches
// EDE 10 (RRSIGs Missing) to it.
TEST(ClassifyWhyBogusTest, ClassifiesSignatureMissingAsNoSignatures) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.kskroll.lab. A IN>: signature missing from "
                             "127.53.0.2 for key kskroll.lab. while building chain of trust"),
            BogusReason::NoSignatures);
}

TEST(ClassifyWhyBogusTest, ClassifiesSignatureCryptoFailure) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.badsig.lab. A IN>: signature crypto failed "
                             "from 127.53.0.2"),
            BogusReason::SignatureInvalid);
}

TEST(ClassifyWhyBogusTest, ClassifiesSignatureCryptoFailureOnNsec) {
  EXPECT_EQ(classifyWhyBogus("validation failure <nx.badsig.lab. A IN>: signature crypto failed "
                             "from 127.53.0.2 for <badsig.lab. NSEC IN>"),
            BogusReason::SignatureInvalid);
}

TEST(ClassifyWhyBogusTest, ClassifiesMalformedSignature) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.badsig.lab. A IN>: signature labelcount out "
                             "of range from 127.53.0.2"),
            BogusReason::SignatureInvalid);
}

TEST(ClassifyWhyBogusTest, ClassifiesSignatureForCname) {
  EXPECT_EQ(classifyWhyBogus("validation failure <alias.badsig.lab. A IN>: signature crypto "
                             "failed for CNAME from 127.53.0.2"),
            BogusReason::SignatureInvalid);
}

// dnskeyset_verify_rrset_sig in val_sigcrypt.c: no DNSKEY has the key tag and algorithm of the
// RRSIG, as after a ZSK rollover that removed the old key while its signatures were still in
// use. Unbound attaches EDE 9 (DNSKEY Missing), which reasonFromExtendedErrors maps to
// NoDnskey, so the validating engine should give the same reason as the raw engine.
TEST(ClassifyWhyBogusTest, ClassifiesSignaturesFromUnknownKeysAsNoDnskey) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.zskroll.lab. A IN>: signatures from unknown "
                             "keys from 127.53.0.2"),
            BogusReason::NoDnskey);
}

TEST(ClassifyWhyBogusTest, ClassifiesMissingDnskeyRecord) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.nokey.lab. A IN>: No DNSKEY record from "
                             "127.53.0.2 for key nokey.lab. while building chain of trust"),
            BogusReason::NoDnskey);
}

TEST(ClassifyWhyBogusTest, ClassifiesMissingDnskeyAtTrustAnchor) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.lab. A IN>: no DNSKEY rrset from 127.53.0.1 "
                             "for trust anchor lab. while building chain of trust"),
            BogusReason::NoDnskey);
}

// The validator writes the classification of the answer ("nameerror", "nodata") before
// "proof failed".
TEST(ClassifyWhyBogusTest, ClassifiesNameErrorProofFailure) {
  EXPECT_EQ(
      classifyWhyBogus(
          "validation failure <nx.example.lab. A IN>: nameerror proof failed from 127.53.0.2"),
      BogusReason::DenialProof);
}

TEST(ClassifyWhyBogusTest, ClassifiesNodataProofFailure) {
  EXPECT_EQ(
      classifyWhyBogus(
          "validation failure <www.example.lab. AAAA IN>: nodata proof failed from 127.53.0.2"),
      BogusReason::DenialProof);
}

TEST(ClassifyWhyBogusTest, ClassifiesWildcardProofFailure) {
  EXPECT_EQ(
      classifyWhyBogus("validation failure <a.wild.example.lab. A IN>: wildcard proof failed from "
                       "127.53.0.2"),
      BogusReason::DenialProof);
}

TEST(ClassifyWhyBogusTest, ClassifiesNsecDsDenialFailure) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.sub.example.lab. A IN>: NSEC does not prove "
                             "absence of DS from 127.53.0.2 for DS sub.example.lab. while building "
                             "chain of trust"),
            BogusReason::DenialProof);
}

TEST(ClassifyWhyBogusTest, ClassifiesNsec3ClosestEncloserFailure) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.sub.example.lab. A IN>: no NSEC3 closest "
                             "encloser from 127.53.0.2 for DS sub.example.lab. while building "
                             "chain of trust"),
            BogusReason::DenialProof);
}

TEST(ClassifyWhyBogusTest, ClassifiesDsDenialWithoutProof) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.sub.example.lab. A IN>: no DS but also no "
                             "proof of that from 127.53.0.2 for DS sub.example.lab. while building "
                             "chain of trust"),
            BogusReason::DenialProof);
}

TEST(ClassifyWhyBogusTest, ClassifiesUnsupportedAlgorithmByCryptoLibrary) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.gost.lab. A IN>: unsupported algorithm by "
                             "crypto library from 127.53.0.2"),
            BogusReason::UnsupportedAlgorithm);
}

TEST(ClassifyWhyBogusTest, ClassifiesAlgorithmRefusedByCryptoLibrary) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.sha1.lab. A IN>: algorithm refused by "
                             "cryptolib from 127.53.0.2 for key sha1.lab. while building chain of "
                             "trust"),
            BogusReason::UnsupportedAlgorithm);
}

// ds_response_to_ke in validator.c: the DS query itself ended in an error RCODE, so the chain
// could not be fetched. Unbound writes the RCODE and "no DS" and attaches EDE 23 (Network
// Error); nothing about the DS or the keys is known to mismatch.
TEST(ClassifyWhyBogusTest, ClassifiesDsQueryServfailAsResolutionFailure) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.dsfail.lab. A IN>: SERVFAIL no DS from "
                             "127.53.0.2 for DS dsfail.lab. while building chain of trust"),
            BogusReason::ResolutionFailure);
}

// A key that failed before is cached as bad; later queries quote the first failure.
TEST(ClassifyWhyBogusTest, ClassifiesCachedBadKeyByItsFirstFailure) {
  EXPECT_EQ(classifyWhyBogus("validation failure <mail.expired.lab. A IN>: key for validation "
                             "expired.lab. is marked as invalid because of a previous validation "
                             "failure <www.expired.lab. A IN>: signature expired from 127.53.0.2 "
                             "for key expired.lab. while building chain of trust"),
            BogusReason::SignatureExpired);
}

// The query name and the key name are owner names chosen by zone operators, so they must not
// decide the reason. Test zones are often named after the feature they test.
TEST(ClassifyWhyBogusTest, IgnoresReasonWordsInZoneNames) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.nsec3.lab. A IN>: No DNSKEY record from "
                             "127.53.0.2 for key nsec3.lab. while building chain of trust"),
            BogusReason::NoDnskey);
}

TEST(ClassifyWhyBogusTest, IgnoresAlgorithmInZoneName) {
  EXPECT_EQ(classifyWhyBogus("validation failure <www.algorithm-rollover.lab. A IN>: signature "
                             "crypto failed from 127.53.0.2"),
            BogusReason::SignatureInvalid);
}

TEST(ClassifyWhyBogusTest, IgnoresCase) {
  EXPECT_EQ(classifyWhyBogus("SIGNATURE EXPIRED"), BogusReason::SignatureExpired);
}

// --- names ---

TEST(BogusReasonNameTest, ReturnsMetricLabels) {
  EXPECT_EQ(bogusReasonName(BogusReason::None), "none");
  EXPECT_EQ(bogusReasonName(BogusReason::SignatureExpired), "signature_expired");
  EXPECT_EQ(bogusReasonName(BogusReason::SignatureNotYetValid), "signature_not_yet_valid");
  EXPECT_EQ(bogusReasonName(BogusReason::DsMismatch), "ds_mismatch");
  EXPECT_EQ(bogusReasonName(BogusReason::NoSignatures), "no_signatures");
  EXPECT_EQ(bogusReasonName(BogusReason::SignatureInvalid), "signature_invalid");
  EXPECT_EQ(bogusReasonName(BogusReason::NoDnskey), "no_dnskey");
  EXPECT_EQ(bogusReasonName(BogusReason::DenialProof), "denial_proof");
  EXPECT_EQ(bogusReasonName(BogusReason::UnsupportedAlgorithm), "unsupported_algorithm");
  EXPECT_EQ(bogusReasonName(BogusReason::ResolutionFailure), "resolution_failure");
  EXPECT_EQ(bogusReasonName(BogusReason::Other), "other");
}

TEST(ExchangeStatusNameTest, ReturnsLabels) {
  EXPECT_EQ(exchangeStatusName(ExchangeStatus::Answered), "answered");
  EXPECT_EQ(exchangeStatusName(ExchangeStatus::Timeout), "timeout");
  EXPECT_EQ(exchangeStatusName(ExchangeStatus::Malformed), "malformed");
  EXPECT_EQ(exchangeStatusName(ExchangeStatus::Unreachable), "unreachable");
  EXPECT_EQ(exchangeStatusName(ExchangeStatus::NetworkError), "network_error");
}

TEST(EngineNameTest, ReturnsLabels) {
  EXPECT_EQ(engineName(Engine::Raw), "raw");
  EXPECT_EQ(engineName(Engine::Validating), "validating");
}

// --- RawResult ---

using test::answered;
using test::failed;
using test::udpOnly;

TEST(RawResultLabelTest, LabelsRcodes) {
  EXPECT_EQ(rawResultLabel(udpOnly(answered(0))), "noerror");
  EXPECT_EQ(rawResultLabel(udpOnly(answered(2))), "servfail");
  EXPECT_EQ(rawResultLabel(udpOnly(answered(3))), "nxdomain");
  EXPECT_EQ(rawResultLabel(udpOnly(answered(5))), "refused");
}

TEST(RawResultLabelTest, LabelsOtherRcodes) {
  EXPECT_EQ(rawResultLabel(udpOnly(answered(1))), "other_rcode");   // FORMERR
  EXPECT_EQ(rawResultLabel(udpOnly(answered(4))), "other_rcode");   // NOTIMP
  EXPECT_EQ(rawResultLabel(udpOnly(answered(16))), "other_rcode");  // BADVERS
}

TEST(RawResultLabelTest, LabelsExchangeFailures) {
  EXPECT_EQ(rawResultLabel(udpOnly(failed(ExchangeStatus::Timeout))), "timeout");
  EXPECT_EQ(rawResultLabel(udpOnly(failed(ExchangeStatus::Malformed))), "malformed");
  EXPECT_EQ(rawResultLabel(udpOnly(failed(ExchangeStatus::Unreachable))), "unreachable");
  EXPECT_EQ(rawResultLabel(udpOnly(failed(ExchangeStatus::NetworkError))), "network_error");
}

TEST(RawResultLabelTest, LabelsDefaultResultAsTimeout) {
  EXPECT_EQ(rawResultLabel(RawResult{}), "timeout");
}

TEST(RawResultLabelTest, LabelsTcpAnswerAfterTruncation) {
  RawResult result = udpOnly(answered(0));
  result.udp.answer.tc = true;
  result.tcp = answered(2);
  EXPECT_EQ(rawResultLabel(result), "servfail");
}

TEST(RawResultFinalTest, ReturnsUdpWhenTcpNotAttempted) {
  RawResult result = udpOnly(answered(0));
  EXPECT_EQ(&result.final(), &result.udp);
}

TEST(RawResultFinalTest, PrefersAnsweredTcpExchange) {
  RawResult result = udpOnly(answered(0));
  result.udp.answer.tc = true;
  result.tcp = answered(0);
  EXPECT_EQ(&result.final(), &result.tcp);
}

TEST(RawResultFinalTest, ReportsTcpWhenTcpFailed) {
  RawResult result = udpOnly(answered(0));
  result.udp.answer.tc = true;
  result.tcp = failed(ExchangeStatus::Unreachable);
  EXPECT_EQ(&result.final(), &result.tcp);
  EXPECT_FALSE(result.answered());
}

TEST(RawResultFinalTest, IgnoresTcpExchangeThatWasNotAttempted) {
  RawResult result = udpOnly(failed(ExchangeStatus::Timeout));
  result.tcp.status = ExchangeStatus::Answered;  // attempted stays false.
  EXPECT_EQ(&result.final(), &result.udp);
  EXPECT_FALSE(result.answered());
}

TEST(RawResultTest, IsNotAnsweredAfterTimeout) {
  EXPECT_FALSE(udpOnly(failed(ExchangeStatus::Timeout)).answered());
}

TEST(ServfailFromValidationTest, IsFalseWhenCdRecheckIsTruncated) {
  RawResult result = udpOnly(answered(2));
  result.cd_recheck = answered(0);
  result.cd_recheck.answer.tc = true;
  EXPECT_FALSE(result.servfailFromValidation());
}

TEST(ServfailFromValidationTest, IsTrueWhenCdRecheckAnswers) {
  RawResult result = udpOnly(answered(2));
  result.cd_recheck = answered(0);
  EXPECT_TRUE(result.servfailFromValidation());
}

TEST(ServfailFromValidationTest, IsTrueWhenCdRecheckGetsNxdomain) {
  RawResult result = udpOnly(answered(2));
  result.cd_recheck = answered(3);
  EXPECT_TRUE(result.servfailFromValidation());
}

TEST(ServfailFromValidationTest, IsFalseWhenCdRecheckAlsoServfails) {
  RawResult result = udpOnly(answered(2));
  result.cd_recheck = answered(2);
  EXPECT_FALSE(result.servfailFromValidation());
}

TEST(ServfailFromValidationTest, IsFalseWhenCdRecheckTimesOut) {
  RawResult result = udpOnly(answered(2));
  result.cd_recheck = failed(ExchangeStatus::Timeout);
  EXPECT_FALSE(result.servfailFromValidation());
}

TEST(ServfailFromValidationTest, IsFalseWithoutCdRecheck) {
  EXPECT_FALSE(udpOnly(answered(2)).servfailFromValidation());
}

// --- ValidationResult ---

ValidationResult validation(ExchangeStatus status, ValidationState state) {
  ValidationResult result;
  result.status = status;
  result.state = state;
  return result;
}

TEST(ValidationResultLabelTest, LabelsAnsweredResultsByState) {
  EXPECT_EQ(validationResultLabel(validation(ExchangeStatus::Answered, ValidationState::Secure)),
            "secure");
  EXPECT_EQ(validationResultLabel(validation(ExchangeStatus::Answered, ValidationState::Insecure)),
            "insecure");
  EXPECT_EQ(validationResultLabel(validation(ExchangeStatus::Answered, ValidationState::Bogus)),
            "bogus");
  EXPECT_EQ(
      validationResultLabel(validation(ExchangeStatus::Answered, ValidationState::Indeterminate)),
      "indeterminate");
}

TEST(ValidationResultLabelTest, LabelsTimeoutWhateverTheState) {
  EXPECT_EQ(validationResultLabel(validation(ExchangeStatus::Timeout, ValidationState::Secure)),
            "timeout");
}

TEST(ValidationResultLabelTest, LabelsOtherFailuresByStatus) {
  EXPECT_EQ(validationResultLabel(validation(ExchangeStatus::NetworkError, ValidationState::Bogus)),
            "network_error");
  EXPECT_EQ(validationResultLabel(validation(ExchangeStatus::Malformed, ValidationState::Secure)),
            "malformed");
  EXPECT_EQ(
      validationResultLabel(validation(ExchangeStatus::Unreachable, ValidationState::Insecure)),
      "unreachable");
}

TEST(ValidationStateNameTest, ReturnsLabels) {
  EXPECT_EQ(validationStateName(ValidationState::Secure), "secure");
  EXPECT_EQ(validationStateName(ValidationState::Insecure), "insecure");
  EXPECT_EQ(validationStateName(ValidationState::Bogus), "bogus");
  EXPECT_EQ(validationStateName(ValidationState::Indeterminate), "indeterminate");
}

}  // namespace
}  // namespace dw
