// SPDX-License-Identifier: Apache-2.0
#include "config/yaml_value.h"

#include <algorithm>
#include <map>

#include "config/values.h"

namespace dw::config_internal {

namespace {

std::string describeKind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "is a map";
    case YAML::NodeType::Sequence:
      return "is a list";
    case YAML::NodeType::Scalar:
      return quote(node.Scalar()) + " is a string";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "has no value";
}

// Returns the Levenshtein distance between `a` and `b`, for "did you mean" suggestions.
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

// Returns the fix text for the unknown `key`. It suggests an allowed key within two edits of
// `key`, if there is one, and lists all allowed keys.
std::string suggestKeys(std::string_view key, std::span<const std::string_view> allowed) {
  std::string fix;
  for (std::string_view candidate : allowed) {
    if (editDistance(key, candidate) <= 2) {
      fix = "did you mean " + quote(candidate) + "? ";
      break;
    }
  }
  fix += "allowed keys are";
  for (size_t i = 0; i < allowed.size(); ++i) {
    fix += (i == 0 ? " " : ", ");
    fix += allowed[i];
  }
  return fix;
}

Location toLocation(std::string_view file, const YAML::Mark& mark) {
  if (mark.is_null()) {
    return Location{file, 1, 1};
  }
  return Location{file, mark.line + 1, mark.column + 1};
}

}  // namespace

YamlValue::YamlValue(YAML::Node node, YAML::Mark key_mark, std::string path, const Source& source)
    : node_(std::move(node)), key_mark_(key_mark), path_(std::move(path)), source_(&source) {}

Location YamlValue::location() const {
  const bool has_value = node_.IsDefined() && !node_.IsNull();
  return toLocation(source_->name, has_value ? node_.Mark() : key_mark_);
}

void YamlValue::fail(std::string_view problem, std::string_view fix) const {
  throwConfigError(location(), path_, problem, fix);
}

void YamlValue::failKind(std::string_view expected, std::string_view fix) const {
  fail(describeKind(node_) + ", expected " + std::string(expected), fix);
}

std::string YamlValue::childPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string_view YamlValue::key() const {
  const std::string_view path = path_;
  const size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

Field YamlValue::scalar() const {
  if (!node_.IsScalar()) {
    failKind("a single value", "write one value after the key");
  }
  return Field{location(), path_, node_.Scalar()};
}

int64_t YamlValue::integer(int64_t min, int64_t max) const {
  const Field field = scalar();
  // yaml-cpp tags quoted scalars "!" and plain ones "?".
  if (node_.Tag() == "!") {
    failValue(field, "is a quoted string, expected a number", "remove the quotes");
  }
  return parseInteger(field, min, max);
}

std::chrono::milliseconds YamlValue::duration() const { return parsePositiveDuration(scalar()); }

bool YamlValue::boolean() const {
  const Field field = scalar();
  if (node_.Tag() != "!" && (field.text == "true" || field.text == "false")) {
    return field.text == "true";
  }
  failValue(field, "is not a boolean", "write true or false, without quotes");
}

std::vector<YamlValue> YamlValue::items() const {
  if (!node_.IsSequence()) {
    const std::string example = node_.IsScalar() ? "[" + node_.Scalar() + "]" : "[a, b]";
    failKind("a list", "write a list, e.g. " + example + ", or one \"- item\" per line");
  }
  std::vector<YamlValue> values;
  for (size_t i = 0; i < node_.size(); ++i) {
    const YAML::Node item = node_[i];
    values.emplace_back(item, item.Mark(), path_ + "[" + std::to_string(i) + "]", *source_);
  }
  return values;
}

std::vector<YamlValue> YamlValue::entries(std::span<const std::string_view> allowed) const {
  if (!node_.IsMap()) {
    failKind("a map", "write one \"key: value\" per line or {key: value, ...}");
  }
  std::vector<YamlValue> values;
  std::map<std::string, int, std::less<>> first_lines;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const YamlValue key(it->first, it->first.Mark(), path_, *source_);
    const Field key_field = key.scalar();
    const std::string& name = key_field.text;
    const Location key_at = key_field.where;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      throwConfigError(key_at, childPath(name), "unknown key " + quote(name),
                       suggestKeys(name, allowed));
    }
    if (auto [first, inserted] = first_lines.emplace(name, key_at.line); !inserted) {
      throwConfigError(key_at, childPath(name),
                       "duplicate key, first set at line " + std::to_string(first->second),
                       "remove one of them");
    }
    values.emplace_back(it->second, it->first.Mark(), childPath(name), *source_);
  }
  return values;
}

std::optional<YamlValue> YamlValue::find(std::string_view key) const {
  if (!node_.IsMap()) {
    return std::nullopt;
  }
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      return YamlValue(it->second, it->first.Mark(), childPath(key), *source_);
    }
  }
  return std::nullopt;
}

void failMissing(const YamlValue& map, std::string_view key, std::string_view help) {
  const std::string path =
      map.path().empty() ? std::string(key) : map.path() + "." + std::string(key);
  throwConfigError(map.location(), path, "is missing", "add it (" + std::string(help) + ")");
}

}  // namespace dw::config_internal
