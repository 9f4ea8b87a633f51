// SPDX-License-Identifier: Apache-2.0
// prober_bench: runs the prober against one resolver that answers on many loopback addresses
// and prints probes per second, CPU seconds per 1,000 probes and resident memory.
//
// bench/run.sh starts the resolver and the baselines and runs this program; see
// docs/benchmarks.md for the method and the figures.
#include <arpa/inet.h>
#include <dirent.h>
#include <sys/resource.h>

#include <ares.h>
#include <event2/thread.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
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

// Resolver i answers on PREFIX.(i / 250).(i % 250 + 1), so each third octet carries 250
// addresses and no address ends in .0 or .255.
constexpr size_t kAddressesPerOctet = 250;
constexpr size_t kMaxResolvers = kAddressesPerOctet * 256;

const char* const kUsage = R"(Usage: prober_bench [OPTION=VALUE]...
Runs dnssec-watch probes against a resolver on many loopback addresses for a fixed time,
then prints one summary and one "RESULT key=value ..." line.

  --engine=raw|validating|both  raw: raw probes only (validating_resolvers_max 0).
                          validating: validating probes only, one libunbound context per
                          resolver. both: the product default, raw probes through every
                          resolver and validating probes through the first
                          --validating-max resolvers. Default raw.
  --resolvers=N           Resolvers, 1 to 64000. Default 1000.
  --names=K               Names probed through each resolver, 1 to 4, in the order
                          www A, www AAAA, txt TXT, apex SOA of --zone. Default 4.
  --zone=NAME             Zone of the probed names. Default good.lab.
  --validating-max=M      validating_resolvers_max for --engine=both. Default 256.
  --interval-ms=MS        Each target runs once per interval. Default 1000.
  --timeout-ms=MS         Deadline of one probe. Default 2000.
  --workers=W             Worker threads. Default 2.
  --warmup-s=S            Seconds run before the measured window. Default 3.
  --duration-s=S          Seconds of the measured window. Default 10.
  --address-prefix=A.B    First two octets of the resolver addresses, inside 127.0.0.0/8.
                          Default 127.60.
  --port=P                Resolver port. Default 5300.
  --trust-anchor=FILE     Trust anchor file for validating probes.
                          Default /tmp/dnssec-watch-lab/root.key.
  --rss-limit-mb=MB       Stop early when resident memory exceeds MB. Default 4096.
  --label=TEXT            Copied into the RESULT line, for scripts.
)";

struct Options {
  std::string engine = "raw";
  size_t resolvers = 1000;
  size_t names = 4;
  std::string zone = "good.lab.";
  size_t validating_max = 256;
  milliseconds interval{1000};
  milliseconds timeout{2000};
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
    throw std::invalid_argument("invalid " + key + " \"" + text + "\": expected an integer from " +
                                std::to_string(min) + " to " + std::to_string(max));
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

// Rejects prefixes outside 127.0.0.0/8, so that no probe leaves the machine.
std::string parseAddressPrefix(const std::string& text) {
  in_addr probe_address{};
  if (!text.starts_with("127.") || std::count(text.begin(), text.end(), '.') != 1 ||
      inet_pton(AF_INET, (text + ".0.1").c_str(), &probe_address) != 1) {
    throw std::invalid_argument("invalid --address-prefix \"" + text +
                                "\": expected two octets inside 127.0.0.0/8, e.g. 127.60");
  }
  return text;
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
      if (value != "raw" && value != "validating" && value != "both") {
        throw std::invalid_argument("invalid --engine \"" + value +
                                    "\": expected raw, validating or both");
      }
      options.engine = value;
    } else if (key == "--resolvers") {
      options.resolvers = static_cast<size_t>(parseInteger(key, value, 1, kMaxResolvers));
    } else if (key == "--names") {
      options.names = static_cast<size_t>(parseInteger(key, value, 1, 4));
    } else if (key == "--zone") {
      options.zone = value.ends_with('.') ? value : value + ".";
    } else if (key == "--validating-max") {
      options.validating_max = static_cast<size_t>(parseInteger(key, value, 0, kMaxResolvers));
    } else if (key == "--interval-ms") {
      options.interval = milliseconds(parseInteger(key, value, 10, 3'600'000));
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
    throw std::invalid_argument("invalid --duration-s: the measured window must be longer than 0");
  }
  return options;
}

