// SPDX-License-Identifier: Apache-2.0
// Tests of configuration loading. Each rule has a fixture in testdata/config/ and a test that
// checks the whole message: position, key path, problem with the bad value, and fix.
#include "config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "config/settings.h"

namespace dw {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

const std::string kTestdataDir = std::string(DW_SOURCE_DIR) + "/tests/unit/testdata/config";
const std::string kConfigDir = std::string(DW_SOURCE_DIR) + "/config";

// Trust anchor paths in config/ that name files of the host (Debian's dns-root-data) or of a
// running lab (tests/lab/lab.sh). Unit tests must not depend on either, so the tests that load
// config/ files point these paths at the fixture anchor instead.
const char* const kHostTrustAnchors[] = {"/usr/share/dns/root.key",
                                         "/tmp/dnssec-watch-lab/root.key"};

std::string fixture(const std::string& name) { return kTestdataDir + "/" + name; }

std::string readText(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Returns `message` without the fixture directory at its start, and with "<testdata>/" in place
// of the directory elsewhere, so that expected messages do not depend on the checkout path.
std::string relativeToTestdata(std::string message) {
  const std::string prefix = kTestdataDir + "/";
  if (message.starts_with(prefix)) {
    message.erase(0, prefix.size());
  }
  replaceAll(message, prefix, "<testdata>/");
  return message;
}

// Returns the ConfigError message of loading the fixture `name`, or "no error".
std::string loadError(const std::string& name) {
  try {
    loadConfig(fixture(name));
  } catch (const ConfigError& error) {
    return relativeToTestdata(error.what());
  }
  return "no error";
}

// Returns the ConfigError message of a configuration, named resolvers_file.yaml, that reads the
// fixture `resolvers_file` after the YAML list `inline_resolvers`, or "no error".
std::string resolversFileError(const std::string& resolvers_file,
                               const std::string& inline_resolvers = "") {
  const std::string yaml =
      "trust_anchor_files: [root.key]\n"
      "zones:\n"
      "  - name: example.com\n"
      "    probes: [{name: www.example.com}]\n" +
      inline_resolvers + "resolvers_file: " + resolvers_file + "\n";
  try {
    parseConfig(yaml, "resolvers_file.yaml", kTestdataDir);
  } catch (const ConfigError& error) {
    return relativeToTestdata(error.what());
  }
  return "no error";
}

// Returns the text of a config/ file with its host trust anchors replaced by the fixture anchor.
std::string readWithFixtureTrustAnchor(const std::string& path) {
  std::string text = readText(path);
  for (const char* anchor : kHostTrustAnchors) {
    replaceAll(text, anchor, fixture("root.key"));
  }
  return text;
}

// Durations.

TEST(ConfigDurationTest, ParsesEachUnit) {
  EXPECT_EQ(parseDuration("500ms"), 500ms);
  EXPECT_EQ(parseDuration("5s"), 5s);
  EXPECT_EQ(parseDuration("2m"), 2min);
  EXPECT_EQ(parseDuration("1h"), 1h);
  EXPECT_EQ(parseDuration("0s"), 0ms);
}

TEST(ConfigDurationTest, BareNumberIsSeconds) { EXPECT_EQ(parseDuration("7"), 7s); }

TEST(ConfigDurationTest, RejectsMalformedText) {
  for (const char* text :
       {"", "s", "ms", "10x", "1.5s", "-5s", "+5s", " 5s", "5 s", "5S", "5sec", "1h30m", "0x10s"}) {
    SCOPED_TRACE(text);
    EXPECT_THROW(parseDuration(text), std::invalid_argument);
  }
}

TEST(ConfigDurationTest, RejectsOverflow) {
  try {
    parseDuration("9223372036854775807h");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("too large"));
  }
}

// Valid files.

TEST(ConfigLoadTest, FullFileRoundTrips) {
  const Config config = loadConfig(fixture("full.yaml"));
  EXPECT_EQ(config.source_path, fixture("full.yaml"));
  EXPECT_EQ(config.listen_address, "192.0.2.1");
  EXPECT_EQ(config.listen_port, 9100);
  EXPECT_EQ(config.vantage, "eu-west.1");
  EXPECT_EQ(config.trust_anchor_files,
            (std::vector<std::string>{fixture("root.key"), fixture("root.ds")}));
  EXPECT_EQ(config.interval, 90s);
  EXPECT_EQ(config.timeout, 1500ms);
  EXPECT_EQ(config.edns_buffer_size, 4096);
  EXPECT_EQ(config.workers, 8);
  EXPECT_EQ(config.validating_resolvers_max, 1000);
  ASSERT_TRUE(config.bogus_canary.has_value());
  EXPECT_EQ(config.bogus_canary->qname, "www.dnssec-failed.org.");
  EXPECT_EQ(config.bogus_canary->qtype, 28);
  EXPECT_EQ(config.bogus_canary->qtype_name, "AAAA");
  EXPECT_EQ(config.resolvers_file, fixture("full_resolvers.txt"));
}

TEST(ConfigLoadTest, FullFileZonesAreNormalised) {
  const Config config = loadConfig(fixture("full.yaml"));
  ASSERT_EQ(config.zones.size(), 2u);
  const ZoneSpec& example_com = config.zones[0];
  EXPECT_EQ(example_com.name, "example.com.");
  ASSERT_EQ(example_com.probes.size(), 3u);
  EXPECT_EQ(example_com.probes[0].qname, "www.example.com.");
  EXPECT_EQ(example_com.probes[0].qtype, 1);
  EXPECT_EQ(example_com.probes[0].qtype_name, "A");
  EXPECT_EQ(example_com.probes[1].qname, "example.com.");
  EXPECT_EQ(example_com.probes[1].qtype, 48);
  EXPECT_EQ(example_com.probes[1].qtype_name, "DNSKEY");
  // TYPE65 is stored under its mnemonic.
  EXPECT_EQ(example_com.probes[2].qtype, 65);
  EXPECT_EQ(example_com.probes[2].qtype_name, "HTTPS");

  const ZoneSpec& example_net = config.zones[1];
  EXPECT_EQ(example_net.name, "example.net.");
  ASSERT_EQ(example_net.probes.size(), 1u);
  EXPECT_EQ(example_net.probes[0].qtype, 1);  // The type defaults to A.
  EXPECT_EQ(example_net.probes[0].qtype_name, "A");
}

TEST(ConfigLoadTest, FullFileResolversInOrder) {
  const Config config = loadConfig(fixture("full.yaml"));
  struct Expected {
    const char* name;
    const char* address;
    uint16_t port;
    int family;
    const char* origin;
  };
  const Expected expected[] = {
      {"quad9", "9.9.9.9", 53, 4, "full.yaml:21"},
      {"resolver-v6", "2001:db8::53", 5353, 6, "full.yaml:22"},
      {"192.0.2.1", "192.0.2.1", 53, 4, "full.yaml:23"},
      {"file-v4", "192.0.2.10", 53, 4, "full_resolvers.txt:2"},
      {"192.0.2.11", "192.0.2.11", 53, 4, "full_resolvers.txt:4"},
      {"file-v6", "2001:db8::10", 5353, 6, "full_resolvers.txt:5"},
  };
  ASSERT_EQ(config.resolvers.size(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    SCOPED_TRACE(expected[i].name);
    const ResolverSpec& resolver = config.resolvers[i];
    EXPECT_EQ(resolver.name, expected[i].name);
    EXPECT_EQ(resolver.address, expected[i].address);
    EXPECT_EQ(resolver.port, expected[i].port);
    EXPECT_EQ(resolver.family, expected[i].family);
    EXPECT_EQ(relativeToTestdata(resolver.origin), expected[i].origin);
  }
}

TEST(ConfigLoadTest, EveryFileInConfigDirLoads) {
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kConfigDir)) {
    if (entry.path().extension() != ".yaml") {
      continue;
    }
    const std::string path = entry.path().string();
    SCOPED_TRACE(path);
    try {
      parseConfig(readWithFixtureTrustAnchor(path), path, kConfigDir);
      ++loaded;
    } catch (const ConfigError& error) {
      ADD_FAILURE() << error.what();
    }
  }
  EXPECT_GE(loaded, 2);
}

