// SPDX-License-Identifier: Apache-2.0
#include "monitoring_files.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace dw::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> filesWithExtension(const fs::path& dir, const std::string& extension) {
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == extension) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string relativeName(const std::string& path, const std::string& source_dir) {
  return fs::relative(path, source_dir).string();
}

bool isIdentifierStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

bool isIdentifierChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

// Removes the contents of "...", '...' and `...` literals and keeps the quotes.
std::string withoutStringLiterals(const std::string& expression) {
  std::string result;
  char quote = 0;
  for (size_t i = 0; i < expression.size(); ++i) {
    const char c = expression[i];
    if (quote == 0) {
      result += c;
      if (c == '"' || c == '\'' || c == '`') {
        quote = c;
      }
    } else if (c == '\\' && quote != '`') {
      ++i;
    } else if (c == quote) {
      result += c;
      quote = 0;
    }
  }
  return result;
}

// Keywords and operators of PromQL that look like identifiers.
bool isKeyword(const std::string& word) {
  static const std::set<std::string> kKeywords{
      "by",     "without", "on",       "ignoring", "group_left", "group_right", "offset",
      "bool",   "and",     "or",       "unless",   "atan2",      "sum",         "min",
      "max",    "avg",     "group",    "stddev",   "stdvar",     "count",       "count_values",
      "bottomk", "topk",   "quantile", "inf",      "nan",        "Inf",         "NaN"};
  return kKeywords.count(word) > 0;
}

bool isGroupingKeyword(const std::string& word) {
  return word == "by" || word == "without" || word == "on" || word == "ignoring" ||
         word == "group_left" || word == "group_right";
}

void collectRuleExpressions(const YAML::Node& groups, const std::string& where,
                            std::vector<PromqlExpression>& expressions) {
  for (const YAML::Node& group : groups) {
    for (const YAML::Node& rule : group["rules"]) {
      const std::string name = rule["record"] ? rule["record"].as<std::string>()
                                              : rule["alert"].as<std::string>();
      expressions.push_back({where + ": " + name, rule["expr"].as<std::string>()});
    }
  }
}

// Adds the PromQL of a template variable query: label_values(SELECTOR, LABEL) gives SELECTOR,
// query_result(EXPR) gives EXPR, and label_values(LABEL) or metrics(REGEX) give nothing.
void addVariableQuery(const std::string& query, const std::string& where,
                      std::vector<PromqlExpression>& expressions) {
  static const std::regex kLabelValues(R"(^\s*label_values\(([\s\S]*),\s*[A-Za-z_]\w*\s*\)\s*$)");
  static const std::regex kQueryResult(R"(^\s*query_result\(([\s\S]*)\)\s*$)");
  std::smatch match;
  if (std::regex_match(query, match, kLabelValues) || std::regex_match(query, match, kQueryResult)) {
    expressions.push_back({where, substituteDashboardVariables(match[1].str())});
  }
}

void collectPanelExpressions(const nlohmann::json& panels, const std::string& where,
                             std::vector<PromqlExpression>& expressions) {
  for (const nlohmann::json& panel : panels) {
    const std::string panel_where = where + ": panel \"" + panel.value("title", "") + "\"";
    for (const nlohmann::json& target : panel.value("targets", nlohmann::json::array())) {
      if (target.contains("expr")) {
        expressions.push_back({panel_where + " " + target.value("refId", ""),
                               substituteDashboardVariables(target["expr"].get<std::string>())});
      }
    }
    if (panel.contains("panels")) {
      collectPanelExpressions(panel["panels"], where, expressions);
    }
  }
}

// The value of `key` ("record" or "alert") of every rule in the rule files that has it.
std::set<std::string> ruleNames(const std::string& source_dir, const std::string& key) {
  std::set<std::string> names;
  for (const std::string& file :
       filesWithExtension(fs::path(source_dir) / "alerts", ".yaml")) {
    for (const YAML::Node& group : YAML::LoadFile(file)["groups"]) {
      for (const YAML::Node& rule : group["rules"]) {
        if (rule[key]) {
          names.insert(rule[key].as<std::string>());
        }
      }
    }
  }
  return names;
}

}  // namespace

std::vector<std::string> ruleFiles(const std::string& source_dir) {
  return filesWithExtension(fs::path(source_dir) / "alerts", ".yaml");
}

std::vector<std::string> dashboardFiles(const std::string& source_dir) {
  return filesWithExtension(fs::path(source_dir) / "dashboards", ".json");
}

std::vector<PromqlExpression> ruleExpressions(const std::string& source_dir) {
  std::vector<PromqlExpression> expressions;
  for (const std::string& file : ruleFiles(source_dir)) {
    collectRuleExpressions(YAML::LoadFile(file)["groups"], relativeName(file, source_dir),
                           expressions);
  }
  return expressions;
}

