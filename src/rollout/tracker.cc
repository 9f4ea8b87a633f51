// SPDX-License-Identifier: Apache-2.0
#include "rollout/tracker.h"

#include <cstdio>
#include <ctime>

#include <spdlog/spdlog.h>

#include "log.h"

namespace dw {
namespace {

std::string phaseText(const std::optional<Phase>& phase) {
  return phase ? std::string(phaseName(*phase)) : "none";
}

}  // namespace

RolloutTracker::RolloutTracker() : log_(logger("rollout")) {
  for (const char* reason : {"missing", "corrupt", "read", "write"}) {
    errors_[reason] = 0;
  }
}

RolloutTracker::~RolloutTracker() {
  std::lock_guard lock(mutex_);
  if (write_failing_) {
    save();
  }
}

void RolloutTracker::configure(const Config& config) {
  std::lock_guard lock(mutex_);
  zones_.clear();
  for (const ZoneSpec& zone : config.zones) {
    zones_.emplace_back(zone.name, zone.phase);
  }
  if (config.state_file == path_) {
    return;
  }
  if (path_.empty()) {
    load(config.state_file);
    return;
  }
  moveTo(config.state_file);
}

// A reload that names another state file: a file already there wins, else the history so far
// moves to the new path, so the waits do not start again.
void RolloutTracker::moveTo(const std::string& path) {
  const StateFileRead read = readStateFile(path);
  if (read.outcome == StateFileRead::Outcome::Missing) {
    log_->info("rollout state moves from={} to={} zones={}", path_, path, state_.size());
    path_ = path;
    save();
    return;
  }
  load(path);
}

void RolloutTracker::load(const std::string& path) {
  path_ = path;
  StateFileRead read = readStateFile(path);
  switch (read.outcome) {
    case StateFileRead::Outcome::Read:
      state_ = std::move(read.state);
      log_->info("rollout state read path={} zones={}", path, state_.size());
      return;
    case StateFileRead::Outcome::Missing:
      ++errors_["missing"];
      log_->warn("rollout state file {} does not exist; starting with no history, it is written "
                 "at the first phase seen", path);
      break;
    case StateFileRead::Outcome::Unreadable:
      ++errors_["read"];
      log_->error("rollout state file {} cannot be read ({}); starting with no history; fix "
                  "its permissions, or the next write replaces it", path, read.problem);
      break;
    case StateFileRead::Outcome::Corrupt: {
      ++errors_["corrupt"];
      // Each corrupt file keeps its own copy, so a second one does not replace the first.
      const std::string aside = path + ".corrupt." + std::to_string(std::time(nullptr));
      const bool moved = std::rename(path.c_str(), aside.c_str()) == 0;
      log_->error("rollout state file {} is corrupt ({}); {}; starting with no history", path,
                  read.problem, moved ? "moved it to " + aside : "could not move it aside");
      break;
    }
  }
  state_.clear();
}

void RolloutTracker::observe(const std::string& zone, const ChainResult& result, int64_t now) {
  std::lock_guard lock(mutex_);
  last_[zone] = result;
  ZoneHistory& history = state_[zone];
  const ZoneHistory previous = history;
  const std::optional<Phase> before = history.phase;
  const size_t transitions = history.transitions.size();
  // After a failed write every round tries again, so the history reaches the disk as soon
  // as it can, even when the zone no longer changes.
  if (!observeRound(history, result, now) && !write_failing_) {
    return;
  }
  if (history.transitions.size() != transitions) {
    log_->info("rollout phase zone={} from={} to={} at={}", zone, phaseText(before),
               phaseText(history.phase), history.since);
    warnIfEarly(zone, previous, history);
  }
  save();
}

// A DS published before the wait after signing ended meets resolvers that still hold
// unsigned answers, which now fail validation until they expire.
void RolloutTracker::warnIfEarly(const std::string& zone, const ZoneHistory& previous,
                                 const ZoneHistory& now) {
  if (previous.phase != Phase::Signed || now.phase != Phase::DsPublished) {
    return;
  }
  const int64_t wait_end = phaseSchedule(previous, Phase::Signed).wait_end;
  if (now.since < wait_end) {
    log_->warn("rollout step early zone={} ds_published_at={} signing_wait_end={}: resolvers "
               "that cached unsigned answers fail to validate them until they expire",
               zone, now.since, wait_end);
  }
}

void RolloutTracker::save() {
  std::string error;
  if (writeStateFile(path_, state_, error)) {
    if (write_failing_) {
      log_->info("rollout state written again path={}", path_);
    }
    write_failing_ = false;
    return;
  }
  ++errors_["write"];
  if (!write_failing_) {
    log_->error("rollout state not saved: {}; transitions seen from now on are lost at a "
                "restart until the file can be written", error);
  }
  write_failing_ = true;
}

std::vector<RolloutStatus> RolloutTracker::statuses(int64_t now) const {
  std::lock_guard lock(mutex_);
  std::vector<RolloutStatus> statuses;
  static const ZoneHistory kNoHistory;
  for (const auto& [zone, configured] : zones_) {
    const auto history = state_.find(zone);
    const auto last = last_.find(zone);
    statuses.push_back(evaluateRollout(zone, history != state_.end() ? history->second : kNoHistory,
                                       last != last_.end() ? &last->second : nullptr, configured,
                                       now));
  }
  return statuses;
}

std::map<std::string, uint64_t> RolloutTracker::stateErrors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

}  // namespace dw
