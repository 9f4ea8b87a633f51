// SPDX-License-Identifier: Apache-2.0
// Chain checks against the lab's two NSDs: `check --format json` and the daemon's metrics for
// each fault the lab's zones carry, and none for the healthy zones.
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab_support.h"

namespace dw::test {
namespace {

constexpr int64_t kDay = 86400;
// A DS that matches no key of good.lab., as a provider with a typo would show it.
const std::string kWrongDs = "12345 13 2 " + std::string(64, '0');

// The RDATA of good.lab.'s DS as lab.sh wrote it for lab.
std::string goodDs(const Lab& lab) {
  std::ifstream records(lab.dir + "/zones/good.lab.ds");
  std::string line;
  while (std::getline(records, line)) {
    std::istringstream fields(line);
    std::string owner, ttl, klass, type, rdata, part;
    fields >> owner >> ttl >> klass >> type;
    while (fields >> part) {
      rdata += (rdata.empty() ? "" : " ") + part;
    }
    if (owner == "good.lab.") {
      return rdata;
    }
  }
  return "";
}

// A config of every lab zone with chain checks. chain_checks.interval must be at least 8 times
// `timeout`.
std::string chainConfig(const Lab& lab, const std::string& extra,
                        const std::string& timeout = "2s") {
  std::string yaml = "state_file: state.yaml\ntrust_anchor_files: [" + lab.root_key +
                     "]\ntimeout: " + timeout + "\nzones:\n";
  yaml += "  - {name: good.lab, probes: [{name: www.good.lab, type: A}], expected_ds: [\"" +
          goodDs(lab) + "\", \"" + kWrongDs + "\"]}\n";
  for (const char* zone : {"unsigned", "bogusds", "expired", "partialds", "halfsigned",
                           "staleds", "zskds", "future", "longttl"}) {
    yaml += "  - {name: " + std::string(zone) + ".lab, probes: [{name: www." + zone +
            ".lab, type: A}]}\n";
  }
  return yaml + "path_checks: {enabled: false}\nresolvers: [{name: validating, address: " +
         lab.validating + "}]\n" + extra;
}

class ChainCheckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lab_ = readLab();
    ASSERT_FALSE(goodDs(lab_).empty());
    const std::string path = writeTempFile("chain.yaml", chainConfig(lab_, ""));
    CommandResult result = runBinary({"check", "--config", path, "--format", "json"});
    exit_code_ = result.exit_code;
    report_ = nlohmann::json::parse(result.out, nullptr, false);
  }

  static nlohmann::json chain(const std::string& zone) {
    for (const nlohmann::json& item : report_["chains"]) {
      if (item["zone"] == zone) {
        return item;
      }
    }
    ADD_FAILURE() << "no chain result for " << zone;
    return nlohmann::json::object();
  }

  static nlohmann::json server(const nlohmann::json& chain, const std::string& address) {
    for (const nlohmann::json& item : chain["servers"]) {
      if (item["address"] == address) {
        return item;
      }
    }
    ADD_FAILURE() << "no server " << address << " in " << chain["zone"];
    return nlohmann::json::object();
  }

  static nlohmann::json signature(const nlohmann::json& chain, const std::string& qtype) {
    for (const nlohmann::json& item : chain["signatures"]) {
      if (item["qname"] == chain["zone"] && item["qtype"] == qtype) {
        return item;
      }
    }
    ADD_FAILURE() << "no " << qtype << " signature in " << chain["zone"];
    return nlohmann::json::object();
  }

  static std::vector<std::string> dsStatuses(const nlohmann::json& list) {
    std::vector<std::string> statuses;
    for (const nlohmann::json& ds : list) {
      statuses.push_back(ds["status"]);
    }
    std::sort(statuses.begin(), statuses.end());
    return statuses;
  }

  static inline Lab lab_;
  static inline int exit_code_ = -1;
  static inline nlohmann::json report_;
};

TEST_F(ChainCheckTest, FaultsMakeCheckExitOne) {
  ASSERT_FALSE(report_.is_discarded());
  EXPECT_EQ(exit_code_, 1);
  EXPECT_FALSE(report_["healthy"].get<bool>());
}

TEST_F(ChainCheckTest, HealthySignedZoneHasNoFault) {
  const nlohmann::json good = chain("good.lab.");
  EXPECT_EQ(good["parent"], "lab.");
  EXPECT_EQ(good["delegation_ns"], nlohmann::json::array({"ns.lab."}));
  EXPECT_TRUE(good["in_sync"].get<bool>());
  EXPECT_TRUE(good["ds_consistent"].get<bool>());
  EXPECT_EQ(good["ds_ttl"], 300);
  EXPECT_EQ(good["parents"].size(), 2u) << "lab. has two servers";
  ASSERT_EQ(good["ds"].size(), 1u);
  EXPECT_EQ(good["ds"][0]["status"], "match");
  EXPECT_EQ(good["ds"][0]["servers"].size(), 2u);
  EXPECT_TRUE(server(good, lab_.auth)["signed"].get<bool>());
  const nlohmann::json soa = signature(good, "SOA");
  EXPECT_GT(soa["expires_in_s"].get<int64_t>(), 29 * kDay);
  EXPECT_GT(soa["inception_age_s"].get<int64_t>(), 0);
  EXPECT_FALSE(soa["ttl_outlives_signature"].get<bool>());
}

