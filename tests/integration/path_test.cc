// SPDX-License-Identifier: Apache-2.0
// Path checks against the lab: the real binary's `check` through the lab's resolvers and
// through faulty relays that break answers the way middleboxes do; the metrics of `run`; and
// the reply-size search across rounds.
#include <arpa/inet.h>
#include <ares.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/event.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "dns_client.h"
#include "faulty_relay.h"
#include "lab_support.h"
#include "probe/key_cache.h"
#include "probe/path_checker.h"
#include "probe/raw_engine.h"

namespace dw::test {
namespace {

// The canaries that tests/lab/lab.sh adds to good.lab, from `dnssec-watch canaries`.
const char* const kCanaries[] = {"dw-size-0496", "dw-size-0528", "dw-size-1216",
                                 "dw-size-1248", "dw-size-1384", "dw-size-1416",
                                 "dw-size-1484", "dw-size-1516", "dw-size-4000"};

// The test's relays take host numbers 30 and up of the lab's network.
std::string relayAddress(const Lab& lab, int host) {
  return lab.dead.substr(0, lab.dead.rfind('.')) + "." + std::to_string(host);
}

// A config that watches good.lab, with its canaries, through `resolvers`.
std::string pathConfig(const Lab& lab, const std::vector<std::pair<std::string, std::string>>&
                                           resolvers,
                       const std::string& extra) {
  std::string yaml = "vantage: test\nstate_file: state.yaml\ntrust_anchor_files: [" +
                     lab.root_key + "]\n" + extra +
                     "zones:\n  - name: good.lab\n    probes: [{name: www.good.lab}]\n"
                     "    size_canaries:\n";
  for (const char* canary : kCanaries) {
    yaml += "      - " + std::string(canary) + ".good.lab\n";
  }
  yaml += "resolvers:\n";
  for (const auto& [name, address] : resolvers) {
    yaml += "  - {name: " + name + ", address: " + address + "}\n";
  }
  return yaml;
}

// Puts the canaries into the cache of the resolver at `address`. All relays forward to one
// unbound, and unbound 1.17 gives identical questions that arrive while it resolves one
// shared reply, whatever EDNS size each asked for: the sweeps of eight relays at once would
// otherwise get each other's answers.
void warmCanaries(const std::string& address) {
  for (const char* canary : kCanaries) {
    askTcp(address, dnssecQuery(std::string(canary) + ".good.lab.", 16),
           std::chrono::seconds(2));
  }
}

// One `check` for the whole suite, through the lab's two resolvers and one relay per fault.
class PathCheckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const Lab lab = readLab();
    warmCanaries(lab.validating);
    warmCanaries(lab.nonvalidating);
    const std::vector<std::pair<std::string, Fault>> faults = {
        {"relay_clean", Fault::None},          {"relay_tc512", Fault::TruncateOver512},
        {"relay_drop1232", Fault::DropOver1232}, {"relay_rrsig", Fault::StripRrsig},
        {"relay_nsec", Fault::StripNsec},       {"relay_opt", Fault::StripOpt},
        {"relay_notcp", Fault::RefuseTcp},      {"relay_slow", Fault::Slow}};
    std::vector<std::pair<std::string, std::string>> resolvers = {
        {"validating", lab.validating}, {"nonvalidating", lab.nonvalidating}};
    std::vector<std::unique_ptr<FaultyRelay>> relays;
    int host = 30;
    for (const auto& [name, fault] : faults) {
      const std::string address = relayAddress(lab, host++);
      relays.push_back(std::make_unique<FaultyRelay>(address, lab.validating, fault,
                                                     std::chrono::milliseconds(300)));
      resolvers.emplace_back(name, address);
    }
    const std::string config =
        writeTempFile("path.yaml", pathConfig(lab, resolvers, "timeout: 1500ms\n"));
    result_ = new CommandResult(runBinary({"check", "--config", config, "--format", "json"}));
    report_ = new nlohmann::json(nlohmann::json::parse(result_->out, nullptr, false));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete report_;
  }

  // The path checks of good.lab through `resolver`, or an empty object.
  static nlohmann::json path(const std::string& resolver) {
    for (const auto& item : (*report_)["paths"]) {
      if (item["resolver"] == resolver) {
        return item;
      }
    }
    ADD_FAILURE() << "no path checks through " << resolver << "\n" << result_->out
                  << result_->err;
    return nlohmann::json::object();
  }

