// SPDX-License-Identifier: Apache-2.0
#include "log.h"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace dw {

std::shared_ptr<spdlog::logger> logger(const std::string& component) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto existing = spdlog::get(component)) {
    return existing;
  }
  auto created = spdlog::stderr_color_mt(component);
  created->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %n: %v");
  created->set_level(spdlog::get_level());
  return created;
}

bool setLogLevel(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    return false;
  }
  spdlog::set_level(parsed);  // Applies to every registered logger.
  return true;
}

}  // namespace dw
