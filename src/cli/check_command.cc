// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <iostream>
#include <utility>

#include "cli/check_report.h"
#include "cli/commands.h"
#include "config/config.h"
#include "log.h"
#include "probe/prober.h"

namespace dw {

namespace {

// Adds the --ds records to their zones, or returns false after printing which zone the
// config lacks.
bool addExpectedDs(const CommandLine& command_line, Config& config) {
  for (const auto& [zone_name, rdata] : command_line.expected_ds) {
    auto zone = std::find_if(config.zones.begin(), config.zones.end(),
                             [&](const ZoneSpec& spec) { return spec.name == zone_name; });
    if (zone == config.zones.end()) {
      std::cerr << "dnssec-watch: --ds names zone " << zone_name << ", which "
                << command_line.config_path << " does not list; add the zone to the config\n";
      return false;
    }
    zone->expected_ds.push_back(rdata);
  }
  return true;
}

}  // namespace

int checkCommand(const CommandLine& command_line) {
  Config config = loadConfig(command_line.config_path);
  if (!addExpectedDs(command_line, config)) {
    return kExitUsage;
  }
  Prober prober(std::move(config));
  logger("main")->info("check starting config={} targets={} resolvers={}",
                       command_line.config_path, prober.targets().size(),
                       prober.config().resolvers.size());
  CheckCollector results(prober.targets().size());
  prober.runOnce(results);
  CheckReport report(prober.config(), prober.targets(), results);
  if (command_line.format == "json") {
    std::cout << report.toJson().dump(2) << "\n";
  } else {
    report.printText(std::cout);
  }
  return report.healthy() ? kExitOk : kExitUnhealthy;
}

}  // namespace dw
