// SPDX-License-Identifier: Apache-2.0
#include "dns/dnssec.h"

// ldns's common.h defines `true` and `false` as macros in C++ unless this comes first.
#include <stdbool.h>

#include <cctype>
#include <map>
#include <utility>

#include <ldns/ldns.h>

namespace dw::dns {
namespace {

using Verdict = Verification::Verdict;

struct PktDeleter {
  void operator()(ldns_pkt* pkt) const { ldns_pkt_free(pkt); }
};
// Lists that only borrow their RRs from a packet.
struct ShallowListDeleter {
  void operator()(ldns_rr_list* list) const { ldns_rr_list_free(list); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;
using ShallowList = std::unique_ptr<ldns_rr_list, ShallowListDeleter>;

std::string nameText(const ldns_rdf* name) {
  char* text = ldns_rdf2str(name);
  std::string result = text != nullptr ? text : "";
  free(text);
  for (char& c : result) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return result;
}

std::string typeText(ldns_rr_type type) {
  const ldns_rr_descriptor* descriptor = ldns_rr_descript(type);
  return descriptor != nullptr && descriptor->_name != nullptr ? descriptor->_name
                                                               : "TYPE" + std::to_string(type);
}

// One RRset of a section with the RRSIGs that cover it.
struct Rrset {
  std::string owner;
  ldns_rr_type type = LDNS_RR_TYPE_A;
  ShallowList records{ldns_rr_list_new()};
  ShallowList signatures{ldns_rr_list_new()};
};

std::vector<Rrset> groupRrsets(const ldns_rr_list* section) {
  std::map<std::pair<std::string, ldns_rr_type>, Rrset> sets;
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(section, i);
    const bool is_signature = ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG;
    ldns_rr_type type = ldns_rr_get_type(rr);
    if (is_signature) {
      const ldns_rdf* covered = ldns_rr_rrsig_typecovered(rr);
      if (covered == nullptr) {
        continue;
      }
      type = ldns_rdf2rr_type(covered);
    }
    Rrset& set = sets[{nameText(ldns_rr_owner(rr)), type}];
    set.owner = nameText(ldns_rr_owner(rr));
    set.type = type;
    ldns_rr_list_push_rr(is_signature ? set.signatures.get() : set.records.get(), rr);
  }
  std::vector<Rrset> result;
  for (auto& [key, set] : sets) {
    // RRSIGs without the RRset they cover prove nothing; they are ignored.
    if (ldns_rr_list_rr_count(set.records.get()) > 0) {
      result.push_back(std::move(set));
    }
  }
  return result;
}

VerifyFailure failureFromStatus(ldns_status status) {
  switch (status) {
    case LDNS_STATUS_CRYPTO_SIG_EXPIRED: return VerifyFailure::SignatureExpired;
    case LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED: return VerifyFailure::SignatureNotYetValid;
    case LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY:
    case LDNS_STATUS_CRYPTO_NO_DNSKEY:
    case LDNS_STATUS_CRYPTO_NO_TRUSTED_DNSKEY: return VerifyFailure::NoMatchingKey;
    case LDNS_STATUS_CRYPTO_UNKNOWN_ALGO:
    case LDNS_STATUS_CRYPTO_ALGO_NOT_IMPL: return VerifyFailure::UnsupportedAlgorithm;
    case LDNS_STATUS_CRYPTO_NO_RRSIG: return VerifyFailure::NoSignatures;
    default: return VerifyFailure::SignatureInvalid;
  }
}

// Accumulates the verdicts of the parts of one answer; the worst one wins.
class Judgement {
 public:
  void secure() {}
  void insecure() { insecure_ = true; }
  void needKeys(const std::string& zone) { needed_.push_back(zone); }
  void bogus(VerifyFailure failure, std::string detail) {
    if (!bogus_) {
      bogus_ = true;
      result_.failure = failure;
      result_.detail = std::move(detail);
    }
  }
  bool isInsecure() const { return insecure_ && !bogus_ && needed_.empty(); }
  bool keysComplete() const { return needed_.empty(); }
  Verification finish(int rcode) {
    result_.rcode = rcode;
    if (bogus_) {
      result_.verdict = Verdict::Bogus;
    } else if (!needed_.empty()) {
      result_.verdict = Verdict::NeedKeys;
      result_.needed_zones = std::move(needed_);
    } else {
      result_.verdict = insecure_ ? Verdict::Insecure : Verdict::Secure;
    }
    return std::move(result_);
  }