dw::Config makeConfig(const Options& options) {
  dw::Config config;
  config.source_path = "prober_bench";
  config.trust_anchor_files = {options.trust_anchor};
  config.interval = options.interval;
  config.timeout = options.timeout;
  config.workers = options.workers;
  if (options.engine == "raw") {
    config.validating_resolvers_max = 0;
  } else if (options.engine == "validating") {
    config.validating_resolvers_max = static_cast<int>(options.resolvers);
  } else {
    config.validating_resolvers_max = static_cast<int>(options.validating_max);
  }

  const std::vector<dw::ProbeSpec> questions = {
      {"www." + options.zone, 1, "A"},
      {"www." + options.zone, 28, "AAAA"},
      {"txt." + options.zone, 16, "TXT"},
      {options.zone, 6, "SOA"},
  };
  dw::ZoneSpec zone;
  zone.name = options.zone;
  zone.probes.assign(questions.begin(), questions.begin() + static_cast<long>(options.names));
  config.zones.push_back(zone);

  for (size_t i = 0; i < options.resolvers; ++i) {
    dw::ResolverSpec resolver;
    resolver.address = options.address_prefix + "." + std::to_string(i / kAddressesPerOctet) +
                       "." + std::to_string(i % kAddressesPerOctet + 1);
    resolver.name = "bench-" + resolver.address;
    resolver.port = options.port;
    resolver.family = 4;
    resolver.origin = "prober_bench";
    config.resolvers.push_back(std::move(resolver));
  }
  return config;
}

// Outcome counts of one engine. Workers update them concurrently, so every field is atomic.
struct EngineCounters {
  std::atomic<uint64_t> started{0};
  std::atomic<uint64_t> skipped{0};
  std::atomic<uint64_t> late{0};
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> expected{0};  // Raw: NOERROR. Validating: secure.
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> latency_us_sum{0};
  std::atomic<uint64_t> latency_us_max{0};
};

// Plain copy of EngineCounters at one instant.
struct EngineCounts {
  uint64_t started = 0, skipped = 0, late = 0, completed = 0, expected = 0, timeouts = 0;
  uint64_t latency_us_sum = 0, latency_us_max = 0;

  EngineCounts operator-(const EngineCounts& earlier) const {
    return {started - earlier.started,     skipped - earlier.skipped,
            late - earlier.late,           completed - earlier.completed,
            expected - earlier.expected,   timeouts - earlier.timeouts,
            latency_us_sum - earlier.latency_us_sum, latency_us_max};
  }
};

