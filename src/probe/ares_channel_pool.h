// SPDX-License-Identifier: Apache-2.0
// A pool of c-ares channels driven by a libevent loop through c-ares's socket-state callback.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <ares.h>

struct event;
struct event_base;

namespace dw {

class AresChannel;

// Hands out c-ares channels pointed at one server each. Queries to the same server share a
// channel, so the pool keeps about one channel per server with queries in flight. A channel
// returns to the pool once its last query has ended; idle channels beyond `max_idle` are
// destroyed.
//
// Not thread-safe: every call runs on the thread of `base`.
class AresChannelPool {
 public:
  // `flags` are ARES_FLAG_* values; every channel makes one try with `timeout`.
  AresChannelPool(event_base* base, int flags, std::chrono::milliseconds timeout,
                  size_t max_idle);
  ~AresChannelPool();  // Destroys every channel: c-ares calls pending callbacks.

  // Returns a channel pointed at address:port for one query, or nullptr with `error` set.
  // Every successful acquire() needs one release().
  AresChannel* acquire(const std::string& address, int family, uint16_t port, std::string& error);

  // Ends one query's use of a channel. Safe to call from inside the query's own callback:
  // a channel without queries is recycled on a later loop turn.
  void release(AresChannel* channel);

  // Sends a query on `channel` and arms its timer.
  void send(AresChannel* channel, const std::vector<unsigned char>& query,
            ares_callback callback, void* arg);

  // True when c-ares has resent a query on `channel` without its OPT record, after a FORMERR
  // answer without OPT: the resolver does not understand EDNS. c-ares then cuts every later
  // UDP answer on that channel to 512 octets, so the caller retires it.
  bool ednsDropped(const AresChannel* channel) const;

  // Stops handing out `channel` to new queries; it is destroyed once its queries end.
  void retire(AresChannel* channel);

  size_t channelCount() const { return all_.size(); }

 private:
  static void onRecycle(int fd, short what, void* arg);

  event_base* base_;
  int flags_;
  std::chrono::milliseconds timeout_;
  size_t max_idle_;
  std::vector<std::unique_ptr<AresChannel>> all_;
  std::vector<AresChannel*> idle_;
  // The channel that new queries to a server share, by "address|port".
  std::unordered_map<std::string, AresChannel*> active_;
  std::vector<AresChannel*> to_recycle_;
  event* recycle_event_ = nullptr;
};

}  // namespace dw
