// SPDX-License-Identifier: Apache-2.0
// `dnssec-watch check`: the results of one round of every probe, as a table or JSON.
#pragma once

#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "probe/result.h"
#include "probe/target.h"

namespace dw {

// Collects one result per target. Thread-safe.
class CheckCollector : public ResultSink {
 public:
  explicit CheckCollector(size_t target_count)
      : raw_(target_count),
        validation_(target_count),
        path_(target_count),
        chain_(target_count) {}

  void onProbeStarted(const ProbeTarget&, std::chrono::milliseconds) override {}
  void onProbeSkipped(const ProbeTarget&) override {}
  void onRawResult(const ProbeTarget& target, const RawResult& result) override;
  void onValidationResult(const ProbeTarget& target, const ValidationResult& result) override;
  void onPathResult(const ProbeTarget& target, const PathResult& result) override;
  void onChainResult(const ProbeTarget& target, const ChainResult& result) override;

  std::optional<RawResult> raw(size_t target_id) const;
  std::optional<ValidationResult> validation(size_t target_id) const;
  std::optional<PathResult> path(size_t target_id) const;
  std::optional<ChainResult> chain(size_t target_id) const;

 private:
  mutable std::mutex mutex_;  // Guards the results.
  std::vector<std::optional<RawResult>> raw_;
  std::vector<std::optional<ValidationResult>> validation_;
  std::vector<std::optional<PathResult>> path_;
  std::vector<std::optional<ChainResult>> chain_;
};

// One round's results, judged.
class CheckReport {
 public:
  CheckReport(const Config& config, const std::vector<ProbeTarget>& targets,
              const CheckCollector& results);

  bool healthy() const;  // Every probe gave a healthy result.
  nlohmann::json toJson() const;
  void printText(std::ostream& out) const;

 private:
  nlohmann::json probeJson(const ProbeTarget& target) const;
  nlohmann::json pathJson(const ProbeTarget& target) const;
  nlohmann::json chainJson(const ProbeTarget& target) const;
  nlohmann::json targetJson(const ProbeTarget& target) const;
  std::optional<bool> resolverValidates(size_t resolver_index) const;

  const Config& config_;
  const std::vector<ProbeTarget>& targets_;
  const CheckCollector& results_;
};

}  // namespace dw
