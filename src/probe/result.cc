// SPDX-License-Identifier: Apache-2.0
#include "probe/result.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace dw {

std::string_view engineName(Engine engine) {
  switch (engine) {
    case Engine::Raw: return "raw";
    case Engine::Validating: return "validating";
    case Engine::Path: return "path";
    case Engine::Chain: return "chain";
  }
  return "raw";
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

const Exchange& RawResult::final() const { return tcp.attempted ? tcp : udp; }

bool RawResult::servfailFromValidation() const {
  // A truncated retry contains no data, so it proves nothing.
  return cd_recheck.attempted && cd_recheck.status == ExchangeStatus::Answered &&
         !cd_recheck.answer.tc && cd_recheck.answer.rcode != 2;
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

namespace {

// Lower-cases the text and drops the parts that name things rather than state what failed:
// "<qname qtype class>" tuples, domain names and addresses (any word with "." or ":"), so
// that a zone called nsec3.lab. or algorithm-rollover.lab. does not decide the class.
std::string reasonWords(std::string_view why_bogus) {
  std::string words;
  std::string word;
  int tuple_depth = 0;
  auto flush = [&] {
    if (!word.empty() && word.find_first_of(".:") == std::string::npos) {
      words += (words.empty() ? "" : " ") + word;
    }
    word.clear();
  };
  for (char c : why_bogus) {
    if (c == '<') {
      ++tuple_depth;
    } else if (c == '>') {
      tuple_depth = std::max(0, tuple_depth - 1);
    } else if (tuple_depth > 0) {
      continue;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  flush();
  return words;
}

}  // namespace

BogusReason classifyWhyBogus(std::string_view why_bogus) {
  if (why_bogus.empty()) {
    return BogusReason::None;
  }
  const std::string text = reasonWords(why_bogus);
  // Phrases from unbound 1.17's validator (val_sigcrypt.c, val_nsec*.c, validator.c), most
  // specific first: "no dnskey matches" is about the DS, "servfail no ds" about fetching.
  static const std::array<std::pair<std::string_view, BogusReason>, 25> kPhrases{{
      {"signature expired", BogusReason::SignatureExpired},
      {"signature before inception", BogusReason::SignatureNotYetValid},
      {"no dnskey matches", BogusReason::DsMismatch},
      {"no keys have a ds", BogusReason::DsMismatch},
      {"ds hash mismatches", BogusReason::DsMismatch},
      {"signatures from unknown keys", BogusReason::NoDnskey},
      {"no dnssec records", BogusReason::NoSignatures},
      {"no signatures", BogusReason::NoSignatures},
      {"signature missing", BogusReason::NoSignatures},
      {"rrsig missing", BogusReason::NoSignatures},
      {"unsupported algorithm", BogusReason::UnsupportedAlgorithm},
      {"algorithm not supported", BogusReason::UnsupportedAlgorithm},
      {"signature crypto failed", BogusReason::SignatureInvalid},
      {"servfail", BogusReason::ResolutionFailure},
      {"could not fetch", BogusReason::ResolutionFailure},
      {"no server to query", BogusReason::ResolutionFailure},
      {"timeout", BogusReason::ResolutionFailure},
      {"signature", BogusReason::SignatureInvalid},
      {"nsec", BogusReason::DenialProof},
      {"proof", BogusReason::DenialProof},
      {"wildcard", BogusReason::DenialProof},
      {"dnskey", BogusReason::NoDnskey},
      {"no ds", BogusReason::DsMismatch},
      {"algorithm", BogusReason::UnsupportedAlgorithm},
      {"failed to prime", BogusReason::ResolutionFailure},
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
