// SPDX-License-Identifier: Apache-2.0
// `dnssec-watch run` against the lab: /metrics, the exporter pages, SIGHUP reload, stop.
#include <signal.h>

#include <cmath>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "lab_support.h"

namespace dw::test {
namespace {

bool positive(double value) { return value > 0; }
bool isOne(double value) { return value == 1; }
bool isZero(double value) { return value == 0; }

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lab_ = readLab();
    port_ = freePort();
    base_url_ = "http://127.0.0.1:" + std::to_string(port_);
    config_text_ = labConfig(lab_,
                             {"validating " + lab_.validating,
                              "nonvalidating " + lab_.nonvalidating, "dead " + lab_.dead},
                             "listen: 127.0.0.1:" + std::to_string(port_) +
                                 "\ninterval: 2s\ntimeout: 1s\n");
    config_path_ = writeTempFile("run.yaml", config_text_);
  }

  Lab lab_;
  int port_ = 0;
  std::string base_url_;
  std::string config_text_;
  std::string config_path_;
};

TEST_F(RunTest, ExportsRollbackSignalsForBogusZones) {
  Daemon daemon({"run", "--config", config_path_});
  const std::string url = base_url_ + "/metrics";
  std::string text = waitForMetric(
      url, "dnssec_watch_validation_failures_total",
      {{"resolver", "validating"}, {"zone", "expired.lab."}, {"reason", "signature_expired"}},
      positive, std::chrono::seconds(20));
  EXPECT_GT(metricValue(text, "dnssec_watch_validation_failures_total",
                        {{"resolver", "validating"}, {"zone", "expired.lab."}}),
            0)
      << daemon.stderrText();
  text = waitForMetric(url, "dnssec_watch_validation_failures_total",
                       {{"resolver", "validating"}, {"zone", "bogusds.lab."}}, positive,
                       std::chrono::seconds(10));
  EXPECT_GT(metricValue(text, "dnssec_watch_validation_failures_total",
                        {{"resolver", "validating"}, {"zone", "bogusds.lab."}}),
            0);
  EXPECT_TRUE(std::isnan(metricValue(text, "dnssec_watch_validation_failures_total",
                                     {{"resolver", "nonvalidating"}})))
      << "a non-validating resolver cannot fail validation";
  EXPECT_EQ(metricValue(text, "dnssec_watch_zone_state",
                        {{"resolver", "validating"}, {"zone", "bogusds.lab."},
                         {"engine", "raw"}, {"state", "bogus"}}),
            1);
}

TEST_F(RunTest, ExportsValidationStatesAndResolverFlags) {
  Daemon daemon({"run", "--config", config_path_});
  const std::string url = base_url_ + "/metrics";
  std::string text = waitForMetric(url, "dnssec_watch_resolver_validating",
                                   {{"resolver", "nonvalidating"}}, isZero,
                                   std::chrono::seconds(20));
  EXPECT_EQ(metricValue(text, "dnssec_watch_resolver_validating", {{"resolver", "nonvalidating"}}),
            0);
  text = waitForMetric(url, "dnssec_watch_resolver_validating", {{"resolver", "validating"}},
                       isOne, std::chrono::seconds(10));
  EXPECT_EQ(metricValue(text, "dnssec_watch_resolver_validating", {{"resolver", "validating"}}),
            1);
  EXPECT_EQ(metricValue(text, "dnssec_watch_resolver_validating", {{"resolver", "dead"}}), -1);
  text = waitForMetric(url, "dnssec_watch_validation_probes_total",
                       {{"resolver", "nonvalidating"}, {"qname", "www.bogusds.lab."},
                        {"state", "bogus"}},
                       positive, std::chrono::seconds(10));
  EXPECT_GT(metricValue(text, "dnssec_watch_validation_probes_total",
                        {{"resolver", "nonvalidating"}, {"qname", "www.bogusds.lab."},
                         {"state", "bogus"}}),
            0);
  EXPECT_GT(metricValue(text, "dnssec_watch_validation_probes_total",
                        {{"resolver", "validating"}, {"qname", "www.good.lab."},
                         {"state", "secure"}}),
            0);
  EXPECT_GT(metricValue(text, "dnssec_watch_ad_answers_total",
                        {{"resolver", "validating"}, {"zone", "good.lab."}}),
            0);
  EXPECT_GT(metricValue(text, "dnssec_watch_raw_probes_total",
                        {{"resolver", "dead"}, {"result", "unreachable"}}),
            0);
  EXPECT_GT(metricValue(text, "dnssec_watch_truncated_total",
                        {{"resolver", "validating"}, {"zone", "good.lab."}}),
            0);
  EXPECT_GT(metricValue(text, "dnssec_watch_tcp_fallback_total",
                        {{"resolver", "validating"}, {"outcome", "answered"}}),
            0);
}

