// SPDX-License-Identifier: Apache-2.0
// Static checks of alerts/, dashboards/ and docker/. Every PromQL expression parses, and every
// alert has a severity, a summary, a runbook and unit tests. The dashboards have their
// variables. The files of the compose stack parse and point at files that exist.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "config/config.h"
#include "monitoring_files.h"

namespace dw::test {
namespace {

namespace fs = std::filesystem;

const std::string kSource = DW_SOURCE_DIR;

std::string readText(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// GitHub's anchor for a Markdown heading: lower case, spaces to "-", punctuation dropped.
std::set<std::string> headingAnchors(const fs::path& markdown) {
  std::set<std::string> anchors;
  std::istringstream lines(readText(markdown));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("#", 0) != 0) {
      continue;
    }
    std::string anchor;
    for (char c : line.substr(line.find_first_not_of('#'))) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
        anchor += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (c == ' ' && !anchor.empty()) {
        anchor += '-';
      }
    }
    anchors.insert(anchor);
  }
  return anchors;
}

TEST(RuleFilesTest, ExpressionsParseWithPromtool) {
  const std::vector<PromqlExpression> rules = ruleExpressions(kSource);
  const std::vector<PromqlExpression> dashboards = dashboardExpressions(kSource);
  ASSERT_GE(rules.size(), 25u);
  ASSERT_GE(dashboards.size(), 40u);
  std::vector<PromqlExpression> all = rules;
  all.insert(all.end(), dashboards.begin(), dashboards.end());
  EXPECT_EQ(promtoolParseErrors(DW_PROMTOOL, all), "");
}

TEST(RuleFilesTest, ParseCheckRejectsBadExpression) {
  EXPECT_NE(promtoolParseErrors(DW_PROMTOOL, {{"test", "sum by (zone) (rate(x[5m])"}}), "");
}

TEST(RuleFilesTest, RecordedNamesAreDefined) {
  const std::set<std::string> recorded = recordedNames(kSource);
  std::vector<PromqlExpression> all = ruleExpressions(kSource);
  const std::vector<PromqlExpression> dashboards = dashboardExpressions(kSource);
  all.insert(all.end(), dashboards.begin(), dashboards.end());
  for (const PromqlExpression& expression : all) {
    for (const std::string& name : metricNames(expression.text)) {
      if (name.find(':') != std::string::npos) {
        EXPECT_TRUE(recorded.count(name)) << expression.where << " uses " << name
                                          << ", which no rule in alerts/ records";
      }
    }
  }
}

// The values of the decision label, which the Alertmanager config groups by.
const std::set<std::string> kDecisions = {
    "remove-ds", "disable-signing", "fix-ds",    "re-sign",    "sync-servers",
    "prober",    "lower-ttl",       "fix-phase", "early-step", "state-file"};

// Decisions about dnssec-watch itself, whose alerts name no zone.
const std::set<std::string> kInstanceDecisions = {"prober", "state-file"};

// Rule files whose alerts judge a zone as a whole (its servers, DS, TTLs or phase), not what a
// resolver does with it, so they name no resolver.
const std::set<std::string> kZoneLevelRuleFiles = {"chain.yaml", "rollout.yaml"};

TEST(RuleFilesTest, AlertsHaveSeveritySummaryAndRunbook) {
  const std::set<std::string> anchors = headingAnchors(fs::path(kSource) / "docs/runbooks.md");
  int alerts = 0;
  for (const std::string& file : ruleFiles(kSource)) {
    for (const YAML::Node& group : YAML::LoadFile(file)["groups"]) {
      for (const YAML::Node& rule : group["rules"]) {
        if (!rule["alert"]) {
          continue;
        }
        ++alerts;
        const std::string name = rule["alert"].as<std::string>();
        const std::string severity = rule["labels"]["severity"].as<std::string>("");
        const std::string decision = rule["labels"]["decision"].as<std::string>("");
        const std::string summary = rule["annotations"]["summary"].as<std::string>("");
        const std::string runbook = rule["annotations"]["runbook_url"].as<std::string>("");
        EXPECT_TRUE(severity == "page" || severity == "warning") << name << ": " << severity;
        EXPECT_TRUE(kDecisions.count(decision)) << name << ": " << decision;
        EXPECT_FALSE(summary.empty()) << name;
        const bool about_instance = kInstanceDecisions.count(decision) > 0;
        if (!about_instance) {
          EXPECT_NE(summary.find("$labels.zone"), std::string::npos) << name << ": " << summary;
        }
        if (!about_instance && !kZoneLevelRuleFiles.count(fs::path(file).filename().string())) {
          EXPECT_NE(summary.find("$labels.resolver"), std::string::npos) << name << ": " << summary;
        }
        const std::string prefix = "docs/runbooks.md#";
        ASSERT_EQ(runbook.rfind(prefix, 0), 0u) << name << ": " << runbook;
        EXPECT_TRUE(anchors.count(runbook.substr(prefix.size())))
            << name << ": docs/runbooks.md has no heading for " << runbook;
      }
    }
  }
  EXPECT_GE(alerts, 9);
}

