// SPDX-License-Identifier: Apache-2.0
// The rollout metrics, computed at each scrape from the tracker, so the remaining times of
// the waits and watches count down between chain-check rounds.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace dw {

class RolloutTracker;

// Exports per zone: dnssec_watch_rollout_phase, _phase_mismatch, _phase_seconds,
// _transition_timestamp_seconds, _wait_remaining_seconds, _watch_remaining_seconds,
// _next_step_in_seconds, _ready, _rollback_effective_seconds, the dnssec_watch_ttl_* families,
// and dnssec_watch_state_file_errors_total. Thread-safe.
class RolloutCollector : public prometheus::Collectable {
 public:
  RolloutCollector(std::shared_ptr<const RolloutTracker> tracker, std::string vantage);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::shared_ptr<const RolloutTracker> tracker_;
  std::string vantage_;
};

}  // namespace dw
