// SPDX-License-Identifier: Apache-2.0
// Self-tests of FaultyRelay: each fault, put in front of the lab's validating resolver, does
// to the answers what its name says, and nothing else.
#include "faulty_relay.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <future>
#include <random>

#include <gtest/gtest.h>

#include "dns/message.h"
#include "dns_client.h"
#include "lab_support.h"

namespace dw::test {
namespace {

constexpr uint16_t kTypeA = 1;
constexpr uint16_t kTypeTxt = 16;
constexpr std::chrono::milliseconds kAnswerLimit(3000);
// Long enough for a lab answer, short enough to keep a test of a dropped answer quick.
constexpr std::chrono::milliseconds kLossLimit(1500);

// Relays use host numbers 20 to 29 of the lab's network, so they never collide with the lab's
// servers or another test's relays.
std::string relayAddress(const Lab& lab, int host) {
  return lab.dead.substr(0, lab.dead.rfind('.')) + "." + std::to_string(host);
}

dns::AnswerSummary summarize(const std::vector<uint8_t>& answer, const std::string& qname,
                             uint16_t qtype) {
  return dns::summarizeAnswer(answer.data(), answer.size(), qname, qtype);
}

// A label under good.lab that exists in no cache, so the answer is NXDOMAIN with its proof.
std::string randomMissingName() {
  std::random_device random;
  return "dw-missing-" + std::to_string(random()) + ".good.lab.";
}

class FaultyRelayTest : public ::testing::Test {
 protected:
  void SetUp() override { lab_ = readLab(); }

  // The resolver's own answer, asked directly over UDP.
  dns::AnswerSummary direct(const std::string& qname, uint16_t qtype) {
    auto answer = askUdp(lab_.validating, dnssecQuery(qname, qtype), kAnswerLimit);
    EXPECT_TRUE(answer.has_value()) << "no answer from " << lab_.validating;
    return answer ? summarize(*answer, qname, qtype) : dns::AnswerSummary{};
  }

