// SPDX-License-Identifier: Apache-2.0
// prober_bench: runs dnssec-watch probes against one resolver that listens on many loopback
// addresses, then prints probes per second, CPU seconds per 1,000 probes and resident memory.
//
// bench/run.sh starts the resolver and the baselines and runs this program. docs/benchmarks.md
// describes the method and records the figures.
#include <arpa/inet.h>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <ares.h>
#include <event2/thread.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "log.h"
#include "probe/prober.h"
#include "probe/result.h"
#include "probe/target.h"
#include "probe/worker.h"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Resolver i has the address PREFIX.(i / 250).(i % 250 + 1), so each third octet carries 250
// addresses and no address ends in .0 or .255.
constexpr size_t kAddressesPerOctet = 250;
constexpr size_t kMaxResolvers = kAddressesPerOctet * 256;

const char* const kUsage = R"(Usage: prober_bench [OPTION=VALUE]...
Runs dnssec-watch probes against a resolver on many loopback addresses for a fixed time, then
prints a summary and one "RESULT key=value ..." line for scripts.

  --engine=ENGINE         Which targets run. Default raw.
                            raw         raw probes only
                            validating  validating probes only, each resolver with a
                                        libunbound context of its own
                            local       validating probes only, verified locally against
                                        the shared key cache (no context per resolver)
                            all         every probe target of the config, as dnssec-watch
                                        runs them: raw probes through every resolver,
                                        validating probes with a context through the first
                                        --validating-max resolvers, local validation
                                        beyond them if this build has it
                            path        path-check rounds only, one per resolver every
                                        --path-interval-ms, with the zone's size canaries
  --resolvers=N           Resolvers, 1 to 64000. Default 1000.
  --names=K               Names probed through each resolver, 1 to 4: www A, www AAAA,
                          txt TXT and the apex SOA of --zone, in that order. Default 4.
  --zone=NAME             Zone of the probed names. Default good.lab.
  --validating-max=M      validating_resolvers_max for --engine=all. Default 256.
  --interval-ms=MS        Each target runs once per interval. Default 1000.
  --timeout-ms=MS         Deadline of one probe, shorter than the interval. Default half
                          the interval, at most 2000.
  --workers=W             Worker threads, 1 to 64. Default 2.
  --warmup-s=S            Seconds run before the measured window. Default 3.
  --duration-s=S          Seconds of the measured window, above 0. Default 10.
  --address-prefix=A.B    First two octets of the resolver addresses, inside 127.0.0.0/8.
                          Default 127.60.
  --port=P                Resolver port. Default 5300.
  --path-interval-ms=MS   Each path-check round runs once per this interval, at least 8
                          times the timeout. Default 5000.
  --trust-anchor=FILE     Trust anchor file. Default /tmp/dnssec-watch-lab/root.key.
  --rss-limit-mb=MB       Stop early when resident memory exceeds MB. Default 4096.
  --label=TEXT            Copied into the RESULT line.
Exit status: 0 after a full run, 2 for invalid options or config, 3 when the memory limit
stopped the run.
)";

enum class Selection { Raw, Validating, Local, All, Path };

struct Options {
  Selection selection = Selection::Raw;
  std::string engine = "raw";
  size_t resolvers = 1000;
  size_t names = 4;
  std::string zone = "good.lab";
  size_t validating_max = 256;
  milliseconds interval{1000};
  milliseconds path_interval{5000};
  std::optional<milliseconds> timeout;
  int workers = 2;
  double warmup_s = 3;
  double duration_s = 10;
  std::string address_prefix = "127.60";
  uint16_t port = 5300;
  std::string trust_anchor = "/tmp/dnssec-watch-lab/root.key";
  size_t rss_limit_mb = 4096;
  std::string label;
};

long long parseInteger(const std::string& key, const std::string& text, long long min,
                       long long max) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw std::invalid_argument("invalid " + key + " \"" + text +
                                "\": expected an integer from " + std::to_string(min) + " to " +
                                std::to_string(max));
  }
  return value;
}

double parseSeconds(const std::string& key, const std::string& text) {
  size_t used = 0;
  double value = -1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(value >= 0 && value <= 3600)) {
    throw std::invalid_argument("invalid " + key + " \"" + text +
                                "\": expected seconds from 0 to 3600");
  }
  return value;
}

