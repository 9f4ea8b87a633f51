// SPDX-License-Identifier: Apache-2.0
// The dnssec-watch command line: argument parsing and the run, check and canaries commands.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dw {

// Exit statuses shared by every command.
constexpr int kExitOk = 0;
// check: a probe failed; plan: the zone is not ready for its next step; run: a runtime
// failure.
constexpr int kExitUnhealthy = 1;
constexpr int kExitUsage = 2;      // Bad arguments or a bad config.

struct CommandLine {
  std::string command;  // "run", "check", "plan", "canaries", "help" or "version".
  std::string config_path;
  std::string format = "text";  // "zone" by default for canaries.
  std::string log_level = "info";
  // check and plan: DS records to check before publication, as canonical zone and DS RDATA
  // pairs.
  std::vector<std::pair<std::string, std::string>> expected_ds;

  // Options of canaries and plan.
  std::string zone;   // Canonical: lower case with a trailing dot.
  int algorithm = 13;  // DNSSEC algorithm number of the zone's signatures.
  int rsa_bits = 2048;  // RSA modulus size, for algorithms 8 and 10.
  uint32_t ttl = 3600;  // TTL of the canary records, in seconds.
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

// Runs one round of chain checks for --zone, reads the state file, and prints the rollout
// steps as a checklist: exit 0 when the zone is ready for its next step, 1 when not.
int planCommand(const CommandLine& command_line);

// Prints the size canary TXT records for --zone in zone-file or JSON form.
int canariesCommand(const CommandLine& command_line);

}  // namespace dw