TEST_F(RunTest, ServesExporterPagesAndProcessMetrics) {
  Daemon daemon({"run", "--config", config_path_});
  std::string body;
  std::string text = waitForMetric(base_url_ + "/metrics", "dnssec_watch_build_info", {},
                                   isOne, std::chrono::seconds(10));
  EXPECT_EQ(metricValue(text, "dnssec_watch_build_info", {{"vantage", "test"}}), 1);
  EXPECT_GT(metricValue(text, "process_resident_memory_bytes", {}), 0);
  EXPECT_GE(metricValue(text, "process_cpu_seconds_total", {}), 0);
  EXPECT_GT(metricValue(text, "process_open_fds", {}), 0);
  EXPECT_GT(metricValue(text, "process_start_time_seconds", {}), 1.7e9);
  EXPECT_EQ(httpGet(base_url_ + "/", body), 200);
  EXPECT_NE(body.find("href=\"/metrics\""), std::string::npos) << body;
  EXPECT_EQ(httpGet(base_url_ + "/-/healthy", body), 200);
  EXPECT_EQ(httpGet(base_url_ + "/-/ready", body), 200);
  EXPECT_EQ(httpGet(base_url_ + "/no-such-page", body), 404);
}

TEST_F(RunTest, BadReloadKeepsRunningConfigAndCounters) {
  Daemon daemon({"run", "--config", config_path_});
  const std::string url = base_url_ + "/metrics";
  const std::map<std::string, std::string> series{
      {"resolver", "validating"}, {"qname", "www.good.lab."}, {"qtype", "A"}, {"result", "noerror"}};
  std::string text = waitForMetric(url, "dnssec_watch_raw_probes_total", series, positive,
                                   std::chrono::seconds(10));
  const double before = metricValue(text, "dnssec_watch_raw_probes_total", series);
  ASSERT_GT(before, 0) << daemon.stderrText();

  std::ofstream(config_path_, std::ios::app) << "workers: many\n";
  daemon.signal(SIGHUP);
  text = waitForMetric(url, "dnssec_watch_config_reloads_total", {{"result", "failure"}}, isOne,
                       std::chrono::seconds(10));
  EXPECT_EQ(metricValue(text, "dnssec_watch_config_reloads_total", {{"result", "failure"}}), 1);
  EXPECT_EQ(metricValue(text, "dnssec_watch_config_last_reload_successful", {}), 0);
  EXPECT_TRUE(daemon.running());
  EXPECT_NE(daemon.stderrText().find(config_path_ + ":"), std::string::npos)
      << "the rejected reload names the file and line:\n"
      << daemon.stderrText();

  std::ofstream(config_path_) << config_text_;
  daemon.signal(SIGHUP);
  text = waitForMetric(url, "dnssec_watch_config_reloads_total", {{"result", "success"}}, isOne,
                       std::chrono::seconds(10));
  EXPECT_EQ(metricValue(text, "dnssec_watch_config_last_reload_successful", {}), 1);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  httpGet(url, text);
  EXPECT_GT(metricValue(text, "dnssec_watch_raw_probes_total", series), before)
      << "counters keep counting across a reload";
}