// Accepts only prefixes inside 127.0.0.0/8, so that no probe leaves the machine.
std::string parseAddressPrefix(const std::string& text) {
  in_addr address{};
  if (!text.starts_with("127.") || std::count(text.begin(), text.end(), '.') != 1 ||
      inet_pton(AF_INET, (text + ".0.1").c_str(), &address) != 1) {
    throw std::invalid_argument("invalid --address-prefix \"" + text +
                                "\": expected two octets inside 127.0.0.0/8, e.g. 127.60");
  }
  return text;
}

Selection parseSelection(const std::string& text) {
  if (text == "raw") return Selection::Raw;
  if (text == "validating") return Selection::Validating;
  if (text == "local") return Selection::Local;
  if (text == "all") return Selection::All;
  if (text == "path") return Selection::Path;
  throw std::invalid_argument("invalid --engine \"" + text +
                              "\": expected raw, validating, local, all or path");
}

Options parseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--help" || argument == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    const size_t equals = argument.find('=');
    if (!argument.starts_with("--") || equals == std::string::npos) {
      throw std::invalid_argument("invalid argument \"" + argument +
                                  "\": expected --option=value; see --help");
    }
    const std::string key = argument.substr(0, equals);
    const std::string value = argument.substr(equals + 1);
    if (key == "--engine") {
      options.selection = parseSelection(value);
      options.engine = value;
    } else if (key == "--resolvers") {
      options.resolvers = static_cast<size_t>(parseInteger(key, value, 1, kMaxResolvers));
    } else if (key == "--names") {
      options.names = static_cast<size_t>(parseInteger(key, value, 1, 4));
    } else if (key == "--zone") {
      options.zone = value;
    } else if (key == "--validating-max") {
      options.validating_max = static_cast<size_t>(parseInteger(key, value, 0, kMaxResolvers));
    } else if (key == "--interval-ms") {
      options.interval = milliseconds(parseInteger(key, value, 10, 3'600'000));
    } else if (key == "--path-interval-ms") {
      options.path_interval = milliseconds(parseInteger(key, value, 80, 3'600'000));
    } else if (key == "--timeout-ms") {
      options.timeout = milliseconds(parseInteger(key, value, 10, 60'000));
    } else if (key == "--workers") {
      options.workers = static_cast<int>(parseInteger(key, value, 1, 64));
    } else if (key == "--warmup-s") {
      options.warmup_s = parseSeconds(key, value);
    } else if (key == "--duration-s") {
      options.duration_s = parseSeconds(key, value);
    } else if (key == "--address-prefix") {
      options.address_prefix = parseAddressPrefix(value);
    } else if (key == "--port") {
      options.port = static_cast<uint16_t>(parseInteger(key, value, 1, 65535));
    } else if (key == "--trust-anchor") {
      options.trust_anchor = value;
    } else if (key == "--rss-limit-mb") {
      options.rss_limit_mb = static_cast<size_t>(parseInteger(key, value, 16, 1 << 20));
    } else if (key == "--label") {
      options.label = value;
    } else {
      throw std::invalid_argument("unknown option \"" + key + "\"; see --help");
    }
  }
  if (options.duration_s <= 0) {
    throw std::invalid_argument("invalid --duration-s: the measured window must be above 0 s");
  }
  return options;
}

std::string resolverAddress(const Options& options, size_t index) {
  return options.address_prefix + "." + std::to_string(index / kAddressesPerOctet) + "." +
         std::to_string(index % kAddressesPerOctet + 1);
}

size_t validatingResolversMax(const Options& options) {
  switch (options.selection) {
    case Selection::Raw:
    case Selection::Path:
    case Selection::Local: return 0;
    case Selection::Validating: return options.resolvers;
    case Selection::All: return options.validating_max;
  }
  return 0;
}

