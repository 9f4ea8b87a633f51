// SPDX-License-Identifier: Apache-2.0
#include "cli/check_report.h"

#include <fmt/format.h>

#include "cli/chain_report.h"
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

// Path faults that a zone owner must act on. Failed sweep answers are not among them: they
// are SERVFAILs and errors that the raw probes already report.
bool pathHealthy(const PathResult& result) {
  if (!result.reachable) {
    return false;
  }
  for (const SweepStep& step : result.sweep) {
    if (step.outcome == SweepOutcome::Lost ||
        (step.outcome == SweepOutcome::Truncated && !step.raw.answered())) {
      return false;
    }
  }
  for (bool stripped : result.stripped) {
    if (stripped) {
      return false;
    }
  }
  const NegativeProof proof = result.negative.proof;
  return result.size.error.empty() && !result.size.failing_lost &&
         proof != NegativeProof::Missing &&
         proof != NegativeProof::Invalid;
}

nlohmann::json sweepJson(const SweepStep& step) {
  nlohmann::json json{{"edns_size", ednsSizeLabel(step.edns_size)},
                      {"outcome", sweepOutcomeName(step.outcome)},
                      {"udp", exchangeJson(step.raw.udp)}};
  if (step.raw.tcp.attempted) {
    json["tcp"] = exchangeJson(step.raw.tcp);
  }
  return json;
}

nlohmann::json sizeJson(const SizeSearch& size) {
  nlohmann::json json{{"queries", size.queries}};
  if (!size.error.empty()) {
    json["error"] = size.error;
    return json;
  }
  json["limit_bytes"] = size.limit_bytes;
  json["failing_bytes"] = size.failing_bytes;
  json["all_arrived"] = size.all_arrived;
  json["exceeds_path"] = size.failing_lost;
  return json;
}

nlohmann::json negativeJson(const NegativeCheck& negative) {
  nlohmann::json json{{"qname", negative.question.qname},
                      {"outcome", negative.outcome},
                      {"ad", negative.ad},
                      {"proof", negativeProofName(negative.proof)},
                      {"answer", exchangeJson(negative.raw.final())}};
  if (!negative.detail.empty()) {
    json["detail"] = negative.detail;
  }
  return json;
}

nlohmann::json pathResultJson(const PathResult& result) {
  nlohmann::json json{{"reachable", result.reachable},
                      {"queries", result.queries},
                      {"answer_bytes", result.answer_bytes},
                      {"duration_ms", milliseconds(result.duration)},
                      {"healthy", pathHealthy(result)}};
  if (!result.reachable) {
    return json;
  }
  json["zone_signed"] =
      result.signing_known ? nlohmann::json(result.zone_signed) : nlohmann::json(nullptr);
  json["sweep"] = nlohmann::json::array();
  for (const SweepStep& step : result.sweep) {
    json["sweep"].push_back(sweepJson(step));
  }
  if (result.size.ran) {
    json["reply_size"] = sizeJson(result.size);
  }
  json["stripped"] = nlohmann::json::array();
  for (size_t i = 0; i < kStrippedRecordCount; ++i) {
    if (result.stripped[i]) {
      json["stripped"].push_back(strippedRecordName(static_cast<StrippedRecord>(i)));
    }
  }
  json["dnskey"] = exchangeJson(result.dnskey.final());
  json["negative"] = negativeJson(result.negative);
  return json;
}

// One letter per sweep step: C complete, T truncated with a working TCP retry, F truncated
// with a failed one, L lost, - timeout, E failed.
std::string sweepLetters(const nlohmann::json& sweep) {
  std::string letters;
  for (const nlohmann::json& step : sweep) {
    const std::string outcome = step.value("outcome", "");
    char letter = 'E';
    if (outcome == "complete") {
      letter = 'C';
    } else if (outcome == "truncated") {
      const bool tcp_ok = step.contains("tcp") && step["tcp"].value("status", "") == "answered";
      letter = tcp_ok ? 'T' : 'F';
    } else if (outcome == "lost") {
      letter = 'L';
    } else if (outcome == "timeout") {
      letter = '-';
    }
    letters += letter;
  }
  return letters;
}

std::string strippedText(const nlohmann::json& stripped) {
  std::string text;
  for (const nlohmann::json& record : stripped) {
    text += (text.empty() ? "" : ",") + record.get<std::string>();
  }
  return text.empty() ? "-" : text;
}

