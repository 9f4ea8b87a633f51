// SPDX-License-Identifier: Apache-2.0
// End to end: the lab, two dnssec-watch instances (vantages a and b) and a real Prometheus
// server with the rules of alerts/. A healthy lab raises no rollback alert. A DS in lab. that
// matches no key of good.lab. makes DnssecValidationFailuresFast fire, and restoring the DS
// clears it. Rule windows are divided by 30 so that the test takes under a minute.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab_support.h"
#include "monitoring_files.h"

namespace dw::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Rule windows, `for` and group intervals are divided by this, e.g. 5m becomes 10s. With
// scrapes, probes and rule evaluations every second, the shortest window, 5m, still spans
// 10 samples.
constexpr int kTimeScale = 30;

// Formats `milliseconds` as a PromQL duration.
std::string formatDuration(long long milliseconds) {
  if (milliseconds % 1000 == 0) {
    return std::to_string(milliseconds / 1000) + "s";
  }
  return std::to_string(milliseconds) + "ms";
}

long long durationMilliseconds(long long count, const std::string& unit) {
  static const std::map<std::string, long long> kUnits{
      {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000},
      {"w", 604'800'000}, {"y", 31'536'000'000}};
  return count * kUnits.at(unit);
}

// Replaces each duration that `pattern` matches (its group 2 is the number, group 3 the
// unit) by the duration divided by kTimeScale.
std::string scaleMatches(const std::string& text, const std::regex& pattern) {
  std::string result;
  auto last = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) {
    const std::smatch& match = *it;
    result.append(last, match[0].first);
    const long long scaled =
        durationMilliseconds(std::stoll(match[2].str()), match[3].str()) / kTimeScale;
    result += match[1].str() + formatDuration(scaled);
    last = match[0].second;
  }
  result.append(last, text.cend());
  return result;
}

// The durations of a rule file: range selectors ("[5m]", "[7d"), subquery steps (":1m]"),
// offsets, and the values of "for:" and "interval:".
const std::vector<std::regex>& durationPatterns() {
  static const std::vector<std::regex> kPatterns{
      std::regex(R"(([\[:])(\d+)(ms|s|m|h|d|w|y)(?=[\]:]))"),
      std::regex(R"((offset\s+)(\d+)(ms|s|m|h|d|w|y)\b)"),
      std::regex(R"((\n\s*(?:for|interval):\s*)(\d+)(ms|s|m|h|d|w|y)(?=\s*\n))")};
  return kPatterns;
}

std::string scaleDurations(std::string text) {
  for (const std::regex& pattern : durationPatterns()) {
    text = scaleMatches(text, pattern);
  }
  return text;
}

// The text with every duration replaced by "D", to show that scaling changed nothing else.
std::string withoutDurations(std::string text) {
  for (const std::regex& pattern : durationPatterns()) {
    text = std::regex_replace(text, pattern, "$1D");
  }
  return text;
}

std::string readText(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string urlEncode(const std::string& text) {
  char* escaped = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
  std::string result = escaped;
  curl_free(escaped);
  return result;
}

TEST(DurationScalingTest, ChangesOnlyDurations) {
  const std::string rule = "expr: rate(x[5m]) - min_over_time(y[7d:1h] offset 1h)\n"
                           "        for: 2m\n";
  EXPECT_EQ(scaleDurations(rule),
            "expr: rate(x[10s]) - min_over_time(y[20160s:120s] offset 120s)\n"
            "        for: 4s\n");
  EXPECT_EQ(scaleDurations("[1s]"), "[33ms]");
  EXPECT_EQ(withoutDurations(rule), withoutDurations(scaleDurations(rule)));
}

// Runs tests/lab/lab.sh set-ds for good.lab. in the running lab.
int setGoodDs(const std::string& choice) {
  const CommandOutput result = runLabScript("set-ds good " + choice);
  if (result.exit_code != 0) {
    ADD_FAILURE() << "lab.sh set-ds good " << choice << " failed:\n" << result.output;
  }
  return result.exit_code;
}

// Restores the right DS of good.lab. when a test ends, so that later tests find the lab intact.
struct RightDsAtExit {
  ~RightDsAtExit() { setGoodDs("right"); }
};

class PrometheusAlertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lab_ = readLab();
    dir_ = fs::path(writeTempFile("prometheus.yml", "")).parent_path();
    fs::create_directories(dir_ / "rules");
    for (const std::string& file : ruleFiles(DW_SOURCE_DIR)) {
      const std::string original = readText(file);
      const std::string scaled = scaleDurations(original);
      ASSERT_EQ(withoutDurations(original), withoutDurations(scaled)) << file;
      std::ofstream(dir_ / "rules" / fs::path(file).filename()) << scaled;
    }
    std::string targets;
    for (const char* vantage : {"a", "b"}) {
      const int port = freePort();
      targets += std::string(targets.empty() ? "" : ", ") + "'127.0.0.1:" + std::to_string(port) + "'";
      const std::string config = writeTempFile(
          std::string("vantage-") + vantage + ".yaml",
          "listen: 127.0.0.1:" + std::to_string(port) + "\nvantage: " + vantage +
              "\nstate_file: state.yaml\ntrust_anchor_files: [" + lab_.root_key +
              "]\ninterval: 1s\ntimeout: 900ms\npath_checks: {interval: 8s}\n"
              "chain_checks: {interval: 8s}\n"
              "bogus_canary: {name: www.bogusds.lab, type: A}\n"
              "zones:\n  - name: good.lab\n    probes: [{name: www.good.lab, type: A}, "
              "{name: good.lab, type: DNSKEY}, {name: big.good.lab, type: TXT}]\n"
              "resolvers:\n  - {name: validating, address: " + lab_.validating + "}\n"
              "  - {name: nonvalidating, address: " + lab_.nonvalidating + "}\n");
      watchers_.push_back(std::make_unique<Daemon>(std::vector<std::string>{"run", "--config", config}));
    }
    std::ofstream(dir_ / "prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "rule_files: [rules/*.yaml]\n"
        << "scrape_configs:\n  - job_name: dnssec-watch\n    static_configs:\n"
        << "      - targets: [" << targets << "]\n";
    base_url_ = "http://127.0.0.1:" + std::to_string(freePort());
    prometheus_ = std::make_unique<Daemon>(
        DW_PROMETHEUS,
        std::vector<std::string>{"--config.file=" + (dir_ / "prometheus.yml").string(),
                                 "--storage.tsdb.path=" + (dir_ / "data").string(),
                                 "--web.listen-address=" + base_url_.substr(7),
                                 "--log.level=warn"});
  }

  void TearDown() override {
    if (prometheus_) {
      EXPECT_EQ(prometheus_->stop(std::chrono::seconds(20)), 0) << prometheus_->stderrText();
    }
    watchers_.clear();
    fs::remove_all(dir_);
  }

  // The value of the first sample that an instant query returns, or NaN.
  double query(const std::string& promql) {
    std::string body;
    if (httpGet(base_url_ + "/api/v1/query?query=" + urlEncode(promql), body) != 200) {
      return std::nan("");
    }
    const nlohmann::json result = nlohmann::json::parse(body)["data"]["result"];
    return result.empty() ? std::nan("") : std::stod(result[0]["value"][1].get<std::string>());
  }

  // The alerts that Prometheus reports now, pending or firing.
  nlohmann::json alerts() {
    std::string body;
    if (httpGet(base_url_ + "/api/v1/alerts", body) != 200) {
      ADD_FAILURE() << "GET /api/v1/alerts failed: " << body;
      return nlohmann::json::array();
    }
    return nlohmann::json::parse(body)["data"]["alerts"];
  }

  // Alerts named `name` for zone good.lab. in `state` ("firing", "pending" or "" for both).
  std::vector<nlohmann::json> goodLabAlerts(const std::string& name, const std::string& state) {
    std::vector<nlohmann::json> found;
    for (const nlohmann::json& alert : alerts()) {
      const nlohmann::json& labels = alert["labels"];
      if (labels.value("alertname", "") == name && labels.value("zone", "") == "good.lab." &&
          (state.empty() || alert.value("state", "") == state)) {
        found.push_back(alert);
      }
    }
    return found;
  }

  Lab lab_;
  fs::path dir_;
  std::string base_url_;
  std::vector<std::unique_ptr<Daemon>> watchers_;
  std::unique_ptr<Daemon> prometheus_;
};

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST_F(PrometheusAlertTest, RemoveDsAlertFollowsTheDs) {
  RightDsAtExit restore;
  const auto start = Clock::now();
  std::string body;
  while (httpGet(base_url_ + "/-/ready", body) != 200 && secondsSince(start) < 30) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(httpGet(base_url_ + "/-/ready", body), 200) << prometheus_->stderrText();

  // The rules run and know the validating resolver, seen from both vantages.
  while (!(query("zone:dnssec_watch_validating_resolvers:count{zone=\"good.lab.\"}") == 1 &&
           query("count(dnssec_watch_resolver_validating == 1)") == 2) &&
         secondsSince(start) < 40) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_EQ(query("zone:dnssec_watch_validating_resolvers:count{zone=\"good.lab.\"}"), 1)
      << watchers_[0]->stderrText();
  ASSERT_EQ(query("count(dnssec_watch_resolver_validating == 1)"), 2);

  // Healthy lab: no rollback alert, pending or firing, over 15 evaluations.
  for (int second = 0; second < 15; ++second) {
    for (const nlohmann::json& alert : alerts()) {
      const std::string decision = alert["labels"].value("decision", "");
      EXPECT_NE(decision, "remove-ds") << alert.dump();
      EXPECT_NE(decision, "disable-signing") << alert.dump();
      EXPECT_NE(alert.value("state", ""), "firing") << alert.dump();
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }

  // A DS that matches no key of good.lab.: the validating resolver fails it.
  ASSERT_EQ(setGoodDs("wrong"), 0);
  const auto broken = Clock::now();
  std::vector<nlohmann::json> firing;
  while (firing.empty() && secondsSince(broken) < 90) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    firing = goodLabAlerts("DnssecValidationFailuresFast", "firing");
  }
  const double fired_after = secondsSince(broken);
  ASSERT_FALSE(firing.empty()) << "DnssecValidationFailuresFast did not fire within 90 s";
  std::cout << "DnssecValidationFailuresFast fired " << fired_after << " s after set-ds wrong\n";
  RecordProperty("fired_after_seconds", std::to_string(fired_after));
  // Both vantages see the failure, and the rules count the resolver once over both.
  std::set<std::string> vantages;
  while (vantages.size() < 2 && secondsSince(broken) < 90) {
    vantages.clear();
    firing = goodLabAlerts("DnssecValidationFailuresFast", "firing");
    for (const nlohmann::json& alert : firing) {
      vantages.insert(alert["labels"].value("vantage", ""));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_EQ(vantages, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(query("zone:dnssec_watch_failing_validating_resolvers:count5m{zone=\"good.lab.\"}"), 1);
  for (const nlohmann::json& alert : firing) {
    EXPECT_EQ(alert["labels"].value("resolver", ""), "validating") << alert.dump();
    EXPECT_EQ(alert["labels"].value("severity", ""), "page") << alert.dump();
    EXPECT_NE(alert["annotations"].value("summary", "").find("Remove the DS of good.lab."),
              std::string::npos)
        << alert.dump();
  }

  // The right DS again: the alert clears.
  ASSERT_EQ(setGoodDs("right"), 0);
  const auto repaired = Clock::now();
  while (!goodLabAlerts("DnssecValidationFailuresFast", "").empty() &&
         secondsSince(repaired) < 90) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  const double cleared_after = secondsSince(repaired);
  EXPECT_TRUE(goodLabAlerts("DnssecValidationFailuresFast", "").empty())
      << "DnssecValidationFailuresFast did not clear within 90 s";
  std::cout << "DnssecValidationFailuresFast cleared " << cleared_after
            << " s after set-ds right\n";
  RecordProperty("cleared_after_seconds", std::to_string(cleared_after));
}

}  // namespace
}  // namespace dw::test