  // Sweep outcomes by EDNS size label, e.g. {"none": "truncated", "4096": "complete"}.
  static std::map<std::string, std::string> sweep(const nlohmann::json& path) {
    std::map<std::string, std::string> outcomes;
    for (const auto& step : path.value("sweep", nlohmann::json::array())) {
      outcomes[step["edns_size"]] = step["outcome"];
    }
    return outcomes;
  }

  static std::vector<std::string> stripped(const nlohmann::json& path) {
    return path.value("stripped", std::vector<std::string>{});
  }

  static inline CommandResult* result_ = nullptr;
  static inline nlohmann::json* report_ = nullptr;
};

TEST_F(PathCheckTest, ExitsOneForFaultyPaths) {
  EXPECT_EQ(result_->exit_code, 1) << result_->err;
  ASSERT_FALSE(report_->is_discarded()) << result_->out;
}

TEST_F(PathCheckTest, HealthyResolverShowsNoFault) {
  for (const std::string name : {"validating", "nonvalidating", "relay_clean"}) {
    SCOPED_TRACE(name);
    const nlohmann::json result = path(name);
    EXPECT_TRUE(result.value("healthy", false)) << result.dump(1);
    EXPECT_TRUE(result.value("zone_signed", false));
    const auto outcomes = sweep(result);
    // The 4000-octet canary fits only into 4096; every smaller size truncates, and TCP works.
    EXPECT_EQ(outcomes.at("none"), "truncated");
    EXPECT_EQ(outcomes.at("512"), "truncated");
    EXPECT_EQ(outcomes.at("1232"), "truncated");
    EXPECT_EQ(outcomes.at("1400"), "truncated");
    EXPECT_EQ(outcomes.at("4096"), "complete") << result["sweep"].dump();
    for (const auto& step : result["sweep"]) {
      if (step.contains("tcp")) {
        EXPECT_EQ(step["tcp"]["status"], "answered");
      }
    }
    EXPECT_TRUE(result["reply_size"].value("all_arrived", false));
    EXPECT_GT(result["reply_size"].value("limit_bytes", 0), 3900);
    EXPECT_EQ(result["reply_size"].value("failing_bytes", -1), 0);
    EXPECT_TRUE(stripped(result).empty());
    EXPECT_EQ(result["negative"]["outcome"], "nxdomain");
    EXPECT_EQ(result["negative"]["proof"], "valid");
  }
}

TEST_F(PathCheckTest, NonValidatingResolverLacksOnlyAd) {
  EXPECT_FALSE(path("nonvalidating")["negative"].value("ad", true));
  EXPECT_TRUE(path("validating")["negative"].value("ad", false));
  EXPECT_TRUE(path("relay_clean")["negative"].value("ad", false));
}

TEST_F(PathCheckTest, SlowPathIsNotLoss) {
  const nlohmann::json result = path("relay_slow");
  EXPECT_TRUE(result.value("healthy", false)) << result.dump(1);
  for (const auto& [size, outcome] : sweep(result)) {
    EXPECT_NE(outcome, "lost") << size;
  }
  EXPECT_TRUE(result["reply_size"].value("all_arrived", false));
}

TEST_F(PathCheckTest, TruncationAt512IsFound) {
  const nlohmann::json result = path("relay_tc512");
  const auto outcomes = sweep(result);
  EXPECT_EQ(outcomes.at("4096"), "truncated");
  EXPECT_EQ(outcomes.at("1400"), "truncated");
  const nlohmann::json& size = result["reply_size"];
  EXPECT_LE(size.value("limit_bytes", 0), 512);
  EXPECT_GT(size.value("limit_bytes", 0), 400);
  EXPECT_GT(size.value("failing_bytes", 0), 512);
  EXPECT_LT(size.value("failing_bytes", 0), 600);
  EXPECT_FALSE(size.value("exceeds_path", true));
  // The truncating device drops OPT only from its short answers, which TCP replaces.
  EXPECT_TRUE(stripped(result).empty());
  EXPECT_TRUE(result.value("healthy", false)) << "truncation with working TCP is no fault";
}