void printPaths(std::ostream& out, const nlohmann::json& paths) {
  if (paths.empty()) {
    return;
  }
  out << "\n" << fmt::format("{:<16} {:<20} {:<8} {:>7} {:>9} {:<9} {:<12} {:<9} {}\n",
                             "RESOLVER", "ZONE", "SWEEP", "LIMIT", "FAILS", "STRIPPED",
                             "NEGATIVE", "PROOF", "HEALTH");
  for (const nlohmann::json& path : paths) {
    if (!path.value("reachable", false)) {
      out << fmt::format("{:<16} {:<20} {}\n", path.value("resolver", ""),
                         path.value("zone", ""),
                         path.value("result", "") == "not_run" ? "not run" : "unreachable");
      continue;
    }
    std::string limit = "-";
    std::string fails = "-";
    if (path.contains("reply_size")) {
      const nlohmann::json& size = path["reply_size"];
      limit = size.contains("error") ? "error" : std::to_string(size.value("limit_bytes", 0));
      if (size.value("failing_bytes", 0) > 0) {
        fails = std::to_string(size.value("failing_bytes", 0)) +
                (size.value("exceeds_path", false) ? " lost" : " tc");
      }
    }
    const nlohmann::json& negative = path["negative"];
    out << fmt::format("{:<16} {:<20} {:<8} {:>7} {:>9} {:<9} {:<12} {:<9} {}\n",
                       path.value("resolver", ""), path.value("zone", ""),
                       sweepLetters(path["sweep"]), limit, fails, strippedText(path["stripped"]),
                       negative.value("outcome", "") + (negative.value("ad", false) ? "+ad" : ""),
                       negative.value("proof", ""),
                       path.value("healthy", false) ? "ok" : "failing");
  }
  out << "SWEEP: one letter per EDNS size (none, then path_checks.edns_sizes): C complete, "
         "T truncated and TCP works, F truncated and TCP fails, L lost, - timeout, E error\n";
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

void CheckCollector::onPathResult(const ProbeTarget& target, const PathResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  path_.at(target.id) = result;
}

std::optional<PathResult> CheckCollector::path(size_t target_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return path_.at(target_id);
}

void CheckCollector::onChainResult(const ProbeTarget& target, const ChainResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  chain_.at(target.id) = result;
}

std::optional<ChainResult> CheckCollector::chain(size_t target_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return chain_.at(target_id);
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

nlohmann::json CheckReport::pathJson(const ProbeTarget& target) const {
  nlohmann::json json{{"resolver", target.resolver->name}, {"zone", target.zone}};
  if (auto result = results_.path(target.id)) {
    json.update(pathResultJson(*result));
    return json;
  }
  json["result"] = "not_run";
  json["healthy"] = false;
  return json;
}

nlohmann::json CheckReport::chainJson(const ProbeTarget& target) const {
  nlohmann::json json{{"zone", target.zone}, {"key_resolver", target.resolver->name}};
  if (auto result = results_.chain(target.id)) {
    json.update(chainResultJson(*result));
    return json;
  }
  json["result"] = "not_run";
  json["healthy"] = false;
  return json;
}

nlohmann::json CheckReport::targetJson(const ProbeTarget& target) const {
  switch (target.engine) {
    case Engine::Path: return pathJson(target);
    case Engine::Chain: return chainJson(target);
    default: return probeJson(target);
  }
}

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
  nlohmann::json paths = nlohmann::json::array();
  nlohmann::json chains = nlohmann::json::array();
  for (const ProbeTarget& target : targets_) {
    if (target.engine == Engine::Path) {
      paths.push_back(pathJson(target));
    } else if (target.engine == Engine::Chain) {
      chains.push_back(chainJson(target));
    } else {
      probes.push_back(probeJson(target));
    }
  }
  return {{"vantage", config_.vantage},
          {"healthy", healthy()},
          {"resolvers", resolvers},
          {"probes", probes},
          {"paths", paths},
          {"chains", chains}};
}

bool CheckReport::healthy() const {
  for (const ProbeTarget& target : targets_) {
    if (!targetJson(target).value("healthy", false)) {
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
  printPaths(out, report["paths"]);
  printChains(out, report["chains"]);
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