// A thread-safe ResultSink that only counts, plus the first unexpected outcome for messages.
class CountingSink : public dw::ResultSink {
 public:
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
    record(raw_, label == "noerror", exchange.status == dw::ExchangeStatus::Timeout,
           exchange.latency);
    if (label != "noerror") {
      noteUnexpected(target, std::string(label) + " " + exchange.error);
    }
  }

  void onValidationResult(const dw::ProbeTarget& target,
                          const dw::ValidationResult& result) override {
    const bool secure = result.status == dw::ExchangeStatus::Answered &&
                        result.state == dw::ValidationState::Secure;
    record(validating_, secure, result.status == dw::ExchangeStatus::Timeout, result.latency);
    if (!secure) {
      noteUnexpected(target, std::string(dw::validationResultLabel(result)) + " " +
                                 result.error + result.why_bogus);
    }
  }

  EngineCounts raw() const { return copy(raw_); }
  EngineCounts validating() const { return copy(validating_); }

  std::string firstUnexpected() const {
    std::lock_guard lock(mutex_);
    return first_unexpected_;
  }

 private:
  EngineCounters& countersFor(const dw::ProbeTarget& target) {
    return target.engine == dw::Engine::Raw ? raw_ : validating_;
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
    uint64_t seen = counters.latency_us_max.load(std::memory_order_relaxed);
    while (micros > seen &&
           !counters.latency_us_max.compare_exchange_weak(seen, micros,
                                                          std::memory_order_relaxed)) {
    }
  }

  static EngineCounts copy(const EngineCounters& counters) {
    return {counters.started.load(),   counters.skipped.load(),  counters.late.load(),
            counters.completed.load(), counters.expected.load(), counters.timeouts.load(),
            counters.latency_us_sum.load(), counters.latency_us_max.load()};
  }

  void noteUnexpected(const dw::ProbeTarget& target, const std::string& outcome) {
    std::lock_guard lock(mutex_);
    if (first_unexpected_.empty()) {
      first_unexpected_ = target.resolver->address + " " + target.question.qname + " " +
                          target.question.qtype_name + ": " + outcome;
    }
  }

  EngineCounters raw_;
  EngineCounters validating_;
  mutable std::mutex mutex_;
  std::string first_unexpected_;
};

// Reads a "Name:   123 kB" line of /proc/self/status, in KiB; 0 when missing.
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

size_t countOpenFiles() {
  size_t count = 0;
  if (DIR* directory = opendir("/proc/self/fd")) {
    while (readdir(directory) != nullptr) {
      ++count;
    }
    closedir(directory);
  }
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
  EngineCounts raw;
  EngineCounts validating;
};

Snapshot takeSnapshot(const CountingSink& sink) {
  return {Clock::now(), cpuSeconds(), sink.raw(), sink.validating()};
}

// Peaks seen while sleeping, and whether the resident-memory guard stopped the run.
struct Watch {
  uint64_t rss_max_kib = 0;
  size_t open_files_max = 0;
  uint64_t in_flight_max = 0;
  bool rss_limit_hit = false;
};

