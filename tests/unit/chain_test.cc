// SPDX-License-Identifier: Apache-2.0
// DS checks, CDS agreement, signature times and the judgement of a chain-check round.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>

#include "dns/ds_check.h"
#include "dns/rrsets.h"
#include "probe/chain_result.h"
#include "support/signed_zone.h"

namespace dw {
namespace dns {

// Prints a DS status by its name in failure messages. gtest finds it by argument-dependent
// lookup.
static void PrintTo(DsStatus status, std::ostream* os) { *os << dsStatusName(status); }

}  // namespace dns

namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using test::RrListPtr;
using test::RrPtr;
using test::ZoneSigner;

constexpr uint16_t kTypeDnskey = 48;
constexpr int64_t kDay = 86400;

// The answer to a DNSKEY query for `zone` with `records`, read back as RRsets.
dns::RecordSet answerRrset(const std::string& zone, uint16_t type,
                           const std::vector<const ldns_rr_list*>& lists) {
  test::PktPtr pkt = test::makePacket(zone, type);
  for (const ldns_rr_list* list : lists) {
    test::addRecords(pkt.get(), LDNS_SECTION_ANSWER, list);
  }
  const std::vector<uint8_t> wire = test::toWire(pkt.get());
  const dns::Sections sections = dns::parseSections(wire.data(), wire.size());
  const dns::RecordSet* set = dns::findRrset(sections.answer, zone, type);
  return set != nullptr ? *set : dns::RecordSet{};
}

// The DS of `dnskey` with `digest_type`, as ldns-key2ds would print its RDATA.
dns::DsFields dsOf(const ldns_rr* dnskey, ldns_hash digest_type) {
  RrPtr ds(ldns_key_rr2ds(dnskey, digest_type));
  std::string rdata;
  for (size_t i = 0; i < ldns_rr_rd_count(ds.get()); ++i) {
    char* text = ldns_rdf2str(ldns_rr_rdf(ds.get(), i));
    rdata += (i > 0 ? " " : "") + std::string(text);
    free(text);
  }
  return dns::parseDs(rdata).value_or(dns::DsFields{});
}

// A zone with a KSK that signs the DNSKEY RRset and a ZSK that does not.
class DsCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ksk_.valid() && zsk_.valid());
    RrListPtr keys(ldns_rr_list_new());
    ldns_rr_list_push_rr(keys.get(), ldns_rr_clone(ksk_.dnskey()));
    ldns_rr_list_push_rr(keys.get(), ldns_rr_clone(zsk_.dnskey()));
    RrListPtr signatures = ksk_.sign(keys.get());
    ASSERT_NE(signatures, nullptr);
    dnskeys_ = answerRrset("example.", kTypeDnskey, {keys.get(), signatures.get()});
    ASSERT_EQ(dnskeys_.records.size(), 2u);
    facts_ = dns::dnskeyFacts(dnskeys_);
  }

  dns::DsStatus statusOf(const dns::DsFields& ds) const {
    return dns::judgeDs(ds, dnskeys_, facts_).status;
  }

  ZoneSigner ksk_{"example.", 257};
  ZoneSigner zsk_{"example.", 256};
  dns::RecordSet dnskeys_;
  std::vector<dns::DnskeyFacts> facts_;
};

TEST_F(DsCheckTest, FactsNameTheKeyThatSignsTheKeyset) {
  ASSERT_EQ(facts_.size(), 2u);
  for (const dns::DnskeyFacts& fact : facts_) {
    EXPECT_EQ(fact.signs_keyset, fact.key_tag == ksk_.keyTag());
    EXPECT_EQ(fact.sep, fact.key_tag == ksk_.keyTag());
    EXPECT_EQ(fact.algorithm, 13);
  }
}

TEST_F(DsCheckTest, Sha256DsOfTheKskMatches) {
  EXPECT_EQ(statusOf(dsOf(ksk_.dnskey(), LDNS_SHA256)), dns::DsStatus::Match);
}

