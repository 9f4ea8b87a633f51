// SPDX-License-Identifier: Apache-2.0
#include "probe/target.h"

#include <algorithm>

namespace dw {
namespace {

void addTarget(std::vector<ProbeTarget>& targets, const Config& config, size_t resolver_index,
               const std::string& zone, const ProbeSpec& question, Engine engine) {
  ProbeTarget target;
  target.id = targets.size();
  target.resolver_index = resolver_index;
  target.resolver = &config.resolvers[resolver_index];
  target.zone = zone;
  target.canary = zone.empty();
  target.question = question;
  target.engine = engine;
  target.interval = config.interval;
  targets.push_back(std::move(target));
}

// Spreads targets [first, last) evenly over `interval`.
void spreadOffsets(std::vector<ProbeTarget>& targets, size_t first, size_t last,
                   std::chrono::milliseconds interval) {
  const auto count = static_cast<long long>(std::max<size_t>(last - first, 1));
  for (size_t i = first; i < last; ++i) {
    targets[i].offset = interval * static_cast<long long>(i - first) / count;
  }
}

// The resolver that chain checks ask for the servers' names and addresses.
size_t keyResolverIndex(const Config& config) {
  for (size_t r = 0; r < config.resolvers.size(); ++r) {
    if (config.resolvers[r].name == config.key_resolver) {
      return r;
    }
  }
  return 0;
}

}  // namespace

std::vector<ProbeTarget> buildTargets(const Config& config) {
  std::vector<ProbeTarget> targets;
  const size_t resolver_count = config.resolvers.size();
  const size_t validating_count =
      std::min(resolver_count, static_cast<size_t>(config.validating_resolvers_max));
  // Question-major order: consecutive targets go to different resolvers.
  for (const ZoneSpec& zone : config.zones) {
    for (const ProbeSpec& question : zone.probes) {
      for (size_t r = 0; r < resolver_count; ++r) {
        addTarget(targets, config, r, zone.name, question, Engine::Raw);
      }
      for (size_t r = 0; r < resolver_count; ++r) {
        addTarget(targets, config, r, zone.name, question, Engine::Validating);
        targets.back().local_validation = r >= validating_count;
      }
    }
  }
  if (config.bogus_canary) {
    for (size_t r = 0; r < resolver_count; ++r) {
      addTarget(targets, config, r, "", *config.bogus_canary, Engine::Raw);
    }
  }
  const size_t probe_count = targets.size();
  if (config.path_checks.enabled) {
    for (const ZoneSpec& zone : config.zones) {
      for (size_t r = 0; r < resolver_count; ++r) {
        addTarget(targets, config, r, zone.name, zone.sweepQuestion(), Engine::Path);
        targets.back().zone_spec = &zone;
        targets.back().interval = config.path_checks.interval;
      }
    }
  }
  const size_t path_end = targets.size();
  if (config.chain_checks.enabled && !config.resolvers.empty()) {
    const size_t key = keyResolverIndex(config);
    for (const ZoneSpec& zone : config.zones) {
      addTarget(targets, config, key, zone.name, ProbeSpec{zone.name, 6, "SOA"}, Engine::Chain);
      targets.back().zone_spec = &zone;
      targets.back().interval = config.chain_checks.interval;
    }
  }
  spreadOffsets(targets, 0, probe_count, config.interval);
  spreadOffsets(targets, probe_count, path_end, config.path_checks.interval);
  spreadOffsets(targets, path_end, targets.size(), config.chain_checks.interval);
  return targets;
}

}  // namespace dw
