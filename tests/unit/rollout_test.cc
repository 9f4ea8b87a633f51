// SPDX-License-Identifier: Apache-2.0
// Rollout phases: detection from chain-check rounds, confirmation, waits and watches, the
// status and its blockers, the state file, and the tracker across a restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dns/codes.h"
#include "metrics/rollout_collector.h"
#include "probe/chain_result.h"
#include "rollout/history.h"
#include "rollout/state_file.h"
#include "rollout/status.h"
#include "rollout/tracker.h"

namespace dw {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kT0 = 1'700'000'000;  // Some time in 2023, before the test's clock.
constexpr int64_t kDay = 86400;

dns::RecordSet rrset(const std::string& owner, uint16_t type, uint32_t ttl,
                     std::vector<std::string> rdata = {"x"}) {
  dns::RecordSet set;
  set.owner = owner;
  set.type = type;
  set.ttl = ttl;
  set.rdata = std::move(rdata);
  return set;
}

// A round for example.com. with one authoritative server per entry of `signing` and one
// parent server per entry of `ds_at_parent`, every TTL `ttl`.
ChainResult round(std::vector<bool> signing, std::vector<bool> ds_at_parent, uint32_t ttl = 300) {
  ChainResult result;
  result.zone = "example.com.";
  result.parent = "com.";
  for (size_t i = 0; i < signing.size(); ++i) {
    AuthServer server;
    server.address = "192.0.2." + std::to_string(i + 1);
    server.result = "ok";
    server.in_sync = true;
    server.signed_zone = signing[i];
    server.rrsets.push_back(rrset("example.com.", dns::kTypeSoa, ttl,
                                  {"ns.example.com. h.example.com. 1 3600 600 86400 " +
                                   std::to_string(ttl)}));
    server.rrsets.push_back(rrset("example.com.", dns::kTypeNs, ttl, {"ns.example.com."}));
    server.rrsets.push_back(rrset("www.example.com.", dns::kTypeA, ttl, {"192.0.2.80"}));
    result.servers.push_back(server);
  }
  result.in_sync = true;
  bool all = true;
  bool none = true;
  for (size_t i = 0; i < ds_at_parent.size(); ++i) {
    ParentServer parent;
    parent.address = "198.51.100." + std::to_string(i + 1);
    parent.result = "ok";
    parent.delegation_ns_ttl = 172800;
    if (ds_at_parent[i]) {
      parent.ds.push_back(dns::DsFields{12345, 13, 2, "AB"});
      parent.ds_ttl = 3600;
    }
    all = all && ds_at_parent[i];
    none = none && !ds_at_parent[i];
    result.parents.push_back(parent);
  }
  result.ds_consistent = all || none;
  if (!none) {
    result.ds.push_back(
        DsFinding{dns::DsFields{12345, 13, 2, "AB"}, dns::DsStatus::Match, "", {}});
  }
  return result;
}

TEST(ServedPhaseTest, FollowsSigningAndTheDs) {
  EXPECT_EQ(servedPhase(round({false, false}, {false})), Phase::Unsigned);
  EXPECT_EQ(servedPhase(round({true, false}, {false})), Phase::Unsigned);
  EXPECT_EQ(servedPhase(round({true, true}, {false})), Phase::Signed);
  EXPECT_EQ(servedPhase(round({true, true}, {false, true})), Phase::DsPublished);
}

TEST(ServedPhaseTest, RoundThatReachedNoServerTellsNothing) {
  ChainResult silent = round({true}, {false});
  silent.servers[0].result = "timeout";
  EXPECT_EQ(servedPhase(silent), std::nullopt);
  ChainResult no_parent = round({true}, {false});
  no_parent.parents[0].result = "timeout";
  EXPECT_EQ(servedPhase(no_parent), std::nullopt);
  ChainResult failed = round({true}, {false});
  failed.error = "the key resolver timed out";
  EXPECT_EQ(servedPhase(failed), std::nullopt);
}

TEST(ObserveRoundTest, ChangeNeedsTwoRounds) {
  ZoneHistory history;
  EXPECT_TRUE(observeRound(history, round({false}, {false}), kT0));
  EXPECT_EQ(history.phase, Phase::Unsigned);
  EXPECT_FALSE(history.seen_entering);

  observeRound(history, round({true}, {false}), kT0 + 60);
  EXPECT_EQ(history.phase, Phase::Unsigned) << "one round is not enough";
  EXPECT_EQ(history.pending, Phase::Signed);
  observeRound(history, round({true}, {false}), kT0 + 120);
  EXPECT_EQ(history.phase, Phase::Signed);
  EXPECT_EQ(history.since, kT0 + 60) << "the transition dates from the first round that saw it";
  EXPECT_TRUE(history.seen_entering);
  ASSERT_EQ(history.transitions.size(), 2u);
  EXPECT_EQ(history.transitions[1].from, Phase::Unsigned);
  EXPECT_EQ(history.transitions[1].to, Phase::Signed);
}

TEST(ObserveRoundTest, OneOddRoundDoesNotFlipThePhase) {
  ZoneHistory history;
  observeRound(history, round({true}, {false}), kT0);
  observeRound(history, round({false}, {false}), kT0 + 60);
  observeRound(history, round({true}, {false}), kT0 + 120);
  EXPECT_EQ(history.phase, Phase::Signed);
  EXPECT_FALSE(history.pending.has_value());
  EXPECT_EQ(history.transitions.size(), 1u);
}

TEST(ObserveRoundTest, UnsignedAnswersBoundTheSigningWait) {
  ZoneHistory history;
  observeRound(history, round({false}, {false}, 86400), kT0);
  observeRound(history, round({false}, {false}, 3600), kT0 + kDay);
  EXPECT_EQ(history.unsigned_cache_until, kT0 + kDay + 3600)
      << "the day-long TTL of the first round ran out before the later round's hour";
  observeRound(history, round({true}, {false}, 3600), kT0 + kDay + 60);
  observeRound(history, round({true}, {false}, 3600), kT0 + kDay + 120);
  ASSERT_EQ(history.phase, Phase::Signed);
  const PhaseSchedule schedule = phaseSchedule(history, Phase::Signed);
  EXPECT_EQ(schedule.wait_end, kT0 + kDay + 60 + 3600);
  EXPECT_EQ(schedule.watch_end, kT0 + kDay + 60 + 14 * kDay);
}

TEST(ObserveRoundTest, DsWaitEndsInStable) {
  ZoneHistory history;
  observeRound(history, round({true}, {false, false}), kT0);
  observeRound(history, round({true}, {true, false}), kT0 + 60);
  observeRound(history, round({true}, {true, false}), kT0 + 120);
  ASSERT_EQ(history.phase, Phase::DsPublished);
  EXPECT_FALSE(phaseSchedule(history, Phase::DsPublished).wait_known);

  observeRound(history, round({true}, {true, true}), kT0 + 180);
  PhaseSchedule schedule = phaseSchedule(history, Phase::DsPublished);
  ASSERT_TRUE(schedule.wait_known);
  // 10 minutes to settle, then the delegation's NS TTL of 2 days, then two weeks.
  EXPECT_EQ(schedule.wait_end, kT0 + 180 + 600 + 172800);
  EXPECT_EQ(schedule.watch_end, schedule.wait_end + 14 * kDay);

  observeRound(history, round({true}, {true, true}), schedule.watch_end + 1);
  EXPECT_EQ(history.phase, Phase::Stable);
  EXPECT_EQ(history.since, schedule.watch_end);
}

TEST(ObserveRoundTest, RemovedDsIsARollbackToSigned) {
  ZoneHistory history;
  observeRound(history, round({true}, {true}), kT0);
  observeRound(history, round({true}, {false}), kT0 + 60);
  observeRound(history, round({true}, {false}), kT0 + 120);
  EXPECT_EQ(history.phase, Phase::Signed);
  EXPECT_EQ(history.ds_everywhere_at, 0);
  EXPECT_EQ(history.transitions.back().from, Phase::DsPublished);
}

TEST(EvaluateRolloutTest, PrepareNeedsTheTtlsLowered) {
  ZoneHistory history;
  const ChainResult high = round({false}, {false}, 86400);
  observeRound(history, high, kT0);
  RolloutStatus status = evaluateRollout("example.com.", history, &high, std::nullopt, kT0);
  EXPECT_EQ(status.phase, Phase::Unsigned);
  EXPECT_EQ(status.next_step, "enable signing");
  EXPECT_FALSE(status.ready);
  EXPECT_THAT(status.blockers, testing::Contains(HasSubstr("max TTL at most 3600 s: 86400 s")));
  EXPECT_EQ(status.rollback_effective, 0u);

  const ChainResult low = round({false}, {false}, 3600);
  observeRound(history, low, kT0 + 60);
  status = evaluateRollout("example.com.", history, &low, std::nullopt, kT0 + 60);
  EXPECT_TRUE(status.ready) << testing::PrintToString(status.blockers);
}

TEST(EvaluateRolloutTest, SigningWaitsTheOldTtlAndTheWatch) {
  ZoneHistory history;
  observeRound(history, round({false}, {false}, 3600), kT0);
  const ChainResult signed_round = round({true}, {false}, 3600);
  observeRound(history, signed_round, kT0 + 60);
  observeRound(history, signed_round, kT0 + 120);
  RolloutStatus status =
      evaluateRollout("example.com.", history, &signed_round, std::nullopt, kT0 + 120);
  EXPECT_EQ(status.phase, Phase::Signed);
  EXPECT_EQ(status.schedule.wait_end, kT0 + 60 + 3600);
  EXPECT_EQ(status.next_step_at, kT0 + 60 + 14 * kDay);
  EXPECT_FALSE(status.ready);
  ASSERT_EQ(status.blockers.size(), 2u) << testing::PrintToString(status.blockers);
  EXPECT_THAT(status.blockers[0], HasSubstr("wait until resolvers drop the unsigned answers"));
  EXPECT_THAT(status.blockers[1], HasSubstr("two-week watch"));
  EXPECT_EQ(status.rollback_effective, 3600u);

  status = evaluateRollout("example.com.", history, &signed_round, std::nullopt,
                           kT0 + 60 + 14 * kDay);
  EXPECT_TRUE(status.ready);
}

TEST(EvaluateRolloutTest, ServerStillUnsignedBlocksTheDs) {
  ZoneHistory history;
  const ChainResult half = round({true, true}, {false});
  observeRound(history, half, kT0);
  ChainResult now = half;
  now.servers[1].signed_zone = false;
  const RolloutStatus status =
      evaluateRollout("example.com.", history, &now, std::nullopt, kT0 + 20 * kDay);
  EXPECT_FALSE(status.ready);
  EXPECT_THAT(status.blockers,
              testing::Contains(HasSubstr("every server signs the zone: unsigned at 192.0.2.2")));
}

TEST(EvaluateRolloutTest, ConfiguredPhaseWinsAndAMismatchIsABlocker) {
  ZoneHistory history;
  const ChainResult unsigned_round = round({false}, {false});
  observeRound(history, unsigned_round, kT0);
  RolloutStatus status =
      evaluateRollout("example.com.", history, &unsigned_round, Phase::Signed, kT0);
  EXPECT_EQ(status.phase, Phase::Signed);
  EXPECT_EQ(status.detected, Phase::Unsigned);
  EXPECT_TRUE(status.mismatch);
  EXPECT_THAT(status.blockers,
              testing::Contains(HasSubstr("config says signed but the servers serve unsigned")));

  const ChainResult published = round({true}, {true});
  ZoneHistory seen_with_ds;
  observeRound(seen_with_ds, published, kT0);
  status = evaluateRollout("example.com.", seen_with_ds, &published, Phase::Stable, kT0);
  EXPECT_FALSE(status.mismatch) << "stable is a DS published two weeks ago";
  EXPECT_TRUE(status.ready) << testing::PrintToString(status.blockers);
  EXPECT_EQ(status.rollback_effective, 3600u) << "the DS TTL";
}

TEST(EvaluateRolloutTest, NoRoundYetIsNotReady) {
  ZoneHistory history;
  observeRound(history, round({true}, {true}), kT0 - 30 * kDay);
  const RolloutStatus status =
      evaluateRollout("example.com.", history, nullptr, std::nullopt, kT0);
  EXPECT_EQ(status.phase, Phase::DsPublished);
  EXPECT_FALSE(status.ready);
  EXPECT_THAT(status.blockers, testing::Contains(HasSubstr("no round has run yet")));
}

// --- the state file ---------------------------------------------------------------------

class StateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/dw-rollout-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/state.yaml";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static RolloutState sample() {
    ZoneHistory history;
    observeRound(history, round({false}, {false}, 7200), kT0);
    observeRound(history, round({true}, {false}), kT0 + 60);
    observeRound(history, round({true}, {false}), kT0 + 120);
    observeRound(history, round({true}, {true}), kT0 + 180);
    return RolloutState{{"example.com.", history}};
  }

  // The FILE.corrupt.TIME copies beside the state file.
  size_t corruptCopies() const {
    size_t copies = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      copies += entry.path().filename().string().starts_with("state.yaml.corrupt.") ? 1 : 0;
    }
    return copies;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(StateFileTest, RoundTripKeepsEveryField) {
  const RolloutState state = sample();
  std::string error;
  ASSERT_TRUE(writeStateFile(path_, state, error)) << error;
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp." + std::to_string(getpid())));
  const StateFileRead read = readStateFile(path_);
  ASSERT_EQ(read.outcome, StateFileRead::Outcome::Read) << read.problem;
  const ZoneHistory& a = state.at("example.com.");
  const ZoneHistory& b = read.state.at("example.com.");
  EXPECT_EQ(b.phase, a.phase);
  EXPECT_EQ(b.since, a.since);
  EXPECT_EQ(b.seen_entering, a.seen_entering);
  EXPECT_EQ(b.pending, a.pending);
  EXPECT_EQ(b.pending_since, a.pending_since);
  EXPECT_EQ(b.unsigned_cache_until, a.unsigned_cache_until);
  EXPECT_EQ(b.ds_everywhere_at, a.ds_everywhere_at);
  EXPECT_EQ(b.ttls.get(TtlKind::Max), a.ttls.get(TtlKind::Max));
  EXPECT_EQ(b.ttls.get(TtlKind::NsParent), 172800u);
  ASSERT_EQ(b.transitions.size(), a.transitions.size());
  EXPECT_EQ(b.transitions[0].from, std::nullopt);
  EXPECT_EQ(b.transitions[1].from, Phase::Unsigned);
  EXPECT_EQ(b.transitions[1].at, kT0 + 60);
}