TEST(ConfigLoadTest, ExampleFileHasDefaults) {
  const std::string path = kConfigDir + "/dnssec-watch.example.yaml";
  const Config config = parseConfig(readWithFixtureTrustAnchor(path), path, kConfigDir);
  const Config defaults;
  EXPECT_EQ(config.listen_address, defaults.listen_address);
  EXPECT_EQ(config.listen_port, defaults.listen_port);
  EXPECT_EQ(config.vantage, defaults.vantage);
  EXPECT_EQ(config.interval, defaults.interval);
  EXPECT_EQ(config.timeout, defaults.timeout);
  EXPECT_EQ(config.edns_buffer_size, defaults.edns_buffer_size);
  EXPECT_EQ(config.workers, defaults.workers);
  EXPECT_EQ(config.validating_resolvers_max, defaults.validating_resolvers_max);
  EXPECT_FALSE(config.bogus_canary.has_value());
  EXPECT_EQ(config.resolvers_file, defaults.resolvers_file);
  EXPECT_THAT(readText(path), HasSubstr("\ntrust_anchor_files: [/usr/share/dns/root.key]\n"));
}

TEST(ConfigLoadTest, ExampleFileUsesDocumentationAddresses) {
  const std::string path = kConfigDir + "/dnssec-watch.example.yaml";
  const Config config = parseConfig(readWithFixtureTrustAnchor(path), path, kConfigDir);
  ASSERT_EQ(config.zones.size(), 1u);
  EXPECT_EQ(config.zones[0].name, "example.com.");
  ASSERT_EQ(config.resolvers.size(), 2u);
  EXPECT_TRUE(config.resolvers[0].address.starts_with("192.0.2."));
  EXPECT_TRUE(config.resolvers[1].address.starts_with("2001:db8:"));
}

TEST(ConfigLoadTest, LabFilePointsAtLab) {
  const std::string path = kConfigDir + "/lab.yaml";
  EXPECT_THAT(readText(path),
              HasSubstr("\ntrust_anchor_files: [/tmp/dnssec-watch-lab/root.key]\n"));
  const Config config = parseConfig(readWithFixtureTrustAnchor(path), path, kConfigDir);
  EXPECT_EQ(config.listen_address, "127.0.0.1");
  EXPECT_EQ(config.listen_port, 9911);
  EXPECT_EQ(config.vantage, "lab");
  EXPECT_EQ(config.interval, 10s);
  EXPECT_EQ(config.timeout, 2s);
  ASSERT_TRUE(config.bogus_canary.has_value());
  EXPECT_EQ(config.bogus_canary->qname, "www.bogusds.lab.");
  EXPECT_EQ(config.bogus_canary->qtype_name, "A");

  std::vector<std::string> zone_names;
  for (const ZoneSpec& zone : config.zones) {
    zone_names.push_back(zone.name);
    EXPECT_EQ(zone.probes.at(0).qname, "www." + zone.name);
    EXPECT_EQ(zone.probes.at(0).qtype_name, "A");
    EXPECT_EQ(zone.probes.at(1).qname, zone.name);
    EXPECT_EQ(zone.probes.at(1).qtype_name, "DNSKEY");
  }
  EXPECT_EQ(zone_names,
            (std::vector<std::string>{"good.lab.", "unsigned.lab.", "nods.lab.", "bogusds.lab.",
                                      "expired.lab.", "partialds.lab.", "halfsigned.lab.",
                                      "staleds.lab.", "zskds.lab.", "future.lab.",
                                      "longttl.lab.", "rollout.lab."}));
  EXPECT_EQ(config.chain_checks.interval, 30s);
  ASSERT_EQ(config.zones[0].probes.size(), 3u);
  EXPECT_EQ(config.zones[0].probes[2].qname, "big.good.lab.");
  EXPECT_EQ(config.zones[0].probes[2].qtype_name, "TXT");

  ASSERT_EQ(config.resolvers.size(), 3u);
  EXPECT_EQ(config.resolvers[0].name, "validating");
  EXPECT_EQ(config.resolvers[0].address, "127.53.0.2");
  EXPECT_EQ(config.resolvers[1].name, "nonvalidating");
  EXPECT_EQ(config.resolvers[1].address, "127.53.0.3");
  EXPECT_EQ(config.resolvers[2].name, "dead");
  EXPECT_EQ(config.resolvers[2].address, "127.53.0.9");
}

