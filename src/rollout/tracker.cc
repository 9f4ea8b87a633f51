// SPDX-License-Identifier: Apache-2.0
#include "rollout/tracker.h"

#include <cstdio>

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

RolloutTracker::~RolloutTracker() = default;

void RolloutTracker::configure(const Config& config) {
  std::lock_guard lock(mutex_);
  zones_.clear();
  for (const ZoneSpec& zone : config.zones) {
    zones_.emplace_back(zone.name, zone.phase);
  }
  if (config.state_file != path_) {
    load(config.state_file);
  }
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
      const std::string aside = path + ".corrupt";
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
  const std::optional<Phase> before = history.phase;
  const size_t transitions = history.transitions.size();
  if (!observeRound(history, result, now)) {
    return;
  }
  if (history.transitions.size() != transitions) {
    log_->info("rollout phase zone={} from={} to={} at={}", zone, phaseText(before),
               phaseText(history.phase), history.since);
  }
  save();
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
