// SPDX-License-Identifier: Apache-2.0
#include <ares.h>
#include <unbound.h>

#include <cctype>
#include <charconv>
#include <optional>
#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>

#include "cli/commands.h"
#include "dns/canary.h"
#include "dns/ds_check.h"
#include "dns/message.h"
#include "version.h"

// ldns's version macro lives in a header that needs <stdbool.h> first in C++.
#include <stdbool.h>
#include <ldns/util.h>

namespace dw {
namespace {

constexpr int kMinRsaBits = 1024;
constexpr int kMaxRsaBits = 4096;
constexpr int64_t kMaxTtl = 2147483647;  // TTLs are 31-bit values (RFC 2181 8).

std::string takeValue(const std::vector<std::string>& args, size_t& i) {
  if (i + 1 >= args.size()) {
    throw std::invalid_argument("option " + args[i] + " needs a value; see --help");
  }
  return args[++i];
}

// Parses a whole decimal number in [minimum, maximum]. `fix` ends the error message.
int64_t parseNumber(const std::string& option, const std::string& text, int64_t minimum,
                    int64_t maximum, const std::string& fix) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end || value < minimum || value > maximum) {
    throw std::invalid_argument(option + " \"" + text + "\" is invalid; " + fix);
  }
  return value;
}

int parseAlgorithm(const std::string& text) {
  const std::string fix = "use a DNSSEC algorithm number: 8, 10, 13, 14, 15 or 16";
  const auto algorithm = static_cast<int>(parseNumber("--algorithm", text, 0, 255, fix));
  if (!dns::signatureLength(algorithm, kMinRsaBits)) {
    throw std::invalid_argument("--algorithm \"" + text + "\" is not a supported algorithm; " +
                                fix);
  }
  return algorithm;
}

// Zone names keep to letters, digits, "-" and "_" between dots. Raw UTF-8, spaces, wildcards
// and escapes would make canaries and DS checks for a name that no provider serves.
void checkZoneCharacters(const std::string& option, const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) {
      throw std::invalid_argument(option + " \"" + text +
                                  "\" contains non-ASCII characters; write the name with its "
                                  "A-labels, e.g. xn--bcher-kva.example for b\u00fccher.example");
    }
    if (std::isalnum(c) == 0 && c != '-' && c != '_' && c != '.') {
      throw std::invalid_argument(option + " \"" + text + "\" contains the character \"" +
                                  std::string(1, static_cast<char>(c)) +
                                  "\"; use letters, digits, \"-\" and \"_\" between dots");
    }
  }
}

std::string parseZone(const std::string& text) {
  checkZoneCharacters("--zone", text);
  std::optional<std::string> zone = dns::canonicalName(text);
  if (!zone) {
    throw std::invalid_argument("--zone \"" + text +
                                "\" is not a valid domain name; use a name such as example.com");
  }
  return *zone;
}

// Drops the TTL, class and type that a DS record in zone-file form has between its owner and
// its RDATA ("3600 IN DS 12345 13 2 ..."), as dig and ldns-key2ds print it.
std::string dsRdata(const std::string& text) {
  std::istringstream fields(text);
  std::vector<std::string> words;
  for (std::string word; fields >> word;) {
    words.push_back(word);
  }
  const auto type = std::find_if(words.begin(), words.end(), [](const std::string& word) {
    return word == "DS" || word == "ds";
  });
  if (type == words.end() || type - words.begin() > 2) {
    return text;
  }
  std::string rdata;
  for (auto word = type + 1; word != words.end(); ++word) {
    rdata += (rdata.empty() ? "" : " ") + *word;
  }
  return rdata;
}