TEST(ConfigLoadTest, LoadsTenThousandLineResolversFile) {
  const std::filesystem::path dir =
      std::filesystem::path(testing::TempDir()) / ("dw_config_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  constexpr int kResolvers = 10'000;
  {
    std::ofstream file(dir / "resolvers.txt");
    file << "# Generated by LoadsTenThousandLineResolversFile.\n";
    for (int i = 0; i < kResolvers; ++i) {
      const std::string ipv4 =
          "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".1";
      switch (i % 3) {
        case 0:
          file << ipv4 << "\n";
          break;
        case 1:
          file << "resolver-" << i << " " << ipv4 << " 5353\n";
          break;
        default:
          file << "resolver-" << i << "\t2001:db8::" << std::hex << i << std::dec << "\n";
      }
    }
  }
  {
    std::ofstream file(dir / "config.yaml");
    file << "trust_anchor_files: [" << fixture("root.key") << "]\n"
         << "zones: [{name: example.com, probes: [{name: www.example.com}]}]\n"
         << "resolvers_file: resolvers.txt\n";
  }

  const Config config = loadConfig((dir / "config.yaml").string());
  std::filesystem::remove_all(dir);

  ASSERT_EQ(config.resolvers.size(), static_cast<size_t>(kResolvers));
  EXPECT_EQ(config.resolvers.back().origin, (dir / "resolvers.txt").string() + ":10001");
  EXPECT_EQ(config.resolvers.back().family, 4);
}

// The settings tables, the Config struct and the example file agree on every default.

TEST(ConfigSettingsTest, TableDefaultsMatchStruct) {
  std::string yaml =
      "trust_anchor_files: [root.key]\n"
      "zones: [{name: example.com, probes: [{name: www.example.com}]}]\n"
      "resolvers: [{address: 192.0.2.53}]\n";
  for (const auto& setting : config_internal::configSettings()) {
    if (!setting.default_value.empty() && setting.key != "trust_anchor_files") {
      yaml += std::string(setting.key) + ": " + std::string(setting.default_value) + "\n";
    }
  }
  const Config config = parseConfig(yaml, "defaults.yaml", kTestdataDir);
  const Config defaults;
  EXPECT_EQ(config.listen_address, defaults.listen_address);
  EXPECT_EQ(config.listen_port, defaults.listen_port);
  EXPECT_EQ(config.vantage, defaults.vantage);
  EXPECT_EQ(config.interval, defaults.interval);
  EXPECT_EQ(config.timeout, defaults.timeout);
  EXPECT_EQ(config.edns_buffer_size, defaults.edns_buffer_size);
  EXPECT_EQ(config.workers, defaults.workers);
  EXPECT_EQ(config.validating_resolvers_max, defaults.validating_resolvers_max);
  EXPECT_EQ(config.resolvers[0].port, ResolverSpec{}.port);
  EXPECT_EQ(config.zones[0].probes[0].qtype, ProbeSpec{}.qtype);
}

TEST(ConfigSettingsTest, TableTrustAnchorDefaultMatchesStruct) {
  for (const auto& setting : config_internal::configSettings()) {
    if (setting.key == "trust_anchor_files") {
      const YAML::Node node = YAML::Load(std::string(setting.default_value));
      EXPECT_EQ(node.as<std::vector<std::string>>(), Config{}.trust_anchor_files);
    }
  }
}

TEST(ConfigSettingsTest, ExampleShowsEveryDefault) {
  const std::string example = readText(kConfigDir + "/dnssec-watch.example.yaml");
  for (const auto& setting : config_internal::configSettings()) {
    SCOPED_TRACE(setting.key);
    const std::string key(setting.key);
    if (setting.default_value.empty()) {
      // Required keys appear with an example value, unset ones as a commented example.
      EXPECT_TRUE(example.find("\n" + key + ":") != std::string::npos ||
                  example.find("\n# " + key + ":") != std::string::npos);
    } else {
      EXPECT_THAT(example,
                  HasSubstr("\n" + key + ": " + std::string(setting.default_value) + "\n"));
    }
  }
}

// A help text becomes the fix of a "missing" message, which must keep the one ";" between
// problem and fix.
template <typename Target>
void expectNoSemicolonInHelp(std::span<const config_internal::Setting<Target>> table) {
  for (const auto& setting : table) {
    SCOPED_TRACE(setting.key);
    EXPECT_EQ(setting.help.find(';'), std::string_view::npos);
  }
}

TEST(ConfigSettingsTest, HelpTextsHaveNoSemicolon) {
  expectNoSemicolonInHelp(config_internal::configSettings());
  expectNoSemicolonInHelp(config_internal::zoneSettings());
  expectNoSemicolonInHelp(config_internal::probeSettings());
  expectNoSemicolonInHelp(config_internal::resolverSettings());
  expectNoSemicolonInHelp(config_internal::chainCheckSettings());
}

// Reading the file.

TEST(ConfigFileTest, MissingFile) {
  try {
    loadConfig(fixture("no_such_file.yaml"));
    FAIL() << "no exception";
  } catch (const ConfigError& error) {
    EXPECT_EQ(relativeToTestdata(error.what()),
              "no_such_file.yaml: cannot read: No such file or directory; check the path and "
              "permissions");
  }
}

TEST(ConfigFileTest, DirectoryInsteadOfFile) {
  try {
    loadConfig(kTestdataDir);
    FAIL() << "no exception";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              kTestdataDir + ": cannot read: Is a directory; check the path and permissions");
  }
}

TEST(ConfigFileTest, SyntaxError) {
  EXPECT_EQ(loadError("syntax_error.yaml"),
            "syntax_error.yaml:4:3: invalid YAML: illegal block entry; fix the syntax at or "
            "before this position");
}

TEST(ConfigFileTest, TwoDocuments) {
  EXPECT_EQ(loadError("two_documents.yaml"),
            "two_documents.yaml:8:1: 2 YAML documents found; keep only one document in the file");
}

TEST(ConfigFileTest, TopLevelList) {
  EXPECT_EQ(loadError("top_level_list.yaml"),
            "top_level_list.yaml:1:1: the top level is not a map of settings; write one "
            "\"key: value\" per line");
}

TEST(ConfigFileTest, NoSettings) {
  EXPECT_EQ(loadError("empty.yaml"),
            "empty.yaml:1:1: the file contains no settings; add at least zones and resolvers");
}

// Keys.

TEST(ConfigKeyTest, UnknownTopLevelKey) {
  EXPECT_EQ(loadError("unknown_key.yaml"),
            "unknown_key.yaml:2:1: intervall: unknown key \"intervall\"; did you mean "
            "\"interval\"? allowed keys are listen, vantage, trust_anchor_files, interval, "
            "timeout, edns_buffer_size, workers, validating_resolvers_max, key_resolver, "
            "bogus_canary, zones, path_checks, chain_checks, resolvers, resolvers_file, state_file");
}

TEST(ConfigKeyTest, UnknownNestedKey) {
  EXPECT_EQ(loadError("unknown_nested_key.yaml"),
            "unknown_nested_key.yaml:5:10: zones[0].probes[0].nmae: unknown key \"nmae\"; did "
            "you mean \"name\"? allowed keys are name, type");
}

TEST(ConfigKeyTest, DuplicateKey) {
  EXPECT_EQ(loadError("duplicate_key.yaml"),
            "duplicate_key.yaml:6:1: workers: duplicate key, first set at line 2; remove one of "
            "them");
}

TEST(ConfigKeyTest, MissingZones) {
  EXPECT_EQ(loadError("missing_zones.yaml"),
            "missing_zones.yaml:1:1: zones: is missing; add it (zones to watch, each with its "
            "probes, e.g. [{name: example.com, probes: [{name: www.example.com, type: A}]}])");
}

