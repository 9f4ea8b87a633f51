// SPDX-License-Identifier: Apache-2.0
// The size canaries that "dnssec-watch canaries" prints, as lab.sh puts them into good.lab.,
// measured in the answers of the lab's nsd and validating unbound.
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "dns/message.h"
#include "dns_client.h"
#include "lab_support.h"

namespace dw::test {
namespace {

constexpr uint16_t kTypeTxt = 16;
constexpr std::chrono::milliseconds kAnswerLimit(3000);

struct PrintedCanary {
  std::string owner;
  size_t answer_size = 0;
  size_t records = 0;
};

// Runs the binary as lab.sh does and groups its JSON records by owner, in output order.
std::vector<PrintedCanary> printedCanaries() {
  CommandResult result =
      runBinary({"canaries", "--zone", "good.lab", "--algorithm", "13", "--format", "json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::vector<PrintedCanary> canaries;
  for (const nlohmann::json& record : nlohmann::json::parse(result.out)) {
    const std::string owner = record.at("name");
    if (canaries.empty() || canaries.back().owner != owner) {
      canaries.push_back({owner, record.at("answer_size").get<size_t>(), 0});
    }
    ++canaries.back().records;
  }
  return canaries;
}

// Asks `server` over TCP, so that no UDP limit truncates the answer.
dns::AnswerSummary askCanary(const std::string& server, const std::string& owner) {
  auto answer = askTcp(server, dnssecQuery(owner, kTypeTxt, 4096), kAnswerLimit);
  EXPECT_TRUE(answer.has_value()) << "no TCP answer from " << server << " for " << owner;
  return answer ? dns::summarizeAnswer(answer->data(), answer->size(), owner, kTypeTxt)
                : dns::AnswerSummary{};
}

class CanaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lab_ = readLab();
    canaries_ = printedCanaries();
    ASSERT_EQ(canaries_.size(), 9u);
  }

  Lab lab_;
  std::vector<PrintedCanary> canaries_;
};

// nsd runs with minimal-responses, so its answer holds only the TXT RRset, one RRSIG and OPT.
TEST_F(CanaryTest, AuthoritativeAnswerHasPrintedSize) {
  for (const PrintedCanary& canary : canaries_) {
    const dns::AnswerSummary answer = askCanary(lab_.auth, canary.owner);
    EXPECT_EQ(answer.rcode, 0) << canary.owner;
    EXPECT_TRUE(answer.aa) << canary.owner;
    EXPECT_EQ(answer.answer_count, canary.records + 1) << canary.owner;
    EXPECT_EQ(answer.answer_rrsig_count, 1u) << canary.owner;
    EXPECT_EQ(answer.authority_count, 0u) << canary.owner;
    EXPECT_EQ(answer.size_bytes, canary.answer_size) << canary.owner;
  }
}

TEST_F(CanaryTest, ResolverAnswerHasPrintedSize) {
  for (const PrintedCanary& canary : canaries_) {
    const dns::AnswerSummary answer = askCanary(lab_.validating, canary.owner);
    EXPECT_EQ(answer.rcode, 0) << canary.owner;
    EXPECT_TRUE(answer.ad) << canary.owner << " must validate";
    EXPECT_EQ(answer.answer_count, canary.records + 1) << canary.owner;
    EXPECT_EQ(answer.size_bytes, canary.answer_size) << canary.owner;
  }
}

// Measured sizes ascend, and each pair of canaries lies on both sides of a limit that path
// checks look for.
TEST_F(CanaryTest, MeasuredSizesCrossEachLimit) {
  std::vector<size_t> sizes;
  for (const PrintedCanary& canary : canaries_) {
    sizes.push_back(askCanary(lab_.validating, canary.owner).size_bytes);
  }
  for (size_t i = 1; i < sizes.size(); ++i) {
    EXPECT_LT(sizes[i - 1], sizes[i]) << canaries_[i].owner;
  }
  const size_t limits[] = {512, 1232, 1400, 1500};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_LT(sizes[2 * i], limits[i]) << canaries_[2 * i].owner;
    EXPECT_GT(sizes[2 * i + 1], limits[i]) << canaries_[2 * i + 1].owner;
  }
  EXPECT_EQ(sizes[8], 4000u);
}

TEST(CanaryCommandTest, RejectsUnknownAlgorithm) {
  CommandResult result = runBinary({"canaries", "--zone", "example.com", "--algorithm", "7"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("\"7\""), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST(CanaryCommandTest, RejectsInvalidZone) {
  CommandResult result = runBinary({"canaries", "--zone", "a..example"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("\"a..example\""), std::string::npos) << result.err;
}

// 4096-bit RSA signatures alone take 512 octets, so no answer can be 496 octets.
TEST(CanaryCommandTest, RejectsSignatureTooLongForSmallestCanary) {
  CommandResult result = runBinary(
      {"canaries", "--zone", "example.com", "--algorithm", "8", "--rsa-bits", "4096"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("dw-size-0496.example.com."), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

}  // namespace
}  // namespace dw::test
