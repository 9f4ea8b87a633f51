// SPDX-License-Identifier: Apache-2.0
// Tests of the size canary arithmetic and of the canaries command's output.
#include "dns/canary.h"

// ldns's common.h defines `true` and `false` as macros in C++ unless this comes first.
#include <stdbool.h>

#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <ldns/ldns.h>

#include "cli/canaries_command.h"
#include "cli/commands.h"

namespace dw::dns {
namespace {

using ::testing::HasSubstr;

struct Case {
  std::string zone;
  size_t signature_length;
};

// Zones of different lengths with the signature sizes of ECDSA P-256 and Ed25519, ECDSA
// P-384, Ed448, and 2048-bit RSA.
const std::vector<Case> kCases = {
    {".", 64},          {"example.com.", 64},  {"example.com.", 96},
    {"example.com.", 114}, {"example.com.", 256}, {"good.lab.", 64},
    {"a-rather-long-label-for-a-department.subsidiary.example.co.uk.", 96},
};

// Builds the canary's answer as a real message with ldns, so its size does not depend on the
// arithmetic under test. ldns compresses owner names but not the RRSIG signer name.
size_t ldnsAnswerSize(const SizeCanary& canary, const std::string& zone,
                      size_t signature_length) {
  ldns_pkt* pkt = ldns_pkt_new();
  ldns_rr* question = nullptr;
  EXPECT_EQ(ldns_rr_new_question_frm_str(&question, (canary.owner + " IN TXT").c_str(), nullptr,
                                         nullptr),
            LDNS_STATUS_OK);
  ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, question);
  for (const std::string& text : canary.strings) {
    ldns_rr* txt = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&txt, (canary.owner + " 3600 IN TXT \"" + text + "\"").c_str(),
                                  3600, nullptr, nullptr),
              LDNS_STATUS_OK);
    ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, txt);
  }
  const std::vector<uint8_t> signature(signature_length, 0x5a);
  ldns_rdf* signature_rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64, signature.size(),
                                                  signature.data());
  char* signature_text = ldns_rdf2str(signature_rdf);
  ldns_rr* rrsig = nullptr;
  const std::string rrsig_text = canary.owner + " 3600 IN RRSIG TXT 13 2 3600 20300101000000 " +
                                 "20200101000000 12345 " + zone + " " + signature_text;
  EXPECT_EQ(ldns_rr_new_frm_str(&rrsig, rrsig_text.c_str(), 3600, nullptr, nullptr),
            LDNS_STATUS_OK);
  ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, rrsig);
  ldns_pkt_set_edns_udp_size(pkt, 4096);
  ldns_pkt_set_edns_do(pkt, true);
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, pkt, &size), LDNS_STATUS_OK);
  std::free(wire);
  std::free(signature_text);
  ldns_rdf_deep_free(signature_rdf);
  ldns_pkt_free(pkt);
  return size;
}

TEST(SignatureLengthTest, KnowsEachAlgorithm) {
  EXPECT_EQ(signatureLength(13, 2048), 64u);
  EXPECT_EQ(signatureLength(14, 2048), 96u);
  EXPECT_EQ(signatureLength(15, 2048), 64u);
  EXPECT_EQ(signatureLength(16, 2048), 114u);
  EXPECT_EQ(signatureLength(8, 2048), 256u);
  EXPECT_EQ(signatureLength(10, 1024), 128u);
  EXPECT_EQ(signatureLength(8, 1025), 129u) << "a partial octet takes a whole one";
}

TEST(SignatureLengthTest, RejectsUnknownAlgorithm) {
  EXPECT_FALSE(signatureLength(5, 2048));
  EXPECT_FALSE(signatureLength(7, 2048));
  EXPECT_FALSE(signatureLength(0, 2048));
  EXPECT_FALSE(signatureLength(253, 2048));
}

TEST(CanaryOwnerTest, PadsSizeToFourDigits) {
  EXPECT_EQ(canaryOwner(496, "example.com."), "dw-size-0496.example.com.");
  EXPECT_EQ(canaryOwner(4000, "example.com."), "dw-size-4000.example.com.");
  EXPECT_EQ(canaryOwner(528, "."), "dw-size-0528.");
}

TEST(NameWireLengthTest, CountsLengthOctets) {
  EXPECT_EQ(nameWireLength("."), 1u);
  EXPECT_EQ(nameWireLength("example.com."), 13u);
  EXPECT_EQ(nameWireLength("a\\.b.example."), 13u) << "an escaped dot is one octet";
  EXPECT_THROW(nameWireLength("a..b."), std::invalid_argument);
}

TEST(BuildSizeCanariesTest, UsesFixedOwnersInAscendingOrder) {
  const std::vector<SizeCanary> canaries = buildSizeCanaries("example.com.", 64);
  ASSERT_EQ(canaries.size(), 9u);
  const char* owners[] = {"dw-size-0496", "dw-size-0528", "dw-size-1216",
                          "dw-size-1248", "dw-size-1384", "dw-size-1416",
                          "dw-size-1484", "dw-size-1516", "dw-size-4000"};
  for (size_t i = 0; i < canaries.size(); ++i) {
    EXPECT_EQ(canaries[i].owner, std::string(owners[i]) + ".example.com.");
    EXPECT_EQ(canaries[i].answer_size, kCanaryAnswerSizes[i]);
  }
}