TEST(ConfigKeyTest, EmptyZones) {
  EXPECT_EQ(loadError("empty_zones.yaml"),
            "empty_zones.yaml:2:8: zones: is empty; add at least one zone with at least one "
            "probe");
}

TEST(ConfigKeyTest, MissingProbes) {
  EXPECT_EQ(loadError("missing_probes.yaml"),
            "missing_probes.yaml:3:5: zones[0].probes: is missing; add it (questions sent for "
            "the zone, each at or below the zone name, e.g. [{name: www.example.com, type: A}])");
}

TEST(ConfigKeyTest, EmptyProbes) {
  EXPECT_EQ(loadError("empty_probes.yaml"),
            "empty_probes.yaml:4:13: zones[0].probes: is empty; add at least one probe, e.g. "
            "[{name: www.example.com, type: A}]");
}

TEST(ConfigKeyTest, MissingProbeName) {
  EXPECT_EQ(loadError("missing_probe_name.yaml"),
            "missing_probe_name.yaml:5:9: zones[0].probes[0].name: is missing; add it (query "
            "name, e.g. www.example.com)");
}

// Value kinds.

TEST(ConfigTypeTest, MapWhereListExpected) {
  EXPECT_EQ(loadError("map_for_list.yaml"),
            "map_for_list.yaml:3:3: zones: is a map, expected a list; write a list, e.g. [a, b], "
            "or one \"- item\" per line");
}

TEST(ConfigTypeTest, StringWhereListExpected) {
  EXPECT_EQ(loadError("string_for_list.yaml"),
            "string_for_list.yaml:1:21: trust_anchor_files: \"root.key\" is a string, expected a "
            "list; write a list, e.g. [root.key], or one \"- item\" per line");
}

TEST(ConfigTypeTest, ListWhereStringExpected) {
  EXPECT_EQ(loadError("list_for_string.yaml"),
            "list_for_string.yaml:2:10: vantage: is a list, expected a single value; write one "
            "value after the key");
}

TEST(ConfigTypeTest, EmptyValue) {
  EXPECT_EQ(loadError("empty_value.yaml"),
            "empty_value.yaml:2:1: interval: has no value, expected a single value; write one "
            "value after the key");
}

TEST(ConfigTypeTest, QuotedNumber) {
  EXPECT_EQ(loadError("quoted_number.yaml"),
            "quoted_number.yaml:2:10: workers: \"4\" is a quoted string, expected a number; "
            "remove the quotes");
}

TEST(ConfigTypeTest, NonIntegerNumber) {
  EXPECT_EQ(loadError("fraction.yaml"),
            "fraction.yaml:2:10: workers: \"1.5\" is not a whole number; use a whole number "
            "from 1 to 64");
}

TEST(ConfigTypeTest, NotANumber) {
  EXPECT_EQ(loadError("not_a_number.yaml"),
            "not_a_number.yaml:2:10: workers: \"many\" is not a number; use a whole number from "
            "1 to 64");
}

TEST(ConfigTypeTest, NegativeNumber) {
  EXPECT_EQ(loadError("negative.yaml"),
            "negative.yaml:2:27: validating_resolvers_max: \"-1\" is negative; use a whole "
            "number from 0 to 100000");
}

TEST(ConfigTypeTest, NumberOutOfRange) {
  EXPECT_EQ(loadError("out_of_range.yaml"),
            "out_of_range.yaml:2:19: edns_buffer_size: \"511\" is out of range; use a whole "
            "number from 512 to 65535");
}

// Top-level values.

TEST(ConfigValueTest, ListenHostname) {
  EXPECT_EQ(loadError("listen_hostname.yaml"),
            "listen_hostname.yaml:2:9: listen: \"localhost:9911\" does not start with a numeric "
            "IP address; use a numeric IPv4 address or a bracketed IPv6 address, e.g. "
            "127.0.0.1:9911 or [::1]:9911");
}

TEST(ConfigValueTest, ListenWithoutPort) {
  EXPECT_EQ(loadError("listen_no_port.yaml"),
            "listen_no_port.yaml:2:9: listen: \"127.0.0.1\" has no port; write ADDRESS:PORT, "
            "e.g. 127.0.0.1:9911 or [::1]:9911");
}

TEST(ConfigValueTest, ListenUnbracketedIpv6) {
  EXPECT_EQ(loadError("listen_ipv6_unbracketed.yaml"),
            "listen_ipv6_unbracketed.yaml:2:9: listen: \"::1:9911\" has an IPv6 address without "
            "brackets; write [ADDRESS]:PORT, e.g. [::1]:9911");
}

TEST(ConfigValueTest, ListenPortOutOfRange) {
  EXPECT_EQ(loadError("listen_port_range.yaml"),
            "listen_port_range.yaml:2:9: listen: \"65536\" is out of range; use a whole number "
            "from 1 to 65535");
}

TEST(ConfigValueTest, VantageCharacters) {
  EXPECT_EQ(loadError("vantage_chars.yaml"),
            "vantage_chars.yaml:2:10: vantage: \"eu west\" contains \" \", which is not allowed; "
            "use only ASCII letters, digits, \"_\", \".\" and \"-\"");
}

TEST(ConfigValueTest, ControlCharactersEscaped) {
  EXPECT_EQ(loadError("escaped_value.yaml"),
            "escaped_value.yaml:2:10: vantage: \"lab\\tone\" contains \"\\t\", which is not "
            "allowed; use only ASCII letters, digits, \"_\", \".\" and \"-\"");
}

TEST(ConfigValueTest, TrustAnchorMissing) {
  EXPECT_EQ(loadError("trust_anchor_missing.yaml"),
            "trust_anchor_missing.yaml:1:32: trust_anchor_files[1]: \"missing.key\" cannot be "
            "read: No such file or directory (resolved to \"<testdata>/missing.key\"); check the "
            "path and permissions");
}

TEST(ConfigValueTest, TrustAnchorEmptyFile) {
  EXPECT_EQ(loadError("trust_anchor_empty_file.yaml"),
            "trust_anchor_empty_file.yaml:1:22: trust_anchor_files[0]: \"empty.key\" is an "
            "empty file; point it at a file that contains DS or DNSKEY records");
}

TEST(ConfigValueTest, TrustAnchorEmptyList) {
  EXPECT_EQ(loadError("trust_anchor_empty_list.yaml"),
            "trust_anchor_empty_list.yaml:1:21: trust_anchor_files: is empty; list at least one "
            "trust anchor file, e.g. [/usr/share/dns/root.key]");
}

TEST(ConfigValueTest, MalformedDuration) {
  EXPECT_EQ(loadError("bad_duration.yaml"),
            "bad_duration.yaml:2:11: interval: \"10x\" is not a duration; write a whole number "
            "followed by ms, s, m or h, e.g. 500ms or 10s");
}

