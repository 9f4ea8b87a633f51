// SPDX-License-Identifier: Apache-2.0
#include "dns/ds_check.h"

// ldns's common.h defines `true` and `false` as macros in C++ unless this comes first.
#include <stdbool.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <sstream>

#include <ldns/ldns.h>

namespace dw::dns {
namespace {

constexpr uint16_t kSepFlag = 0x0001;

struct RrDeleter {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct RrListDeleter {
  void operator()(ldns_rr_list* list) const { ldns_rr_list_deep_free(list); }
};
using RrPtr = std::unique_ptr<ldns_rr, RrDeleter>;
using RrListPtr = std::unique_ptr<ldns_rr_list, RrListDeleter>;

RrPtr parseRecord(const std::string& text) {
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) {
    return nullptr;
  }
  return RrPtr(rr);
}

// A DNSKEY record of `owner` with `rdata`, which may come from a CDNSKEY.
RrPtr dnskeyRecord(const std::string& owner, const std::string& rdata) {
  return parseRecord(owner + " 0 IN DNSKEY " + rdata);
}

std::string upperHex(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(),
                            [](unsigned char c) { return std::isspace(c) != 0; }),
             text.end());
  for (char& c : text) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

// RFC 8624 3.1: algorithms a zone should not be signed with (RSAMD5, DSA, RSASHA1,
// DSA-NSEC3-SHA1, RSASHA1-NSEC3-SHA1, ECC-GOST), and any this program does not know.
bool recommendedAlgorithm(uint8_t algorithm) {
  return algorithm == 8 || algorithm == 10 || (algorithm >= 13 && algorithm <= 16);
}

// RFC 8624 3.3: SHA-256 and SHA-384 digests; SHA-1 and GOST must not be used for new DS.
bool recommendedDigest(uint8_t digest_type) { return digest_type == 2 || digest_type == 4; }

// A GOST R 34.11-94 hash (RFC 5831), DS digest type 3, is 256 bits. ldns has no constant for
// its length.
constexpr size_t kGostDigestLength = 32;

std::string_view digestName(uint8_t digest_type) {
  switch (digest_type) {
    case LDNS_SHA1: return "SHA-1";
    case LDNS_SHA256: return "SHA-256";
    case LDNS_HASH_GOST: return "GOST R 34.11-94";
    case LDNS_SHA384: return "SHA-384";
    default: return "unknown";
  }
}

// Describes a digest whose length does not fit its type, e.g. "a digest of 2 octets, but
// digest type 2 (SHA-256) needs 32 octets (64 hex digits)". Returns nullopt when it fits or
// the type is unknown.
std::optional<std::string> digestLengthProblem(const DsFields& ds) {
  const size_t expected = digestLength(ds.digest_type);
  const size_t octets = ds.digest.size() / 2;
  if (expected == 0 || octets == expected) {
    return std::nullopt;
  }
  return "a digest of " + std::to_string(octets) + " octets, but digest type " +
         std::to_string(ds.digest_type) + " (" + std::string(digestName(ds.digest_type)) +
         ") needs " + std::to_string(expected) + " octets (" + std::to_string(expected * 2) +
         " hex digits)";
}

// The DS of `key` with `digest_type`, or nullopt when ldns cannot compute that digest.
std::optional<DsFields> digestOf(const ldns_rr* key, uint8_t digest_type) {
  RrPtr ds(ldns_key_rr2ds(key, static_cast<ldns_hash>(digest_type)));
  if (ds == nullptr || ldns_rr_rd_count(ds.get()) < 4) {
    return std::nullopt;
  }
  char* text = ldns_rdf2str(ldns_rr_rdf(ds.get(), 3));
  DsFields fields;
  fields.key_tag = ldns_rdf2native_int16(ldns_rr_rdf(ds.get(), 0));
  fields.algorithm = ldns_rdf2native_int8(ldns_rr_rdf(ds.get(), 1));
  fields.digest_type = ldns_rdf2native_int8(ldns_rr_rdf(ds.get(), 2));
  fields.digest = upperHex(text != nullptr ? text : "");
  free(text);
  return fields;
}

bool keySigns(const ldns_rr_list* keyset, const ldns_rr* key, const RecordSet& dnskeys) {
  const uint16_t tag = ldns_calc_keytag(key);
  RrListPtr keys(ldns_rr_list_new());
  ldns_rr_list_push_rr(keys.get(), ldns_rr_clone(key));
  for (const std::string& text : dnskeys.signatures) {
    RrPtr rrsig = parseRecord(text);
    if (rrsig == nullptr || ldns_rr_rd_count(rrsig.get()) < 9 ||
        ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rrsig.get())) != tag) {
      continue;
    }
    if (ldns_verify_rrsig_keylist_notime(keyset, rrsig.get(), keys.get(), nullptr) ==
        LDNS_STATUS_OK) {
      return true;
    }
  }
  return false;
}

