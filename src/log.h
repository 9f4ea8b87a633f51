// SPDX-License-Identifier: Apache-2.0
// Named spdlog loggers, one per component, all writing to stderr.
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace dw {

// Returns the logger of `component` ("main", "config", "probe", "exporter"), creating it on
// first use with the level set by setLogLevel.
std::shared_ptr<spdlog::logger> logger(const std::string& component);

// Sets the level of every logger, existing and future. Returns false for an unknown name;
// valid names are trace, debug, info, warn, error, critical, off.
bool setLogLevel(const std::string& level);

}  // namespace dw
