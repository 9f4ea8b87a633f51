// SPDX-License-Identifier: Apache-2.0
// The tables of configuration keys: one row per key with its type, default and help, and the
// function that validates the value and stores it. config/dnssec-watch.example.yaml mirrors them.
#pragma once

#include <span>

#include "config/config.h"
#include "config/yaml_value.h"

namespace dw::config_internal {

// Keys of the top level of the file.
std::span<const Setting<Config>> configSettings();
// Keys of each item of `zones`.
std::span<const Setting<ZoneSpec>> zoneSettings();
// Keys of each item of `zones[].probes` and of `bogus_canary`.
std::span<const Setting<ProbeSpec>> probeSettings();
// Keys of `path_checks`.
std::span<const Setting<PathCheckSettings>> pathCheckSettings();
// Keys of `chain_checks`.
std::span<const Setting<ChainCheckSettings>> chainCheckSettings();
// Keys of each item of `resolvers`.
std::span<const Setting<ResolverSpec>> resolverSettings();

}  // namespace dw::config_internal
