// SPDX-License-Identifier: Apache-2.0
// Tests of the ldns wrapper: probe queries are parsed back with ldns, and answers are built
// with ldns in the test, so both directions are checked against an independent DNS codec.
#include "dns/message.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/dns_packets.h"

namespace dw::dns {
namespace {

using test::addEdnsOption;
using test::addExtendedError;
using test::addRecord;
using test::fromWire;
using test::makePacket;
using test::PktPtr;
using test::questionName;
using test::toWire;

constexpr uint16_t kTypeA = 1;
constexpr uint16_t kTypeAaaa = 28;
constexpr const char* kQname = "www.example.com.";

// --- buildQuery ---

TEST(BuildQueryTest, SetsDefaultFlagsAndEdns) {
  PktPtr query = fromWire(buildQuery(kQname, kTypeA, QueryOptions{}));
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(ldns_pkt_id(query.get()), 0);
  EXPECT_FALSE(ldns_pkt_qr(query.get()));
  EXPECT_TRUE(ldns_pkt_rd(query.get()));
  EXPECT_FALSE(ldns_pkt_cd(query.get()));
  EXPECT_TRUE(ldns_pkt_edns(query.get()));
  EXPECT_TRUE(ldns_pkt_edns_do(query.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(query.get()), 1232);
}

TEST(BuildQueryTest, WritesOneQuestionForQnameAndQtype) {
  PktPtr query = fromWire(buildQuery(kQname, kTypeAaaa, QueryOptions{}));
  ASSERT_NE(query, nullptr);
  ASSERT_EQ(ldns_pkt_qdcount(query.get()), 1);
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(query.get()), 0);
  EXPECT_EQ(questionName(query.get()), kQname);
  EXPECT_EQ(ldns_rr_get_type(question), kTypeAaaa);
  EXPECT_EQ(ldns_rr_get_class(question), LDNS_RR_CLASS_IN);
  EXPECT_EQ(ldns_pkt_ancount(query.get()), 0);
  EXPECT_EQ(ldns_pkt_nscount(query.get()), 0);
}

TEST(BuildQueryTest, MakesRelativeNameAbsolute) {
  PktPtr query = fromWire(buildQuery("www.example.com", kTypeA, QueryOptions{}));
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(questionName(query.get()), kQname);
}

TEST(BuildQueryTest, ClearsRdWhenRecursionNotDesired) {
  QueryOptions options;
  options.recursion_desired = false;
  PktPtr query = fromWire(buildQuery(kQname, kTypeA, options));
  ASSERT_NE(query, nullptr);
  EXPECT_FALSE(ldns_pkt_rd(query.get()));
}

TEST(BuildQueryTest, SetsCdWhenCheckingDisabled) {
  QueryOptions options;
  options.checking_disabled = true;
  PktPtr query = fromWire(buildQuery(kQname, kTypeA, options));
  ASSERT_NE(query, nullptr);
  EXPECT_TRUE(ldns_pkt_cd(query.get()));
  EXPECT_TRUE(ldns_pkt_rd(query.get()));
}

TEST(BuildQueryTest, ClearsDoWhenDnssecOkIsFalse) {
  QueryOptions options;
  options.dnssec_ok = false;
  PktPtr query = fromWire(buildQuery(kQname, kTypeA, options));
  ASSERT_NE(query, nullptr);
  EXPECT_TRUE(ldns_pkt_edns(query.get()));
  EXPECT_FALSE(ldns_pkt_edns_do(query.get()));
}

TEST(BuildQueryTest, SetsRequestedEdnsBufferSize) {
  QueryOptions options;
  options.edns_buffer_size = 4096;
  PktPtr query = fromWire(buildQuery(kQname, kTypeA, options));
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(ldns_pkt_edns_udp_size(query.get()), 4096);
}

TEST(BuildQueryTest, OmitsOptForZeroEdnsSize) {
  QueryOptions options;
  options.edns_buffer_size = 0;
  std::vector<uint8_t> wire = buildQuery(kQname, kTypeA, options);
  ASSERT_GE(wire.size(), 12u);
  // ARCOUNT is bytes 10-11 of the header (RFC 1035 4.1.1).
  EXPECT_EQ(wire[10], 0);
  EXPECT_EQ(wire[11], 0);
  PktPtr query = fromWire(wire);
  ASSERT_NE(query, nullptr);
  EXPECT_FALSE(ldns_pkt_edns(query.get()));
}

TEST(BuildQueryTest, ReturnsEmptyForEmptyName) {
  EXPECT_TRUE(buildQuery("", kTypeA, QueryOptions{}).empty());
}

TEST(BuildQueryTest, ReturnsEmptyForEmptyLabel) {
  EXPECT_TRUE(buildQuery("www..example.com.", kTypeA, QueryOptions{}).empty());
}

TEST(BuildQueryTest, ReturnsEmptyForLabelOver63Octets) {
  const std::string name = std::string(64, 'a') + ".example.com.";
  EXPECT_TRUE(buildQuery(name, kTypeA, QueryOptions{}).empty());
}

// --- summarizeAnswer ---

// A signed NOERROR answer to www.example.com. A: an A record and its RRSIG in the answer, NSEC
// and NSEC3 records with their RRSIGs in the authority section, a glue record in the additional
// section, and an OPT record with DO set and a 1232-octet UDP size.
PktPtr makeSignedAnswer() {
  PktPtr pkt = makePacket(kQname, kTypeA);
  if (!pkt) {
    return nullptr;
  }
  ldns_pkt_set_id(pkt.get(), 4242);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rd(pkt.get(), true);
  ldns_pkt_set_ra(pkt.get(), true);
  ldns_pkt_set_ad(pkt.get(), true);

  const char* const answer[] = {
      "www.example.com. 300 IN A 192.0.2.1",
      "www.example.com. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 12345 "
      "example.com. dGVzdHNpZ25hdHVyZQ==",
  };
  const char* const authority[] = {
      "example.com. 300 IN NSEC www.example.com. A NS SOA RRSIG NSEC DNSKEY",
      "example.com. 300 IN RRSIG NSEC 13 2 300 20300101000000 20200101000000 12345 "
      "example.com. dGVzdHNpZ25hdHVyZQ==",
      "2vptu5timamqttgl4luu9kg21e0aor3s.example.com. 300 IN NSEC3 1 0 0 - "
      "2vptu5timamqttgl4luu9kg21e0aor3t A RRSIG",
      "2vptu5timamqttgl4luu9kg21e0aor3s.example.com. 300 IN RRSIG NSEC3 13 3 300 "
      "20300101000000 20200101000000 12345 example.com. dGVzdHNpZ25hdHVyZQ==",
  };

  for (const char* text : answer) {
    if (!addRecord(pkt.get(), LDNS_SECTION_ANSWER, text)) {
      return nullptr;
    }
  }
  for (const char* text : authority) {
    if (!addRecord(pkt.get(), LDNS_SECTION_AUTHORITY, text)) {
      return nullptr;
    }
  }
  if (!addRecord(pkt.get(), LDNS_SECTION_ADDITIONAL, "ns1.example.com. 300 IN A 192.0.2.53")) {
    return nullptr;
  }

  ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
  ldns_pkt_set_edns_do(pkt.get(), true);
  return pkt;
}

AnswerSummary summarize(const std::vector<uint8_t>& wire, const std::string& qname = kQname,
                        uint16_t qtype = kTypeA) {
  return summarizeAnswer(wire.data(), wire.size(), qname, qtype);
}

TEST(SummarizeAnswerTest, ParsesWellFormedAnswer) {
  PktPtr pkt = makeSignedAnswer();
  ASSERT_NE(pkt, nullptr);
  std::vector<uint8_t> wire = toWire(pkt.get());
  AnswerSummary summary = summarize(wire);
  EXPECT_TRUE(summary.parsed);
  EXPECT_TRUE(summary.parse_error.empty());
  EXPECT_EQ(summary.size_bytes, wire.size());
  EXPECT_EQ(summary.rcode, 0);
  EXPECT_TRUE(summary.question_matches);
}

TEST(SummarizeAnswerTest, ReadsHeaderFlags) {
  PktPtr pkt = makeSignedAnswer();
  ASSERT_NE(pkt, nullptr);
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_TRUE(summary.qr);
  EXPECT_FALSE(summary.aa);
  EXPECT_FALSE(summary.tc);
  EXPECT_TRUE(summary.rd);
  EXPECT_TRUE(summary.ra);
  EXPECT_TRUE(summary.ad);
  EXPECT_FALSE(summary.cd);
}

TEST(SummarizeAnswerTest, ReadsAaTcAndCdFlags) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_aa(pkt.get(), true);
  ldns_pkt_set_tc(pkt.get(), true);
  ldns_pkt_set_cd(pkt.get(), true);
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_TRUE(summary.aa);
  EXPECT_TRUE(summary.tc);
  EXPECT_TRUE(summary.cd);
  EXPECT_FALSE(summary.ad);
  EXPECT_FALSE(summary.ra);
}

TEST(SummarizeAnswerTest, CountsRecordsPerSectionWithoutOpt) {
  PktPtr pkt = makeSignedAnswer();
  ASSERT_NE(pkt, nullptr);
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_EQ(summary.answer_count, 2u);
  EXPECT_EQ(summary.authority_count, 4u);
  EXPECT_EQ(summary.additional_count, 1u);  // The glue record; the OPT record is not counted.
}

TEST(SummarizeAnswerTest, CountsRrsigsAndNsecRecords) {
  PktPtr pkt = makeSignedAnswer();
  ASSERT_NE(pkt, nullptr);
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_EQ(summary.answer_rrsig_count, 1u);
  EXPECT_EQ(summary.authority_rrsig_count, 2u);
  EXPECT_EQ(summary.nsec_count, 2u);  // One NSEC and one NSEC3.
}

TEST(SummarizeAnswerTest, CountsNoDnssecRecordsInUnsignedAnswer) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  ASSERT_TRUE(addRecord(pkt.get(), LDNS_SECTION_ANSWER, "www.example.com. 300 IN A 192.0.2.1"));
  ASSERT_TRUE(
      addRecord(pkt.get(), LDNS_SECTION_AUTHORITY, "example.com. 300 IN NS ns1.example.com."));
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_EQ(summary.answer_rrsig_count, 0u);
  EXPECT_EQ(summary.authority_rrsig_count, 0u);
  EXPECT_EQ(summary.nsec_count, 0u);
}

