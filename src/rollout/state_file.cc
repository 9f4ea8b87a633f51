// SPDX-License-Identifier: Apache-2.0
#include "rollout/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

namespace dw {
namespace {

constexpr int kStateVersion = 1;

std::string lineOf(const YAML::Node& node) {
  return "line " + std::to_string(node.Mark().line + 1);
}

[[noreturn]] void reject(const YAML::Node& node, const std::string& what) {
  throw std::runtime_error(lineOf(node) + ": " + what);
}

template <class T>
T scalar(const YAML::Node& map, const char* key) {
  const YAML::Node node = map[key];
  if (!node || !node.IsScalar()) {
    reject(map, std::string("'") + key + "' is missing or not a scalar");
  }
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    reject(node, std::string("'") + key + "' has the invalid value '" + node.Scalar() + "'");
  }
}

Phase phaseAt(const YAML::Node& map, const char* key) {
  const std::string name = scalar<std::string>(map, key);
  std::optional<Phase> phase = parsePhase(name);
  if (!phase) {
    reject(map[key], std::string("'") + key + "' names no phase: '" + name + "'");
  }
  return *phase;
}

std::optional<Phase> optionalPhase(const YAML::Node& map, const char* key) {
  if (!map[key] || map[key].IsNull()) {
    return std::nullopt;
  }
  return phaseAt(map, key);
}

void emitTransition(YAML::Emitter& out, const Transition& transition) {
  out << YAML::Flow << YAML::BeginMap;
  if (transition.from) {
    out << YAML::Key << "from" << YAML::Value << std::string(phaseName(*transition.from));
  }
  out << YAML::Key << "to" << YAML::Value << std::string(phaseName(transition.to));
  out << YAML::Key << "at" << YAML::Value << transition.at;
  out << YAML::EndMap;
}

void emitZone(YAML::Emitter& out, const ZoneHistory& history) {
  out << YAML::BeginMap;
  if (history.phase) {
    out << YAML::Key << "phase" << YAML::Value << std::string(phaseName(*history.phase));
  }
  out << YAML::Key << "since" << YAML::Value << history.since;
  out << YAML::Key << "seen_entering" << YAML::Value << history.seen_entering;
  if (history.pending) {
    out << YAML::Key << "pending" << YAML::Value << std::string(phaseName(*history.pending));
    out << YAML::Key << "pending_since" << YAML::Value << history.pending_since;
  }
  out << YAML::Key << "unsigned_cache_until" << YAML::Value << history.unsigned_cache_until;
  out << YAML::Key << "ds_everywhere_at" << YAML::Value << history.ds_everywhere_at;
  out << YAML::Key << "ttls" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (TtlKind kind : kTtlKinds) {
    if (std::optional<uint32_t> ttl = history.ttls.get(kind)) {
      out << YAML::Key << std::string(ttlKindName(kind)) << YAML::Value << *ttl;
    }
  }
  out << YAML::EndMap;
  out << YAML::Key << "transitions" << YAML::Value << YAML::BeginSeq;
  for (const Transition& transition : history.transitions) {
    emitTransition(out, transition);
  }
  out << YAML::EndSeq << YAML::EndMap;
}

TtlInventory parseTtls(const YAML::Node& map) {
  TtlInventory ttls;
  const YAML::Node node = map["ttls"];
  if (!node) {
    return ttls;
  }
  if (!node.IsMap()) {
    reject(node, "'ttls' is not a map");
  }
  for (TtlKind kind : kTtlKinds) {
    const std::string name(ttlKindName(kind));
    if (node[name]) {
      ttls.raise(kind, scalar<uint32_t>(node, name.c_str()));
    }
  }
  return ttls;
}

ZoneHistory parseZone(const YAML::Node& map) {
  if (!map.IsMap()) {
    reject(map, "a zone's entry is not a map");
  }
  ZoneHistory history;
  history.phase = optionalPhase(map, "phase");
  history.since = scalar<int64_t>(map, "since");
  history.seen_entering = scalar<bool>(map, "seen_entering");
  history.pending = optionalPhase(map, "pending");
  if (history.pending) {
    history.pending_since = scalar<int64_t>(map, "pending_since");
  }
  history.unsigned_cache_until = scalar<int64_t>(map, "unsigned_cache_until");
  history.ds_everywhere_at = scalar<int64_t>(map, "ds_everywhere_at");
  history.ttls = parseTtls(map);
  const YAML::Node transitions = map["transitions"];
  if (!transitions || !transitions.IsSequence()) {
    reject(map, "'transitions' is missing or not a list");
  }
  for (const YAML::Node& item : transitions) {
    if (!item.IsMap()) {
      reject(item, "a transition is not a map");
    }
    history.transitions.push_back(
        Transition{optionalPhase(item, "from"), phaseAt(item, "to"), scalar<int64_t>(item, "at")});
  }
  return history;
}

std::string errnoText() { return std::strerror(errno); }

// Writes all of `text` to `fd` and flushes it to the disk.
bool writeAll(int fd, const std::string& text) {
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    written += static_cast<size_t>(n);
  }
  return ::fsync(fd) == 0;
}

std::string directoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) {
    return ".";
  }
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string stateText(const RolloutState& state) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << kStateVersion;
  out << YAML::Key << "zones" << YAML::Value << YAML::BeginMap;
  for (const auto& [zone, history] : state) {
    out << YAML::Key << zone << YAML::Value;
    emitZone(out, history);
  }
  out << YAML::EndMap << YAML::EndMap;
  return "# dnssec-watch rollout state: phases and transition times per zone.\n"
         "# Written by dnssec-watch run; edit only while it is stopped.\n" +
         std::string(out.c_str()) + "\n";
}

RolloutState parseStateText(const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw std::runtime_error("line " + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
  if (!root.IsMap()) {
    throw std::runtime_error("line 1: the file is not a YAML map");
  }
  if (scalar<int>(root, "version") != kStateVersion) {
    reject(root["version"], "'version' is not " + std::to_string(kStateVersion));
  }
  const YAML::Node zones = root["zones"];
  if (!zones || !zones.IsMap()) {
    reject(root, "'zones' is missing or not a map");
  }
  RolloutState state;
  for (const auto& entry : zones) {
    state[entry.first.as<std::string>()] = parseZone(entry.second);
  }
  return state;
}

StateFileRead readStateFile(const std::string& path) {
  StateFileRead read;
  std::ifstream file(path);
  if (!file) {
    read.outcome = errno == ENOENT ? StateFileRead::Outcome::Missing
                                   : StateFileRead::Outcome::Unreadable;
    read.problem = errnoText();
    return read;
  }
  std::ostringstream text;
  text << file.rdbuf();
  try {
    read.state = parseStateText(text.str());
    read.outcome = StateFileRead::Outcome::Read;
  } catch (const std::runtime_error& error) {
    read.outcome = StateFileRead::Outcome::Corrupt;
    read.problem = error.what();
  }
  return read;
}

bool writeStateFile(const std::string& path, const RolloutState& state, std::string& error) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create " + temporary + ": " + errnoText();
    return false;
  }
  const bool written = writeAll(fd, stateText(state));
  const std::string write_error = errnoText();
  ::close(fd);
  if (!written) {
    error = "cannot write " + temporary + ": " + write_error;
    ::unlink(temporary.c_str());
    return false;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot rename " + temporary + " to " + path + ": " + errnoText();
    ::unlink(temporary.c_str());
    return false;
  }
  // The rename is durable only once the directory is on disk too.
  const int dir = ::open(directoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

}  // namespace dw
