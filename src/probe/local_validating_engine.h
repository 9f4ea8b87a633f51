// SPDX-License-Identifier: Apache-2.0
// Validating probes without a libunbound context per resolver: the resolver's DO+CD answer is
// verified locally with ldns against keys from the shared KeyCache.
#pragma once

#include <functional>
#include <string>

#include "config/config.h"
#include "probe/result.h"

namespace dw {

class KeyCache;
class RawEngine;

// Gives the same verdicts as ValidatingEngine at a fraction of its memory: one KeyCache per
// worker instead of a 1-1.5 MB libunbound context per resolver. The answer comes through the
// resolver under test with CD=1, so what it strips or alters shows up here, while the keys
// come through the key resolver and are validated from the trust anchor.
//
// Not thread-safe: every call, and every callback, runs on the loop thread of the engines.
class LocalValidatingEngine {
 public:
  using Callback = std::function<void(ValidationResult)>;

  LocalValidatingEngine(RawEngine& raw, KeyCache& keys) : raw_(raw), keys_(keys) {}

  // Starts one probe; `zone` is the configured zone of the question. `done` runs once on the
  // loop thread, unless the engines are destroyed first.
  void probe(const ResolverSpec& resolver, const ProbeSpec& question, const std::string& zone,
             Callback done);

 private:
  RawEngine& raw_;
  KeyCache& keys_;
};

}  // namespace dw
