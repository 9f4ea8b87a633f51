// SPDX-License-Identifier: Apache-2.0
// ldns's common.h defines `true` and `false` as macros in C++ unless this comes first.
#include <stdbool.h>

#include <memory>

#include <ldns/ldns.h>

#include "dns/nsec.h"

namespace dw::dns::internal {
namespace {

struct RdfDeleter {
  void operator()(ldns_rdf* rdf) const { ldns_rdf_deep_free(rdf); }
};
using RdfPtr = std::unique_ptr<ldns_rdf, RdfDeleter>;

const ldns_rdf* nextName(const ldns_rr* nsec) { return ldns_rr_rdf(nsec, 0); }

bool sameName(const ldns_rdf* a, const ldns_rdf* b) { return ldns_dname_compare(a, b) == 0; }

bool atOrBelow(const ldns_rdf* name, const ldns_rdf* ancestor) {
  return sameName(name, ancestor) || ldns_dname_is_subdomain(name, ancestor);
}

// Returns whether the NSEC's owner sorts before `name` and its next name after it, in
// canonical order. The last NSEC of a zone wraps around to the apex.
bool strictlyCovers(const ldns_rr* nsec, const ldns_rdf* name) {
  const ldns_rdf* owner = ldns_rr_owner(nsec);
  const ldns_rdf* next = nextName(nsec);
  const bool after_owner = ldns_dname_compare(owner, name) < 0;
  const bool before_next = ldns_dname_compare(name, next) < 0;
  if (ldns_dname_compare(owner, next) < 0) {
    return after_owner && before_next;
  }
  return after_owner || before_next;
}

bool hasType(const ldns_rr* nsec, ldns_rr_type type) {
  const ldns_rdf* bitmap = ldns_nsec_get_bitmap(nsec);
  return bitmap != nullptr && ldns_nsec_bitmap_covers_type(bitmap, type);
}

const ldns_rr* findNsec(const ldns_rr_list* nsecs, const ldns_rdf* name, bool match) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(nsecs); ++i) {
    const ldns_rr* nsec = ldns_rr_list_rr(nsecs, i);
    if (match ? sameName(ldns_rr_owner(nsec), name) : strictlyCovers(nsec, name)) {
      return nsec;
    }
  }
  return nullptr;
}

// The longest ancestor of `name` that the covering NSEC shows to exist: an ancestor of (or
// equal to) its owner or its next name (RFC 4035 5.4).
RdfPtr closestEncloser(const ldns_rdf* name, const ldns_rr* cover) {
  RdfPtr candidate(ldns_dname_left_chop(name));
  while (candidate && ldns_dname_label_count(candidate.get()) > 0) {
    if (atOrBelow(ldns_rr_owner(cover), candidate.get()) ||
        atOrBelow(nextName(cover), candidate.get())) {
      return candidate;
    }
    candidate.reset(ldns_dname_left_chop(candidate.get()));
  }
  return candidate;  // The root.
}

RdfPtr wildcardAt(const ldns_rdf* encloser) {
  RdfPtr wildcard(ldns_dname_new_frm_str("*"));
  if (wildcard && ldns_dname_cat(wildcard.get(), encloser) != LDNS_STATUS_OK) {
    wildcard.reset();
  }
  return wildcard;
}

// An NSEC at the name that proves `type` absent there.
bool matchProvesNoType(const ldns_rr* nsec, ldns_rr_type type, std::string& why) {
  if (hasType(nsec, type) || hasType(nsec, LDNS_RR_TYPE_CNAME)) {
    why = "the NSEC at the name lists the type or a CNAME";
    return false;
  }
  // A parent-side NSEC at a delegation proves nothing about the child's types but DS
  // (RFC 6840 4.1).
  if (type != LDNS_RR_TYPE_DS && hasType(nsec, LDNS_RR_TYPE_NS) &&
      !hasType(nsec, LDNS_RR_TYPE_SOA)) {
    why = "the NSEC at the name belongs to the parent side of a delegation";
    return false;
  }
  return true;
}

}  // namespace

bool provesNxdomain(const ldns_rr_list* nsecs, const ldns_rdf* name, std::string& why) {
  const ldns_rr* cover = findNsec(nsecs, name, false);
  if (cover == nullptr) {
    why = findNsec(nsecs, name, true) != nullptr ? "an NSEC shows that the name exists"
                                                 : "no NSEC covers the name";
    return false;
  }
  RdfPtr encloser = closestEncloser(name, cover);
  RdfPtr wildcard = encloser ? wildcardAt(encloser.get()) : nullptr;
  if (!wildcard || findNsec(nsecs, wildcard.get(), false) == nullptr) {
    why = "no NSEC proves that no wildcard matches the name";
    return false;
  }
  return true;
}

bool provesNodata(const ldns_rr_list* nsecs, const ldns_rdf* name, ldns_rr_type type,
                  std::string& why) {
  if (const ldns_rr* match = findNsec(nsecs, name, true)) {
    return matchProvesNoType(match, type, why);
  }
  const ldns_rr* cover = findNsec(nsecs, name, false);
  if (cover == nullptr) {
    why = "no NSEC matches or covers the name";
    return false;
  }
  // An empty non-terminal: the name has no records but names below it exist.
  if (ldns_dname_is_subdomain(nextName(cover), name)) {
    return true;
  }
  RdfPtr encloser = closestEncloser(name, cover);
  RdfPtr wildcard = encloser ? wildcardAt(encloser.get()) : nullptr;
  const ldns_rr* wildcard_match = wildcard ? findNsec(nsecs, wildcard.get(), true) : nullptr;
  if (wildcard_match == nullptr) {
    why = "the NSEC records prove that the name does not exist, not that it lacks the type";
    return false;
  }
  return matchProvesNoType(wildcard_match, type, why);
}

bool provesNoCloserMatch(const ldns_rr_list* nsecs, const ldns_rdf* name, std::string& why) {
  if (findNsec(nsecs, name, false) != nullptr) {
    return true;
  }
  why = "wildcard answer without an NSEC that proves the name itself does not exist";
  return false;
}

}  // namespace dw::dns::internal
