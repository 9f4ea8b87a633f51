// SPDX-License-Identifier: Apache-2.0
#include "cli/canaries_command.h"

#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/commands.h"

namespace dw {

std::string canaryZoneText(const std::vector<dns::SizeCanary>& canaries,
                           const CanarySettings& settings) {
  std::ostringstream text;
  text << "; dnssec-watch size canaries for " << settings.zone << "\n"
       << "; Each comment gives the size in octets of the answer to a TXT query with DO=1 and\n"
       << "; an EDNS OPT record without options, when the servers send minimal responses and\n"
       << "; sign with algorithm " << settings.algorithm << " (" << settings.signature_length
       << "-octet signatures): the TXT RRset and its RRSIG, and the OPT record.\n";
  for (const dns::SizeCanary& canary : canaries) {
    for (size_t i = 0; i < canary.strings.size(); ++i) {
      text << canary.owner << " " << settings.ttl << " IN TXT \"" << canary.strings[i]
           << "\" ; answer " << canary.answer_size << " octets, record " << i + 1 << " of "
           << canary.strings.size() << "\n";
    }
  }
  return text.str();
}

nlohmann::json canaryJson(const std::vector<dns::SizeCanary>& canaries,
                          const CanarySettings& settings) {
  nlohmann::json records = nlohmann::json::array();
  for (const dns::SizeCanary& canary : canaries) {
    for (const std::string& text : canary.strings) {
      records.push_back({{"name", canary.owner},
                         {"type", "TXT"},
                         {"ttl", settings.ttl},
                         {"strings", nlohmann::json::array({text})},
                         {"answer_size", canary.answer_size}});
    }
  }
  return records;
}

int canariesCommand(const CommandLine& command_line) {
  CanarySettings settings;
  settings.zone = command_line.zone;
  settings.algorithm = command_line.algorithm;
  settings.signature_length = *dns::signatureLength(command_line.algorithm, command_line.rsa_bits);
  settings.ttl = command_line.ttl;
  std::vector<dns::SizeCanary> canaries;
  try {
    canaries = dns::buildSizeCanaries(settings.zone, settings.signature_length);
  } catch (const std::invalid_argument& error) {
    std::cerr << "dnssec-watch: " << error.what() << "\n";
    return kExitUsage;
  }
  if (command_line.format == "json") {
    std::cout << canaryJson(canaries, settings).dump(2) << "\n";
  } else {
    std::cout << canaryZoneText(canaries, settings);
  }
  return kExitOk;
}

}  // namespace dw
