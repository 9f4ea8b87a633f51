// SPDX-License-Identifier: Apache-2.0
#include "probe/observation.h"

namespace dw {
namespace {

constexpr int kNoError = 0;
constexpr int kServFail = 2;
constexpr int kNxDomain = 3;

}  // namespace

std::string_view zoneHealthName(ZoneHealth health) {
  switch (health) {
    case ZoneHealth::Ok: return "ok";
    case ZoneHealth::Failing: return "failing";
    case ZoneHealth::Bogus: return "bogus";
  }
  return "failing";
}

ZoneHealth observeRaw(const RawResult& result) {
  if (!result.answered()) {
    return ZoneHealth::Failing;
  }
  const int rcode = result.final().answer.rcode;
  if (rcode == kNoError || rcode == kNxDomain) {
    return ZoneHealth::Ok;
  }
  if (rcode == kServFail && result.servfailFromValidation()) {
    return ZoneHealth::Bogus;
  }
  return ZoneHealth::Failing;
}

ZoneHealth observeValidation(const ValidationResult& result) {
  if (result.status != ExchangeStatus::Answered) {
    return ZoneHealth::Failing;
  }
  switch (result.state) {
    case ValidationState::Secure:
    case ValidationState::Insecure: return ZoneHealth::Ok;
    case ValidationState::Bogus: return ZoneHealth::Bogus;
    case ValidationState::Indeterminate: return ZoneHealth::Failing;
  }
  return ZoneHealth::Failing;
}

std::optional<bool> validatingFromCanary(const RawResult& result) {
  if (!result.answered()) {
    return std::nullopt;
  }
  const dns::AnswerSummary& answer = result.final().answer;
  if (answer.rcode == kServFail) {
    // Only a SERVFAIL that the CD=1 retry explains is the resolver's validation at work; a
    // resolver that fails either way is broken, not validating.
    return result.servfailFromValidation() ? std::optional<bool>(true) : std::nullopt;
  }
  if (answer.rcode == kNxDomain || (answer.rcode == kNoError && answer.answer_count > 0)) {
    return false;
  }
  return std::nullopt;
}

std::optional<bool> validatingFromZoneAnswer(const RawResult& result) {
  if (result.answered() && result.final().answer.ad) {
    return true;
  }
  return std::nullopt;
}

BogusReason reasonFromExtendedErrors(const std::vector<dns::ExtendedError>& errors) {
  for (const dns::ExtendedError& error : errors) {
    switch (error.code) {
      case 1:  // Unsupported DNSKEY Algorithm
      case 2:  // Unsupported DS Digest Type
        return BogusReason::UnsupportedAlgorithm;
      case 6:  // DNSSEC Bogus: the text, if any, may say more.
        return error.text.empty() ? BogusReason::Other : classifyWhyBogus(error.text);
      case 7: return BogusReason::SignatureExpired;
      case 8: return BogusReason::SignatureNotYetValid;
      case 9: return BogusReason::NoDnskey;       // DNSKEY Missing
      case 10: return BogusReason::NoSignatures;  // RRSIGs Missing
      case 12: return BogusReason::DenialProof;   // NSEC Missing
      default: break;
    }
  }
  return BogusReason::None;
}

std::string_view servfailCause(const RawResult& result) {
  if (!result.cd_recheck.attempted || result.cd_recheck.status != ExchangeStatus::Answered ||
      result.cd_recheck.answer.tc) {
    return "unknown";
  }
  return result.servfailFromValidation() ? "validation" : "other";
}

bool rrsigMissing(const RawResult& result) {
  if (!result.answered()) {
    return false;
  }
  const dns::AnswerSummary& answer = result.final().answer;
  return answer.rcode == kNoError && answer.answer_count > 0 && answer.answer_rrsig_count == 0;
}

bool showsSignedZone(const RawResult& result) {
  if (!result.answered()) {
    return false;
  }
  const dns::AnswerSummary& answer = result.final().answer;
  return answer.answer_rrsig_count > 0 || answer.authority_rrsig_count > 0 ||
         answer.nsec_count > 0;
}

}  // namespace dw