TEST_F(DsCheckTest, DsOfAKeyNotPublishedMatchesNoKey) {
  ZoneSigner old_key("example.", 257);
  ASSERT_TRUE(old_key.valid());
  EXPECT_EQ(statusOf(dsOf(old_key.dnskey(), LDNS_SHA256)), dns::DsStatus::NoMatch);
}

TEST_F(DsCheckTest, DsOfTheZskDoesNotSignTheKeyset) {
  EXPECT_EQ(statusOf(dsOf(zsk_.dnskey(), LDNS_SHA256)), dns::DsStatus::NotSigning);
}

TEST_F(DsCheckTest, DsWithADigestChangedInOneOctetMatchesNoKey) {
  dns::DsFields ds = dsOf(ksk_.dnskey(), LDNS_SHA256);
  ds.digest[0] = ds.digest[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(statusOf(ds), dns::DsStatus::NoMatch);
}

TEST_F(DsCheckTest, Sha1DigestIsUnexpected) {
  EXPECT_EQ(statusOf(dsOf(ksk_.dnskey(), LDNS_SHA1)), dns::DsStatus::UnexpectedDigest);
}

TEST(DsCheckNonSepTest, SigningKeyWithoutSepFlagIsReported) {
  ZoneSigner key("example.", 256);  // Signs the keyset, but lacks the SEP flag.
  ASSERT_TRUE(key.valid());
  RrListPtr keys(ldns_rr_list_new());
  ldns_rr_list_push_rr(keys.get(), ldns_rr_clone(key.dnskey()));
  RrListPtr signatures = key.sign(keys.get());
  const dns::RecordSet dnskeys = answerRrset("example.", kTypeDnskey, {keys.get(),
                                                                       signatures.get()});
  EXPECT_EQ(dns::judgeDs(dsOf(key.dnskey(), LDNS_SHA256), dnskeys, dns::dnskeyFacts(dnskeys))
                .status,
            dns::DsStatus::NonSep);
}

// A SHA-256 digest of 32 octets, in upper-case hex.
const std::string kSha256Digest =
    "0123456789ABCDEF0123456789ABCDEF"
    "0123456789ABCDEF0123456789ABCDEF";

TEST(DsParseTest, ReadsTheProviderFormatWithSplitDigest) {
  const auto ds = dns::parseDs("12345 13 2 0123456789abcdef0123456789abcdef "
                               "0123456789ABCDEF 0123456789ABCDEF");
  ASSERT_TRUE(ds.has_value());
  EXPECT_EQ(ds->key_tag, 12345);
  EXPECT_EQ(ds->algorithm, 13);
  EXPECT_EQ(ds->digest_type, 2);
  EXPECT_EQ(ds->digest, kSha256Digest);
  EXPECT_EQ(ds->text(), "12345 13 2 " + kSha256Digest);
}

TEST(DsParseTest, AcceptsEachKnownDigestLength) {
  const std::vector<std::pair<int, size_t>> lengths = {{1, 20}, {2, 32}, {3, 32}, {4, 48}};
  for (const auto& [digest_type, octets] : lengths) {
    SCOPED_TRACE(digest_type);
    EXPECT_EQ(dns::digestLength(static_cast<uint8_t>(digest_type)), octets);
    const std::string rdata =
        "12345 13 " + std::to_string(digest_type) + " " + std::string(octets * 2, 'A');
    EXPECT_TRUE(dns::parseDs(rdata).has_value());
  }
  EXPECT_TRUE(dns::parseDs("12345 13 5 ABCD").has_value()) << "unknown digest types pass";
}

TEST(DsParseTest, RejectsDigestOfTheWrongLength) {
  struct Case {
    std::string rdata;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"12345 13 2 " + kSha256Digest.substr(2),
       "has a digest of 31 octets, but digest type 2 (SHA-256) needs 32 octets (64 hex "
       "digits)"},
      {"12345 13 2 " + kSha256Digest + "00",
       "has a digest of 33 octets, but digest type 2 (SHA-256) needs 32 octets (64 hex "
       "digits)"},
      {"12345 13 1 " + std::string(38, 'A'),
       "has a digest of 19 octets, but digest type 1 (SHA-1) needs 20 octets (40 hex digits)"},
      {"12345 13 4 " + kSha256Digest,
       "has a digest of 32 octets, but digest type 4 (SHA-384) needs 48 octets (96 hex "
       "digits)"},
      {"12345 13 3 ABCD",
       "has a digest of 2 octets, but digest type 3 (GOST R 34.11-94) needs 32 octets (64 "
       "hex digits)"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.rdata);
    std::string error;
    EXPECT_FALSE(dns::parseDs(test.rdata, &error).has_value());
    EXPECT_EQ(error, test.error);
  }
}