TEST_F(PathCheckTest, LostLargeAnswersAreFound) {
  const nlohmann::json result = path("relay_drop1232");
  const auto outcomes = sweep(result);
  EXPECT_EQ(outcomes.at("4096"), "lost");
  EXPECT_EQ(outcomes.at("1232"), "truncated");
  const nlohmann::json& size = result["reply_size"];
  EXPECT_LE(size.value("limit_bytes", 0), 1232);
  EXPECT_GT(size.value("limit_bytes", 0), 1200);
  EXPECT_GT(size.value("failing_bytes", 0), 1232);
  EXPECT_TRUE(size.value("exceeds_path", false));
  EXPECT_FALSE(result.value("healthy", true));
}

TEST_F(PathCheckTest, StrippedRrsigsAreFound) {
  const nlohmann::json result = path("relay_rrsig");
  EXPECT_EQ(stripped(result), std::vector<std::string>{"rrsig"});
  EXPECT_EQ(result["negative"]["proof"], "invalid");
  EXPECT_FALSE(result.value("healthy", true));
}

TEST_F(PathCheckTest, StrippedNsecIsFound) {
  const nlohmann::json result = path("relay_nsec");
  EXPECT_EQ(stripped(result), std::vector<std::string>{"nsec"});
  EXPECT_EQ(result["negative"]["outcome"], "nxdomain");
  EXPECT_EQ(result["negative"]["proof"], "missing");
}

TEST_F(PathCheckTest, StrippedOptIsFound) {
  const nlohmann::json result = path("relay_opt");
  EXPECT_EQ(stripped(result), std::vector<std::string>{"opt"});
}

TEST_F(PathCheckTest, RefusedTcpIsFound) {
  const nlohmann::json result = path("relay_notcp");
  const auto outcomes = sweep(result);
  EXPECT_EQ(outcomes.at("1232"), "truncated");
  for (const auto& step : result["sweep"]) {
    if (step["outcome"] == "truncated") {
      ASSERT_TRUE(step.contains("tcp"));
      EXPECT_EQ(step["tcp"]["status"], "unreachable");
    }
  }
  EXPECT_FALSE(result.value("healthy", true));
}

TEST_F(PathCheckTest, TextTableShowsFaults) {
  const Lab lab = readLab();
  FaultyRelay relay(relayAddress(lab, 40), lab.validating, Fault::DropOver1232);
  const std::string config = writeTempFile(
      "path-text.yaml",
      pathConfig(lab, {{"relay_drop1232", relayAddress(lab, 40)}}, "timeout: 1s\n"));
  const CommandResult text = runBinary({"check", "--config", config});
  EXPECT_EQ(text.exit_code, 1) << text.err;
  EXPECT_NE(text.out.find("relay_drop1232   good.lab.            TTTTL"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(" lost "), std::string::npos) << text.out;
}

// The reply-size search, driven directly: its first round bisects, and later rounds confirm
// the previous bounds with two queries.
class ReplySizeSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ares_library_init(ARES_LIB_INIT_ALL);
    lab_ = readLab();
    base_ = event_base_new();
    raw_ = std::make_unique<RawEngine>(base_, RawEngine::Settings{std::chrono::seconds(1), 1232});
    KeyCache::Settings key_settings;
    key_settings.timeout = std::chrono::seconds(2);
    key_settings.trust_anchor_files = {lab_.root_key};
    key_settings.key_resolver = ResolverSpec{"validating", lab_.validating, 53, 4, "test"};
    keys_ = std::make_unique<KeyCache>(base_, key_settings);
    checker_ = std::make_unique<PathChecker>(*raw_, *keys_, PathChecker::Settings{});
    zone_.name = "good.lab.";
    for (const char* canary : kCanaries) {
      zone_.size_canaries.push_back(
          ProbeSpec{std::string(canary) + ".good.lab.", 16, "TXT"});
    }
  }
  void TearDown() override {
    checker_.reset();
    raw_.reset();
    keys_.reset();
    event_base_free(base_);
  }

  PathResult runRound(const ResolverSpec& resolver) {
    std::optional<PathResult> result;
    checker_->check(7, resolver, zone_, [&](PathResult done) {
      result = std::move(done);
      event_base_loopbreak(base_);
    });
    event_base_dispatch(base_);
    EXPECT_TRUE(result.has_value());
    return result.value_or(PathResult{});
  }

  Lab lab_;
  event_base* base_ = nullptr;
  std::unique_ptr<RawEngine> raw_;
  std::unique_ptr<KeyCache> keys_;
  std::unique_ptr<PathChecker> checker_;
  ZoneSpec zone_;
};

