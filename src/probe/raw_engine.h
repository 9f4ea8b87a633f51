// SPDX-License-Identifier: Apache-2.0
// The raw probe engine: DNS queries built by us and sent by c-ares straight to one resolver,
// inside a libevent loop that other engines share.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <unordered_set>
#include <string>
#include <vector>

#include "config/config.h"
#include "probe/result.h"

struct event_base;

namespace dw {

class AresChannelPool;

struct RawProbeOptions {
  // Sends CD=1 from the start (for local validation) and so skips the CD=1 recheck.
  bool checking_disabled = false;
  bool keep_wire = false;  // Keep the final answer's bytes in Exchange::wire.
  // EDNS UDP payload size of this probe instead of the engine's; 0 sends no OPT record, and
  // so no DO bit either.
  std::optional<uint16_t> edns_buffer_size;
  // Asks over TCP only, into RawResult::tcp, for the full answer whatever its size.
  bool tcp_only = false;
  bool recheck_servfail = true;  // Ask a SERVFAIL again with CD=1.
  // RD: false for queries to authoritative servers, which must answer from their own data.
  bool recursion_desired = true;
};

// Sends raw probes: DO set, CD clear, the configured EDNS size. Truncated answers are kept
// and asked again over TCP; a SERVFAIL is asked again with CD=1.
//
// c-ares 1.18 channels are large (about 75 KB each, for their query tables), so channels are
// pooled per engine and pointed at a resolver only while they carry its query: memory grows
// with the probes in flight, not with the number of resolvers.
//
// Not thread-safe: every call, and every callback, runs on the thread of `base`.
class RawEngine {
 public:
  struct Settings {
    std::chrono::milliseconds timeout{5000};  // Deadline of each exchange.
    uint16_t edns_buffer_size = 1232;
  };
  using Callback = std::function<void(RawResult)>;
  using ProbeOptions = RawProbeOptions;

  RawEngine(event_base* base, Settings settings);
  ~RawEngine();  // Ends probes in flight without calling their callbacks.
  RawEngine(const RawEngine&) = delete;
  RawEngine& operator=(const RawEngine&) = delete;

  // Starts one probe. `done` runs exactly once on the loop thread, unless the engine is
  // destroyed first.
  void probe(const ResolverSpec& resolver, const ProbeSpec& question, Callback done,
             ProbeOptions options = {});

  size_t inFlight() const { return in_flight_; }

 private:
  struct Probe;
  enum class Step { Udp, Tcp, CdRecheck };

  void send(Probe* probe, Step step);
  static void onAnswer(void* arg, int status, int timeouts, unsigned char* abuf, int alen);
  void handleAnswer(Probe* probe, int status, const unsigned char* abuf, int alen);
  bool resendIfCut(Probe* probe, Exchange& exchange);
  void advance(Probe* probe);
  void finish(Probe* probe);

  uint16_t takeQueryId();

  event_base* base_;
  Settings settings_;
  // c-ares 1.18 sends the message ID of the buffer given to ares_send and matches answers by
  // ID and question alone. So every query in flight gets a random ID of its own, because with
  // equal IDs the answers to equal questions would reach the wrong callbacks.
  std::mt19937 random_;
  std::unordered_set<uint16_t> ids_in_flight_;
  std::unique_ptr<AresChannelPool> udp_pool_;
  std::unique_ptr<AresChannelPool> tcp_pool_;
  size_t in_flight_ = 0;
  bool stopping_ = false;
};

}  // namespace dw
