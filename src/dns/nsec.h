// SPDX-License-Identifier: Apache-2.0
// NSEC denial-of-existence proofs (RFC 4035 5.4, RFC 6840 4.1 and 4.3), for dnssec.cc.
// Callers include <stdbool.h> and <ldns/ldns.h> first.
#pragma once

#include <string>

namespace dw::dns::internal {

// Each function checks the NSEC records in `nsecs` (already verified by signature), and on
// failure sets `why`. Names are canonical (lower case).

// The name does not exist: an NSEC covers it, and another proves that no wildcard at its
// closest encloser exists.
bool provesNxdomain(const ldns_rr_list* nsecs, const ldns_rdf* name, std::string& why);

// The name exists without the type: an NSEC at the name without the type, CNAME, or (except
// for DS) the NS-without-SOA of a delegation; or the name is an empty non-terminal; or a
// wildcard at the closest encloser lacks the type.
bool provesNodata(const ldns_rr_list* nsecs, const ldns_rdf* name, ldns_rr_type type,
                  std::string& why);

// A wildcard expansion to `name` is allowed only when `name` itself does not exist
// (RFC 4035 5.3.4): an NSEC must cover it.
bool provesNoCloserMatch(const ldns_rr_list* nsecs, const ldns_rdf* name, std::string& why);

}  // namespace dw::dns::internal
