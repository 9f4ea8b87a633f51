// SPDX-License-Identifier: Apache-2.0
#include "config/location.h"

#include <cstdio>

#include "config/config.h"

namespace dw::config_internal {

namespace {

constexpr size_t kQuotedBytesMax = 80;

void appendEscaped(std::string& out, char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      break;
  }
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte == 0x7f) {
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
    out += escaped;
    return;
  }
  out += c;
}

}  // namespace

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, kQuotedBytesMax)) {
    appendEscaped(out, c);
  }
  if (text.size() > kQuotedBytesMax) {
    out += "...";
  }
  out += '"';
  return out;
}

std::string describeLine(const Location& where) {
  std::string out(where.file);
  if (where.line > 0) {
    out += ':' + std::to_string(where.line);
  }
  return out;
}

void throwConfigError(const Location& where, std::string_view key_path, std::string_view problem,
                      std::string_view fix) {
  std::string message = describeLine(where);
  if (where.line > 0) {
    message += ':' + std::to_string(where.column);
  }
  message += ": ";
  if (!key_path.empty()) {
    message.append(key_path).append(": ");
  }
  message.append(problem).append("; ").append(fix);
  throw ConfigError(message);
}

void failValue(const Field& field, std::string_view problem, std::string_view fix) {
  std::string full_problem = quote(field.text);
  full_problem.append(" ").append(problem);
  throwConfigError(field.where, field.path, full_problem, fix);
}

}  // namespace dw::config_internal