// Parses --ds "ZONE KEYTAG ALGORITHM DIGESTTYPE DIGEST", or the DS record in zone-file form,
// into the zone and the DS RDATA.
std::pair<std::string, std::string> parseExpectedDs(const std::string& text) {
  const std::string fix = "give the zone and the DS as the provider shows it, e.g. "
                          "--ds \"example.com 12345 13 2 0123ABCD...\"";
  const size_t blank = text.find(' ');
  if (blank != std::string::npos) {
    checkZoneCharacters("--ds zone", text.substr(0, blank));
  }
  const std::optional<std::string> zone =
      blank == std::string::npos ? std::nullopt : dns::canonicalName(text.substr(0, blank));
  const std::string rdata = blank == std::string::npos ? "" : dsRdata(text.substr(blank + 1));
  if (!zone || !dns::readDsFields(rdata)) {
    throw std::invalid_argument("--ds \"" + text + "\" is not a zone and a DS; " + fix);
  }
  std::string problem;
  if (!dns::parseDs(rdata, &problem)) {
    throw std::invalid_argument("--ds \"" + text + "\" " + problem + "; " + fix);
  }
  return {*zone, rdata};
}

// Rejects options given to a command that does not use them.
void rejectOptions(const std::string& command, const std::set<std::string>& given,
                   const std::vector<std::string>& options) {
  for (const std::string& option : options) {
    if (given.count(option) != 0) {
      throw std::invalid_argument("option " + option + " does not apply to " + command +
                                  "; see --help");
    }
  }
}

void checkProbeCommand(const CommandLine& result, const std::set<std::string>& given) {
  rejectOptions(result.command, given, {"--zone", "--algorithm", "--rsa-bits", "--ttl"});
  if (result.format != "text" && result.format != "json") {
    throw std::invalid_argument("--format \"" + result.format +
                                "\" is not a known format; use text or json");
  }
  if (result.config_path.empty()) {
    throw std::invalid_argument(result.command + " needs --config FILE");
  }
  if (result.command == "run") {
    rejectOptions(result.command, given, {"--ds"});
  }
}

void checkPlanCommand(const CommandLine& result, const std::set<std::string>& given) {
  rejectOptions(result.command, given, {"--algorithm", "--rsa-bits", "--ttl"});
  if (result.format != "text" && result.format != "json") {
    throw std::invalid_argument("--format \"" + result.format +
                                "\" is not a known format; use text or json");
  }
  if (result.config_path.empty()) {
    throw std::invalid_argument("plan needs --config FILE");
  }
  if (result.zone.empty()) {
    throw std::invalid_argument("plan needs --zone NAME, a zone of the config");
  }
}

void checkCanariesCommand(CommandLine& result, const std::set<std::string>& given) {
  rejectOptions(result.command, given, {"--config", "--ds"});
  if (given.count("--format") == 0) {
    result.format = "zone";
  } else if (result.format != "zone" && result.format != "json") {
    throw std::invalid_argument("--format \"" + result.format +
                                "\" is not a known format for canaries; use zone or json");
  }
  if (result.zone.empty()) {
    throw std::invalid_argument("canaries needs --zone NAME, e.g. --zone example.com");
  }
  if (given.count("--rsa-bits") != 0 && result.algorithm != 8 && result.algorithm != 10) {
    throw std::invalid_argument("--rsa-bits applies only to the RSA algorithms 8 and 10, not to "
                                "algorithm " + std::to_string(result.algorithm) +
                                "; leave it out");
  }
}

// Stores one option and its value in `result`; false when `arg` is not an option.
bool parseOption(const std::vector<std::string>& args, size_t& i, CommandLine& result) {
  const std::string& arg = args[i];
  if (arg == "--config" || arg == "-c") {
    result.config_path = takeValue(args, i);
  } else if (arg == "--format") {
    result.format = takeValue(args, i);
  } else if (arg == "--log-level") {
    result.log_level = takeValue(args, i);
  } else if (arg == "--ds") {
    result.expected_ds.push_back(parseExpectedDs(takeValue(args, i)));
  } else if (arg == "--zone") {
    result.zone = parseZone(takeValue(args, i));
  } else if (arg == "--algorithm") {
    result.algorithm = parseAlgorithm(takeValue(args, i));
  } else if (arg == "--rsa-bits") {
    result.rsa_bits = static_cast<int>(
        parseNumber(arg, takeValue(args, i), kMinRsaBits, kMaxRsaBits,
                    "use the RSA modulus size in bits, 1024 to 4096, e.g. 2048"));
  } else if (arg == "--ttl") {
    result.ttl = static_cast<uint32_t>(parseNumber(
        arg, takeValue(args, i), 0, kMaxTtl, "use a whole number of seconds, e.g. 3600"));
  } else {
    return false;
  }
  return true;
}

}  // namespace

