// SPDX-License-Identifier: Apache-2.0
// Metrics and log lines of the path checks: EDNS size sweep, reply-size limit, stripped
// records and negative answers, per zone and resolver.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "metrics/metrics.h"
#include "probe/path_result.h"
#include "probe/target.h"

namespace spdlog {
class logger;
}

namespace dw {

// Turns path-check results into metrics and logs each change of a path's state. Thread-safe
// for record(): a target never runs twice at once, so each target's handles have one writer.
class PathRecorder {
 public:
  PathRecorder(prometheus::Registry& registry, const std::string& vantage);
  ~PathRecorder();

  // Creates the handles of the path targets in `targets`, indexed by target id. The series
  // that alerts divide or compare start at 0, so that rate() sees their first increase.
  void prepare(const Config& config, const std::vector<ProbeTarget>& targets);
  void record(const ProbeTarget& target, const PathResult& result);

 private:
  struct Handles;

  void createSweepHandles(Handles& handles, const std::vector<uint16_t>& edns_sizes);
  void recordSweep(Handles& handles, const PathResult& result);
  void recordSize(Handles& handles, const SizeSearch& size);
  void recordNegative(Handles& handles, const NegativeCheck& negative);
  void logChange(const ProbeTarget& target, Handles& handles, const PathResult& result);

  PathMetrics metrics_;
  std::shared_ptr<spdlog::logger> log_;
  prometheus::Counter* queries_ = nullptr;
  prometheus::Counter* answer_bytes_ = nullptr;
  std::vector<std::unique_ptr<Handles>> targets_;  // By target id; null for other engines.
};

}  // namespace dw
