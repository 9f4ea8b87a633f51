// SPDX-License-Identifier: Apache-2.0
// Reads the monitoring files of the repository (alerts/, dashboards/) for tests: the PromQL
// expressions in them, the metric names those expressions use, and the recording rules.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace dw::test {

// One PromQL expression and where it was found, e.g. "dashboards/path-size.json: panel 3".
struct PromqlExpression {
  std::string where;
  std::string text;
};

// The top-level rule files, alerts/*.yaml, sorted.
std::vector<std::string> ruleFiles(const std::string& source_dir);

// The dashboards, dashboards/*.json, sorted.
std::vector<std::string> dashboardFiles(const std::string& source_dir);

// The `expr` of every recording and alerting rule in the rule files.
std::vector<PromqlExpression> ruleExpressions(const std::string& source_dir);

// Every PromQL expression of the dashboards: panel targets (rows included), query
// variables and annotations. Template variables are replaced by dummy values, see
// substituteDashboardVariables, and label_values(SELECTOR, LABEL) by its SELECTOR.
std::vector<PromqlExpression> dashboardExpressions(const std::string& source_dir);

// Replaces Grafana's interval variables ($__rate_interval, $__interval, $__range) by 5m and
// every other $name, ${name} or [[name]] by "dummy", so that promtool can parse the result.
std::string substituteDashboardVariables(const std::string& expression);

// The metric names that an expression selects: identifiers outside string literals, braces
// and brackets that no "(" follows (which would make them functions), that are not PromQL
// keywords and not in the label list of a grouping clause. Recording rule names (with ":")
// are included.
std::set<std::string> metricNames(const std::string& expression);

// The names that the rule files record.
std::set<std::string> recordedNames(const std::string& source_dir);

// The alert names that the rule files define.
std::set<std::string> alertNames(const std::string& source_dir);

struct CommandOutput {
  int exit_code = -1;
  std::string output;  // stdout and stderr together.
};

// Runs `command` through /bin/sh and waits for it.
CommandOutput runCommand(const std::string& command);

// Quotes `text` as one word for /bin/sh.
std::string shellQuote(const std::string& text);

// Checks with `promtool check rules` that every expression parses, by writing them as
// recording rules into a temporary file. Returns promtool's output, each rule's expression
// listed after it, when promtool fails, and an empty string when all parse.
std::string promtoolParseErrors(const std::string& promtool,
                                const std::vector<PromqlExpression>& expressions);

}  // namespace dw::test