CommandLine parseCommandLine(const std::vector<std::string>& args) {
  CommandLine result;
  std::set<std::string> given;
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
    if (parseOption(args, i, result)) {
      given.insert(arg == "-c" ? "--config" : arg);
    } else if (!arg.empty() && arg[0] != '-' && result.command.empty()) {
      result.command = arg;
    } else {
      throw std::invalid_argument("unknown argument \"" + arg + "\"; see --help");
    }
  }
  if (result.command.empty()) {
    throw std::invalid_argument("no command given; use run, check, plan or canaries (see --help)");
  }
  if (result.command == "run" || result.command == "check") {
    checkProbeCommand(result, given);
  } else if (result.command == "plan") {
    checkPlanCommand(result, given);
  } else if (result.command == "canaries") {
    checkCanariesCommand(result, given);
  } else {
    throw std::invalid_argument("unknown command \"" + result.command +
                                "\"; use run, check, plan or canaries");
  }
  return result;
}

std::string usageText() {
  return "Usage: dnssec-watch run|check --config FILE [OPTIONS]\n"
         "       dnssec-watch check --config FILE --ds \"ZONE DS\" [OPTIONS]\n"
         "       dnssec-watch plan --config FILE --zone NAME [OPTIONS]\n"
         "       dnssec-watch canaries --zone NAME [OPTIONS]\n"
         "\n"
         "Watches a DNSSEC rollout from the resolvers' side: sends validating and raw\n"
         "probes through many resolvers and exports what they see as Prometheus metrics.\n"
         "\n"
         "Commands:\n"
         "  run       Probe continuously and serve /metrics. SIGHUP reloads the config;\n"
         "            SIGINT or SIGTERM stops.\n"
         "  check     Run every probe once and print the results. Exit status 0 when\n"
         "            every probe is healthy, 1 when any failed, 2 on a usage or config\n"
         "            error.\n"
         "  plan      Check one zone's servers and its parent's once, and print the\n"
         "            rollout steps as a checklist with the measured values, the waits\n"
         "            and the rollback of the current step. Exit status 0 when the zone\n"
         "            is ready for its next step, 1 when not, 2 on an error.\n"
         "  canaries  Print the size canary TXT records to add to a zone: their signed\n"
         "            answers cross 512, 1232, 1400 and 1500 octets, and one is 4000.\n"
         "\n"
         "Options:\n"
         "  -c, --config FILE     YAML config file (see config/dnssec-watch.example.yaml).\n"
         "  --format FORMAT       Output format: text or json for check and plan\n"
         "                        (default text), zone or json for canaries (default\n"
         "                        zone).\n"
         "  --log-level LEVEL     trace, debug, info, warn, error, critical or off\n"
         "                        (default info). Logs go to stderr.\n"
         "  --ds \"ZONE DS\"        check, plan: a DS for a zone of the config, as the provider\n"
         "                        shows it, checked against the zone's DNSKEY RRset before\n"
         "                        it is published, e.g. \"example.com 12345 13 2 0123ABCD\".\n"
         "                        Repeat for more.\n"
         "  --zone NAME           canaries: the zone that gets the records; plan: the zone\n"
         "                        of the config to plan for.\n"
         "  --algorithm NUMBER    canaries: DNSSEC algorithm of the zone's signatures, which\n"
         "                        sets their length: 8, 10, 13, 14, 15 or 16 (default 13).\n"
         "  --rsa-bits BITS       canaries: RSA key size for algorithms 8 and 10, 1024 to\n"
         "                        4096 (default 2048).\n"
         "  --ttl SECONDS         canaries: TTL of the records (default 3600).\n"
         "  --version             Print the versions of dnssec-watch and its libraries.\n"
         "  -h, --help            Print this help.\n";
}

std::string versionText() {
  return std::string("dnssec-watch ") + DW_VERSION + " (libunbound " + ub_version() +
         ", c-ares " + ares_version(nullptr) + ", ldns " + LDNS_VERSION + ")\n";
}

}  // namespace dw
