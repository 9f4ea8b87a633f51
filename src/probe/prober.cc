// SPDX-License-Identifier: Apache-2.0
#include "probe/prober.h"

#include <algorithm>
#include <chrono>

namespace dw {

Prober::Prober(Config config) : config_(std::move(config)), targets_(buildTargets(config_)) {}

Prober::~Prober() { stop(); }

void Prober::makeWorkers(ResultSink& sink, Worker::Mode mode) {
  const size_t count = std::max(1, config_.workers);
  // Every target of a resolver goes to the same worker, so per-resolver state (channels,
  // libunbound contexts) lives on one thread.
  std::vector<std::vector<const ProbeTarget*>> shares(count);
  for (const ProbeTarget& target : targets_) {
    shares[target.resolver_index % count].push_back(&target);
  }
  for (auto& share : shares) {
    workers_.push_back(std::make_unique<Worker>(config_, std::move(share), sink, mode));
  }
}

void Prober::start(ResultSink& sink) {
  makeWorkers(sink, Worker::Mode::Continuous);
  const auto epoch = std::chrono::steady_clock::now();
  for (auto& worker : workers_) {
    worker->start(epoch);
  }
}

void Prober::stop() {
  for (auto& worker : workers_) {
    worker->stop();
  }
  for (auto& worker : workers_) {
    worker->join();
  }
  workers_.clear();
}

void Prober::runOnce(ResultSink& sink) {
  // A check round compresses the offsets into one second, or half a millisecond per target
  // for large configs: each resolver with a query in flight holds a c-ares channel of about
  // 75 KB, so starting 10,000 resolvers at once would cost about 750 MB.
  const auto count = static_cast<long long>(std::max<size_t>(targets_.size(), 1));
  const auto interval = std::max(std::chrono::milliseconds(1000),
                                 std::chrono::milliseconds(count / 2));
  for (ProbeTarget& target : targets_) {
    target.offset = interval * static_cast<long long>(target.id) / count;
  }
  makeWorkers(sink, Worker::Mode::Once);
  const auto epoch = std::chrono::steady_clock::now();
  for (auto& worker : workers_) {
    worker->start(epoch);
  }
  for (auto& worker : workers_) {
    worker->join();
  }
  workers_.clear();
}

}  // namespace dw
