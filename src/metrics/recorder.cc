// SPDX-License-Identifier: Apache-2.0
#include "metrics/recorder.h"

#include <ctime>

#include <chrono>

#include <spdlog/spdlog.h>

#include "log.h"
#include "metrics/labelled_counters.h"

namespace dw {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Labels;

// Error lines per resolver and kind: the first one, then at most one a minute.
constexpr auto kErrorLogPeriod = std::chrono::minutes(1);

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Recorder::TargetHandles {
  LabelledCounters result, bogus, servfail, validation_failures, tcp_fallback, extended_errors;
  Counter* ad = nullptr;
  Counter* truncated = nullptr;
  Counter* rrsig_missing = nullptr;
  Counter* opt_missing = nullptr;
  Counter* edns_formerr = nullptr;
  Gauge* size_udp = nullptr;
  Gauge* size_tcp = nullptr;
  std::array<Gauge*, 4> validation_state{};  // By ValidationState.
  std::array<Gauge*, 3> zone_state{};        // By ZoneHealth.
  prometheus::Histogram* duration = nullptr;
  Gauge* last_time = nullptr;
  std::string health_key;
};

struct Recorder::ResolverHandles {
  Gauge* edns_udp_size = nullptr;
  Gauge* validating = nullptr;
};

Recorder::Recorder(prometheus::Registry& registry, const std::string& vantage)
    : metrics_(registry, vantage), path_(registry, vantage),
      chain_(registry, vantage),
      log_(logger("probe")) {
  for (Engine engine : {Engine::Raw, Engine::Validating, Engine::Path, Engine::Chain}) {
    const Labels labels{{"engine", std::string(engineName(engine))}};
    const auto index = static_cast<size_t>(engine);
    in_flight_[index] = &metrics_.probes_in_flight.Add(labels);
    late_[index] = &metrics_.probes_late.Add(labels);
    skipped_[index] = &metrics_.probes_skipped.Add(labels);
  }
}

Recorder::~Recorder() = default;

void Recorder::prepare(const Config& config, const std::vector<ProbeTarget>& targets) {
  rollout_->configure(config);
  resolvers_.clear();
  for (const ResolverSpec& resolver : config.resolvers) {
    auto handles = std::make_unique<ResolverHandles>();
    const Labels labels{{"resolver", resolver.name}};
    handles->edns_udp_size = &metrics_.edns_udp_size.Add(labels);
    handles->validating = &metrics_.resolver_validating.Add(labels);
    if (auto known = validating_.current(resolver.name)) {
      handles->validating->Set(*known ? 1 : 0);
    } else {
      handles->validating->Set(-1);
    }
    resolvers_.push_back(std::move(handles));
  }
  for (const ZoneSpec& zone : config.zones) {
    zone_signed_.try_emplace(zone.name, std::make_unique<std::atomic<bool>>(false));
  }
  std::array<size_t, kEngineCount> counts{};
  targets_.clear();
  for (const ProbeTarget& target : targets) {
    targets_.push_back(std::make_unique<TargetHandles>());
    TargetHandles& handles = *targets_.back();
    const std::string& resolver = target.resolver->name;
    const std::string engine(engineName(target.engine));
    ++counts[static_cast<size_t>(target.engine)];
    handles.duration = &metrics_.probe_duration.Add(
        {{"resolver", resolver}, {"engine", engine}}, probeDurationBuckets());
    handles.last_time = &metrics_.last_probe_time.Add({{"resolver", resolver}, {"engine", engine}});
    if (target.engine == Engine::Path || target.engine == Engine::Chain) {
      continue;  // PathRecorder and ChainRecorder keep the rest.
    }
    if (target.canary) {
      handles.result.init(metrics_.canary_probes, {{"resolver", resolver}}, "result");
      continue;
    }
    const Labels zone_labels{{"resolver", resolver}, {"zone", target.zone}};
    Labels probe_labels = zone_labels;
    probe_labels.emplace("qname", target.question.qname);
    probe_labels.emplace("qtype", target.question.qtype_name);
    handles.health_key = resolver + "|" + target.zone + "|" + engine;
    for (ZoneHealth health : {ZoneHealth::Ok, ZoneHealth::Failing, ZoneHealth::Bogus}) {
      Labels labels = withLabel(zone_labels, "engine", engine);
      handles.zone_state[static_cast<size_t>(health)] =
          &metrics_.zone_state.Add(withLabel(labels, "state", zoneHealthName(health)));
    }
    if (target.engine == Engine::Validating) {
      handles.result.init(metrics_.validation_probes, probe_labels, "state");
      handles.bogus.init(metrics_.bogus, zone_labels, "reason");
      for (auto state : {ValidationState::Secure, ValidationState::Insecure,
                         ValidationState::Bogus, ValidationState::Indeterminate}) {
        handles.validation_state[static_cast<size_t>(state)] = &metrics_.validation_state.Add(
            withLabel(probe_labels, "state", validationStateName(state)));
      }
      continue;
    }
    handles.result.init(metrics_.raw_probes, probe_labels, "result");
    handles.servfail.init(metrics_.servfail, zone_labels, "cause");
    handles.validation_failures.init(metrics_.validation_failures, zone_labels, "reason");
    handles.tcp_fallback.init(metrics_.tcp_fallback, zone_labels, "outcome");
    handles.extended_errors.init(metrics_.extended_errors, zone_labels, "code");
    handles.ad = &metrics_.ad_answers.Add(zone_labels);
    handles.truncated = &metrics_.truncated.Add(zone_labels);
    handles.rrsig_missing = &metrics_.rrsig_missing.Add(zone_labels);
    handles.opt_missing = &metrics_.opt_missing.Add(zone_labels);
    handles.edns_formerr = &metrics_.edns_formerr.Add(zone_labels);
    handles.size_udp = &metrics_.answer_size.Add(withLabel(probe_labels, "transport", "udp"));
    handles.size_tcp = &metrics_.answer_size.Add(withLabel(probe_labels, "transport", "tcp"));
  }
  for (Engine engine : {Engine::Raw, Engine::Validating, Engine::Path, Engine::Chain}) {
    metrics_.targets.Add({{"engine", std::string(engineName(engine))}})
        .Set(static_cast<double>(counts[static_cast<size_t>(engine)]));
  }
  path_.prepare(config, targets);
  chain_.prepare(targets);
}

void Recorder::onProbeStarted(const ProbeTarget& target, std::chrono::milliseconds lateness) {
  const auto index = static_cast<size_t>(target.engine);
  in_flight_[index]->Increment();
  if (lateness.count() > 0) {
    late_[index]->Increment();
    log_->debug("probe started late resolver={} qname={} late_ms={}", target.resolver->name,
                target.question.qname, lateness.count());
  }
}

void Recorder::onProbeSkipped(const ProbeTarget& target) {
  skipped_[static_cast<size_t>(target.engine)]->Increment();
  log_->debug("probe skipped, previous run still in flight resolver={} qname={}",
              target.resolver->name, target.question.qname);
}

void Recorder::onRawResult(const ProbeTarget& target, const RawResult& result) {
  in_flight_[static_cast<size_t>(Engine::Raw)]->Decrement();
  TargetHandles& handles = *targets_[target.id];
  handles.last_time->Set(nowSeconds());
  if (result.udp.status == ExchangeStatus::Answered) {
    handles.duration->Observe(std::chrono::duration<double>(result.udp.latency).count());
  }
  const std::string_view label = rawResultLabel(result);
  handles.result.get(label).Increment();
  const Exchange& final = result.final();
  log_->debug("raw probe resolver={} qname={} qtype={} result={} size={} tc={} ad={} ms={:.1f}",
              target.resolver->name, target.question.qname, target.question.qtype_name, label,
              final.answer.size_bytes, result.udp.answer.tc, final.answer.ad,
              std::chrono::duration<double, std::milli>(final.latency).count());
  if (final.status != ExchangeStatus::Answered) {
    metrics_.errors.Add({{"kind", std::string(exchangeStatusName(final.status))}}).Increment();
    logProbeError(target, exchangeStatusName(final.status), final.error);
  }
  if (target.canary) {
    recordCanary(target, result);
    return;
  }
  if (result.udp.edns_formerr) {
    handles.edns_formerr->Increment();
  }
  if (result.udp.status == ExchangeStatus::Answered) {
    recordRawAnswer(target, handles, result);
  }
  updateZoneHealth(target, handles, observeRaw(result), label);
}

void Recorder::recordRawAnswer(const ProbeTarget& target, TargetHandles& handles,
                               const RawResult& result) {
  handles.size_udp->Set(static_cast<double>(result.udp.answer.size_bytes));
  if (result.udp.answer.tc) {
    handles.truncated->Increment();
  }
  if (result.tcp.attempted) {
    handles.tcp_fallback.get(exchangeStatusName(result.tcp.status)).Increment();
    if (result.tcp.status == ExchangeStatus::Answered) {
      handles.size_tcp->Set(static_cast<double>(result.tcp.answer.size_bytes));
    }
  }
  if (!result.answered()) {
    return;  // The TCP fallback failed: there is no answer to judge.
  }
  const dns::AnswerSummary& answer = result.final().answer;
  if (answer.ad) {
    handles.ad->Increment();
  }
  updateValidating(target, validatingFromZoneAnswer(result));
  if (answer.has_opt) {
    resolvers_[target.resolver_index]->edns_udp_size->Set(answer.edns_udp_size);
  } else {
    handles.opt_missing->Increment();
  }
  for (const dns::ExtendedError& error : answer.extended_errors) {
    // Codes 0-29 are assigned (RFC 8914 and later); others share one label value.
    std::string code = error.code < 30 ? std::to_string(error.code) : "other";
    handles.extended_errors.get(code).Increment();
  }
  if (showsSignedZone(result)) {
    zone_signed_.at(target.zone)->store(true, std::memory_order_relaxed);
  }
  if (rrsigMissing(result) && zoneSigned(target.zone)) {
    handles.rrsig_missing->Increment();
  }
  if (answer.rcode == 2) {
    recordServfail(target, handles, result);
  }
}

void Recorder::recordServfail(const ProbeTarget& target, TargetHandles& handles,
                              const RawResult& result) {
  const std::string_view cause = servfailCause(result);
  handles.servfail.get(cause).Increment();
  if (cause != "validation") {
    return;
  }
  // Only a validating resolver can fail validation, so this SERVFAIL also proves that it
  // validates, whether or not the canary has answered yet.
  updateValidating(target, true);
  BogusReason reason = reasonFromExtendedErrors(result.final().answer.extended_errors);
  if (reason == BogusReason::None || reason == BogusReason::Other) {
    std::lock_guard<std::mutex> lock(bogus_reason_mutex_);
    auto found = bogus_reason_.find(questionKey(target));
    reason = found != bogus_reason_.end() ? found->second : BogusReason::Other;
  }
  handles.validation_failures.get(bogusReasonName(reason)).Increment();
}

void Recorder::recordCanary(const ProbeTarget& target, const RawResult& result) {
  updateValidating(target, validatingFromCanary(result));
}

void Recorder::onValidationResult(const ProbeTarget& target, const ValidationResult& result) {
  in_flight_[static_cast<size_t>(Engine::Validating)]->Decrement();
  TargetHandles& handles = *targets_[target.id];
  handles.last_time->Set(nowSeconds());
  const std::string_view label = validationResultLabel(result);
  handles.result.get(label).Increment();
  log_->debug("validating probe resolver={} qname={} qtype={} result={} rcode={} why_bogus=\"{}\"",
              target.resolver->name, target.question.qname, target.question.qtype_name, label,
              dns::rcodeName(result.rcode), result.why_bogus);
  if (result.status != ExchangeStatus::Answered) {
    metrics_.errors.Add({{"kind", std::string(exchangeStatusName(result.status))}}).Increment();
    logProbeError(target, exchangeStatusName(result.status), result.error);
    updateZoneHealth(target, handles, observeValidation(result), label);
    return;
  }
  handles.duration->Observe(std::chrono::duration<double>(result.latency).count());
  for (size_t i = 0; i < handles.validation_state.size(); ++i) {
    handles.validation_state[i]->Set(i == static_cast<size_t>(result.state) ? 1 : 0);
  }
  if (result.state == ValidationState::Bogus) {
    handles.bogus.get(bogusReasonName(result.reason)).Increment();
    std::lock_guard<std::mutex> lock(bogus_reason_mutex_);
    bogus_reason_[questionKey(target)] = result.reason;
  }
  updateZoneHealth(target, handles, observeValidation(result),
                   result.why_bogus.empty() ? label : std::string_view(result.why_bogus));
}

void Recorder::onPathResult(const ProbeTarget& target, const PathResult& result) {
  in_flight_[static_cast<size_t>(Engine::Path)]->Decrement();
  TargetHandles& handles = *targets_[target.id];
  handles.last_time->Set(nowSeconds());
  handles.duration->Observe(std::chrono::duration<double>(result.duration).count());
  path_.record(target, result);
}

void Recorder::onChainResult(const ProbeTarget& target, const ChainResult& result) {
  in_flight_[static_cast<size_t>(Engine::Chain)]->Decrement();
  TargetHandles& handles = *targets_[target.id];
  handles.last_time->Set(nowSeconds());
  handles.duration->Observe(std::chrono::duration<double>(result.duration).count());
  chain_.record(target, result);
  rollout_->observe(target.zone_spec->name, result, static_cast<int64_t>(std::time(nullptr)));
}

void Recorder::updateValidating(const ProbeTarget& target, std::optional<bool> validating) {
  if (!validating) {
    return;
  }
  auto change = validating_.observe(target.resolver->name, *validating);
  if (!change) {
    return;
  }
  resolvers_[target.resolver_index]->validating->Set(change->to ? 1 : 0);
  const char* now = change->to ? "yes" : "no";
  if (change->from) {
    log_->info("resolver validation changed resolver={} validating={}", target.resolver->name,
               now);
  } else {
    log_->debug("resolver validation known resolver={} validating={}", target.resolver->name,
                now);
  }
}

void Recorder::updateZoneHealth(const ProbeTarget& target, TargetHandles& handles,
                                ZoneHealth observed, std::string_view detail) {
  auto change = zone_health_.observe(handles.health_key, observed);
  if (!change) {
    return;
  }
  for (size_t i = 0; i < handles.zone_state.size(); ++i) {
    handles.zone_state[i]->Set(i == static_cast<size_t>(change->to) ? 1 : 0);
  }
  const std::string_view to = zoneHealthName(change->to);
  if (change->from) {
    log_->info("resolver state changed resolver={} zone={} engine={} from={} to={} detail=\"{}\"",
               target.resolver->name, target.zone, engineName(target.engine),
               zoneHealthName(*change->from), to, detail);
  } else if (change->to != ZoneHealth::Ok) {
    log_->info("resolver state initial resolver={} zone={} engine={} state={} detail=\"{}\"",
               target.resolver->name, target.zone, engineName(target.engine), to, detail);
  }
}

void Recorder::logProbeError(const ProbeTarget& target, std::string_view kind,
                             std::string_view detail) {
  const auto now = std::chrono::steady_clock::now();
  uint64_t suppressed = 0;
  {
    std::lock_guard<std::mutex> lock(error_log_mutex_);
    auto [it, inserted] = error_log_.try_emplace(target.resolver->name + "|" + std::string(kind));
    if (!inserted && now - it->second.last < kErrorLogPeriod) {
      ++it->second.suppressed;
      return;
    }
    suppressed = it->second.suppressed;
    it->second = ErrorLogEntry{now, 0};
  }
  log_->warn("probe failed resolver={} address={} qname={} qtype={} engine={} error={} "
             "detail=\"{}\" suppressed_since_last={}",
             target.resolver->name, target.resolver->address, target.question.qname,
             target.question.qtype_name, engineName(target.engine), kind, detail, suppressed);
}

std::string Recorder::questionKey(const ProbeTarget& target) {
  return target.resolver->name + "|" + target.question.qname + "|" + target.question.qtype_name;
}

bool Recorder::zoneSigned(const std::string& zone) const {
  auto it = zone_signed_.find(zone);
  return it != zone_signed_.end() && it->second->load(std::memory_order_relaxed);
}

}  // namespace dw