// Builds the config through the product's YAML loader, so that its defaults and checks
// apply. The resolvers go to a resolvers_file in a temporary directory, removed afterwards.
dw::Config loadBenchConfig(const Options& options) {
  const milliseconds timeout =
      options.timeout.value_or(std::min(milliseconds(2000), options.interval / 2));
  std::ostringstream yaml;
  yaml << "trust_anchor_files: [\"" << options.trust_anchor << "\"]\n"
       << "interval: " << options.interval.count() << "ms\n"
       << "timeout: " << timeout.count() << "ms\n"
       << "workers: " << options.workers << "\n"
       << "validating_resolvers_max: " << validatingResolversMax(options) << "\n";
  if (options.selection == Selection::Path) {
    yaml << "path_checks: {interval: " << options.path_interval.count() << "ms}\n";
  } else {
    yaml << "path_checks: {enabled: false}\n";
  }
  yaml << "zones:\n"
       << "  - name: " << options.zone << "\n"
       << "    size_canaries: [";
  // The canaries that tests/lab/lab.sh adds to good.lab, smallest first.
  const char* const canaries[] = {"0496", "0528", "1216", "1248", "1384",
                                  "1416", "1484", "1516", "4000"};
  for (const char* size : canaries) {
    yaml << (size == canaries[0] ? "" : ", ") << "dw-size-" << size << "." << options.zone;
  }
  yaml << "]\n"
       << "    probes:\n";
  const char* const probes[] = {"{name: www.%s, type: A}", "{name: www.%s, type: AAAA}",
                                "{name: txt.%s, type: TXT}", "{name: %s, type: SOA}"};
  for (size_t i = 0; i < options.names; ++i) {
    char line[512];
    std::snprintf(line, sizeof line, probes[i], options.zone.c_str());
    yaml << "      - " << line << "\n";
  }
  yaml << "resolvers_file: resolvers.txt\n";

  char directory_template[] = "/tmp/prober_bench.XXXXXX";
  if (mkdtemp(directory_template) == nullptr) {
    throw std::runtime_error("failed to create a temporary directory under /tmp");
  }
  const std::filesystem::path directory = directory_template;
  {
    std::ofstream resolvers(directory / "resolvers.txt");
    for (size_t i = 0; i < options.resolvers; ++i) {
      const std::string address = resolverAddress(options, i);
      resolvers << "bench-" << address << " " << address << " " << options.port << "\n";
    }
  }
  try {
    dw::Config config = dw::parseConfig(yaml.str(), "prober_bench.yaml", directory.string());
    std::filesystem::remove_all(directory);
    return config;
  } catch (...) {
    std::filesystem::remove_all(directory);
    throw;
  }
}

// The engine that runs a target: raw, a libunbound context of the resolver's own, or local
// validation. Targets are classified by the config rather than by a field of ProbeTarget,
// because builds without local validation have no validating targets beyond the maximum.
enum class EngineKind { Raw, Validating, Local, Path };
constexpr int kEngineKinds = 4;

EngineKind engineKind(const dw::ProbeTarget& target, const dw::Config& config) {
  if (target.engine == dw::Engine::Raw) {
    return EngineKind::Raw;
  }
  if (target.engine == dw::Engine::Path) {
    return EngineKind::Path;
  }
  const auto context_max = static_cast<size_t>(std::max(0, config.validating_resolvers_max));
  return target.resolver_index < context_max ? EngineKind::Validating : EngineKind::Local;
}

// Outcome counts of one engine. Workers update them concurrently, so every field is atomic.
struct EngineCounters {
  std::atomic<uint64_t> started{0};
  std::atomic<uint64_t> skipped{0};
  std::atomic<uint64_t> late{0};
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> expected{0};  // Raw: NOERROR. Validating and local: secure.
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> latency_us_sum{0};
  std::atomic<uint64_t> queries{0};       // Path rounds: DNS queries sent.
  std::atomic<uint64_t> answer_bytes{0};  // Path rounds: octets received.
};

// Plain copy of EngineCounters at one instant.
struct EngineCounts {
  uint64_t started = 0, skipped = 0, late = 0, completed = 0, expected = 0, timeouts = 0;
  uint64_t latency_us_sum = 0;
  uint64_t queries = 0, answer_bytes = 0;

  EngineCounts operator-(const EngineCounts& earlier) const {
    return {started - earlier.started,       skipped - earlier.skipped,
            late - earlier.late,             completed - earlier.completed,
            expected - earlier.expected,     timeouts - earlier.timeouts,
            latency_us_sum - earlier.latency_us_sum,
            queries - earlier.queries,       answer_bytes - earlier.answer_bytes};
  }