TEST(RuleFilesTest, EveryAlertHasFiringAndQuietUnitTest) {
  std::map<std::string, std::pair<int, int>> firing_and_quiet;
  std::set<std::string> tested_files;
  for (const fs::directory_entry& entry : fs::directory_iterator(fs::path(kSource) / "alerts/tests")) {
    const YAML::Node tests = YAML::LoadFile(entry.path().string());
    for (const YAML::Node& rule_file : tests["rule_files"]) {
      tested_files.insert(
          fs::weakly_canonical(entry.path().parent_path() / rule_file.as<std::string>()).string());
    }
    for (const YAML::Node& test : tests["tests"]) {
      for (const YAML::Node& check : test["alert_rule_test"]) {
        auto& counts = firing_and_quiet[check["alertname"].as<std::string>()];
        const bool firing = check["exp_alerts"] && check["exp_alerts"].size() > 0;
        ++(firing ? counts.first : counts.second);
      }
    }
  }
  for (const std::string& name : alertNames(kSource)) {
    EXPECT_GT(firing_and_quiet[name].first, 0) << name << " has no firing case in alerts/tests";
    EXPECT_GT(firing_and_quiet[name].second, 0) << name << " has no quiet case in alerts/tests";
  }
  for (const std::string& file : ruleFiles(kSource)) {
    EXPECT_TRUE(tested_files.count(fs::weakly_canonical(file).string()))
        << file << " is in no rule_files list of alerts/tests";
  }
}

// Expects every dnssec_watch_* selector of `expr` to filter by the vantage variable.
void expectVantageFilter(const std::string& where, const std::string& expr) {
  static const std::regex kSelector(R"(dnssec_watch_\w+\{([^}]*)\})");
  for (std::sregex_iterator it(expr.begin(), expr.end(), kSelector), end; it != end; ++it) {
    EXPECT_NE((*it)[1].str().find("vantage=~\"$vantage\""), std::string::npos)
        << where << ": every selector filters by $vantage: " << (*it)[0].str();
  }
}

TEST(DashboardsTest, DeclareDatasourceAndFilterVariables) {
  std::set<std::string> uids;
  for (const std::string& file : dashboardFiles(kSource)) {
    SCOPED_TRACE(file);
    const nlohmann::json dashboard = nlohmann::json::parse(std::ifstream(file));
    EXPECT_TRUE(uids.insert(dashboard.value("uid", "")).second) << "duplicate or missing uid";
    EXPECT_GE(dashboard.value("schemaVersion", 0), 38) << "Grafana 10 writes schemaVersion 38";
    std::map<std::string, nlohmann::json> variables;
    for (const nlohmann::json& variable : dashboard["templating"]["list"]) {
      variables[variable.value("name", "")] = variable;
    }
    ASSERT_TRUE(variables.count("datasource"));
    EXPECT_EQ(variables["datasource"].value("type", ""), "datasource");
    EXPECT_EQ(variables["datasource"].value("query", ""), "prometheus");
    for (const char* name : {"vantage", "zone", "resolver"}) {
      ASSERT_TRUE(variables.count(name)) << name;
      EXPECT_EQ(variables[name]["datasource"].value("uid", ""), "${datasource}") << name;
      EXPECT_TRUE(variables[name].value("multi", false)) << name;
    }
    std::set<int> ids;
    for (const nlohmann::json& panel : dashboard["panels"]) {
      EXPECT_TRUE(ids.insert(panel.value("id", -1)).second) << "duplicate panel id";
      if (panel.value("type", "") == "row") {
        continue;
      }
      const std::string title = panel.value("title", "");
      EXPECT_EQ(panel["datasource"].value("uid", ""), "${datasource}") << title;
      ASSERT_FALSE(panel["targets"].empty()) << title;
      for (const nlohmann::json& target : panel["targets"]) {
        expectVantageFilter(title, target.value("expr", ""));
      }
    }
    for (const nlohmann::json& annotation : dashboard["annotations"]["list"]) {
      expectVantageFilter("annotation " + annotation.value("name", ""),
                          annotation.value("expr", ""));
    }
  }
  EXPECT_EQ(uids.size(), 4u);
}

