// SPDX-License-Identifier: Apache-2.0
// The prober: the targets of one config spread over a pool of worker threads.
#pragma once

#include <memory>
#include <vector>

#include "config/config.h"
#include "probe/target.h"
#include "probe/worker.h"

namespace dw {

// Owns a copy of the config, its targets and the workers that run them. A reload stops the
// old Prober and starts a new one with the same sink, so every counter outlives both.
//
// Not thread-safe: call start, stop and runOnce from one thread.
class Prober {
 public:
  explicit Prober(Config config);
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  // Runs every target once per interval until stop(). `sink` must outlive the run.
  void start(ResultSink& sink);
  void stop();  // Ends the workers and waits for their threads.
  // Runs every target once, spread over one second (half a millisecond per target for more
  // than 2,000 targets), and returns when all have finished.
  void runOnce(ResultSink& sink);

  const Config& config() const { return config_; }
  const std::vector<ProbeTarget>& targets() const { return targets_; }

 private:
  void makeWorkers(ResultSink& sink, Worker::Mode mode);

  Config config_;
  std::vector<ProbeTarget> targets_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace dw
