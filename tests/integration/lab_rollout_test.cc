// SPDX-License-Identifier: Apache-2.0
// lab.sh sign, set-ds and unsign walk rollout.lab. from unsigned to secure and back. Each step
// is checked at both nsd servers of lab. and through the validating unbound as soon as the
// command returns, because tests of rollouts rely on the lab being in the new state by then.
#include <chrono>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "dns/codes.h"
#include "dns/message.h"
#include "dns_client.h"
#include "lab_support.h"

namespace dw::test {
namespace {

constexpr std::chrono::milliseconds kAnswerLimit(3000);
const std::string kZone = "rollout.lab.";

// Sends `server` a query with DO set for qname/qtype over UDP and summarises the response.
dns::AnswerSummary ask(const std::string& server, const std::string& qname, uint16_t qtype) {
  const auto answer = askUdp(server, dnssecQuery(qname, qtype), kAnswerLimit);
  EXPECT_TRUE(answer.has_value()) << "no answer from " << server << " for " << qname;
  return answer ? dns::summarizeAnswer(answer->data(), answer->size(), qname, qtype)
                : dns::AnswerSummary{};
}

class LabRolloutTest : public ::testing::Test {
 protected:
  void SetUp() override { lab_ = readLab(); }

  // Leaves rollout.lab. unsigned and without DS for the other tests, also after a failed
  // assertion. Removing the DS before the signatures keeps the zone from turning bogus.
  void TearDown() override {
    for (const char* command : {"set-ds rollout none", "unsign rollout"}) {
      const CommandOutput result = runLabScript(command);
      EXPECT_EQ(result.exit_code, 0) << "lab.sh " << command << ":\n" << result.output;
    }
  }

  // Runs lab.sh with `arguments` and returns whether it succeeded, with its output on failure.
  static testing::AssertionResult labCommand(const std::string& arguments) {
    const CommandOutput result = runLabScript(arguments);
    if (result.exit_code == 0) {
      return testing::AssertionSuccess();
    }
    return testing::AssertionFailure()
           << "lab.sh " << arguments << " exited with " << result.exit_code << ":\n"
           << result.output;
  }

  // Checks that nsd serves the zone's SOA with or without RRSIG, that both servers of lab.
  // serve a DS for it or none, and that the validating resolver sets AD only when it should.
  void expectZone(bool is_signed, bool has_ds, bool secure) const {
    const dns::AnswerSummary soa = ask(lab_.auth, kZone, dns::kTypeSoa);
    EXPECT_TRUE(soa.aa) << "nsd is not authoritative for " << kZone;
    EXPECT_TRUE(soa.answer_has_qtype) << "no SOA from nsd";
    EXPECT_EQ(soa.answer_rrsig_count > 0, is_signed) << "RRSIG over the SOA from nsd";

    for (const std::string& server : {lab_.auth, lab_.auth2}) {
      const dns::AnswerSummary ds = ask(server, kZone, dns::kTypeDs);
      EXPECT_EQ(ds.rcode, dns::kRcodeNoError) << "DS from " << server;
      EXPECT_TRUE(ds.aa) << server << " is not authoritative for lab.";
      EXPECT_EQ(ds.answer_has_qtype, has_ds) << "DS in lab. at " << server;
    }

    const std::string www = "www." + kZone;
    const dns::AnswerSummary answer = ask(lab_.validating, www, dns::kTypeA);
    EXPECT_EQ(answer.rcode, dns::kRcodeNoError) << www << " through the validating resolver";
    EXPECT_TRUE(answer.answer_has_qtype) << "no A for " << www;
    EXPECT_EQ(answer.ad, secure) << "AD on " << www;
  }

  Lab lab_;
};

// One lab.sh command of the walk and the state that it leaves rollout.lab. in.
struct RolloutStep {
  const char* command;
  bool is_signed;
  bool has_ds;
  bool secure;
};

TEST_F(LabRolloutTest, WalksToSecureAndBack) {
  const RolloutStep steps[] = {
      {"sign rollout", true, false, false},
      {"set-ds rollout right", true, true, true},
      // A second sign keeps the keys, so the published DS still matches the KSK.
      {"sign rollout", true, true, true},
      {"set-ds rollout none", true, false, false},
      {"unsign rollout", false, false, false},
  };
  {
    SCOPED_TRACE("before the first step");
    expectZone(/*is_signed=*/false, /*has_ds=*/false, /*secure=*/false);
  }

  for (size_t i = 0; i < std::size(steps); ++i) {
    ASSERT_TRUE(labCommand(steps[i].command));
    SCOPED_TRACE("after step " + std::to_string(i + 1) + ", lab.sh " + steps[i].command);
    expectZone(steps[i].is_signed, steps[i].has_ds, steps[i].secure);
  }
}

TEST(LabRolloutCommandTest, SignRejectsOtherZoneKinds) {
  const CommandOutput result = runLabScript("sign good");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("only zones of kind rollout"), std::string::npos)
      << result.output;
  // good.lab. keeps its keys, so its DS in lab. still validates.
  const dns::AnswerSummary answer = ask(readLab().validating, "www.good.lab.", dns::kTypeA);
  EXPECT_EQ(answer.rcode, dns::kRcodeNoError);
  EXPECT_TRUE(answer.ad);
}

}  // namespace
}  // namespace dw::test
