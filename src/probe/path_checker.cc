// SPDX-License-Identifier: Apache-2.0
#include "probe/path_checker.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <utility>

#include "dns/codes.h"
#include "dns/dnssec.h"
#include "dns/message.h"
#include "probe/key_cache.h"
#include "probe/raw_engine.h"

namespace dw {
namespace {

using Clock = std::chrono::steady_clock;

using dns::kRcodeNoError;
using dns::kRcodeServfail;
using dns::kRcodeNxdomain;
using dns::kRcodeRefused;
using dns::kTypeA;
using dns::kTypeDnskey;

// Outcome of one canary query in the reply-size search.
enum class CanaryArrival { Arrived, Truncated, Lost };

bool answered(const Exchange& exchange) {
  return exchange.attempted && exchange.status == ExchangeStatus::Answered;
}

bool isNegative(const dns::AnswerSummary& answer) {
  return answer.rcode == kRcodeNxdomain ||
         (answer.rcode == kRcodeNoError && answer.answer_count == 0);
}

std::string negativeOutcome(const RawResult& raw) {
  const Exchange& final = raw.final();
  if (final.status != ExchangeStatus::Answered) {
    return std::string(exchangeStatusName(final.status));
  }
  switch (final.answer.rcode) {
    case kRcodeNoError: return final.answer.answer_count == 0 ? "nodata" : "answer";
    case kRcodeServfail: return "servfail";
    case kRcodeNxdomain: return "nxdomain";
    case kRcodeRefused: return "refused";
    default: return "other_rcode";
  }
}

SweepOutcome classifyStep(const SweepStep& step, uint16_t smallest_arrived) {
  const Exchange& udp = step.raw.udp;
  if (udp.status == ExchangeStatus::Timeout) {
    return smallest_arrived < step.edns_size ? SweepOutcome::Lost : SweepOutcome::Timeout;
  }
  if (udp.status != ExchangeStatus::Answered || udp.answer.rcode != kRcodeNoError) {
    return SweepOutcome::Failed;
  }
  return udp.answer.tc ? SweepOutcome::Truncated : SweepOutcome::Complete;
}

}  // namespace

// Bounds of the previous reply-size search of one zone through one resolver, as indexes into
// the zone's canaries: `arrived` arrived complete over UDP, `failed` did not.
struct PathChecker::SearchMemory {
  std::vector<size_t> sizes;  // Answer size of each canary through this resolver; 0: unknown.
  int arrived = -1;
  int failed = -1;
  bool known = false;
};

struct PathChecker::Round {
  ResolverSpec resolver;
  const ZoneSpec* zone = nullptr;
  SearchMemory* memory = nullptr;
  Callback done;
  PathResult result;
  Clock::time_point started;
  int pending = 0;
  bool sweep_sent = false;  // The steps with EDNS have been sent.

  // Evidence of stripping, judged at the end of the round, once the zone's signing is known.
  int answers_with_data = 0;
  int answers_without_rrsig = 0;
  int answers_without_opt = 0;

  // Reply-size search state: canary `lo` arrived and canary `hi` did not, this round.
  int lo = -1;
  int hi = 0;
  std::vector<int> to_confirm;  // Previous bounds, asked again before any bisection.
  std::vector<CanaryArrival> arrivals;

  // Adds an exchange to the round's costs and stripping evidence. `with_edns` is false for
  // queries sent without OPT, whose answers carry neither OPT nor RRSIGs by design.
  void note(const Exchange& exchange, bool with_edns) {
    if (!exchange.attempted) {
      return;
    }
    ++result.queries;
    if (exchange.status != ExchangeStatus::Answered) {
      return;
    }
    const dns::AnswerSummary& answer = exchange.answer;
    result.answer_bytes += answer.size_bytes;
    if (!with_edns) {
      return;
    }
    // A truncated answer is judged by its TCP retry: devices that truncate at 512 octets
    // often drop the OPT record of the short answer too, and that is truncation.
    if (answer.tc) {
      return;
    }
    if (!answer.has_opt && !exchange.edns_formerr) {
      ++answers_without_opt;
    }
    if (answer.rcode != kRcodeNoError) {
      return;
    }
    if (answer.answer_count > 0) {
      ++answers_with_data;
      answers_without_rrsig += answer.answer_rrsig_count == 0 ? 1 : 0;
    }
  }

