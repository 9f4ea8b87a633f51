// SPDX-License-Identifier: Apache-2.0
// Reading the files a configuration names.
#pragma once

#include <string>

#include "config/location.h"

namespace dw::config_internal {

// Returns `path` joined to `base_dir` when it is relative and `base_dir` is not empty.
std::string resolvePath(const std::string& base_dir, const std::string& path);

// Reads the whole file at `path` into `contents`. Returns 0, or the errno of the failure.
int readFile(const std::string& path, std::string& contents);

// Throws at `field` unless the trust anchor file at `resolved_path` can be read and is not
// empty. `field` contains the path as written, and `resolved_path` is that path after resolvePath.
void checkTrustAnchorFile(const Field& field, const std::string& resolved_path);

// Returns the text "cannot be read: <strerror>", with the resolved path when it differs.
std::string describeReadError(const Field& field, const std::string& resolved_path, int error);

}  // namespace dw::config_internal
