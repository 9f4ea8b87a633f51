// SPDX-License-Identifier: Apache-2.0
// A cache of the counters of one metric family that differ in a single label.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>

namespace dw {

// Returns `labels` with `key` set to `value`.
inline prometheus::Labels withLabel(prometheus::Labels labels, const std::string& key,
                                    std::string_view value) {
  labels.emplace(key, std::string(value));
  return labels;
}

// Counters of one family that differ in a single label, looked up once per value and then
// cached. Used by one worker thread at a time: a target never runs twice at once.
class LabelledCounters {
 public:
  void init(prometheus::Family<prometheus::Counter>& family, prometheus::Labels base,
            std::string key) {
    family_ = &family;
    base_ = std::move(base);
    key_ = std::move(key);
  }
  prometheus::Counter& get(std::string_view value) {
    for (auto& [cached, counter] : cache_) {
      if (cached == value) {
        return *counter;
      }
    }
    prometheus::Counter& counter = family_->Add(withLabel(base_, key_, value));
    cache_.emplace_back(std::string(value), &counter);
    return counter;
  }

 private:
  prometheus::Family<prometheus::Counter>* family_ = nullptr;
  prometheus::Labels base_;
  std::string key_;
  std::vector<std::pair<std::string, prometheus::Counter*>> cache_;
};

}  // namespace dw
