// SPDX-License-Identifier: Apache-2.0
// The daemon's result sink: turns probe results into metrics, resolver states and log lines.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <prometheus/registry.h>

#include "config/config.h"
#include "metrics/chain_recorder.h"
#include "metrics/metrics.h"
#include "metrics/path_recorder.h"
#include "probe/hysteresis.h"
#include "probe/observation.h"
#include "probe/target.h"
#include "rollout/tracker.h"

namespace spdlog {
class logger;
}

namespace dw {

// Thread-safe for the ResultSink calls, which workers make concurrently. prepare() must not
// run while a prober is running: call it between stopping one prober and starting the next.
// Metric series live in the registry and so survive prepare(): counters keep counting
// across config reloads.
class Recorder : public ResultSink {
 public:
  Recorder(prometheus::Registry& registry, const std::string& vantage);
  ~Recorder() override;

  // Creates the metric handles for `targets`, which must outlive the next prepare().
  void prepare(const Config& config, const std::vector<ProbeTarget>& targets);

  void onProbeStarted(const ProbeTarget& target, std::chrono::milliseconds lateness) override;
  void onProbeSkipped(const ProbeTarget& target) override;
  void onRawResult(const ProbeTarget& target, const RawResult& result) override;
  void onValidationResult(const ProbeTarget& target, const ValidationResult& result) override;
  void onPathResult(const ProbeTarget& target, const PathResult& result) override;
  void onChainResult(const ProbeTarget& target, const ChainResult& result) override;

  Metrics& metrics() { return metrics_; }
  // The rollout record that chain results feed; it lives as long as the recorder, across
  // config reloads.
  std::shared_ptr<const RolloutTracker> rollout() const { return rollout_; }

 private:
  struct TargetHandles;
  struct ResolverHandles;

  void recordRawAnswer(const ProbeTarget& target, TargetHandles& handles,
                       const RawResult& result);
  void recordServfail(const ProbeTarget& target, TargetHandles& handles,
                      const RawResult& result);
  void recordCanary(const ProbeTarget& target, const RawResult& result);
  void updateValidating(const ProbeTarget& target, std::optional<bool> validating);
  void updateZoneHealth(const ProbeTarget& target, TargetHandles& handles, ZoneHealth observed,
                        std::string_view detail);
  void logProbeError(const ProbeTarget& target, std::string_view kind, std::string_view detail);
  bool zoneSigned(const std::string& zone) const;
  static std::string questionKey(const ProbeTarget& target);

  Metrics metrics_;
  PathRecorder path_;
  ChainRecorder chain_;
  std::shared_ptr<RolloutTracker> rollout_ = std::make_shared<RolloutTracker>();
  std::shared_ptr<spdlog::logger> log_;
  std::vector<std::unique_ptr<TargetHandles>> targets_;
  std::vector<std::unique_ptr<ResolverHandles>> resolvers_;  // By resolver index.
  std::map<std::string, std::unique_ptr<std::atomic<bool>>> zone_signed_;
  Hysteresis<ZoneHealth> zone_health_{3};
  Hysteresis<bool> validating_{2};
  std::array<prometheus::Gauge*, kEngineCount> in_flight_{};  // By Engine.
  std::array<prometheus::Counter*, kEngineCount> late_{};
  std::array<prometheus::Counter*, kEngineCount> skipped_{};

  // The latest bogus reason libunbound gave per "resolver|qname|qtype", to explain raw
  // SERVFAILs whose EDE is the bare code 6 ("DNSSEC Bogus") without text.
  std::mutex bogus_reason_mutex_;  // Guards bogus_reason_.
  std::unordered_map<std::string, BogusReason> bogus_reason_;

  std::mutex error_log_mutex_;  // Guards error_log_.
  struct ErrorLogEntry {
    std::chrono::steady_clock::time_point last;
    uint64_t suppressed = 0;
  };
  std::map<std::string, ErrorLogEntry> error_log_;
};

}  // namespace dw
