// SPDX-License-Identifier: Apache-2.0
// A worker thread: one libevent loop that runs both probe engines for its share of targets.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "config/config.h"
#include "probe/target.h"

struct event;
struct event_base;

namespace dw {

class ChainChecker;
class KeyCache;
class LocalValidatingEngine;
class PathChecker;
class RawEngine;
class ValidatingEngine;

// Runs its targets on schedule: each one at its offset in every interval, never two runs of
// the same target at once. In once mode each target runs one time and the loop then ends.
//
// start(), stop() and join() may be called from any thread; everything else happens on the
// worker's own thread. The targets and the sink must outlive the worker.
class Worker {
 public:
  enum class Mode { Continuous, Once };

  Worker(const Config& config, std::vector<const ProbeTarget*> targets, ResultSink& sink,
         Mode mode);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts the thread; the first interval begins at `epoch`.
  void start(std::chrono::steady_clock::time_point epoch);
  void stop();  // Asks the loop to end; in-flight probes are dropped.
  void join();

 private:
  struct Slot;
  void run();
  static void onTimer(int fd, short what, void* arg);
  static void onStop(int fd, short what, void* arg);
  void startDue();
  void launch(Slot& slot, std::chrono::steady_clock::time_point now);
  void complete(Slot& slot);
  void armTimer();

  const Config& config_;
  ResultSink& sink_;
  Mode mode_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> heap_;  // Min-heap of slots by next due time.
  size_t completed_ = 0;
  std::chrono::milliseconds late_threshold_;

  event_base* base_ = nullptr;
  event* timer_ = nullptr;
  event* stop_event_ = nullptr;
  std::unique_ptr<RawEngine> raw_;
  std::unique_ptr<ValidatingEngine> validating_;
  std::unique_ptr<KeyCache> keys_;
  std::unique_ptr<LocalValidatingEngine> local_;
  std::unique_ptr<PathChecker> path_;
  std::unique_ptr<ChainChecker> chain_;
  std::thread thread_;
};

}  // namespace dw
