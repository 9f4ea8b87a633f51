// SPDX-License-Identifier: Apache-2.0
// The daemon's record of every zone's rollout: follows the phase from chain-check rounds,
// keeps it in the state file, and computes each zone's status at any time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "probe/chain_result.h"
#include "rollout/state_file.h"
#include "rollout/status.h"

namespace spdlog {
class logger;
}

namespace dw {

// Thread-safe: chain rounds of several workers and scrapes of /metrics call it at once.
class RolloutTracker {
 public:
  RolloutTracker();
  ~RolloutTracker();

  // Takes the zones and their configured phases from `config`. Reads the state file at the
  // first call: a missing file is created at the first change, a corrupt one moved aside to
  // FILE.corrupt.TIME, and either is reported and counted. A later call with another path
  // reads the file there, or moves the history to it when there is none.
  void configure(const Config& config);
  // Applies one round of chain checks for `zone`, made at `now` (Unix time).
  void observe(const std::string& zone, const ChainResult& result, int64_t now);
  // The status of every configured zone at `now`, in config order.
  std::vector<RolloutStatus> statuses(int64_t now) const;
  // State file problems since the start, by reason: missing, corrupt, read, write.
  std::map<std::string, uint64_t> stateErrors() const;

 private:
  void load(const std::string& path);
  void moveTo(const std::string& path);
  void warnIfEarly(const std::string& zone, const ZoneHistory& previous, const ZoneHistory& now);
  void save();

  mutable std::mutex mutex_;
  std::shared_ptr<spdlog::logger> log_;
  std::string path_;
  std::vector<std::pair<std::string, std::optional<Phase>>> zones_;  // Configured phases.
  RolloutState state_;  // Also keeps zones that left the config, so the file loses nothing.
  std::map<std::string, ChainResult> last_;  // The last round of each zone since the start.
  std::map<std::string, uint64_t> errors_;
  bool write_failing_ = false;
};

}  // namespace dw
