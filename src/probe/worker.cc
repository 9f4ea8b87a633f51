// SPDX-License-Identifier: Apache-2.0
#include "probe/worker.h"

#include <algorithm>

#include <event2/event.h>
#include <spdlog/spdlog.h>

#include "probe/chain_checker.h"
#include "probe/key_cache.h"
#include "probe/local_validating_engine.h"
#include "probe/path_checker.h"
#include "probe/raw_engine.h"
#include "probe/validating_engine.h"

namespace dw {
namespace {

using Clock = std::chrono::steady_clock;

bool laterDue(const auto* a, const auto* b) { return a->next_due > b->next_due; }

// Probes in flight per worker beyond which new ones are skipped. Each uses a socket and a
// share of a c-ares channel, so an overloaded worker would otherwise grow past 1 GiB.
constexpr size_t kMaxInFlight = 8000;

}  // namespace

struct Worker::Slot {
  const ProbeTarget* target = nullptr;
  Clock::time_point next_due;
  bool in_flight = false;
  bool done_once = false;
};

Worker::Worker(const Config& config, std::vector<const ProbeTarget*> targets, ResultSink& sink,
               Mode mode)
    : config_(config),
      sink_(sink),
      mode_(mode),
      // A start more than a tenth of the interval (at most 1 s) after its due time is late.
      late_threshold_(std::min(std::chrono::milliseconds(1000), config.interval / 10)) {
  for (const ProbeTarget* target : targets) {
    auto slot = std::make_unique<Slot>();
    slot->target = target;
    slots_.push_back(std::move(slot));
  }
  base_ = event_base_new();
  timer_ = evtimer_new(base_, &Worker::onTimer, this);
  stop_event_ = event_new(base_, -1, 0, &Worker::onStop, this);
  raw_ = std::make_unique<RawEngine>(
      base_, RawEngine::Settings{config.timeout, config.edns_buffer_size});
  validating_ = std::make_unique<ValidatingEngine>(
      base_, ValidatingEngine::Settings{config.timeout, config.trust_anchor_files});
  KeyCache::Settings key_settings;
  key_settings.timeout = config.timeout;
  key_settings.trust_anchor_files = config.trust_anchor_files;
  for (const ResolverSpec& resolver : config.resolvers) {
    if (resolver.name == config.key_resolver) {
      key_settings.key_resolver = resolver;
    }
  }
  keys_ = std::make_unique<KeyCache>(base_, key_settings);
  local_ = std::make_unique<LocalValidatingEngine>(*raw_, *keys_);
  path_ = std::make_unique<PathChecker>(*raw_, *keys_,
                                        PathChecker::Settings{config.path_checks.edns_sizes});
  chain_ = std::make_unique<ChainChecker>(*raw_, key_settings.key_resolver);
}

Worker::~Worker() {
  stop();
  join();
  // Engines first: their destructors free events that belong to the base. The local engine
  // and the path checker only borrow the raw engine and the key cache.
  chain_.reset();
  path_.reset();
  local_.reset();
  raw_.reset();
  keys_.reset();
  validating_.reset();
  event_free(timer_);
  event_free(stop_event_);
  event_base_free(base_);
}

void Worker::start(Clock::time_point epoch) {
  for (auto& slot : slots_) {
    slot->next_due = epoch + slot->target->offset;
    heap_.push_back(slot.get());
  }
  std::make_heap(heap_.begin(), heap_.end(), laterDue<Slot, Slot>);
  thread_ = std::thread(&Worker::run, this);
}

void Worker::stop() {
  // event_active is safe from other threads because the base is created after
  // evthread_use_pthreads() (see main).
  event_active(stop_event_, 0, 0);
}

void Worker::join() {
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Worker::run() {
  armTimer();
  event_base_dispatch(base_);
}

void Worker::onStop(int, short, void* arg) {
  event_base_loopbreak(static_cast<Worker*>(arg)->base_);
}

void Worker::onTimer(int, short, void* arg) { static_cast<Worker*>(arg)->startDue(); }

void Worker::startDue() {
  const Clock::time_point now = Clock::now();
  while (!heap_.empty() && heap_.front()->next_due <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), laterDue<Slot, Slot>);
    Slot* slot = heap_.back();
    heap_.pop_back();
    launch(*slot, now);
    if (mode_ == Mode::Continuous) {
      const std::chrono::milliseconds interval = slot->target->interval;
      slot->next_due += interval;
      // After a stall longer than the interval, skip the missed runs instead of bursting.
      while (slot->next_due <= now) {
        slot->next_due += interval;
      }
      heap_.push_back(slot);
      std::push_heap(heap_.begin(), heap_.end(), laterDue<Slot, Slot>);
    }
  }
  armTimer();
}

void Worker::launch(Slot& slot, Clock::time_point now) {
  const ProbeTarget& target = *slot.target;
  if (slot.in_flight || raw_->inFlight() + validating_->inFlight() >= kMaxInFlight) {
    sink_.onProbeSkipped(target);
    if (mode_ == Mode::Once) {
      complete(slot);  // check reports it as not run rather than waiting for it.
    }
    return;
  }
  auto lateness = std::chrono::duration_cast<std::chrono::milliseconds>(now - slot.next_due);
  sink_.onProbeStarted(target, lateness > late_threshold_ ? lateness
                                                          : std::chrono::milliseconds(0));
  slot.in_flight = true;
  Slot* slot_ptr = &slot;
  if (target.engine == Engine::Path) {
    path_->check(target.id, *target.resolver, *target.zone_spec,
                 [this, slot_ptr](PathResult result) {
                   sink_.onPathResult(*slot_ptr->target, result);
                   complete(*slot_ptr);
                 });
    return;
  }
  if (target.engine == Engine::Chain) {
    chain_->check(*target.zone_spec, [this, slot_ptr](ChainResult result) {
      sink_.onChainResult(*slot_ptr->target, result);
      complete(*slot_ptr);
    });
    return;
  }
  if (target.engine == Engine::Raw) {
    raw_->probe(*target.resolver, target.question, [this, slot_ptr](RawResult result) {
      sink_.onRawResult(*slot_ptr->target, result);
      complete(*slot_ptr);
    });
    return;
  }
  auto done = [this, slot_ptr](ValidationResult result) {
    sink_.onValidationResult(*slot_ptr->target, result);
    complete(*slot_ptr);
  };
  if (target.local_validation) {
    local_->probe(*target.resolver, target.question, target.zone, std::move(done));
  } else {
    validating_->probe(*target.resolver, target.question, std::move(done));
  }
}

void Worker::complete(Slot& slot) {
  slot.in_flight = false;
  if (mode_ == Mode::Once && !slot.done_once) {
    slot.done_once = true;
    if (++completed_ == slots_.size()) {
      event_base_loopbreak(base_);
    }
  }
}

void Worker::armTimer() {
  if (heap_.empty()) {
    if (mode_ == Mode::Once && completed_ == slots_.size()) {
      event_base_loopbreak(base_);
    }
    return;
  }
  auto wait = heap_.front()->next_due - Clock::now();
  auto micros = std::max<long long>(
      0, std::chrono::duration_cast<std::chrono::microseconds>(wait).count());
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(micros / 1'000'000);
  tv.tv_usec = static_cast<suseconds_t>(micros % 1'000'000);
  evtimer_add(timer_, &tv);
}

}  // namespace dw
