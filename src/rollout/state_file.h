// SPDX-License-Identifier: Apache-2.0
// The rollout state file: each zone's history in YAML, replaced whole and atomically on
// every change, so a crash leaves the old file or the new one, never half of one.
#pragma once

#include <map>
#include <string>

#include "rollout/history.h"

namespace dw {

using RolloutState = std::map<std::string, ZoneHistory>;  // By canonical zone name.

struct StateFileRead {
  enum class Outcome { Read, Missing, Corrupt, Unreadable };
  Outcome outcome = Outcome::Missing;
  RolloutState state;   // Empty unless Read.
  std::string problem;  // For Corrupt and Unreadable: what is wrong, with the line.
};

// Reads the state file at `path`. A missing, unreadable or corrupt file is not an exception:
// it comes back with an empty state and the problem.
StateFileRead readStateFile(const std::string& path);

// Writes `state` to a temporary file beside `path`, flushes it to disk and renames it over
// `path`. Returns false with `error` set when any step fails; `path` is then unchanged.
bool writeStateFile(const std::string& path, const RolloutState& state, std::string& error);

// The YAML text of `state`, and its inverse, which throws std::runtime_error naming the
// line and key of the first problem. A time outside 2000 to a day after `now` (for the end of
// a cache lifetime, the longest lifetime after that) is such a problem.
std::string stateText(const RolloutState& state);
RolloutState parseStateText(const std::string& text, int64_t now);

// An advisory lock on STATE_FILE.lock, held while the object lives, so two `run` processes
// cannot write one state file and each lose the other's transitions.
class StateFileLock {
 public:
  explicit StateFileLock(const std::string& state_file);
  ~StateFileLock();
  StateFileLock(const StateFileLock&) = delete;
  StateFileLock& operator=(const StateFileLock&) = delete;

  // Takes the lock without waiting; false with `error` set when another process holds it.
  bool acquire(std::string& error);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace dw