TEST_F(StateFileTest, CorruptTextNamesTheLine) {
  std::ofstream(path_) << "version: 1\nzones:\n  example.com.:\n    phase: halfway\n";
  const StateFileRead read = readStateFile(path_);
  EXPECT_EQ(read.outcome, StateFileRead::Outcome::Corrupt);
  EXPECT_THAT(read.problem, HasSubstr("line 4"));
  EXPECT_THAT(read.problem, HasSubstr("halfway"));
  std::ofstream(path_) << "version: 1\nzones: {a.: {since: [\n";
  EXPECT_EQ(readStateFile(path_).outcome, StateFileRead::Outcome::Corrupt);
  EXPECT_EQ(readStateFile(dir_ + "/absent.yaml").outcome, StateFileRead::Outcome::Missing);
}

TEST_F(StateFileTest, FailedWriteLeavesTheOldFile) {
  std::string error;
  ASSERT_TRUE(writeStateFile(path_, sample(), error));
  const std::string before = stateText(sample());
  const std::string temporary = path_ + ".tmp." + std::to_string(getpid());
  std::filesystem::create_directory(temporary);  // Blocks the temporary file.
  EXPECT_FALSE(writeStateFile(path_, RolloutState{}, error));
  EXPECT_THAT(error, HasSubstr(temporary));
  EXPECT_EQ(parseStateText(before, kT0).size(), readStateFile(path_).state.size());
}

