// SPDX-License-Identifier: Apache-2.0
#include <iostream>

#include "cli/check_report.h"
#include "cli/commands.h"
#include "config/config.h"
#include "log.h"
#include "probe/prober.h"

namespace dw {

int checkCommand(const CommandLine& command_line) {
  Prober prober(loadConfig(command_line.config_path));
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
