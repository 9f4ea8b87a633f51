// SPDX-License-Identifier: Apache-2.0
// A rollout made in the lab while the daemon runs: rollout.lab. is signed, then gets its DS,
// then loses it again. The daemon detects each transition, keeps it in the state file, and
// still knows it after a restart.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "lab_support.h"
#include "rollout/state_file.h"

namespace dw::test {
namespace {

constexpr char kZone[] = "rollout.lab.";
constexpr auto kTransitionLimit = std::chrono::seconds(30);

bool isOne(double value) { return value == 1; }

std::string transitionConfig(const Lab& lab, int port) {
  return "listen: 127.0.0.1:" + std::to_string(port) +
         "\nstate_file: state.yaml\ntrust_anchor_files: [" + lab.root_key +
         "]\ninterval: 5s\ntimeout: 250ms\nchain_checks: {interval: 2s}\n"
         "path_checks: {enabled: false}\n"
         "zones: [{name: rollout.lab, probes: [{name: www.rollout.lab}]}]\n"
         "resolvers: [{name: validating, address: " + lab.validating + "}]\n";
}

class RolloutTransitionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lab_ = readLab();
    port_ = freePort();
    config_ = writeTempFile("transition.yaml", transitionConfig(lab_, port_));
    state_ = (std::filesystem::path(config_).parent_path() / "state.yaml").string();
    url_ = "http://127.0.0.1:" + std::to_string(port_) + "/metrics";
  }
  // Other tests expect rollout.lab. unsigned and without DS.
  void TearDown() override {
    runLabScript("set-ds rollout none");
    runLabScript("unsign rollout");
  }

  void labCommand(const std::string& arguments) {
    const CommandOutput result = runLabScript(arguments);
    ASSERT_EQ(result.exit_code, 0) << "lab.sh " << arguments << ":\n" << result.output;
  }
  // Waits until the daemon exports `phase` for the zone; returns the exposition.
  std::string waitForPhase(const std::string& phase) {
    return waitForMetric(url_, "dnssec_watch_rollout_phase", {{"zone", kZone}, {"phase", phase}},
                         isOne, kTransitionLimit);
  }
  static double zoneValue(const std::string& text, const std::string& name) {
    return metricValue(text, name, {{"zone", kZone}});
  }

  Lab lab_;
  int port_ = 0;
  std::string config_;
  std::string state_;
  std::string url_;
};

