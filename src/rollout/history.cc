// SPDX-License-Identifier: Apache-2.0
#include "rollout/history.h"

#include <algorithm>

#include "probe/chain_result.h"

namespace dw {
namespace {

// Stable is DsPublished after its watch: the servers serve the same.
bool samePhase(Phase kept, Phase served) {
  return kept == served || (kept == Phase::Stable && served == Phase::DsPublished);
}

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
  if (samePhase(*history.phase, served)) {
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

}  // namespace

bool observeRound(ZoneHistory& history, const ChainResult& result, int64_t now) {
  const std::optional<Phase> served = servedPhase(result);
  if (!served) {
    return false;
  }
  bool changed = followServed(history, *served, now);
  history.ttls = takeInventory(result);
  if (someServerUnsigned(result)) {
    const int64_t until = now + history.ttls.longest({TtlKind::Max});
    changed = changed || until > history.unsigned_cache_until;
    history.unsigned_cache_until = std::max(history.unsigned_cache_until, until);
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
                   history.since + static_cast<int64_t>(history.ttls.longest({TtlKind::Max})));
      schedule.watch_end = history.since + kWatchSeconds;
      break;
    case Phase::DsPublished:
      // Resolvers see the DS once their cached NS RRsets, the parent's and the zone's, expire.
      schedule.wait_known = history.ds_everywhere_at > 0;
      schedule.wait_end =
          schedule.wait_known
              ? history.ds_everywhere_at + kDsSettleSeconds +
                    history.ttls.longest({TtlKind::NsParent, TtlKind::NsZone})
              : 0;
      schedule.watch_end = schedule.wait_known ? schedule.wait_end + kWatchSeconds : 0;
      break;
  }
  return schedule;
}

}  // namespace dw
