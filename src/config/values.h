// SPDX-License-Identifier: Apache-2.0
// Validators for single configuration values, shared by the YAML file and the resolvers file.
// Each takes a Field and throws a located ConfigError naming the value and the fix.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/location.h"

namespace dw::config_internal {

// Returns the decimal integer in `field`, which must lie in [min, max].
int64_t parseInteger(const Field& field, int64_t min, int64_t max);

enum class DurationStatus { kOk, kMalformed, kTooLarge };

// Sets `duration` from "500ms", "5s", "2m", "1h" or a bare number of seconds, unless the text
// is malformed or the duration does not fit in 64-bit milliseconds.
DurationStatus toDuration(std::string_view text, std::chrono::milliseconds& duration);

// Returns a duration ("500ms", "5s", "2m", "1h", or a bare number of seconds) greater than zero.
std::chrono::milliseconds parsePositiveDuration(const Field& field);

// A numeric IP address in the canonical text form of inet_ntop, without brackets.
struct IpAddress {
  std::string text;
  int family = 4;  // 4 or 6.
};

// Returns the address if `text` is a numeric IPv4 or IPv6 address (inet_pton), else nullopt.
std::optional<IpAddress> toIpAddress(const std::string& text);

// Returns the numeric IPv4 or IPv6 address in `field`. A hostname is rejected.
IpAddress parseIpAddress(const Field& field);

// An address and port such as "127.0.0.1:9911" or "[::1]:9911".
struct HostPort {
  IpAddress address;
  uint16_t port = 0;
};
HostPort parseHostPort(const Field& field);

// Throws unless `field` is non-empty and every byte is an ASCII letter, a digit or one of
// `extra_chars`. Metric label values and resolver names use this.
void checkLabelValue(const Field& field, std::string_view extra_chars);

// Returns `field` as a domain name validated by ldns, lower case, absolute, with the trailing dot.
std::string parseDomainName(const Field& field);

// Returns why `contents` is not a trust anchor file that libunbound can load ("line 3: ..."),
// or an empty string: every line that is not blank, a comment or a $ directive must be a DS
// or DNSKEY record in zone-file format, and there must be at least one.
std::string trustAnchorProblem(const std::string& contents);

// Returns whether `name` is `zone` or a name below it; both are outputs of parseDomainName.
bool isAtOrBelow(const std::string& name, const std::string& zone);

// An RR type as probed: its code and its upper-case mnemonic ("A", "DNSKEY", "TYPE123").
struct RrType {
  uint16_t code = 1;
  std::string mnemonic = "A";
};

// Returns the RR type named in `field` (case-insensitive mnemonic or TYPEnnn). Meta and query
// types such as OPT, AXFR and ANY are rejected, because a probe cannot validate them.
RrType parseRrType(const Field& field);

}  // namespace dw::config_internal