TEST(DockerFilesTest, ComposeNamesServicesAndExistingFiles) {
  const fs::path docker = fs::path(kSource) / "docker";
  const YAML::Node compose = YAML::LoadFile((docker / "compose.yaml").string());
  for (const char* service : {"dnssec-watch", "prometheus", "alertmanager", "grafana"}) {
    ASSERT_TRUE(compose["services"][service]) << service;
  }
  const YAML::Node build = compose["services"]["dnssec-watch"]["build"];
  const fs::path context = docker / build["context"].as<std::string>();
  EXPECT_TRUE(fs::is_regular_file(context / build["dockerfile"].as<std::string>()));
  int mounts = 0;
  for (const auto& service : compose["services"]) {
    for (const YAML::Node& volume : service.second["volumes"]) {
      const std::string spec = volume.as<std::string>();
      const std::string source = spec.substr(0, spec.find(':'));
      if (source.rfind(".", 0) == 0) {
        ++mounts;
        EXPECT_TRUE(fs::exists(docker / source)) << service.first.as<std::string>() << ": " << spec;
      }
    }
  }
  EXPECT_GE(mounts, 5);
}

TEST(DockerFilesTest, GrafanaProvisioningMatchesCompose) {
  const fs::path docker = fs::path(kSource) / "docker";
  const YAML::Node compose = YAML::LoadFile((docker / "compose.yaml").string());
  std::string dashboards_mount;
  for (const YAML::Node& volume : compose["services"]["grafana"]["volumes"]) {
    const std::string spec = volume.as<std::string>();
    if (spec.rfind("../dashboards:", 0) == 0) {
      dashboards_mount = spec.substr(spec.find(':') + 1);
      dashboards_mount = dashboards_mount.substr(0, dashboards_mount.find(':'));
    }
  }
  const fs::path provisioning = docker / "grafana/provisioning";
  const YAML::Node providers = YAML::LoadFile((provisioning / "dashboards/dnssec-watch.yaml").string());
  EXPECT_EQ(providers["apiVersion"].as<int>(), 1);
  EXPECT_EQ(providers["providers"][0]["options"]["path"].as<std::string>(), dashboards_mount);
  const YAML::Node sources = YAML::LoadFile((provisioning / "datasources/prometheus.yaml").string());
  EXPECT_EQ(sources["apiVersion"].as<int>(), 1);
  EXPECT_EQ(sources["datasources"][0]["type"].as<std::string>(), "prometheus");
  EXPECT_EQ(sources["datasources"][0]["url"].as<std::string>(), "http://prometheus:9090");
}

TEST(DockerFilesTest, PrometheusConfigPassesPromtool) {
  // Prometheus reads rules/*.yaml beside its config, where compose mounts alerts/.
  const fs::path dir = fs::temp_directory_path() / ("dw-prometheus-config-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::copy_file(fs::path(kSource) / "docker/prometheus/prometheus.yml", dir / "prometheus.yml",
                fs::copy_options::overwrite_existing);
  fs::create_directory_symlink(fs::path(kSource) / "alerts", dir / "rules");
  const CommandOutput checked = runCommand(std::string(DW_PROMTOOL) + " check config " +
                                           shellQuote((dir / "prometheus.yml").string()));
  fs::remove_all(dir);
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_NE(checked.output.find(std::to_string(ruleFiles(kSource).size()) + " rule files found"),
            std::string::npos)
      << checked.output;
}

TEST(DockerFilesTest, AlertmanagerConfigPassesAmtool) {
  const CommandOutput checked =
      runCommand(std::string(DW_AMTOOL) + " check-config " +
                 shellQuote(kSource + "/docker/alertmanager/alertmanager.yml"));
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
}

TEST(DockerFilesTest, DnssecWatchConfigLoadsAndListensOnPort) {
  const Config config = loadConfig(kSource + "/docker/dnssec-watch/dnssec-watch.yaml");
  EXPECT_EQ(config.listen_address, "0.0.0.0");
  const std::string port = std::to_string(config.listen_port);
  const std::string dockerfile = readText(fs::path(kSource) / "docker/Dockerfile");
  EXPECT_NE(dockerfile.find("EXPOSE " + port), std::string::npos);
  EXPECT_NE(dockerfile.find("http://127.0.0.1:" + port + "/-/healthy"), std::string::npos);
  EXPECT_NE(readText(fs::path(kSource) / "docker/prometheus/prometheus.yml")
                .find("dnssec-watch:" + port),
            std::string::npos);
}

