// SPDX-License-Identifier: Apache-2.0
// Metrics and log lines of the chain checks: serials, signing and sync of the authoritative
// servers, the DS at the parent's servers, and signature times, per zone.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/registry.h>

#include "metrics/metrics.h"
#include "probe/chain_result.h"
#include "probe/target.h"

namespace spdlog {
class logger;
}

namespace dw {

// Turns chain-check results into metrics and logs each change of a zone's faults. A round
// removes the serial, signing, DS and RRSIG series that it did not set, so a DS whose status
// changed is not exported under its old status too. Thread-safe for record(): a target
// never runs twice at once, so each target's handles have one writer.
class ChainRecorder {
 public:
  ChainRecorder(prometheus::Registry& registry, const std::string& vantage);
  ~ChainRecorder();

  // Creates the handles of the chain targets in `targets`, indexed by target id.
  void prepare(const std::vector<ProbeTarget>& targets);
  void record(const ProbeTarget& target, const ChainResult& result);

 private:
  struct Handles;

  void recordServers(Handles& handles, const ChainResult& result);
  void recordDs(Handles& handles, const ChainResult& result);
  void recordSignatures(Handles& handles, const ChainResult& result);
  void logChange(const ProbeTarget& target, Handles& handles, const ChainResult& result);

  ChainMetrics metrics_;
  std::shared_ptr<spdlog::logger> log_;
  prometheus::Counter* queries_ = nullptr;
  std::vector<std::unique_ptr<Handles>> targets_;  // By target id; null for other engines.
};

}  // namespace dw