  Lab lab_;
};

// The relay's answer must equal, byte for byte, the resolver's answer just before or just
// after it, because the resolver's TTLs count down and can change between two answers.
void expectForwardedUnchanged(const std::string& resolver, const std::string& relay,
                              const std::vector<uint8_t>& query, bool over_tcp) {
  auto ask = over_tcp ? askTcp : askUdp;
  auto before = ask(resolver, query, kAnswerLimit);
  auto relayed = ask(relay, query, kAnswerLimit);
  auto after = ask(resolver, query, kAnswerLimit);
  ASSERT_TRUE(before.has_value());
  ASSERT_TRUE(relayed.has_value()) << "no answer through the relay";
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(*relayed == *before || *relayed == *after)
      << "relayed " << relayed->size() << " octets, resolver " << before->size();
}

TEST_F(FaultyRelayTest, NoneForwardsAnswersUnchanged) {
  const std::string relay_address = relayAddress(lab_, 20);
  FaultyRelay relay(relay_address, lab_.validating, Fault::None);
  expectForwardedUnchanged(lab_.validating, relay_address, dnssecQuery("www.good.lab.", kTypeA),
                           false);
  expectForwardedUnchanged(lab_.validating, relay_address,
                           dnssecQuery("big.good.lab.", kTypeTxt), false);
  expectForwardedUnchanged(lab_.validating, relay_address,
                           dnssecQuery("big.good.lab.", kTypeTxt), true);
  expectForwardedUnchanged(lab_.validating, relay_address,
                           dnssecQuery(randomMissingName(), kTypeA), false);
}

TEST_F(FaultyRelayTest, TruncateOver512CutsLargeUdpAnswer) {
  ASSERT_GT(direct("big.good.lab.", kTypeTxt).size_bytes, 512u);
  const std::string relay_address = relayAddress(lab_, 21);
  FaultyRelay relay(relay_address, lab_.validating, Fault::TruncateOver512);
  auto answer = askUdp(relay_address, dnssecQuery("big.good.lab.", kTypeTxt), kAnswerLimit);
  ASSERT_TRUE(answer.has_value());
  const dns::AnswerSummary big = summarize(*answer, "big.good.lab.", kTypeTxt);
  EXPECT_TRUE(big.parsed) << big.parse_error;
  EXPECT_TRUE(big.tc);
  EXPECT_LE(big.size_bytes, 512u);
  EXPECT_TRUE(big.question_matches);
  EXPECT_EQ(big.answer_count, 0u);
  EXPECT_FALSE(big.has_opt);
}

TEST_F(FaultyRelayTest, TruncateOver512PassesSmallAndTcpAnswers) {
  const dns::AnswerSummary direct_small = direct("www.good.lab.", kTypeA);
  const std::string relay_address = relayAddress(lab_, 21);
  FaultyRelay relay(relay_address, lab_.validating, Fault::TruncateOver512);
  auto small = askUdp(relay_address, dnssecQuery("www.good.lab.", kTypeA), kAnswerLimit);
  ASSERT_TRUE(small.has_value());
  EXPECT_FALSE(summarize(*small, "www.good.lab.", kTypeA).tc);
  EXPECT_EQ(small->size(), direct_small.size_bytes);
  auto big = askTcp(relay_address, dnssecQuery("big.good.lab.", kTypeTxt), kAnswerLimit);
  ASSERT_TRUE(big.has_value());
  const dns::AnswerSummary big_summary = summarize(*big, "big.good.lab.", kTypeTxt);
  EXPECT_FALSE(big_summary.tc);
  EXPECT_GT(big_summary.size_bytes, 512u);
  EXPECT_EQ(relay.tcpQueries(), 1);
}

TEST_F(FaultyRelayTest, DropOver1232LosesLargeUdpAnswer) {
  ASSERT_GT(direct("big.good.lab.", kTypeTxt).size_bytes, 1232u)
      << "the resolver must answer big.good.lab over UDP in full for a 4096-octet buffer";
  const std::string relay_address = relayAddress(lab_, 22);
  FaultyRelay relay(relay_address, lab_.validating, Fault::DropOver1232);
  EXPECT_FALSE(askUdp(relay_address, dnssecQuery("big.good.lab.", kTypeTxt), kLossLimit))
      << "an answer over 1232 octets came through";
  EXPECT_TRUE(askUdp(relay_address, dnssecQuery("www.good.lab.", kTypeA), kAnswerLimit))
      << "a small answer was lost";
  auto over_tcp = askTcp(relay_address, dnssecQuery("big.good.lab.", kTypeTxt), kAnswerLimit);
  ASSERT_TRUE(over_tcp.has_value()) << "TCP must carry the large answer";
  EXPECT_GT(over_tcp->size(), 1232u);
  EXPECT_EQ(relay.udpQueries(), 2);
}

TEST_F(FaultyRelayTest, StripRrsigRemovesSignatures) {
  const dns::AnswerSummary resolver = direct("www.good.lab.", kTypeA);
  ASSERT_GT(resolver.answer_rrsig_count, 0u);
  const std::string relay_address = relayAddress(lab_, 23);
  FaultyRelay relay(relay_address, lab_.validating, Fault::StripRrsig);
  for (auto ask : {askUdp, askTcp}) {
    auto answer = ask(relay_address, dnssecQuery("www.good.lab.", kTypeA), kAnswerLimit);
    ASSERT_TRUE(answer.has_value());
    const dns::AnswerSummary stripped = summarize(*answer, "www.good.lab.", kTypeA);
    EXPECT_TRUE(stripped.parsed) << stripped.parse_error;
    EXPECT_EQ(stripped.answer_rrsig_count, 0u);
    EXPECT_TRUE(stripped.answer_has_qtype);
    EXPECT_EQ(stripped.answer_count, resolver.answer_count - resolver.answer_rrsig_count);
    EXPECT_TRUE(stripped.has_opt);
    EXPECT_TRUE(stripped.ad) << "only records are removed, not flags";
  }
}

TEST_F(FaultyRelayTest, StripRrsigRemovesSignaturesOfNegativeAnswer) {
  const std::string relay_address = relayAddress(lab_, 23);
  FaultyRelay relay(relay_address, lab_.validating, Fault::StripRrsig);
  const std::string qname = randomMissingName();
  auto answer = askUdp(relay_address, dnssecQuery(qname, kTypeA), kAnswerLimit);
  ASSERT_TRUE(answer.has_value());
  const dns::AnswerSummary stripped = summarize(*answer, qname, kTypeA);
  EXPECT_EQ(stripped.rcode, 3) << "NXDOMAIN";
  EXPECT_EQ(stripped.authority_rrsig_count, 0u);
  EXPECT_GT(stripped.nsec_count, 0u) << "NSEC records stay, only their RRSIGs go";
}

TEST_F(FaultyRelayTest, StripNsecRemovesProofOfNxdomain) {
  const std::string relay_address = relayAddress(lab_, 24);
  FaultyRelay relay(relay_address, lab_.validating, Fault::StripNsec);
  for (auto ask : {askUdp, askTcp}) {
    const std::string qname = randomMissingName();
    const dns::AnswerSummary resolver = direct(qname, kTypeA);
    ASSERT_GT(resolver.nsec_count, 0u) << "the lab's NXDOMAIN must carry NSEC records";
    auto answer = ask(relay_address, dnssecQuery(qname, kTypeA), kAnswerLimit);
    ASSERT_TRUE(answer.has_value());
    const dns::AnswerSummary stripped = summarize(*answer, qname, kTypeA);
    EXPECT_EQ(stripped.rcode, 3) << "NXDOMAIN";
    EXPECT_EQ(stripped.nsec_count, 0u);
    // The SOA and its RRSIG stay.
    EXPECT_EQ(stripped.authority_count, 2u);
    EXPECT_EQ(stripped.authority_rrsig_count, 1u);
  }
}

TEST_F(FaultyRelayTest, StripNsecRemovesProofOfNodata) {
  const dns::AnswerSummary resolver = direct("www.good.lab.", kTypeTxt);
  ASSERT_EQ(resolver.answer_count, 0u);
  ASSERT_GT(resolver.nsec_count, 0u);
  const std::string relay_address = relayAddress(lab_, 24);
  FaultyRelay relay(relay_address, lab_.validating, Fault::StripNsec);
  auto answer = askUdp(relay_address, dnssecQuery("www.good.lab.", kTypeTxt), kAnswerLimit);
  ASSERT_TRUE(answer.has_value());
  const dns::AnswerSummary stripped = summarize(*answer, "www.good.lab.", kTypeTxt);
  EXPECT_EQ(stripped.rcode, 0) << "NOERROR";
  EXPECT_EQ(stripped.nsec_count, 0u);
  EXPECT_EQ(stripped.authority_rrsig_count, 1u);
}

TEST_F(FaultyRelayTest, StripNsecKeepsPositiveAnswer) {
  const std::string relay_address = relayAddress(lab_, 24);
  FaultyRelay relay(relay_address, lab_.validating, Fault::StripNsec);
  expectForwardedUnchanged(lab_.validating, relay_address, dnssecQuery("www.good.lab.", kTypeA),
                           false);
}

TEST_F(FaultyRelayTest, StripOptRemovesOptRecord) {
  const dns::AnswerSummary resolver = direct("www.good.lab.", kTypeA);
  ASSERT_TRUE(resolver.has_opt);
  const std::string relay_address = relayAddress(lab_, 25);
  FaultyRelay relay(relay_address, lab_.validating, Fault::StripOpt);
  for (auto ask : {askUdp, askTcp}) {
    auto answer = ask(relay_address, dnssecQuery("www.good.lab.", kTypeA), kAnswerLimit);
    ASSERT_TRUE(answer.has_value());
    const dns::AnswerSummary stripped = summarize(*answer, "www.good.lab.", kTypeA);
    EXPECT_TRUE(stripped.parsed) << stripped.parse_error;
    EXPECT_FALSE(stripped.has_opt);
    EXPECT_EQ(stripped.answer_count, resolver.answer_count);
    EXPECT_EQ(stripped.answer_rrsig_count, resolver.answer_rrsig_count);
    EXPECT_EQ(stripped.size_bytes, resolver.size_bytes - resolver.opt_size_bytes);
  }
}

TEST_F(FaultyRelayTest, RefuseTcpRejectsConnections) {
  const std::string relay_address = relayAddress(lab_, 26);
  FaultyRelay relay(relay_address, lab_.validating, Fault::RefuseTcp);
  const int fd = connectTcp(relay_address);
  const int error = errno;
  EXPECT_EQ(fd, -1);
  EXPECT_EQ(error, ECONNREFUSED);
  if (fd >= 0) {
    close(fd);
  }
  EXPECT_TRUE(askUdp(relay_address, dnssecQuery("www.good.lab.", kTypeA), kAnswerLimit));
  EXPECT_EQ(relay.udpQueries(), 1);
  EXPECT_EQ(relay.tcpQueries(), 0);
}

TEST_F(FaultyRelayTest, SlowDelaysEveryAnswer) {
  const std::chrono::milliseconds delay(400);
  const std::string relay_address = relayAddress(lab_, 27);
  FaultyRelay relay(relay_address, lab_.validating, Fault::Slow, delay);
  for (auto ask : {askUdp, askTcp}) {
    const auto start = std::chrono::steady_clock::now();
    auto answer = ask(relay_address, dnssecQuery("www.good.lab.", kTypeA), kAnswerLimit);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(answer.has_value());
    EXPECT_GE(elapsed, delay);
  }
}

// Queries wait in parallel: 20 queries through a relay that delays each by 300 ms finish in
// far less than 20 x 300 ms, and each answer reaches the socket that sent its query.
TEST_F(FaultyRelayTest, ConcurrentQueriesReachTheirClients) {
  const std::string relay_address = relayAddress(lab_, 28);
  FaultyRelay relay(relay_address, lab_.validating, Fault::Slow, std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<std::optional<std::vector<uint8_t>>>> answers;
  for (uint16_t id = 1; id <= 20; ++id) {
    answers.push_back(std::async(std::launch::async, [&relay_address, id] {
      return askUdp(relay_address, dnssecQuery("www.good.lab.", kTypeA, 1232, id), kAnswerLimit);
    }));
  }
  for (uint16_t id = 1; id <= 20; ++id) {
    auto answer = answers[id - 1].get();
    ASSERT_TRUE(answer.has_value()) << "query " << id;
    ASSERT_GE(answer->size(), 2u);
    EXPECT_EQ(((*answer)[0] << 8) | (*answer)[1], id);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));
  EXPECT_EQ(relay.udpQueries(), 20);
}

TEST_F(FaultyRelayTest, CountsQueriesPerTransport) {
  const std::string relay_address = relayAddress(lab_, 29);
  FaultyRelay relay(relay_address, lab_.validating, Fault::None);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(askUdp(relay_address, dnssecQuery("www.good.lab.", kTypeA), kAnswerLimit));
  }
  const int fd = connectTcp(relay_address);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(sendTcpQuery(fd, dnssecQuery("www.good.lab.", kTypeA)));
    EXPECT_TRUE(readTcpAnswer(fd, kAnswerLimit)) << "answer " << i << " on one connection";
  }
  close(fd);
  EXPECT_EQ(relay.udpQueries(), 3);
  EXPECT_EQ(relay.tcpQueries(), 2);
}