  EngineCounts operator+(const EngineCounts& other) const {
    return {started + other.started,       skipped + other.skipped,
            late + other.late,             completed + other.completed,
            expected + other.expected,     timeouts + other.timeouts,
            latency_us_sum + other.latency_us_sum,
            queries + other.queries,       answer_bytes + other.answer_bytes};
  }
};

// A thread-safe ResultSink that counts outcomes per engine and keeps the first unexpected
// outcome for the summary.
class CountingSink : public dw::ResultSink {
 public:
  explicit CountingSink(const dw::Config& config) : config_(config) {}

  void onProbeStarted(const dw::ProbeTarget& target, milliseconds lateness) override {
    EngineCounters& counters = countersFor(target);
    counters.started.fetch_add(1, std::memory_order_relaxed);
    if (lateness.count() > 0) {
      counters.late.fetch_add(1, std::memory_order_relaxed);
    }
  }

  void onProbeSkipped(const dw::ProbeTarget& target) override {
    countersFor(target).skipped.fetch_add(1, std::memory_order_relaxed);
  }

  void onRawResult(const dw::ProbeTarget& target, const dw::RawResult& result) override {
    const std::string_view label = dw::rawResultLabel(result);
    const dw::Exchange& exchange = result.final();
    record(countersFor(target), label == "noerror",
           exchange.status == dw::ExchangeStatus::Timeout, exchange.latency);
    if (label != "noerror") {
      noteUnexpected(target, "raw " + std::string(label), exchange.error);
    }
  }

  // A round is expected when an answer came and the canary search worked.
  void onPathResult(const dw::ProbeTarget& target, const dw::PathResult& result) override {
    EngineCounters& counters = countersFor(target);
    counters.queries.fetch_add(static_cast<uint64_t>(result.queries), std::memory_order_relaxed);
    counters.answer_bytes.fetch_add(result.answer_bytes, std::memory_order_relaxed);
    const bool expected = result.reachable && result.size.error.empty();
    record(counters, expected, !result.reachable, result.duration);
    if (!expected) {
      noteUnexpected(target, result.reachable ? "path size_search" : "path unreachable",
                     result.size.error);
    }
  }

  void onValidationResult(const dw::ProbeTarget& target,
                          const dw::ValidationResult& result) override {
    const bool secure = result.status == dw::ExchangeStatus::Answered &&
                        result.state == dw::ValidationState::Secure;
    record(countersFor(target), secure, result.status == dw::ExchangeStatus::Timeout,
           result.latency);
    if (!secure) {
      const char* engine =
          engineKind(target, config_) == EngineKind::Local ? "local " : "validating ";
      noteUnexpected(target, engine + std::string(dw::validationResultLabel(result)),
                     result.error + result.why_bogus);
    }
  }

  EngineCounts counts(EngineKind kind) const { return copy(counters_[static_cast<int>(kind)]); }

  EngineCounts total() const {
    return counts(EngineKind::Raw) + counts(EngineKind::Validating) + counts(EngineKind::Local) +
           counts(EngineKind::Path);
  }

  std::string firstUnexpected() const {
    std::lock_guard lock(mutex_);
    return first_unexpected_;
  }

  // Counts of unexpected outcomes since the start, warmup included, by engine and label.
  std::map<std::string, uint64_t> unexpectedByLabel() const {
    std::lock_guard lock(mutex_);
    return unexpected_by_label_;
  }

 private:
  EngineCounters& countersFor(const dw::ProbeTarget& target) {
    return counters_[static_cast<int>(engineKind(target, config_))];
  }

  static void record(EngineCounters& counters, bool expected, bool timeout,
                     std::chrono::microseconds latency) {
    counters.completed.fetch_add(1, std::memory_order_relaxed);
    if (expected) {
      counters.expected.fetch_add(1, std::memory_order_relaxed);
    }
    if (timeout) {
      counters.timeouts.fetch_add(1, std::memory_order_relaxed);
    }
    const auto micros = static_cast<uint64_t>(std::max<int64_t>(0, latency.count()));
    counters.latency_us_sum.fetch_add(micros, std::memory_order_relaxed);
  }