TEST(ConfigValueTest, ZeroDuration) {
  EXPECT_EQ(loadError("zero_duration.yaml"),
            "zero_duration.yaml:2:10: timeout: \"0s\" is not greater than zero; use a positive "
            "duration, e.g. 10s");
}

TEST(ConfigValueTest, TimeoutNotBelowInterval) {
  EXPECT_EQ(loadError("timeout_not_below_interval.yaml"),
            "timeout_not_below_interval.yaml:3:10: timeout: \"10s\" is not shorter than interval "
            "(10s); set timeout below interval so that each probe ends before the next one "
            "starts");
}

TEST(ConfigValueTest, IntervalBelowDefaultTimeout) {
  EXPECT_EQ(loadError("interval_below_default_timeout.yaml"),
            "interval_below_default_timeout.yaml:2:11: interval: \"2s\" is not longer than the "
            "default timeout (5s); raise interval or set a shorter timeout");
}

// Zones and probes.

TEST(ConfigZoneTest, InvalidDomainName) {
  EXPECT_EQ(loadError("bad_domain_name.yaml"),
            "bad_domain_name.yaml:3:11: zones[0].name: \"example..com\" is not a valid domain "
            "name (empty label); write a name such as www.example.com");
}

TEST(ConfigZoneTest, ProbeOutsideZone) {
  EXPECT_EQ(loadError("probe_outside_zone.yaml"),
            "probe_outside_zone.yaml:6:16: zones[0].probes[1].name: \"www.example.org\" is not "
            "at or below zone \"example.com.\"; use a name that ends in example.com. or move the "
            "probe to its own zone");
}

TEST(ConfigZoneTest, DuplicateZone) {
  EXPECT_EQ(loadError("duplicate_zone.yaml"),
            "duplicate_zone.yaml:5:11: zones[1].name: \"Example.COM.\" names zone example.com. "
            "again, which is first defined at line 3; merge the probes into one zone");
}

TEST(ConfigZoneTest, DuplicateProbe) {
  EXPECT_EQ(loadError("duplicate_probe.yaml"),
            "duplicate_probe.yaml:6:9: zones[0].probes[1]: \"www.example.com.\" type A is "
            "already probed at line 5; remove one of the two");
}

TEST(ConfigZoneTest, UnknownRrType) {
  EXPECT_EQ(loadError("unknown_rr_type.yaml"),
            "unknown_rr_type.yaml:4:44: zones[0].probes[0].type: \"AAA\" is not a known RR type; "
            "use a type mnemonic such as A, AAAA, TXT or DNSKEY, or TYPEnnn with nnn from 1 to "
            "65535");
}

TEST(ConfigZoneTest, MetaRrType) {
  EXPECT_EQ(loadError("meta_rr_type.yaml"),
            "meta_rr_type.yaml:4:40: zones[0].probes[0].type: \"AXFR\" is a meta or query type, "
            "which has no RRset to validate; use a data type such as A, AAAA, TXT or DNSKEY");
}

TEST(ConfigZoneTest, GenericRrTypeOutOfRange) {
  EXPECT_EQ(loadError("generic_rr_type_range.yaml"),
            "generic_rr_type_range.yaml:4:40: zones[0].probes[0].type: \"TYPE65536\" is not a "
            "known RR type; use a type mnemonic such as A, AAAA, TXT or DNSKEY, or TYPEnnn with "
            "nnn from 1 to 65535");
}

// Resolvers in the YAML list.

TEST(ConfigResolverTest, HostnameAddress) {
  EXPECT_EQ(loadError("resolver_hostname.yaml"),
            "resolver_hostname.yaml:8:29: resolvers[2].address: \"dns.google\" is not a numeric "
            "IP address; use a numeric IPv4 or IPv6 address");
}

// Returns the ConfigError message of a minimal valid config with `extra` settings, or
// "no error". Settings in `extra` come first, so that they replace the defaults here.
std::string parseError(const std::string& extra) {
  const bool has_anchor = extra.find("trust_anchor_files:") != std::string::npos;
  const std::string text =
      extra + (has_anchor ? "" : "trust_anchor_files: [" + fixture("root.key") + "]\n") +
      "zones: [{name: example.com, probes: [{name: www.example.com}]}]\n"
      "resolvers: [{address: 192.0.2.53}]\n";
  try {
    parseConfig(text, "inline.yaml", ".");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ConfigNameTest, RejectsNonAsciiDomainName) {
  EXPECT_THAT(parseError("bogus_canary: {name: \"www.b\u00fccher.example\"}\n"),
              HasSubstr("contains non-ASCII characters"));
}

TEST(ConfigNameTest, RejectsLongVantage) {
  EXPECT_THAT(parseError("vantage: " + std::string(200, 'v') + "\n"),
              HasSubstr("is longer than 128 characters"));
}

TEST(ConfigListenTest, RejectsIpv6Address) {
  EXPECT_THAT(parseError("listen: \"[::1]:9911\"\n"), HasSubstr("is an IPv6 address"));
}

TEST(ConfigDurationTest, RejectsIntervalOverSevenDays) {
  EXPECT_THAT(parseError("interval: 9223372036854775s\n"), HasSubstr("interval"));
  EXPECT_THAT(parseError("interval: 200h\n"), HasSubstr("is longer than 7 days"));
}

TEST(ConfigTrustAnchorTest, RejectsFileWithoutRecords) {
  const std::string path = ::testing::TempDir() + "/garbage.key";
  std::ofstream(path) << "this is not a key\n";
  EXPECT_THAT(parseError("trust_anchor_files: [" + path + "]\n"),
              HasSubstr("is not a trust anchor file: line 1"));
}

TEST(ConfigFileTest, RejectsFifo) {
  const std::string path = ::testing::TempDir() + "/config.fifo";
  std::remove(path.c_str());
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  try {
    loadConfig(path);
    ADD_FAILURE() << "a FIFO was accepted";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("not a regular file"));
  }
  std::remove(path.c_str());
}

TEST(ConfigResolverTest, KeyResolverNamesNoResolver) {
  EXPECT_EQ(loadError("key_resolver_unknown.yaml"),
            "key_resolver_unknown.yaml:7:15: key_resolver: \"resolver2\" names no resolver; use "
            "the name of a resolver from resolvers or resolvers_file");
}

TEST(ConfigResolverTest, KeyResolverDefaultsToFirstResolver) {
  const Config config = parseConfig(
      "zones: [{name: example.com, probes: [{name: www.example.com}]}]\n"
      "trust_anchor_files: [" + std::string(DW_SOURCE_DIR) +
          "/tests/unit/testdata/config/root.key]\n"
          "resolvers: [{name: first, address: 192.0.2.1}, {name: second, address: 192.0.2.2}]\n",
      "inline.yaml", ".");
  EXPECT_EQ(config.key_resolver, "first");
}

