// SPDX-License-Identifier: Apache-2.0
#include "probe/result.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace dw {

std::string_view engineName(Engine engine) {
  return engine == Engine::Raw ? "raw" : "validating";
}

std::string_view exchangeStatusName(ExchangeStatus status) {
  switch (status) {
    case ExchangeStatus::Answered: return "answered";
    case ExchangeStatus::Timeout: return "timeout";
    case ExchangeStatus::Malformed: return "malformed";
    case ExchangeStatus::Unreachable: return "unreachable";
    case ExchangeStatus::NetworkError: return "network_error";
  }
  return "unknown";
}

const Exchange& RawResult::final() const {
  if (tcp.attempted && tcp.status == ExchangeStatus::Answered) {
    return tcp;
  }
  return udp;
}

bool RawResult::servfailFromValidation() const {
  return cd_recheck.attempted && cd_recheck.status == ExchangeStatus::Answered &&
         cd_recheck.answer.rcode != 2;
}

std::string_view rawResultLabel(const RawResult& result) {
  const Exchange& exchange = result.final();
  if (exchange.status != ExchangeStatus::Answered) {
    return exchangeStatusName(exchange.status);
  }
  switch (exchange.answer.rcode) {
    case 0: return "noerror";
    case 2: return "servfail";
    case 3: return "nxdomain";
    case 5: return "refused";
    default: return "other_rcode";
  }
}

std::string_view validationStateName(ValidationState state) {
  switch (state) {
    case ValidationState::Secure: return "secure";
    case ValidationState::Insecure: return "insecure";
    case ValidationState::Bogus: return "bogus";
    case ValidationState::Indeterminate: return "indeterminate";
  }
  return "indeterminate";
}

std::string_view bogusReasonName(BogusReason reason) {
  switch (reason) {
    case BogusReason::None: return "none";
    case BogusReason::SignatureExpired: return "signature_expired";
    case BogusReason::SignatureNotYetValid: return "signature_not_yet_valid";
    case BogusReason::DsMismatch: return "ds_mismatch";
    case BogusReason::NoSignatures: return "no_signatures";
    case BogusReason::SignatureInvalid: return "signature_invalid";
    case BogusReason::NoDnskey: return "no_dnskey";
    case BogusReason::DenialProof: return "denial_proof";
    case BogusReason::UnsupportedAlgorithm: return "unsupported_algorithm";
    case BogusReason::ResolutionFailure: return "resolution_failure";
    case BogusReason::Other: return "other";
  }
  return "other";
}

BogusReason classifyWhyBogus(std::string_view why_bogus) {
  if (why_bogus.empty()) {
    return BogusReason::None;
  }
  std::string text(why_bogus);
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Phrases from unbound 1.17's validator (val_sigcrypt.c, val_nsec*.c, validator.c), most
  // specific first: a DS mismatch message may also mention signatures.
  static const std::array<std::pair<std::string_view, BogusReason>, 20> kPhrases{{
      {"signature expired", BogusReason::SignatureExpired},
      {"signature before inception", BogusReason::SignatureNotYetValid},
      {"no dnskey matches", BogusReason::DsMismatch},
      {"no keys have a ds", BogusReason::DsMismatch},
      {"ds hash mismatches", BogusReason::DsMismatch},
      {"no dnssec records", BogusReason::NoSignatures},
      {"no signatures", BogusReason::NoSignatures},
      {"rrsig missing", BogusReason::NoSignatures},
      {"unsupported algorithm", BogusReason::UnsupportedAlgorithm},
      {"algorithm", BogusReason::UnsupportedAlgorithm},
      {"signature crypto failed", BogusReason::SignatureInvalid},
      {"signature", BogusReason::SignatureInvalid},
      {"nsec", BogusReason::DenialProof},
      {"proof", BogusReason::DenialProof},
      {"wildcard", BogusReason::DenialProof},
      {"dnskey", BogusReason::NoDnskey},
      {"no ds", BogusReason::DsMismatch},
      {"could not fetch", BogusReason::ResolutionFailure},
      {"timeout", BogusReason::ResolutionFailure},
      {"no server to query", BogusReason::ResolutionFailure},
  }};
  for (const auto& [phrase, reason] : kPhrases) {
    if (text.find(phrase) != std::string::npos) {
      return reason;
    }
  }
  return BogusReason::Other;
}

std::string_view validationResultLabel(const ValidationResult& result) {
  if (result.status != ExchangeStatus::Answered) {
    return exchangeStatusName(result.status);
  }
  return validationStateName(result.state);
}

}  // namespace dw