  static EngineCounts copy(const EngineCounters& counters) {
    return {counters.started.load(),   counters.skipped.load(),  counters.late.load(),
            counters.completed.load(), counters.expected.load(), counters.timeouts.load(),
            counters.latency_us_sum.load(), counters.queries.load(),
            counters.answer_bytes.load()};
  }

  void noteUnexpected(const dw::ProbeTarget& target, const std::string& label,
                      const std::string& detail) {
    std::lock_guard lock(mutex_);
    ++unexpected_by_label_[label];
    if (first_unexpected_.empty()) {
      first_unexpected_ = target.resolver->address + " " + target.question.qname + " " +
                          target.question.qtype_name + ": " + label + " " + detail;
    }
  }

  const dw::Config& config_;
  EngineCounters counters_[kEngineKinds];  // Indexed by EngineKind.
  mutable std::mutex mutex_;
  std::string first_unexpected_;
  std::map<std::string, uint64_t> unexpected_by_label_;
};

// Reads a "Name:   123 kB" line of /proc/self/status, in KiB; 0 when it cannot be read.
uint64_t readStatusKib(const std::string& name) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(name + ":")) {
      return std::strtoull(line.c_str() + name.size() + 1, nullptr, 10);
    }
  }
  return 0;
}

// Counts this process's open file descriptors; 0 when /proc/self/fd cannot be opened, e.g.
// because every descriptor is in use.
size_t countOpenFiles() {
  size_t count = 0;
  DIR* directory = opendir("/proc/self/fd");
  if (directory == nullptr) {
    return 0;
  }
  while (readdir(directory) != nullptr) {
    ++count;
  }
  closedir(directory);
  return count >= 3 ? count - 3 : 0;  // ".", ".." and the descriptor of the listing itself.
}

// Process CPU time, user plus system, of every thread.
double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Snapshot {
  Clock::time_point time;
  double cpu_s = 0;
  EngineCounts by_kind[kEngineKinds];
};

Snapshot takeSnapshot(const CountingSink& sink) {
  return {Clock::now(),
          cpuSeconds(),
          {sink.counts(EngineKind::Raw), sink.counts(EngineKind::Validating),
           sink.counts(EngineKind::Local), sink.counts(EngineKind::Path)}};
}

// Peaks seen while sleeping, and whether the resident-memory limit stopped the run.
struct Watch {
  uint64_t rss_max_kib = 0;
  size_t open_files_max = 0;
  uint64_t in_flight_max = 0;
  bool rss_limit_hit = false;
};

// Sleeps until `deadline`, sampling memory and probes in flight every 250 ms and open files
// every second. Returns early when resident memory passes `rss_limit_kib`.
void watchUntil(Clock::time_point deadline, const CountingSink& sink, uint64_t rss_limit_kib,
                Watch& watch) {
  int tick = 0;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(
        std::min<Clock::duration>(milliseconds(250), deadline - Clock::now()));
    const uint64_t rss = readStatusKib("VmRSS");
    watch.rss_max_kib = std::max(watch.rss_max_kib, rss);
    // The counters are read one after another, so a probe may count as completed without
    // having counted as started yet.
    const EngineCounts total = sink.total();
    if (total.started > total.completed) {
      watch.in_flight_max = std::max(watch.in_flight_max, total.started - total.completed);
    }
    if (++tick % 4 == 0) {
      watch.open_files_max = std::max(watch.open_files_max, countOpenFiles());
    }
    if (rss > rss_limit_kib) {
      watch.rss_limit_hit = true;
      return;
    }
  }
}

