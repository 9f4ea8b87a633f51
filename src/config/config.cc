// SPDX-License-Identifier: Apache-2.0
// Loading a configuration: the YAML document, the checks that span several keys, and the
// resolvers file. The keys themselves are defined in settings.cc.
#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

#include "config/files.h"
#include "config/location.h"
#include "config/resolvers.h"
#include "config/settings.h"
#include "config/yaml_value.h"

namespace dw {

namespace config_internal {
namespace {

YAML::Node loadDocument(const std::string& text, const Source& source) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::ParserException& error) {
    const Location where = error.mark.is_null()
                               ? Location{source.name}
                               : Location{source.name, error.mark.line + 1, error.mark.column + 1};
    throwConfigError(where, "", "invalid YAML: " + error.msg,
                     "fix the syntax at or before this position");
  }
  if (documents.size() > 1) {
    const YAML::Mark mark = documents[1].Mark();
    const Location where = mark.is_null() ? Location{source.name}
                                          : Location{source.name, mark.line + 1, mark.column + 1};
    throwConfigError(where, "", std::to_string(documents.size()) + " YAML documents found",
                     "keep only one document in the file");
  }
  return documents.empty() ? YAML::Node() : documents[0];
}

void requireTopLevelMap(const YamlValue& root) {
  if (root.node().IsNull()) {
    root.fail("the file contains no settings", "add at least zones and resolvers");
  }
  if (!root.node().IsMap()) {
    root.fail("the top level is not a map of settings", "write one \"key: value\" per line");
  }
}

std::string formatDuration(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) {
    return std::to_string(duration.count() / 1000) + "s";
  }
  return std::to_string(duration.count()) + "ms";
}

// The text of the default of `key` in `settings`, as the table and the example write it.
template <typename T>
std::string defaultText(std::span<const Setting<T>> settings, std::string_view key) {
  for (const Setting<T>& setting : settings) {
    if (setting.key == key) {
      return std::string(setting.default_value);
    }
  }
  return "";
}

// The settings of one kind of round check that bound its interval.
struct RoundBound {
  std::string key;   // The top-level key, e.g. "path_checks".
  std::string name;  // The checks in words, e.g. "path checks".
  bool enabled = false;
  std::chrono::milliseconds interval{0};
  std::string default_interval;
  int steps = 0;  // Exchanges or steps of a round that run one after another.
};

// Throws unless the interval of the checks in `bound` is at least `steps` times timeout, so
// that a round ends before the next round of the same checks starts.
void checkRoundInterval(const YamlValue& root, const Config& config, const RoundBound& bound) {
  const auto round = config.timeout * bound.steps;
  if (!bound.enabled || bound.interval >= round) {
    return;
  }
  const std::string key = bound.key + ".interval";
  const std::optional<YamlValue> checks = root.find(bound.key);
  const std::optional<YamlValue> interval = checks ? checks->find("interval") : std::nullopt;
  const std::string problem = "is shorter than " + std::to_string(bound.steps) +
                              " times timeout (" + formatDuration(round) +
                              "), the longest a round of " + bound.name + " can take";
  const std::string fix =
      "raise " + key + " to at least " + formatDuration(round) + " or lower timeout";
  if (interval) {
    failValue(interval->scalar(), problem, fix);
  }
  throwConfigError(checks ? checks->location() : root.location(), key,
                   "the default " + bound.default_interval + " " + problem, fix);
}

// A round of path checks asks up to about eight questions one after another, each with its own
// timeout.
void checkPathIntervalAboveTimeout(const YamlValue& root, const Config& config) {
  checkRoundInterval(
      root, config,
      RoundBound{"path_checks", "path checks", config.path_checks.enabled,
                 config.path_checks.interval, defaultText(pathCheckSettings(), "interval"), 8});
}

// A round of chain checks runs up to eight steps one after another (see ChainChecker). They are
// the DS and NS queries to the key resolver, the parent's NS RRset, the addresses of its names,
// the parent servers, the addresses of the zone's servers, and those servers. The last two run
// again for NS names that only the zone's own NS RRset lists. Each step waits for its slowest
// exchange, which takes up to one timeout unless a truncated answer is asked again over TCP.
void checkChainIntervalAboveTimeout(const YamlValue& root, const Config& config) {
  checkRoundInterval(
      root, config,
      RoundBound{"chain_checks", "chain checks", config.chain_checks.enabled,
                 config.chain_checks.interval, defaultText(chainCheckSettings(), "interval"), 8});
}

