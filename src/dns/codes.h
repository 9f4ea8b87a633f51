// SPDX-License-Identifier: Apache-2.0
// RCODE and RR type numbers from the IANA DNS parameters registry, for code outside src/dns/
// that must not include ldns's headers (see message.h).
#pragma once

#include <cstdint>

namespace dw::dns {

inline constexpr int kRcodeNoError = 0;
inline constexpr int kRcodeServfail = 2;
inline constexpr int kRcodeNxdomain = 3;
inline constexpr int kRcodeRefused = 5;

inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypeNs = 2;
inline constexpr uint16_t kTypeSoa = 6;
inline constexpr uint16_t kTypeAaaa = 28;
inline constexpr uint16_t kTypeDs = 43;
inline constexpr uint16_t kTypeDnskey = 48;
inline constexpr uint16_t kTypeCds = 59;
inline constexpr uint16_t kTypeCdnskey = 60;

}  // namespace dw::dns