TEST_F(ChainCheckTest, ExpectedDsIsCheckedBeforePublication) {
  const nlohmann::json good = chain("good.lab.");
  EXPECT_EQ(dsStatuses(good["expected_ds"]), (std::vector<std::string>{"match", "no_match"}));
  EXPECT_EQ(good["faults"].size(), 1u) << good["faults"];
}

TEST_F(ChainCheckTest, UnsignedZoneIsHealthyWithoutDs) {
  const nlohmann::json zone = chain("unsigned.lab.");
  EXPECT_TRUE(zone["healthy"].get<bool>()) << zone["faults"];
  EXPECT_TRUE(zone["ds"].empty());
  EXPECT_FALSE(server(zone, lab_.auth)["signed"].get<bool>());
  EXPECT_TRUE(zone["signatures"].empty());
}

TEST_F(ChainCheckTest, DsOfAKeyNeverPublishedMatchesNoKey) {
  EXPECT_EQ(dsStatuses(chain("bogusds.lab.")["ds"]), std::vector<std::string>{"no_match"});
}

TEST_F(ChainCheckTest, DsForAnOldKeyBesideTheCurrentOne) {
  EXPECT_EQ(dsStatuses(chain("staleds.lab.")["ds"]),
            (std::vector<std::string>{"match", "no_match"}));
}

TEST_F(ChainCheckTest, DsOfTheZskDoesNotSignTheKeyset) {
  EXPECT_EQ(dsStatuses(chain("zskds.lab.")["ds"]), std::vector<std::string>{"not_signing"});
}

TEST_F(ChainCheckTest, DsAtOneOfTwoParentServersIsInconsistent) {
  const nlohmann::json zone = chain("partialds.lab.");
  EXPECT_FALSE(zone["ds_consistent"].get<bool>());
  ASSERT_EQ(zone["ds"].size(), 1u);
  EXPECT_EQ(zone["ds"][0]["status"], "match");
  EXPECT_EQ(zone["ds"][0]["servers"], nlohmann::json::array({lab_.auth}));
}

TEST_F(ChainCheckTest, ServerStillUnsignedIsOutOfSync) {
  const nlohmann::json zone = chain("halfsigned.lab.");
  EXPECT_EQ(zone["zone_ns"], nlohmann::json::array({"ns.lab.", "ns2.lab."}));
  EXPECT_FALSE(zone["in_sync"].get<bool>());
  const nlohmann::json first = server(zone, lab_.auth);
  const nlohmann::json second = server(zone, lab_.auth2);
  EXPECT_TRUE(first["in_sync"].get<bool>());
  EXPECT_TRUE(first["signed"].get<bool>());
  EXPECT_FALSE(second["in_sync"].get<bool>());
  EXPECT_FALSE(second["signed"].get<bool>());
  EXPECT_LT(second["serial"].get<uint32_t>(), first["serial"].get<uint32_t>());
}

TEST_F(ChainCheckTest, ExpiredSignaturesHaveNegativeExpiry) {
  const nlohmann::json soa = signature(chain("expired.lab."), "SOA");
  EXPECT_LT(soa["expires_in_s"].get<int64_t>(), -9 * kDay);
  EXPECT_GT(soa["expires_in_s"].get<int64_t>(), -11 * kDay);
}

TEST_F(ChainCheckTest, FutureSignaturesHaveNegativeInceptionAge) {
  const nlohmann::json soa = signature(chain("future.lab."), "SOA");
  EXPECT_LT(soa["inception_age_s"].get<int64_t>(), -9 * kDay);
  EXPECT_GT(soa["expires_in_s"].get<int64_t>(), 39 * kDay);
}

TEST_F(ChainCheckTest, TtlOfADayOutlivesSignaturesOfTwelveHours) {
  const nlohmann::json soa = signature(chain("longttl.lab."), "SOA");
  EXPECT_EQ(soa["ttl"], 86400);
  EXPECT_LT(soa["expires_in_s"].get<int64_t>(), kDay / 2 + 60);
  EXPECT_TRUE(soa["ttl_outlives_signature"].get<bool>());
}

