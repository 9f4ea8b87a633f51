// SPDX-License-Identifier: Apache-2.0
// The state of a zone's rollout now: its phase, what the current step still waits for, when
// the next step is safe, and what a rollback would do and how long it takes to take effect.
// The daemon's metrics and the plan command both come from here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rollout/history.h"

namespace dw {

struct ChainResult;

// One condition of the current step, met or not.
struct StepCheck {
  std::string what;    // "every server signs the zone"
  bool done = false;
  std::string detail;  // The measured values, servers or times.
};

struct RolloutStatus {
  std::string zone;
  std::optional<Phase> phase;       // The configured phase, else the detected one.
  std::optional<Phase> detected;    // The served phase, as the history confirmed it.
  std::optional<Phase> configured;  // The zone's `phase:` in the config.
  bool mismatch = false;            // Configured and detected differ.
  int64_t since = 0;                // When the zone entered `phase`; 0 when unknown.
  bool since_first_seen = false;    // `since` is when dnssec-watch first saw the zone.
  int64_t last_transition = 0;      // Unix time of the last detected transition, or 0.

  PhaseSchedule schedule;
  int64_t next_step_at = 0;  // The later of the wait's and the watch's end.
  std::string next_step;     // The operator's next action, in words.
  // The conditions of the current step, the waits last.
  std::vector<StepCheck> checks;
  // The conditions that do not hold, waits included, each as "what: detail".
  std::vector<std::string> blockers;
  bool ready = false;  // Every check done.
  // The reasons validating resolvers fail for the zone right now, each with its fix: a DS
  // beside servers that do not sign, a DS that matches no key, or a removed DS still in
  // caches while the zone is unsigned.
  std::vector<std::string> broken;

  std::string rollback;             // The rollback of the current step, in words.
  uint32_t rollback_effective = 0;  // Seconds until resolvers see the rollback.
  TtlInventory ttls;
  // TTLs above the advice for the phase, as "soa 86400 > 3600".
  std::vector<std::string> ttl_notes;
  int64_t unsigned_cache_until = 0;
  int64_t ds_cache_until = 0;
};

// Formats a Unix time as "2026-12-04 22:43:15 UTC", or "unknown" for 0.
std::string utcTime(int64_t unix_time);

// The status of `zone` at `now` from its history and its last round of chain checks
// (nullptr when none ran since the start).
RolloutStatus evaluateRollout(const std::string& zone, const ZoneHistory& history,
                              const ChainResult* last, std::optional<Phase> configured,
                              int64_t now);

}  // namespace dw
