// SPDX-License-Identifier: Apache-2.0
// Typed, located access to the nodes of a yaml-cpp document, and the table-driven reader
// that applies a map of settings to a struct.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/location.h"

namespace dw::config_internal {

// The file being parsed: its name in messages and the directory relative paths start from.
struct Source {
  std::string name;
  std::string base_dir;  // Empty means the current directory.
};

// A YAML node with its key path and position. Every accessor throws a located ConfigError
// when the node does not have the expected kind.
class YamlValue {
 public:
  // `key_mark` is the position of the key that maps to `node`. yaml-cpp 0.7 gives an empty
  // value (a key with nothing after it) the position of the next token, so errors about an
  // empty value cite the key instead.
  YamlValue(YAML::Node node, YAML::Mark key_mark, std::string path, const Source& source);

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  const Source& source() const { return *source_; }
  Location location() const;

  // Returns the scalar as written. Maps, lists and empty values are rejected.
  Field scalar() const;
  // Returns an unquoted decimal integer in [min, max].
  int64_t integer(int64_t min, int64_t max) const;
  // Returns a positive duration such as 500ms, 5s, 2m or 1h.
  std::chrono::milliseconds duration() const;
  // Returns an unquoted true or false.
  bool boolean() const;
  // Returns the items of a list.
  std::vector<YamlValue> items() const;
  // Returns the entries of a map in file order. Keys must be unique and among `allowed`.
  std::vector<YamlValue> entries(std::span<const std::string_view> allowed) const;
  // Returns the value of `key` in this map, or nullopt when this is not a map or lacks the key.
  std::optional<YamlValue> find(std::string_view key) const;
  // Returns the last component of the key path ("address" for "resolvers[2].address").
  std::string_view key() const;

  [[noreturn]] void fail(std::string_view problem, std::string_view fix) const;

 private:
  [[noreturn]] void failKind(std::string_view expected, std::string_view fix) const;
  std::string childPath(std::string_view key) const;

  YAML::Node node_;
  YAML::Mark key_mark_;
  std::string path_;
  const Source* source_;
};

// One configuration key of a map that is read into a `Target` struct. The tables of these in
// settings.cc define every key the file accepts, and config/dnssec-watch.example.yaml mirrors
// them.
template <typename Target>
struct Setting {
  std::string_view key;
  std::string_view type;           // Value kind as shown in help: "duration", "integer", ...
  std::string_view default_value;  // As written in YAML; empty when required or unset.
  std::string_view help;           // Description of the value, with its unit and range.
  bool required = false;
  int64_t min = 0;  // Range of integer settings.
  int64_t max = 0;
  void (*apply)(const Setting& setting, const YamlValue& value, Target& target) = nullptr;
};

// Throws at `map` that its `key` is missing, with the key's help text in the fix.
[[noreturn]] void failMissing(const YamlValue& map, std::string_view key, std::string_view help);

// Applies each entry of the YAML map `map` through its row in `table`, in file order, after
// rejecting unknown and duplicate keys. Throws if a required key is missing.
template <typename Target>
void applySettings(const YamlValue& map, std::span<const Setting<Target>> table, Target& target) {
  std::vector<std::string_view> keys;
  for (const Setting<Target>& setting : table) {
    keys.push_back(setting.key);
  }
  const std::vector<YamlValue> entries = map.entries(keys);
  for (const Setting<Target>& setting : table) {
    bool present = false;
    for (const YamlValue& entry : entries) {
      present = present || entry.key() == setting.key;
    }
    if (setting.required && !present) {
      failMissing(map, setting.key, setting.help);
    }
  }
  for (const YamlValue& entry : entries) {
    for (const Setting<Target>& setting : table) {
      if (entry.key() == setting.key) {
        setting.apply(setting, entry, target);
      }
    }
  }
}

}  // namespace dw::config_internal