TEST(BuildSizeCanariesTest, ArithmeticReachesEachSize) {
  for (const Case& test_case : kCases) {
    for (const SizeCanary& canary : buildSizeCanaries(test_case.zone, test_case.signature_length)) {
      EXPECT_EQ(signedTxtAnswerSize(canary.owner, test_case.zone, canary.strings,
                                    test_case.signature_length),
                canary.answer_size)
          << canary.owner << " signature " << test_case.signature_length;
    }
  }
}

TEST(BuildSizeCanariesTest, LdnsMessageHasEachSize) {
  for (const Case& test_case : kCases) {
    for (const SizeCanary& canary : buildSizeCanaries(test_case.zone, test_case.signature_length)) {
      EXPECT_EQ(ldnsAnswerSize(canary, test_case.zone, test_case.signature_length),
                canary.answer_size)
          << canary.owner << " signature " << test_case.signature_length;
    }
  }
}

TEST(BuildSizeCanariesTest, StringsFitAndDiffer) {
  for (const Case& test_case : kCases) {
    for (const SizeCanary& canary : buildSizeCanaries(test_case.zone, test_case.signature_length)) {
      std::set<std::string> distinct(canary.strings.begin(), canary.strings.end());
      EXPECT_EQ(distinct.size(), canary.strings.size()) << "an RRset has no duplicate records";
      for (const std::string& text : canary.strings) {
        EXPECT_LE(text.size(), kMaxCharacterString) << canary.owner;
        EXPECT_THAT(text, HasSubstr("dnssec-watch size canary"));
        EXPECT_THAT(text, HasSubstr(std::to_string(canary.answer_size) + " octets"));
      }
    }
  }
}

TEST(BuildSizeCanariesTest, SplitsLargestIntoFewestRecords) {
  const std::vector<SizeCanary> canaries = buildSizeCanaries("example.com.", 64);
  // 4000 - 160 octets of header, question, RRSIG and OPT = 3840 octets of TXT records of at
  // most 268 octets each (2 + 10 + 1 + 255).
  EXPECT_EQ(canaries.back().strings.size(), 15u);
  EXPECT_EQ(canaries.front().strings.size(), 2u);
}

TEST(BuildSizeCanariesTest, RejectsSignatureTooLongForSmallest) {
  try {
    buildSizeCanaries("example.com.", 512);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("dw-size-0496.example.com."));
    EXPECT_THAT(error.what(), HasSubstr("496"));
    EXPECT_THAT(error.what(), HasSubstr("shorter"));
  }
}

TEST(BuildSizeCanariesTest, RejectsZoneTooLongForOwner) {
  std::string zone;
  for (int i = 0; i < 4; ++i) {
    zone += std::string(60, 'a') + ".";
  }
  try {
    buildSizeCanaries(zone, 64);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("255 octets"));
  }
}

TEST(CanaryZoneTextTest, PrintsOneLinePerRecordWithSize) {
  const std::vector<SizeCanary> canaries = buildSizeCanaries("example.com.", 64);
  const CanarySettings settings{"example.com.", 13, 64, 300};
  const std::string text = canaryZoneText(canaries, settings);
  EXPECT_THAT(text, HasSubstr("dw-size-0496.example.com. 300 IN TXT \"dnssec-watch size canary"));
  EXPECT_THAT(text, HasSubstr("\" ; answer 4000 octets, record 15 of 15\n"));
  EXPECT_THAT(text, HasSubstr("algorithm 13"));
  ldns_zone* zone = nullptr;
  const std::string file = "$ORIGIN example.com.\n" + text;
  FILE* stream = fmemopen(const_cast<char*>(file.data()), file.size(), "r");
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(ldns_zone_new_frm_fp(&zone, stream, nullptr, 3600, LDNS_RR_CLASS_IN), LDNS_STATUS_OK);
  std::fclose(stream);
  ASSERT_NE(zone, nullptr);
  EXPECT_EQ(ldns_rr_list_rr_count(ldns_zone_rrs(zone)), 49u)
      << "every line parses as a record";
  ldns_zone_deep_free(zone);
}

TEST(CanaryJsonTest, PrintsOneObjectPerRecord) {
  const std::vector<SizeCanary> canaries = buildSizeCanaries("example.com.", 64);
  const nlohmann::json json = canaryJson(canaries, {"example.com.", 13, 64, 3600});
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 49u);
  EXPECT_EQ(json[0]["name"], "dw-size-0496.example.com.");
  EXPECT_EQ(json[0]["type"], "TXT");
  EXPECT_EQ(json[0]["ttl"], 3600);
  EXPECT_EQ(json[0]["answer_size"], 496);
  ASSERT_EQ(json[0]["strings"].size(), 1u);
  EXPECT_EQ(json[0]["strings"][0], canaries[0].strings[0]);
  EXPECT_EQ(json[48]["answer_size"], 4000);
}

}  // namespace
}  // namespace dw::dns
