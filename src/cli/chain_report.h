// SPDX-License-Identifier: Apache-2.0
// The chain checks of `dnssec-watch check`, as JSON and as a table.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "probe/chain_result.h"

namespace dw {

// One zone's chain-check round: servers, DS findings, signatures and the faults.
nlohmann::json chainResultJson(const ChainResult& result);

// Prints one block per zone from the "chains" array of the check report.
void printChains(std::ostream& out, const nlohmann::json& chains);

}  // namespace dw