// --- the tracker --------------------------------------------------------------------------

Config trackerConfig(const std::string& state_file) {
  Config config;
  config.state_file = state_file;
  ZoneSpec zone;
  zone.name = "example.com.";
  config.zones.push_back(zone);
  return config;
}

TEST_F(StateFileTest, TrackerKeepsTransitionsAcrossARestart) {
  {
    RolloutTracker tracker;
    tracker.configure(trackerConfig(path_));
    EXPECT_EQ(tracker.stateErrors().at("missing"), 1u);
    tracker.observe("example.com.", round({false}, {false}), kT0);
    tracker.observe("example.com.", round({true}, {false}), kT0 + 60);
    tracker.observe("example.com.", round({true}, {false}), kT0 + 120);
  }
  RolloutTracker restarted;
  restarted.configure(trackerConfig(path_));
  EXPECT_EQ(restarted.stateErrors().at("missing"), 0u);
  const std::vector<RolloutStatus> statuses = restarted.statuses(kT0 + 180);
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].phase, Phase::Signed);
  EXPECT_EQ(statuses[0].since, kT0 + 60);
  EXPECT_EQ(statuses[0].last_transition, kT0 + 60);
  EXPECT_EQ(statuses[0].schedule.wait_end, kT0 + 60 + 300);
}

