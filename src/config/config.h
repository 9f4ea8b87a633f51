// SPDX-License-Identifier: Apache-2.0
// The dnssec-watch configuration: what to probe, through which resolvers, how often.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "rollout/phase.h"

namespace dw {

// One DNS question that is sent to every resolver.
struct ProbeSpec {
  std::string qname;       // Absolute, lower case, with the trailing dot: "www.example.com."
  uint16_t qtype = 1;      // RR type code (1 = A).
  std::string qtype_name;  // Mnemonic as written in RFCs: "A", "DNSKEY".
};

// A zone whose rollout is watched, with the names probed in it.
struct ZoneSpec {
  std::string name;  // Absolute, lower case, with the trailing dot.
  std::vector<ProbeSpec> probes;
  // Names whose signed answers have known, increasing sizes (see `dnssec-watch canaries`),
  // smallest first. The reply-size search of the path checks asks for them.
  std::vector<ProbeSpec> size_canaries;
  // The large signed answer of the EDNS size sweep. By default the largest size canary, or
  // the zone's DNSKEY RRset when the zone has no canaries.
  std::optional<ProbeSpec> large_answer;

  // DS records as the provider shows them ("12345 13 2 ABCD..."), checked against the zone's
  // DNSKEY RRset before they are published.
  std::vector<std::string> expected_ds;

  // The rollout phase as the operator states it; nullopt ("auto") means the phase the servers
  // serve, as the chain checks detect it.
  std::optional<Phase> phase;

  // Returns the question the EDNS size sweep asks.
  ProbeSpec sweepQuestion() const;
};

// Path checks: per zone and resolver, a round of queries that finds what the path between
// the resolver and its clients does to large and signed answers.
struct PathCheckSettings {
  bool enabled = true;
  std::chrono::milliseconds interval{300'000};  // Time between two rounds.
  // EDNS UDP payload sizes of the sweep, ascending; the sweep also asks once without EDNS.
  std::vector<uint16_t> edns_sizes{512, 1232, 1400, 4096};
};

// Chain checks: per zone, a round of queries straight to the zone's authoritative servers and
// its parent's servers.
struct ChainCheckSettings {
  bool enabled = true;
  std::chrono::milliseconds interval{300'000};  // Time between two rounds.
};

// A recursive resolver that probes are sent through.
struct ResolverSpec {
  std::string name;     // Label value in metrics; unique.
  std::string address;  // Numeric IPv4 or IPv6 address, without brackets.
  uint16_t port = 53;
  int family = 4;       // 4 or 6, derived from address.
  std::string origin;   // "file:line" where the resolver was defined, for messages.
};

struct Config {
  std::string source_path;  // The YAML file this was loaded from.

  std::string listen_address = "127.0.0.1";  // Address of the /metrics endpoint.
  uint16_t listen_port = 9911;
  std::string vantage = "default";  // Constant label on every dnssec-watch metric.
  std::vector<std::string> trust_anchor_files = {"/usr/share/dns/root.key"};

  std::chrono::milliseconds interval{60'000};  // Each probe runs once per interval.
  std::chrono::milliseconds timeout{5'000};    // Deadline of each exchange of a probe.
  uint16_t edns_buffer_size = 1232;            // EDNS UDP payload size sent in raw probes.
  int workers = 2;                             // Event-loop threads.
  // Resolvers beyond this many get no libunbound context of their own, because each context
  // costs about 1-1.5 MB resident once it has resolved a name.
  int validating_resolvers_max = 256;
  // Resolver through which the DNSKEYs for local validation are fetched, for the resolvers
  // beyond validating_resolvers_max. By default the first resolver.
  std::string key_resolver;

  std::optional<ProbeSpec> bogus_canary;  // A name only non-validating resolvers answer.
  PathCheckSettings path_checks;
  ChainCheckSettings chain_checks;
  std::vector<ZoneSpec> zones;
  std::vector<ResolverSpec> resolvers;  // Inline resolvers first, then resolvers_file ones.
  std::string resolvers_file;           // As resolved against the config's directory.
  // Where `run` keeps each zone's rollout phase and transition times across restarts.
  std::string state_file = "/var/lib/dnssec-watch/state.yaml";
};

// A configuration problem, located: "FILE:LINE:COL: KEY: PROBLEM; FIX".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads, parses and validates the YAML file at `path`. Relative file names inside it
// (trust_anchor_files, resolvers_file) are resolved against the file's directory.
// Throws ConfigError on the first problem found.
Config loadConfig(const std::string& path);

// Parses YAML text; `source_name` is used in messages and `base_dir` resolves relative paths.
Config parseConfig(const std::string& yaml_text, const std::string& source_name,
                   const std::string& base_dir);

// Throws ConfigError unless this process can write `config.state_file`: its directory
// exists and is writable, and the file, if present, is a regular file. Only `run` writes the
// state file, so `check` and `plan` load configs whose directory they cannot write.
void checkStateFileWritable(const Config& config);

// Parses "500ms", "5s", "2m", "1h" (a bare number means seconds). Throws std::invalid_argument.
std::chrono::milliseconds parseDuration(const std::string& text);

}  // namespace dw
