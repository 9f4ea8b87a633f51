// SPDX-License-Identifier: Apache-2.0
#include "metrics/path_recorder.h"

#include <spdlog/spdlog.h>

#include "log.h"
#include "metrics/labelled_counters.h"

namespace dw {
namespace {

using prometheus::Counter;
using prometheus::Gauge;
using prometheus::Labels;

// The facts of a round that an operator acts on; a change of any of them is logged.
std::string describeState(const PathResult& result) {
  if (!result.reachable) {
    return "unreachable";
  }
  std::string text = "sweep=";
  for (const SweepStep& step : result.sweep) {
    text += ednsSizeLabel(step.edns_size) + ":" + std::string(sweepOutcomeName(step.outcome)) +
            (step.outcome == SweepOutcome::Truncated && !step.raw.answered() ? "/tcp_failed"
                                                                              : "") +
            ",";
  }
  text.pop_back();
  if (result.size.ran) {
    text += result.size.error.empty()
                ? " reply_size_limit=" + std::to_string(result.size.limit_bytes) +
                      " exceeds_path=" + (result.size.failing_lost ? "1" : "0")
                : " reply_size_search=failed";
  }
  std::string stripped;
  for (size_t i = 0; i < kStrippedRecordCount; ++i) {
    if (result.stripped[i]) {
      stripped += std::string(strippedRecordName(static_cast<StrippedRecord>(i))) + ",";
    }
  }
  if (!stripped.empty()) {
    stripped.pop_back();
  }
  text += " stripped=" + (stripped.empty() ? std::string("none") : stripped);
  text += " negative_proof=" + std::string(negativeProofName(result.negative.proof));
  return text;
}

}  // namespace

struct PathRecorder::Handles {
  Labels labels;  // resolver, zone
  LabelledCounters checks, stripped, negative_probes, negative_proofs;
  std::vector<LabelledCounters> sweep;  // By sweep step, with label outcome.
  std::vector<LabelledCounters> sweep_tcp;
  std::vector<Gauge*> sweep_tcp_duration;
  Gauge* limit = nullptr;
  Gauge* failing = nullptr;
  Gauge* exceeds_path = nullptr;
  Counter* negative_ad = nullptr;
  std::string state;  // describeState() of the latest round.
};

PathRecorder::PathRecorder(prometheus::Registry& registry, const std::string& vantage)
    : metrics_(registry, vantage),
      log_(logger("probe")),
      queries_(&metrics_.queries.Add({})),
      answer_bytes_(&metrics_.answer_bytes.Add({})) {}

PathRecorder::~PathRecorder() = default;

void PathRecorder::prepare(const Config& config, const std::vector<ProbeTarget>& targets) {
  std::vector<uint16_t> edns_sizes{0};
  edns_sizes.insert(edns_sizes.end(), config.path_checks.edns_sizes.begin(),
                    config.path_checks.edns_sizes.end());
  targets_.clear();
  targets_.resize(targets.size());
  for (const ProbeTarget& target : targets) {
    if (target.engine != Engine::Path) {
      continue;
    }
    auto handles = std::make_unique<Handles>();
    handles->labels = {{"resolver", target.resolver->name}, {"zone", target.zone}};
    const Labels& labels = handles->labels;
    handles->checks.init(metrics_.checks, labels, "result");
    handles->stripped.init(metrics_.stripped, labels, "record");
    handles->negative_probes.init(metrics_.negative_probes, labels, "outcome");
    handles->negative_proofs.init(metrics_.negative_proofs, labels, "proof");
    handles->negative_ad = &metrics_.negative_ad.Add(labels);
    handles->limit = &metrics_.reply_size_limit.Add(labels);
    handles->failing = &metrics_.reply_size_failing.Add(labels);
    handles->exceeds_path = &metrics_.reply_size_exceeds_path.Add(labels);
    for (size_t i = 0; i < kStrippedRecordCount; ++i) {
      handles->stripped.get(strippedRecordName(static_cast<StrippedRecord>(i)));
    }
    for (NegativeProof proof : {NegativeProof::Missing, NegativeProof::Invalid}) {
      handles->negative_proofs.get(negativeProofName(proof));
    }
    createSweepHandles(*handles, edns_sizes);
    targets_[target.id] = std::move(handles);
  }
}

void PathRecorder::record(const ProbeTarget& target, const PathResult& result) {
  Handles& handles = *targets_[target.id];
  queries_->Increment(result.queries);
  answer_bytes_->Increment(static_cast<double>(result.answer_bytes));
  handles.checks.get(result.reachable ? "complete" : "unreachable").Increment();
  logChange(target, handles, result);
  if (!result.reachable) {
    return;
  }
  recordSweep(handles, result);
  if (result.size.ran) {
    recordSize(handles, result.size);
  }
  for (size_t i = 0; i < kStrippedRecordCount; ++i) {
    if (result.stripped[i]) {
      handles.stripped.get(strippedRecordName(static_cast<StrippedRecord>(i))).Increment();
    }
  }
  recordNegative(handles, result.negative);
}

// Creates one set of sweep handles per step: no EDNS, then each configured size.
void PathRecorder::createSweepHandles(Handles& handles, const std::vector<uint16_t>& edns_sizes) {
  handles.sweep.assign(edns_sizes.size(), {});
  handles.sweep_tcp.assign(edns_sizes.size(), {});
  for (size_t i = 0; i < edns_sizes.size(); ++i) {
    const Labels labels = withLabel(handles.labels, "edns_size", ednsSizeLabel(edns_sizes[i]));
    handles.sweep[i].init(metrics_.sweep, labels, "outcome");
    handles.sweep[i].get(sweepOutcomeName(SweepOutcome::Lost));
    handles.sweep_tcp[i].init(metrics_.sweep_tcp, labels, "outcome");
    handles.sweep_tcp[i].get("failed");
  }
  // Created at the first TCP retry, so that no time shows before one was measured.
  handles.sweep_tcp_duration.assign(edns_sizes.size(), nullptr);
}

void PathRecorder::recordSweep(Handles& handles, const PathResult& result) {
  if (handles.sweep.size() != result.sweep.size()) {
    std::vector<uint16_t> edns_sizes;
    for (const SweepStep& step : result.sweep) {
      edns_sizes.push_back(step.edns_size);
    }
    createSweepHandles(handles, edns_sizes);
  }
  for (size_t i = 0; i < result.sweep.size(); ++i) {
    const SweepStep& step = result.sweep[i];
    handles.sweep[i].get(sweepOutcomeName(step.outcome)).Increment();
    if (!step.raw.tcp.attempted) {
      continue;
    }
    const bool ok = step.raw.answered() && step.raw.tcp.answer.rcode == 0;
    handles.sweep_tcp[i].get(ok ? "ok" : "failed").Increment();
    if (ok) {
      Gauge*& duration = handles.sweep_tcp_duration[i];
      if (duration == nullptr) {
        duration = &metrics_.sweep_tcp_duration.Add(
            withLabel(handles.labels, "edns_size", ednsSizeLabel(step.edns_size)));
      }
      duration->Set(
          std::chrono::duration<double>(step.raw.tcp.latency).count());
    }
  }
}

void PathRecorder::recordSize(Handles& handles, const SizeSearch& size) {
  if (!size.error.empty()) {
    return;  // Keep the last limit found, because a broken canary does not measure the path.
  }
  handles.limit->Set(static_cast<double>(size.limit_bytes));
  handles.failing->Set(static_cast<double>(size.failing_bytes));
  handles.exceeds_path->Set(size.failing_lost ? 1 : 0);
}

void PathRecorder::recordNegative(Handles& handles, const NegativeCheck& negative) {
  handles.negative_probes.get(negative.outcome).Increment();
  handles.negative_proofs.get(negativeProofName(negative.proof)).Increment();
  if (negative.ad) {
    handles.negative_ad->Increment();
  }
}

void PathRecorder::logChange(const ProbeTarget& target, Handles& handles,
                             const PathResult& result) {
  std::string state = describeState(result);
  if (state == handles.state) {
    return;
  }
  const std::string& detail =
      result.size.error.empty() ? result.negative.detail : result.size.error;
  log_->info("path state changed resolver={} zone={} from=\"{}\" to=\"{}\" detail=\"{}\"",
             target.resolver->name, target.zone, handles.state.empty() ? "unknown" : handles.state,
             state, detail);
  handles.state = std::move(state);
}

}  // namespace dw
