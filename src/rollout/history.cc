// SPDX-License-Identifier: Apache-2.0
#include "rollout/history.h"

#include <algorithm>

#include "probe/chain_result.h"

namespace dw {
namespace {

void enter(ZoneHistory& history, std::optional<Phase> from, Phase to, int64_t at) {
  history.phase = to;
  history.since = at;
  history.seen_entering = from.has_value();
  history.pending.reset();
  if (to == Phase::Unsigned || to == Phase::Signed) {
    // A DS that comes back later is a new publication, with a wait of its own.
    history.ds_everywhere_at = 0;
  }
  history.transitions.push_back(Transition{from, to, at});
  if (history.transitions.size() > kKeptTransitions) {
    history.transitions.erase(history.transitions.begin());
  }
}

bool someServerUnsigned(const ChainResult& result) {
  return std::any_of(result.servers.begin(), result.servers.end(), [](const AuthServer& server) {
    return server.result == "ok" && !server.signed_zone;
  });
}

bool dsAtEveryParent(const ChainResult& result) {
  return result.ds_consistent && !result.parents.empty() &&
         std::all_of(result.parents.begin(), result.parents.end(),
                     [](const ParentServer& parent) { return !parent.ds.empty(); });
}

// Moves the phase to `served` once two rounds in a row showed it. Returns true on a change.
bool followServed(ZoneHistory& history, Phase served, int64_t now) {
  if (!history.phase) {
    enter(history, std::nullopt, served, now);
    return true;
  }
  if (servesAlike(*history.phase, served)) {
    const bool had_pending = history.pending.has_value();
    history.pending.reset();
    return had_pending;
  }
  if (history.pending != served) {
    history.pending = served;
    history.pending_since = now;
    return true;
  }
  enter(history, history.phase, served, history.pending_since);
  return true;
}

bool promoteAfterWatch(ZoneHistory& history, int64_t now) {
  if (history.phase != Phase::DsPublished) {
    return false;
  }
  const PhaseSchedule schedule = phaseSchedule(history, Phase::DsPublished);
  if (!schedule.wait_known || now < schedule.watch_end) {
    return false;
  }
  enter(history, Phase::DsPublished, Phase::Stable, schedule.watch_end);
  return true;
}

// How long a resolver may cache data with `ttl`.
int64_t cacheLifetime(uint32_t ttl) { return std::min<int64_t>(ttl, kMaxCacheSeconds); }

// Moves `until` to `end` when that is later. Returns true when the file is worth writing for
// it: a phase change writes it anyway, and a minute more is not worth a write every round.
bool extend(int64_t& until, int64_t end) {
  const bool worth = end > until + 60;
  until = std::max(until, end);
  return worth;
}

// The TTL inventory of `result`, keeping the parent's negative TTL for the DS from earlier
// rounds: once the DS is published, no round sees it, and the wait after the DS needs it.
TtlInventory inventoryOf(const ChainResult& result, const TtlInventory& before) {
  TtlInventory inventory = takeInventory(result);
  if (!inventory.get(TtlKind::DsNegative) && before.get(TtlKind::DsNegative)) {
    inventory.raise(TtlKind::DsNegative, *before.get(TtlKind::DsNegative));
  }
  return inventory;
}

}  // namespace

bool observeRound(ZoneHistory& history, const ChainResult& result, int64_t now) {
  const std::optional<Phase> served = servedPhase(result);
  if (!served) {
    return false;
  }
  bool changed = followServed(history, *served, now);
  history.ttls = inventoryOf(result, history.ttls);
  if (someServerUnsigned(result)) {
    const int64_t end = now + cacheLifetime(history.ttls.longest({TtlKind::Max}));
    changed = extend(history.unsigned_cache_until, end) || changed;
  }
  if (*served == Phase::DsPublished) {
    const int64_t end = now + cacheLifetime(history.ttls.longest({TtlKind::Ds}));
    changed = extend(history.ds_cache_until, end) || changed;
  }
  if (*served == Phase::DsPublished && history.ds_everywhere_at == 0 && dsAtEveryParent(result)) {
    history.ds_everywhere_at = now;
    changed = true;
  }
  return promoteAfterWatch(history, now) || changed;
}

PhaseSchedule phaseSchedule(const ZoneHistory& history, Phase phase) {
  PhaseSchedule schedule;
  switch (phase) {
    case Phase::Unsigned:
    case Phase::Stable:
      break;
    case Phase::Signed:
      // Resolvers drop unsigned answers within the largest TTL they were served with.
      schedule.wait_end =
          std::max(history.unsigned_cache_until,
                   history.since + cacheLifetime(history.ttls.longest({TtlKind::Max})));
      schedule.watch_end = history.since + kWatchSeconds;
      break;
    case Phase::DsPublished:
      // Resolvers see the DS once their cached NS RRsets, the parent's and the zone's, and
      // their cached "no DS" answers expire.
      schedule.wait_known = history.ds_everywhere_at > 0;
      schedule.wait_end =
          schedule.wait_known
              ? history.ds_everywhere_at + kDsSettleSeconds +
                    cacheLifetime(history.ttls.longest(
                        {TtlKind::NsParent, TtlKind::NsZone, TtlKind::DsNegative}))
              : 0;
      schedule.watch_end = schedule.wait_known ? schedule.wait_end + kWatchSeconds : 0;
      break;
  }
  return schedule;
}

}  // namespace dw
