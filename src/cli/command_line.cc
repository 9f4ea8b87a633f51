// SPDX-License-Identifier: Apache-2.0
#include <ares.h>
#include <unbound.h>

#include <stdexcept>

#include "cli/commands.h"
#include "version.h"

// ldns's version macro lives in a header that needs <stdbool.h> first in C++.
#include <stdbool.h>
#include <ldns/util.h>

namespace dw {
namespace {

std::string takeValue(const std::vector<std::string>& args, size_t& i) {
  if (i + 1 >= args.size()) {
    throw std::invalid_argument("option " + args[i] + " needs a value; see --help");
  }
  return args[++i];
}

}  // namespace

CommandLine parseCommandLine(const std::vector<std::string>& args) {
  CommandLine result;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h" || arg == "help") {
      result.command = "help";
      return result;
    }
    if (arg == "--version") {
      result.command = "version";
      return result;
    }
    if (arg == "--config" || arg == "-c") {
      result.config_path = takeValue(args, i);
    } else if (arg == "--format") {
      result.format = takeValue(args, i);
      if (result.format != "text" && result.format != "json") {
        throw std::invalid_argument("--format \"" + result.format +
                                    "\" is not a known format; use text or json");
      }
    } else if (arg == "--log-level") {
      result.log_level = takeValue(args, i);
    } else if (!arg.empty() && arg[0] != '-' && result.command.empty()) {
      result.command = arg;
    } else {
      throw std::invalid_argument("unknown argument \"" + arg + "\"; see --help");
    }
  }
  if (result.command.empty()) {
    throw std::invalid_argument("no command given; use run or check (see --help)");
  }
  if (result.command != "run" && result.command != "check") {
    throw std::invalid_argument("unknown command \"" + result.command + "\"; use run or check");
  }
  if (result.config_path.empty()) {
    throw std::invalid_argument(result.command + " needs --config FILE");
  }
  return result;
}

std::string usageText() {
  return "Usage: dnssec-watch COMMAND --config FILE [OPTIONS]\n"
         "\n"
         "Watches a DNSSEC rollout from the resolvers' side: sends validating and raw\n"
         "probes through many resolvers and exports what they see as Prometheus metrics.\n"
         "\n"
         "Commands:\n"
         "  run      Probe continuously and serve /metrics. SIGHUP reloads the config;\n"
         "           SIGINT or SIGTERM stops.\n"
         "  check    Run every probe once and print the results. Exit status 0 when\n"
         "           every probe is healthy, 1 when any failed, 2 on a usage or config\n"
         "           error.\n"
         "\n"
         "Options:\n"
         "  -c, --config FILE     YAML config file (see config/dnssec-watch.example.yaml).\n"
         "  --format text|json    Output format of check (default text).\n"
         "  --log-level LEVEL     trace, debug, info, warn, error, critical or off\n"
         "                        (default info). Logs go to stderr.\n"
         "  --version             Print the versions of dnssec-watch and its libraries.\n"
         "  -h, --help            Print this help.\n";
}

std::string versionText() {
  return std::string("dnssec-watch ") + DW_VERSION + " (libunbound " + ub_version() +
         ", c-ares " + ares_version(nullptr) + ", ldns " + LDNS_VERSION + ")\n";
}

}  // namespace dw
