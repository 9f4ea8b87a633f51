// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <ctime>
#include <iostream>

#include "cli/check_report.h"
#include "cli/commands.h"
#include "cli/plan_report.h"
#include "config/config.h"
#include "log.h"
#include "probe/prober.h"

namespace dw {
namespace {

// The config cut down to one round of chain checks for `zone`: no path checks, and the key
// resolver as the only resolver, since the plan needs what the servers serve.
Config chainOnlyConfig(const Config& config, const ZoneSpec& zone) {
  Config cut = config;
  cut.zones = {zone};
  cut.path_checks.enabled = false;
  cut.chain_checks.enabled = true;
  cut.bogus_canary.reset();
  auto key = std::find_if(config.resolvers.begin(), config.resolvers.end(),
                          [&](const ResolverSpec& r) { return r.name == config.key_resolver; });
  cut.resolvers = {key != config.resolvers.end() ? *key : config.resolvers.front()};
  cut.key_resolver = cut.resolvers.front().name;
  return cut;
}

std::optional<ChainResult> runChainRound(const Config& config) {
  Prober prober(config);
  CheckCollector results(prober.targets().size());
  prober.runOnce(results);
  for (const ProbeTarget& target : prober.targets()) {
    if (target.engine == Engine::Chain) {
      return results.chain(target.id);
    }
  }
  return std::nullopt;
}

// Returns the zone named --zone, or nullptr after printing the zones the config has.
const ZoneSpec* findZone(const CommandLine& command_line, const Config& config) {
  for (const ZoneSpec& zone : config.zones) {
    if (zone.name == command_line.zone) {
      return &zone;
    }
  }
  std::string names;
  for (const ZoneSpec& zone : config.zones) {
    names += (names.empty() ? "" : ", ") + zone.name;
  }
  std::cerr << "dnssec-watch: --zone " << command_line.zone << " is not a zone of "
            << command_line.config_path << " (it has " << names
            << "); pick one of them or add the zone to the config\n";
  return nullptr;
}

}  // namespace

int planCommand(const CommandLine& command_line) {
  Config config = loadConfig(command_line.config_path);
  const ZoneSpec* found = findZone(command_line, config);
  if (found == nullptr) {
    return kExitUsage;
  }
  ZoneSpec zone = *found;
  for (const auto& [zone_name, rdata] : command_line.expected_ds) {
    if (zone_name != zone.name) {
      std::cerr << "dnssec-watch: --ds names zone " << zone_name << ", not --zone " << zone.name
                << "; give the DS of the zone you plan for\n";
      return kExitUsage;
    }
    zone.expected_ds.push_back(rdata);
  }
  logger("main")->info("plan starting config={} zone={}", command_line.config_path, zone.name);

  PlanInput plan;
  plan.state_file = config.state_file;
  StateFileRead read = readStateFile(config.state_file);
  plan.state_outcome = read.outcome;
  plan.state_problem = read.problem;
  if (auto known = read.state.find(zone.name); known != read.state.end()) {
    plan.history = known->second;
  }
  plan.round = runChainRound(chainOnlyConfig(config, zone));
  plan.now = static_cast<int64_t>(std::time(nullptr));
  if (plan.round) {
    // A copy: only `run` writes the state file.
    observeRound(plan.history, *plan.round, plan.now);
  }
  plan.status = evaluateRollout(zone.name, plan.history, plan.round ? &*plan.round : nullptr,
                                zone.phase, plan.now);
  if (command_line.format == "json") {
    std::cout << planJson(plan).dump(2) << "\n";
  } else {
    printPlan(std::cout, plan);
  }
  return plan.status.ready ? kExitOk : kExitUnhealthy;
}

}  // namespace dw