TEST_F(RolloutTransitionTest, SigningAndDsAreDetectedAndSurviveARestart) {
  double signed_at = 0;
  double published_at = 0;
  {
    Daemon daemon({"run", "--config", config_});
    std::string text = waitForPhase("unsigned");
    ASSERT_EQ(metricValue(text, "dnssec_watch_rollout_phase",
                          {{"zone", kZone}, {"phase", "unsigned"}}), 1)
        << daemon.stderrText();

    labCommand("sign rollout");
    text = waitForPhase("signed");
    ASSERT_EQ(metricValue(text, "dnssec_watch_rollout_phase", {{"zone", kZone}, {"phase", "signed"}}),
              1)
        << daemon.stderrText();
    signed_at = zoneValue(text, "dnssec_watch_rollout_transition_timestamp_seconds");
    EXPECT_GT(zoneValue(text, "dnssec_watch_rollout_wait_remaining_seconds"), 0)
        << "unsigned answers stay cached for their TTL of 300 s";
    EXPECT_EQ(zoneValue(text, "dnssec_watch_rollout_rollback_effective_seconds"), 300);
    EXPECT_EQ(zoneValue(text, "dnssec_watch_rollout_ready"), 0);

    labCommand("set-ds rollout right");
    text = waitForPhase("ds_published");
    ASSERT_EQ(metricValue(text, "dnssec_watch_rollout_phase",
                          {{"zone", kZone}, {"phase", "ds_published"}}), 1)
        << daemon.stderrText();
    published_at = zoneValue(text, "dnssec_watch_rollout_transition_timestamp_seconds");
    EXPECT_GE(published_at, signed_at);
    EXPECT_EQ(metricValue(text, "dnssec_watch_ttl_seconds", {{"zone", kZone}, {"ttl", "ds"}}),
              300);
    EXPECT_EQ(daemon.stop(), 0) << daemon.stderrText();
  }

  const StateFileRead read = readStateFile(state_);
  ASSERT_EQ(read.outcome, StateFileRead::Outcome::Read) << read.problem;
  const ZoneHistory& history = read.state.at(kZone);
  ASSERT_EQ(history.transitions.size(), 3u);
  EXPECT_EQ(history.transitions[1].to, Phase::Signed);
  EXPECT_EQ(history.transitions[1].at, static_cast<int64_t>(signed_at));
  EXPECT_EQ(history.transitions[2].from, Phase::Signed);
  EXPECT_EQ(history.transitions[2].to, Phase::DsPublished);
  EXPECT_GT(history.ds_everywhere_at, 0);

  Daemon restarted({"run", "--config", config_});
  std::string text = waitForPhase("ds_published");
  EXPECT_EQ(zoneValue(text, "dnssec_watch_rollout_transition_timestamp_seconds"), published_at)
      << "the restart kept the transition time\n" << restarted.stderrText();
  EXPECT_EQ(metricValue(text, "dnssec_watch_state_file_errors_total", {{"reason", "missing"}}), 0);
  // A few rounds later the phase still dates from before the restart.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  ASSERT_EQ(httpGet(url_, text), 200);
  EXPECT_EQ(zoneValue(text, "dnssec_watch_rollout_transition_timestamp_seconds"), published_at);

  // The rollback of step 3: the DS goes, and the zone is back to signed.
  labCommand("set-ds rollout none");
  text = waitForPhase("signed");
  EXPECT_GT(zoneValue(text, "dnssec_watch_rollout_transition_timestamp_seconds"), published_at)
      << restarted.stderrText();
  EXPECT_EQ(restarted.stop(), 0);
  EXPECT_EQ(readStateFile(state_).state.at(kZone).transitions.back().from, Phase::DsPublished);
}

TEST_F(RolloutTransitionTest, CorruptStateFileIsRebuilt) {
  std::filesystem::create_directories(std::filesystem::path(state_).parent_path());
  { std::ofstream(state_) << "version: 1\nzones: {rollout.lab.: [\n"; }
  Daemon daemon({"run", "--config", config_});
  const std::string text = waitForPhase("unsigned");
  EXPECT_EQ(metricValue(text, "dnssec_watch_state_file_errors_total", {{"reason", "corrupt"}}), 1)
      << daemon.stderrText();
  size_t copies = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(state_).parent_path())) {
    copies += entry.path().filename().string().starts_with("state.yaml.corrupt.") ? 1 : 0;
  }
  EXPECT_EQ(copies, 1u) << "the corrupt file is kept beside the new one";
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_NE(daemon.stderrText().find("is corrupt (line"), std::string::npos)
      << daemon.stderrText();
  EXPECT_EQ(readStateFile(state_).outcome, StateFileRead::Outcome::Read);
}

TEST_F(RolloutTransitionTest, SecondDaemonOnOneStateFileExitsTwo) {
  Daemon first({"run", "--config", config_});
  waitForPhase("unsigned");
  const int port = freePort();
  std::string yaml = transitionConfig(lab_, port);
  const std::string state_key = "state_file: state.yaml";
  yaml.replace(yaml.find(state_key), state_key.size(), "state_file: " + state_);
  const std::string second_config = writeTempFile("second.yaml", yaml);
  const CommandResult second = runBinary({"run", "--config", second_config});
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_NE(second.err.find("another dnssec-watch run holds " + state_ + ".lock"),
            std::string::npos)
      << second.err;
  EXPECT_EQ(first.stop(), 0);
}

}  // namespace
}  // namespace dw::test
