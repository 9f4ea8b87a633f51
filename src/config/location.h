// SPDX-License-Identifier: Apache-2.0
// Positions in configuration files and the ConfigError messages located at them.
#pragma once

#include <string>
#include <string_view>

namespace dw::config_internal {

// A position in a configuration file. Line and column are 1-based; line 0 means the whole file.
// `file` must outlive the Location, which holds only a view of it.
struct Location {
  std::string_view file;
  int line = 0;
  int column = 0;
};

// A scalar value as written, with its key path ("resolvers[2].address") and its position.
struct Field {
  Location where;
  std::string path;
  std::string text;
};

// Returns `text` in double quotes with quotes, backslashes and control characters escaped.
// Text past 80 bytes is cut and marked with "...", so that one bad value cannot flood a message.
std::string quote(std::string_view text);

// Returns "FILE:LINE", the form stored in ResolverSpec::origin and cited by duplicate errors.
std::string describeLine(const Location& where);

// Throws ConfigError "FILE:LINE:COL: KEY_PATH: PROBLEM; FIX". An empty key path is left out,
// and line 0 leaves out the line and column.
[[noreturn]] void throwConfigError(const Location& where, std::string_view key_path,
                                   std::string_view problem, std::string_view fix);

// Throws ConfigError at `field` whose problem is the quoted value followed by `problem`,
// e.g. `"dns.google" is not a numeric IP address`.
[[noreturn]] void failValue(const Field& field, std::string_view problem, std::string_view fix);

}  // namespace dw::config_internal