TEST_F(StateFileTest, TrackerMovesACorruptFileAsideAndRebuildsIt) {
  std::ofstream(path_) << "not: [valid\n";
  RolloutTracker tracker;
  tracker.configure(trackerConfig(path_));
  EXPECT_EQ(tracker.stateErrors().at("corrupt"), 1u);
  EXPECT_EQ(corruptCopies(), 1u);
  tracker.observe("example.com.", round({true}, {false}), kT0);
  EXPECT_EQ(readStateFile(path_).outcome, StateFileRead::Outcome::Read);
}

TEST_F(StateFileTest, CollectorExportsThePhaseAndTheWaits) {
  auto tracker = std::make_shared<RolloutTracker>();
  tracker->configure(trackerConfig(path_));
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  tracker->observe("example.com.", round({false}, {false}, 3600), now - 120);
  tracker->observe("example.com.", round({true}, {false}, 3600), now - 60);
  tracker->observe("example.com.", round({true}, {false}, 3600), now);

  RolloutCollector collector(tracker, "here");
  std::map<std::string, double> values;
  for (const prometheus::MetricFamily& family : collector.Collect()) {
    for (const prometheus::ClientMetric& metric : family.metric) {
      std::string key = family.name;
      for (const auto& label : metric.label) {
        key += "," + label.name + "=" + label.value;
      }
      values[key] = family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                                    : metric.gauge.value;
    }
  }

  const std::string zone = ",vantage=here,zone=example.com.";
  EXPECT_EQ(values["dnssec_watch_rollout_phase" + zone + ",phase=signed"], 1);
  EXPECT_EQ(values["dnssec_watch_rollout_phase" + zone + ",phase=unsigned"], 0);
  EXPECT_EQ(values["dnssec_watch_rollout_transition_timestamp_seconds" + zone], now - 60);
  // Signed since `now - 60`, and the answers before had a TTL of an hour.
  EXPECT_NEAR(values["dnssec_watch_rollout_wait_remaining_seconds" + zone], 3600 - 60, 2);
  EXPECT_NEAR(values["dnssec_watch_rollout_watch_remaining_seconds" + zone], 14 * kDay - 60, 2);
  EXPECT_EQ(values["dnssec_watch_rollout_ready" + zone], 0);
  EXPECT_EQ(values["dnssec_watch_rollout_rollback_effective_seconds" + zone], 3600);
  EXPECT_EQ(values["dnssec_watch_ttl_seconds" + zone + ",ttl=soa_minimum"], 3600);
  EXPECT_EQ(values["dnssec_watch_ttl_above_recommendation" + zone + ",ttl=max"], 0);
  EXPECT_EQ(values["dnssec_watch_state_file_errors_total,vantage=here,reason=missing"], 1);
}

