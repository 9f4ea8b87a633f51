// SPDX-License-Identifier: Apache-2.0
// `dnssec-watch check --format json` against the lab: one round through a validating
// resolver, a non-validating one, an address where nothing listens, and one that hangs.
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab_support.h"

namespace dw::test {
namespace {

// Runs one check for the whole suite: each run waits out the hanging resolver's timeout.
class CheckTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Lab lab = readLab();
    hang_address_ = lab.dead.substr(0, lab.dead.rfind('.')) + ".8";
    BlackHole hang(hang_address_, 53);
    const std::string config = writeTempFile(
        "check.yaml", labConfig(lab,
                                {"validating " + lab.validating,
                                 "nonvalidating " + lab.nonvalidating, "dead " + lab.dead,
                                 "hang " + hang_address_},
                                "timeout: 1s\ninterval: 10s\n"));
    result_ = new CommandResult(runBinary({"check", "--config", config, "--format", "json"}));
    report_ = new nlohmann::json(nlohmann::json::parse(result_->out, nullptr, false));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete report_;
  }

  // The probe of `qname`/`qtype` through `resolver` by `engine`, or an empty object.
  static nlohmann::json probe(const std::string& resolver, const std::string& engine,
                              const std::string& qname, const std::string& qtype = "A") {
    for (const auto& item : (*report_)["probes"]) {
      if (item["resolver"] == resolver && item["engine"] == engine && item["qname"] == qname &&
          item["qtype"] == qtype && !item["canary"].get<bool>()) {
        return item;
      }
    }
    ADD_FAILURE() << "no " << engine << " probe of " << qname << "/" << qtype << " via "
                  << resolver;
    return nlohmann::json::object();
  }

  static nlohmann::json resolver(const std::string& name) {
    for (const auto& item : (*report_)["resolvers"]) {
      if (item["name"] == name) {
        return item;
      }
    }
    return nlohmann::json::object();
  }

  static inline CommandResult* result_ = nullptr;
  static inline nlohmann::json* report_ = nullptr;
  static inline std::string hang_address_;
};

TEST_F(CheckTest, ProducesJsonAndExitsUnhealthy) {
  ASSERT_FALSE(report_->is_discarded()) << "stdout is not JSON:\n" << result_->out;
  EXPECT_EQ(result_->exit_code, 1) << result_->err;
  EXPECT_FALSE((*report_)["healthy"].get<bool>());
}

TEST_F(CheckTest, ValidatingResolverGivesAdForGoodZone) {
  nlohmann::json raw = probe("validating", "raw", "www.good.lab.");
  EXPECT_EQ(raw["result"], "noerror");
  EXPECT_TRUE(raw["udp"]["flags"]["ad"].get<bool>());
  EXPECT_GT(raw["udp"]["rrsig_count"].get<int>(), 0);
  EXPECT_TRUE(raw["udp"]["opt"]["present"].get<bool>());
  EXPECT_TRUE(raw["healthy"].get<bool>());
}

TEST_F(CheckTest, ValidatingEngineGivesSecureForGoodZone) {
  for (const char* resolver : {"validating", "nonvalidating"}) {
    EXPECT_EQ(probe(resolver, "validating", "www.good.lab.")["state"], "secure") << resolver;
    EXPECT_EQ(probe(resolver, "validating", "good.lab.", "DNSKEY")["state"], "secure")
        << resolver;
  }
}

TEST_F(CheckTest, UnsignedZonesAreInsecure) {
  for (const char* qname : {"www.unsigned.lab.", "www.nods.lab."}) {
    EXPECT_EQ(probe("validating", "validating", qname)["state"], "insecure") << qname;
    nlohmann::json raw = probe("validating", "raw", qname);
    EXPECT_EQ(raw["result"], "noerror") << qname;
    EXPECT_FALSE(raw["udp"]["flags"]["ad"].get<bool>()) << qname;
  }
}

TEST_F(CheckTest, ValidatingResolverServfailsOnBogusZones) {
  for (const char* qname : {"www.bogusds.lab.", "www.expired.lab."}) {
    nlohmann::json raw = probe("validating", "raw", qname);
    EXPECT_EQ(raw["result"], "servfail") << qname;
    EXPECT_EQ(raw["servfail_cause"], "validation") << qname;
    EXPECT_EQ(raw["cd_recheck"]["rcode"], "NOERROR") << qname;
    EXPECT_EQ(raw["health"], "bogus") << qname;
  }
}

TEST_F(CheckTest, ValidatingEngineNamesBogusReasons) {
  nlohmann::json bad_ds = probe("validating", "validating", "www.bogusds.lab.");
  EXPECT_EQ(bad_ds["state"], "bogus");
  EXPECT_EQ(bad_ds["reason"], "ds_mismatch") << bad_ds["why_bogus"];
  nlohmann::json expired = probe("validating", "validating", "www.expired.lab.");
  EXPECT_EQ(expired["state"], "bogus");
  EXPECT_EQ(expired["reason"], "signature_expired") << expired["why_bogus"];
}

TEST_F(CheckTest, NonValidatingResolverAnswersWithoutAd) {
  for (const char* qname : {"www.good.lab.", "www.bogusds.lab.", "www.expired.lab."}) {
    nlohmann::json raw = probe("nonvalidating", "raw", qname);
    EXPECT_EQ(raw["result"], "noerror") << qname;
    EXPECT_FALSE(raw["udp"]["flags"]["ad"].get<bool>()) << qname;
  }
}

