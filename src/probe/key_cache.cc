// SPDX-License-Identifier: Apache-2.0
#include "probe/key_cache.h"

#include <event2/event.h>
#include <unbound-event.h>
#include <unbound.h>

#include "log.h"

namespace dw {
namespace {

using Clock = std::chrono::steady_clock;

// A failed fetch is retried after this long, so that a dead key resolver is not hammered.
constexpr auto kFailureTtl = std::chrono::seconds(5);

}  // namespace

struct KeyCache::Entry {
  KeyCache* cache = nullptr;
  std::string zone;
  bool pending = false;
  bool known = false;  // keys contains a result (secure, insecure or bogus).
  dns::ZoneKeys keys;
  std::string failure;
  Clock::time_point expires{};
  int async_id = 0;
  event* deadline = nullptr;
  std::vector<std::function<void()>> waiters;
};

KeyCache::KeyCache(event_base* base, Settings settings)
    : base_(base), settings_(std::move(settings)) {}

KeyCache::~KeyCache() {
  for (auto& [zone, entry] : entries_) {
    if (entry->pending && context_ != nullptr) {
      ub_cancel(context_, entry->async_id);
    }
    if (entry->deadline != nullptr) {
      event_free(entry->deadline);
    }
    delete entry;
  }
  if (context_ != nullptr) {
    ub_ctx_delete(context_);
  }
}

ub_ctx* KeyCache::context(std::string& error) {
  if (context_ != nullptr) {
    return context_;
  }
  ub_ctx* created = ub_ctx_create_event(base_);
  if (created == nullptr) {
    error = "libunbound could not create the key context";
    return nullptr;
  }
  const ResolverSpec& resolver = settings_.key_resolver;
  const std::string forward = resolver.address + "@" + std::to_string(resolver.port);
  int status = ub_ctx_set_fwd(created, forward.c_str());
  if (status == 0) {
    status = ub_ctx_set_option(created, "do-not-query-localhost:", "no");
  }
  if (status == 0) {
    status = ub_ctx_set_option(created, "trust-anchor-signaling:", "no");
  }
  for (const std::string& file : settings_.trust_anchor_files) {
    if (status == 0) {
      status = ub_ctx_add_ta_file(created, file.c_str());
    }
  }
  if (status != 0) {
    error = std::string("libunbound key context setup failed: ") + ub_strerror(status);
    ub_ctx_delete(created);
    return nullptr;
  }
  context_ = created;
  return context_;
}

const dns::ZoneKeys* KeyCache::lookup(const std::string& zone) {
  auto found = entries_.find(zone);
  if (found == entries_.end() || !found->second->known ||
      found->second->expires <= Clock::now()) {
    return nullptr;
  }
  return &found->second->keys;
}

std::string KeyCache::failure(const std::string& zone) const {
  auto found = entries_.find(zone);
  return found == entries_.end() ? "" : found->second->failure;
}

void KeyCache::fetch(const std::string& zone, std::function<void()> done) {
  auto [found, inserted] = entries_.try_emplace(zone, nullptr);
  if (inserted) {
    found->second = new Entry;
    found->second->cache = this;
    found->second->zone = zone;
  }
  Entry& entry = *found->second;
  if (!entry.pending && entry.expires > Clock::now()) {
    done();  // A fresh result or a recent failure: nothing to wait for.
    return;
  }
  entry.waiters.push_back(std::move(done));
  if (entry.pending) {
    return;
  }
  std::string error;
  ub_ctx* ctx = context(error);
  // Pending before the call: libunbound answers a cached DNSKEY RRset from inside
  // ub_resolve_event, and onResult then completes the entry at once.
  entry.pending = true;
  int status = ctx == nullptr ? UB_INITFAIL
                              : ub_resolve_event(ctx, zone.c_str(), 48 /* DNSKEY */, 1, &entry,
                                                 &KeyCache::onResult, &entry.async_id);
  if (!entry.pending) {
    return;
  }
  if (status != 0) {
    entry.pending = false;
    entry.failure = error.empty() ? ub_strerror(status) : error;
    complete(entry);
    return;
  }
  entry.deadline = evtimer_new(base_, &KeyCache::onDeadline, &entry);
  timeval tv{};
  tv.tv_sec = settings_.timeout.count() / 1000;
  tv.tv_usec = static_cast<suseconds_t>((settings_.timeout.count() % 1000) * 1000);
  evtimer_add(entry.deadline, &tv);
}

void KeyCache::onResult(void* arg, int error, void* packet, int packet_len, int sec,
                        char* why_bogus, int) {
  auto* entry = static_cast<Entry*>(arg);
  entry->pending = false;
  entry->failure.clear();
  if (error != 0 || packet == nullptr || packet_len < 12) {
    entry->failure = std::string("DNSKEY query for ") + entry->zone + " failed: " +
                     (error != 0 ? ub_strerror(error) : "no answer");
    entry->cache->complete(*entry);
    return;
  }
  // The callback's second argument is a libunbound error code; the rcode is in the header.
  const int rcode = static_cast<const uint8_t*>(packet)[3] & 0x0f;
  auto published = dns::KeySet::fromAnswer(static_cast<const uint8_t*>(packet),
                                           static_cast<size_t>(packet_len), entry->zone);
  // libunbound's event callback passes sec as 0 insecure, 1 bogus, 2 secure.
  if (sec == 2) {
    // Without a DNSKEY RRset the name is not a zone apex, but it lies in a signed zone.
    entry->keys = dns::ZoneKeys{dns::ZoneKeys::State::Secure, published, "", published};
  } else if (sec == 1) {
    entry->keys = dns::ZoneKeys{dns::ZoneKeys::State::Bogus, nullptr,
                                why_bogus != nullptr ? why_bogus : "bogus", published};
  } else if (rcode == 0 || rcode == 3) {
    entry->keys = dns::ZoneKeys{dns::ZoneKeys::State::Insecure, nullptr, "", published};
  } else {
    entry->failure = "DNSKEY query for " + entry->zone + " failed with rcode " +
                     std::to_string(rcode);
  }
  entry->cache->complete(*entry);
}

void KeyCache::onDeadline(int, short, void* arg) {
  auto* entry = static_cast<Entry*>(arg);
  if (entry->pending) {
    ub_cancel(entry->cache->context_, entry->async_id);
    entry->pending = false;
  }
  entry->failure = "DNSKEY query for " + entry->zone + " timed out";
  entry->cache->complete(*entry);
}

void KeyCache::complete(Entry& entry) {
  if (entry.deadline != nullptr) {
    event_free(entry.deadline);
    entry.deadline = nullptr;
  }
  entry.known = entry.failure.empty();
  entry.expires = Clock::now() + (entry.known ? std::chrono::duration_cast<Clock::duration>(
                                                    settings_.ttl)
                                              : std::chrono::duration_cast<Clock::duration>(
                                                    kFailureTtl));
  if (!entry.known) {
    logger("probe")->warn("key fetch failed zone={} key_resolver={} error=\"{}\"", entry.zone,
                          settings_.key_resolver.name, entry.failure);
  }
  std::vector<std::function<void()>> waiters;
  waiters.swap(entry.waiters);
  for (auto& waiter : waiters) {
    waiter();
  }
}

}  // namespace dw