TEST_F(StateFileTest, TimesOutsideTheClockRangeAreCorrupt) {
  const std::string zone = "version: 1\nzones:\n  a.:\n    phase: signed\n    since: ";
  const std::string rest = "\n    seen_entering: true\n    unsigned_cache_until: 0\n"
                           "    ds_everywhere_at: 0\n    transitions: []\n";
  for (const std::string& since :
       std::vector<std::string>{"9223372036854775807", "-5", std::to_string(kT0 + 2 * kDay)}) {
    SCOPED_TRACE(since);
    EXPECT_THROW(parseStateText(zone + since + rest, kT0), std::runtime_error);
  }
  EXPECT_EQ(parseStateText(zone + std::to_string(kT0 - kDay) + rest, kT0).size(), 1u);
  try {
    parseStateText(zone + "-5" + rest, kT0);
  } catch (const std::runtime_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("line 5: 'since' is the time -5, outside 2000"));
  }
}

TEST_F(StateFileTest, LongTransitionListIsCutOnLoad) {
  std::string text = "version: 1\nzones:\n  a.:\n    phase: signed\n    since: " +
                     std::to_string(kT0) + "\n    seen_entering: true\n"
                     "    unsigned_cache_until: 0\n    ds_everywhere_at: 0\n    transitions:\n";
  for (int i = 0; i < 1000; ++i) {
    text += "      - {to: signed, at: " + std::to_string(kT0 - 1000 + i) + "}\n";
  }
  const RolloutState state = parseStateText(text, kT0);
  EXPECT_EQ(state.at("a.").transitions.size(), kKeptTransitions);
  EXPECT_EQ(state.at("a.").transitions.back().at, kT0 - 1);
}