// The targets of one --engine selection and the workers that run them.
class BenchRun {
 public:
  BenchRun(const dw::Config& config, Selection selection) : config_(config) {
    if (selection == Selection::All) {
      prober_ = std::make_unique<dw::Prober>(config);
      return;
    }
    const EngineKind selected = selection == Selection::Raw          ? EngineKind::Raw
                              : selection == Selection::Validating ? EngineKind::Validating
                              : selection == Selection::Path       ? EngineKind::Path
                                                                   : EngineKind::Local;
    // Keeps one engine's targets, then spreads them over the interval again as buildTargets
    // does for the full list.
    for (dw::ProbeTarget& target : dw::buildTargets(config)) {
      if (engineKind(target, config) == selected) {
        target.id = targets_.size();
        targets_.push_back(std::move(target));
      }
    }
    const auto count = static_cast<long long>(std::max<size_t>(targets_.size(), 1));
    for (dw::ProbeTarget& target : targets_) {
      target.offset = target.interval * static_cast<long long>(target.id) / count;
    }
  }

  ~BenchRun() { stop(); }
  BenchRun(const BenchRun&) = delete;
  BenchRun& operator=(const BenchRun&) = delete;

  size_t targetCount() const { return prober_ ? prober_->targets().size() : targets_.size(); }

  // Starts the workers; every target of a resolver goes to the same worker, as in Prober.
  void start(dw::ResultSink& sink) {
    if (prober_) {
      prober_->start(sink);
      return;
    }
    const auto count = static_cast<size_t>(std::max(1, config_.workers));
    std::vector<std::vector<const dw::ProbeTarget*>> shares(count);
    for (const dw::ProbeTarget& target : targets_) {
      shares[target.resolver_index % count].push_back(&target);
    }
    for (auto& share : shares) {
      workers_.push_back(std::make_unique<dw::Worker>(config_, std::move(share), sink,
                                                      dw::Worker::Mode::Continuous));
    }
    const auto epoch = Clock::now();
    for (auto& worker : workers_) {
      worker->start(epoch);
    }
  }

  void stop() {
    if (prober_) {
      prober_->stop();
      return;
    }
    for (auto& worker : workers_) {
      worker->stop();
    }
    for (auto& worker : workers_) {
      worker->join();
    }
    workers_.clear();
  }

 private:
  const dw::Config& config_;
  std::unique_ptr<dw::Prober> prober_;
  std::vector<dw::ProbeTarget> targets_;
  std::vector<std::unique_ptr<dw::Worker>> workers_;
};

double perSecond(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

double percent(uint64_t part, uint64_t whole) {
  return whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0;
}

double mib(uint64_t kib) { return static_cast<double>(kib) / 1024.0; }

std::string format(double value, int precision) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", precision, value);
  return buffer;
}

// Replaces whitespace so that a free-text value stays one token of the RESULT line.
std::string token(std::string text) {
  if (text.empty()) {
    return "-";
  }
  for (char& c : text) {
    if (c == ' ' || c == '\t' || c == '\n') {
      c = '_';
    }
  }
  return text;
}

// Figures of the measured window.
struct Figures {
  double window_s = 0;
  double cpu_s = 0;
  double warmup_cpu_s = 0;
  EngineCounts by_kind[kEngineKinds];
  EngineCounts total;
  uint64_t rss_base_kib = 0;
  uint64_t rss_kib = 0;
  uint64_t hwm_kib = 0;
  uint64_t rss_after_stop_kib = 0;
  size_t open_files_max = 0;
  uint64_t open_files_limit = 0;  // Soft RLIMIT_NOFILE.
  uint64_t in_flight_max = 0;
  bool aborted = false;
};