std::vector<PromqlExpression> dashboardExpressions(const std::string& source_dir) {
  std::vector<PromqlExpression> expressions;
  for (const std::string& file : dashboardFiles(source_dir)) {
    const std::string where = relativeName(file, source_dir);
    const nlohmann::json dashboard = nlohmann::json::parse(std::ifstream(file));
    collectPanelExpressions(dashboard.value("panels", nlohmann::json::array()), where,
                            expressions);
    for (const nlohmann::json& variable : dashboard["templating"]["list"]) {
      if (variable.value("type", "") != "query") {
        continue;
      }
      const nlohmann::json& query = variable["query"];
      addVariableQuery(query.is_string() ? query.get<std::string>() : query.value("query", ""),
                       where + ": variable " + variable.value("name", ""), expressions);
    }
    for (const nlohmann::json& annotation : dashboard["annotations"]["list"]) {
      if (annotation.contains("expr")) {
        expressions.push_back({where + ": annotation " + annotation.value("name", ""),
                               substituteDashboardVariables(annotation["expr"])});
      }
    }
  }
  return expressions;
}

std::string substituteDashboardVariables(const std::string& expression) {
  static const std::regex kIntervals(R"(\$\{?__(rate_interval|interval|range)\}?)");
  static const std::regex kVariables(R"(\$\{(\w+)(:\w+)?\}|\$(\w+)|\[\[(\w+)\]\])");
  return std::regex_replace(std::regex_replace(expression, kIntervals, "5m"), kVariables,
                            "dummy");
}

std::set<std::string> metricNames(const std::string& expression) {
  const std::string text = withoutStringLiterals(expression);
  std::set<std::string> names;
  int brace_depth = 0;
  int bracket_depth = 0;
  bool skip_next_parenthesis = false;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (skip_next_parenthesis && c != '(' && !std::isspace(static_cast<unsigned char>(c))) {
      // "group_left" and "group_right" may stand without a label list.
      skip_next_parenthesis = false;
    }
    if (c == '{' || c == '}' || c == '[' || c == ']') {
      if (c == '{') {
        ++brace_depth;
      } else if (c == '}') {
        --brace_depth;
      } else if (c == '[') {
        ++bracket_depth;
      } else {
        --bracket_depth;
      }
      ++i;
      continue;
    }
    if (c == '(' && skip_next_parenthesis) {
      i = text.find(')', i);
      i = i == std::string::npos ? text.size() : i + 1;
      skip_next_parenthesis = false;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      // A number or a duration such as 5m: skip it whole.
      while (i < text.size() && (isIdentifierChar(text[i]) || text[i] == '.')) {
        ++i;
      }
      continue;
    }
    if (!isIdentifierStart(c)) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && isIdentifierChar(text[end])) {
      ++end;
    }
    const std::string word = text.substr(i, end - i);
    size_t next = text.find_first_not_of(" \t\r\n", end);
    const char following = next == std::string::npos ? '\0' : text[next];
    if (isGroupingKeyword(word)) {
      skip_next_parenthesis = true;
    } else if (brace_depth == 0 && bracket_depth == 0 && following != '(' && !isKeyword(word)) {
      names.insert(word);
    }
    i = end;
  }
  return names;
}

std::set<std::string> recordedNames(const std::string& source_dir) {
  return ruleNames(source_dir, "record");
}

std::set<std::string> alertNames(const std::string& source_dir) {
  return ruleNames(source_dir, "alert");
}

CommandOutput runCommand(const std::string& command) {
  CommandOutput result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    result.output = "popen failed for: " + command;
    return result;
  }
  char buffer[4096];
  size_t count = 0;
  while ((count = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    result.output.append(buffer, count);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string shellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

std::string promtoolParseErrors(const std::string& promtool,
                                const std::vector<PromqlExpression>& expressions) {
  const fs::path dir = fs::temp_directory_path() / ("dw-promql-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "expressions.yaml";
  std::ostringstream listing;
  {
    std::ofstream rules(file);
    rules << "groups:\n  - name: expressions\n    rules:\n";
    for (size_t i = 0; i < expressions.size(); ++i) {
      // A JSON string is a valid YAML double-quoted scalar.
      rules << "      - record: expression_" << i << "\n        expr: "
            << nlohmann::json(expressions[i].text).dump() << "\n";
      listing << "expression_" << i << " (" << expressions[i].where << "):\n"
              << expressions[i].text << "\n";
    }
  }
  const CommandOutput checked =
      runCommand(shellQuote(promtool) + " check rules " + shellQuote(file.string()));
  fs::remove_all(dir);
  if (checked.exit_code == 0) {
    return "";
  }
  return checked.output + "\n" + listing.str();
}

}  // namespace dw::test
