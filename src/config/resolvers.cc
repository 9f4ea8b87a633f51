// SPDX-License-Identifier: Apache-2.0
#include "config/resolvers.h"

#include <algorithm>
#include <array>

#include "config/values.h"

namespace dw::config_internal {

namespace {

std::string endpointKey(const ResolverSpec& spec) {
  return spec.address + " " + std::to_string(spec.port);
}

// One whitespace-separated field of a resolvers file line, with its 1-based column.
struct Token {
  std::string_view text;
  int column = 0;
};

// A line has at most three fields, so a fourth one is collected only to be reported.
using LineTokens = std::array<Token, 4>;

// Splits `line` at spaces, tabs and carriage returns, up to a "#" that starts a comment.
// Returns the number of tokens stored, which stops at the capacity of `tokens`.
size_t splitLine(std::string_view line, LineTokens& tokens) {
  size_t count = 0;
  size_t position = 0;
  while (count < tokens.size()) {
    position = line.find_first_not_of(" \t\r", position);
    if (position == std::string_view::npos || line[position] == '#') {
      break;
    }
    const size_t end = std::min(line.find_first_of(" \t\r#", position), line.size());
    tokens[count++] = Token{line.substr(position, end - position), static_cast<int>(position) + 1};
    position = end;
  }
  return count;
}

// Rejects "ADDRESS PORT", which parses as NAME ADDRESS, with a fix that explains how to set a port.
void rejectAddressPortPair(const LineTokens& tokens, const Field& address) {
  const bool first_is_address = toIpAddress(std::string(tokens[0].text)).has_value();
  const bool second_is_number =
      tokens[1].text.find_first_not_of("0123456789") == std::string_view::npos;
  if (first_is_address && second_is_number) {
    failValue(address, "is not a numeric IP address",
              "a line with two fields is NAME ADDRESS, so to set a port write NAME ADDRESS PORT");
  }
}

void parseLine(std::string_view line, const Location& where, ResolverRegistry& registry) {
  LineTokens tokens;
  const size_t count = splitLine(line, tokens);
  if (count == 0) {
    return;
  }

  auto toField = [&where](const Token& token, std::string_view key) {
    return Field{Location{where.file, where.line, token.column}, std::string(key),
                 std::string(token.text)};
  };
  if (count == tokens.size()) {
    failValue(toField(tokens[3], ""), "is a fourth field",
              "write NAME ADDRESS [PORT] or ADDRESS on each line");
  }
  const Field address = toField(tokens[count == 1 ? 0 : 1], "address");
  if (count == 2) {
    rejectAddressPortPair(tokens, address);
  }

  const IpAddress ip = parseIpAddress(address);
  ResolverSpec spec{
      .name = ip.text, .address = ip.text, .family = ip.family, .origin = describeLine(where)};
  if (count == 3) {
    spec.port = static_cast<uint16_t>(parseInteger(toField(tokens[2], "port"), 1, 65535));
  }

  Field name{address.where, "name", ip.text};
  if (count >= 2) {
    name = toField(tokens[0], "name");
    checkLabelValue(name, kResolverNameChars);
    spec.name = name.text;
  }
  registry.add(std::move(spec), name, address, count == 1);
}

}  // namespace

ResolverRegistry::ResolverRegistry(std::vector<ResolverSpec>& resolvers) : resolvers_(resolvers) {
  for (size_t i = 0; i < resolvers.size(); ++i) {
    by_name_.emplace(resolvers[i].name, i);
    by_endpoint_.emplace(endpointKey(resolvers[i]), i);
  }
}

void ResolverRegistry::add(ResolverSpec spec, const Field& name, const Field& address,
                           bool name_defaulted) {
  const size_t index = resolvers_.size();
  if (auto [first, inserted] = by_endpoint_.emplace(endpointKey(spec), index); !inserted) {
    const ResolverSpec& existing = resolvers_[first->second];
    failValue(address,
              "with port " + std::to_string(spec.port) + " is already resolver " +
                  quote(existing.name) + ", defined at " + existing.origin,
              "remove one of the two");
  }
  if (auto [first, inserted] = by_name_.emplace(spec.name, index); !inserted) {
    const ResolverSpec& existing = resolvers_[first->second];
    const std::string problem =
        quote(spec.name) + (name_defaulted ? ", the default name taken from the address," : "") +
        " is already the name of the resolver defined at " + existing.origin;
    throwConfigError(name.where, name.path, problem, "give each resolver a unique name");
  }
  resolvers_.push_back(std::move(spec));
}

void parseResolversFile(std::string_view text, std::string_view file_name,
                        ResolverRegistry& registry) {
  int line_number = 0;
  size_t line_start = 0;
  while (line_start < text.size()) {
    const size_t line_end = std::min(text.find('\n', line_start), text.size());
    ++line_number;
    parseLine(text.substr(line_start, line_end - line_start), Location{file_name, line_number, 1},
              registry);
    line_start = line_end + 1;
  }
}

}  // namespace dw::config_internal
