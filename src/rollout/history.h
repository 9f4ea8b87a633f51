// SPDX-License-Identifier: Apache-2.0
// The history of a zone's rollout as dnssec-watch saw it: its phase, when it entered it, and
// the times the waits of each step are measured from. Kept in the state file, so a restart
// loses none of it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "rollout/phase.h"
#include "rollout/ttl_inventory.h"

namespace dw {

struct ChainResult;

// One change of a zone's phase.
struct Transition {
  std::optional<Phase> from;  // nullopt for the phase the zone was in when first watched.
  Phase to = Phase::Unsigned;
  int64_t at = 0;  // Unix time of the first round that showed the new phase.
};

struct ZoneHistory {
  std::optional<Phase> phase;  // The phase the servers serve, confirmed; nullopt before.
  int64_t since = 0;           // Unix time the zone entered `phase`.
  // False when the zone was already in `phase` when first watched: `since` is then only the
  // time dnssec-watch first saw it.
  bool seen_entering = false;
  // A different phase that the last round showed, which the next round must confirm, so a
  // server that answers wrongly once does not flip the phase.
  std::optional<Phase> pending;
  int64_t pending_since = 0;
  // Until when resolvers may hold unsigned answers: the latest round time plus largest TTL of
  // a round in which some server served the zone unsigned.
  int64_t unsigned_cache_until = 0;
  // Until when resolvers may hold a DS RRset: the latest round time plus DS TTL of a round in
  // which a parent server served one. After the DS is removed, signing must stay until then.
  int64_t ds_cache_until = 0;
  // The first round since the DS appeared in which every parent server served the same DS
  // RRset; 0 while some parent server does not.
  int64_t ds_everywhere_at = 0;
  TtlInventory ttls;  // Of the last round, so a restart can tell the waits at once.
  std::vector<Transition> transitions;  // Oldest first, at most kKeptTransitions.
};

constexpr size_t kKeptTransitions = 64;
// The longest time a resolver keeps a record, whatever its TTL: BIND's default max-cache-ttl
// is one week, unbound's cache-max-ttl one day.
constexpr int64_t kMaxCacheSeconds = 7 * 24 * 3600;
constexpr int64_t kWatchSeconds = 14 * 24 * 3600;  // The two-week watch after each step.
// Time after the DS reaches every parent server before counting on it: the provider's
// advice, against parent servers that the checks do not see (anycast instances).
constexpr int64_t kDsSettleSeconds = 600;

// Applies one round of chain checks made at `now`. Returns true when the history changed
// in a way worth saving.
bool observeRound(ZoneHistory& history, const ChainResult& result, int64_t now);

// The end of the current phase's wait (the TTL waits) and of its two-week watch, as Unix
// times; 0 when the phase has none. wait_known is false while the end cannot be known yet:
// the DS has not reached every parent server.
struct PhaseSchedule {
  int64_t wait_end = 0;
  int64_t watch_end = 0;
  bool wait_known = true;
};
PhaseSchedule phaseSchedule(const ZoneHistory& history, Phase phase);

}  // namespace dw
