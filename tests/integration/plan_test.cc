// SPDX-License-Identifier: Apache-2.0
// `dnssec-watch plan` against the lab: a zone in each phase, TTLs above the advice, a DS
// that matches no key before it is published, the state file's history, and exit statuses.
#include <ctime>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab_support.h"

namespace dw::test {
namespace {

constexpr int64_t kDay = 86400;

// A config that plans for the lab zones, with `phase_of_good` as good.lab's phase.
std::string planConfig(const Lab& lab, const std::string& phase_of_good = "auto") {
  std::string yaml = "state_file: state.yaml\ntrust_anchor_files: [" + lab.root_key +
                     "]\ntimeout: 2s\nzones:\n"
                     "  - {name: good.lab, probes: [{name: www.good.lab}], phase: " +
                     phase_of_good + "}\n";
  for (const char* zone : {"unsigned", "nods", "longttl", "halfsigned", "bogusds"}) {
    yaml += "  - {name: " + std::string(zone) + ".lab, probes: [{name: www." + zone +
            ".lab}]}\n";
  }
  return yaml + "resolvers: [{name: validating, address: " + lab.validating + "}]\n";
}

struct Plan {
  int exit_code = -1;
  nlohmann::json json;
  std::string err;
};

Plan runPlan(const std::string& config, const std::string& zone,
             std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"plan", "--config", config, "--zone", zone, "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CommandResult result = runBinary(args);
  Plan plan{result.exit_code, nlohmann::json::parse(result.out, nullptr, false), result.err};
  return plan;
}

// The checks of the plan's current step, by name: true when done.
std::map<std::string, bool> currentChecks(const nlohmann::json& plan) {
  std::map<std::string, bool> checks;
  for (const nlohmann::json& step : plan["steps"]) {
    if (step["state"] == "current") {
      for (const nlohmann::json& check : step["checks"]) {
        checks[check["check"].get<std::string>()] = check["done"].get<bool>();
      }
    }
  }
  return checks;
}

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lab_ = readLab();
    config_ = writeTempFile("plan.yaml", planConfig(lab_));
  }

  Lab lab_;
  std::string config_;
};

TEST_F(PlanTest, UnsignedZoneReadyToSign) {
  const Plan plan = runPlan(config_, "unsigned.lab");
  ASSERT_FALSE(plan.json.is_discarded()) << plan.err;
  EXPECT_EQ(plan.exit_code, 0) << plan.json.dump(2);
  EXPECT_EQ(plan.json["phase"], "unsigned");
  EXPECT_EQ(plan.json["next_step"], "enable signing");
  EXPECT_EQ(plan.json["steps"][0]["state"], "current");
  EXPECT_EQ(plan.json["rollback"]["effective_seconds"], 0);
  EXPECT_TRUE(currentChecks(plan.json).at("max TTL at most 3600 s"));
}

TEST_F(PlanTest, SignedZoneWaitsForWatch) {
  const Plan plan = runPlan(config_, "nods.lab");
  ASSERT_FALSE(plan.json.is_discarded()) << plan.err;
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_EQ(plan.json["phase"], "signed");
  EXPECT_EQ(plan.json["next_step"], "publish the DS at the parent");
  const auto checks = currentChecks(plan.json);
  EXPECT_TRUE(checks.at("every server signs the zone"));
  EXPECT_FALSE(checks.at("two-week watch without failures"));
  const int64_t now = plan.json["time"];
  EXPECT_EQ(plan.json["watch_end"].get<int64_t>() - now, 14 * kDay);
  // The lab's TTLs are 300 s: signed answers leave the caches 5 minutes after a rollback.
  EXPECT_EQ(plan.json["rollback"]["effective_seconds"], 300);
}

TEST_F(PlanTest, DayLongTtlsAreOffTheAdvice) {
  const Plan plan = runPlan(config_, "longttl.lab");
  ASSERT_FALSE(plan.json.is_discarded()) << plan.err;
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_EQ(plan.json["phase"], "ds_published");
  ASSERT_FALSE(plan.json["ttls_off_advice"].empty());
  EXPECT_EQ(plan.json["ttls_off_advice"][0], "max TTL 86400 s is above the advised 3600 s");
  EXPECT_FALSE(currentChecks(plan.json).at(
      "no signature expired, not yet valid or outlived by its TTL"));
}

TEST_F(PlanTest, ServerStillUnsignedBlocksTheNextStep) {
  const Plan plan = runPlan(config_, "halfsigned.lab");
  ASSERT_FALSE(plan.json.is_discarded()) << plan.err;
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_EQ(plan.json["phase"], "unsigned") << "one of two servers signs";
  EXPECT_FALSE(currentChecks(plan.json).at(
      "every server serves the same serial, signing and DNSKEY RRset"));
}

