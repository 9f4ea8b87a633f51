// SPDX-License-Identifier: Apache-2.0
// The dnssec-watch command line: argument parsing and the run and check commands.
#pragma once

#include <string>
#include <vector>

namespace dw {

// Exit statuses shared by every command.
constexpr int kExitOk = 0;
constexpr int kExitUnhealthy = 1;  // check: a probe failed; run: a runtime failure.
constexpr int kExitUsage = 2;      // Bad arguments or a bad config.

struct CommandLine {
  std::string command;  // "run", "check", "help" or "version".
  std::string config_path;
  std::string format = "text";
  std::string log_level = "info";
};

// Parses argv (without the program name). Throws std::invalid_argument with a message
// that names the bad argument and the fix.
CommandLine parseCommandLine(const std::vector<std::string>& args);

std::string usageText();
std::string versionText();

// Runs the daemon until SIGINT or SIGTERM; SIGHUP reloads the config.
int runCommand(const CommandLine& command_line);

// Runs one round of every probe and prints the results.
int checkCommand(const CommandLine& command_line);

}  // namespace dw