void checkTimeoutBelowInterval(const YamlValue& root, const Config& config) {
  if (config.timeout < config.interval) {
    return;
  }
  if (const std::optional<YamlValue> timeout = root.find("timeout")) {
    failValue(timeout->scalar(),
              "is not shorter than interval (" + formatDuration(config.interval) + ")",
              "set timeout below interval so that each probe ends before the next one starts");
  }
  failValue(root.find("interval")->scalar(),
            "is not longer than the default timeout (" + formatDuration(config.timeout) + ")",
            "raise interval or set a shorter timeout");
}

// A trust_anchor_files key is checked as it is read; this checks the default when it is absent.
void checkDefaultTrustAnchor(const YamlValue& root, const Config& config) {
  if (root.find("trust_anchor_files")) {
    return;
  }
  for (const std::string& path : config.trust_anchor_files) {
    std::string contents;
    if (const int error = readFile(path, contents); error != 0) {
      throwConfigError(root.location(), "trust_anchor_files",
                       "the default " + quote(path) + " cannot be read: " + readErrorText(error),
                       "install the root trust anchor there (Debian package dns-root-data) or "
                       "set trust_anchor_files");
    }
  }
}

void loadResolversFile(const YamlValue& root, Config& config) {
  if (config.resolvers_file.empty()) {
    return;
  }
  std::string text;
  if (const int error = readFile(config.resolvers_file, text); error != 0) {
    const Field path = root.find("resolvers_file")->scalar();
    failValue(path, describeReadError(path, config.resolvers_file, error),
              "check the path and permissions");
  }
  ResolverRegistry registry(config.resolvers);
  parseResolversFile(text, config.resolvers_file, registry);
}

void requireResolvers(const YamlValue& root, const Config& config) {
  if (!config.resolvers.empty()) {
    return;
  }
  std::optional<YamlValue> at = root.find("resolvers_file");
  if (!at) {
    at = root.find("resolvers");
  }
  throwConfigError(at ? at->location() : root.location(), "resolvers", "no resolver is defined",
                   "add a resolver to the resolvers list or to the resolvers_file");
}

// Checks that key_resolver names a defined resolver, or defaults it to the first one.
void checkKeyResolver(const YamlValue& root, Config& config) {
  if (config.key_resolver.empty()) {
    config.key_resolver = config.resolvers.front().name;
    return;
  }
  for (const ResolverSpec& resolver : config.resolvers) {
    if (resolver.name == config.key_resolver) {
      return;
    }
  }
  failValue(root.find("key_resolver")->scalar(), "names no resolver",
            "use the name of a resolver from resolvers or resolvers_file");
}

}  // namespace
}  // namespace config_internal

ProbeSpec ZoneSpec::sweepQuestion() const {
  if (large_answer) {
    return *large_answer;
  }
  if (!size_canaries.empty()) {
    return size_canaries.back();
  }
  return ProbeSpec{.qname = name, .qtype = 48, .qtype_name = "DNSKEY"};
}

Config loadConfig(const std::string& path) {
  std::string text;
  if (const int error = config_internal::readFile(path, text); error != 0) {
    config_internal::throwConfigError(config_internal::Location{path}, "",
                                      "cannot read: " + config_internal::readErrorText(error),
                                      "check the path and permissions");
  }
  return parseConfig(text, path, std::filesystem::path(path).parent_path().string());
}

Config parseConfig(const std::string& yaml_text, const std::string& source_name,
                   const std::string& base_dir) {
  namespace internal = config_internal;
  const internal::Source source{source_name, base_dir};
  const internal::YamlValue root(internal::loadDocument(yaml_text, source), YAML::Mark::null_mark(),
                                 "", source);
  internal::requireTopLevelMap(root);

  Config config;
  config.source_path = source_name;
  internal::applySettings(root, internal::configSettings(), config);
  internal::checkTimeoutBelowInterval(root, config);
  internal::checkPathIntervalAboveTimeout(root, config);
  internal::checkChainIntervalAboveTimeout(root, config);
  internal::checkDefaultTrustAnchor(root, config);
  internal::loadResolversFile(root, config);
  internal::requireResolvers(root, config);
  internal::checkKeyResolver(root, config);
  return config;
}

void checkStateFileWritable(const Config& config) {
  namespace fs = std::filesystem;
  const fs::path file(config.state_file);
  const fs::path directory = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const std::string where = config.source_path + ": state_file: ";
  const std::string fix = "; create the directory and make it writable for this user, or set "
                          "state_file to a file in a writable directory";
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    throw ConfigError(where + "the directory " + directory.string() + " of " + file.string() +
                      " does not exist" + fix);
  }
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    throw ConfigError(where + "the directory " + directory.string() + " of " + file.string() +
                      " is not writable (" + std::strerror(errno) + ")" + fix);
  }
  if (fs::exists(file, error) && !fs::is_regular_file(file, error)) {
    throw ConfigError(where + file.string() + " is not a regular file" +
                      "; remove it or set state_file to another file");
  }
}

}  // namespace dw
