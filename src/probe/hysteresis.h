// SPDX-License-Identifier: Apache-2.0
// State with hysteresis: a key changes state only after N consecutive observations agree.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace dw {

// One state per key (a resolver, or a resolver and zone). The first observation sets the
// state at once; after that a different state needs `threshold` consecutive observations,
// so one lost packet does not flap a resolver. Thread-safe.
template <typename State>
class Hysteresis {
 public:
  struct Change {
    std::optional<State> from;  // Empty for the first observation.
    State to;
  };

  explicit Hysteresis(int threshold) : threshold_(threshold) {}

  // Records one observation and returns the change it completes, if any.
  std::optional<Change> observe(const std::string& key, State observed) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, inserted] = entries_.try_emplace(key);
    Entry& entry = it->second;
    if (inserted) {
      entry.state = observed;
      return Change{std::nullopt, observed};
    }
    if (observed == entry.state) {
      entry.streak = 0;
      return std::nullopt;
    }
    if (entry.streak == 0 || observed != entry.pending) {
      entry.pending = observed;
      entry.streak = 0;
    }
    if (++entry.streak < threshold_) {
      return std::nullopt;
    }
    Change change{entry.state, observed};
    entry.state = observed;
    entry.streak = 0;
    return change;
  }

  std::optional<State> current(const std::string& key) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      return std::nullopt;
    }
    return it->second.state;
  }

 private:
  struct Entry {
    State state{};
    State pending{};
    int streak = 0;  // Consecutive observations of `pending`.
  };

  const int threshold_;
  mutable std::mutex mutex_;  // Guards entries_.
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace dw
