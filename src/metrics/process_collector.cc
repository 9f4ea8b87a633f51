// SPDX-License-Identifier: Apache-2.0
#include "metrics/process_collector.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace dw {
namespace {

prometheus::MetricFamily single(const std::string& name, const std::string& help,
                                prometheus::MetricType type, double value) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(metric);
  return family;
}

// Fields of /proc/self/stat after the command name, which may itself hold spaces; the
// first returned field is field 3 ("state") of proc(5).
std::vector<std::string> statFields() {
  std::ifstream file("/proc/self/stat");
  std::string line;
  std::getline(file, line);
  std::vector<std::string> fields;
  auto close = line.rfind(')');
  if (close == std::string::npos) {
    return fields;
  }
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  while (rest >> field) {
    fields.push_back(field);
  }
  return fields;
}

double bootTimeSeconds() {
  std::ifstream file("/proc/stat");
  std::string key;
  double value = 0;
  while (file >> key) {
    if (key == "btime") {
      file >> value;
      return value;
    }
    file.ignore(4096, '\n');
  }
  return 0;
}

double openFds() {
  double count = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (readdir(dir) != nullptr) {
      ++count;
    }
    closedir(dir);
    count -= 3;  // ".", ".." and the directory's own descriptor.
  }
  return count;
}

}  // namespace

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> families;
  const std::vector<std::string> fields = statFields();
  // proc(5) numbering: utime 14, stime 15, starttime 22, vsize 23, rss 24.
  if (fields.size() >= 22) {
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    const double cpu = (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
    families.push_back(single("process_cpu_seconds_total",
                              "Total user and system CPU time spent in seconds.",
                              MetricType::Counter, cpu));
    families.push_back(single("process_start_time_seconds",
                              "Start time of the process since unix epoch in seconds.",
                              MetricType::Gauge,
                              bootTimeSeconds() + std::stod(fields[19]) / ticks));
    families.push_back(single("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                              MetricType::Gauge, std::stod(fields[20])));
    families.push_back(single("process_resident_memory_bytes",
                              "Resident memory size in bytes.", MetricType::Gauge,
                              std::stod(fields[21]) * page));
  }
  families.push_back(single("process_open_fds", "Number of open file descriptors.",
                            MetricType::Gauge, openFds()));
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    families.push_back(single("process_max_fds", "Maximum number of open file descriptors.",
                              MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  return families;
}

}  // namespace dw
