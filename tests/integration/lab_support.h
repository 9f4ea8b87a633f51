// SPDX-License-Identifier: Apache-2.0
// Helpers for integration tests: the lab's addresses, config files, and running the binary.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "monitoring_files.h"

namespace dw::test {

// The running lab, as tests/lab/lab.sh describes it in LAB_DIR/lab.env.
struct Lab {
  std::string dir;
  std::string auth;           // Address of nsd, authoritative for every lab zone.
  std::string auth2;          // Address of the second nsd: lab. and halfsigned.lab.
  std::string validating;     // Address of the validating unbound.
  std::string nonvalidating;  // Address of the unbound with validation off.
  std::string dead;           // An address where nothing listens.
  std::string root_key;       // The lab's trust anchor file.
};

// Reads LAB_DIR (default /tmp/dnssec-watch-test-lab)/lab.env; fails the test if missing.
Lab readLab();

// Runs tests/lab/lab.sh with `arguments`, e.g. "set-ds good right", on the running lab of
// LAB_DIR and waits for it.
CommandOutput runLabScript(const std::string& arguments);

// Returns a lab config in YAML with the given resolvers ("name address[:port]" items) and
// extra top-level lines; every zone of the lab is probed.
std::string labConfig(const Lab& lab, const std::vector<std::string>& resolvers,
                      const std::string& extra = "");

// Writes `text` to a new file in a fresh temporary directory and returns its path.
std::string writeTempFile(const std::string& name, const std::string& text);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the dnssec-watch binary with `args` and waits for it, at most `limit`.
CommandResult runBinary(const std::vector<std::string>& args,
                        std::chrono::seconds limit = std::chrono::seconds(60));

// A dnssec-watch daemon, or another program, started in the background; stopped with SIGTERM
// when destroyed.
class Daemon {
 public:
  explicit Daemon(const std::vector<std::string>& args);
  Daemon(const std::string& program, const std::vector<std::string>& args);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int signal_number);
  // Sends SIGTERM and returns the exit status, or -1 if it did not exit within `limit`.
  int stop(std::chrono::seconds limit = std::chrono::seconds(10));
  std::string stderrText() const;

 private:
  pid_t pid_ = -1;
  std::string stderr_path_;
  int exit_code_ = -1;
};

// A free TCP port on 127.0.0.1, found by binding port 0.
int freePort();

// HTTP GET; returns the status code (0 on a connection failure) and fills `body`.
long httpGet(const std::string& url, std::string& body);

// The value of the first sample of `name` whose labels include all of `labels`, or NaN.
double metricValue(const std::string& exposition, const std::string& name,
                   const std::map<std::string, std::string>& labels);

// Polls `url` until metricValue(...) satisfies `ready` or `limit` passes; returns the last
// exposition text.
std::string waitForMetric(const std::string& url, const std::string& name,
                          const std::map<std::string, std::string>& labels,
                          bool (*ready)(double), std::chrono::seconds limit);

// A UDP and TCP socket bound to address:port that never reads nor answers: a resolver that
// hangs. Closed when destroyed.
class BlackHole {
 public:
  BlackHole(const std::string& address, int port);
  ~BlackHole();
  BlackHole(const BlackHole&) = delete;
  BlackHole& operator=(const BlackHole&) = delete;

 private:
  int udp_ = -1;
  int tcp_ = -1;
};

}  // namespace dw::test

namespace dw::test {

// A UDP relay on address:53 that forwards each query to upstream:53 and counts the queries
// per "qname/qtype" (lower-case qname with trailing dot, numeric qtype). Runs until destroyed.
class CountingRelay {
 public:
  CountingRelay(const std::string& address, const std::string& upstream);
  ~CountingRelay();
  CountingRelay(const CountingRelay&) = delete;
  CountingRelay& operator=(const CountingRelay&) = delete;

  int count(const std::string& key) const;

 private:
  void serve();

  int listen_ = -1;
  int upstream_ = -1;
  int wake_[2] = {-1, -1};
  std::string upstream_address_;
  mutable std::mutex mutex_;  // Guards counts_.
  std::map<std::string, int> counts_;
  std::thread thread_;
};

}  // namespace dw::test
