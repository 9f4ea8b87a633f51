// SPDX-License-Identifier: Apache-2.0
#include "dns/dnssec.h"

// ldns's common.h defines `true` and `false` as macros in C++ unless this comes first.
#include <stdbool.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

#include <ldns/ldns.h>

#include "dns/nsec.h"
#include "dns/rrsets.h"

namespace dw::dns {
namespace {

using Verdict = Verification::Verdict;

// CNAME links followed before an answer is judged indeterminate.
constexpr int kMaxCnameChain = 8;
// DNSKEY flags (RFC 4034 2.1.1, RFC 5011 3).
constexpr uint16_t kZoneKeyFlag = 0x0100;
constexpr uint16_t kRevokeFlag = 0x0080;

struct PktDeleter {
  void operator()(ldns_pkt* pkt) const { ldns_pkt_free(pkt); }
};
struct RdfDeleter {
  void operator()(ldns_rdf* rdf) const { ldns_rdf_deep_free(rdf); }
};
struct RrDeleter {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
// Lists that only borrow their RRs from a packet.
struct ShallowListDeleter {
  void operator()(ldns_rr_list* list) const { ldns_rr_list_free(list); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfDeleter>;
using RrPtr = std::unique_ptr<ldns_rr, RrDeleter>;
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
  void insecure() { insecure_ = true; }
  void needKeys(const std::string& zone) {
    if (std::find(needed_.begin(), needed_.end(), zone) == needed_.end()) {
      needed_.push_back(zone);
    }
  }
  void bogus(VerifyFailure failure, std::string detail) {
    if (!bogus_) {
      bogus_ = true;
      result_.failure = failure;
      result_.detail = std::move(detail);
    }
  }
  // Every key is known, nothing is bogus, and the data is still meant to be signed: only then
  // do denial and wildcard proofs matter.
  bool needsProofs() const { return needed_.empty() && !bogus_ && !insecure_; }
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

// Applies what a DNSKEY query for `name` showed. Returns true when the name lies in a signed
// zone; `keys` is then set when the name is that zone's apex.
bool nameIsSigned(const std::string& name, const KeyLookup& lookup, Judgement& judgement,
                  const KeySet** keys) {
  const ZoneKeys* known = lookup(name);
  if (known == nullptr) {
    judgement.needKeys(name);
    return false;
  }
  if (known->state == ZoneKeys::State::Insecure) {
    judgement.insecure();
    return false;
  }
  if (known->state == ZoneKeys::State::Bogus) {
    judgement.bogus(VerifyFailure::KeysBogus, "DNSKEY of " + name + " is bogus: " + known->why);
    return false;
  }
  if (keys != nullptr) {
    *keys = known->keys.get();
  }
  return true;
}

// RFC 1982 serial comparison of 32-bit times: true when a is before b (RFC 4034 3.1.5).
bool serialBefore(uint32_t a, uint32_t b) { return serialDifference(a, b) < 0; }

// Keeps the RRSIGs whose validity period contains `now`; reports why when none does.
ShallowList timelySignatures(const Rrset& set, std::time_t now, Judgement& judgement,
                             const std::string& what) {
  ShallowList timely(ldns_rr_list_new());
  const auto clock = static_cast<uint32_t>(now);
  bool expired = false;
  for (size_t i = 0; i < ldns_rr_list_rr_count(set.signatures.get()); ++i) {
    ldns_rr* rrsig = ldns_rr_list_rr(set.signatures.get(), i);
    const ldns_rdf* inception = ldns_rr_rrsig_inception(rrsig);
    const ldns_rdf* expiration = ldns_rr_rrsig_expiration(rrsig);
    if (inception == nullptr || expiration == nullptr) {
      continue;
    }
    if (serialBefore(ldns_rdf2native_int32(expiration), clock)) {
      expired = true;
    } else if (!serialBefore(clock, ldns_rdf2native_int32(inception))) {
      ldns_rr_list_push_rr(timely.get(), rrsig);
    }
  }
  if (ldns_rr_list_rr_count(timely.get()) == 0) {
    judgement.bogus(expired ? VerifyFailure::SignatureExpired
                            : VerifyFailure::SignatureNotYetValid,
                    std::string(expired ? "every RRSIG has expired" : "no RRSIG is valid yet") +
                        " for " + what);
  }
  return timely;
}

// Checks one RRset's signatures. Returns true when it verified and was expanded from a
// wildcard, whose proof of no closer match the caller then checks.
bool verifyRrset(const Rrset& set, const KeyLookup& lookup, std::time_t now,
                 Judgement& judgement) {
  const std::string what = set.owner + " " + typeText(set.type);
  if (ldns_rr_list_rr_count(set.signatures.get()) == 0) {
    // Unsigned data is fine only in an insecure zone (RFC 4035 5.2).
    if (nameIsSigned(set.owner, lookup, judgement, nullptr)) {
      judgement.bogus(VerifyFailure::NoSignatures, "no RRSIG for " + what);
    }
    return false;
  }
  ldns_rr* first = ldns_rr_list_rr(set.signatures.get(), 0);
  const ldns_rdf* signer = ldns_rr_rrsig_signame(first);
  const ldns_rdf* owner = ldns_rr_owner(ldns_rr_list_rr(set.records.get(), 0));
  if (signer == nullptr ||
      (ldns_dname_compare(owner, signer) != 0 && !ldns_dname_is_subdomain(owner, signer))) {
    judgement.bogus(VerifyFailure::SignatureInvalid, "RRSIG signer is not above " + what);
    return false;
  }
  const std::string signer_name = nameText(signer);
  const KeySet* keys = nullptr;
  if (!nameIsSigned(signer_name, lookup, judgement, &keys)) {
    return false;
  }
  if (keys == nullptr) {
    judgement.bogus(VerifyFailure::NoMatchingKey, "RRSIG signer " + signer_name +
                                                      " has no DNSKEY RRset, for " + what);
    return false;
  }
  ShallowList timely = timelySignatures(set, now, judgement, what);
  if (ldns_rr_list_rr_count(timely.get()) == 0) {
    return false;
  }
  // Times were checked above with serial arithmetic, because ldns 1.8.3 compares them as
  // signed differences and rejects validity periods that span 2038.
  ldns_rr_list* key_list = const_cast<ldns_rr_list*>(
      static_cast<const ldns_rr_list*>(keys->ldnsList()));
  ldns_status status = ldns_verify_notime(set.records.get(), timely.get(), key_list, nullptr);
  if (status != LDNS_STATUS_OK) {
    judgement.bogus(failureFromStatus(status),
                    std::string(ldns_get_errorstr_by_id(status)) + " for " + what);
    return false;
  }
  const ldns_rdf* labels = ldns_rr_rrsig_labels(first);
  return labels != nullptr && ldns_rdf2native_int8(labels) < ldns_dname_label_count(owner);
}

// The NSEC and NSEC3 records of the authority section, borrowed from the packet.
struct DenialRecords {
  ShallowList nsecs{ldns_rr_list_new()};
  ShallowList nsec3s{ldns_rr_list_new()};
  ShallowList signatures{ldns_rr_list_new()};
};

DenialRecords denialRecords(const ldns_pkt* pkt) {
  DenialRecords records;
  const ldns_rr_list* authority = ldns_pkt_authority(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(authority, i);
    switch (ldns_rr_get_type(rr)) {
      case LDNS_RR_TYPE_NSEC: ldns_rr_list_push_rr(records.nsecs.get(), rr); break;
      case LDNS_RR_TYPE_NSEC3: ldns_rr_list_push_rr(records.nsec3s.get(), rr); break;
      case LDNS_RR_TYPE_RRSIG: ldns_rr_list_push_rr(records.signatures.get(), rr); break;
      default: break;
    }
  }
  return records;
}

// Checks the proof that `name`/`type` does not exist (RFC 4035 5.4, RFC 5155 8).
void verifyDenial(const DenialRecords& records, const ldns_rdf* name, ldns_rr_type type,
                  ldns_pkt_rcode rcode, Judgement& judgement) {
  std::string why;
  bool proven = false;
  if (ldns_rr_list_rr_count(records.nsecs.get()) > 0) {
    proven = rcode == LDNS_RCODE_NXDOMAIN ? internal::provesNxdomain(records.nsecs.get(), name, why)
                                          : internal::provesNodata(records.nsecs.get(), name,
                                                                   type, why);
  } else if (ldns_rr_list_rr_count(records.nsec3s.get()) > 0) {
    RrPtr question(ldns_rr_new());
    ldns_rr_set_owner(question.get(), ldns_rdf_clone(name));
    ldns_rr_set_type(question.get(), type);
    ldns_rr_set_class(question.get(), LDNS_RR_CLASS_IN);
    ldns_status status = ldns_dnssec_verify_denial_nsec3(
        question.get(), records.nsec3s.get(), records.signatures.get(), rcode, type,
        rcode == LDNS_RCODE_NOERROR);
    proven = status == LDNS_STATUS_OK;
    why = ldns_get_errorstr_by_id(status);
  } else {
    why = "negative answer without NSEC or NSEC3";
  }
  if (!proven) {
    judgement.bogus(VerifyFailure::DenialProof,
                    "denial of existence of " + nameText(name) + " " + typeText(type) +
                        " not proven: " + why);
  }
}

// Checks that each wildcard-expanded owner is proven not to exist itself (RFC 4035 5.3.4).
void verifyWildcards(const DenialRecords& records, const std::vector<std::string>& owners,
                     Judgement& judgement) {
  for (const std::string& owner : owners) {
    RdfPtr name(ldns_dname_new_frm_str(owner.c_str()));
    std::string why;
    if (ldns_rr_list_rr_count(records.nsecs.get()) > 0) {
      if (!name || !internal::provesNoCloserMatch(records.nsecs.get(), name.get(), why)) {
        judgement.bogus(VerifyFailure::DenialProof, why + ": " + owner);
      }
    } else if (ldns_rr_list_rr_count(records.nsec3s.get()) == 0) {
      judgement.bogus(VerifyFailure::DenialProof,
                      "wildcard answer without NSEC or NSEC3 proof: " + owner);
    }
    // TODO: check the NSEC3 proof of no closer match (RFC 5155 8.8); NSEC3 wildcard answers
    // are accepted on their signatures alone.
  }
}

// The end of the CNAME chain that starts at `qname`, borrowed from the packet or `qname`.
const ldns_rdf* chainEnd(const ldns_pkt* pkt, const ldns_rdf* qname, ldns_rr_type qtype) {
  const ldns_rdf* target = qname;
  if (qtype == LDNS_RR_TYPE_CNAME) {
    return target;
  }
  const ldns_rr_list* answer = ldns_pkt_answer(pkt);
  for (int link = 0; link < kMaxCnameChain; ++link) {
    const ldns_rdf* next = nullptr;
    for (size_t i = 0; i < ldns_rr_list_rr_count(answer) && next == nullptr; ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(answer, i);
      if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
          ldns_dname_compare(ldns_rr_owner(rr), target) == 0) {
        next = ldns_rr_rdf(rr, 0);
      }
    }
    if (next == nullptr) {
      break;
    }
    target = next;
  }
  return target;
}

bool hasRrset(const ldns_pkt* pkt, const ldns_rdf* name, ldns_rr_type type) {
  const ldns_rr_list* answer = ldns_pkt_answer(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(rr) == type && ldns_dname_compare(ldns_rr_owner(rr), name) == 0) {
      return true;
    }
  }
  return false;
}

// Checks the question section; returns the question, or nullptr with `failed` filled in.
const ldns_rr* checkQuestion(const ldns_pkt* pkt, const std::string& qname, uint16_t qtype,
                             Verification& failed) {
  const ldns_rr_list* question_section = ldns_pkt_question(pkt);
  if (ldns_rr_list_rr_count(question_section) != 1) {
    failed.detail = "answer without exactly one question";
    return nullptr;
  }
  const ldns_rr* question = ldns_rr_list_rr(question_section, 0);
  if (nameText(ldns_rr_owner(question)) != qname || ldns_rr_get_type(question) != qtype) {
    failed.detail = "answer to another question";
    return nullptr;
  }
  return question;
}

}  // namespace

std::shared_ptr<const KeySet> KeySet::fromAnswer(const uint8_t* wire, size_t length,
                                                 const std::string& zone) {
  ldns_pkt* raw = nullptr;
  if (length == 0 || ldns_wire2pkt(&raw, wire, length) != LDNS_STATUS_OK) {
    return nullptr;
  }
  PktPtr pkt(raw);
  ldns_rr_list* keys = ldns_rr_list_new();
  const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY || nameText(ldns_rr_owner(rr)) != zone) {
      continue;
    }
    const uint16_t flags = ldns_rdf2native_int16(ldns_rr_dnskey_flags(rr));
    if ((flags & kZoneKeyFlag) != 0 && (flags & kRevokeFlag) == 0) {
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
                          uint16_t qtype, const KeyLookup& lookup, std::time_t now) {
  Verification failed;
  ldns_pkt* raw = nullptr;
  if (length == 0 || ldns_wire2pkt(&raw, wire, length) != LDNS_STATUS_OK) {
    failed.detail = "unparseable answer";
    return failed;
  }
  PktPtr pkt(raw);
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt.get());
  failed.rcode = rcode;
  const ldns_rr* question = checkQuestion(pkt.get(), qname, qtype, failed);
  if (question == nullptr) {
    return failed;
  }
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
    failed.detail = "rcode " + std::to_string(rcode) + " even with CD set";
    return failed;
  }
  Judgement judgement;
  std::vector<std::string> wildcard_owners;
  for (const Rrset& set : groupRrsets(ldns_pkt_answer(pkt.get()))) {
    if (verifyRrset(set, lookup, now, judgement)) {
      wildcard_owners.push_back(set.owner);
    }
  }
  const auto type = static_cast<ldns_rr_type>(qtype);
  const ldns_rdf* target = chainEnd(pkt.get(), ldns_rr_owner(question), type);
  const bool negative = rcode == LDNS_RCODE_NXDOMAIN || !hasRrset(pkt.get(), target, type);
  const std::vector<Rrset> authority = groupRrsets(ldns_pkt_authority(pkt.get()));
  if (negative) {
    // The zone of the missing name decides whether a proof is needed at all.
    nameIsSigned(nameText(target), lookup, judgement, nullptr);
    for (const Rrset& set : authority) {
      verifyRrset(set, lookup, now, judgement);
    }
  }
  const DenialRecords records = denialRecords(pkt.get());
  if (negative && judgement.needsProofs()) {
    verifyDenial(records, target, type, rcode, judgement);
  }
  if (!wildcard_owners.empty() && judgement.needsProofs()) {
    for (const Rrset& set : authority) {
      verifyRrset(set, lookup, now, judgement);
    }
    verifyWildcards(records, wildcard_owners, judgement);
  }
  return judgement.finish(rcode);
}

}  // namespace dw::dns