RrListPtr keysetOf(const RecordSet& dnskeys) {
  RrListPtr keyset(ldns_rr_list_new());
  for (const std::string& text : dnskeys.records) {
    if (RrPtr rr = parseRecord(text)) {
      ldns_rr_list_push_rr(keyset.get(), rr.release());
    }
  }
  return keyset;
}

}  // namespace

std::vector<DnskeyFacts> dnskeyFacts(const RecordSet& dnskeys) {
  std::vector<DnskeyFacts> facts;
  RrListPtr keyset = keysetOf(dnskeys);
  for (size_t i = 0; i < ldns_rr_list_rr_count(keyset.get()); ++i) {
    const ldns_rr* key = ldns_rr_list_rr(keyset.get(), i);
    if (ldns_rr_rd_count(key) < 4) {
      continue;
    }
    DnskeyFacts fact;
    fact.key_tag = ldns_calc_keytag(key);
    fact.flags = ldns_rdf2native_int16(ldns_rr_rdf(key, 0));
    fact.algorithm = ldns_rdf2native_int8(ldns_rr_rdf(key, 2));
    fact.sep = (fact.flags & kSepFlag) != 0;
    fact.signs_keyset = keySigns(keyset.get(), key, dnskeys);
    facts.push_back(fact);
  }
  return facts;
}

std::string DsFields::text() const {
  return std::to_string(key_tag) + " " + std::to_string(algorithm) + " " +
         std::to_string(digest_type) + " " + digest;
}

std::optional<DsFields> readDsFields(const std::string& rdata) {
  std::istringstream in(rdata);
  unsigned key_tag = 0, algorithm = 0, digest_type = 0;
  if (!(in >> key_tag >> algorithm >> digest_type) || key_tag > 65535 || algorithm > 255 ||
      digest_type > 255) {
    return std::nullopt;
  }
  std::string rest, part;
  while (in >> part) {
    rest += part;
  }
  DsFields fields{static_cast<uint16_t>(key_tag), static_cast<uint8_t>(algorithm),
                  static_cast<uint8_t>(digest_type), upperHex(rest)};
  const bool hex = std::all_of(fields.digest.begin(), fields.digest.end(),
                               [](unsigned char c) { return std::isxdigit(c) != 0; });
  if (fields.digest.empty() || fields.digest.size() % 2 != 0 || !hex) {
    return std::nullopt;
  }
  return fields;
}

size_t digestLength(uint8_t digest_type) {
  switch (digest_type) {
    case LDNS_SHA1: return LDNS_SHA1_DIGEST_LENGTH;
    case LDNS_SHA256: return LDNS_SHA256_DIGEST_LENGTH;
    case LDNS_HASH_GOST: return kGostDigestLength;
    case LDNS_SHA384: return LDNS_SHA384_DIGEST_LENGTH;
    default: return 0;
  }
}

std::optional<DsFields> parseDs(const std::string& rdata, std::string* error) {
  std::optional<DsFields> fields = readDsFields(rdata);
  std::string problem;
  if (!fields) {
    problem = "is not the RDATA of a DS record";
  } else if (std::optional<std::string> length = digestLengthProblem(*fields)) {
    problem = "has " + *length;
    fields.reset();
  }
  if (error != nullptr) {
    *error = problem;
  }
  return fields;
}

std::string_view dsStatusName(DsStatus status) {
  switch (status) {
    case DsStatus::NoMatch: return "no_match";
    case DsStatus::NotSigning: return "not_signing";
    case DsStatus::NonSep: return "non_sep";
    case DsStatus::UnexpectedAlgorithm: return "unexpected_algorithm";
    case DsStatus::UnexpectedDigest: return "unexpected_digest";
    case DsStatus::Match: return "match";
  }
  return "no_match";
}

