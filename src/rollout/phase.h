// SPDX-License-Identifier: Apache-2.0
// The steps of a DNSSEC rollout as phases of a zone, and the phase that a round of chain
// checks shows the servers to be in.
#pragma once

#include <optional>
#include <string_view>

namespace dw {

struct ChainResult;

// A zone's place in the rollout. Each phase is the wait and watch after one step.
enum class Phase {
  Unsigned,     // Step 1, prepare: TTLs lowered, not signed yet.
  Signed,       // Step 2 taken: every server signs, the parent has no DS.
  DsPublished,  // Step 3 taken: the parent serves a DS; its wait and two-week watch run.
  Stable,       // The watch after the DS ended.
};

// "unsigned", "signed", "ds_published" or "stable": the config value and metric label.
std::string_view phaseName(Phase phase);

// True when the servers serve the same in both phases: Stable is DsPublished after its watch.
bool servesAlike(Phase a, Phase b);
std::optional<Phase> parsePhase(std::string_view name);

// The phase that the servers serve, from one round of chain checks; never Stable, which
// only time after the DS brings. nullopt when the round does not tell: no authoritative
// server answered, the parent zone was not found, or no parent server answered.
//   a parent server serves a DS          -> DsPublished
//   every answering server signs the zone -> Signed
//   otherwise                            -> Unsigned
std::optional<Phase> servedPhase(const ChainResult& result);

}  // namespace dw