TEST_F(ReplySizeSearchTest, ConfirmsBoundsInTwoQueries) {
  FaultyRelay relay(relayAddress(lab_, 41), lab_.validating, Fault::DropOver1232);
  const ResolverSpec resolver{"relay", relayAddress(lab_, 41), 53, 4, "test"};
  const PathResult first = runRound(resolver);
  ASSERT_TRUE(first.size.error.empty()) << first.size.error;
  // Nine canaries: a bisection takes at most 4 queries, plus one over TCP for the size of
  // the lost canary.
  EXPECT_LE(first.size.queries, 5);
  EXPECT_TRUE(first.size.failing_lost);
  const PathResult second = runRound(resolver);
  EXPECT_EQ(second.size.queries, 2);
  EXPECT_EQ(second.size.limit_bytes, first.size.limit_bytes);
  EXPECT_EQ(second.size.failing_bytes, first.size.failing_bytes);
  EXPECT_TRUE(second.size.failing_lost);
}

TEST_F(ReplySizeSearchTest, SearchesAgainWhenThePathChanges) {
  const ResolverSpec resolver{"relay", relayAddress(lab_, 42), 53, 4, "test"};
  size_t clean_limit = 0;
  {
    FaultyRelay relay(relayAddress(lab_, 42), lab_.validating, Fault::None);
    const PathResult clean = runRound(resolver);
    EXPECT_TRUE(clean.size.all_arrived);
    clean_limit = clean.size.limit_bytes;
    EXPECT_EQ(runRound(resolver).size.queries, 1);  // Only the largest canary is confirmed.
  }
  FaultyRelay relay(relayAddress(lab_, 42), lab_.validating, Fault::TruncateOver512);
  const PathResult truncated = runRound(resolver);
  EXPECT_LT(truncated.size.limit_bytes, 513u);
  EXPECT_LT(truncated.size.limit_bytes, clean_limit);
  EXPECT_FALSE(truncated.size.failing_lost);
}

TEST_F(ReplySizeSearchTest, ReportsMissingCanary) {
  zone_.size_canaries.insert(zone_.size_canaries.begin() + 4,
                             ProbeSpec{"dw-size-missing.good.lab.", 16, "TXT"});
  const PathResult result = runRound(ResolverSpec{"validating", lab_.validating, 53, 4, "t"});
  EXPECT_EQ(result.size.error, "size canary dw-size-missing.good.lab. answered NXDOMAIN");
}

// A UDP server on address:53 that answers every query with its own header and question and a
// broken answer record, until destroyed.
class GarbageServer {
 public:
  explicit GarbageServer(const std::string& address) {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in bound{};
    bound.sin_family = AF_INET;
    bound.sin_port = htons(53);
    inet_pton(AF_INET, address.c_str(), &bound.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&bound), sizeof bound) != 0) {
      ADD_FAILURE() << "cannot bind " << address << ":53";
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~GarbageServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1, 50) <= 0) {
        continue;
      }
      uint8_t query[512];
      sockaddr_in client{};
      socklen_t length = sizeof client;
      const ssize_t size = recvfrom(fd_, query, sizeof query, 0,
                                    reinterpret_cast<sockaddr*>(&client), &length);
      if (size < 2) {
        continue;
      }
      // The header and the question, which c-ares checks, then an answer RR cut short, which
      // ldns rejects.
      size_t end = 12;
      while (end < static_cast<size_t>(size) && query[end] != 0) {
        end += query[end] + 1;
      }
      end += 5;
      if (end > static_cast<size_t>(size)) {
        continue;
      }
      std::vector<uint8_t> answer(query, query + end);
      answer[2] |= 0x80;          // QR
      answer[7] = 1;              // ANCOUNT
      answer[10] = answer[11] = 0;  // ARCOUNT
      for (uint8_t octet : std::initializer_list<uint8_t>{0xc0, 0x0c, 0x00, 0x01, 0x00}) {
        answer.push_back(octet);
      }
      sendto(fd_, answer.data(), answer.size(), 0, reinterpret_cast<sockaddr*>(&client), length);
    }
  }

  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(ReplySizeSearchTest, GarbageAnswersMakeFailedStepsNotUnreachable) {
  GarbageServer garbage(relayAddress(lab_, 45));
  const PathResult result = runRound(ResolverSpec{"garbage", relayAddress(lab_, 45), 53, 4, "t"});
  EXPECT_TRUE(result.reachable);
  ASSERT_EQ(result.sweep.size(), 5u);
  for (const SweepStep& step : result.sweep) {
    EXPECT_EQ(step.outcome, SweepOutcome::Failed) << ednsSizeLabel(step.edns_size);
    EXPECT_EQ(step.raw.udp.status, ExchangeStatus::Malformed);
  }
}

