// SPDX-License-Identifier: Apache-2.0
// The key cache of local validation against the lab's validating resolver.
#include "probe/key_cache.h"

#include <chrono>

#include <event2/event.h>
#include <gtest/gtest.h>

#include "lab_support.h"

namespace dw::test {
namespace {

class KeyCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = event_base_new();
    const Lab lab = readLab();
    settings_.timeout = std::chrono::milliseconds(500);
    settings_.trust_anchor_files = {lab.root_key};
    settings_.key_resolver.name = "validating";
    settings_.key_resolver.address = lab.validating;
    settings_.ttl = std::chrono::seconds(1);
  }
  void TearDown() override { event_base_free(base_); }

  // Runs the loop until `done` is set or `limit` passes.
  void runUntil(const bool& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      event_base_loop(base_, EVLOOP_NONBLOCK | EVLOOP_ONCE);
    }
  }
  void runFor(std::chrono::milliseconds duration) {
    const bool never = false;
    runUntil(never, duration);
  }

  event_base* base_ = nullptr;
  KeyCache::Settings settings_;
};

TEST_F(KeyCacheTest, FetchesSecureKeys) {
  KeyCache cache(base_, settings_);
  bool done = false;
  cache.fetch("good.lab.", [&done] { done = true; });
  runUntil(done, std::chrono::seconds(5));
  ASSERT_TRUE(done);
  const dns::ZoneKeys* keys = cache.lookup("good.lab.");
  ASSERT_NE(keys, nullptr) << cache.failure("good.lab.");
  EXPECT_EQ(keys->state, dns::ZoneKeys::State::Secure);
  ASSERT_NE(keys->keys, nullptr);
  EXPECT_EQ(keys->keys->size(), 2u);
}

TEST_F(KeyCacheTest, ReportsBogusKeys) {
  KeyCache cache(base_, settings_);
  bool done = false;
  cache.fetch("bogusds.lab.", [&done] { done = true; });
  runUntil(done, std::chrono::seconds(5));
  const dns::ZoneKeys* keys = cache.lookup("bogusds.lab.");
  ASSERT_NE(keys, nullptr) << cache.failure("bogusds.lab.");
  EXPECT_EQ(keys->state, dns::ZoneKeys::State::Bogus);
  EXPECT_FALSE(keys->why.empty());
}

// After the cache's own TTL, libunbound still has the DNSKEY RRset and answers the refresh
// from inside ub_resolve_event. That must not leave a deadline behind that later marks the
// fresh keys as failed.
TEST_F(KeyCacheTest, KeepsKeysRefreshedFromLibunboundCache) {
  KeyCache cache(base_, settings_);
  bool first = false;
  cache.fetch("good.lab.", [&first] { first = true; });
  runUntil(first, std::chrono::seconds(5));
  ASSERT_NE(cache.lookup("good.lab."), nullptr);
  runFor(std::chrono::milliseconds(1100));
  ASSERT_EQ(cache.lookup("good.lab."), nullptr) << "the entry outlived its TTL";

  bool second = false;
  cache.fetch("good.lab.", [&second] { second = true; });
  runUntil(second, std::chrono::seconds(5));
  ASSERT_TRUE(second);
  runFor(settings_.timeout + std::chrono::milliseconds(200));
  EXPECT_NE(cache.lookup("good.lab."), nullptr) << cache.failure("good.lab.");
  EXPECT_TRUE(cache.failure("good.lab.").empty()) << cache.failure("good.lab.");
}

}  // namespace
}  // namespace dw::test