 private:
  bool insecure_ = false;
  bool bogus_ = false;
  std::vector<std::string> needed_;
  Verification result_;
};

// Applies what is known about `signer`'s keys; returns them when they are secure.
const KeySet* signerKeys(const std::string& signer, const KeyLookup& lookup,
                         Judgement& judgement) {
  const ZoneKeys* keys = lookup(signer);
  if (keys == nullptr) {
    judgement.needKeys(signer);
    return nullptr;
  }
  if (keys->state == ZoneKeys::State::Insecure) {
    judgement.insecure();
    return nullptr;
  }
  if (keys->state == ZoneKeys::State::Bogus) {
    judgement.bogus(VerifyFailure::KeysBogus, "DNSKEY of " + signer + " is bogus: " + keys->why);
    return nullptr;
  }
  return keys->keys.get();
}

void verifyRrset(const Rrset& set, const std::string& zone, const KeyLookup& lookup,
                 std::time_t now, Judgement& judgement) {
  const std::string what = set.owner + " " + typeText(set.type);
  if (ldns_rr_list_rr_count(set.signatures.get()) == 0) {
    // Unsigned data is fine only in an insecure zone (RFC 4035 5.2).
    if (signerKeys(zone, lookup, judgement) != nullptr) {
      judgement.bogus(VerifyFailure::NoSignatures, "no RRSIG for " + what);
    }
    return;
  }
  const ldns_rdf* signer_rdf = ldns_rr_rrsig_signame(ldns_rr_list_rr(set.signatures.get(), 0));
  const ldns_rdf* owner_rdf = ldns_rr_owner(ldns_rr_list_rr(set.records.get(), 0));
  if (signer_rdf == nullptr || (ldns_dname_compare(owner_rdf, signer_rdf) != 0 &&
                                !ldns_dname_is_subdomain(owner_rdf, signer_rdf))) {
    judgement.bogus(VerifyFailure::SignatureInvalid, "RRSIG signer is not above " + what);
    return;
  }
  const KeySet* keys = signerKeys(nameText(signer_rdf), lookup, judgement);
  if (keys == nullptr) {
    return;
  }
  ldns_status status = ldns_verify_time(set.records.get(), set.signatures.get(),
                                        static_cast<const ldns_rr_list*>(keys->ldnsList()), now,
                                        nullptr);
  if (status != LDNS_STATUS_OK) {
    judgement.bogus(failureFromStatus(status),
                    std::string(ldns_get_errorstr_by_id(status)) + " for " + what);
  }
}

// Checks that the authority section proves the name or type does not exist (RFC 4035
// 5.4, RFC 5155 8).
void verifyDenial(ldns_pkt* pkt, ldns_rr* question, Judgement& judgement) {
  const ldns_rr_list* authority = ldns_pkt_authority(pkt);
  ShallowList nsecs(ldns_rr_list_new());
  ShallowList nsec3s(ldns_rr_list_new());
  ShallowList signatures(ldns_rr_list_new());
  for (size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(authority, i);
    switch (ldns_rr_get_type(rr)) {
      case LDNS_RR_TYPE_NSEC: ldns_rr_list_push_rr(nsecs.get(), rr); break;
      case LDNS_RR_TYPE_NSEC3: ldns_rr_list_push_rr(nsec3s.get(), rr); break;
      case LDNS_RR_TYPE_RRSIG: ldns_rr_list_push_rr(signatures.get(), rr); break;
      default: break;
    }
  }
  ldns_status status = LDNS_STATUS_OK;
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt);
  if (ldns_rr_list_rr_count(nsecs.get()) > 0) {
    status = ldns_dnssec_verify_denial(question, nsecs.get(), signatures.get());
  } else if (ldns_rr_list_rr_count(nsec3s.get()) > 0) {
    status = ldns_dnssec_verify_denial_nsec3(question, nsec3s.get(), signatures.get(), rcode,
                                             ldns_rr_get_type(question),
                                             rcode == LDNS_RCODE_NOERROR);
  } else {
    judgement.bogus(VerifyFailure::DenialProof, "negative answer without NSEC or NSEC3");
    return;
  }
  if (status != LDNS_STATUS_OK) {
    judgement.bogus(VerifyFailure::DenialProof,
                    std::string("denial of existence not proven: ") +
                        ldns_get_errorstr_by_id(status));
  }
}

bool answersQuestion(const ldns_pkt* pkt, const ldns_rr* question) {
  const ldns_rr_list* answer = ldns_pkt_answer(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    const ldns_rr_type type = ldns_rr_get_type(rr);
    if (type == ldns_rr_get_type(question) || type == LDNS_RR_TYPE_CNAME) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::shared_ptr<const KeySet> KeySet::fromAnswer(const uint8_t* wire, size_t length,
                                                 const std::string& zone) {
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, wire, length) != LDNS_STATUS_OK) {
    return nullptr;
  }
  PktPtr pkt(raw);
  ldns_rr_list* keys = ldns_rr_list_new();
  const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY && nameText(ldns_rr_owner(rr)) == zone) {
      ldns_rr_list_push_rr(keys, ldns_rr_clone(rr));
    }
  }
  if (ldns_rr_list_rr_count(keys) == 0) {
    ldns_rr_list_deep_free(keys);
    return nullptr;
  }
  return std::shared_ptr<const KeySet>(new KeySet(keys));
}

