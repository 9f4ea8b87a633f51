// SPDX-License-Identifier: Apache-2.0
#include "cli/check_report.h"

#include <fmt/format.h>

#include "dns/message.h"
#include "probe/observation.h"

namespace dw {
namespace {

double milliseconds(std::chrono::microseconds latency) {
  return static_cast<double>(latency.count()) / 1000.0;
}

nlohmann::json exchangeJson(const Exchange& exchange) {
  nlohmann::json json{{"status", exchangeStatusName(exchange.status)},
                      {"latency_ms", milliseconds(exchange.latency)}};
  if (!exchange.error.empty()) {
    json["error"] = exchange.error;
  }
  if (exchange.status != ExchangeStatus::Answered) {
    return json;
  }
  const dns::AnswerSummary& answer = exchange.answer;
  if (exchange.edns_formerr) {
    json["edns_formerr"] = true;
  }
  json["rcode"] = dns::rcodeName(answer.rcode);
  json["flags"] = {{"aa", answer.aa}, {"tc", answer.tc}, {"ra", answer.ra}, {"ad", answer.ad}};
  json["size_bytes"] = answer.size_bytes;
  json["answer_count"] = answer.answer_count;
  json["rrsig_count"] = answer.answer_rrsig_count + answer.authority_rrsig_count;
  json["nsec_count"] = answer.nsec_count;
  json["opt"] = {{"present", answer.has_opt}};
  if (answer.has_opt) {
    json["opt"]["udp_size"] = answer.edns_udp_size;
    json["opt"]["do"] = answer.edns_do;
    json["opt"]["size_bytes"] = answer.opt_size_bytes;
  }
  json["extended_errors"] = nlohmann::json::array();
  for (const dns::ExtendedError& error : answer.extended_errors) {
    json["extended_errors"].push_back({{"code", error.code}, {"text", error.text}});
  }
  return json;
}

nlohmann::json rawJson(const ProbeTarget& target, const RawResult& result) {
  nlohmann::json json{{"result", rawResultLabel(result)},
                      {"transport", result.tcp.attempted ? "tcp" : "udp"},
                      {"udp", exchangeJson(result.udp)}};
  if (result.tcp.attempted) {
    json["tcp"] = exchangeJson(result.tcp);
  }
  if (result.cd_recheck.attempted) {
    json["cd_recheck"] = exchangeJson(result.cd_recheck);
    json["servfail_cause"] = servfailCause(result);
  }
  if (target.canary) {
    json["healthy"] = result.answered();
  } else {
    ZoneHealth health = observeRaw(result);
    json["health"] = zoneHealthName(health);
    json["healthy"] = health == ZoneHealth::Ok;
  }
  return json;
}

nlohmann::json validationJson(const ValidationResult& result) {
  ZoneHealth health = observeValidation(result);
  nlohmann::json json{{"result", validationResultLabel(result)},
                      {"state", validationStateName(result.state)},
                      {"latency_ms", milliseconds(result.latency)},
                      {"health", zoneHealthName(health)},
                      {"healthy", health == ZoneHealth::Ok}};
  if (result.status == ExchangeStatus::Answered) {
    json["rcode"] = dns::rcodeName(result.rcode);
  }
  if (result.state == ValidationState::Bogus) {
    json["reason"] = bogusReasonName(result.reason);
    json["why_bogus"] = result.why_bogus;
  }
  if (!result.error.empty()) {
    json["error"] = result.error;
  }
  return json;
}

}  // namespace

void CheckCollector::onRawResult(const ProbeTarget& target, const RawResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  raw_.at(target.id) = result;
}

void CheckCollector::onValidationResult(const ProbeTarget& target,
                                        const ValidationResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  validation_.at(target.id) = result;
}

std::optional<RawResult> CheckCollector::raw(size_t target_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return raw_.at(target_id);
}

std::optional<ValidationResult> CheckCollector::validation(size_t target_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return validation_.at(target_id);
}

CheckReport::CheckReport(const Config& config, const std::vector<ProbeTarget>& targets,
                         const CheckCollector& results)
    : config_(config), targets_(targets), results_(results) {}

nlohmann::json CheckReport::probeJson(const ProbeTarget& target) const {
  nlohmann::json json;
  json["resolver"] = target.resolver->name;
  json["engine"] = engineName(target.engine);
  json["zone"] = target.canary ? nlohmann::json(nullptr) : nlohmann::json(target.zone);
  json["canary"] = target.canary;
  json["qname"] = target.question.qname;
  json["qtype"] = target.question.qtype_name;
  if (target.engine == Engine::Validating) {
    json["method"] = target.local_validation ? "local" : "libunbound";
  }
  if (target.engine == Engine::Raw) {
    if (auto result = results_.raw(target.id)) {
      json.update(rawJson(target, *result));
      return json;
    }
  } else if (auto result = results_.validation(target.id)) {
    json.update(validationJson(*result));
    return json;
  }
  json["result"] = "not_run";
  json["healthy"] = false;
  return json;
}

std::optional<bool> CheckReport::resolverValidates(size_t resolver_index) const {
  std::optional<bool> validates;
  for (const ProbeTarget& target : targets_) {
    if (target.resolver_index != resolver_index || target.engine != Engine::Raw) {
      continue;
    }
    auto result = results_.raw(target.id);
    if (!result) {
      continue;
    }
    std::optional<bool> seen = target.canary ? validatingFromCanary(*result)
                                             : validatingFromZoneAnswer(*result);
    if (!seen && result->servfailFromValidation()) {
      seen = true;
    }
    if (seen && *seen) {
      return true;  // One proof of validation outweighs answers that lack AD.
    }
    if (seen) {
      validates = false;
    }
  }
  return validates;
}

nlohmann::json CheckReport::toJson() const {
  nlohmann::json resolvers = nlohmann::json::array();
  for (size_t i = 0; i < config_.resolvers.size(); ++i) {
    const ResolverSpec& resolver = config_.resolvers[i];
    std::optional<bool> validates = resolverValidates(i);
    resolvers.push_back({{"name", resolver.name},
                         {"address", resolver.address},
                         {"port", resolver.port},
                         {"validating", validates ? nlohmann::json(*validates)
                                                  : nlohmann::json(nullptr)}});
  }
  nlohmann::json probes = nlohmann::json::array();
  for (const ProbeTarget& target : targets_) {
    probes.push_back(probeJson(target));
  }
  return {{"vantage", config_.vantage},
          {"healthy", healthy()},
          {"resolvers", resolvers},
          {"probes", probes}};
}

bool CheckReport::healthy() const {
  for (const ProbeTarget& target : targets_) {
    if (!probeJson(target).value("healthy", false)) {
      return false;
    }
  }
  return true;
}

void CheckReport::printText(std::ostream& out) const {
  const nlohmann::json report = toJson();
  out << fmt::format("{:<16} {:<10} {:<28} {:<7} {:<14} {:<9} {:>6} {:>5} {:<8} {}\n",
                     "RESOLVER", "ENGINE", "QNAME", "QTYPE", "RESULT", "RCODE", "BYTES", "AD",
                     "HEALTH", "DETAIL");
  for (const nlohmann::json& probe : report["probes"]) {
    const nlohmann::json& first = probe.contains("tcp") ? probe["tcp"]
                                  : probe.contains("udp") ? probe["udp"]
                                                          : probe;
    std::string detail;
    if (probe.contains("why_bogus")) {
      detail = probe.value("reason", "") + ": " + probe.value("why_bogus", "");
    } else if (probe.contains("servfail_cause")) {
      detail = "servfail cause " + probe.value("servfail_cause", "");
    } else if (first.contains("error")) {
      detail = first.value("error", "");
    }
    if (probe.contains("tcp")) {
      detail = "truncated, TCP " + probe["tcp"].value("status", "") +
               (detail.empty() ? "" : "; " + detail);
    }
    std::string ad = "-";
    if (first.contains("flags")) {
      ad = first["flags"].value("ad", false) ? "yes" : "no";
    }
    out << fmt::format("{:<16} {:<10} {:<28} {:<7} {:<14} {:<9} {:>6} {:>5} {:<8} {}\n",
                       probe.value("resolver", ""), probe.value("engine", ""),
                       probe.value("qname", ""), probe.value("qtype", ""),
                       probe.value("result", ""),
                       first.value("rcode", probe.value("rcode", "-")),
                       first.contains("size_bytes") ? std::to_string(first.value("size_bytes", 0))
                                                    : "-",
                       ad,
                       probe.value("health", probe.value("healthy", false) ? "ok" : "failing"),
                       detail);
  }
  out << "\n" << fmt::format("{:<16} {:<40} {}\n", "RESOLVER", "ADDRESS", "VALIDATING");
  for (const nlohmann::json& resolver : report["resolvers"]) {
    const nlohmann::json& validating = resolver["validating"];
    out << fmt::format("{:<16} {:<40} {}\n", resolver.value("name", ""),
                       resolver.value("address", "") + " port " +
                           std::to_string(resolver.value("port", 53)),
                       validating.is_null() ? "unknown" : validating.get<bool>() ? "yes" : "no");
  }
  out << "\n" << (report.value("healthy", false) ? "healthy" : "unhealthy: some probes failed")
      << "\n";
}

}  // namespace dw