TEST(DsParseTest, NamesWhatIsNoDs) {
  std::string error;
  EXPECT_FALSE(dns::parseDs("13 2 ABCD", &error).has_value());
  EXPECT_EQ(error, "is not the RDATA of a DS record");
}

TEST_F(DsCheckTest, ServedTruncatedDsIsReported) {
  const dns::DsFields right = dsOf(ksk_.dnskey(), LDNS_SHA256);
  const std::optional<dns::DsFields> cut =
      dns::readDsFields(right.text().substr(0, right.text().size() - 2));
  ASSERT_TRUE(cut.has_value());
  const dns::DsJudgement judgement = dns::judgeDs(*cut, dnskeys_, facts_);
  EXPECT_EQ(judgement.status, dns::DsStatus::NoMatch);
  EXPECT_EQ(judgement.detail,
            "the DS has a digest of 31 octets, but digest type 2 (SHA-256) needs 32 octets (64 "
            "hex digits)");
}

TEST(DsParseTest, RejectsWhatIsNoDs) {
  EXPECT_FALSE(dns::parseDs("13 2 ABCD").has_value());
  EXPECT_FALSE(dns::parseDs("70000 13 2 ABCD").has_value());
  EXPECT_FALSE(dns::parseDs("12345 13 2 XYZ0").has_value());
  EXPECT_FALSE(dns::parseDs("12345 13 2 ABC").has_value());
  EXPECT_FALSE(dns::parseDs("12345 13 2 ABCD").has_value()) << "a SHA-256 digest of 2 octets";
}

TEST(CdsTest, ComparesCdsAndCdnskeyWithTheDs) {
  ZoneSigner ksk("example.", 257);
  ASSERT_TRUE(ksk.valid());
  const dns::DsFields ds = dsOf(ksk.dnskey(), LDNS_SHA256);
  dns::RecordSet cds;
  cds.owner = "example.";
  cds.rdata = {ds.text()};
  dns::RecordSet cdnskey;
  cdnskey.owner = "example.";
  char* key_text = ldns_rdf2str(ldns_rr_rdf(ksk.dnskey(), 3));
  cdnskey.rdata = {"257 3 13 " + std::string(key_text)};
  free(key_text);
  EXPECT_EQ(dns::compareCds(nullptr, nullptr, {ds}), dns::CdsAgreement::None);
  EXPECT_EQ(dns::compareCds(&cds, &cdnskey, {ds}), dns::CdsAgreement::Agrees);
  EXPECT_EQ(dns::compareCds(&cds, nullptr, {}), dns::CdsAgreement::Disagrees);
  EXPECT_EQ(dns::compareCds(nullptr, &cdnskey, {}), dns::CdsAgreement::Disagrees);
  cds.rdata = {"0 0 0 00"};
  EXPECT_EQ(dns::compareCds(&cds, nullptr, {ds}), dns::CdsAgreement::Delete);
}