TEST_F(CheckTest, LibunboundThroughNonValidatingResolverFindsBogus) {
  EXPECT_EQ(probe("nonvalidating", "validating", "www.bogusds.lab.")["state"], "bogus");
  EXPECT_EQ(probe("nonvalidating", "validating", "www.expired.lab.")["state"], "bogus");
}

TEST_F(CheckTest, ResolversAreClassifiedByValidation) {
  EXPECT_EQ(resolver("validating")["validating"], true);
  EXPECT_EQ(resolver("nonvalidating")["validating"], false);
  EXPECT_TRUE(resolver("dead")["validating"].is_null());
}

TEST_F(CheckTest, TruncatedAnswerIsRetriedOverTcp) {
  nlohmann::json raw = probe("validating", "raw", "big.good.lab.", "TXT");
  EXPECT_TRUE(raw["udp"]["flags"]["tc"].get<bool>());
  EXPECT_EQ(raw["transport"], "tcp");
  EXPECT_EQ(raw["tcp"]["status"], "answered");
  EXPECT_GT(raw["tcp"]["size_bytes"].get<int>(), 1232);
  EXPECT_EQ(raw["result"], "noerror");
}

TEST_F(CheckTest, AddressWithoutListenerIsUnreachable) {
  nlohmann::json raw = probe("dead", "raw", "www.good.lab.");
  EXPECT_EQ(raw["result"], "unreachable");
  EXPECT_FALSE(raw["healthy"].get<bool>());
}

TEST_F(CheckTest, HangingResolverTimesOut) {
  EXPECT_EQ(probe("hang", "raw", "www.good.lab.")["result"], "timeout");
  EXPECT_EQ(probe("hang", "validating", "www.good.lab.")["result"], "timeout");
  EXPECT_EQ(probe("dead", "validating", "www.good.lab.")["result"], "timeout");
}

TEST(CheckCommandTest, ExitsZeroWhenEveryProbeIsHealthy) {
  Lab lab = readLab();
  std::string yaml = "trust_anchor_files: [" + lab.root_key + "]\n" +
                     "timeout: 2s\n"
                     "zones:\n"
                     "  - {name: good.lab, probes: [{name: www.good.lab, type: A}]}\n"
                     "  - {name: unsigned.lab, probes: [{name: www.unsigned.lab, type: A}]}\n"
                     "resolvers: [{name: validating, address: " +
                     lab.validating + "}]\n";
  CommandResult result = runBinary({"check", "--config", writeTempFile("ok.yaml", yaml)});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("healthy"), std::string::npos);
}

TEST(CheckCommandTest, BadConfigExitsTwoWithLocatedError) {
  const std::string path = writeTempFile("bad.yaml",
                                         "zones:\n"
                                         "  - {name: good.lab, probes: [{name: www.good.lab}]}\n"
                                         "resolvers: [{name: r, address: dns.example}]\n");
  CommandResult result = runBinary({"check", "--config", path});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(path + ":3:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("dns.example"), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

}  // namespace
}  // namespace dw::test

namespace dw::test {
namespace {

// With validating_resolvers_max: 0 no resolver gets a libunbound context; every validating
// probe is verified locally against keys fetched through the key resolver.
class LocalValidationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Lab lab = readLab();
    const std::string config = writeTempFile(
        "local.yaml",
        labConfig(lab, {"validating " + lab.validating, "nonvalidating " + lab.nonvalidating},
                  "timeout: 2s\nvalidating_resolvers_max: 0\nkey_resolver: validating\n"));
    const CommandResult result = runBinary({"check", "--config", config, "--format", "json"});
    report_ = new nlohmann::json(nlohmann::json::parse(result.out, nullptr, false));
  }
  static void TearDownTestSuite() { delete report_; }

  static nlohmann::json probe(const std::string& resolver, const std::string& qname) {
    for (const auto& item : (*report_)["probes"]) {
      if (item["resolver"] == resolver && item["engine"] == "validating" &&
          item["qname"] == qname && item["qtype"] == "A") {
        return item;
      }
    }
    ADD_FAILURE() << "no validating probe of " << qname << " via " << resolver;
    return nlohmann::json::object();
  }

  static inline nlohmann::json* report_ = nullptr;
};

TEST_F(LocalValidationTest, GivesSameStatesAsLibunbound) {
  ASSERT_FALSE(report_->is_discarded());
  const std::map<std::string, std::string> expected{{"www.good.lab.", "secure"},
                                                    {"www.unsigned.lab.", "insecure"},
                                                    {"www.nods.lab.", "insecure"},
                                                    {"www.bogusds.lab.", "bogus"},
                                                    {"www.expired.lab.", "bogus"}};
  for (const char* resolver : {"validating", "nonvalidating"}) {
    for (const auto& [qname, state] : expected) {
      nlohmann::json item = probe(resolver, qname);
      EXPECT_EQ(item["method"], "local") << resolver << " " << qname;
      EXPECT_EQ(item["state"], state) << resolver << " " << qname << ": " << item.dump();
    }
  }
}

TEST_F(LocalValidationTest, NamesBogusReasons) {
  EXPECT_EQ(probe("nonvalidating", "www.bogusds.lab.")["reason"], "ds_mismatch");
  EXPECT_EQ(probe("nonvalidating", "www.expired.lab.")["reason"], "signature_expired");
}

}  // namespace
}  // namespace dw::test