void printSummary(const Options& options, const BenchRun& run, const CountingSink& sink,
                  const Figures& figures) {
  const milliseconds interval =
      options.selection == Selection::Path ? options.path_interval : options.interval;
  const double offered_per_s = static_cast<double>(run.targetCount()) /
                               std::chrono::duration<double>(interval).count();
  const EngineCounts& path = figures.by_kind[static_cast<int>(EngineKind::Path)];
  const double rounds = static_cast<double>(std::max<uint64_t>(path.completed, 1));
  const double path_queries_per_round = static_cast<double>(path.queries) / rounds;
  const double path_bytes_per_round = static_cast<double>(path.answer_bytes) / rounds;
  const EngineCounts& total = figures.total;
  const double cpu_per_1000 =
      total.completed > 0 ? figures.cpu_s * 1000.0 / static_cast<double>(total.completed) : 0;
  const double mean_latency_ms = total.completed > 0
                                     ? static_cast<double>(total.latency_us_sum) / 1000.0 /
                                           static_cast<double>(total.completed)
                                     : 0;
  const uint64_t rss_used_kib =
      figures.rss_kib > figures.rss_base_kib ? figures.rss_kib - figures.rss_base_kib : 0;
  const double bytes_per_resolver =
      static_cast<double>(rss_used_kib) * 1024.0 / static_cast<double>(options.resolvers);
  auto rate = [&](EngineKind kind) {
    return format(perSecond(figures.by_kind[static_cast<int>(kind)].completed, figures.window_s),
                  1);
  };

  std::cout << "engine " << options.engine << ": " << options.resolvers << " resolvers x "
            << options.names << " names, " << run.targetCount() << " targets every "
            << interval.count() << " ms, " << options.workers << " workers\n"
            << "  window            " << format(figures.window_s, 1) << " s after "
            << format(options.warmup_s, 1) << " s of warmup\n"
            << "  offered           " << format(offered_per_s, 0) << " probes/s\n"
            << "  completed         " << format(perSecond(total.completed, figures.window_s), 0)
            << " probes/s (raw " << rate(EngineKind::Raw) << ", validating "
            << rate(EngineKind::Validating) << ", local " << rate(EngineKind::Local) << ")\n"
            << "  expected outcome  " << format(percent(total.expected, total.completed), 2)
            << " % (raw NOERROR, validating and local secure); timeouts " << total.timeouts
            << ", skipped " << total.skipped << ", late starts " << total.late << "\n"
            << "  mean latency      " << format(mean_latency_ms, 2) << " ms\n"
            << "  CPU               " << format(figures.cpu_s, 2) << " s in window, "
            << format(cpu_per_1000, 4) << " s per 1000 probes, "
            << format(100.0 * figures.cpu_s / figures.window_s, 1) << " % of one core; "
            << format(figures.warmup_cpu_s, 2) << " s in warmup\n"
            << "  resident memory   " << format(mib(figures.rss_kib), 1)
            << " MiB at end of window, " << format(mib(figures.rss_base_kib), 1)
            << " MiB before the config was built, " << format(bytes_per_resolver, 0)
            << " bytes per resolver; peak " << format(mib(figures.hwm_kib), 1) << " MiB, "
            << format(mib(figures.rss_after_stop_kib), 1) << " MiB after stop\n"
            << "  open files        " << figures.open_files_max << " max sampled, limit "
            << figures.open_files_limit << "; "
            << figures.in_flight_max << " probes in flight max sampled\n";
  if (path.completed > 0) {
    std::cout << "  path rounds       " << rate(EngineKind::Path) << " rounds/s, "
              << format(path_queries_per_round, 2) << " queries and "
              << format(path_bytes_per_round, 0) << " answer octets per round\n";
  }
  const std::string unexpected = sink.firstUnexpected();
  if (!unexpected.empty()) {
    std::cout << "  first unexpected  " << unexpected << "\n  unexpected since start:";
    for (const auto& [label, count] : sink.unexpectedByLabel()) {
      std::cout << " " << label << " " << count << ";";
    }
    std::cout << "\n";
  }
  if (figures.aborted) {
    std::cout << "  STOPPED EARLY: resident memory passed --rss-limit-mb=" << options.rss_limit_mb
              << "\n";
  }

  std::cout << "RESULT label=" << token(options.label) << " engine=" << options.engine
            << " resolvers=" << options.resolvers << " names=" << options.names
            << " targets=" << run.targetCount() << " interval_ms=" << interval.count()
            << " window_s=" << format(figures.window_s, 3)
            << " offered_per_s=" << format(offered_per_s, 1)
            << " completed_per_s=" << format(perSecond(total.completed, figures.window_s), 1)
            << " raw_per_s=" << rate(EngineKind::Raw)
            << " validating_per_s=" << rate(EngineKind::Validating)
            << " local_per_s=" << rate(EngineKind::Local)
            << " path_per_s=" << rate(EngineKind::Path)
            << " path_queries_per_round=" << format(path_queries_per_round, 3)
            << " path_bytes_per_round=" << format(path_bytes_per_round, 1)
            << " expected_pct=" << format(percent(total.expected, total.completed), 3)
            << " timeouts=" << total.timeouts << " skipped=" << total.skipped
            << " late=" << total.late << " mean_latency_ms=" << format(mean_latency_ms, 3)
            << " cpu_s=" << format(figures.cpu_s, 3)
            << " cpu_s_per_1000=" << format(cpu_per_1000, 5) << " probes_per_cpu_s="
            << format(figures.cpu_s > 0 ? static_cast<double>(total.completed) / figures.cpu_s
                                        : 0,
                      0)
            << " core_pct=" << format(100.0 * figures.cpu_s / figures.window_s, 2)
            << " warmup_cpu_s=" << format(figures.warmup_cpu_s, 3)
            << " rss_base_kib=" << figures.rss_base_kib << " rss_kib=" << figures.rss_kib
            << " hwm_kib=" << figures.hwm_kib
            << " rss_after_stop_kib=" << figures.rss_after_stop_kib
            << " bytes_per_resolver=" << format(bytes_per_resolver, 0)
            << " open_files_max=" << figures.open_files_max
            << " open_files_limit=" << figures.open_files_limit
            << " in_flight_max=" << figures.in_flight_max
            << " aborted=" << (figures.aborted ? 1 : 0)
            << " first_unexpected=" << token(unexpected) << "\n";
}