TEST(SignatureTimeTest, SerialDifferenceCrossesTheWrapOf2106) {
  EXPECT_EQ(dns::serialDifference(5, 0xFFFFFFFBu), 10);
  EXPECT_EQ(dns::serialDifference(0xFFFFFFFBu, 5), -10);
}

TEST(SignatureTimeTest, WindowIsNegativeWhenExpiredOrNotYetValid) {
  const int64_t now = 4'294'967'000;  // Just before the 32-bit wrap in 2106.
  dns::SignatureTimes times;
  times.inception = static_cast<uint32_t>(now - kDay);
  times.expiration = static_cast<uint32_t>(now + 30 * kDay);  // Wraps past 2^32.
  EXPECT_EQ(dns::signatureWindow(times, now).expires_in, 30 * kDay);
  EXPECT_EQ(dns::signatureWindow(times, now).inception_age, kDay);
  EXPECT_EQ(dns::signatureWindow(times, now + 31 * kDay).expires_in, -kDay);
  EXPECT_EQ(dns::signatureWindow(times, now - 2 * kDay).inception_age, -kDay);
}

// --- judging a round ---------------------------------------------------------------------

dns::RecordSet signedSoa(const std::string& zone, uint32_t ttl, int64_t expires_at) {
  dns::RecordSet soa;
  soa.owner = zone;
  soa.type = 6;
  soa.ttl = ttl;
  soa.rdata = {"ns. host. 1 2 3 4 5"};
  soa.signatures = {"rrsig"};
  dns::SignatureTimes times;
  times.inception = static_cast<uint32_t>(expires_at - 30 * kDay);
  times.expiration = static_cast<uint32_t>(expires_at);
  soa.signature_times = {times};
  return soa;
}

AuthServer server(const std::string& address, uint32_t serial, bool signed_zone) {
  AuthServer auth;
  auth.address = address;
  auth.result = "ok";
  auth.serial = serial;
  auth.signed_zone = signed_zone;
  return auth;
}

TEST(JudgeChainTest, ServerBehindTheOthersIsOutOfSync) {
  ChainResult result;
  result.zone = "example.";
  result.servers = {server("192.0.2.1", 10, true), server("192.0.2.2", 9, false),
                    server("192.0.2.3", 10, true)};
  judgeChain(result, {}, 0);
  EXPECT_FALSE(result.in_sync);
  EXPECT_TRUE(result.servers[0].in_sync);
  EXPECT_FALSE(result.servers[1].in_sync);
  EXPECT_TRUE(result.servers[2].in_sync);
}

TEST(JudgeChainTest, TieGoesToTheNewerSerial) {
  ChainResult result;
  result.zone = "example.";
  result.servers = {server("192.0.2.1", 9, false), server("192.0.2.2", 10, true)};
  judgeChain(result, {}, 0);
  EXPECT_FALSE(result.servers[0].in_sync);
  EXPECT_TRUE(result.servers[1].in_sync);
}

// Rounds whose servers differ in whether they serve example.'s signed DNSKEY RRset, with the
// parent serving the right DS, that of the KSK.
class JudgeChainKeysTest : public DsCheckTest {
 protected:
  // A server that serves the signed zone with its DNSKEY RRset.
  AuthServer keyedServer(const std::string& address, uint32_t serial) const {
    AuthServer auth = server(address, serial, true);
    auth.rrsets = {dnskeys_};
    for (const dns::DnskeyFacts& fact : facts_) {
      auth.dnskey_tags.push_back(fact.key_tag);
    }
    std::sort(auth.dnskey_tags.begin(), auth.dnskey_tags.end());
    return auth;
  }

  ChainResult judged(std::vector<AuthServer> servers) const {
    ChainResult result;
    result.zone = "example.";
    result.parent = ".";
    result.servers = std::move(servers);
    const dns::DsFields ds = dsOf(ksk_.dnskey(), LDNS_SHA256);
    result.parents = {ParentServer{"192.0.2.53", {}, "ok", "", {ds}, 3600, {}}};
    judgeChain(result, {ds.text()}, 0);
    return result;
  }
};