TEST(SummarizeAnswerTest, SetsAnswerHasQtypeForQtypeRecords) {
  PktPtr pkt = makeSignedAnswer();
  ASSERT_NE(pkt, nullptr);
  EXPECT_TRUE(summarize(toWire(pkt.get())).answer_has_qtype);
}

TEST(SummarizeAnswerTest, ClearsAnswerHasQtypeForCnameOnlyAnswer) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  ASSERT_TRUE(
      addRecord(pkt.get(), LDNS_SECTION_ANSWER, "www.example.com. 300 IN CNAME web.example.net."));
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_EQ(summary.answer_count, 1u);
  EXPECT_FALSE(summary.answer_has_qtype);
}

TEST(SummarizeAnswerTest, QuestionMatchesIgnoresCase) {
  PktPtr pkt = makePacket("WwW.ExAmPlE.CoM.", kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  EXPECT_TRUE(summarize(toWire(pkt.get())).question_matches);
}

TEST(SummarizeAnswerTest, QuestionDoesNotMatchOtherQname) {
  PktPtr pkt = makeSignedAnswer();
  ASSERT_NE(pkt, nullptr);
  AnswerSummary summary = summarize(toWire(pkt.get()), "mail.example.com.", kTypeA);
  EXPECT_TRUE(summary.parsed);
  EXPECT_FALSE(summary.question_matches);
}

TEST(SummarizeAnswerTest, QuestionDoesNotMatchOtherQtype) {
  PktPtr pkt = makeSignedAnswer();
  ASSERT_NE(pkt, nullptr);
  AnswerSummary summary = summarize(toWire(pkt.get()), kQname, kTypeAaaa);
  EXPECT_FALSE(summary.question_matches);
  EXPECT_FALSE(summary.answer_has_qtype);
}

TEST(SummarizeAnswerTest, ReadsOptRecord) {
  PktPtr pkt = makeSignedAnswer();
  ASSERT_NE(pkt, nullptr);
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_TRUE(summary.has_opt);
  EXPECT_EQ(summary.edns_udp_size, 1232);
  EXPECT_TRUE(summary.edns_do);
  EXPECT_EQ(summary.opt_size_bytes, 11u);  // Root owner, TYPE, CLASS, TTL, RDLENGTH = 0.
  EXPECT_TRUE(summary.extended_errors.empty());
}

TEST(SummarizeAnswerTest, ReportsNoOptWhenAnswerHasNone) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_FALSE(summary.has_opt);
  EXPECT_EQ(summary.edns_udp_size, 0);
  EXPECT_FALSE(summary.edns_do);
  EXPECT_EQ(summary.opt_size_bytes, 0u);
}

