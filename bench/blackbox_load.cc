// SPDX-License-Identifier: Apache-2.0
// blackbox_load: sends /probe requests to a prometheus-blackbox-exporter on loopback, either
// at a fixed rate or as fast as a fixed number of connections allows. It prints the probes per
// second and the exporter's CPU seconds per 1,000 probes, read from /proc/PID/stat.
//
// bench/run.sh runs it as the blackbox_exporter baseline; see docs/benchmarks.md.
#include <arpa/inet.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kAddressesPerOctet = 250;  // Same address plan as prober_bench.
constexpr int kRequestTimeoutS = 10;

const char* const kUsage = R"(Usage: blackbox_load --pid=PID [OPTION=VALUE]...
Sends GET /probe?module=MODULE&target=ADDRESS:PORT to a blackbox_exporter on loopback and
prints a summary and one "RESULT key=value ..." line for scripts. The targets cycle through
the same loopback addresses as prober_bench.

  --pid=PID             Process id of the exporter, whose CPU time is measured. Required.
  --exporter=ADDR:PORT  Exporter address, inside 127.0.0.0/8. Default 127.0.0.1:9116.
  --module=NAME         Exporter module. Default dns_good.
  --targets=N           Distinct resolver addresses, 1 to 64000. Default 10000.
  --address-prefix=A.B  First two octets of the resolver addresses. Default 127.60.
  --port=P              Resolver port. Default 5300.
  --rate=R              Requests per second, sent on a fixed schedule; 0 sends the next
                        request as soon as a connection is free. Default 0.
  --connections=C       HTTP/1.1 keep-alive connections, 1 to 256. Default 8.
  --warmup-s=S          Seconds before the measured window. Default 1.
  --duration-s=S        Seconds of the measured window. Default 10.
  --label=TEXT          Copied into the RESULT line.
)";

struct Options {
  pid_t pid = 0;
  std::string exporter_host = "127.0.0.1";
  uint16_t exporter_port = 9116;
  std::string module = "dns_good";
  size_t targets = 10000;
  std::string address_prefix = "127.60";
  uint16_t port = 5300;
  double rate = 0;
  int connections = 8;
  double warmup_s = 1;
  double duration_s = 10;
  std::string label;
};

double parseNumber(const std::string& key, const std::string& text, double min, double max) {
  size_t used = 0;
  double value = min - 1;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(value >= min && value <= max)) {
    throw std::invalid_argument("invalid " + key + " \"" + text + "\": expected a number from " +
                                std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

bool isLoopbackIpv4(const std::string& text) {
  in_addr address{};
  return inet_pton(AF_INET, text.c_str(), &address) == 1 && text.starts_with("127.");
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
    if (key == "--pid") {
      options.pid = static_cast<pid_t>(parseNumber(key, value, 1, 1 << 22));
    } else if (key == "--exporter") {
      const size_t colon = value.rfind(':');
      if (colon == std::string::npos || !isLoopbackIpv4(value.substr(0, colon))) {
        throw std::invalid_argument("invalid --exporter \"" + value +
                                    "\": expected ADDRESS:PORT with an address in 127.0.0.0/8");
      }
      options.exporter_host = value.substr(0, colon);
      options.exporter_port =
          static_cast<uint16_t>(parseNumber(key, value.substr(colon + 1), 1, 65535));
    } else if (key == "--module") {
      options.module = value;
    } else if (key == "--targets") {
      options.targets = static_cast<size_t>(parseNumber(key, value, 1, 64000));
    } else if (key == "--address-prefix") {
      if (!isLoopbackIpv4(value + ".0.1") || std::count(value.begin(), value.end(), '.') != 1) {
        throw std::invalid_argument("invalid --address-prefix \"" + value +
                                    "\": expected two octets inside 127.0.0.0/8, e.g. 127.60");
      }
      options.address_prefix = value;
    } else if (key == "--port") {
      options.port = static_cast<uint16_t>(parseNumber(key, value, 1, 65535));
    } else if (key == "--rate") {
      options.rate = parseNumber(key, value, 0, 1e6);
    } else if (key == "--connections") {
      options.connections = static_cast<int>(parseNumber(key, value, 1, 256));
    } else if (key == "--warmup-s") {
      options.warmup_s = parseNumber(key, value, 0, 3600);
    } else if (key == "--duration-s") {
      options.duration_s = parseNumber(key, value, 0.1, 3600);
    } else if (key == "--label") {
      options.label = value;
    } else {
      throw std::invalid_argument("unknown option \"" + key + "\"; see --help");
    }
  }
  if (options.pid == 0) {
    throw std::invalid_argument("missing --pid: give the process id of the exporter");
  }
  return options;
}

// CPU seconds, user plus system, that process `pid` has used; negative when unreadable.
double processCpuSeconds(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const size_t end_of_name = text.rfind(')');
  if (end_of_name == std::string::npos) {
    return -1;
  }
  // After the command name come field 3 (state) onwards; utime and stime are fields 14, 15.
  std::istringstream fields(text.substr(end_of_name + 2));
  std::string field;
  double ticks = 0;
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number >= 14) {
      ticks += std::strtod(field.c_str(), nullptr);
    }
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

uint64_t processRssKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) {
      return std::strtoull(line.c_str() + 6, nullptr, 10);
    }
  }
  return 0;
}

double ownCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

class LoadGenerator;

struct Connection {
  LoadGenerator* generator = nullptr;
  evhttp_connection* http = nullptr;
  bool busy = false;
  Clock::time_point sent_at;
};

// Counters at one instant.
struct Progress {
  uint64_t completed = 0;
  uint64_t succeeded = 0;
  uint64_t latency_us_sum = 0;
};

class LoadGenerator {
 public:
  explicit LoadGenerator(const Options& options) : options_(options) {
    base_ = event_base_new();
    for (int i = 0; i < options.connections; ++i) {
      auto connection = std::make_unique<Connection>();
      connection->generator = this;
      connection->http = evhttp_connection_base_new(base_, nullptr,
                                                    options.exporter_host.c_str(),
                                                    options.exporter_port);
      evhttp_connection_set_timeout(connection->http, kRequestTimeoutS);
      connections_.push_back(std::move(connection));
    }
    tick_ = event_new(base_, -1, EV_PERSIST, &LoadGenerator::onTick, this);
  }

  ~LoadGenerator() {
    event_free(tick_);
    for (auto& connection : connections_) {
      evhttp_connection_free(connection->http);
    }
    event_base_free(base_);
  }

  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // Sends until the warmup and the window have passed, then waits for the requests in flight
  // (each ends within kRequestTimeoutS).
  void run() {
    start_ = Clock::now();
    window_start_ = start_ + toDuration(options_.warmup_s);
    stop_sending_ = window_start_ + toDuration(options_.duration_s);
    const timeval one_ms{0, 1000};
    event_add(tick_, &one_ms);
    fillIdleConnections();
    event_base_dispatch(base_);
  }

  Progress windowStart() const { return at_window_start_; }
  Progress windowEnd() const { return at_window_end_; }
  Clock::time_point windowStartTime() const { return window_start_time_; }
  Clock::time_point windowEndTime() const { return window_end_time_; }
  double exporterCpuAtStart() const { return exporter_cpu_start_; }
  double exporterCpuAtEnd() const { return exporter_cpu_end_; }
  double ownCpuAtStart() const { return own_cpu_start_; }
  double ownCpuAtEnd() const { return own_cpu_end_; }
  uint64_t maxBacklog() const { return max_backlog_; }

 private:
  static Clock::duration toDuration(double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  }

  // Requests due by now under --rate, or unlimited when the rate is 0.
  uint64_t due(Clock::time_point now) const {
    if (options_.rate <= 0) {
      return UINT64_MAX;
    }
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    return static_cast<uint64_t>(elapsed * options_.rate);
  }