// Sleeps until `deadline`, sampling memory every 250 ms and open files every second. Returns
// early when resident memory passes the limit.
void watchUntil(Clock::time_point deadline, const CountingSink& sink, uint64_t rss_limit_kib,
                Watch& watch) {
  int tick = 0;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(std::min<Clock::duration>(milliseconds(250),
                                                          deadline - Clock::now()));
    const uint64_t rss = readStatusKib("VmRSS");
    watch.rss_max_kib = std::max(watch.rss_max_kib, rss);
    const EngineCounts raw = sink.raw();
    const EngineCounts validating = sink.validating();
    watch.in_flight_max = std::max(watch.in_flight_max, raw.started - raw.completed +
                                                            validating.started -
                                                            validating.completed);
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
  BenchRun(const dw::Config& config, const std::string& engine) : config_(config) {
    if (engine != "validating") {
      prober_ = std::make_unique<dw::Prober>(config);
      return;
    }
    // buildTargets always adds raw targets, so a validating-only run keeps the validating
    // targets, spreads them over the interval again and shares them out like Prober does.
    for (dw::ProbeTarget& target : dw::buildTargets(config)) {
      if (target.engine == dw::Engine::Validating) {
        target.id = targets_.size();
        targets_.push_back(std::move(target));
      }
    }
    const auto count = static_cast<long long>(std::max<size_t>(targets_.size(), 1));
    for (dw::ProbeTarget& target : targets_) {
      target.offset = config.interval * static_cast<long long>(target.id) / count;
    }
  }

  size_t targetCount() const { return prober_ ? prober_->targets().size() : targets_.size(); }

  void start(dw::ResultSink& sink) {
    if (prober_) {
      prober_->start(sink);
      return;
    }
    const size_t count = static_cast<size_t>(std::max(1, config_.workers));
    std::vector<std::vector<const dw::ProbeTarget*>> shares(count);
    for (const dw::ProbeTarget& target : targets_) {
      shares[target.resolver_index % count].push_back(&target);
    }
    for (auto& share : shares) {
      workers_.push_back(
          std::make_unique<dw::Worker>(config_, std::move(share), sink, dw::Worker::Mode::Continuous));
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

// Replaces spaces so that a free-text value stays one token of the RESULT line.
std::string token(std::string text) {
  if (text.empty()) {
    return "-";
  }
  std::replace_if(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n'; }, '_');
  return text;
}

std::string format(double value, int precision) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", precision, value);
  return buffer;
}

int runBench(const Options& options) {
  const uint64_t rss_base_kib = readStatusKib("VmRSS");
  const dw::Config config = makeConfig(options);
  BenchRun run(config, options.engine);
  CountingSink sink;
  Watch watch;
  const uint64_t rss_limit_kib = options.rss_limit_mb * 1024;

  const double cpu_start = cpuSeconds();
  const Clock::time_point start = Clock::now();
  run.start(sink);
  watchUntil(start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(options.warmup_s)),
             sink, rss_limit_kib, watch);
  const Snapshot before = takeSnapshot(sink);
  const size_t open_files_warm = countOpenFiles();
  Watch window_watch;
  if (!watch.rss_limit_hit) {
    watchUntil(before.time + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(options.duration_s)),
               sink, rss_limit_kib, window_watch);
  }
  const Snapshot after = takeSnapshot(sink);
  const uint64_t rss_kib = readStatusKib("VmRSS");
  const uint64_t hwm_kib = readStatusKib("VmHWM");
  const size_t open_files = countOpenFiles();
  run.stop();
  const uint64_t rss_after_stop_kib = readStatusKib("VmRSS");

  const double window_s = std::chrono::duration<double>(after.time - before.time).count();
  const double cpu_s = after.cpu_s - before.cpu_s;
  const EngineCounts raw = after.raw - before.raw;
  const EngineCounts validating = after.validating - before.validating;
  const uint64_t completed = raw.completed + validating.completed;
  const uint64_t expected = raw.expected + validating.expected;
  const uint64_t timeouts = raw.timeouts + validating.timeouts;
  const uint64_t skipped = raw.skipped + validating.skipped;
  const uint64_t late = raw.late + validating.late;
  const uint64_t latency_us_sum = raw.latency_us_sum + validating.latency_us_sum;
  const uint64_t latency_us_max = std::max(raw.latency_us_max, validating.latency_us_max);
  const double offered_per_s = static_cast<double>(run.targetCount()) /
                               std::chrono::duration<double>(options.interval).count();
  const double completed_per_s = perSecond(completed, window_s);
  const double cpu_per_1000 = completed > 0 ? cpu_s * 1000.0 / static_cast<double>(completed) : 0;
  const uint64_t rss_used_kib = rss_kib > rss_base_kib ? rss_kib - rss_base_kib : 0;
  const double mean_latency_ms =
      completed > 0 ? static_cast<double>(latency_us_sum) / 1000.0 / static_cast<double>(completed)
                    : 0;
  const bool aborted = watch.rss_limit_hit || window_watch.rss_limit_hit;

  std::cout << "engine " << options.engine << ", " << options.resolvers << " resolvers x "
            << options.names << " names, " << run.targetCount() << " targets every "
            << options.interval.count() << " ms, " << options.workers << " workers\n"
            << "  window            " << format(window_s, 1) << " s after "
            << format(options.warmup_s, 1) << " s warmup\n"
            << "  offered           " << format(offered_per_s, 0) << " probes/s\n"
            << "  completed         " << format(completed_per_s, 0) << " probes/s (raw "
            << format(perSecond(raw.completed, window_s), 0) << ", validating "
            << format(perSecond(validating.completed, window_s), 0) << ")\n"
            << "  expected outcome  " << format(percent(expected, completed), 2)
            << " % (raw NOERROR, validating secure); timeouts " << timeouts << ", skipped "
            << skipped << ", late starts " << late << "\n"
            << "  latency           mean " << format(mean_latency_ms, 2) << " ms, max since start "
            << format(static_cast<double>(latency_us_max) / 1000.0, 1) << " ms\n"
            << "  CPU               " << format(cpu_s, 2) << " s in window, "
            << format(cpu_per_1000, 4) << " s per 1000 probes, "
            << format(100.0 * cpu_s / window_s, 1) << " % of one core; "
            << format(before.cpu_s - cpu_start, 2) << " s in warmup\n"
            << "  resident memory   " << format(mib(rss_kib), 1) << " MiB at end of window ("
            << format(mib(rss_base_kib), 1) << " before config), peak "
            << format(mib(hwm_kib), 1) << " MiB, " << format(mib(rss_after_stop_kib), 1)
            << " MiB after stop; " << format(static_cast<double>(rss_used_kib) * 1024.0 /
                                                 static_cast<double>(options.resolvers), 0)
            << " bytes per resolver\n"
            << "  open files        " << open_files << " at end, "
            << std::max({open_files_warm, open_files, window_watch.open_files_max})
            << " max sampled; max in flight "
            << std::max(watch.in_flight_max, window_watch.in_flight_max) << "\n";
  const std::string unexpected = sink.firstUnexpected();
  if (!unexpected.empty()) {
    std::cout << "  first unexpected  " << unexpected << "\n";
  }
  if (aborted) {
    std::cout << "  ABORTED: resident memory passed --rss-limit-mb=" << options.rss_limit_mb
              << "\n";
  }

  std::cout << "RESULT label=" << token(options.label) << " engine=" << options.engine
            << " resolvers=" << options.resolvers << " names=" << options.names
            << " targets=" << run.targetCount() << " interval_ms=" << options.interval.count()
            << " window_s=" << format(window_s, 3) << " offered_per_s=" << format(offered_per_s, 1)
            << " completed_per_s=" << format(completed_per_s, 1)
            << " raw_per_s=" << format(perSecond(raw.completed, window_s), 1)
            << " validating_per_s=" << format(perSecond(validating.completed, window_s), 1)
            << " expected_pct=" << format(percent(expected, completed), 3)
            << " timeouts=" << timeouts << " skipped=" << skipped << " late=" << late
            << " mean_latency_ms=" << format(mean_latency_ms, 3)
            << " cpu_s=" << format(cpu_s, 3) << " cpu_s_per_1000=" << format(cpu_per_1000, 5)
            << " probes_per_cpu_s="
            << format(cpu_s > 0 ? static_cast<double>(completed) / cpu_s : 0, 0)
            << " core_share_pct=" << format(100.0 * cpu_s / window_s, 2)
            << " warmup_cpu_s=" << format(before.cpu_s - cpu_start, 3)
            << " rss_base_kib=" << rss_base_kib << " rss_kib=" << rss_kib
            << " hwm_kib=" << hwm_kib << " rss_after_stop_kib=" << rss_after_stop_kib
            << " open_files_max="
            << std::max({open_files_warm, open_files, window_watch.open_files_max})
            << " in_flight_max=" << std::max(watch.in_flight_max, window_watch.in_flight_max)
            << " aborted=" << (aborted ? 1 : 0) << " first_unexpected=" << token(unexpected)
            << "\n";
  return aborted ? 3 : 0;
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
  // The same process setup as dnssec-watch's main: workers are stopped from this thread, so
  // libevent needs its locks.
  evthread_use_pthreads();
  ares_library_init(ARES_LIB_INIT_ALL);
  dw::setLogLevel("warn");
  const int status = runBench(options);
  ares_library_cleanup();
  return status;
}