TEST(SummarizeAnswerTest, ReadsExtendedErrorCodeAndText) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_SERVFAIL);
  ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
  addExtendedError(pkt.get(), 7, "signature expired");
  AnswerSummary summary = summarize(toWire(pkt.get()));
  ASSERT_EQ(summary.extended_errors.size(), 1u);
  EXPECT_EQ(summary.extended_errors[0].code, 7);
  EXPECT_EQ(summary.extended_errors[0].text, "signature expired");
  EXPECT_EQ(summary.rcode, 2);
}

TEST(SummarizeAnswerTest, KeepsExtendedErrorsInOrder) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
  addExtendedError(pkt.get(), 6, "");
  addExtendedError(pkt.get(), 9, "no DNSKEY");
  AnswerSummary summary = summarize(toWire(pkt.get()));
  ASSERT_EQ(summary.extended_errors.size(), 2u);
  EXPECT_EQ(summary.extended_errors[0].code, 6);
  EXPECT_EQ(summary.extended_errors[0].text, "");
  EXPECT_EQ(summary.extended_errors[1].code, 9);
  EXPECT_EQ(summary.extended_errors[1].text, "no DNSKEY");
}

TEST(SummarizeAnswerTest, CountsOptionsInOptSize) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
  addExtendedError(pkt.get(), 7, "abc");
  AnswerSummary summary = summarize(toWire(pkt.get()));
  // 11 octets of fixed fields, then OPTION-CODE, OPTION-LENGTH, INFO-CODE and "abc".
  EXPECT_EQ(summary.opt_size_bytes, 11u + 4u + 2u + 3u);
}

