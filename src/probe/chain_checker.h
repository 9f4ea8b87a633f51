// SPDX-License-Identifier: Apache-2.0
// Chain checks: rounds of queries straight to a zone's authoritative servers and to its
// parent's servers, RD=0 and DO=1, that show what each server serves.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "probe/chain_result.h"
#include "probe/result.h"

namespace dw {

class RawEngine;

// Runs chain-check rounds on the raw engine's loop. A round for one zone:
// 1. through the key resolver, the DS query that names the parent zone (the owner of the
//    SOA of the negative answer, or the signer of the DS), the parent's NS RRset and the
//    addresses of its names;
// 2. at every parent server, the zone's DS RRset and the referral's NS RRset and glue;
// 3. at every address of the delegation's NS names (glue, else through the key resolver):
//    SOA, NS, DNSKEY, CDS, CDNSKEY and the zone's probe names; NS names that only the zone's
//    own NS RRset lists are found and asked in one more step;
// 4. judgeChain() on the answers, at the local clock.
//
// Not thread-safe: every call, and every callback, runs on the thread of the engine's loop.
class ChainChecker {
 public:
  using Callback = std::function<void(ChainResult)>;

  ChainChecker(RawEngine& raw, ResolverSpec key_resolver);
  ~ChainChecker();
  ChainChecker(const ChainChecker&) = delete;
  ChainChecker& operator=(const ChainChecker&) = delete;

  // Starts one round; `done` runs once on the loop thread, unless the engine is destroyed
  // first. `zone` must outlive the round.
  void check(const ZoneSpec& zone, Callback done);

  struct Round;

 private:
  using RoundPtr = std::shared_ptr<Round>;
  using Answer = std::function<void(const RawResult&)>;

  // Sends `question` to `server`, RD=1 to the key resolver and RD=0 to any other server, and
  // counts it in the round's pending queries.
  void ask(const RoundPtr& round, const ResolverSpec& server, const ProbeSpec& question,
           Answer answer);
  // Sets what runs once every query of the step now starting has been answered.
  void beginStep(const RoundPtr& round, std::function<void()> then);
  void release(const RoundPtr& round);
  void findParent(const RoundPtr& round);
  void findParentServers(const RoundPtr& round);
  void askParents(const RoundPtr& round);
  void findAuthServers(const RoundPtr& round);
  void resolveNames(const RoundPtr& round, const std::vector<std::string>& names,
                    std::function<void()> then);
  void askAuthServers(const RoundPtr& round, const std::vector<std::string>& names);
  void askAuthServer(const RoundPtr& round, size_t index);
  void findZoneOnlyNames(const RoundPtr& round);
  void finish(const RoundPtr& round);

  RawEngine& raw_;
  ResolverSpec key_resolver_;
};

}  // namespace dw
