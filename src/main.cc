// SPDX-License-Identifier: Apache-2.0
// dnssec-watch: resolver-side DNSSEC validation monitor and synthetic prober.
#include <ares.h>
#include <event2/thread.h>
#include <sys/resource.h>

#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "config/config.h"
#include "log.h"

namespace {

// Each resolver with a query in flight holds a socket, so thousands of resolvers need more
// than the usual soft limit of 1024 open files.
void raiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  dw::CommandLine command_line;
  try {
    command_line = dw::parseCommandLine(args);
  } catch (const std::invalid_argument& error) {
    std::cerr << "dnssec-watch: " << error.what() << "\n";
    return dw::kExitUsage;
  }
  if (command_line.command == "help") {
    std::cout << dw::usageText();
    return dw::kExitOk;
  }
  if (command_line.command == "version") {
    std::cout << dw::versionText();
    return dw::kExitOk;
  }
  if (command_line.command == "canaries") {
    return dw::canariesCommand(command_line);
  }
  if (!dw::setLogLevel(command_line.log_level)) {
    std::cerr << "dnssec-watch: --log-level \"" << command_line.log_level
              << "\" is not a level; use trace, debug, info, warn, error, critical or off\n";
    return dw::kExitUsage;
  }
  raiseOpenFileLimit();
  // Worker loops are stopped from the main thread, so libevent needs its locks.
  evthread_use_pthreads();
  ares_library_init(ARES_LIB_INIT_ALL);
  try {
    if (command_line.command == "plan") {
      return dw::planCommand(command_line);
    }
    return command_line.command == "run" ? dw::runCommand(command_line)
                                         : dw::checkCommand(command_line);
  } catch (const dw::ConfigError& error) {
    std::cerr << "dnssec-watch: config error: " << error.what() << "\n";
    return dw::kExitUsage;
  }
}