TEST(SummarizeAnswerTest, SkipsExtendedErrorShorterThanInfoCode) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
  addEdnsOption(pkt.get(), LDNS_EDNS_EDE, {0x07});
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_TRUE(summary.parsed);
  EXPECT_TRUE(summary.extended_errors.empty());
}

TEST(SummarizeAnswerTest, IgnoresOtherEdnsOptions) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
  addEdnsOption(pkt.get(), LDNS_EDNS_NSID, {'n', 's', '1'});
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_TRUE(summary.extended_errors.empty());
  EXPECT_EQ(summary.opt_size_bytes, 11u + 4u + 3u);
}

TEST(SummarizeAnswerTest, CombinesExtendedRcodeBits) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
  // BADVERS is 16: extended RCODE 1 in the OPT TTL, header RCODE 0 (RFC 6891 6.1.3, 9).
  ldns_pkt_set_edns_extended_rcode(pkt.get(), 1);
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_EQ(summary.rcode, 16);
}

TEST(SummarizeAnswerTest, KeepsHeaderRcodeBitsBelowExtendedBits) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_NXDOMAIN);
  ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
  ldns_pkt_set_edns_extended_rcode(pkt.get(), 2);
  AnswerSummary summary = summarize(toWire(pkt.get()));
  EXPECT_EQ(summary.rcode, (2 << 4) | 3);
}

TEST(SummarizeAnswerTest, RejectsGarbageBytes) {
  const std::vector<uint8_t> garbage{0x12, 0x34, 0x81, 0x80, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xde, 0xad, 0xbe, 0xef};
  AnswerSummary summary = summarize(garbage);
  EXPECT_FALSE(summary.parsed);
  EXPECT_FALSE(summary.parse_error.empty());
  EXPECT_EQ(summary.size_bytes, garbage.size());
}

TEST(SummarizeAnswerTest, RejectsMessageShorterThanHeader) {
  const std::vector<uint8_t> wire{0x12, 0x34, 0x81, 0x80, 0x00};
  EXPECT_FALSE(summarize(wire).parsed);
}

TEST(SummarizeAnswerTest, RejectsZeroLengthBuffer) {
  const uint8_t buffer[1] = {0};
  AnswerSummary summary = summarizeAnswer(buffer, 0, kQname, kTypeA);
  EXPECT_FALSE(summary.parsed);
  EXPECT_EQ(summary.size_bytes, 0u);
}

