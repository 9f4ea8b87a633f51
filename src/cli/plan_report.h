// SPDX-License-Identifier: Apache-2.0
// `dnssec-watch plan`: a zone's rollout as the three steps of the provider's runbook, each
// done, current or ahead, with the checks of the current step, its waits and its rollback.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "probe/chain_result.h"
#include "rollout/state_file.h"
#include "rollout/status.h"

namespace dw {

struct PlanInput {
  std::string state_file;
  StateFileRead::Outcome state_outcome = StateFileRead::Outcome::Missing;
  std::string state_problem;
  ZoneHistory history;  // With this run's round applied.
  std::optional<ChainResult> round;
  RolloutStatus status;
  int64_t now = 0;
};

nlohmann::json planJson(const PlanInput& plan);
void printPlan(std::ostream& out, const PlanInput& plan);

}  // namespace dw