  static void onTick(evutil_socket_t, short, void* arg) {
    auto* self = static_cast<LoadGenerator*>(arg);
    const Clock::time_point now = Clock::now();
    if (!self->window_started_ && now >= self->window_start_) {
      self->window_started_ = true;
      self->at_window_start_ = self->progress_;
      self->window_start_time_ = now;
      self->exporter_cpu_start_ = processCpuSeconds(self->options_.pid);
      self->own_cpu_start_ = ownCpuSeconds();
    }
    if (!self->window_ended_ && now >= self->stop_sending_) {
      self->window_ended_ = true;
      self->at_window_end_ = self->progress_;
      self->window_end_time_ = now;
      self->exporter_cpu_end_ = processCpuSeconds(self->options_.pid);
      self->own_cpu_end_ = ownCpuSeconds();
      event_del(self->tick_);
      self->finishIfIdle();
      return;
    }
    self->fillIdleConnections();
  }

  void fillIdleConnections() {
    const Clock::time_point now = Clock::now();
    if (now >= stop_sending_) {
      return;
    }
    const uint64_t due_now = due(now);
    if (due_now != UINT64_MAX && due_now > sent_) {
      max_backlog_ = std::max(max_backlog_, due_now - sent_);
    }
    for (auto& connection : connections_) {
      if (sent_ >= due_now) {
        return;
      }
      if (!connection->busy) {
        send(*connection);
      }
    }
  }

  void send(Connection& connection) {
    const size_t index = sent_ % options_.targets;
    const std::string path = "/probe?module=" + options_.module + "&target=" +
                             options_.address_prefix + "." +
                             std::to_string(index / kAddressesPerOctet) + "." +
                             std::to_string(index % kAddressesPerOctet + 1) + ":" +
                             std::to_string(options_.port);
    evhttp_request* request = evhttp_request_new(&LoadGenerator::onResponse, &connection);
    evhttp_add_header(evhttp_request_get_output_headers(request), "Host",
                      options_.exporter_host.c_str());
    connection.busy = true;
    connection.sent_at = Clock::now();
    ++sent_;
    if (evhttp_make_request(connection.http, request, EVHTTP_REQ_GET, path.c_str()) != 0) {
      connection.busy = false;
      ++progress_.completed;  // libevent frees the request on failure.
    }
  }

  static void onResponse(evhttp_request* request, void* arg) {
    auto* connection = static_cast<Connection*>(arg);
    LoadGenerator* self = connection->generator;
    connection->busy = false;
    ++self->progress_.completed;
    self->progress_.latency_us_sum += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() -
                                                              connection->sent_at)
            .count());
    if (request != nullptr && evhttp_request_get_response_code(request) == 200) {
      evbuffer* body = evhttp_request_get_input_buffer(request);
      const char* success_line = "\nprobe_success 1\n";
      evbuffer_ptr found =
          evbuffer_search(body, success_line, std::strlen(success_line), nullptr);
      if (found.pos >= 0) {
        ++self->progress_.succeeded;
      }
    }
    if (self->window_ended_) {
      self->finishIfIdle();
      return;
    }
    self->fillIdleConnections();
  }

  void finishIfIdle() {
    for (const auto& connection : connections_) {
      if (connection->busy) {
        return;
      }
    }
    event_base_loopbreak(base_);
  }

  const Options& options_;
  event_base* base_ = nullptr;
  event* tick_ = nullptr;
  std::vector<std::unique_ptr<Connection>> connections_;
  Clock::time_point start_, window_start_, stop_sending_;
  Clock::time_point window_start_time_, window_end_time_;
  bool window_started_ = false;
  bool window_ended_ = false;
  uint64_t sent_ = 0;
  uint64_t max_backlog_ = 0;
  Progress progress_;
  Progress at_window_start_;
  Progress at_window_end_;
  double exporter_cpu_start_ = 0, exporter_cpu_end_ = 0;
  double own_cpu_start_ = 0, own_cpu_end_ = 0;
};