TEST(SummarizeAnswerTest, ParsesHeaderOnlyMessageWithoutQuestion) {
  // ID 0x1234, QR and RD and RA, NOERROR, every count zero.
  const std::vector<uint8_t> wire{0x12, 0x34, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
  AnswerSummary summary = summarize(wire);
  EXPECT_TRUE(summary.parsed);
  EXPECT_TRUE(summary.qr);
  EXPECT_FALSE(summary.question_matches);
  EXPECT_EQ(summary.answer_count, 0u);
}

TEST(SummarizeAnswerTest, RejectsMessageTruncatedInsideRecord) {
  PktPtr pkt = makeSignedAnswer();
  ASSERT_NE(pkt, nullptr);
  std::vector<uint8_t> wire = toWire(pkt.get());
  // The question ends at 12 + 17 (name) + 4; cut 6 octets into the first answer record.
  const size_t cut = 12 + 17 + 4 + 6;
  ASSERT_LT(cut, wire.size());
  wire.resize(cut);
  AnswerSummary summary = summarize(wire);
  EXPECT_FALSE(summary.parsed);
  EXPECT_FALSE(summary.parse_error.empty());
}

TEST(SummarizeAnswerTest, RejectsCountsBeyondMessageEnd) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  std::vector<uint8_t> wire = toWire(pkt.get());
  ASSERT_GE(wire.size(), 12u);
  wire[7] = 5;  // ANCOUNT = 5 with no answer records after the question.
  EXPECT_FALSE(summarize(wire).parsed);
}

// An OPT record whose RDATA contains an option that claims more data than the RDATA has. ldns
// keeps the raw RDATA but cannot split it into options.
TEST(SummarizeAnswerTest, CountsOptRdataWhenOptionsAreMalformed) {
  PktPtr pkt = makePacket(kQname, kTypeA);
  ASSERT_NE(pkt, nullptr);
  ldns_pkt_set_qr(pkt.get(), true);
  std::vector<uint8_t> wire = toWire(pkt.get());
  ASSERT_GE(wire.size(), 12u);
  wire[11] = 1;  // ARCOUNT = 1.
  const std::vector<uint8_t> opt{
      0x00,                    // Owner: the root.
      0x00, 0x29,              // TYPE OPT.
      0x04, 0xd0,              // CLASS: UDP payload size 1232.
      0x00, 0x00, 0x80, 0x00,  // TTL: extended RCODE 0, version 0, DO.
      0x00, 0x04,              // RDLENGTH 4.
      0x00, 0x0f, 0x00, 0x0a,  // OPTION-CODE 15 (EDE), OPTION-LENGTH 10, but no data follows.
  };
  wire.insert(wire.end(), opt.begin(), opt.end());
  AnswerSummary summary = summarize(wire);
  ASSERT_TRUE(summary.parsed) << summary.parse_error;
  EXPECT_TRUE(summary.has_opt);
  EXPECT_TRUE(summary.extended_errors.empty());
  EXPECT_EQ(summary.opt_size_bytes, opt.size());
}

// --- names and mnemonics ---

TEST(CanonicalNameTest, LowerCasesAndAddsTrailingDot) {
  EXPECT_EQ(canonicalName("WWW.Example.COM"), "www.example.com.");
}

TEST(CanonicalNameTest, KeepsCanonicalNameUnchanged) {
  EXPECT_EQ(canonicalName("www.example.com."), "www.example.com.");
}

TEST(CanonicalNameTest, AcceptsRoot) { EXPECT_EQ(canonicalName("."), "."); }

TEST(CanonicalNameTest, RejectsEmptyName) { EXPECT_EQ(canonicalName(""), std::nullopt); }

TEST(CanonicalNameTest, RejectsEmptyLabel) {
  EXPECT_EQ(canonicalName("www..example.com."), std::nullopt);
}

TEST(CanonicalNameTest, AcceptsLabelOf63Octets) {
  const std::string name = std::string(63, 'a') + ".example.";
  EXPECT_EQ(canonicalName(name), name);
}

TEST(CanonicalNameTest, RejectsLabelOf64Octets) {
  EXPECT_EQ(canonicalName(std::string(64, 'a') + ".example."), std::nullopt);
}

// Three 63-octet labels and one 61-octet label: 3 * 64 + 62 + 1 = 255 octets on the wire.
TEST(CanonicalNameTest, AcceptsNameOf255Octets) {
  const std::string label63(63, 'a');
  const std::string name =
      label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b') + ".";
  EXPECT_EQ(canonicalName(name), name);
}

TEST(CanonicalNameTest, RejectsNameOf256Octets) {
  const std::string label63(63, 'a');
  const std::string name =
      label63 + "." + label63 + "." + label63 + "." + std::string(62, 'b') + ".";
  EXPECT_EQ(canonicalName(name), std::nullopt);
}

