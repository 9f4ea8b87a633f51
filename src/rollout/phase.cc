// SPDX-License-Identifier: Apache-2.0
#include "rollout/phase.h"

#include <algorithm>
#include <array>
#include <utility>

#include "probe/chain_result.h"

namespace dw {
namespace {

constexpr std::array<std::pair<Phase, std::string_view>, 4> kPhaseNames{{
    {Phase::Unsigned, "unsigned"},
    {Phase::Signed, "signed"},
    {Phase::DsPublished, "ds_published"},
    {Phase::Stable, "stable"},
}};

template <class Server>
bool answered(const Server& server) {
  return server.result == "ok";
}

}  // namespace

std::string_view phaseName(Phase phase) {
  for (const auto& [value, name] : kPhaseNames) {
    if (value == phase) {
      return name;
    }
  }
  return "unknown";
}

bool servesAlike(Phase a, Phase b) {
  auto served = [](Phase phase) { return phase == Phase::Stable ? Phase::DsPublished : phase; };
  return served(a) == served(b);
}

std::optional<Phase> parsePhase(std::string_view name) {
  for (const auto& [value, known] : kPhaseNames) {
    if (known == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<Phase> servedPhase(const ChainResult& result) {
  const auto& servers = result.servers;
  if (!result.error.empty() || std::none_of(servers.begin(), servers.end(), answered<AuthServer>)) {
    return std::nullopt;
  }
  const auto& parents = result.parents;
  if (!result.parent.empty() &&
      std::none_of(parents.begin(), parents.end(), answered<ParentServer>)) {
    return std::nullopt;
  }
  const bool ds = std::any_of(parents.begin(), parents.end(), [](const ParentServer& parent) {
    return answered(parent) && !parent.ds.empty();
  });
  if (ds) {
    return Phase::DsPublished;
  }
  const bool all_sign = std::all_of(servers.begin(), servers.end(), [](const AuthServer& server) {
    return !answered(server) || server.signed_zone;
  });
  return all_sign ? Phase::Signed : Phase::Unsigned;
}

}  // namespace dw
