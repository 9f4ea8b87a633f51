// SPDX-License-Identifier: Apache-2.0
#include "metrics/rollout_collector.h"

#include <algorithm>
#include <ctime>
#include <map>

#include "rollout/tracker.h"

namespace dw {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr Phase kPhases[] = {Phase::Unsigned, Phase::Signed, Phase::DsPublished, Phase::Stable};

// Families by name, filled in the order of first use.
class Families {
 public:
  explicit Families(std::string vantage) : vantage_(std::move(vantage)) {}

  void gauge(const std::string& name, const std::string& help,
             std::vector<ClientMetric::Label> labels, double value) {
    add(name, help, MetricType::Gauge, std::move(labels)).gauge.value = value;
  }
  void counter(const std::string& name, const std::string& help,
               std::vector<ClientMetric::Label> labels, double value) {
    add(name, help, MetricType::Counter, std::move(labels)).counter.value = value;
  }
  std::vector<MetricFamily> take() { return std::move(families_); }

 private:
  ClientMetric& add(const std::string& name, const std::string& help, MetricType type,
                    std::vector<ClientMetric::Label> labels) {
    auto found = std::find_if(families_.begin(), families_.end(),
                              [&](const MetricFamily& family) { return family.name == name; });
    if (found == families_.end()) {
      families_.push_back(MetricFamily{name, help, type, {}});
      found = families_.end() - 1;
    }
    labels.insert(labels.begin(), ClientMetric::Label{"vantage", vantage_});
    found->metric.push_back(ClientMetric{});
    found->metric.back().label = std::move(labels);
    return found->metric.back();
  }

  std::string vantage_;
  std::vector<MetricFamily> families_;
};

double remaining(int64_t end, int64_t now) {
  return static_cast<double>(std::max<int64_t>(0, end - now));
}

void addTtls(Families& out, const RolloutStatus& status) {
  for (TtlKind kind : kTtlKinds) {
    const std::optional<uint32_t> ttl = status.ttls.get(kind);
    if (!ttl) {
      continue;
    }
    const std::vector<ClientMetric::Label> labels{{"zone", status.zone},
                                                  {"ttl", std::string(ttlKindName(kind))}};
    out.gauge("dnssec_watch_ttl_seconds",
              "Largest TTL the zone's servers (or its parent's, for ns_parent and ds) serve",
              labels, *ttl);
    const std::optional<uint32_t> advised = advisedTtl(kind, *status.phase);
    if (advised) {
      out.gauge("dnssec_watch_ttl_recommended_max_seconds",
                "Largest TTL advised for the zone's rollout phase", labels, *advised);
      out.gauge("dnssec_watch_ttl_above_recommendation",
                "1 when the TTL is above the advice for the zone's rollout phase", labels,
                *ttl > *advised ? 1 : 0);
    }
  }
}

void addTimes(Families& out, const RolloutStatus& status, int64_t now) {
  const std::vector<ClientMetric::Label> zone{{"zone", status.zone}};
  out.gauge("dnssec_watch_rollout_phase_seconds",
            "Seconds since the zone entered its rollout phase, or since it was first seen in it",
            zone, static_cast<double>(now - status.since));
  out.gauge("dnssec_watch_rollout_transition_timestamp_seconds",
            "Unix time of the zone's last detected phase transition, 0 when none is known", zone,
            static_cast<double>(status.last_transition));
  if (status.schedule.wait_known) {
    out.gauge("dnssec_watch_rollout_wait_remaining_seconds",
              "Seconds until the TTL wait of the zone's current step ends", zone,
              remaining(status.schedule.wait_end, now));
    out.gauge("dnssec_watch_rollout_watch_remaining_seconds",
              "Seconds until the two-week watch of the zone's current step ends", zone,
              remaining(status.schedule.watch_end, now));
    out.gauge("dnssec_watch_rollout_next_step_in_seconds",
              "Seconds until the earliest safe time for the zone's next step", zone,
              remaining(status.next_step_at, now));
  }
  out.gauge("dnssec_watch_rollout_ready",
            "1 when the zone's next rollout step can go now: its wait and watch are over and "
            "every condition holds",
            zone, status.ready ? 1 : 0);
  out.gauge("dnssec_watch_rollout_rollback_effective_seconds",
            "Seconds a rollback of the zone's current step takes until resolvers see it", zone,
            status.rollback_effective);
}

void addStatus(Families& out, const RolloutStatus& status, int64_t now) {
  if (!status.phase) {
    return;
  }
  for (Phase phase : kPhases) {
    out.gauge("dnssec_watch_rollout_phase",
              "1 for the zone's rollout phase (configured, else detected), 0 for the others",
              {{"zone", status.zone}, {"phase", std::string(phaseName(phase))}},
              phase == *status.phase ? 1 : 0);
  }
  out.gauge("dnssec_watch_rollout_phase_mismatch",
            "1 when the zone's configured phase differs from the phase its servers serve",
            {{"zone", status.zone}}, status.mismatch ? 1 : 0);
  addTimes(out, status, now);
  addTtls(out, status);
}

}  // namespace

RolloutCollector::RolloutCollector(std::shared_ptr<const RolloutTracker> tracker,
                                   std::string vantage)
    : tracker_(std::move(tracker)), vantage_(std::move(vantage)) {}

std::vector<MetricFamily> RolloutCollector::Collect() const {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  Families out(vantage_);
  for (const RolloutStatus& status : tracker_->statuses(now)) {
    addStatus(out, status, now);
  }
  for (const auto& [reason, count] : tracker_->stateErrors()) {
    out.counter("dnssec_watch_state_file_errors_total",
                "Problems with the rollout state file: missing at the start, corrupt, "
                "unreadable (read), or not written (write)",
                {{"reason", reason}}, static_cast<double>(count));
  }
  return out.take();
}

}  // namespace dw
