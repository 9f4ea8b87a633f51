// SPDX-License-Identifier: Apache-2.0
#include "rollout/state_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "dns/message.h"

namespace dw {
namespace {

constexpr int kStateVersion = 1;
// Files larger than this are rejected rather than parsed.
constexpr off_t kMaxStateBytes = 64 << 20;

std::string lineOf(const YAML::Node& node) {
  return "line " + std::to_string(node.Mark().line + 1);
}

// Replaces bytes outside printable ASCII, so a corrupt file cannot put control characters
// into the log or the terminal.
std::string printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\x%02x", c);
      out += escaped;
    }
  }
  return out;
}

[[noreturn]] void reject(const YAML::Node& node, const std::string& what) {
  throw std::runtime_error(lineOf(node) + ": " + printable(what));
}

// The times a state file may hold: 0 for unset, else from 2000 to a day after `now`, or, for
// the end of a cache lifetime, to the longest lifetime after `now`. A time beyond that comes
// from a clock that was wrong, and would hold a wait for years.
struct TimeRange {
  int64_t now = 0;
  int64_t ahead = 86400;
};
constexpr int64_t kEarliestTime = 946684800;  // 2000-01-01T00:00:00Z

int64_t timeAt(const YAML::Node& map, const char* key, const TimeRange& range);

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

int64_t timeAt(const YAML::Node& map, const char* key, const TimeRange& range) {
  const int64_t value = scalar<int64_t>(map, key);
  if (value != 0 && (value < kEarliestTime || value > range.now + range.ahead)) {
    reject(map[key], std::string("'") + key + "' is the time " + std::to_string(value) +
                         ", outside 2000 to " + std::to_string(range.ahead) +
                         " s after the local clock");
  }
  return value;
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
  out << YAML::Key << "ds_cache_until" << YAML::Value << history.ds_cache_until;
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

ZoneHistory parseZone(const YAML::Node& map, int64_t now) {
  if (!map.IsMap()) {
    reject(map, "a zone's entry is not a map");
  }
  const TimeRange event{now, 86400};
  const TimeRange cache_end{now, 86400 + kMaxCacheSeconds};
  ZoneHistory history;
  history.phase = optionalPhase(map, "phase");
  history.since = timeAt(map, "since", event);
  history.seen_entering = scalar<bool>(map, "seen_entering");
  history.pending = optionalPhase(map, "pending");
  if (history.pending) {
    history.pending_since = timeAt(map, "pending_since", event);
  }
  history.unsigned_cache_until = timeAt(map, "unsigned_cache_until", cache_end);
  if (map["ds_cache_until"]) {
    history.ds_cache_until = timeAt(map, "ds_cache_until", cache_end);
  }
  history.ds_everywhere_at = timeAt(map, "ds_everywhere_at", event);
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
        Transition{optionalPhase(item, "from"), phaseAt(item, "to"), timeAt(item, "at", event)});
  }
  // A file written by hand or by another program may hold more than the daemon keeps.
  if (history.transitions.size() > kKeptTransitions) {
    history.transitions.erase(history.transitions.begin(),
                              history.transitions.end() - kKeptTransitions);
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

RolloutState parseStateText(const std::string& text, int64_t now) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw std::runtime_error("line " + std::to_string(error.mark.line + 1) + ": " +
                             printable(error.msg));
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
    // The config's zone names are canonical, so a name written by hand must become one too.
    const std::optional<std::string> zone = dns::canonicalName(entry.first.as<std::string>());
    if (!zone) {
      reject(entry.first, "'" + entry.first.as<std::string>() + "' is not a domain name");
    }
    if (state.count(*zone) != 0) {
      reject(entry.first, "zone " + *zone + " appears twice");
    }
    state[*zone] = parseZone(entry.second, now);
  }
  return state;
}

StateFileRead readStateFile(const std::string& path) {
  StateFileRead read;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    read.outcome = errno == ENOENT ? StateFileRead::Outcome::Missing
                                   : StateFileRead::Outcome::Unreadable;
    read.problem = errnoText();
    return read;
  }
  // Opening a FIFO would block until a writer came.
  if (!S_ISREG(info.st_mode)) {
    read.outcome = StateFileRead::Outcome::Unreadable;
    read.problem = "not a regular file";
    return read;
  }
  // At about 3 KB per zone with 64 transitions (an estimate), 64 MiB holds some 20,000 zones,
  // so a larger file is not a state file, and reading it would only cost memory.
  if (info.st_size > kMaxStateBytes) {
    read.outcome = StateFileRead::Outcome::Corrupt;
    read.problem = "larger than " + std::to_string(kMaxStateBytes) + " bytes";
    return read;
  }

  std::ifstream file(path);
  if (!file) {
    read.outcome = StateFileRead::Outcome::Unreadable;
    read.problem = errnoText();
    return read;
  }
  std::ostringstream text;
  text << file.rdbuf();
  try {
    read.state = parseStateText(text.str(), static_cast<int64_t>(std::time(nullptr)));
    read.outcome = StateFileRead::Outcome::Read;
  } catch (const std::runtime_error& error) {
    read.outcome = StateFileRead::Outcome::Corrupt;
    read.problem = error.what();
  }
  return read;
}

bool writeStateFile(const std::string& path, const RolloutState& state, std::string& error) {
  // The process ID keeps two writers from truncating each other's temporary file.
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
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

StateFileLock::StateFileLock(const std::string& path) : path_(path + ".lock") {}

StateFileLock::~StateFileLock() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

bool StateFileLock::acquire(std::string& error) {
  const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create " + path_ + ": " + errnoText();
    return false;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    error = errno == EWOULDBLOCK ? "another dnssec-watch run holds " + path_
                                 : "cannot lock " + path_ + ": " + errnoText();
    ::close(fd);
    return false;
  }
  fd_ = fd;
  return true;
}

}  // namespace dw
