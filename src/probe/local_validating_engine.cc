// SPDX-License-Identifier: Apache-2.0
#include "probe/local_validating_engine.h"

#include <ctime>
#include <memory>

#include "dns/dnssec.h"
#include "probe/key_cache.h"
#include "probe/raw_engine.h"

namespace dw {
namespace {

// A signer chain deeper than this is not followed: each round fetches the keys of the
// signers that the previous round found.
constexpr int kMaxKeyRounds = 3;

BogusReason reasonFromFailure(const dns::Verification& verification) {
  switch (verification.failure) {
    case dns::VerifyFailure::None: return BogusReason::None;
    case dns::VerifyFailure::NoSignatures: return BogusReason::NoSignatures;
    case dns::VerifyFailure::SignatureExpired: return BogusReason::SignatureExpired;
    case dns::VerifyFailure::SignatureNotYetValid: return BogusReason::SignatureNotYetValid;
    case dns::VerifyFailure::SignatureInvalid:
    case dns::VerifyFailure::NoMatchingKey: return BogusReason::SignatureInvalid;
    case dns::VerifyFailure::DenialProof: return BogusReason::DenialProof;
    case dns::VerifyFailure::UnsupportedAlgorithm: return BogusReason::UnsupportedAlgorithm;
    case dns::VerifyFailure::KeysBogus: {
      BogusReason reason = classifyWhyBogus(verification.detail);
      return reason == BogusReason::None ? BogusReason::Other : reason;
    }
  }
  return BogusReason::Other;
}

// One probe in flight: the answer, and the rounds of key fetches it took.
struct LocalProbe {
  ProbeSpec question;
  std::string zone;
  LocalValidatingEngine::Callback done;
  KeyCache* keys = nullptr;
  RawResult raw;
  int rounds = 0;
};

void finishWith(const std::shared_ptr<LocalProbe>& probe, const dns::Verification& verification) {
  ValidationResult result;
  result.status = ExchangeStatus::Answered;
  result.rcode = verification.rcode;
  result.latency = probe->raw.final().latency;
  result.have_data = verification.rcode == 0;
  using Verdict = dns::Verification::Verdict;
  switch (verification.verdict) {
    case Verdict::Secure: result.state = ValidationState::Secure; break;
    case Verdict::Insecure: result.state = ValidationState::Insecure; break;
    case Verdict::Bogus:
      result.state = ValidationState::Bogus;
      result.reason = reasonFromFailure(verification);
      result.why_bogus = verification.detail;
      break;
    case Verdict::NeedKeys:
    case Verdict::Indeterminate:
      result.state = ValidationState::Indeterminate;
      result.error = verification.detail;
      break;
  }
  probe->done(std::move(result));
}

void verify(const std::shared_ptr<LocalProbe>& probe);

// Fetches every zone in `zones`, then verifies again.
void fetchKeys(const std::shared_ptr<LocalProbe>& probe, const std::vector<std::string>& zones) {
  auto remaining = std::make_shared<size_t>(zones.size());
  for (const std::string& zone : zones) {
    probe->keys->fetch(zone, [probe, remaining] {
      if (--*remaining == 0) {
        verify(probe);
      }
    });
  }
}

void verify(const std::shared_ptr<LocalProbe>& probe) {
  KeyCache* keys = probe->keys;
  const std::vector<uint8_t>& wire = probe->raw.final().wire;
  dns::Verification verification = dns::verifyAnswer(
      wire.data(), wire.size(), probe->question.qname, probe->question.qtype,
      [keys](const std::string& name) { return keys->lookup(name); }, std::time(nullptr));
  if (verification.verdict != dns::Verification::Verdict::NeedKeys) {
    finishWith(probe, verification);
    return;
  }
  if (++probe->rounds > kMaxKeyRounds) {
    verification.verdict = dns::Verification::Verdict::Indeterminate;
    const std::string& zone = verification.needed_zones.front();
    const std::string why = keys->failure(zone);
    verification.detail = "keys of " + zone + " unavailable" + (why.empty() ? "" : ": " + why);
    finishWith(probe, verification);
    return;
  }
  fetchKeys(probe, verification.needed_zones);
}

}  // namespace

void LocalValidatingEngine::probe(const ResolverSpec& resolver, const ProbeSpec& question,
                                  const std::string& zone, Callback done) {
  auto state = std::make_shared<LocalProbe>();
  state->question = question;
  state->zone = zone;
  state->done = std::move(done);
  state->keys = &keys_;
  RawEngine::ProbeOptions options;
  options.checking_disabled = true;
  options.keep_wire = true;
  raw_.probe(
      resolver, question,
      [state](RawResult raw) {
        state->raw = std::move(raw);
        const Exchange& final = state->raw.final();
        if (final.status == ExchangeStatus::Answered && final.answer.tc) {
          ValidationResult result;
          result.status = ExchangeStatus::Malformed;
          result.error = "truncated answer: TC set and no TCP answer";
          result.latency = final.latency;
          state->done(std::move(result));
          return;
        }
        if (final.status != ExchangeStatus::Answered) {
          ValidationResult result;
          result.status = final.status;
          result.error = final.error;
          result.latency = final.latency;
          state->done(std::move(result));
          return;
        }
        verify(state);
      },
      options);
}

}  // namespace dw
