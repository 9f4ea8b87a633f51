// SPDX-License-Identifier: Apache-2.0
#include "rollout/status.h"

#include <algorithm>

#include "probe/chain_result.h"

namespace dw {
namespace {

bool samePhase(Phase a, Phase b) {
  auto family = [](Phase phase) { return phase == Phase::Stable ? Phase::DsPublished : phase; };
  return family(a) == family(b);
}

// The TTLs advised for the step the zone is about to take; step 1 (prepare) requires them.
void noteTtls(RolloutStatus& status, Phase phase) {
  for (TtlKind kind : kTtlKinds) {
    const std::optional<uint32_t> ttl = status.ttls.get(kind);
    const std::optional<uint32_t> advised = advisedTtl(kind, phase);
    if (ttl && advised && *ttl > *advised) {
      status.ttl_notes.push_back(std::string(ttlKindName(kind)) + " TTL " + std::to_string(*ttl) +
                                 " s is above the advised " + std::to_string(*advised) + " s");
    }
  }
}

void addServerBlockers(RolloutStatus& status, const ChainResult& last, bool need_signing) {
  for (const std::string& fault : last.faults(/*include_expected_ds=*/need_signing)) {
    status.blockers.push_back(fault);
  }
  if (!need_signing) {
    return;
  }
  for (const AuthServer& server : last.servers) {
    if (server.result == "ok" && !server.signed_zone) {
      status.blockers.push_back("server " + server.address + " serves the zone unsigned");
    }
  }
}

void describeStep(RolloutStatus& status, const ChainResult* last) {
  const Phase phase = *status.phase;
  switch (phase) {
    case Phase::Unsigned:
      status.next_step = "enable signing";
      status.rollback = "undo the TTL changes";
      status.rollback_effective = 0;
      break;
    case Phase::Signed:
      status.next_step = "publish the DS at the parent";
      status.rollback = "disable signing, then undo the TTL changes";
      // Signed answers and NSEC-based negative answers stay cached this long.
      status.rollback_effective = status.ttls.longest(
          {TtlKind::Max, TtlKind::Dnskey, TtlKind::Soa, TtlKind::SoaMinimum});
      break;
    case Phase::DsPublished:
    case Phase::Stable:
      status.next_step = phase == Phase::DsPublished ? "let the two-week watch end"
                                                     : "none; the DS TTL may rise to 1 hour";
      status.rollback = "remove the DS at the parent, then wait its TTL";
      status.rollback_effective = status.ttls.longest({TtlKind::Ds});
      break;
  }
  if (last == nullptr) {
    status.blockers.push_back("no chain-check round has run yet");
    return;
  }
  addServerBlockers(status, *last, phase != Phase::Unsigned);
  if (phase == Phase::Unsigned) {
    for (const std::string& note : status.ttl_notes) {
      status.blockers.push_back(note);
    }
  }
  if (phase == Phase::Signed && last->parents.empty() && !last->parent.empty()) {
    status.blockers.push_back("no parent server of " + last->parent + " was found");
  }
  if (phase == Phase::DsPublished && !status.schedule.wait_known) {
    status.blockers.push_back("the DS is not yet served by every parent server");
  }
}

// The history's times apply when it saw the zone in the phase the status is about.
void takeTimes(RolloutStatus& status, const ZoneHistory& history, int64_t now) {
  const Phase phase = *status.phase;
  if (history.phase && samePhase(*history.phase, phase)) {
    status.since = history.since;
    status.since_first_seen = !history.seen_entering;
    status.schedule = phaseSchedule(history, phase);
    return;
  }
  // The config names a phase the servers do not show: time starts now.
  ZoneHistory assumed = history;
  assumed.since = now;
  assumed.ds_everywhere_at = phase == Phase::DsPublished ? now : 0;
  status.since_first_seen = true;
  status.schedule = phaseSchedule(assumed, phase);
}

}  // namespace

RolloutStatus evaluateRollout(const std::string& zone, const ZoneHistory& history,
                              const ChainResult* last, std::optional<Phase> configured,
                              int64_t now) {
  RolloutStatus status;
  status.zone = zone;
  status.detected = history.phase;
  status.configured = configured;
  status.phase = configured ? configured : history.phase;
  status.mismatch = configured && history.phase && !samePhase(*configured, *history.phase);
  status.ttls = history.ttls;
  status.unsigned_cache_until = history.unsigned_cache_until;
  if (!history.transitions.empty()) {
    status.last_transition = history.transitions.back().at;
  }
  if (!status.phase) {
    status.blockers.push_back("the phase is not known yet: no round reached the servers");
    return status;
  }
  takeTimes(status, history, now);
  status.next_step_at = std::max(status.schedule.wait_end, status.schedule.watch_end);
  noteTtls(status, *status.phase);
  describeStep(status, last);
  if (status.mismatch) {
    status.blockers.push_back("the config says " + std::string(phaseName(*configured)) +
                              " but the servers serve " +
                              std::string(phaseName(*history.phase)));
  }
  status.ready = status.blockers.empty() && status.schedule.wait_known &&
                 now >= status.next_step_at;
  return status;
}

}  // namespace dw
