// SPDX-License-Identifier: Apache-2.0
// Tests of state changes with hysteresis, including concurrent observers (run these under
// ThreadSanitizer or AddressSanitizer to check the locking as well as the counts).
#include "probe/hysteresis.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace dw {
namespace {

enum class State { Up, Down, Bogus };

TEST(HysteresisTest, FirstObservationSetsState) {
  Hysteresis<State> hysteresis(3);
  auto change = hysteresis.observe("r1", State::Down);
  ASSERT_TRUE(change.has_value());
  EXPECT_FALSE(change->from.has_value());
  EXPECT_EQ(change->to, State::Down);
  EXPECT_EQ(hysteresis.current("r1"), State::Down);
}

TEST(HysteresisTest, CurrentIsEmptyForUnknownKey) {
  Hysteresis<State> hysteresis(3);
  hysteresis.observe("r1", State::Up);
  EXPECT_EQ(hysteresis.current("r2"), std::nullopt);
}

TEST(HysteresisTest, RepeatedSameStateReportsNoChange) {
  Hysteresis<State> hysteresis(3);
  hysteresis.observe("r1", State::Up);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(hysteresis.observe("r1", State::Up).has_value()) << "observation " << i;
  }
  EXPECT_EQ(hysteresis.current("r1"), State::Up);
}

TEST(HysteresisTest, ChangesAfterThresholdConsecutiveObservations) {
  Hysteresis<State> hysteresis(3);
  hysteresis.observe("r1", State::Up);
  EXPECT_FALSE(hysteresis.observe("r1", State::Down).has_value());
  EXPECT_FALSE(hysteresis.observe("r1", State::Down).has_value());
  EXPECT_EQ(hysteresis.current("r1"), State::Up);
  auto change = hysteresis.observe("r1", State::Down);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->from, State::Up);
  EXPECT_EQ(change->to, State::Down);
  EXPECT_EQ(hysteresis.current("r1"), State::Down);
}

TEST(HysteresisTest, ReportsEachChangeOnce) {
  Hysteresis<State> hysteresis(2);
  hysteresis.observe("r1", State::Up);
  hysteresis.observe("r1", State::Down);
  ASSERT_TRUE(hysteresis.observe("r1", State::Down).has_value());
  EXPECT_FALSE(hysteresis.observe("r1", State::Down).has_value());
  EXPECT_FALSE(hysteresis.observe("r1", State::Down).has_value());
}

TEST(HysteresisTest, InterruptionResetsStreak) {
  Hysteresis<State> hysteresis(3);
  hysteresis.observe("r1", State::Up);
  hysteresis.observe("r1", State::Down);
  hysteresis.observe("r1", State::Down);
  hysteresis.observe("r1", State::Up);  // Breaks the streak of Down.
  EXPECT_FALSE(hysteresis.observe("r1", State::Down).has_value());
  EXPECT_FALSE(hysteresis.observe("r1", State::Down).has_value());
  EXPECT_EQ(hysteresis.current("r1"), State::Up);
  EXPECT_TRUE(hysteresis.observe("r1", State::Down).has_value());
}

TEST(HysteresisTest, OtherPendingStateRestartsStreak) {
  Hysteresis<State> hysteresis(3);
  hysteresis.observe("r1", State::Up);
  hysteresis.observe("r1", State::Down);
  hysteresis.observe("r1", State::Down);
  EXPECT_FALSE(hysteresis.observe("r1", State::Bogus).has_value());
  EXPECT_FALSE(hysteresis.observe("r1", State::Bogus).has_value());
  auto change = hysteresis.observe("r1", State::Bogus);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->from, State::Up);
  EXPECT_EQ(change->to, State::Bogus);
}

TEST(HysteresisTest, AlternatingObservationsNeverChangeState) {
  Hysteresis<State> hysteresis(2);
  hysteresis.observe("r1", State::Up);
  for (int i = 0; i < 20; ++i) {
    const State observed = i % 2 == 0 ? State::Down : State::Up;
    EXPECT_FALSE(hysteresis.observe("r1", observed).has_value()) << "observation " << i;
  }
  EXPECT_EQ(hysteresis.current("r1"), State::Up);
}

TEST(HysteresisTest, ThresholdOfOneChangesAtOnce) {
  Hysteresis<State> hysteresis(1);
  hysteresis.observe("r1", State::Up);
  auto change = hysteresis.observe("r1", State::Down);
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->to, State::Down);
}

TEST(HysteresisTest, KeysAreIndependent) {
  Hysteresis<State> hysteresis(2);
  hysteresis.observe("r1", State::Up);
  hysteresis.observe("r2", State::Up);
  hysteresis.observe("r1", State::Down);
  hysteresis.observe("r2", State::Up);
  EXPECT_TRUE(hysteresis.observe("r1", State::Down).has_value());
  EXPECT_EQ(hysteresis.current("r2"), State::Up);
}

// Many threads push the same key from Up to Down. Exactly one of them completes the change,
// whatever the interleaving, because every Down after the change matches the current state.
TEST(HysteresisTest, ConcurrentObserversReportOneChange) {
  constexpr int kThreads = 8;
  constexpr int kObservationsPerThread = 2000;
  Hysteresis<State> hysteresis(5);
  hysteresis.observe("shared", State::Up);
  std::atomic<int> changes{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&hysteresis, &changes] {
      for (int i = 0; i < kObservationsPerThread; ++i) {
        if (hysteresis.observe("shared", State::Down).has_value()) {
          ++changes;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(changes.load(), 1);
  EXPECT_EQ(hysteresis.current("shared"), State::Down);
}

// Each thread owns a few keys and creates them while the others insert theirs, so the map
// rehashes under concurrent use. Each key is observed Up once, then Down `threshold` times.
TEST(HysteresisTest, ConcurrentObserversOnOwnKeysSeeTheirChanges) {
  constexpr int kThreads = 8;
  constexpr int kKeysPerThread = 200;
  constexpr int kThreshold = 3;
  Hysteresis<State> hysteresis(kThreshold);
  std::vector<int> first_changes(kThreads, 0);
  std::vector<int> later_changes(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < kKeysPerThread; ++k) {
        const std::string key = "t" + std::to_string(t) + "k" + std::to_string(k);
        if (hysteresis.observe(key, State::Up).has_value()) {
          ++first_changes[t];
        }
        for (int i = 0; i < kThreshold; ++i) {
          if (hysteresis.observe(key, State::Down).has_value()) {
            ++later_changes[t];
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(first_changes[t], kKeysPerThread) << "thread " << t;
    EXPECT_EQ(later_changes[t], kKeysPerThread) << "thread " << t;
  }
  EXPECT_EQ(hysteresis.current("t0k0"), State::Down);
}

}  // namespace
}  // namespace dw
