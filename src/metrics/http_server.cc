// SPDX-License-Identifier: Apache-2.0
#include "metrics/http_server.h"

#include <cstring>
#include <string_view>

#include <civetweb.h>
#include <prometheus/text_serializer.h>

#include "log.h"

namespace dw {
namespace {

// civetweb reports bind failures through its log callback before mg_start returns NULL.
thread_local std::string last_civetweb_error;

void reply(mg_connection* connection, int status, const char* content_type,
           const std::string& body) {
  const char* reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Service Unavailable";
  mg_printf(connection,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Connection: close\r\n\r\n",
            status, reason, content_type, body.size());
  mg_write(connection, body.data(), body.size());
}

std::string landingPage(const std::string& vantage) {
  return "<!DOCTYPE html>\n<html><head><title>dnssec-watch</title></head><body>\n"
         "<h1>dnssec-watch</h1>\n<p>DNSSEC validation monitor, vantage <code>" +
         vantage +
         "</code>.</p>\n<ul>\n<li><a href=\"/metrics\">/metrics</a></li>\n"
         "<li><a href=\"/-/healthy\">/-/healthy</a></li>\n"
         "<li><a href=\"/-/ready\">/-/ready</a></li>\n</ul>\n</body></html>\n";
}

}  // namespace

HttpServer::HttpServer(std::vector<std::weak_ptr<prometheus::Collectable>> collectables,
                       std::string vantage)
    : collectables_(std::move(collectables)), vantage_(std::move(vantage)) {}

HttpServer::~HttpServer() { stop(); }

bool HttpServer::start(const std::string& host, uint16_t port, std::string& error) {
  stop();
  const bool v6 = host.find(':') != std::string::npos;
  const std::string ports = (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  const char* options[] = {"listening_ports", ports.c_str(), "num_threads", "2", nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = &HttpServer::onLog;
  last_civetweb_error.clear();
  context_ = mg_start(&callbacks, this, options);
  if (context_ == nullptr) {
    error = "cannot listen on " + ports + ": " +
            (last_civetweb_error.empty() ? "civetweb failed to start" : last_civetweb_error) +
            "; choose a free address and port for 'listen'";
    return false;
  }
  mg_server_port bound[4];
  if (mg_get_server_ports(context_, 4, bound) > 0) {
    port_ = static_cast<uint16_t>(bound[0].port);
  }
  host_ = host;
  mg_set_request_handler(context_, "/", &HttpServer::onRequest, this);
  return true;
}

void HttpServer::stop() {
  if (context_ != nullptr) {
    mg_stop(context_);
    context_ = nullptr;
  }
}

std::string HttpServer::url() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

int HttpServer::onLog(const mg_connection*, const char* message) {
  last_civetweb_error = message;
  logger("exporter")->debug("civetweb: {}", message);
  return 1;
}

int HttpServer::onRequest(mg_connection* connection, void* data) {
  auto* self = static_cast<HttpServer*>(data);
  const mg_request_info* request = mg_get_request_info(connection);
  const std::string_view uri = request->local_uri != nullptr ? request->local_uri : "";
  if (uri == "/metrics") {
    return self->serveMetrics(connection);
  }
  if (uri == "/") {
    reply(connection, 200, "text/html; charset=utf-8", landingPage(self->vantage_));
  } else if (uri == "/-/healthy") {
    reply(connection, 200, "text/plain; charset=utf-8", "dnssec-watch is healthy.\n");
  } else if (uri == "/-/ready") {
    if (self->ready_.load()) {
      reply(connection, 200, "text/plain; charset=utf-8", "dnssec-watch is ready.\n");
    } else {
      reply(connection, 503, "text/plain; charset=utf-8", "dnssec-watch is not ready.\n");
    }
  } else {
    reply(connection, 404, "text/plain; charset=utf-8", "Not found; see / for the pages.\n");
  }
  return 200;
}

int HttpServer::serveMetrics(mg_connection* connection) {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& weak : collectables_) {
    if (auto collectable = weak.lock()) {
      auto collected = collectable->Collect();
      families.insert(families.end(), std::make_move_iterator(collected.begin()),
                      std::make_move_iterator(collected.end()));
    }
  }
  const std::string body = prometheus::TextSerializer().Serialize(families);
  reply(connection, 200, "text/plain; version=0.0.4; charset=utf-8", body);
  return 200;
}

}  // namespace dw