  void note(const RawResult& raw, bool with_edns) {
    note(raw.udp, with_edns);
    note(raw.tcp, with_edns);
    note(raw.cd_recheck, with_edns);
  }
};

std::string_view sweepOutcomeName(SweepOutcome outcome) {
  switch (outcome) {
    case SweepOutcome::Complete: return "complete";
    case SweepOutcome::Truncated: return "truncated";
    case SweepOutcome::Lost: return "lost";
    case SweepOutcome::Timeout: return "timeout";
    case SweepOutcome::Failed: return "failed";
  }
  return "failed";
}

std::string ednsSizeLabel(uint16_t edns_size) {
  return edns_size == 0 ? "none" : std::to_string(edns_size);
}

std::string_view strippedRecordName(StrippedRecord record) {
  switch (record) {
    case StrippedRecord::Rrsig: return "rrsig";
    case StrippedRecord::Nsec: return "nsec";
    case StrippedRecord::Dnskey: return "dnskey";
    case StrippedRecord::Opt: return "opt";
  }
  return "opt";
}

std::string_view negativeProofName(NegativeProof proof) {
  switch (proof) {
    case NegativeProof::Valid: return "valid";
    case NegativeProof::Missing: return "missing";
    case NegativeProof::Invalid: return "invalid";
    case NegativeProof::Insecure: return "insecure";
    case NegativeProof::Unchecked: return "unchecked";
  }
  return "unchecked";
}

PathChecker::PathChecker(RawEngine& raw, KeyCache& keys, Settings settings)
    : raw_(raw), keys_(keys), settings_(std::move(settings)), random_(std::random_device{}()) {}

PathChecker::~PathChecker() = default;

void PathChecker::check(size_t search_key, const ResolverSpec& resolver, const ZoneSpec& zone,
                        Callback done) {
  auto round = std::make_shared<Round>();
  round->resolver = resolver;
  round->zone = &zone;
  round->done = std::move(done);
  round->started = Clock::now();
  auto& memory = searches_[search_key];
  if (!memory || memory->sizes.size() != zone.size_canaries.size()) {
    memory = std::make_unique<SearchMemory>();
    memory->sizes.assign(zone.size_canaries.size(), 0);
  }
  round->memory = memory.get();

  round->result.sweep.resize(settings_.edns_sizes.size() + 1);
  for (size_t i = 1; i < round->result.sweep.size(); ++i) {
    round->result.sweep[i].edns_size = settings_.edns_sizes[i - 1];
  }
  // Set before anything starts, because the key cache and the engine may call back at once.
  round->pending = 2;
  keys_.fetch(zone.name, [this, round] { joinSweep(round); });
  sendSweepStep(round, 0);
}

void PathChecker::sendSweepStep(const RoundPtr& round, size_t step) {
  RawProbeOptions options;
  options.edns_buffer_size = round->result.sweep[step].edns_size;
  options.recheck_servfail = false;
  raw_.probe(
      round->resolver, round->zone->sweepQuestion(),
      [this, round, step](RawResult raw) {
        round->result.sweep[step].raw = std::move(raw);
        joinSweep(round);
      },
      options);
}

void PathChecker::joinSweep(const RoundPtr& round) {
  if (--round->pending > 0) {
    return;
  }
  // The query without EDNS goes first and alone. Unbound 1.17 answers identical questions
  // that arrive while it resolves with one shared reply, whatever EDNS size each client
  // advertised, so the sizes are only compared once the answer is in the resolver's cache.
  if (!round->sweep_sent) {
    round->sweep_sent = true;
    round->pending = static_cast<int>(round->result.sweep.size()) - 1;
    for (size_t step = 1; step < round->result.sweep.size(); ++step) {
      sendSweepStep(round, step);
    }
    return;
  }
  PathResult& result = round->result;
  // The smallest EDNS size whose answer arrived: larger answers that then time out were lost
  // on the path, not to a dead resolver.
  uint16_t smallest_arrived = UINT16_MAX;
  for (const SweepStep& step : result.sweep) {
    if (step.raw.udp.status == ExchangeStatus::Answered) {
      smallest_arrived = std::min(smallest_arrived, step.edns_size);
    }
    // A malformed answer still arrived: the resolver is there, and its round is judged.
    for (const Exchange* exchange : {&step.raw.udp, &step.raw.tcp}) {
      result.reachable = result.reachable || exchange->status == ExchangeStatus::Answered ||
                         exchange->status == ExchangeStatus::Malformed;
    }
    round->note(step.raw, step.edns_size != 0);
  }
  for (SweepStep& step : result.sweep) {
    step.outcome = classifyStep(step, smallest_arrived);
  }
  if (!result.reachable) {
    finish(round);
    return;
  }
  startChecks(round);
}

void PathChecker::startChecks(const RoundPtr& round) {
  const bool search = !round->zone->size_canaries.empty();
  round->pending = search ? 3 : 2;
  if (search) {
    startSearch(round);
  }
  probeDnskey(round);
  probeNegative(round);
}

void PathChecker::joinChecks(const RoundPtr& round) {
  if (--round->pending > 0) {
    return;
  }
  finish(round);
}

// --- reply-size search -----------------------------------------------------------------

void PathChecker::startSearch(const RoundPtr& round) {
  const int count = static_cast<int>(round->zone->size_canaries.size());
  round->result.size.ran = true;
  round->lo = -1;
  round->hi = count;
  round->arrivals.assign(static_cast<size_t>(count), CanaryArrival::Lost);
  const SearchMemory& memory = *round->memory;
  if (memory.known) {
    if (memory.arrived >= 0) {
      round->to_confirm.push_back(memory.arrived);
    }
    if (memory.failed < count) {
      round->to_confirm.push_back(memory.failed);
    }
  }
  searchNext(round);
}

void PathChecker::searchNext(const RoundPtr& round) {
  int index = -1;
  while (!round->to_confirm.empty() && index < 0) {
    const int candidate = round->to_confirm.front();
    round->to_confirm.erase(round->to_confirm.begin());
    if (candidate > round->lo && candidate < round->hi) {
      index = candidate;
    }
  }
  if (index < 0 && round->hi - round->lo > 1) {
    index = round->lo + (round->hi - round->lo) / 2;
  }
  if (index < 0) {
    endSearch(round, "");
    return;
  }
  ++round->result.size.queries;
  RawProbeOptions options;
  options.edns_buffer_size = settings_.edns_sizes.back();
  options.recheck_servfail = false;
  raw_.probe(
      round->resolver, round->zone->size_canaries[static_cast<size_t>(index)],
      [this, round, index](RawResult raw) { onSearchAnswer(round, index, std::move(raw)); },
      options);
}

void PathChecker::onSearchAnswer(const RoundPtr& round, int index, RawResult raw) {
  round->note(raw, true);
  const ProbeSpec& canary = round->zone->size_canaries[static_cast<size_t>(index)];
  const Exchange& udp = raw.udp;
  size_t& size = round->memory->sizes[static_cast<size_t>(index)];
  if (udp.status == ExchangeStatus::Answered && udp.answer.rcode != kRcodeNoError) {
    endSearch(round, "size canary " + canary.qname + " answered " +
                         dns::rcodeName(udp.answer.rcode));
    return;
  }
  if (udp.status != ExchangeStatus::Answered && udp.status != ExchangeStatus::Timeout) {
    endSearch(round, "size canary " + canary.qname + ": " + udp.error);
    return;
  }
  const auto slot = static_cast<size_t>(index);
  if (udp.status == ExchangeStatus::Answered && !udp.answer.tc) {
    size = udp.answer.size_bytes;
    round->arrivals[slot] = CanaryArrival::Arrived;
    round->lo = index;
    round->hi = round->hi <= index ? static_cast<int>(round->arrivals.size()) : round->hi;
    searchNext(round);
    return;
  }
  round->arrivals[slot] =
      udp.status == ExchangeStatus::Timeout ? CanaryArrival::Lost : CanaryArrival::Truncated;
  round->hi = index;
  round->lo = round->lo >= index ? -1 : round->lo;
  if (answered(raw.tcp) && raw.tcp.answer.rcode == kRcodeNoError) {
    size = raw.tcp.answer.size_bytes;
  }
  searchNext(round);
}

// Asks the lost canary that bounds the search over TCP once, so that the size that did not
// arrive is known. Canaries lost on the way to that bound are not measured.
void PathChecker::measureLostCanary(const RoundPtr& round, int index) {
  RawProbeOptions options;
  options.edns_buffer_size = settings_.edns_sizes.back();
  options.tcp_only = true;
  options.recheck_servfail = false;
  ++round->result.size.queries;
  raw_.probe(
      round->resolver, round->zone->size_canaries[static_cast<size_t>(index)],
      [this, round, index](RawResult raw) {
        round->note(raw, true);
        // SIZE_MAX marks a failed measurement, so that endSearch does not ask again.
        size_t& size = round->memory->sizes[static_cast<size_t>(index)];
        size = answered(raw.tcp) && raw.tcp.answer.rcode == kRcodeNoError
                   ? raw.tcp.answer.size_bytes
                   : SIZE_MAX;
        endSearch(round, "");
      },
      options);
}

void PathChecker::endSearch(const RoundPtr& round, std::string error) {
  SizeSearch& size = round->result.size;
  SearchMemory& memory = *round->memory;
  const int count = static_cast<int>(memory.sizes.size());
  size.error = std::move(error);
  if (size.error.empty() && round->hi < count) {
    const auto failing = static_cast<size_t>(round->hi);
    if (memory.sizes[failing] == 0 && round->arrivals[failing] == CanaryArrival::Lost) {
      measureLostCanary(round, round->hi);
      return;
    }
    if (memory.sizes[failing] == SIZE_MAX) {
      memory.sizes[failing] = 0;  // Unknown: the TCP query failed too.
    }
  }
  if (size.error.empty()) {
    size.limit_bytes = round->lo >= 0 ? memory.sizes[static_cast<size_t>(round->lo)] : 0;
    size.all_arrived = round->lo == count - 1;
    if (round->hi < count) {
      const auto failing = static_cast<size_t>(round->hi);
      size.failing_bytes = memory.sizes[failing];
      size.failing_lost = round->arrivals[failing] == CanaryArrival::Lost;
    }
    memory.arrived = round->lo;
    memory.failed = round->hi;
    memory.known = true;
  } else {
    memory.known = false;
  }
  joinChecks(round);
}

// --- DNSKEY and negative answers ----------------------------------------------------------

void PathChecker::probeDnskey(const RoundPtr& round) {
  RawProbeOptions options;
  options.recheck_servfail = false;
  raw_.probe(
      round->resolver, ProbeSpec{round->zone->name, kTypeDnskey, "DNSKEY"},
      [this, round](RawResult raw) {
        round->note(raw, true);
        round->result.dnskey = std::move(raw);
        joinChecks(round);
      },
      options);
}

void PathChecker::probeNegative(const RoundPtr& round) {
  char label[24];
  std::snprintf(label, sizeof label, "dw-nx-%016llx",
                static_cast<unsigned long long>(random_()));
  NegativeCheck& negative = round->result.negative;
  negative.question = ProbeSpec{std::string(label) + "." + round->zone->name, kTypeA, "A"};
  RawProbeOptions options;
  options.keep_wire = true;  // For the proof check; a SERVFAIL is asked again with CD=1.
  raw_.probe(
      round->resolver, negative.question,
      [this, round](RawResult raw) {
        round->note(raw, true);
        round->result.negative.raw = std::move(raw);
        judgeNegative(*round);
        joinChecks(round);
      },
      options);
}

void PathChecker::judgeNegative(Round& round) {
  NegativeCheck& negative = round.result.negative;
  negative.outcome = negativeOutcome(negative.raw);
  const Exchange& final = negative.raw.final();
  negative.ad = final.status == ExchangeStatus::Answered && final.answer.ad;
  // A SERVFAIL hides the answer, so the proof is judged from the CD=1 recheck.
  const Exchange& judged = final.status == ExchangeStatus::Answered &&
                                   final.answer.rcode == kRcodeServfail &&
                                   answered(negative.raw.cd_recheck)
                               ? negative.raw.cd_recheck
                               : final;
  if (judged.status != ExchangeStatus::Answered || judged.wire.empty()) {
    negative.detail = "no answer to judge";
    return;
  }
  const std::string& zone = round.zone->name;
  const dns::ZoneKeys* keys = keys_.lookup(zone);
  if (keys == nullptr) {
    negative.detail = "keys of " + zone + " unknown: " + keys_.failure(zone);
    return;
  }
  // The proof is judged against the keys the zone serves, also before its DS is published or
  // when the DS is wrong. Validators then ignore the proof, but caches already hold it, and it
  // becomes the answer as soon as the chain of trust holds. The random name lies directly
  // below the zone, so it is in the zone's own namespace.
  const bool judgeable = keys->state == dns::ZoneKeys::State::Secure || keys->published;
  if (keys->state == dns::ZoneKeys::State::Insecure && !keys->published) {
    negative.proof = NegativeProof::Insecure;  // An unsigned zone has nothing to prove.
    return;
  }
  if (!judgeable) {
    negative.detail = "keys of " + zone + " are bogus: " + keys->why;
    return;  // Without keys of its own to check against, the proof stays unchecked.
  }
  const dns::ZoneKeys apex{dns::ZoneKeys::State::Secure, keys->published, "", keys->published};
  const dns::ZoneKeys below{dns::ZoneKeys::State::Secure, nullptr, "", nullptr};
  dns::KeyLookup lookup = [&](const std::string& name) -> const dns::ZoneKeys* {
    if (!judgeable || !dns::isSubdomain(name, zone)) {
      return keys_.lookup(name);
    }
    return name == zone ? &apex : &below;
  };
  const dns::Verification verification =
      dns::verifyAnswer(judged.wire.data(), judged.wire.size(), negative.question.qname,
                        negative.question.qtype, lookup, std::time(nullptr));
  using Verdict = dns::Verification::Verdict;
  switch (verification.verdict) {
    case Verdict::Secure: negative.proof = NegativeProof::Valid; return;
    case Verdict::Insecure: negative.proof = NegativeProof::Insecure; return;
    case Verdict::Bogus:
      negative.proof = isNegative(judged.answer) && judged.answer.nsec_count == 0
                           ? NegativeProof::Missing
                           : NegativeProof::Invalid;
      negative.detail = verification.detail;
      return;
    case Verdict::NeedKeys:
    case Verdict::Indeterminate:
      negative.detail = verification.detail.empty() ? "keys of another zone needed"
                                                    : verification.detail;
      return;
  }
}

// --- end of the round ---------------------------------------------------------------------

void PathChecker::finish(const RoundPtr& round) {
  PathResult& result = round->result;
  const dns::ZoneKeys* keys = keys_.lookup(round->zone->name);
  result.signing_known = keys != nullptr;
  result.zone_signed = keys != nullptr && keys->published != nullptr;
  auto mark = [&result](StrippedRecord record) {
    result.stripped[static_cast<size_t>(record)] = true;
  };
  if (round->answers_without_opt > 0) {
    mark(StrippedRecord::Opt);
  }
  if (result.zone_signed) {
    if (round->answers_without_rrsig > 0) {
      mark(StrippedRecord::Rrsig);
    }
    const Exchange& dnskey = result.dnskey.final();
    if (answered(dnskey) && dnskey.answer.rcode == kRcodeNoError &&
        !dnskey.answer.answer_has_qtype) {
      mark(StrippedRecord::Dnskey);
    }
    const Exchange& negative = result.negative.raw.final();
    if (answered(negative) && isNegative(negative.answer)) {
      if (negative.answer.nsec_count == 0) {
        mark(StrippedRecord::Nsec);
      } else if (negative.answer.authority_rrsig_count == 0) {
        mark(StrippedRecord::Rrsig);
      }
    }
  }
  result.duration =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - round->started);
  Callback done = std::move(round->done);
  done(std::move(result));
}

}  // namespace dw