TEST_F(PlanTest, ConfiguredStableZoneIsDone) {
  const std::string config = writeTempFile("stable.yaml", planConfig(lab_, "stable"));
  const Plan plan = runPlan(config, "good.lab");
  ASSERT_FALSE(plan.json.is_discarded()) << plan.err;
  EXPECT_EQ(plan.exit_code, 0) << plan.json.dump(2);
  EXPECT_EQ(plan.json["phase"], "stable");
  EXPECT_EQ(plan.json["detected_phase"], "ds_published");
  EXPECT_EQ(plan.json["rollback"]["effective_seconds"], 300) << "the lab's DS TTL";
}

TEST_F(PlanTest, DsMatchingNoKeyBlocksPublication) {
  const std::string wrong = "nods.lab 12345 13 2 " + std::string(64, '0');
  const Plan plan = runPlan(config_, "nods.lab", {"--ds", wrong});
  ASSERT_FALSE(plan.json.is_discarded()) << plan.err;
  EXPECT_FALSE(currentChecks(plan.json).at(
      "the DS to publish (expected_ds) matches a key that signs the DNSKEY RRset"));
}

TEST_F(PlanTest, StateFileHistoryEndsTheWaits) {
  // nods.lab. has been signed for 15 days, as `run` would have recorded it.
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::string since = std::to_string(now - 15 * kDay);
  const std::filesystem::path state = std::filesystem::path(config_).parent_path() / "state.yaml";
  std::ofstream(state) << "version: 1\nzones:\n  nods.lab.:\n    phase: signed\n"
                       << "    since: " << since << "\n    seen_entering: true\n"
                       << "    unsigned_cache_until: " << since << "\n"
                       << "    ds_everywhere_at: 0\n    transitions:\n"
                       << "      - {from: unsigned, to: signed, at: " << since << "}\n";
  const Plan plan = runPlan(config_, "nods.lab");
  ASSERT_FALSE(plan.json.is_discarded()) << plan.err;
  EXPECT_EQ(plan.json["state_file"]["outcome"], "read");
  EXPECT_EQ(plan.json["since"], now - 15 * kDay);
  EXPECT_EQ(plan.exit_code, 0) << plan.json.dump(2);
  EXPECT_EQ(plan.json["ready"], true);
}

TEST_F(PlanTest, CorruptStateFileIsReportedNotFatal) {
  const std::filesystem::path state = std::filesystem::path(config_).parent_path() / "state.yaml";
  std::ofstream(state) << "version: 1\nzones: [\n";
  const Plan plan = runPlan(config_, "unsigned.lab");
  ASSERT_FALSE(plan.json.is_discarded()) << plan.err;
  EXPECT_EQ(plan.json["state_file"]["outcome"], "corrupt");
  EXPECT_EQ(plan.exit_code, 0);
}

TEST_F(PlanTest, WrongParentDsIsBrokenNow) {
  const Plan plan = runPlan(config_, "bogusds.lab");
  ASSERT_FALSE(plan.json.is_discarded()) << plan.err;
  EXPECT_EQ(plan.exit_code, 1);
  ASSERT_EQ(plan.json["broken_now"].size(), 1u) << plan.json.dump(2);
  EXPECT_EQ(plan.json["broken_now"][0].get<std::string>().rfind("no DS at the parent matches", 0),
            0u);
  const CommandResult text = runBinary({"plan", "--config", config_, "--zone", "bogusds.lab"});
  EXPECT_NE(text.out.find("BROKEN NOW: no DS at the parent matches a key"), std::string::npos)
      << text.out;
}

TEST_F(PlanTest, ZoneOutsideTheConfigExitsTwo) {
  const CommandResult result = runBinary({"plan", "--config", config_, "--zone", "other.lab"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--zone other.lab. is not a zone of " + config_), std::string::npos)
      << result.err;
  const std::string bad = writeTempFile("bad.yaml", planConfig(lab_, "halfway"));
  EXPECT_EQ(runBinary({"plan", "--config", bad, "--zone", "good.lab"}).exit_code, 2);
}

TEST_F(PlanTest, TextListsTheStepsAndTheRollback) {
  const CommandResult result = runBinary({"plan", "--config", config_, "--zone", "nods.lab"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("2. Enable signing at every authoritative server: current"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("rollback: disable signing, then undo the TTL changes, effective "
                            "after 300 s"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("Ready: no"), std::string::npos);
}

}  // namespace
}  // namespace dw::test
