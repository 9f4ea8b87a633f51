// SPDX-License-Identifier: Apache-2.0
#include <signal.h>

#include <memory>

#include <ares.h>
#include <prometheus/registry.h>
#include <unbound.h>

#include "cli/commands.h"
#include "config/config.h"
#include "log.h"
#include "metrics/http_server.h"
#include "metrics/process_collector.h"
#include "metrics/recorder.h"
#include "metrics/rollout_collector.h"
#include "probe/prober.h"
#include "rollout/state_file.h"
#include "version.h"

// ldns's version macro lives in a header that needs <stdbool.h> first in C++.
#include <stdbool.h>
#include <ldns/util.h>

namespace dw {
namespace {

// Locks the config's state file for this process. Throws ConfigError when another `run`
// holds it, since two writers would each drop the other's transitions.
std::unique_ptr<StateFileLock> lockStateFile(const Config& config) {
  auto lock = std::make_unique<StateFileLock>(config.state_file);
  std::string error;
  if (!lock->acquire(error)) {
    throw ConfigError(config.source_path + ": state_file: " + error +
                      "; give each dnssec-watch run its own state_file");
  }
  return lock;
}

// The daemon: one registry and recorder for its whole life, a prober per config.
class Daemon {
 public:
  Daemon(std::string config_path, Config config, std::unique_ptr<StateFileLock> state_lock);
  int run(const sigset_t& signals);

 private:
  bool listen(const Config& config);
  void startProber(Config config);
  void reload();
  void logSummary(const char* event, const Config& config) const;

  std::string config_path_;
  std::string vantage_;
  std::shared_ptr<spdlog::logger> log_ = logger("main");
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::shared_ptr<ProcessCollector> process_ = std::make_shared<ProcessCollector>();
  std::shared_ptr<RolloutCollector> rollout_;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<Prober> prober_;
  std::unique_ptr<StateFileLock> state_lock_;
  std::string state_file_;
  std::string listen_address_;
  uint16_t listen_port_ = 0;
};

Daemon::Daemon(std::string config_path, Config config,
               std::unique_ptr<StateFileLock> state_lock)
    : config_path_(std::move(config_path)),
      vantage_(config.vantage),
      state_lock_(std::move(state_lock)),
      state_file_(config.state_file) {
  recorder_ = std::make_unique<Recorder>(*registry_, vantage_);
  recorder_->metrics()
      .build_info.Add({{"version", DW_VERSION},
                       {"libunbound", ub_version()},
                       {"cares", ares_version(nullptr)},
                       {"ldns", LDNS_VERSION}})
      .Set(1);
  recorder_->metrics().config_last_reload_successful.Add({}).Set(1);
  // Both series exist from the start, so that rate() and increase() work on the first reload.
  recorder_->metrics().config_reloads.Add({{"result", "success"}});
  recorder_->metrics().config_reloads.Add({{"result", "failure"}});
  rollout_ = std::make_shared<RolloutCollector>(recorder_->rollout(), vantage_);
  server_ = std::make_unique<HttpServer>(
      std::vector<std::weak_ptr<prometheus::Collectable>>{registry_, process_, rollout_},
      vantage_);
  prober_ = std::make_unique<Prober>(std::move(config));
}

bool Daemon::listen(const Config& config) {
  std::string error;
  if (!server_->start(config.listen_address, config.listen_port, error)) {
    log_->error("exporter failed to start: {}", error);
    return false;
  }
  listen_address_ = config.listen_address;
  listen_port_ = config.listen_port;
  log_->info("serving metrics url={}/metrics", server_->url());
  return true;
}

void Daemon::startProber(Config config) {
  prober_ = std::make_unique<Prober>(std::move(config));
  recorder_->prepare(prober_->config(), prober_->targets());
  prober_->start(*recorder_);
}

int Daemon::run(const sigset_t& signals) {
  if (!listen(prober_->config())) {
    return kExitUnhealthy;
  }
  logSummary("dnssec-watch started", prober_->config());
  recorder_->prepare(prober_->config(), prober_->targets());
  prober_->start(*recorder_);
  server_->setReady(true);
  for (;;) {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number == SIGHUP) {
      reload();
      continue;
    }
    log_->info("stopping signal={}", strsignal(signal_number));
    server_->setReady(false);
    prober_->stop();
    log_->debug("probing stopped");
    server_->stop();
    log_->info("dnssec-watch stopped");
    return kExitOk;
  }
}

void Daemon::reload() {
  log_->info("reloading config path={}", config_path_);
  auto& metrics = recorder_->metrics();
  Config config;
  try {
    config = loadConfig(config_path_);
    checkStateFileWritable(config);
    if (config.state_file != state_file_) {
      state_lock_ = lockStateFile(config);
      state_file_ = config.state_file;
    }
  } catch (const ConfigError& error) {
    log_->error("config reload rejected, keeping the running config: {}", error.what());
    metrics.config_reloads.Add({{"result", "failure"}}).Increment();
    metrics.config_last_reload_successful.Add({}).Set(0);
    return;
  }
  if (config.vantage != vantage_) {
    // The vantage is a constant label of every registered family.
    log_->warn("vantage change from {} to {} takes effect at the next restart", vantage_,
               config.vantage);
    config.vantage = vantage_;
  }
  prober_->stop();
  if (config.listen_address != listen_address_ || config.listen_port != listen_port_) {
    Config previous = prober_->config();
    if (!listen(config)) {
      log_->error("config reload rejected, keeping the running config: new listen address "
                  "failed");
      listen(previous);
      startProber(std::move(previous));
      metrics.config_reloads.Add({{"result", "failure"}}).Increment();
      metrics.config_last_reload_successful.Add({}).Set(0);
      return;
    }
  }
  startProber(std::move(config));
  logSummary("config reloaded", prober_->config());
  metrics.config_reloads.Add({{"result", "success"}}).Increment();
  metrics.config_last_reload_successful.Add({}).Set(1);
}

void Daemon::logSummary(const char* event, const Config& config) const {
  size_t probes = 0;
  for (const ZoneSpec& zone : config.zones) {
    probes += zone.probes.size();
  }
  log_->info("{} version={} config={} vantage={} zones={} probes={} resolvers={} "
             "validating_resolvers={} targets={} workers={} interval_s={} timeout_s={} "
             "edns_buffer_size={}",
             event, DW_VERSION, config_path_, config.vantage, config.zones.size(), probes,
             config.resolvers.size(),
             std::min<size_t>(config.resolvers.size(),
                              static_cast<size_t>(config.validating_resolvers_max)),
             prober_ ? prober_->targets().size() : 0, config.workers,
             static_cast<double>(config.interval.count()) / 1000.0,
             static_cast<double>(config.timeout.count()) / 1000.0, config.edns_buffer_size);
}

}  // namespace

int runCommand(const CommandLine& command_line) {
  Config config = loadConfig(command_line.config_path);
  checkStateFileWritable(config);
  std::unique_ptr<StateFileLock> state_lock = lockStateFile(config);
  // Block the signals before any thread starts, so that every thread inherits the mask and
  // only sigwait in the main thread receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Daemon daemon(command_line.config_path, std::move(config), std::move(state_lock));
  return daemon.run(signals);
}

}  // namespace dw
