// SPDX-License-Identifier: Apache-2.0
// Judgements of a resolver from one probe result: pure functions, shared by the daemon and
// `check`, and unit-tested on their own.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "dns/message.h"
#include "probe/result.h"

namespace dw {

// Health of a resolver for one zone, as one probe shows it.
enum class ZoneHealth { Ok, Failing, Bogus };
std::string_view zoneHealthName(ZoneHealth health);

// Raw probe: an answer with NOERROR or NXDOMAIN is Ok; a SERVFAIL that the CD=1 retry
// explains is Bogus; anything else (other SERVFAILs, REFUSED, timeouts) is Failing.
ZoneHealth observeRaw(const RawResult& result);

// Validating probe: secure and insecure are Ok, bogus is Bogus, anything else is Failing.
ZoneHealth observeValidation(const ValidationResult& result);

// Bogus-canary probe: a SERVFAIL that the CD=1 retry explains means the resolver validates,
// an answer with data or NXDOMAIN means it does not, and anything else proves nothing.
std::optional<bool> validatingFromCanary(const RawResult& result);

// Zone probe: the AD bit proves the resolver validates; its absence proves nothing, because
// answers from unsigned zones never carry it.
std::optional<bool> validatingFromZoneAnswer(const RawResult& result);

// The bogus reason that Extended DNS Errors (RFC 8914 4) name, or None.
BogusReason reasonFromExtendedErrors(const std::vector<dns::ExtendedError>& errors);

// Cause label of a raw SERVFAIL: "validation", "other", or "unknown" when the CD=1 retry
// itself got no answer.
std::string_view servfailCause(const RawResult& result);

// A signed zone's answer that holds records but no RRSIG: something stripped them.
bool rrsigMissing(const RawResult& result);

// The answer carries DNSSEC records (RRSIG, NSEC, NSEC3), so its zone is signed.
bool showsSignedZone(const RawResult& result);

}  // namespace dw