TEST_F(JudgeChainKeysTest, TieGoesToTheSignedServer) {
  // The unsigned server has the newer serial, which would win the tie if signing did not count.
  const ChainResult result = judged({keyedServer("192.0.2.1", 10), server("192.0.2.2", 11, false)});
  EXPECT_TRUE(result.servers[0].in_sync);
  EXPECT_FALSE(result.servers[1].in_sync);
  ASSERT_EQ(result.ds.size(), 1u);
  EXPECT_EQ(result.ds[0].status, dns::DsStatus::Match) << result.ds[0].detail;
  ASSERT_EQ(result.expected_ds.size(), 1u);
  EXPECT_EQ(result.expected_ds[0].status, dns::DsStatus::Match);
}

TEST_F(JudgeChainKeysTest, TieGoesToTheServerWithDnskey) {
  // Same serial and signing, but its DNSKEY query failed, so it has no key tags.
  const ChainResult result = judged({server("192.0.2.1", 10, true), keyedServer("192.0.2.2", 10)});
  EXPECT_FALSE(result.servers[0].in_sync);
  EXPECT_TRUE(result.servers[1].in_sync);
  ASSERT_EQ(result.ds.size(), 1u);
  EXPECT_EQ(result.ds[0].status, dns::DsStatus::Match) << result.ds[0].detail;
}

TEST_F(JudgeChainKeysTest, DsJudgedAgainstKeyedMinority) {
  const ChainResult result = judged({server("192.0.2.1", 11, false), server("192.0.2.2", 11, false),
                                     keyedServer("192.0.2.3", 10)});
  EXPECT_TRUE(result.servers[0].in_sync);
  EXPECT_TRUE(result.servers[1].in_sync);
  EXPECT_FALSE(result.servers[2].in_sync);
  ASSERT_EQ(result.ds.size(), 1u);
  EXPECT_EQ(result.ds[0].status, dns::DsStatus::Match) << result.ds[0].detail;
}

TEST(JudgeChainTest, ParentServersWithDifferentDsAreInconsistent) {
  ChainResult result;
  result.zone = "example.";
  result.parent = ".";
  result.servers = {server("192.0.2.1", 10, true)};
  const dns::DsFields ds = dns::parseDs("1 13 2 " + kSha256Digest).value();
  result.parents = {ParentServer{"192.0.2.53", {}, "ok", "", {ds}, 3600, {}},
                    ParentServer{"192.0.2.54", {}, "ok", "", {}, 0, {}}};
  judgeChain(result, {"2 13 2 " + kSha256Digest}, 0);
  EXPECT_FALSE(result.ds_consistent);
  EXPECT_EQ(result.ds_ttl, 3600u);
  ASSERT_EQ(result.ds.size(), 1u);
  EXPECT_EQ(result.ds[0].servers, std::vector<std::string>{"192.0.2.53"});
  EXPECT_EQ(result.ds[0].status, dns::DsStatus::NoMatch);
  ASSERT_EQ(result.expected_ds.size(), 1u);
  EXPECT_EQ(result.expected_ds[0].status, dns::DsStatus::NoMatch);
  EXPECT_FALSE(result.healthy());
}

TEST(JudgeChainTest, FailedParentServerIsReportedByAddress) {
  const dns::DsFields ds = dns::parseDs("1 13 2 " + kSha256Digest).value();
  for (const std::string failure : {"timeout", "unreachable", "lame"}) {
    SCOPED_TRACE(failure);
    ChainResult result;
    result.zone = "example.";
    result.parent = ".";
    result.servers = {server("192.0.2.1", 10, true)};
    result.parents = {ParentServer{"192.0.2.53", {}, "ok", "", {ds}, 3600, {}},
                      ParentServer{"192.0.2.54", {}, failure, "", {}, 0, {}},
                      ParentServer{"192.0.2.55", {}, "ok", "", {ds}, 3600, {}}};
    judgeChain(result, {}, 0);
    EXPECT_TRUE(result.ds_consistent);
    ASSERT_EQ(result.ds.size(), 1u);
    EXPECT_EQ(result.ds[0].servers, (std::vector<std::string>{"192.0.2.53", "192.0.2.55"}));
    const std::vector<std::string> faults = result.faults();
    EXPECT_THAT(faults, Contains("parent server 192.0.2.54 is " + failure));
    EXPECT_THAT(faults, Not(Contains(HasSubstr("different DS RRsets"))));
  }
}

