// SPDX-License-Identifier: Apache-2.0
// Results of one probe from each engine. Transport and probe errors are kept apart from
// DNSSEC verdicts: a timeout is not "bogus", and a SERVFAIL is not "insecure".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dns/message.h"

namespace dw {

// How a target is probed: raw queries, validating queries, rounds of path checks, or rounds
// of chain checks at the zone's authoritative and parent servers.
enum class Engine { Raw, Validating, Path, Chain };
inline constexpr size_t kEngineCount = 4;
std::string_view engineName(Engine engine);

// Outcome of one DNS exchange, before its content is judged.
enum class ExchangeStatus {
  Answered,      // A message came back and ldns parsed it.
  Timeout,       // Nothing came back before the deadline.
  Malformed,     // Something came back that is not a parseable answer to our question.
  Unreachable,   // Connection refused: an ICMP port unreachable, or a TCP reset on connect.
  NetworkError,  // Any other socket or library failure.
};
std::string_view exchangeStatusName(ExchangeStatus status);

// One query and its answer over one transport.
struct Exchange {
  bool attempted = false;
  ExchangeStatus status = ExchangeStatus::Timeout;
  std::string error;  // Why, for Malformed and NetworkError.
  dns::AnswerSummary answer;
  std::chrono::microseconds latency{0};
  std::vector<uint8_t> wire;  // The answer's bytes, kept only on request.
  // The resolver answered the query with OPT by FORMERR without OPT, and c-ares asked again
  // without EDNS: `answer` is the answer to that second query.
  bool edns_formerr = false;
};

// Result of a raw probe: the query with DO set and CD clear, straight to one resolver.
struct RawResult {
  Exchange udp;
  Exchange tcp;  // Attempted only when the UDP answer had TC set (RFC 7766).
  // A SERVFAIL is asked again with CD=1 (RFC 4035 3.2.2): an answer then means the
  // resolver's own validation caused the SERVFAIL.
  Exchange cd_recheck;

  // The exchange whose answer counts: TCP when the UDP answer was truncated, else UDP. A
  // failed TCP fallback is the probe's result, because clients cannot get the answer either.
  const Exchange& final() const;
  bool answered() const { return final().status == ExchangeStatus::Answered; }
  bool servfailFromValidation() const;
};

// Outcome label of a raw probe: "noerror", "nxdomain", "servfail", "refused",
// "other_rcode", "timeout", "malformed", "unreachable" or "network_error".
std::string_view rawResultLabel(const RawResult& result);

// DNSSEC security status, ordered from best to worst as in RFC 4033 5.
enum class ValidationState { Secure, Insecure, Bogus, Indeterminate };
std::string_view validationStateName(ValidationState state);

// Reason class of a bogus answer, reduced from libunbound's why_bogus text to a small fixed
// set so that it can be a metric label.
enum class BogusReason {
  None,
  SignatureExpired,
  SignatureNotYetValid,
  DsMismatch,            // No DNSKEY matches the DS in the parent.
  NoSignatures,          // RRSIGs missing where the chain of trust requires them.
  SignatureInvalid,      // The RRSIG does not verify.
  NoDnskey,              // The DNSKEY RRset could not be fetched or is missing.
  DenialProof,           // NSEC or NSEC3 proof missing or wrong.
  UnsupportedAlgorithm,
  ResolutionFailure,     // The chain could not be fetched at all.
  Other,
};
std::string_view bogusReasonName(BogusReason reason);
BogusReason classifyWhyBogus(std::string_view why_bogus);

// Result of a validating probe: libunbound forwarding to one resolver, validating locally.
struct ValidationResult {
  ExchangeStatus status = ExchangeStatus::Timeout;
  std::string error;  // libunbound's error text when status is NetworkError.
  ValidationState state = ValidationState::Indeterminate;
  BogusReason reason = BogusReason::None;
  std::string why_bogus;
  int rcode = 0;
  bool have_data = false;
  std::chrono::microseconds latency{0};
};

// Outcome label of a validating probe: the state name, or the exchange status ("timeout",
// "unreachable", "malformed", "network_error") when no answer came.
std::string_view validationResultLabel(const ValidationResult& result);

}  // namespace dw