TEST(CanonicalNameTest, RejectsRelativeNameOf256Octets) {
  const std::string label63(63, 'a');
  const std::string name = label63 + "." + label63 + "." + label63 + "." + std::string(62, 'b');
  EXPECT_EQ(canonicalName(name), std::nullopt);
}

TEST(IsSubdomainTest, AcceptsNameEqualToZone) {
  EXPECT_TRUE(isSubdomain("example.com.", "example.com."));
}

TEST(IsSubdomainTest, AcceptsNameBelowZone) {
  EXPECT_TRUE(isSubdomain("a.b.example.com.", "example.com."));
}

TEST(IsSubdomainTest, AcceptsEveryNameBelowRoot) { EXPECT_TRUE(isSubdomain("example.com.", ".")); }

TEST(IsSubdomainTest, RejectsParentOfZone) { EXPECT_FALSE(isSubdomain("com.", "example.com.")); }

TEST(IsSubdomainTest, RejectsNameSharingOnlySuffixText) {
  EXPECT_FALSE(isSubdomain("badexample.com.", "example.com."));
}

TEST(IsSubdomainTest, RejectsSiblingZone) {
  EXPECT_FALSE(isSubdomain("www.example.net.", "example.com."));
}

TEST(IsSubdomainTest, RejectsInvalidName) {
  EXPECT_FALSE(isSubdomain("www..example.com.", "example.com."));
}

TEST(RrTypeNameTest, ReturnsMnemonicsOfDnssecTypes) {
  EXPECT_EQ(rrTypeName(1), "A");
  EXPECT_EQ(rrTypeName(43), "DS");
  EXPECT_EQ(rrTypeName(46), "RRSIG");
  EXPECT_EQ(rrTypeName(47), "NSEC");
  EXPECT_EQ(rrTypeName(48), "DNSKEY");
  EXPECT_EQ(rrTypeName(50), "NSEC3");
}

TEST(RrTypeNameTest, ReturnsGenericNameForUnknownType) {
  EXPECT_EQ(rrTypeName(65534), "TYPE65534");
}

TEST(RrTypeFromNameTest, AcceptsMnemonicInAnyCase) {
  EXPECT_EQ(rrTypeFromName("DNSKEY"), 48);
  EXPECT_EQ(rrTypeFromName("dnskey"), 48);
  EXPECT_EQ(rrTypeFromName("Aaaa"), 28);
}

TEST(RrTypeFromNameTest, AcceptsGenericTypeName) {
  EXPECT_EQ(rrTypeFromName("TYPE65534"), 65534);
  EXPECT_EQ(rrTypeFromName("type65534"), 65534);
}

TEST(RrTypeFromNameTest, RoundTripsGenericName) {
  EXPECT_EQ(rrTypeFromName(rrTypeName(65534)), 65534);
}

TEST(RrTypeFromNameTest, RejectsUnknownMnemonic) {
  EXPECT_EQ(rrTypeFromName("NOSUCHTYPE"), std::nullopt);
}

TEST(RrTypeFromNameTest, RejectsEmptyName) { EXPECT_EQ(rrTypeFromName(""), std::nullopt); }

TEST(RrTypeFromNameTest, RejectsTypeZero) { EXPECT_EQ(rrTypeFromName("TYPE0"), std::nullopt); }

// A type code is 16 bits (RFC 3597 5), so TYPE70000 names no type. It must not wrap to 4464.
TEST(RrTypeFromNameTest, RejectsGenericNameAbove65535) {
  EXPECT_EQ(rrTypeFromName("TYPE70000"), std::nullopt);
}

TEST(RrTypeFromNameTest, RejectsGenericNameWithTrailingText) {
  EXPECT_EQ(rrTypeFromName("TYPE1x"), std::nullopt);
}

TEST(RcodeNameTest, ReturnsMnemonicsOfCommonRcodes) {
  EXPECT_EQ(rcodeName(0), "NOERROR");
  EXPECT_EQ(rcodeName(2), "SERVFAIL");
  EXPECT_EQ(rcodeName(3), "NXDOMAIN");
  EXPECT_EQ(rcodeName(5), "REFUSED");
}

TEST(RcodeNameTest, ReturnsGenericNameForUnknownRcode) { EXPECT_EQ(rcodeName(4095), "RCODE4095"); }

}  // namespace
}  // namespace dw::dns