// The text of the Dockerfile from "FROM ... AS stage" to the next FROM.
std::string dockerfileStage(const std::string& stage) {
  const std::string dockerfile = readText(fs::path(kSource) / "docker/Dockerfile");
  const size_t start = dockerfile.find(" AS " + stage + "\n");
  if (start == std::string::npos) {
    return "";
  }
  const size_t end = dockerfile.find("\nFROM ", start);
  return dockerfile.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(DockerfileTest, StagesRunOnDebian12AsNonRoot) {
  const std::string dockerfile = readText(fs::path(kSource) / "docker/Dockerfile");
  EXPECT_NE(dockerfile.find("FROM debian:12 AS build\n"), std::string::npos);
  EXPECT_NE(dockerfile.find("FROM debian:12 AS runtime\n"), std::string::npos);
  const std::string runtime = dockerfileStage("runtime");
  EXPECT_NE(runtime.find("\nUSER dnssec-watch\n"), std::string::npos);
  EXPECT_NE(runtime.find("useradd --system"), std::string::npos);
  EXPECT_NE(runtime.find("\nHEALTHCHECK "), std::string::npos);
  EXPECT_EQ(runtime.find("-dev"), std::string::npos) << "the runtime stage needs no -dev package";
}

TEST(DockerfileTest, BuildStageInstallsLibraryDevPackages) {
  // The "# Libraries" block of scripts/install-deps.sh lists what the build needs.
  const std::string script = readText(fs::path(kSource) / "scripts/install-deps.sh");
  const size_t start = script.find("# Libraries");
  ASSERT_NE(start, std::string::npos);
  const size_t end = script.find("\n  #", start + 1);
  const std::string libraries = script.substr(start, end - start);
  const std::string build = dockerfileStage("build");
  std::istringstream words(libraries.substr(libraries.find('\n')));
  std::string word;
  int packages = 0;
  while (words >> word) {
    ++packages;
    EXPECT_NE(build.find(" " + word), std::string::npos) << word << " is missing in the build stage";
  }
  EXPECT_GE(packages, 10);
}

TEST(DockerfileTest, RuntimeStageInstallsLinkedLibraries) {
  const CommandOutput needed = runCommand("objdump -p " + shellQuote(DW_BINARY));
  ASSERT_EQ(needed.exit_code, 0) << needed.output;
  const std::string runtime = dockerfileStage("runtime");
  // The base image has the C and C++ runtime, and sanitizer builds add their own libraries.
  const std::set<std::string> in_base_image{"libc6", "libstdc++6", "libgcc-s1", "libasan8",
                                            "libubsan1"};
  std::istringstream lines(needed.output);
  std::string line;
  int libraries = 0;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string key, soname;
    if (!(fields >> key >> soname) || key != "NEEDED") {
      continue;
    }
    // Each output line reads "PACKAGE[:ARCH]: PATH". Several packages may ship the soname,
    // e.g. libc6 and libc6-i386 for libm.so.6, and one of them is enough.
    const CommandOutput owners = runCommand("dpkg -S " + shellQuote("*/" + soname));
    ASSERT_EQ(owners.exit_code, 0) << soname << ": " << owners.output;
    std::istringstream owner_lines(owners.output);
    std::string owner_line;
    bool installed = false;
    while (std::getline(owner_lines, owner_line)) {
      const std::string package = owner_line.substr(0, owner_line.find_first_of(":,"));
      installed = installed || in_base_image.count(package) > 0 ||
                  runtime.find(" " + package + " ") != std::string::npos;
    }
    ++libraries;
    EXPECT_TRUE(installed) << soname << " comes from " << owners.output
                           << "and the runtime stage installs none of these packages";
  }
  EXPECT_GE(libraries, 10);
}

TEST(DockerfileTest, BuildStageSourcesConfigure) {
  // Configures a tree holding only what the build stage copies, as `docker build` would.
  const std::string build = dockerfileStage("build");
  const fs::path dir = fs::temp_directory_path() / ("dw-docker-build-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::regex copy(R"(\nCOPY (\S+) (\S+)(?=\n))");
  int copies = 0;
  for (std::sregex_iterator it(build.begin(), build.end(), copy), end; it != end; ++it) {
    ++copies;
    fs::copy(fs::path(kSource) / (*it)[1].str(), dir / (*it)[2].str(),
             fs::copy_options::recursive);
  }
  ASSERT_GE(copies, 2);
  const CommandOutput configured =
      runCommand("cmake -S " + shellQuote(dir.string()) + " -B " + shellQuote((dir / "build").string()) +
                 " -DBUILD_TESTING=OFF --log-level=ERROR");
  fs::remove_all(dir);
  EXPECT_EQ(configured.exit_code, 0) << configured.output;
}

}  // namespace
}  // namespace dw::test