std::string format(double value, int precision) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", precision, value);
  return buffer;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parseOptions(argc, argv);
  } catch (const std::invalid_argument& error) {
    std::cerr << "blackbox_load: " << error.what() << "\n";
    return 2;
  }
  if (processCpuSeconds(options.pid) < 0) {
    std::cerr << "blackbox_load: cannot read /proc/" << options.pid
              << "/stat; check that --pid names the running exporter\n";
    return 2;
  }

  LoadGenerator generator(options);
  generator.run();

  const Progress start = generator.windowStart();
  const Progress end = generator.windowEnd();
  const double window_s =
      std::chrono::duration<double>(generator.windowEndTime() - generator.windowStartTime())
          .count();
  const uint64_t completed = end.completed - start.completed;
  const uint64_t succeeded = end.succeeded - start.succeeded;
  const double exporter_cpu_s = generator.exporterCpuAtEnd() - generator.exporterCpuAtStart();
  const double client_cpu_s = generator.ownCpuAtEnd() - generator.ownCpuAtStart();
  const double completed_per_s = window_s > 0 ? static_cast<double>(completed) / window_s : 0;
  const double cpu_per_1000 =
      completed > 0 ? exporter_cpu_s * 1000.0 / static_cast<double>(completed) : 0;
  const double success_pct =
      completed > 0 ? 100.0 * static_cast<double>(succeeded) / static_cast<double>(completed)
                    : 0;
  const double mean_latency_ms =
      completed > 0 ? static_cast<double>(end.latency_us_sum - start.latency_us_sum) / 1000.0 /
                          static_cast<double>(completed)
                    : 0;
  const uint64_t exporter_rss_kib = processRssKib(options.pid);
  const std::string label = options.label.empty() ? "-" : options.label;

  std::cout << "blackbox_exporter /probe, module " << options.module << ", "
            << (options.rate > 0 ? format(options.rate, 0) + " requests/s offered"
                                 : std::string("as fast as possible"))
            << " on " << options.connections << " connections\n"
            << "  window            " << format(window_s, 1) << " s after "
            << format(options.warmup_s, 1) << " s of warmup\n"
            << "  completed         " << format(completed_per_s, 0) << " probes/s, "
            << format(success_pct, 2) << " % with probe_success 1, mean latency "
            << format(mean_latency_ms, 2) << " ms, max backlog " << generator.maxBacklog()
            << "\n"
            << "  exporter CPU      " << format(exporter_cpu_s, 2) << " s, "
            << format(cpu_per_1000, 4) << " s per 1000 probes, "
            << format(100.0 * exporter_cpu_s / window_s, 1) << " % of one core; RSS "
            << format(static_cast<double>(exporter_rss_kib) / 1024.0, 1) << " MiB\n"
            << "  load CPU          " << format(client_cpu_s, 2) << " s (this program)\n";
  std::cout << "RESULT label=" << label << " engine=blackbox"
            << " offered_per_s=" << format(options.rate, 1)
            << " completed_per_s=" << format(completed_per_s, 1)
            << " expected_pct=" << format(success_pct, 3)
            << " mean_latency_ms=" << format(mean_latency_ms, 3)
            << " cpu_s=" << format(exporter_cpu_s, 3)
            << " cpu_s_per_1000=" << format(cpu_per_1000, 5) << " probes_per_cpu_s="
            << format(exporter_cpu_s > 0 ? static_cast<double>(completed) / exporter_cpu_s : 0,
                      0)
            << " core_pct=" << format(100.0 * exporter_cpu_s / window_s, 2)
            << " rss_kib=" << exporter_rss_kib << " client_cpu_s=" << format(client_cpu_s, 3)
            << " max_backlog=" << generator.maxBacklog() << "\n";
  return 0;
}