TEST(ConfigResolverTest, BracketedAddress) {
  EXPECT_EQ(loadError("resolver_bracketed_address.yaml"),
            "resolver_bracketed_address.yaml:6:32: resolvers[0].address: \"[2001:db8::53]\" is "
            "not a numeric IP address; write the IPv6 address without brackets");
}

TEST(ConfigResolverTest, NameCharacters) {
  EXPECT_EQ(loadError("resolver_name_chars.yaml"),
            "resolver_name_chars.yaml:6:12: resolvers[0].name: \"resolver/1\" contains \"/\", "
            "which is not allowed; use only ASCII letters, digits, \"_\", \".\", \":\" and \"-\"");
}

TEST(ConfigResolverTest, PortOutOfRange) {
  EXPECT_EQ(loadError("resolver_port_range.yaml"),
            "resolver_port_range.yaml:6:50: resolvers[0].port: \"0\" is out of range; use a "
            "whole number from 1 to 65535");
}

TEST(ConfigResolverTest, MissingAddress) {
  EXPECT_EQ(loadError("resolver_missing_address.yaml"),
            "resolver_missing_address.yaml:6:5: resolvers[0].address: is missing; add it "
            "(numeric IPv4 or IPv6 address, e.g. 192.0.2.53)");
}

TEST(ConfigResolverTest, DuplicateName) {
  EXPECT_EQ(loadError("duplicate_resolver_name.yaml"),
            "duplicate_resolver_name.yaml:7:12: resolvers[1].name: \"resolver1\" is already the "
            "name of the resolver defined at <testdata>/duplicate_resolver_name.yaml:6; give each "
            "resolver a unique name");
}

TEST(ConfigResolverTest, DuplicateAddressAndPort) {
  // The second address is the first one written differently.
  EXPECT_EQ(loadError("duplicate_resolver_address.yaml"),
            "duplicate_resolver_address.yaml:7:32: resolvers[1].address: \"2001:db8:0:0::53\" "
            "with port 53 is already resolver \"resolver1\", defined at "
            "<testdata>/duplicate_resolver_address.yaml:6; remove one of the two");
}

TEST(ConfigResolverTest, DuplicateDefaultName) {
  EXPECT_EQ(loadError("duplicate_default_name.yaml"),
            "duplicate_default_name.yaml:7:15: resolvers[1].name: \"192.0.2.53\", the default "
            "name taken from the address, is already the name of the resolver defined at "
            "<testdata>/duplicate_default_name.yaml:6; give each resolver a unique name");
}

TEST(ConfigResolverTest, NoResolvers) {
  EXPECT_EQ(loadError("no_resolvers.yaml"),
            "no_resolvers.yaml:1:1: resolvers: no resolver is defined; add a resolver to the "
            "resolvers list or to the resolvers_file");
}

TEST(ConfigResolverTest, EmptyResolverList) {
  EXPECT_EQ(loadError("empty_resolvers.yaml"),
            "empty_resolvers.yaml:5:12: resolvers: no resolver is defined; add a resolver to the "
            "resolvers list or to the resolvers_file");
}

// Resolvers in the resolvers file.

TEST(ConfigResolversFileTest, Unreadable) {
  EXPECT_EQ(loadError("resolvers_file_missing.yaml"),
            "resolvers_file_missing.yaml:5:17: resolvers_file: \"missing_resolvers.txt\" cannot "
            "be read: No such file or directory (resolved to "
            "\"<testdata>/missing_resolvers.txt\"); check the path and permissions");
}

TEST(ConfigResolversFileTest, HostnameAddress) {
  EXPECT_EQ(resolversFileError("resolvers_hostname.txt"),
            "resolvers_hostname.txt:4:5: address: \"dns.google\" is not a numeric IP address; "
            "use a numeric IPv4 or IPv6 address");
}

TEST(ConfigResolversFileTest, FourthField) {
  EXPECT_EQ(resolversFileError("resolvers_extra_field.txt"),
            "resolvers_extra_field.txt:1:24: \"extra\" is a fourth field; write NAME ADDRESS "
            "[PORT] or ADDRESS on each line");
}

TEST(ConfigResolversFileTest, PortOutOfRange) {
  EXPECT_EQ(resolversFileError("resolvers_port_range.txt"),
            "resolvers_port_range.txt:1:21: port: \"65536\" is out of range; use a whole number "
            "from 1 to 65535");
}

TEST(ConfigResolversFileTest, NameCharacters) {
  EXPECT_EQ(resolversFileError("resolvers_name_chars.txt"),
            "resolvers_name_chars.txt:1:1: name: \"resolver/1\" contains \"/\", which is not "
            "allowed; use only ASCII letters, digits, \"_\", \".\", \":\" and \"-\"");
}

TEST(ConfigResolversFileTest, AddressThenPort) {
  EXPECT_EQ(resolversFileError("resolvers_address_port.txt"),
            "resolvers_address_port.txt:1:11: address: \"5353\" is not a numeric IP address; a "
            "line with two fields is NAME ADDRESS, so to set a port write NAME ADDRESS PORT");
}

TEST(ConfigResolversFileTest, NameTakenByYamlList) {
  EXPECT_EQ(resolversFileError("resolvers_duplicate_name.txt",
                               "resolvers: [{name: resolver1, address: 192.0.2.53}]\n"),
            "resolvers_duplicate_name.txt:2:1: name: \"resolver1\" is already the name of the "
            "resolver defined at resolvers_file.yaml:5; give each resolver a unique name");
}

TEST(ConfigResolversFileTest, DuplicateAddressAndPort) {
  EXPECT_EQ(resolversFileError("resolvers_duplicate_address.txt"),
            "resolvers_duplicate_address.txt:2:12: address: \"192.0.2.1\" with port 53 is "
            "already resolver \"resolver1\", defined at "
            "<testdata>/resolvers_duplicate_address.txt:1; remove one of the two");
}

TEST(ConfigResolversFileTest, OnlyComments) {
  EXPECT_EQ(resolversFileError("resolvers_only_comments.txt"),
            "resolvers_file.yaml:5:17: resolvers: no resolver is defined; add a resolver to the "
            "resolvers list or to the resolvers_file");
}

// Path checks.