DsJudgement judgeDs(const DsFields& ds, const RecordSet& dnskeys,
                    const std::vector<DnskeyFacts>& facts) {
  // A server may serve a DS whose digest does not fit its type. readDsFields() keeps it for this.
  if (std::optional<std::string> length = digestLengthProblem(ds)) {
    return {DsStatus::NoMatch, "the DS has " + *length};
  }
  for (size_t i = 0; i < dnskeys.rdata.size(); ++i) {
    RrPtr key = dnskeyRecord(dnskeys.owner, dnskeys.rdata[i]);
    if (key == nullptr || digestOf(key.get(), ds.digest_type) != ds) {
      continue;
    }
    const uint16_t tag = ldns_calc_keytag(key.get());
    const auto fact = std::find_if(facts.begin(), facts.end(),
                                   [&](const DnskeyFacts& f) { return f.key_tag == tag; });
    const std::string key_text = "DNSKEY " + std::to_string(tag);
    if (fact == facts.end() || !fact->signs_keyset) {
      return {DsStatus::NotSigning, key_text + " does not sign the DNSKEY RRset"};
    }
    if (!fact->sep) {
      return {DsStatus::NonSep, key_text + " lacks the SEP flag (flags " +
                                    std::to_string(fact->flags) + ")"};
    }
    if (!recommendedAlgorithm(ds.algorithm)) {
      return {DsStatus::UnexpectedAlgorithm,
              "algorithm " + std::to_string(ds.algorithm) + " is not recommended (RFC 8624)"};
    }
    if (!recommendedDigest(ds.digest_type)) {
      return {DsStatus::UnexpectedDigest, "digest type " + std::to_string(ds.digest_type) +
                                              " is not recommended (RFC 8624)"};
    }
    return {DsStatus::Match, key_text};
  }
  if (ds.digest_type != 1 && ds.digest_type != 2 && ds.digest_type != 4) {
    return {DsStatus::UnexpectedDigest,
            "digest type " + std::to_string(ds.digest_type) + " cannot be checked"};
  }
  return {DsStatus::NoMatch, "no DNSKEY of " + dnskeys.owner + " has key tag " +
                                 std::to_string(ds.key_tag) + " and this digest"};
}

std::string_view cdsAgreementName(CdsAgreement agreement) {
  switch (agreement) {
    case CdsAgreement::None: return "none";
    case CdsAgreement::Agrees: return "agrees";
    case CdsAgreement::Disagrees: return "disagrees";
    case CdsAgreement::Delete: return "delete";
  }
  return "none";
}

CdsAgreement compareCds(const RecordSet* cds, const RecordSet* cdnskey,
                        const std::vector<DsFields>& ds) {
  if (cds == nullptr && cdnskey == nullptr) {
    return CdsAgreement::None;
  }
  std::vector<DsFields> published;
  for (const std::string& rdata : cds != nullptr ? cds->rdata : std::vector<std::string>{}) {
    std::optional<DsFields> fields = readDsFields(rdata);
    if (!fields) {
      return CdsAgreement::Disagrees;
    }
    // RFC 8078 4: CDS "0 0 0 00" asks the parent to remove the DS.
    if (fields->algorithm == 0) {
      return CdsAgreement::Delete;
    }
    published.push_back(*fields);
  }
  std::vector<DsFields> served = ds;
  std::sort(published.begin(), published.end());
  std::sort(served.begin(), served.end());
  if (cds != nullptr && published != served) {
    return CdsAgreement::Disagrees;
  }
  for (const std::string& rdata :
       cdnskey != nullptr ? cdnskey->rdata : std::vector<std::string>{}) {
    RrPtr key = dnskeyRecord(cdnskey->owner, rdata);
    if (key == nullptr) {
      return CdsAgreement::Disagrees;
    }
    if (ldns_rdf2native_int8(ldns_rr_rdf(key.get(), 2)) == 0) {
      return CdsAgreement::Delete;  // RFC 8078 4: CDNSKEY "0 3 0 AA==".
    }
    const bool hashed = std::any_of(served.begin(), served.end(), [&](const DsFields& d) {
      return digestOf(key.get(), d.digest_type) == d;
    });
    if (!hashed) {
      return CdsAgreement::Disagrees;
    }
  }
  return CdsAgreement::Agrees;
}

}  // namespace dw::dns