TEST_F(StateFileTest, ZoneNamesBecomeCanonical) {
  const std::string entry = ":\n    phase: signed\n    since: " + std::to_string(kT0) +
                            "\n    seen_entering: true\n    unsigned_cache_until: 0\n"
                            "    ds_everywhere_at: 0\n    transitions: []\n";
  const RolloutState state =
      parseStateText("version: 1\nzones:\n  Example.COM" + entry, kT0);
  EXPECT_EQ(state.count("example.com."), 1u);
  EXPECT_THROW(parseStateText("version: 1\nzones:\n  a.b" + entry + "  A.B." + entry, kT0),
               std::runtime_error);
}

TEST_F(StateFileTest, FifoIsNotOpened) {
  ASSERT_EQ(mkfifo(path_.c_str(), 0644), 0);
  const StateFileRead read = readStateFile(path_);  // Would block forever if opened.
  EXPECT_EQ(read.outcome, StateFileRead::Outcome::Unreadable);
  EXPECT_EQ(read.problem, "not a regular file");
}

TEST_F(StateFileTest, ControlBytesInAProblemAreEscaped) {
  std::ofstream(path_) << "version: 1\nzones: \"\\\x06\"\n";
  const StateFileRead read = readStateFile(path_);
  EXPECT_EQ(read.outcome, StateFileRead::Outcome::Corrupt);
  EXPECT_EQ(read.problem.find('\x06'), std::string::npos) << read.problem;
}

TEST_F(StateFileTest, SecondLockOnTheSameFileFails) {
  StateFileLock first(path_);
  std::string error;
  ASSERT_TRUE(first.acquire(error)) << error;
  StateFileLock second(path_);
  EXPECT_FALSE(second.acquire(error));
  EXPECT_THAT(error, HasSubstr("another dnssec-watch run holds " + path_ + ".lock"));
}

TEST_F(StateFileTest, TrackerRetriesAFailedWriteWithoutAChange) {
  RolloutTracker tracker;
  tracker.configure(trackerConfig(path_));
  const std::string temporary = path_ + ".tmp." + std::to_string(getpid());
  std::filesystem::create_directory(temporary);
  tracker.observe("example.com.", round({true}, {false}), kT0);
  EXPECT_EQ(tracker.stateErrors().at("write"), 1u);
  std::filesystem::remove(temporary);
  // The same phase again: nothing changed, but the history has not reached the disk yet.
  tracker.observe("example.com.", round({true}, {false}), kT0 + 60);
  const StateFileRead read = readStateFile(path_);
  ASSERT_EQ(read.outcome, StateFileRead::Outcome::Read) << read.problem;
  EXPECT_EQ(read.state.at("example.com.").phase, Phase::Signed);
}