// Returns the ConfigError message of a config whose zone example.com has the extra zone keys
// `zone_keys` (a YAML flow map fragment), or "no error".
std::string zoneError(const std::string& zone_keys, const std::string& extra = "") {
  const std::string text = extra + "trust_anchor_files: [" + fixture("root.key") + "]\n" +
                           "zones: [{name: example.com, probes: [{name: www.example.com}], " +
                           zone_keys + "}]\nresolvers: [{address: 192.0.2.53}]\n";
  try {
    parseConfig(text, "inline.yaml", ".");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

Config parsePathConfig(const std::string& zone_keys, const std::string& extra = "") {
  return parseConfig(extra + "trust_anchor_files: [" + fixture("root.key") + "]\n" +
                         "zones: [{name: example.com, probes: [{name: www.example.com}], " +
                         zone_keys + "}]\nresolvers: [{address: 192.0.2.53}]\n",
                     "inline.yaml", ".");
}

TEST(ConfigPathChecksTest, DefaultsMatchTheTable) {
  const Config config = parsePathConfig("size_canaries: []");
  EXPECT_TRUE(config.path_checks.enabled);
  EXPECT_EQ(config.path_checks.interval, 5min);
  EXPECT_EQ(config.path_checks.edns_sizes, (std::vector<uint16_t>{512, 1232, 1400, 4096}));
  for (const auto& setting : config_internal::pathCheckSettings()) {
    SCOPED_TRACE(setting.key);
    EXPECT_FALSE(setting.default_value.empty());
  }
}

TEST(ConfigPathChecksTest, ExampleShowsEveryKeyWithItsDefault) {
  const std::string example = readText(kConfigDir + "/dnssec-watch.example.yaml");
  for (const auto& setting : config_internal::pathCheckSettings()) {
    SCOPED_TRACE(setting.key);
    EXPECT_THAT(example, HasSubstr("\n  " + std::string(setting.key) + ": " +
                                   std::string(setting.default_value) + "\n"));
  }
}

TEST(ConfigChainChecksTest, DefaultsMatchTheTable) {
  const Config config = parsePathConfig("size_canaries: []");
  EXPECT_TRUE(config.chain_checks.enabled);
  EXPECT_EQ(config.chain_checks.interval, 5min);
  EXPECT_TRUE(config.zones.at(0).expected_ds.empty());
  for (const auto& setting : config_internal::chainCheckSettings()) {
    SCOPED_TRACE(setting.key);
    EXPECT_FALSE(setting.default_value.empty());
  }
}

TEST(ConfigChainChecksTest, ExampleShowsEveryKeyWithItsDefault) {
  const std::string example = readText(kConfigDir + "/dnssec-watch.example.yaml");
  EXPECT_THAT(example, HasSubstr("\nchain_checks:\n"));
  EXPECT_THAT(example, HasSubstr("# expected_ds: ["));
  for (const auto& setting : config_internal::chainCheckSettings()) {
    SCOPED_TRACE(setting.key);
    EXPECT_THAT(example, HasSubstr("\n  " + std::string(setting.key) + ": " +
                                   std::string(setting.default_value) + "\n"));
  }
}

TEST(ConfigChainChecksTest, ReadsEveryKey) {
  const std::string ds = "12345 13 2 " + std::string(32, 'a') + " " + std::string(32, 'B');
  const Config config = parsePathConfig("expected_ds: [\"" + ds + "\"]",
                                        "chain_checks: {enabled: false, interval: 10m}\n");
  EXPECT_FALSE(config.chain_checks.enabled);
  EXPECT_EQ(config.chain_checks.interval, 10min);
  EXPECT_EQ(config.zones.at(0).expected_ds, (std::vector<std::string>{ds}));
}

TEST(ConfigChainChecksTest, RejectsExpectedDsThatIsNoDs) {
  try {
    parsePathConfig("expected_ds: [\"13 2 ABCD\"]");
    FAIL() << "no error for a DS without key tag";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("zones[0].expected_ds[0]: \"13 2 ABCD\" is not the "
                                        "RDATA of a DS record; write KEYTAG ALGORITHM"));
  }
}

TEST(ConfigChainChecksTest, RejectsExpectedDsWithTruncatedDigest) {
  EXPECT_EQ(zoneError("expected_ds: [\"12345 13 2 " + std::string(62, 'A') + "\"]"),
            "inline.yaml:2:78: zones[0].expected_ds[0]: \"12345 13 2 " + std::string(62, 'A') +
                "\" has a digest of 31 octets, but digest type 2 (SHA-256) needs 32 octets (64 "
                "hex digits); write KEYTAG ALGORITHM DIGESTTYPE DIGEST with the whole digest as "
                "the provider shows it, e.g. \"12345 13 2 0123ABCD...\"");
}

TEST(ConfigPathChecksTest, ReadsEveryKey) {
  const Config config = parsePathConfig(
      "size_canaries: [a.example.com, {name: b.example.com, type: DNSKEY}], "
      "large_answer: {name: big.example.com}",
      "path_checks: {enabled: false, interval: 2m, edns_sizes: [1232, 4096]}\n");
  EXPECT_FALSE(config.path_checks.enabled);
  EXPECT_EQ(config.path_checks.interval, 2min);
  EXPECT_EQ(config.path_checks.edns_sizes, (std::vector<uint16_t>{1232, 4096}));
  const ZoneSpec& zone = config.zones.at(0);
  ASSERT_EQ(zone.size_canaries.size(), 2u);
  EXPECT_EQ(zone.size_canaries[0].qname, "a.example.com.");
  EXPECT_EQ(zone.size_canaries[0].qtype_name, "TXT");
  EXPECT_EQ(zone.size_canaries[1].qtype_name, "DNSKEY");
  ASSERT_TRUE(zone.large_answer.has_value());
  EXPECT_EQ(zone.large_answer->qname, "big.example.com.");
  EXPECT_EQ(zone.large_answer->qtype_name, "TXT");
}

TEST(ConfigPathChecksTest, SweepAsksLargestCanaryThenDnskey) {
  Config config = parsePathConfig("size_canaries: [a.example.com, z.example.com]");
  EXPECT_EQ(config.zones[0].sweepQuestion().qname, "z.example.com.");
  config = parsePathConfig("size_canaries: []");
  EXPECT_EQ(config.zones[0].sweepQuestion().qname, "example.com.");
  EXPECT_EQ(config.zones[0].sweepQuestion().qtype_name, "DNSKEY");
}

TEST(ConfigPathChecksTest, RejectsCanaryOutsideZone) {
  EXPECT_EQ(zoneError("size_canaries: [dw-size-0496.example.net]"),
            "inline.yaml:2:80: zones[0].size_canaries[0]: \"dw-size-0496.example.net\" is not at "
            "or below zone \"example.com.\"; use a name that ends in example.com.");
}

TEST(ConfigPathChecksTest, RejectsRepeatedCanary) {
  EXPECT_THAT(zoneError("size_canaries: [a.example.com, A.example.com.]"),
              HasSubstr("is already a size canary at line 2; list each canary once"));
}

TEST(ConfigPathChecksTest, RejectsLargeAnswerOutsideZone) {
  EXPECT_THAT(zoneError("large_answer: {name: big.example.org}"),
              HasSubstr("zones[0].large_answer.name: \"big.example.org\" is not at or below "
                        "zone \"example.com.\""));
}

TEST(ConfigPathChecksTest, RejectsTooManyCanaries) {
  std::string list = "size_canaries: [";
  for (int i = 0; i < 33; ++i) {
    list += (i ? ", c" : "c") + std::to_string(i) + ".example.com";
  }
  EXPECT_THAT(zoneError(list + "]"), HasSubstr("lists 33 canaries, more than 32"));
}

TEST(ConfigPathChecksTest, RejectsUnsortedEdnsSizes) {
  EXPECT_EQ(parseError("path_checks: {edns_sizes: [1232, 512]}\n"),
            "inline.yaml:1:34: path_checks.edns_sizes[1]: \"512\" is not larger than the size "
            "before it; list each size once, in ascending order");
}

TEST(ConfigPathChecksTest, RejectsEdnsSizeOutOfRange) {
  EXPECT_THAT(parseError("path_checks: {edns_sizes: [511]}\n"),
              HasSubstr("path_checks.edns_sizes[0]"));
  EXPECT_THAT(parseError("path_checks: {edns_sizes: [65536]}\n"),
              HasSubstr("path_checks.edns_sizes[0]"));
}

TEST(ConfigPathChecksTest, RejectsEmptyEdnsSizes) {
  EXPECT_THAT(parseError("path_checks: {edns_sizes: []}\n"),
              HasSubstr("path_checks.edns_sizes: lists 0 sizes; list from 1 to 8 sizes"));
}

TEST(ConfigPathChecksTest, RejectsNonBooleanEnabled) {
  EXPECT_THAT(parseError("path_checks: {enabled: yes}\n"),
              HasSubstr("path_checks.enabled: \"yes\" is not a boolean; write true or false"));
  EXPECT_THAT(parseError("path_checks: {enabled: \"true\"}\n"),
              HasSubstr("is not a boolean"));
}

TEST(ConfigPathChecksTest, RejectsIntervalShorterThanRound) {
  EXPECT_THAT(parseError("timeout: 5s\npath_checks: {interval: 30s}\n"),
              HasSubstr("path_checks.interval: \"30s\" is shorter than 8 times timeout (40s)"));
  EXPECT_THAT(parseError("interval: 2h\ntimeout: 1h\n"),
              HasSubstr("path_checks.interval: the default 5m is shorter than 8 times timeout"));
  EXPECT_EQ(parseError("interval: 2h\ntimeout: 1h\npath_checks: {enabled: false}\n"
                       "chain_checks: {enabled: false}\n"),
            "no error");
}

TEST(ConfigChainChecksTest, RejectsIntervalShorterThanRound) {
  EXPECT_EQ(parseError("timeout: 2s\nchain_checks: {interval: 3s}\n"),
            "inline.yaml:2:26: chain_checks.interval: \"3s\" is shorter than 8 times timeout "
            "(16s), the longest a round of chain checks can take; raise chain_checks.interval "
            "to at least 16s or lower timeout");
  EXPECT_EQ(parseError("timeout: 2s\nchain_checks: {interval: 16s}\n"), "no error");
}

TEST(ConfigChainChecksTest, RejectsDefaultIntervalShorterThanRound) {
  EXPECT_THAT(parseError("interval: 2h\ntimeout: 1h\npath_checks: {enabled: false}\n"),
              HasSubstr("chain_checks.interval: the default 5m is shorter than 8 times timeout "
                        "(28800s)"));
  EXPECT_EQ(parseError("interval: 2h\ntimeout: 1h\npath_checks: {enabled: false}\n"
                       "chain_checks: {enabled: false}\n"),
            "no error");
}

TEST(ConfigPathChecksTest, RejectsUnknownKey) {
  EXPECT_THAT(parseError("path_checks: {intervall: 5m}\n"),
              HasSubstr("unknown key \"intervall\""));
}

}  // namespace
}  // namespace dw

