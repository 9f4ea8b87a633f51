// SPDX-License-Identifier: Apache-2.0
// Resolver definitions from the YAML list and from the resolvers file, checked for duplicates.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "config/location.h"

namespace dw::config_internal {

// Characters allowed in resolver names besides ASCII letters and digits. ":" lets an IPv6
// address serve as a name.
inline constexpr std::string_view kResolverNameChars = "_.:-";

// Appends resolvers to a list while rejecting a second use of a name or of an address and port.
class ResolverRegistry {
 public:
  // Indexes the resolvers already in `resolvers`, which must outlive the registry.
  explicit ResolverRegistry(std::vector<ResolverSpec>& resolvers);

  // Appends `spec`, or throws at the second definition naming the first one's origin.
  // `name` is where the name was written; when `name_defaulted` it is the address field.
  void add(ResolverSpec spec, const Field& name, const Field& address, bool name_defaulted);

 private:
  std::vector<ResolverSpec>& resolvers_;
  std::unordered_map<std::string, size_t> by_name_;
  std::unordered_map<std::string, size_t> by_endpoint_;  // Key: address + " " + port.
};

// Parses a resolvers file: one resolver per line as "NAME ADDRESS [PORT]" or "ADDRESS", fields
// separated by spaces or tabs, "#" starting a comment. `file_name` is used in messages and
// origins. Throws ConfigError at the first bad line.
void parseResolversFile(std::string_view text, std::string_view file_name,
                        ResolverRegistry& registry);

}  // namespace dw::config_internal
