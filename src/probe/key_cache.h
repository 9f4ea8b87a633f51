// SPDX-License-Identifier: Apache-2.0
// DNSKEY RRsets obtained and validated by one trusted libunbound context, for local
// validation of answers from resolvers that have no context of their own.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "dns/dnssec.h"

struct event;
struct event_base;
struct ub_ctx;

namespace dw {

// Keys by zone, each fetched with a DNSKEY query through `key_resolver` and validated by
// libunbound against the trust anchors. Concurrent fetches of one zone share one query.
// Secure, insecure and bogus results are kept for `ttl`; a failed fetch for a few seconds.
//
// Not thread-safe: every call, and every callback, runs on the thread of `base`.
class KeyCache {
 public:
  struct Settings {
    std::chrono::milliseconds timeout{5000};
    std::vector<std::string> trust_anchor_files;
    ResolverSpec key_resolver;
    std::chrono::seconds ttl{60};
  };

  KeyCache(event_base* base, Settings settings);
  ~KeyCache();  // Drops pending fetches without calling their callbacks.
  KeyCache(const KeyCache&) = delete;
  KeyCache& operator=(const KeyCache&) = delete;

  // Returns the fresh keys of `zone` (canonical), or nullptr when unknown, expired or failed.
  const dns::ZoneKeys* lookup(const std::string& zone);

  // Makes sure `zone`'s keys are being fetched; `done` runs on the loop thread when the fetch
  // ends, or at once when a fresh result or a recent failure is cached.
  void fetch(const std::string& zone, std::function<void()> done);

  // Why the latest fetch of `zone` failed, or empty.
  std::string failure(const std::string& zone) const;

 private:
  struct Entry;
  static void onResult(void* arg, int rcode, void* packet, int packet_len, int sec,
                       char* why_bogus, int was_ratelimited);
  static void onDeadline(int fd, short what, void* arg);
  ub_ctx* context(std::string& error);
  void complete(Entry& entry);

  event_base* base_;
  Settings settings_;
  ub_ctx* context_ = nullptr;
  std::map<std::string, Entry*> entries_;  // Owned; freed in the destructor.
};

}  // namespace dw
