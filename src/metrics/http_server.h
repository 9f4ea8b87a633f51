// SPDX-License-Identifier: Apache-2.0
// The exporter's HTTP endpoint: /metrics, a landing page, /-/healthy and /-/ready.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/collectable.h>

struct mg_context;
struct mg_connection;

namespace dw {

// Serves the metrics of its collectables in the Prometheus text format, on civetweb threads.
// Thread-safe; collectables are held weakly, as prometheus-cpp's own exposer does.
class HttpServer {
 public:
  HttpServer(std::vector<std::weak_ptr<prometheus::Collectable>> collectables,
             std::string vantage);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on host:port (port 0 picks a free one). Returns false with `error` set when the
  // address cannot be bound.
  bool start(const std::string& host, uint16_t port, std::string& error);
  void stop();

  uint16_t port() const { return port_; }  // The bound port, valid after start().
  std::string url() const;                 // "http://HOST:PORT", brackets for IPv6.

  // /-/ready answers 200 only after this is set: once probing has started.
  void setReady(bool ready) { ready_.store(ready); }

 private:
  static int onRequest(mg_connection* connection, void* data);
  int serveMetrics(mg_connection* connection);
  static int onLog(const mg_connection* connection, const char* message);

  std::vector<std::weak_ptr<prometheus::Collectable>> collectables_;
  std::string vantage_;
  mg_context* context_ = nullptr;
  std::string host_;
  uint16_t port_ = 0;
  std::atomic<bool> ready_{false};
};

}  // namespace dw