Clock::duration seconds(double value) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

int runBench(const Options& options) {
  Figures figures;
  figures.rss_base_kib = readStatusKib("VmRSS");
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    figures.open_files_limit = files.rlim_cur;
  }
  const dw::Config config = loadBenchConfig(options);
  BenchRun run(config, options.selection);
  if (run.targetCount() == 0) {
    std::cerr << "prober_bench: --engine=" << options.engine
              << " selects no targets in this build; local validation needs a build whose "
                 "buildTargets adds validating targets beyond validating_resolvers_max\n";
    return 2;
  }
  CountingSink sink(config);
  const uint64_t rss_limit_kib = options.rss_limit_mb * 1024;

  const double cpu_start = cpuSeconds();
  const Clock::time_point start = Clock::now();
  run.start(sink);
  Watch warmup_watch;
  watchUntil(start + seconds(options.warmup_s), sink, rss_limit_kib, warmup_watch);
  const Snapshot before = takeSnapshot(sink);
  Watch window_watch;
  if (!warmup_watch.rss_limit_hit) {
    watchUntil(before.time + seconds(options.duration_s), sink, rss_limit_kib, window_watch);
  }
  const Snapshot after = takeSnapshot(sink);
  figures.rss_kib = readStatusKib("VmRSS");
  figures.hwm_kib = readStatusKib("VmHWM");
  figures.open_files_max = std::max(window_watch.open_files_max, countOpenFiles());
  run.stop();
  figures.rss_after_stop_kib = readStatusKib("VmRSS");

  figures.window_s = std::chrono::duration<double>(after.time - before.time).count();
  figures.cpu_s = after.cpu_s - before.cpu_s;
  figures.warmup_cpu_s = before.cpu_s - cpu_start;
  for (int kind = 0; kind < kEngineKinds; ++kind) {
    figures.by_kind[kind] = after.by_kind[kind] - before.by_kind[kind];
    figures.total = figures.total + figures.by_kind[kind];
  }
  figures.in_flight_max = std::max(warmup_watch.in_flight_max, window_watch.in_flight_max);
  figures.aborted = warmup_watch.rss_limit_hit || window_watch.rss_limit_hit;
  printSummary(options, run, sink, figures);
  return figures.aborted ? 3 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parseOptions(argc, argv);
  } catch (const std::invalid_argument& error) {
    std::cerr << "prober_bench: " << error.what() << "\n";
    return 2;
  }
  // The same process setup as dnssec-watch's main(): the soft open-file limit raised to the
  // hard one, and libevent locks because workers are stopped from this thread.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  evthread_use_pthreads();
  ares_library_init(ARES_LIB_INIT_ALL);
  dw::setLogLevel("warn");
  int status = 0;
  try {
    status = runBench(options);
  } catch (const dw::ConfigError& error) {
    std::cerr << "prober_bench: invalid generated config: " << error.what() << "\n";
    status = 2;
  }
  ares_library_cleanup();
  return status;
}
