// SPDX-License-Identifier: Apache-2.0
// Path checks: rounds of raw queries that find what the path between a resolver and its
// clients does to large and signed answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "probe/path_result.h"

namespace dw {

class KeyCache;
class RawEngine;

// Runs path-check rounds on the raw engine's loop. A round for one zone through one resolver:
// 1. the EDNS size sweep: the zone's large signed answer asked without EDNS and with each
//    configured EDNS size at once, with a TCP retry after TC;
// 2. then, if any answer came, three checks side by side: the reply-size search over the
//    zone's size canaries, the zone's DNSKEY RRset, and a random name under the zone;
// 3. stripping judged from every answer of the round, for zones that serve a DNSKEY RRset.
// The reply-size search starts from the previous round's bounds, so once they hold it costs
// two queries.
//
// Not thread-safe: every call, and every callback, runs on the thread of the engines' loop.
class PathChecker {
 public:
  struct Settings {
    std::vector<uint16_t> edns_sizes{512, 1232, 1400, 4096};
  };
  using Callback = std::function<void(PathResult)>;

  PathChecker(RawEngine& raw, KeyCache& keys, Settings settings);
  ~PathChecker();
  PathChecker(const PathChecker&) = delete;
  PathChecker& operator=(const PathChecker&) = delete;

  // Starts one round; `done` runs once on the loop thread, unless the engines are destroyed
  // first. `search_key` names the zone and resolver pair whose previous search bounds apply.
  // `zone` must outlive the round.
  void check(size_t search_key, const ResolverSpec& resolver, const ZoneSpec& zone,
             Callback done);

  struct Round;
  struct SearchMemory;

 private:
  using RoundPtr = std::shared_ptr<Round>;

  void sendSweepStep(const RoundPtr& round, size_t step);
  void joinSweep(const RoundPtr& round);
  void startChecks(const RoundPtr& round);
  void joinChecks(const RoundPtr& round);
  void startSearch(const RoundPtr& round);
  void searchNext(const RoundPtr& round);
  void onSearchAnswer(const RoundPtr& round, int index, RawResult raw);
  void measureLostCanary(const RoundPtr& round, int index);
  void endSearch(const RoundPtr& round, std::string error);
  void probeDnskey(const RoundPtr& round);
  void probeNegative(const RoundPtr& round);
  void judgeNegative(Round& round);
  void finish(const RoundPtr& round);

  RawEngine& raw_;
  KeyCache& keys_;
  Settings settings_;
  std::unordered_map<size_t, std::unique_ptr<SearchMemory>> searches_;
  std::mt19937_64 random_;
};

}  // namespace dw
