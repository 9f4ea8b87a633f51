// SPDX-License-Identifier: Apache-2.0
// The validating probe engine: libunbound contexts that forward to one resolver each and
// validate locally with the configured trust anchors, inside a shared libevent loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "probe/result.h"

struct event_base;
struct ub_ctx;

namespace dw {

// Runs validating probes. libunbound sends its queries with CD=1, so through a validating
// resolver it still gets a bogus zone's data and judges it itself; the raw engine is what
// sees the resolver's own SERVFAIL.
//
// One context per resolver, created on first use. A context costs about 1-1.5 MB resident
// once it has resolved a name, which is why the prober bounds how many resolvers get one.
//
// Not thread-safe: every call, and every callback, runs on the thread of `base`.
class ValidatingEngine {
 public:
  struct Settings {
    std::chrono::milliseconds timeout{5000};
    std::vector<std::string> trust_anchor_files;
  };
  using Callback = std::function<void(ValidationResult)>;

  ValidatingEngine(event_base* base, Settings settings);
  ~ValidatingEngine();  // Cancels probes in flight without calling their callbacks.
  ValidatingEngine(const ValidatingEngine&) = delete;
  ValidatingEngine& operator=(const ValidatingEngine&) = delete;

  // Starts one probe through `resolver`. `done` runs exactly once on the loop thread (possibly
  // before this returns, when the context cannot be set up), unless the engine is destroyed.
  void probe(const ResolverSpec& resolver, const ProbeSpec& question, Callback done);

  size_t inFlight() const { return probes_.size(); }
  size_t contextCount() const { return contexts_.size(); }

 private:
  struct Probe;
  static void onResult(void* arg, int rcode, void* packet, int packet_len, int sec,
                       char* why_bogus, int was_ratelimited);
  static void onDeadline(int fd, short what, void* arg);
  ub_ctx* contextFor(const ResolverSpec& resolver, std::string& error);
  void finish(Probe* probe);

  event_base* base_;
  Settings settings_;
  std::map<std::string, ub_ctx*> contexts_;  // By "address@port".
  std::map<uint64_t, std::unique_ptr<Probe>> probes_;  // In flight, by id.
  uint64_t next_id_ = 0;
};

}  // namespace dw
