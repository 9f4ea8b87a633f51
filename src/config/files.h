// SPDX-License-Identifier: Apache-2.0
// Reading the files a configuration names.
#pragma once

#include <string>

#include "config/location.h"

namespace dw::config_internal {

// Returns `path` joined to `base_dir` when it is relative and `base_dir` is not empty.
std::string resolvePath(const std::string& base_dir, const std::string& path);

// Failures of readFile besides errno values.
inline constexpr int kNotRegularFile = -1;
inline constexpr int kFileTooLarge = -2;
// Files larger than this are rejected rather than read: a config, trust anchor or resolvers
// file that big is a wrong path (such as /dev/zero), not data.
inline constexpr long long kMaxFileBytes = 64LL << 20;

// Reads the whole regular file at `path` into `contents`. Returns 0, an errno value, or one
// of the codes above.
int readFile(const std::string& path, std::string& contents);

// Describes a readFile failure: strerror for errno values.
std::string readErrorText(int error);

// Throws at `field` unless the trust anchor file at `resolved_path` can be read and is not
// empty. `field` contains the path as written, and `resolved_path` is that path after resolvePath.
void checkTrustAnchorFile(const Field& field, const std::string& resolved_path);

// Returns the text "cannot be read: <strerror>", with the resolved path when it differs.
std::string describeReadError(const Field& field, const std::string& resolved_path, int error);

}  // namespace dw::config_internal
