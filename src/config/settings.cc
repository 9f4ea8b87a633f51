// SPDX-License-Identifier: Apache-2.0
#include "config/settings.h"

#include <map>
#include <utility>

#include "config/files.h"
#include "config/resolvers.h"
#include "config/values.h"
#include "dns/ds_check.h"

namespace dw::config_internal {

namespace {

// Vantage values become a label on every metric, so they keep to a conservative character set.
constexpr std::string_view kVantageChars = "_.-";

ProbeSpec readProbe(const YamlValue& item) {
  ProbeSpec probe{.qname = "", .qtype = 1, .qtype_name = "A"};
  applySettings(item, probeSettings(), probe);
  return probe;
}

// Throws unless each probe of `zone` is at or below the zone name and no probe is repeated.
void checkZoneProbes(const YamlValue& item, const ZoneSpec& zone) {
  const std::vector<YamlValue> probe_values = item.find("probes")->items();
  std::map<std::pair<std::string, uint16_t>, int> first_lines;
  for (size_t i = 0; i < zone.probes.size(); ++i) {
    const ProbeSpec& probe = zone.probes[i];
    const Field name = probe_values[i].find("name")->scalar();
    if (!isAtOrBelow(probe.qname, zone.name)) {
      failValue(name, "is not at or below zone " + quote(zone.name),
                "use a name that ends in " + zone.name + " or move the probe to its own zone");
    }
    const Location where = probe_values[i].location();
    if (auto [first, inserted] =
            first_lines.emplace(std::pair(probe.qname, probe.qtype), where.line);
        !inserted) {
      throwConfigError(where, probe_values[i].path(),
                       quote(probe.qname) + " type " + probe.qtype_name +
                           " is already probed at line " + std::to_string(first->second),
                       "remove one of the two");
    }
  }
}

// Throws unless each size canary and the large answer of `zone` lie at or below the zone
// name, and no canary is repeated.
void checkZonePathNames(const YamlValue& item, const ZoneSpec& zone) {
  const std::string fix = "use a name that ends in " + zone.name;
  if (const std::optional<YamlValue> canaries = item.find("size_canaries")) {
    const std::vector<YamlValue> values = canaries->items();
    std::map<std::string, int> first_lines;
    for (size_t i = 0; i < zone.size_canaries.size(); ++i) {
      const Field name = values[i].node().IsMap() ? values[i].find("name")->scalar()
                                                  : values[i].scalar();
      const std::string& qname = zone.size_canaries[i].qname;
      if (!isAtOrBelow(qname, zone.name)) {
        failValue(name, "is not at or below zone " + quote(zone.name), fix);
      }
      if (auto [first, inserted] = first_lines.emplace(qname, name.where.line); !inserted) {
        failValue(name, "is already a size canary at line " + std::to_string(first->second),
                  "list each canary once, smallest answer first");
      }
    }
  }
  if (const std::optional<YamlValue> large = item.find("large_answer")) {
    const Field name = large->find("name")->scalar();
    if (!isAtOrBelow(zone.large_answer->qname, zone.name)) {
      failValue(name, "is not at or below zone " + quote(zone.name), fix);
    }
  }
}

ZoneSpec readZone(const YamlValue& item) {
  ZoneSpec zone;
  applySettings(item, zoneSettings(), zone);
  checkZoneProbes(item, zone);
  checkZonePathNames(item, zone);
  return zone;
}

// Reads one item of `resolvers`. The name defaults to the address.
void readResolver(const YamlValue& item, ResolverRegistry& registry) {
  ResolverSpec spec;
  applySettings(item, resolverSettings(), spec);
  spec.origin = describeLine(item.location());
  const Field address = item.find("address")->scalar();
  const std::optional<YamlValue> name_value = item.find("name");
  Field name{address.where, item.path() + ".name", spec.address};
  if (name_value) {
    name = name_value->scalar();
  } else {
    spec.name = spec.address;
  }
  registry.add(std::move(spec), name, address, !name_value);
}

void applyListen(const Setting<Config>&, const YamlValue& value, Config& config) {
  const Field field = value.scalar();
  const HostPort listen = parseHostPort(field);
  if (listen.address.family == 6) {
    // mg_check_feature(8) is 0 in Debian 12's libcivetweb1 1.15: it cannot bind IPv6.
    failValue(field, "is an IPv6 address, which the HTTP server (civetweb 1.15 as Debian builds "
                     "it) cannot listen on",
              "use an IPv4 address, e.g. 127.0.0.1:9911");
  }
  config.listen_address = listen.address.text;
  config.listen_port = listen.port;
}

void applyVantage(const Setting<Config>&, const YamlValue& value, Config& config) {
  const Field vantage = value.scalar();
  checkLabelValue(vantage, kVantageChars);
  config.vantage = vantage.text;
}

void applyTrustAnchorFiles(const Setting<Config>&, const YamlValue& value, Config& config) {
  const std::vector<YamlValue> items = value.items();
  if (items.empty()) {
    value.fail("is empty", "list at least one trust anchor file, e.g. [/usr/share/dns/root.key]");
  }
  config.trust_anchor_files.clear();
  for (const YamlValue& item : items) {
    const Field path = item.scalar();
    const std::string resolved = resolvePath(value.source().base_dir, path.text);
    checkTrustAnchorFile(path, resolved);
    config.trust_anchor_files.push_back(resolved);
  }
}

void applyInterval(const Setting<Config>&, const YamlValue& value, Config& config) {
  config.interval = value.duration();
}

void applyTimeout(const Setting<Config>&, const YamlValue& value, Config& config) {
  config.timeout = value.duration();
}

void applyEdnsBufferSize(const Setting<Config>& setting, const YamlValue& value, Config& config) {
  config.edns_buffer_size = static_cast<uint16_t>(value.integer(setting.min, setting.max));
}

void applyWorkers(const Setting<Config>& setting, const YamlValue& value, Config& config) {
  config.workers = static_cast<int>(value.integer(setting.min, setting.max));
}

void applyKeyResolver(const Setting<Config>&, const YamlValue& value, Config& config) {
  const Field name = value.scalar();
  checkLabelValue(name, kResolverNameChars);
  config.key_resolver = name.text;
}

void applyValidatingResolversMax(const Setting<Config>& setting, const YamlValue& value,
                                 Config& config) {
  config.validating_resolvers_max = static_cast<int>(value.integer(setting.min, setting.max));
}

void applyBogusCanary(const Setting<Config>&, const YamlValue& value, Config& config) {
  config.bogus_canary = readProbe(value);
}

void applyZones(const Setting<Config>&, const YamlValue& value, Config& config) {
  const std::vector<YamlValue> items = value.items();
  if (items.empty()) {
    value.fail("is empty", "add at least one zone with at least one probe");
  }
  std::map<std::string, int> first_lines;
  for (const YamlValue& item : items) {
    ZoneSpec zone = readZone(item);
    const Field name = item.find("name")->scalar();
    if (auto [first, inserted] = first_lines.emplace(zone.name, name.where.line); !inserted) {
      failValue(name,
                "names zone " + zone.name + " again, which is first defined at line " +
                    std::to_string(first->second),
                "merge the probes into one zone");
    }
    config.zones.push_back(std::move(zone));
  }
}

void applyPathChecks(const Setting<Config>&, const YamlValue& value, Config& config) {
  applySettings(value, pathCheckSettings(), config.path_checks);
}

void applyChainChecks(const Setting<Config>&, const YamlValue& value, Config& config) {
  applySettings(value, chainCheckSettings(), config.chain_checks);
}

void applyResolvers(const Setting<Config>&, const YamlValue& value, Config& config) {
  ResolverRegistry registry(config.resolvers);
  for (const YamlValue& item : value.items()) {
    readResolver(item, registry);
  }
}

// Stores the resolved path. config.cc reads the file after all keys, so that the resolvers of
// the YAML list come first.
void applyResolversFile(const Setting<Config>&, const YamlValue& value, Config& config) {
  const Field path = value.scalar();
  if (path.text.empty()) {
    failValue(path, "is an empty path", "name a file or remove the key");
  }
  config.resolvers_file = resolvePath(value.source().base_dir, path.text);
}

// Stores the resolved path; `run` checks that its directory is writable before it starts.
void applyStateFile(const Setting<Config>&, const YamlValue& value, Config& config) {
  const Field path = value.scalar();
  if (path.text.empty() || path.text.back() == '/') {
    failValue(path, "is not a file path", "name a file, e.g. /var/lib/dnssec-watch/state.yaml");
  }
  config.state_file = resolvePath(value.source().base_dir, path.text);
}

void applyZoneName(const Setting<ZoneSpec>&, const YamlValue& value, ZoneSpec& zone) {
  zone.name = parseDomainName(value.scalar());
}

void applyProbes(const Setting<ZoneSpec>&, const YamlValue& value, ZoneSpec& zone) {
  const std::vector<YamlValue> items = value.items();
  if (items.empty()) {
    value.fail("is empty", "add at least one probe, e.g. [{name: www.example.com, type: A}]");
  }
  for (const YamlValue& item : items) {
    zone.probes.push_back(readProbe(item));
  }
}

// A canary is a bare name, asked with type TXT, or a probe map with name and type.
void applySizeCanaries(const Setting<ZoneSpec>& setting, const YamlValue& value,
                       ZoneSpec& zone) {
  const std::vector<YamlValue> items = value.items();
  if (items.size() > static_cast<size_t>(setting.max)) {
    value.fail("lists " + std::to_string(items.size()) + " canaries, more than " +
                   std::to_string(setting.max),
               "keep the canaries around the sizes that matter, as `dnssec-watch canaries` "
               "prints them");
  }
  for (const YamlValue& item : items) {
    if (item.node().IsMap()) {
      zone.size_canaries.push_back(readProbe(item));
      continue;
    }
    zone.size_canaries.push_back(
        ProbeSpec{.qname = parseDomainName(item.scalar()), .qtype = 16, .qtype_name = "TXT"});
  }
}

void applyLargeAnswer(const Setting<ZoneSpec>&, const YamlValue& value, ZoneSpec& zone) {
  ProbeSpec probe{.qname = "", .qtype = 16, .qtype_name = "TXT"};
  applySettings(value, probeSettings(), probe);
  zone.large_answer = probe;
}

void applyExpectedDs(const Setting<ZoneSpec>&, const YamlValue& value, ZoneSpec& zone) {
  for (const YamlValue& item : value.items()) {
    const Field ds = item.scalar();
    std::string problem;
    if (!dns::parseDs(ds.text, &problem)) {
      failValue(ds, problem,
                "write KEYTAG ALGORITHM DIGESTTYPE DIGEST with the whole digest as the provider "
                "shows it, e.g. \"12345 13 2 0123ABCD...\"");
    }
    zone.expected_ds.push_back(ds.text);
  }
}

void applyZonePhase(const Setting<ZoneSpec>&, const YamlValue& value, ZoneSpec& zone) {
  const Field name = value.scalar();
  if (name.text == "auto") {
    zone.phase.reset();
    return;
  }
  zone.phase = parsePhase(name.text);
  if (!zone.phase) {
    failValue(name, "is not a rollout phase",
              "write auto, unsigned, signed, ds_published or stable");
  }
}

void applyChainEnabled(const Setting<ChainCheckSettings>&, const YamlValue& value,
                       ChainCheckSettings& chain) {
  chain.enabled = value.boolean();
}

// config.cc checks the lower bound against timeout once every key is read.
void applyChainInterval(const Setting<ChainCheckSettings>&, const YamlValue& value,
                        ChainCheckSettings& chain) {
  chain.interval = value.duration();
}

void applyPathEnabled(const Setting<PathCheckSettings>&, const YamlValue& value,
                      PathCheckSettings& path) {
  path.enabled = value.boolean();
}

void applyPathInterval(const Setting<PathCheckSettings>&, const YamlValue& value,
                       PathCheckSettings& path) {
  path.interval = value.duration();
}

void applyEdnsSizes(const Setting<PathCheckSettings>& setting, const YamlValue& value,
                    PathCheckSettings& path) {
  const std::vector<YamlValue> items = value.items();
  if (items.empty() || items.size() > 8) {
    value.fail("lists " + std::to_string(items.size()) + " sizes",
               "list from 1 to 8 sizes, e.g. [512, 1232, 1400, 4096]");
  }
  path.edns_sizes.clear();
  for (const YamlValue& item : items) {
    const auto size = static_cast<uint16_t>(item.integer(setting.min, setting.max));
    if (!path.edns_sizes.empty() && size <= path.edns_sizes.back()) {
      failValue(item.scalar(), "is not larger than the size before it",
                "list each size once, in ascending order");
    }
    path.edns_sizes.push_back(size);
  }
}

void applyProbeName(const Setting<ProbeSpec>&, const YamlValue& value, ProbeSpec& probe) {
  probe.qname = parseDomainName(value.scalar());
}

void applyProbeType(const Setting<ProbeSpec>&, const YamlValue& value, ProbeSpec& probe) {
  const RrType type = parseRrType(value.scalar());
  probe.qtype = type.code;
  probe.qtype_name = type.mnemonic;
}

void applyResolverName(const Setting<ResolverSpec>&, const YamlValue& value,
                       ResolverSpec& resolver) {
  const Field name = value.scalar();
  checkLabelValue(name, kResolverNameChars);
  resolver.name = name.text;
}

void applyResolverAddress(const Setting<ResolverSpec>&, const YamlValue& value,
                          ResolverSpec& resolver) {
  const IpAddress address = parseIpAddress(value.scalar());
  resolver.address = address.text;
  resolver.family = address.family;
}

void applyResolverPort(const Setting<ResolverSpec>& setting, const YamlValue& value,
                       ResolverSpec& resolver) {
  resolver.port = static_cast<uint16_t>(value.integer(setting.min, setting.max));
}

// clang-format off
constexpr Setting<Config> kConfigSettings[] = {
    {"listen", "address:port", "127.0.0.1:9911",
     "numeric IPv4 address and TCP port of the HTTP server for /metrics, e.g. 127.0.0.1:9911",
     false, 0, 0, applyListen},
    {"vantage", "label value", "default",
     "value of the vantage label on every metric, which names where this monitor runs, in "
     "ASCII letters, digits, \"_\", \".\" and \"-\"", false, 0, 0, applyVantage},
    {"trust_anchor_files", "list of paths", "[/usr/share/dns/root.key]",
     "files of DS or DNSKEY records that validation starts from, with relative paths resolved "
     "against the directory of the configuration file", false, 0, 0, applyTrustAnchorFiles},
    {"interval", "duration", "60s",
     "time between two runs of each probe, e.g. 500ms, 10s, 2m, 1h", false, 0, 0, applyInterval},
    {"timeout", "duration", "5s",
     "deadline of each exchange of a probe, which must be shorter than interval", false, 0, 0,
     applyTimeout},
    {"edns_buffer_size", "integer, bytes", "1232",
     "EDNS UDP payload size that raw probes advertise, from 512 to 65535 bytes", false, 512,
     65535, applyEdnsBufferSize},
    {"workers", "integer", "2", "number of event-loop threads, from 1 to 64", false, 1, 64,
     applyWorkers},
    {"validating_resolvers_max", "integer", "256",
     "maximum number of resolvers that get a libunbound context of their own, from 0 to "
     "100000. Each context costs about 1-1.5 MB once it has resolved a name", false, 0, 100'000,
     applyValidatingResolversMax},
    {"key_resolver", "resolver name", "",
     "name of the resolver through which the DNSKEYs for local validation are fetched, for "
     "the resolvers beyond validating_resolvers_max, by default the first resolver", false, 0,
     0, applyKeyResolver},
    {"bogus_canary", "probe", "",
     "a name with a deliberately broken DNSSEC chain, which only non-validating resolvers "
     "answer, e.g. {name: www.dnssec-failed.org, type: A}", false, 0, 0, applyBogusCanary},
    {"zones", "list of zones", "",
     "zones to watch, each with its probes, e.g. "
     "[{name: example.com, probes: [{name: www.example.com, type: A}]}]", true, 0, 0,
     applyZones},
    {"path_checks", "map", "",
     "settings of the path checks (EDNS size sweep, reply-size search, stripping and "
     "negative answers), e.g. {interval: 5m, edns_sizes: [512, 1232, 1400, 4096]}", false, 0, 0,
     applyPathChecks},
    {"chain_checks", "map", "",
     "settings of the chain checks at the zone's authoritative servers and its parent's "
     "servers (serials, DS, signatures), e.g. {interval: 5m}", false, 0, 0, applyChainChecks},
    {"resolvers", "list of resolvers", "",
     "recursive resolvers that every probe is sent through, e.g. "
     "[{name: resolver1, address: 192.0.2.53}]", false, 0, 0, applyResolvers},
    {"resolvers_file", "path", "",
     "file of further resolvers, one per line as NAME ADDRESS [PORT] or ADDRESS, with a "
     "relative path resolved against the directory of the configuration file", false, 0, 0,
     applyResolversFile},
    {"state_file", "path", "/var/lib/dnssec-watch/state.yaml",
     "file where `run` keeps each zone's rollout phase and transition times across restarts, "
     "in a writable directory, with a relative path resolved against the directory of the "
     "configuration file", false, 0, 0, applyStateFile},
};

constexpr Setting<ZoneSpec> kZoneSettings[] = {
    {"name", "domain name", "", "domain name of the zone, e.g. example.com", true, 0, 0,
     applyZoneName},
    {"probes", "list of probes", "",
     "questions sent for the zone, each at or below the zone name, e.g. "
     "[{name: www.example.com, type: A}]", true, 0, 0, applyProbes},
    {"size_canaries", "list of names or probes", "",
     "names whose signed answers have increasing, known sizes, smallest first, asked with type "
     "TXT unless given as {name, type}. `dnssec-watch canaries` prints records for them",
     false, 0, 32, applySizeCanaries},
    {"large_answer", "probe", "",
     "the large signed answer of the EDNS size sweep, by default the largest size canary, or "
     "the zone's DNSKEY RRset without canaries, e.g. {name: big.example.com, type: TXT}", false,
     0, 0, applyLargeAnswer},
    {"expected_ds", "list of DS RDATA", "",
     "DS records to check against the zone's DNSKEY RRset before they are published, as the "
     "provider shows them, e.g. [\"12345 13 2 0123ABCD...\"]", false, 0, 0, applyExpectedDs},
    {"phase", "rollout phase", "auto",
     "the zone's rollout phase: unsigned, signed, ds_published or stable, or auto to take the "
     "phase the servers serve, as the chain checks detect it", false, 0, 0, applyZonePhase},
};

constexpr Setting<PathCheckSettings> kPathCheckSettings[] = {
    {"enabled", "boolean", "true", "whether path checks run, true or false", false, 0, 0,
     applyPathEnabled},
    {"interval", "duration", "5m",
     "time between two path-check rounds of each zone and resolver, e.g. 5m", false, 0, 0,
     applyPathInterval},
    {"edns_sizes", "list of integers, bytes", "[512, 1232, 1400, 4096]",
     "EDNS UDP payload sizes of the sweep, ascending, each from 512 to 65535; the sweep also "
     "asks once without EDNS", false, 512, 65535, applyEdnsSizes},
};

constexpr Setting<ChainCheckSettings> kChainCheckSettings[] = {
    {"enabled", "boolean", "true", "whether chain checks run, true or false", false, 0, 0,
     applyChainEnabled},
    {"interval", "duration", "5m", "time between two chain-check rounds of each zone, e.g. 5m",
     false, 0, 0, applyChainInterval},
};

constexpr Setting<ProbeSpec> kProbeSettings[] = {
    {"name", "domain name", "", "query name, e.g. www.example.com", true, 0, 0, applyProbeName},
    {"type", "RR type", "A", "query type as a mnemonic such as AAAA or DNSKEY, or TYPEnnn",
     false, 0, 0, applyProbeType},
};

constexpr Setting<ResolverSpec> kResolverSettings[] = {
    {"name", "label value", "",
     "unique name used in metric labels, by default the address", false, 0, 0,
     applyResolverName},
    {"address", "IP address", "", "numeric IPv4 or IPv6 address, e.g. 192.0.2.53", true, 0, 0,
     applyResolverAddress},
    {"port", "integer", "53", "DNS port of the resolver, from 1 to 65535", false, 1, 65535,
     applyResolverPort},
};
// clang-format on

}  // namespace

std::span<const Setting<Config>> configSettings() { return kConfigSettings; }
std::span<const Setting<ZoneSpec>> zoneSettings() { return kZoneSettings; }
std::span<const Setting<ProbeSpec>> probeSettings() { return kProbeSettings; }
std::span<const Setting<PathCheckSettings>> pathCheckSettings() { return kPathCheckSettings; }
std::span<const Setting<ChainCheckSettings>> chainCheckSettings() {
  return kChainCheckSettings;
}
std::span<const Setting<ResolverSpec>> resolverSettings() { return kResolverSettings; }

}  // namespace dw::config_internal
