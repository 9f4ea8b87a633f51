// SPDX-License-Identifier: Apache-2.0
// Every dnssec_watch_* metric that a dashboard or a rule names is one that dnssec-watch
// exports, compared with a live scrape of the daemon running against the lab.
#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "lab_support.h"
#include "monitoring_files.h"

namespace dw::test {
namespace {

// Names of the samples an exposition can hold: the family names of its "# TYPE" lines, with
// the _bucket, _sum and _count series of histograms and summaries. prometheus-cpp omits the
// TYPE line of a family without samples, so only families with data count.
std::set<std::string> exportedNames(const std::string& exposition) {
  std::set<std::string> names;
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string hash, keyword, name, type;
    if (!(fields >> hash >> keyword >> name >> type) || hash != "#" || keyword != "TYPE") {
      continue;
    }
    names.insert(name);
    if (type == "histogram" || type == "summary") {
      names.insert(name + "_sum");
      names.insert(name + "_count");
      if (type == "histogram") {
        names.insert(name + "_bucket");
      }
    }
  }
  return names;
}

TEST(MonitoringMetricsTest, ExportedNamesIncludeHistogramSeries) {
  const std::set<std::string> names = exportedNames(
      "# HELP a_seconds A.\n# TYPE a_seconds histogram\na_seconds_bucket{le=\"1\"} 1\n"
      "# TYPE b_total counter\nb_total 1\n");
  EXPECT_EQ(names, (std::set<std::string>{"a_seconds", "a_seconds_bucket", "a_seconds_count",
                                          "a_seconds_sum", "b_total"}));
}

TEST(MonitoringMetricsTest, DashboardsAndRulesNameExportedMetrics) {
  // Where each dnssec_watch_* name is used, for the failure message.
  std::map<std::string, std::string> used;
  std::vector<PromqlExpression> expressions = ruleExpressions(DW_SOURCE_DIR);
  const std::vector<PromqlExpression> dashboards = dashboardExpressions(DW_SOURCE_DIR);
  expressions.insert(expressions.end(), dashboards.begin(), dashboards.end());
  for (const PromqlExpression& expression : expressions) {
    for (const std::string& name : metricNames(expression.text)) {
      if (name.rfind("dnssec_watch_", 0) == 0) {
        used.emplace(name, expression.where);
      }
    }
  }
  ASSERT_GE(used.size(), 20u);

  // The lab's bogus zones and dead resolver give every family samples within a few intervals.
  Lab lab = readLab();
  const int port = freePort();
  const std::string config = writeTempFile(
      "monitoring.yaml",
      labConfig(lab,
                {"validating " + lab.validating, "nonvalidating " + lab.nonvalidating,
                 "dead " + lab.dead},
                "listen: 127.0.0.1:" + std::to_string(port) +
                    "\ninterval: 1s\ntimeout: 900ms\npath_checks: {interval: 8s}\n"
                    "chain_checks: {interval: 8s}\n"));
  Daemon daemon({"run", "--config", config});
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  std::set<std::string> exported;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool complete = false;
  while (!complete && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::string body;
    if (httpGet(url, body) != 200) {
      continue;
    }
    exported = exportedNames(body);
    complete = true;
    for (const auto& [name, where] : used) {
      complete = complete && exported.count(name) > 0;
    }
  }
  ASSERT_FALSE(exported.empty()) << daemon.stderrText();
  for (const auto& [name, where] : used) {
    EXPECT_TRUE(exported.count(name)) << where << " uses " << name
                                      << ", which dnssec-watch does not export";
  }
}

}  // namespace
}  // namespace dw::test