TEST_F(StateFileTest, ReloadToANewPathKeepsTheHistory) {
  RolloutTracker tracker;
  tracker.configure(trackerConfig(path_));
  tracker.observe("example.com.", round({true}, {false}), kT0);
  const std::string moved = dir_ + "/moved.yaml";
  tracker.configure(trackerConfig(moved));
  EXPECT_EQ(tracker.stateErrors().at("missing"), 1u) << "counted at the start only";
  const StateFileRead read = readStateFile(moved);
  ASSERT_EQ(read.outcome, StateFileRead::Outcome::Read) << read.problem;
  EXPECT_EQ(read.state.at("example.com.").since, kT0);
}

TEST(BrokenNowTest, DsBesideAnUnsignedServerIsBroken) {
  ZoneHistory history;
  ChainResult result = round({true, true}, {true});
  observeRound(history, result, kT0);
  result.servers[1].signed_zone = false;
  const RolloutStatus status = evaluateRollout("example.com.", history, &result, std::nullopt, kT0);
  ASSERT_EQ(status.broken.size(), 1u);
  EXPECT_THAT(status.broken[0], HasSubstr("192.0.2.2 serve the zone unsigned"));
  EXPECT_THAT(status.blockers.front(), HasSubstr("broken now: "));
}

TEST(BrokenNowTest, DsMatchingNoKeyIsBroken) {
  ZoneHistory history;
  ChainResult result = round({true}, {true});
  result.ds = {DsFinding{dns::DsFields{1, 13, 2, "AB"}, dns::DsStatus::NoMatch, "", {}}};
  observeRound(history, result, kT0);
  const RolloutStatus status = evaluateRollout("example.com.", history, &result, std::nullopt, kT0);
  ASSERT_EQ(status.broken.size(), 1u);
  EXPECT_THAT(status.broken[0], HasSubstr("no DS at the parent matches a key"));
}

TEST(BrokenNowTest, RemovedDsStaysCachedForItsTtl) {
  ZoneHistory history;
  observeRound(history, round({true}, {true}), kT0);
  observeRound(history, round({true}, {false}), kT0 + 60);
  const ChainResult removed = round({true}, {false});
  observeRound(history, removed, kT0 + 120);
  ASSERT_EQ(history.phase, Phase::Signed);
  EXPECT_EQ(history.ds_cache_until, kT0 + 3600) << "the last round with a DS plus its TTL";
  RolloutStatus status = evaluateRollout("example.com.", history, &removed, std::nullopt, kT0 + 120);
  EXPECT_THAT(status.rollback, HasSubstr("when resolvers have dropped the removed DS"));
  EXPECT_THAT(status.blockers,
              testing::Contains(HasSubstr("resolvers dropped the DS that the parent no longer")));
  EXPECT_TRUE(status.broken.empty());

  // Signing removed too, before the DS left the caches.
  const ChainResult unsigned_round = round({false}, {false});
  observeRound(history, unsigned_round, kT0 + 180);
  observeRound(history, unsigned_round, kT0 + 240);
  status = evaluateRollout("example.com.", history, &unsigned_round, std::nullopt, kT0 + 240);
  EXPECT_EQ(status.phase, Phase::Unsigned);
  EXPECT_FALSE(status.ready);
  ASSERT_EQ(status.broken.size(), 1u);
  EXPECT_THAT(status.broken[0], HasSubstr("resolvers may hold the removed DS"));
}

TEST(DsNegativeTtlTest, ParentNoDsAnswerLengthensTheDsWait) {
  ZoneHistory history;
  ChainResult before = round({true}, {false});
  before.parents[0].delegation_ns_ttl = 300;
  before.parents[0].ds_negative_ttl = 3600;
  observeRound(history, before, kT0);
  EXPECT_EQ(history.ttls.get(TtlKind::DsNegative), 3600u);
  ChainResult published = round({true}, {true});
  published.parents[0].delegation_ns_ttl = 300;
  observeRound(history, published, kT0 + 60);
  observeRound(history, published, kT0 + 120);
  ASSERT_EQ(history.phase, Phase::DsPublished);
  EXPECT_EQ(history.ttls.get(TtlKind::DsNegative), 3600u) << "kept from before the DS";
  EXPECT_EQ(phaseSchedule(history, Phase::DsPublished).wait_end, kT0 + 60 + 600 + 3600);
}

}  // namespace
}  // namespace dw
