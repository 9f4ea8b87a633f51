// SPDX-License-Identifier: Apache-2.0
#include "cli/chain_report.h"

#include <fmt/format.h>

#include "dns/message.h"

namespace dw {
namespace {

nlohmann::json dsJson(const DsFinding& finding) {
  nlohmann::json json{{"key_tag", finding.ds.key_tag},
                      {"algorithm", finding.ds.algorithm},
                      {"digest_type", finding.ds.digest_type},
                      {"digest", finding.ds.digest},
                      {"status", dns::dsStatusName(finding.status)},
                      {"detail", finding.detail}};
  if (!finding.servers.empty()) {
    json["servers"] = finding.servers;
  }
  return json;
}

nlohmann::json authJson(const AuthServer& server) {
  nlohmann::json json{{"address", server.address}, {"names", server.names},
                      {"result", server.result}, {"in_sync", server.in_sync}};
  if (!server.detail.empty()) {
    json["detail"] = server.detail;
  }
  if (server.result == "ok") {
    json["serial"] = server.serial;
    json["signed"] = server.signed_zone;
    json["dnskey_tags"] = server.dnskey_tags;
  }
  json["rrsets"] = nlohmann::json::array();
  for (const dns::RecordSet& set : server.rrsets) {
    json["rrsets"].push_back({{"qname", set.owner},
                              {"qtype", dns::rrTypeName(set.type)},
                              {"ttl", set.ttl},
                              {"records", set.rdata.size()},
                              {"rrsigs", set.signatures.size()}});
  }
  return json;
}

nlohmann::json parentJson(const ParentServer& parent) {
  nlohmann::json json{{"address", parent.address}, {"names", parent.names},
                      {"result", parent.result}, {"ds_ttl", parent.ds_ttl},
                      {"delegation_ns", parent.delegation_ns}};
  json["ds"] = nlohmann::json::array();
  for (const dns::DsFields& ds : parent.ds) {
    json["ds"].push_back(ds.text());
  }
  if (!parent.detail.empty()) {
    json["detail"] = parent.detail;
  }
  return json;
}

nlohmann::json signatureJson(const SignatureFinding& signature) {
  return {{"qname", signature.qname},
          {"qtype", dns::rrTypeName(signature.qtype)},
          {"expires_in_s", signature.expires_in},
          {"inception_age_s", signature.inception_age},
          {"ttl", signature.ttl},
          {"ttl_outlives_signature", signature.ttl_outlives},
          {"server", signature.server}};
}

template <typename Item, typename ToJson>
nlohmann::json arrayOf(const std::vector<Item>& items, ToJson to_json) {
  nlohmann::json array = nlohmann::json::array();
  for (const Item& item : items) {
    array.push_back(to_json(item));
  }
  return array;
}

std::string shortestExpiry(const nlohmann::json& signatures) {
  if (signatures.empty()) {
    return "-";
  }
  int64_t least = INT64_MAX;
  for (const nlohmann::json& signature : signatures) {
    least = std::min(least, signature.value("expires_in_s", int64_t{0}));
  }
  return fmt::format("{:.1f}d", static_cast<double>(least) / 86400.0);
}

}  // namespace

nlohmann::json chainResultJson(const ChainResult& result) {
  nlohmann::json json{{"parent", result.parent},
                      {"delegation_ns", result.delegation_ns},
                      {"zone_ns", result.zone_ns},
                      {"in_sync", result.in_sync},
                      {"ds_consistent", result.ds_consistent},
                      {"ds_ttl", result.ds_ttl},
                      {"cds", dns::cdsAgreementName(result.cds)},
                      {"queries", result.queries},
                      {"duration_ms", static_cast<double>(result.duration.count()) / 1000.0},
                      {"healthy", result.healthy()},
                      {"faults", result.faults()}};
  if (!result.error.empty()) {
    json["error"] = result.error;
  }
  json["servers"] = arrayOf(result.servers, authJson);
  json["parents"] = arrayOf(result.parents, parentJson);
  json["ds"] = arrayOf(result.ds, dsJson);
  json["expected_ds"] = arrayOf(result.expected_ds, dsJson);
  json["signatures"] = arrayOf(result.signatures, signatureJson);
  return json;
}

void printChains(std::ostream& out, const nlohmann::json& chains) {
  if (chains.empty()) {
    return;
  }
  out << "\n" << fmt::format("{:<20} {:>7} {:>7} {:<7} {:<13} {:>9} {}\n", "ZONE", "SERVERS",
                             "IN_SYNC", "DS", "DS_CONSISTENT", "RRSIG_MIN", "FAULTS");
  for (const nlohmann::json& chain : chains) {
    if (chain.value("result", "") == "not_run") {
      out << fmt::format("{:<20} not run\n", chain.value("zone", ""));
      continue;
    }
    std::string faults;
    for (const nlohmann::json& fault : chain["faults"]) {
      faults += (faults.empty() ? "" : "; ") + fault.get<std::string>();
    }
    out << fmt::format("{:<20} {:>7} {:>7} {:<7} {:<13} {:>9} {}\n", chain.value("zone", ""),
                       chain["servers"].size(), chain.value("in_sync", false) ? "yes" : "no",
                       chain["ds"].size(), chain.value("ds_consistent", false) ? "yes" : "no",
                       shortestExpiry(chain["signatures"]), faults.empty() ? "none" : faults);
  }
}

}  // namespace dw