namespace dw {
namespace {

// Rollout settings: the zone's phase and the state file.

Config parseRolloutConfig(const std::string& zone_keys, const std::string& extra = "") {
  return parseConfig(extra + "trust_anchor_files: [" + fixture("root.key") + "]\n" +
                         "zones: [{name: example.com, probes: [{name: www.example.com}]" +
                         zone_keys + "}]\nresolvers: [{address: 192.0.2.53}]\n",
                     "inline.yaml", "/etc/dw");
}

TEST(ConfigRolloutTest, PhaseDefaultsToAutoAndReadsEveryPhase) {
  EXPECT_EQ(parseRolloutConfig("").zones.at(0).phase, std::nullopt);
  EXPECT_EQ(parseRolloutConfig(", phase: auto").zones.at(0).phase, std::nullopt);
  EXPECT_EQ(parseRolloutConfig(", phase: signed").zones.at(0).phase, Phase::Signed);
  EXPECT_EQ(parseRolloutConfig(", phase: ds_published").zones.at(0).phase, Phase::DsPublished);
  EXPECT_EQ(parseRolloutConfig(", phase: stable").zones.at(0).phase, Phase::Stable);
}

TEST(ConfigRolloutTest, RejectsAnUnknownPhase) {
  try {
    parseRolloutConfig(", phase: ds-published");
    FAIL() << "no error for an unknown phase";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("zones[0].phase: \"ds-published\" is not a rollout "
                                        "phase; write auto, unsigned, signed, ds_published or "
                                        "stable"));
  }
}

TEST(ConfigRolloutTest, StateFileIsResolvedAgainstTheConfigDirectory) {
  EXPECT_EQ(parseRolloutConfig("").state_file, "/var/lib/dnssec-watch/state.yaml");
  EXPECT_EQ(parseRolloutConfig("", "state_file: state/dw.yaml\n").state_file,
            "/etc/dw/state/dw.yaml");
  EXPECT_THROW(parseRolloutConfig("", "state_file: /var/lib/\n"), ConfigError);
}

TEST(ConfigRolloutTest, StateFileDirectoryMustBeWritable) {
  Config config;
  config.source_path = "dw.yaml";
  config.state_file = "/nonexistent-dw-dir/state.yaml";
  try {
    checkStateFileWritable(config);
    FAIL() << "no error for a missing directory";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("dw.yaml: state_file: the directory /nonexistent-dw-dir "
                                        "of /nonexistent-dw-dir/state.yaml does not exist; "));
  }
  config.state_file = "/tmp";
  EXPECT_THROW(checkStateFileWritable(config), ConfigError) << "a directory, not a file";
  config.state_file = "/tmp/dw-config-test-state.yaml";
  EXPECT_NO_THROW(checkStateFileWritable(config));
}

}  // namespace
}  // namespace dw