// The daemon exports what the rounds find, by resolver.
TEST(PathMetricsTest, RunExportsPathMetrics) {
  const Lab lab = readLab();
  FaultyRelay drop(relayAddress(lab, 43), lab.validating, Fault::DropOver1232);
  FaultyRelay nsec(relayAddress(lab, 44), lab.validating, Fault::StripNsec);
  const int port = freePort();
  const std::string config = writeTempFile(
      "path-run.yaml",
      pathConfig(lab,
                 {{"validating", lab.validating},
                  {"drop", relayAddress(lab, 43)},
                  {"nsec", relayAddress(lab, 44)}},
                 "listen: 127.0.0.1:" + std::to_string(port) +
                     "\ninterval: 1s\ntimeout: 500ms\npath_checks: {interval: 4s}\n"));
  Daemon daemon({"run", "--config", config});
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  const std::string text = waitForMetric(
      url, "dnssec_watch_path_checks_total",
      {{"resolver", "drop"}, {"zone", "good.lab."}, {"result", "complete"}},
      [](double value) { return value >= 2; }, std::chrono::seconds(30));
  daemon.stop();
  auto value = [&](const std::string& name, std::map<std::string, std::string> labels) {
    labels.emplace("zone", "good.lab.");
    return metricValue(text, name, labels);
  };
  EXPECT_GE(value("dnssec_watch_edns_sweep_total",
                  {{"resolver", "drop"}, {"edns_size", "4096"}, {"outcome", "lost"}}),
            2)
      << text;
  EXPECT_GE(value("dnssec_watch_edns_sweep_tcp_total",
                  {{"resolver", "validating"}, {"edns_size", "1232"}, {"outcome", "ok"}}),
            1);
  EXPECT_EQ(value("dnssec_watch_reply_size_exceeds_path", {{"resolver", "drop"}}), 1);
  EXPECT_EQ(value("dnssec_watch_reply_size_exceeds_path", {{"resolver", "validating"}}), 0);
  EXPECT_LE(value("dnssec_watch_reply_size_limit_bytes", {{"resolver", "drop"}}), 1232);
  EXPECT_GT(value("dnssec_watch_reply_size_limit_bytes", {{"resolver", "validating"}}), 3900);
  EXPECT_GE(value("dnssec_watch_stripped_total", {{"resolver", "nsec"}, {"record", "nsec"}}), 1);
  // Series that alerts use start at 0, so that rate() sees their first increase.
  EXPECT_EQ(value("dnssec_watch_stripped_total", {{"resolver", "validating"}, {"record", "nsec"}}),
            0);
  EXPECT_EQ(value("dnssec_watch_edns_sweep_total",
                  {{"resolver", "validating"}, {"edns_size", "4096"}, {"outcome", "lost"}}),
            0);
  EXPECT_GE(value("dnssec_watch_negative_proofs_total",
                  {{"resolver", "nsec"}, {"proof", "missing"}}),
            1);
  EXPECT_GE(value("dnssec_watch_negative_proofs_total",
                  {{"resolver", "validating"}, {"proof", "valid"}}),
            1);
  EXPECT_GE(value("dnssec_watch_negative_ad_total", {{"resolver", "validating"}}), 1);
  EXPECT_GT(metricValue(text, "dnssec_watch_path_queries_total", {}), 0);
  EXPECT_GT(metricValue(text, "dnssec_watch_path_answer_bytes_total", {}), 0);
  EXPECT_NE(daemon.stderrText().find("path state changed resolver=drop zone=good.lab."),
            std::string::npos)
      << daemon.stderrText();
}

}  // namespace
}  // namespace dw::test
