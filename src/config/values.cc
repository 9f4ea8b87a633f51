// SPDX-License-Identifier: Apache-2.0
// Numbers, durations, addresses and label values. The DNS values are in dns_values.cc.
#include "config/values.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "config/config.h"

namespace dw::config_internal {

namespace {

// Returns whether `text` is a number in a form other than a decimal integer, such as "1.5",
// "1e3" or "0x10". It must start like a number, and strtod must read all of it.
bool isOtherNumber(const std::string& text) {
  const bool number_start = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) ||
                                              text[0] == '-' || text[0] == '+' || text[0] == '.');
  if (!number_start) {
    return false;
  }
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

std::string describeRange(int64_t min, int64_t max) {
  return "use a whole number from " + std::to_string(min) + " to " + std::to_string(max);
}

}  // namespace

int64_t parseInteger(const Field& field, int64_t min, int64_t max) {
  const std::string& text = field.text;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool whole_text = end == text.data() + text.size();
  if (error == std::errc::result_out_of_range && whole_text) {
    failValue(field, "is out of range", describeRange(min, max));
  }
  if (error != std::errc() || !whole_text) {
    const char* problem = isOtherNumber(text) ? "is not a whole number" : "is not a number";
    failValue(field, problem, describeRange(min, max));
  }
  if (value < 0 && min >= 0) {
    failValue(field, "is negative", describeRange(min, max));
  }
  if (value < min || value > max) {
    failValue(field, "is out of range", describeRange(min, max));
  }
  return value;
}

DurationStatus toDuration(std::string_view text, std::chrono::milliseconds& duration) {
  static constexpr struct {
    std::string_view suffix;
    int64_t milliseconds;
  } kUnits[] = {{"", 1'000}, {"ms", 1}, {"s", 1'000}, {"m", 60'000}, {"h", 3'600'000}};

  const size_t digits_end = std::min(text.find_first_not_of("0123456789"), text.size());
  const std::string_view suffix = text.substr(digits_end);
  int64_t scale = 0;
  for (const auto& unit : kUnits) {
    if (suffix == unit.suffix) {
      scale = unit.milliseconds;
    }
  }
  if (digits_end == 0 || scale == 0) {
    return DurationStatus::kMalformed;
  }
  int64_t count = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + digits_end, count);
  if (error != std::errc() || count > std::numeric_limits<int64_t>::max() / scale) {
    return DurationStatus::kTooLarge;
  }
  duration = std::chrono::milliseconds(count * scale);
  return DurationStatus::kOk;
}

std::chrono::milliseconds parsePositiveDuration(const Field& field) {
  std::chrono::milliseconds duration{};
  switch (toDuration(field.text, duration)) {
    case DurationStatus::kOk:
      break;
    case DurationStatus::kTooLarge:
      failValue(field, "is too large a duration", "use a shorter duration, e.g. 1h");
    case DurationStatus::kMalformed:
      failValue(field, "is not a duration",
                "write a whole number followed by ms, s, m or h, e.g. 500ms or 10s");
  }
  if (duration.count() <= 0) {
    failValue(field, "is not greater than zero", "use a positive duration, e.g. 10s");
  }
  // Longer durations make no sense for a monitor, and the scheduler adds intervals to clock
  // times, which must not overflow.
  if (duration > std::chrono::hours(24 * 7)) {
    failValue(field, "is longer than 7 days", "use a shorter duration, e.g. 60s");
  }
  return duration;
}

std::optional<IpAddress> toIpAddress(const std::string& text) {
  in6_addr binary{};  // Large enough for either family.
  char canonical[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, text.c_str(), &binary) == 1 &&
        inet_ntop(family, &binary, canonical, sizeof canonical) != nullptr) {
      return IpAddress{canonical, family == AF_INET ? 4 : 6};
    }
  }
  return std::nullopt;
}

IpAddress parseIpAddress(const Field& field) {
  std::optional<IpAddress> address = toIpAddress(field.text);
  if (!address) {
    const bool bracketed = field.text.starts_with('[');
    failValue(field, "is not a numeric IP address",
              bracketed ? "write the IPv6 address without brackets"
                        : "use a numeric IPv4 or IPv6 address");
  }
  return *address;
}

HostPort parseHostPort(const Field& field) {
  constexpr std::string_view kExample = "e.g. 127.0.0.1:9911 or [::1]:9911";
  const std::string& text = field.text;
  std::string host;
  std::string port;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string::npos || text.compare(close + 1, 1, ":") != 0) {
      failValue(field, "has no \"]:PORT\" after the IPv6 address",
                "write [ADDRESS]:PORT, e.g. [::1]:9911");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
      failValue(field, "has no port", "write ADDRESS:PORT, " + std::string(kExample));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos) {
      failValue(field, "has an IPv6 address without brackets",
                "write [ADDRESS]:PORT, e.g. [::1]:9911");
    }
  }
  std::optional<IpAddress> address = toIpAddress(host);
  if (!address || address->family != (text.starts_with('[') ? 6 : 4)) {
    failValue(field, "does not start with a numeric IP address",
              "use a numeric IPv4 address or a bracketed IPv6 address, " + std::string(kExample));
  }
  const Field port_field{field.where, field.path, port};
  const auto port_number = static_cast<uint16_t>(parseInteger(port_field, 1, 65535));
  return HostPort{*address, port_number};
}

void checkLabelValue(const Field& field, std::string_view extra_chars) {
  std::string allowed = "use only ASCII letters, digits";
  for (size_t i = 0; i < extra_chars.size(); ++i) {
    allowed += (i + 1 == extra_chars.size() ? " and " : ", ");
    allowed += quote(extra_chars.substr(i, 1));
  }
  if (field.text.empty()) {
    failValue(field, "is empty", allowed);
  }
  // Label values are copied onto every series of the resolver; keep them short.
  constexpr size_t kMaxLabelValue = 128;
  if (field.text.size() > kMaxLabelValue) {
    failValue(field, "is longer than " + std::to_string(kMaxLabelValue) + " characters",
              "use a shorter name");
  }
  for (char c : field.text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool alphanumeric = byte < 0x80 && std::isalnum(byte);
    if (!alphanumeric && extra_chars.find(c) == std::string_view::npos) {
      failValue(field, "contains " + quote(std::string_view(&c, 1)) + ", which is not allowed",
                allowed);
    }
  }
}

}  // namespace dw::config_internal

namespace dw {

std::chrono::milliseconds parseDuration(const std::string& text) {
  using config_internal::DurationStatus;
  std::chrono::milliseconds duration{};
  switch (config_internal::toDuration(text, duration)) {
    case DurationStatus::kOk:
      return duration;
    case DurationStatus::kTooLarge:
      throw std::invalid_argument(config_internal::quote(text) + " is too large a duration");
    case DurationStatus::kMalformed:
      break;
  }
  throw std::invalid_argument(config_internal::quote(text) +
                              " is not a whole number followed by ms, s, m or h");
}

}  // namespace dw