TEST(JudgeChainTest, FailedParentServerFaultHasTheDetail) {
  ChainResult result;
  result.zone = "example.";
  result.parent = ".";
  result.servers = {server("192.0.2.1", 10, true)};
  result.parents = {ParentServer{"192.0.2.53", {}, "lame", "answered REFUSED", {}, 0, {}}};
  judgeChain(result, {}, 0);
  EXPECT_FALSE(result.ds_consistent) << "no parent server answered";
  EXPECT_EQ(result.faults(),
            std::vector<std::string>{"parent server 192.0.2.53 is lame (answered REFUSED)"});
}

TEST(JudgeChainTest, AnsweringParentsWithDifferentDsAreFlagged) {
  const dns::DsFields ds = dns::parseDs("1 13 2 " + kSha256Digest).value();
  ChainResult result;
  result.zone = "example.";
  result.parent = ".";
  result.servers = {server("192.0.2.1", 10, true)};
  result.parents = {ParentServer{"192.0.2.53", {}, "ok", "", {}, 0, {}},
                    ParentServer{"192.0.2.54", {}, "timeout", "", {}, 0, {}},
                    ParentServer{"192.0.2.55", {}, "ok", "", {ds}, 3600, {}}};
  judgeChain(result, {}, 0);
  EXPECT_FALSE(result.ds_consistent);
  const std::vector<std::string> faults = result.faults();
  EXPECT_THAT(faults, Contains("parent server 192.0.2.54 is timeout"));
  EXPECT_THAT(faults, Contains("the parent servers that answered serve different DS RRsets"));
}

TEST(JudgeChainTest, MissingParentServersAreAFault) {
  ChainResult result;
  result.zone = "example.";
  result.parent = ".";
  result.servers = {server("192.0.2.1", 10, true)};
  judgeChain(result, {}, 0);
  EXPECT_EQ(result.faults(), std::vector<std::string>{"no server of the parent zone . was found"});
}

TEST(JudgeChainTest, TtlLongerThanTheSignatureLeftIsFlagged) {
  const int64_t now = 1'700'000'000;
  ChainResult result;
  result.zone = "example.";
  AuthServer first = server("192.0.2.1", 10, true);
  first.rrsets = {signedSoa("example.", 3600, now + 7200)};
  AuthServer second = server("192.0.2.2", 10, true);
  second.rrsets = {signedSoa("example.", 86400, now + 43200)};
  result.servers = {first, second};
  judgeChain(result, {}, now);
  ASSERT_EQ(result.signatures.size(), 1u);
  const SignatureFinding& soa = result.signatures[0];
  EXPECT_EQ(soa.expires_in, 7200);
  EXPECT_EQ(soa.server, "192.0.2.1");
  EXPECT_EQ(soa.ttl, 86400u);
  EXPECT_TRUE(soa.ttl_outlives);
}

TEST(JudgeChainTest, HealthyZoneHasNoFaults) {
  const int64_t now = 1'700'000'000;
  ChainResult result;
  result.zone = "example.";
  AuthServer only = server("192.0.2.1", 10, true);
  only.rrsets = {signedSoa("example.", 300, now + 30 * kDay)};
  result.servers = {only};
  judgeChain(result, {}, now);
  EXPECT_TRUE(result.in_sync);
  EXPECT_TRUE(result.faults().empty());
}

}  // namespace
}  // namespace dw
