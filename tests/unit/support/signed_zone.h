// SPDX-License-Identifier: Apache-2.0
// An in-memory DNSSEC signer for tests: one ECDSAP256SHA256 key per zone, RRsets in zone-file
// syntax signed with ldns_sign_public, and the zone's DNSKEY RRset as a dns::KeySet.
// Header-only, because each tests/unit/*_test.cc is its own binary.
#pragma once

// ldns's common.h defines `true` and `false` as macros in C++ unless <stdbool.h> comes first,
// so clang-format must not sort these two.
// clang-format off
#include <stdbool.h>
#include <ldns/ldns.h>
// clang-format on

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dns/dnssec.h"
#include "dns_packets.h"

namespace dw::test {

struct RrDeleter {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct RrListDeleter {
  void operator()(ldns_rr_list* list) const { ldns_rr_list_deep_free(list); }
};
struct KeyListDeleter {
  void operator()(ldns_key_list* keys) const { ldns_key_list_free(keys); }
};
using RrPtr = std::unique_ptr<ldns_rr, RrDeleter>;
using RrListPtr = std::unique_ptr<ldns_rr_list, RrListDeleter>;
using KeyListPtr = std::unique_ptr<ldns_key_list, KeyListDeleter>;

// Parses records in zone-file syntax, or returns nullptr when ldns rejects one of them.
inline RrListPtr parseRecords(const std::vector<std::string>& lines) {
  RrListPtr records(ldns_rr_list_new());
  for (const std::string& line : lines) {
    ldns_rr* rr = nullptr;
    if (ldns_rr_new_frm_str(&rr, line.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) {
      return nullptr;
    }
    ldns_rr_list_push_rr(records.get(), rr);
  }
  return records;
}

// Appends copies of `records` to `section` of `pkt`.
inline void addRecords(ldns_pkt* pkt, ldns_pkt_section section, const ldns_rr_list* records) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    ldns_pkt_push_rr(pkt, section, ldns_rr_clone(ldns_rr_list_rr(records, i)));
  }
}

// Returns copies of the records in `records` whose type is `type` (when `keep` is true) or
// is not `type` (when `keep` is false).
inline RrListPtr filterByType(const ldns_rr_list* records, ldns_rr_type type, bool keep) {
  RrListPtr kept(ldns_rr_list_new());
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records, i);
    if ((ldns_rr_get_type(rr) == type) == keep) {
      ldns_rr_list_push_rr(kept.get(), ldns_rr_clone(rr));
    }
  }
  return kept;
}

inline RrListPtr recordsOfType(const ldns_rr_list* records, ldns_rr_type type) {
  return filterByType(records, type, true);
}

inline RrListPtr recordsWithoutType(const ldns_rr_list* records, ldns_rr_type type) {
  return filterByType(records, type, false);
}

// Replaces the owner name of every record in `records` with `owner`, or returns false when
// ldns rejects the name.
inline bool renameOwners(ldns_rr_list* records, const std::string& owner) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    ldns_rdf* name = nullptr;
    if (ldns_str2rdf_dname(&name, owner.c_str()) != LDNS_STATUS_OK) {
      return false;
    }
    ldns_rr* rr = ldns_rr_list_rr(records, i);
    ldns_rdf_deep_free(ldns_rr_owner(rr));  // ldns_rr_set_owner does not free the old name.
    ldns_rr_set_owner(rr, name);
  }
  return true;
}

// Appends copies of every record in `more` to `records`.
inline void appendRecords(ldns_rr_list* records, const ldns_rr_list* more) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(more); ++i) {
    ldns_rr_list_push_rr(records, ldns_rr_clone(ldns_rr_list_rr(more, i)));
  }
}

// The signing key of one zone. Signatures are valid from the inception to the expiration set
// with setValidity (seconds since the epoch, RFC 4034 3.1.5 serial arithmetic in 32 bits).
class ZoneSigner {
 public:
  // Generates a new key for `zone` (an absolute name) with DNSKEY flags `flags`, 257 being
  // a zone key with the SEP bit. ldns_sign_public signs only with keys that have the zone
  // key bit (256) set.
  explicit ZoneSigner(const std::string& zone, uint16_t flags = 257)
      : zone_(zone), keys_(ldns_key_list_new()) {
    key_ = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);
    if (key_ == nullptr) {
      return;
    }
    ldns_key_list_push_key(keys_.get(), key_);  // The list owns the key from here on.
    ldns_rdf* owner = nullptr;
    if (ldns_str2rdf_dname(&owner, zone.c_str()) != LDNS_STATUS_OK) {
      key_ = nullptr;
      return;
    }
    ldns_key_set_pubkey_owner(key_, owner);
    ldns_key_set_flags(key_, flags);
    publishWithFlags(flags);
  }

  // Returns false when ldns could not generate the key or parse the zone name.
  bool valid() const { return key_ != nullptr && dnskey_ != nullptr; }
  const std::string& zone() const { return zone_; }
  const ldns_rr* dnskey() const { return dnskey_.get(); }
  uint16_t keyTag() const { return ldns_key_keytag(key_); }

  void setValidity(uint32_t inception, uint32_t expiration) {
    ldns_key_set_inception(key_, inception);
    ldns_key_set_expiration(key_, expiration);
  }

  // Rewrites the published DNSKEY with `flags` and makes new RRSIGs carry its key tag, while
  // the key still signs. This publishes a key that ldns_sign_public would skip when signing.
  void publishWithFlags(uint16_t flags) {
    const uint16_t signing_flags = ldns_key_flags(key_);
    ldns_key_set_flags(key_, flags);
    dnskey_.reset(ldns_key2rr(key_));
    ldns_key_set_flags(key_, signing_flags);
    if (dnskey_ != nullptr) {
      ldns_rr_set_ttl(dnskey_.get(), 3600);
      ldns_key_set_keytag(key_, ldns_calc_keytag(dnskey_.get()));
    }
  }

  // Returns the RRSIGs over `rrset`, which must be one RRset, or nullptr when signing fails.
  RrListPtr sign(const ldns_rr_list* rrset) const {
    // ldns_sign_public takes non-const arguments but does not change the RRset.
    return RrListPtr(ldns_sign_public(const_cast<ldns_rr_list*>(rrset), keys_.get()));
  }

  // Returns the records of `lines`, one RRset, followed by their RRSIG, or nullptr when
  // parsing or signing fails.
  RrListPtr signedRrset(const std::vector<std::string>& lines) const {
    RrListPtr records = parseRecords(lines);
    if (records == nullptr) {
      return nullptr;
    }
    RrListPtr signatures = sign(records.get());
    if (signatures == nullptr) {
      return nullptr;
    }
    appendRecords(records.get(), signatures.get());
    return records;
  }

  // Returns the published DNSKEY RRset, read back through KeySet::fromAnswer from a DNSKEY
  // answer.
  std::shared_ptr<const dns::KeySet> keySet() const {
    PktPtr pkt = makePacket(zone_, LDNS_RR_TYPE_DNSKEY);
    if (pkt == nullptr || dnskey_ == nullptr) {
      return nullptr;
    }
    ldns_pkt_set_qr(pkt.get(), true);
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, ldns_rr_clone(dnskey_.get()));
    const std::vector<uint8_t> wire = toWire(pkt.get());
    return dns::KeySet::fromAnswer(wire.data(), wire.size(), zone_);
  }

 private:
  std::string zone_;
  KeyListPtr keys_;
  ldns_key* key_ = nullptr;  // Owned by keys_.
  RrPtr dnskey_;
};

}  // namespace dw::test