TEST(ChainCommandLineTest, DsOptionIsCheckedLikeConfigDs) {
  const Lab lab = readLab();
  const std::string path = writeTempFile(
      "chain-ds.yaml", "trust_anchor_files: [" + lab.root_key + "]\ntimeout: 2s\n" +
                           "zones: [{name: good.lab, probes: [{name: www.good.lab}]}]\n" +
                           "path_checks: {enabled: false}\nresolvers: [{address: " +
                           lab.validating + "}]\n");
  CommandResult good = runBinary(
      {"check", "--config", path, "--format", "json", "--ds", "good.lab " + goodDs(lab)});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  CommandResult wrong = runBinary(
      {"check", "--config", path, "--format", "json", "--ds", "good.lab " + kWrongDs});
  EXPECT_EQ(wrong.exit_code, 1);
  const nlohmann::json report = nlohmann::json::parse(wrong.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << wrong.out;
  EXPECT_EQ(report["chains"][0]["expected_ds"][0]["status"], "no_match");
  CommandResult cut = runBinary({"check", "--config", path, "--ds",
                                 "good.lab " + kWrongDs.substr(0, kWrongDs.size() - 2)});
  EXPECT_EQ(cut.exit_code, 2);
  EXPECT_NE(cut.err.find("has a digest of 31 octets, but digest type 2 (SHA-256) needs 32"),
            std::string::npos)
      << cut.err;
  CommandResult unknown = runBinary({"check", "--config", path, "--ds", "other.lab " + kWrongDs});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--ds names zone other.lab., which"), std::string::npos)
      << unknown.err;
}

// Runs `check` on the lab zone www.bogusds.lab. with `resolver` ("NAME ADDRESS" or "ADDRESS")
// as the key resolver, and returns the error of its chain round.
std::string chainError(const Lab& lab, const std::string& resolver) {
  const size_t blank = resolver.find(' ');
  const std::string item = blank == std::string::npos
                               ? "{address: " + resolver + "}"
                               : "{name: " + resolver.substr(0, blank) +
                                     ", address: " + resolver.substr(blank + 1) + "}";
  const std::string path = writeTempFile(
      "chain-key-resolver.yaml",
      "trust_anchor_files: [" + lab.root_key + "]\ntimeout: 1s\n" +
          "zones: [{name: www.bogusds.lab, probes: [{name: www.bogusds.lab}]}]\n" +
          "path_checks: {enabled: false}\nresolvers: [" + item + "]\n");
  CommandResult result = runBinary({"check", "--config", path, "--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const nlohmann::json report = nlohmann::json::parse(result.out, nullptr, false);
  if (report.is_discarded() || report["chains"].size() != 1) {
    ADD_FAILURE() << "no chain round in " << result.out;
    return "";
  }
  const nlohmann::json& chain = report["chains"][0];
  EXPECT_EQ(chain["faults"], nlohmann::json::array({chain.value("error", "")}));
  return chain.value("error", "");
}

// The validating resolver answers SERVFAIL for any name in bogusds.lab., whose DS matches no
// key, so the DS query of the round fails there.
TEST(ChainKeyResolverTest, DsQueryServfailIsTheError) {
  const Lab lab = readLab();
  EXPECT_EQ(chainError(lab, "validating " + lab.validating),
            "the key resolver validating (" + lab.validating +
                ") did not name the parent zone of www.bogusds.lab.: the DS query was answered "
                "SERVFAIL");
}

TEST(ChainKeyResolverTest, DsQueryTimeoutIsTheError) {
  const Lab lab = readLab();
  const std::string hang_address = lab.dead.substr(0, lab.dead.rfind('.')) + ".60";
  BlackHole hang(hang_address, 53);
  const std::string error = chainError(lab, hang_address);
  EXPECT_TRUE(error.starts_with("the key resolver " + hang_address +
                                " did not name the parent zone of www.bogusds.lab.: the DS "
                                "query got no answer: timeout"))
      << error;
}

bool isOne(double value) { return value == 1; }

void expectRolloutMetrics(const std::string& text);

TEST(ChainMetricsTest, DaemonExportsTheFindings) {
  const Lab lab = readLab();
  const int port = freePort();
  const std::string path = writeTempFile(
      "chain-run.yaml", chainConfig(lab,
                                    "listen: 127.0.0.1:" + std::to_string(port) +
                                        "\ninterval: 4s\nchain_checks: {interval: 8s}\n",
                                    "900ms"));
  Daemon daemon({"run", "--config", path});
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  // longttl.lab. is the last zone of the round, by offset.
  const std::string text = waitForMetric(
      url, "dnssec_watch_rrsig_ttl_outlives_signature",
      {{"zone", "longttl.lab."}, {"qname", "longttl.lab."}, {"qtype", "SOA"}}, isOne,
      std::chrono::seconds(20));
  auto value = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
    return metricValue(text, name, labels);
  };
  EXPECT_EQ(value("dnssec_watch_auth_in_sync", {{"zone", "halfsigned.lab."}}), 0)
      << daemon.stderrText();
  EXPECT_EQ(value("dnssec_watch_auth_signed", {{"zone", "halfsigned.lab."},
                                               {"server", lab.auth2}}), 0);
  EXPECT_EQ(value("dnssec_watch_auth_signed", {{"zone", "halfsigned.lab."},
                                               {"server", lab.auth}}), 1);
  EXPECT_GT(value("dnssec_watch_auth_serial", {{"zone", "good.lab."}, {"server", lab.auth}}),
            0);
  EXPECT_EQ(value("dnssec_watch_ds_consistent", {{"zone", "partialds.lab."}}), 0);
  EXPECT_EQ(value("dnssec_watch_ds_consistent", {{"zone", "good.lab."}}), 1);
  EXPECT_EQ(value("dnssec_watch_ds_ttl_seconds", {{"zone", "good.lab."}}), 300);
  EXPECT_EQ(value("dnssec_watch_ds_records",
                  {{"zone", "good.lab."}, {"server", lab.auth2}, {"status", "match"}}), 1);
  EXPECT_EQ(value("dnssec_watch_ds_records",
                  {{"zone", "good.lab."}, {"server", "config"}, {"status", "no_match"}}), 1);
  EXPECT_EQ(value("dnssec_watch_ds_records", {{"zone", "zskds.lab."}, {"status",
                                                                       "not_signing"}}), 1);
  EXPECT_LT(value("dnssec_watch_rrsig_expiry_seconds",
                  {{"zone", "expired.lab."}, {"qname", "expired.lab."}, {"qtype", "SOA"}}), 0);
  EXPECT_LT(value("dnssec_watch_rrsig_inception_age_seconds",
                  {{"zone", "future.lab."}, {"qname", "future.lab."}, {"qtype", "SOA"}}), 0);
  EXPECT_EQ(value("dnssec_watch_rrsig_ttl_outlives_signature",
                  {{"zone", "longttl.lab."}, {"qname", "longttl.lab."}, {"qtype", "SOA"}}), 1);
  EXPECT_EQ(value("dnssec_watch_rrsig_ttl_outlives_signature",
                  {{"zone", "good.lab."}, {"qname", "good.lab."}, {"qtype", "SOA"}}), 0);
  EXPECT_GT(value("dnssec_watch_auth_checks_total",
                  {{"zone", "good.lab."}, {"server", lab.auth}, {"result", "ok"}}), 0);
  expectRolloutMetrics(text);
}

// The rollout phase and TTL inventory of the lab zones, from the same rounds.
void expectRolloutMetrics(const std::string& text) {
  auto value = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
    return metricValue(text, name, labels);
  };
  auto phase = [&](const std::string& zone, const std::string& name) {
    return value("dnssec_watch_rollout_phase", {{"zone", zone}, {"phase", name}});
  };
  EXPECT_EQ(phase("unsigned.lab.", "unsigned"), 1);
  EXPECT_EQ(phase("halfsigned.lab.", "unsigned"), 1) << "one of its two servers signs";
  EXPECT_EQ(phase("good.lab.", "ds_published"), 1);
  EXPECT_EQ(phase("good.lab.", "signed"), 0);
  EXPECT_EQ(value("dnssec_watch_rollout_ready", {{"zone", "unsigned.lab."}}), 1);
  EXPECT_EQ(value("dnssec_watch_rollout_ready", {{"zone", "good.lab."}}), 0);
  EXPECT_GT(value("dnssec_watch_rollout_watch_remaining_seconds", {{"zone", "good.lab."}}),
            13 * kDay);
  EXPECT_EQ(value("dnssec_watch_rollout_rollback_effective_seconds", {{"zone", "good.lab."}}),
            300) << "the DS TTL";
  EXPECT_EQ(value("dnssec_watch_ttl_seconds", {{"zone", "good.lab."}, {"ttl", "ns_parent"}}),
            300);
  EXPECT_EQ(value("dnssec_watch_ttl_above_recommendation",
                  {{"zone", "good.lab."}, {"ttl", "ds"}}), 0);
  EXPECT_EQ(value("dnssec_watch_ttl_seconds", {{"zone", "longttl.lab."}, {"ttl", "max"}}), kDay);
  EXPECT_EQ(value("dnssec_watch_ttl_above_recommendation",
                  {{"zone", "longttl.lab."}, {"ttl", "max"}}), 1);
  EXPECT_EQ(value("dnssec_watch_state_file_errors_total", {{"reason", "missing"}}), 1);
  EXPECT_EQ(value("dnssec_watch_state_file_errors_total", {{"reason", "write"}}), 0);
}

}  // namespace
}  // namespace dw::test