KeySet::~KeySet() { ldns_rr_list_deep_free(static_cast<ldns_rr_list*>(keys_)); }

size_t KeySet::size() const {
  return ldns_rr_list_rr_count(static_cast<const ldns_rr_list*>(keys_));
}

Verification verifyAnswer(const uint8_t* wire, size_t length, const std::string& qname,
                          uint16_t qtype, const std::string& zone, const KeyLookup& lookup,
                          std::time_t now) {
  Verification failed;
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, wire, length) != LDNS_STATUS_OK) {
    failed.detail = "unparseable answer";
    return failed;
  }
  PktPtr pkt(raw);
  const int rcode = ldns_pkt_get_rcode(pkt.get());
  failed.rcode = rcode;
  const ldns_rr_list* question_section = ldns_pkt_question(pkt.get());
  if (ldns_rr_list_rr_count(question_section) != 1) {
    failed.detail = "answer without exactly one question";
    return failed;
  }
  ldns_rr* question = ldns_rr_list_rr(question_section, 0);
  if (nameText(ldns_rr_owner(question)) != qname || ldns_rr_get_type(question) != qtype) {
    failed.detail = "answer to another question";
    return failed;
  }
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
    failed.detail = "rcode " + std::to_string(rcode) + " even with CD set";
    return failed;
  }
  Judgement judgement;
  for (const Rrset& set : groupRrsets(ldns_pkt_answer(pkt.get()))) {
    verifyRrset(set, zone, lookup, now, judgement);
  }
  const bool negative = rcode == LDNS_RCODE_NXDOMAIN || !answersQuestion(pkt.get(), question);
  if (negative) {
    signerKeys(zone, lookup, judgement);
    for (const Rrset& set : groupRrsets(ldns_pkt_authority(pkt.get()))) {
      verifyRrset(set, zone, lookup, now, judgement);
    }
    // The proof matters only once every key is known and the zone is secure.
    if (judgement.keysComplete() && !judgement.isInsecure()) {
      verifyDenial(pkt.get(), question, judgement);
    }
  }
  return judgement.finish(rcode);
}

}  // namespace dw::dns
