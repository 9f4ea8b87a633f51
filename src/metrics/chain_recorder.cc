// SPDX-License-Identifier: Apache-2.0
#include "metrics/chain_recorder.h"

#include <set>

#include <spdlog/spdlog.h>

#include "dns/message.h"
#include "log.h"
#include "metrics/labelled_counters.h"

namespace dw {
namespace {

using prometheus::Gauge;
using prometheus::Labels;

// The gauges of one family that a round set; those of earlier rounds that this round did not
// set are removed from the family.
class RoundGauges {
 public:
  explicit RoundGauges(prometheus::Family<Gauge>& family) : family_(family) {}
  void set(const Labels& labels, double value) {
    Gauge& gauge = family_.Add(labels);
    gauge.Set(value);
    current_.insert(&gauge);
  }
  void endRound() {
    for (Gauge* gauge : previous_) {
      if (current_.count(gauge) == 0) {
        family_.Remove(gauge);
      }
    }
    previous_ = std::move(current_);
    current_.clear();
  }

 private:
  prometheus::Family<Gauge>& family_;
  std::set<Gauge*> previous_;
  std::set<Gauge*> current_;
};

std::string resultLabel(const ChainResult& result) {
  if (!result.error.empty()) {
    return "failed";
  }
  return result.healthy() ? "healthy" : "faulty";
}

}  // namespace

struct ChainRecorder::Handles {
  Handles(ChainMetrics& metrics, const std::string& zone)
      : zone_labels{{"zone", zone}},
        serial(metrics.auth_serial),
        signed_zone(metrics.auth_signed),
        ds_records(metrics.ds_records),
        expiry(metrics.rrsig_expiry),
        inception_age(metrics.rrsig_inception_age),
        ttl_outlives(metrics.rrsig_ttl_outlives) {}

  Labels zone_labels;
  LabelledCounters checks;
  std::map<std::string, LabelledCounters> auth_checks;  // By server address.
  RoundGauges serial, signed_zone, ds_records, expiry, inception_age, ttl_outlives;
  Gauge* in_sync = nullptr;
  Gauge* ds_ttl = nullptr;
  Gauge* ds_consistent = nullptr;
  std::map<std::string, Gauge*> cds_state;  // By CdsAgreement name.
  std::string faults;  // The latest round's faults, joined.
};

ChainRecorder::ChainRecorder(prometheus::Registry& registry, const std::string& vantage)
    : metrics_(registry, vantage), log_(logger("chain")), queries_(&metrics_.queries.Add({})) {}

ChainRecorder::~ChainRecorder() = default;

void ChainRecorder::prepare(const std::vector<ProbeTarget>& targets) {
  targets_.clear();
  targets_.resize(targets.size());
  for (const ProbeTarget& target : targets) {
    if (target.engine != Engine::Chain) {
      continue;
    }
    auto handles = std::make_unique<Handles>(metrics_, target.zone);
    const Labels& labels = handles->zone_labels;
    handles->checks.init(metrics_.checks, labels, "result");
    handles->in_sync = &metrics_.auth_in_sync.Add(labels);
    handles->ds_ttl = &metrics_.ds_ttl.Add(labels);
    handles->ds_consistent = &metrics_.ds_consistent.Add(labels);
    for (auto state : {dns::CdsAgreement::None, dns::CdsAgreement::Agrees,
                       dns::CdsAgreement::Disagrees, dns::CdsAgreement::Delete}) {
      const std::string name(dns::cdsAgreementName(state));
      handles->cds_state[name] = &metrics_.cds_agreement.Add(withLabel(labels, "state", name));
    }
    targets_[target.id] = std::move(handles);
  }
}

void ChainRecorder::record(const ProbeTarget& target, const ChainResult& result) {
  Handles& handles = *targets_[target.id];
  queries_->Increment(result.queries);
  handles.checks.get(resultLabel(result)).Increment();
  logChange(target, handles, result);
  recordServers(handles, result);
  recordDs(handles, result);
  recordSignatures(handles, result);
}

void ChainRecorder::recordServers(Handles& handles, const ChainResult& result) {
  for (const AuthServer& server : result.servers) {
    const Labels labels = withLabel(handles.zone_labels, "server", server.address);
    auto [counters, inserted] = handles.auth_checks.try_emplace(server.address);
    if (inserted) {
      counters->second.init(metrics_.auth_checks, labels, "result");
    }
    counters->second.get(server.result).Increment();
    if (server.result == "ok") {
      handles.serial.set(labels, static_cast<double>(server.serial));
      handles.signed_zone.set(labels, server.signed_zone ? 1 : 0);
    }
  }
  handles.serial.endRound();
  handles.signed_zone.endRound();
  handles.in_sync->Set(result.in_sync ? 1 : 0);
}

void ChainRecorder::recordDs(Handles& handles, const ChainResult& result) {
  auto set = [&](const DsFinding& finding, const std::string& server) {
    Labels labels = withLabel(handles.zone_labels, "server", server);
    labels.emplace("key_tag", std::to_string(finding.ds.key_tag));
    labels.emplace("algorithm", std::to_string(finding.ds.algorithm));
    labels.emplace("digest_type", std::to_string(finding.ds.digest_type));
    labels.emplace("status", std::string(dns::dsStatusName(finding.status)));
    handles.ds_records.set(labels, 1);
  };
  for (const DsFinding& finding : result.ds) {
    for (const std::string& server : finding.servers) {
      set(finding, server);
    }
  }
  for (const DsFinding& finding : result.expected_ds) {
    set(finding, "config");
  }
  handles.ds_records.endRound();
  handles.ds_ttl->Set(result.ds_ttl);
  handles.ds_consistent->Set(result.ds_consistent ? 1 : 0);
  for (auto& [name, gauge] : handles.cds_state) {
    gauge->Set(name == dns::cdsAgreementName(result.cds) ? 1 : 0);
  }
}

void ChainRecorder::recordSignatures(Handles& handles, const ChainResult& result) {
  for (const SignatureFinding& signature : result.signatures) {
    Labels labels = withLabel(handles.zone_labels, "qname", signature.qname);
    labels.emplace("qtype", dns::rrTypeName(signature.qtype));
    handles.expiry.set(labels, static_cast<double>(signature.expires_in));
    handles.inception_age.set(labels, static_cast<double>(signature.inception_age));
    handles.ttl_outlives.set(labels, signature.ttl_outlives ? 1 : 0);
  }
  handles.expiry.endRound();
  handles.inception_age.endRound();
  handles.ttl_outlives.endRound();
}

void ChainRecorder::logChange(const ProbeTarget& target, Handles& handles,
                              const ChainResult& result) {
  std::string faults;
  for (const std::string& fault : result.faults()) {
    faults += (faults.empty() ? "" : "; ") + fault;
  }
  if (faults.empty()) {
    faults = "none";
  }
  if (faults == handles.faults) {
    return;
  }
  log_->info("chain state changed zone={} servers={} parents={} faults=\"{}\"", target.zone,
             result.servers.size(), result.parents.size(), faults);
  handles.faults = std::move(faults);
}

}  // namespace dw
