// SPDX-License-Identifier: Apache-2.0
// A probe target: one question, through one resolver, by one engine, at a fixed offset in
// the interval; one zone's path checks through one resolver; or one zone's chain checks,
// whose servers are found through the key resolver. The prober builds them from
// the config; workers run them.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "config/config.h"
#include "probe/chain_result.h"
#include "probe/path_result.h"
#include "probe/result.h"

namespace dw {

struct ProbeTarget {
  size_t id = 0;              // Index in the prober's target list.
  size_t resolver_index = 0;  // Index in Config::resolvers.
  const ResolverSpec* resolver = nullptr;
  std::string zone;    // Zone name, or empty for the bogus canary.
  bool canary = false;  // The known-bogus name that only non-validating resolvers answer.
  ProbeSpec question;
  Engine engine = Engine::Raw;
  // A validating target beyond validating_resolvers_max: verified locally with ldns against
  // keys from the key resolver, instead of by a libunbound context of its own.
  bool local_validation = false;
  const ZoneSpec* zone_spec = nullptr;  // The zone of a path-check or chain-check target.
  std::chrono::milliseconds interval{60'000};  // Time between two runs.
  std::chrono::milliseconds offset{0};         // Start time within each interval.
};

// Builds the targets for `config`: every zone probe through every resolver with the raw
// engine and with the validating engine (local validation beyond validating_resolvers_max),
// the bogus canary through every resolver with the raw engine, and unless disabled the path
// checks of every zone through every resolver, and unless disabled the chain checks of every
// zone, under the key resolver. Offsets spread the targets evenly over their
// interval, interleaved so that one resolver's probes do not start together.
std::vector<ProbeTarget> buildTargets(const Config& config);

// Receives every probe result. Workers call it concurrently from their threads, so
// implementations must be thread-safe.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void onProbeStarted(const ProbeTarget& target, std::chrono::milliseconds lateness) = 0;
  // The target was due while its previous run was still in flight, so this run was skipped.
  virtual void onProbeSkipped(const ProbeTarget& target) = 0;
  virtual void onRawResult(const ProbeTarget& target, const RawResult& result) = 0;
  virtual void onValidationResult(const ProbeTarget& target, const ValidationResult& result) = 0;
  virtual void onPathResult(const ProbeTarget& target, const PathResult& result) = 0;
  virtual void onChainResult(const ProbeTarget& target, const ChainResult& result) = 0;
};

}  // namespace dw