// Garbage goes upstream as it came, and the relay keeps serving whatever comes back.
TEST_F(FaultyRelayTest, GarbageDoesNotStopRelay) {
  const std::string relay_address = relayAddress(lab_, 29);
  FaultyRelay relay(relay_address, lab_.validating, Fault::StripRrsig);
  const std::vector<uint8_t> garbage{0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x13};
  askUdp(relay_address, garbage, std::chrono::milliseconds(300));
  askUdp(relay_address, {}, std::chrono::milliseconds(300));
  askTcp(relay_address, garbage, std::chrono::milliseconds(300));
  const int fd = connectTcp(relay_address);
  ASSERT_GE(fd, 0);
  const uint8_t zero_length[2] = {0, 0};
  send(fd, zero_length, sizeof(zero_length), MSG_NOSIGNAL);
  close(fd);
  EXPECT_TRUE(askUdp(relay_address, dnssecQuery("www.good.lab.", kTypeA), kAnswerLimit));
  EXPECT_TRUE(askTcp(relay_address, dnssecQuery("www.good.lab.", kTypeA), kAnswerLimit));
  EXPECT_EQ(relay.udpQueries(), 3);
}

TEST_F(FaultyRelayTest, StopsWhileExchangesWait) {
  const std::string relay_address = relayAddress(lab_, 29);
  const auto start = std::chrono::steady_clock::now();
  int idle = -1;
  {
    FaultyRelay relay(relay_address, lab_.validating, Fault::Slow, std::chrono::seconds(30));
    idle = connectTcp(relay_address);
    ASSERT_GE(idle, 0);
    askUdp(relay_address, dnssecQuery("www.good.lab.", kTypeA), std::chrono::milliseconds(200));
    ASSERT_EQ(relay.udpQueries(), 1);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  close(idle);
}

}  // namespace
}  // namespace dw::test