TEST_F(RunTest, StopsCleanlyOnSigterm) {
  Daemon daemon({"run", "--config", config_path_});
  std::string body;
  waitForMetric(base_url_ + "/metrics", "dnssec_watch_build_info", {}, isOne,
                std::chrono::seconds(10));
  EXPECT_EQ(daemon.stop(), 0) << daemon.stderrText();
  EXPECT_EQ(httpGet(base_url_ + "/-/healthy", body), 0) << "nothing listens after the stop";
}

TEST_F(RunTest, BadConfigExitsTwoBeforeListening) {
  const std::string path = writeTempFile("bad.yaml", config_text_ + "timeout: 0s\n");
  CommandResult result = runBinary({"run", "--config", path});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find(path + ":"), std::string::npos) << result.err;
  std::string body;
  EXPECT_EQ(httpGet(base_url_ + "/-/healthy", body), 0);
}

}  // namespace
}  // namespace dw::test

namespace dw::test {
namespace {

// libunbound caches answers by default, and a cached answer would hide what the resolver
// does now. Every validating probe must reach the resolver, like every raw probe.
TEST(RunCacheTest, EveryValidatingProbeReachesResolver) {
  Lab lab = readLab();
  const std::string relay_address = lab.dead.substr(0, lab.dead.rfind('.')) + ".7";
  CountingRelay relay(relay_address, lab.validating);
  const int port = freePort();
  const std::string config = writeTempFile(
      "cache.yaml", "listen: 127.0.0.1:" + std::to_string(port) +
                        "\nstate_file: state.yaml\ntrust_anchor_files: [" + lab.root_key +
                        "]\ninterval: 1s\ntimeout: 900ms\n"
                        "zones: [{name: good.lab, probes: [{name: www.good.lab, type: A}]}]\n"
                        "resolvers: [{name: relay, address: " + relay_address + "}]\n");
  Daemon daemon({"run", "--config", config});
  std::this_thread::sleep_for(std::chrono::seconds(5));
  std::string text;
  ASSERT_EQ(httpGet("http://127.0.0.1:" + std::to_string(port) + "/metrics", text), 200)
      << daemon.stderrText();
  daemon.stop();
  const double raw = metricValue(text, "dnssec_watch_raw_probes_total",
                                 {{"resolver", "relay"}, {"result", "noerror"}});
  const double validating = metricValue(text, "dnssec_watch_validation_probes_total",
                                        {{"resolver", "relay"}, {"state", "secure"}});
  ASSERT_GE(validating, 3) << text;
  EXPECT_GE(relay.count("www.good.lab./1"), raw + validating)
      << "raw probes " << raw << ", validating probes " << validating;
}

}  // namespace
}  // namespace dw::test

namespace dw::test {
namespace {

TEST(RunStateFileTest, MissingStateDirectoryExitsTwoBeforeListening) {
  const Lab lab = readLab();
  const int port = freePort();
  std::string yaml = labConfig(lab, {"validating " + lab.validating},
                               "listen: 127.0.0.1:" + std::to_string(port) + "\n");
  const std::string state_key = "state_file: state.yaml";
  yaml.replace(yaml.find(state_key), state_key.size(),
               "state_file: /nonexistent-dw-state/state.yaml");
  const std::string config = writeTempFile("nostate.yaml", yaml);
  const CommandResult result = runBinary({"run", "--config", config});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find(config + ": state_file: the directory /nonexistent-dw-state of "
                                     "/nonexistent-dw-state/state.yaml does not exist; create"),
            std::string::npos)
      << result.err;
  std::string body;
  EXPECT_EQ(httpGet("http://127.0.0.1:" + std::to_string(port) + "/-/healthy", body), 0);
}

}  // namespace
}  // namespace dw::test
