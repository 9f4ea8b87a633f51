// SPDX-License-Identifier: Apache-2.0
// Output of the canaries command: size canary records as zone-file lines or JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/canary.h"

namespace dw {

// Settings the canaries were computed with, which the output states.
struct CanarySettings {
  std::string zone;  // Canonical.
  int algorithm = 13;
  size_t signature_length = 64;
  uint32_t ttl = 3600;
};

// Returns master-file lines (RFC 1035 5.1) with absolute owner names: one TXT record a line,
// each with a comment that gives the answer size, after a header comment with the assumptions.
std::string canaryZoneText(const std::vector<dns::SizeCanary>& canaries,
                           const CanarySettings& settings);

// Returns one object per TXT record: {name, type, ttl, strings, answer_size}.
nlohmann::json canaryJson(const std::vector<dns::SizeCanary>& canaries,
                          const CanarySettings& settings);

}  // namespace dw
