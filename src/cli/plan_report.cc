// SPDX-License-Identifier: Apache-2.0
#include "cli/plan_report.h"

#include <array>
#include <ctime>

namespace dw {
namespace {

struct StepText {
  const char* title;
  const char* rollback;
};

// The three steps; each phase is the wait and watch after the step of the same index.
constexpr std::array<StepText, 3> kSteps{{
    {"Prepare: lower the zone's TTLs, the SOA TTL and the SOA minimum", "undo the TTL changes"},
    {"Enable signing at every authoritative server",
     "disable signing, then undo the TTL changes"},
    {"Publish the DS at the parent", "remove the DS at the parent, then wait its TTL"},
}};

// The index of the step whose wait and watch `phase` is: 0 for Unsigned (preparing).
size_t currentStep(Phase phase) {
  switch (phase) {
    case Phase::Unsigned: return 0;
    case Phase::Signed: return 1;
    case Phase::DsPublished: return 2;
    case Phase::Stable: return 3;
  }
  return 0;
}

std::string stepState(size_t step, Phase phase) {
  const size_t current = currentStep(phase);
  if (step < current) {
    return "done";
  }
  if (step == current) {
    return "current";
  }
  return step == current + 1 ? "next" : "later";
}

std::string phaseText(const std::optional<Phase>& phase) {
  return phase ? std::string(phaseName(*phase)) : "unknown";
}

const char* outcomeName(StateFileRead::Outcome outcome) {
  switch (outcome) {
    case StateFileRead::Outcome::Read: return "read";
    case StateFileRead::Outcome::Missing: return "missing";
    case StateFileRead::Outcome::Corrupt: return "corrupt";
    case StateFileRead::Outcome::Unreadable: return "unreadable";
  }
  return "unknown";
}

// Returns where the plan's phase comes from, in words.
const char* phaseSource(const PlanInput& plan) {
  if (plan.status.configured) {
    return " (from the config)";
  }
  if (plan.round && servedPhase(*plan.round)) {
    return " (detected at the servers)";
  }
  return " (from the state file: this round did not reach the servers)";
}

nlohmann::json ttlsJson(const RolloutStatus& status) {
  nlohmann::json ttls = nlohmann::json::array();
  for (TtlKind kind : kTtlKinds) {
    const std::optional<uint32_t> ttl = status.ttls.get(kind);
    if (!ttl) {
      continue;
    }
    nlohmann::json item{{"ttl", ttlKindName(kind)}, {"seconds", *ttl}};
    if (status.phase) {
      if (const std::optional<uint32_t> advised = advisedTtl(kind, *status.phase)) {
        item["advised_max_seconds"] = *advised;
        item["above_advice"] = *ttl > *advised;
      }
    }
    ttls.push_back(item);
  }
  return ttls;
}

nlohmann::json stepsJson(const RolloutStatus& status) {
  nlohmann::json steps = nlohmann::json::array();
  for (size_t i = 0; i < kSteps.size(); ++i) {
    nlohmann::json step{{"step", i + 1},
                        {"title", kSteps[i].title},
                        {"state", status.phase ? stepState(i, *status.phase) : "unknown"},
                        {"rollback", kSteps[i].rollback}};
    if (status.phase && currentStep(*status.phase) == i) {
      step["checks"] = nlohmann::json::array();
      for (const StepCheck& check : status.checks) {
        step["checks"].push_back(
            {{"check", check.what}, {"done", check.done}, {"detail", check.detail}});
      }
      step["rollback_effective_seconds"] = status.rollback_effective;
    }
    steps.push_back(step);
  }
  return steps;
}

void printChecks(std::ostream& out, const RolloutStatus& status) {
  for (const StepCheck& check : status.checks) {
    out << "    [" << (check.done ? 'x' : ' ') << "] " << check.what;
    if (!check.detail.empty()) {
      out << " (" << check.detail << ")";
    }
    out << "\n";
  }
  out << "    rollback: " << status.rollback << ", effective after "
      << status.rollback_effective << " s\n";
}

void printSteps(std::ostream& out, const RolloutStatus& status) {
  for (size_t i = 0; i < kSteps.size(); ++i) {
    const std::string state = status.phase ? stepState(i, *status.phase) : "unknown";
    out << "  " << i + 1 << ". " << kSteps[i].title << ": " << state << "\n";
    if (status.phase && currentStep(*status.phase) == i) {
      printChecks(out, status);
    }
  }
  if (status.phase == Phase::Stable) {
    out << "  The two-week watch after the DS has ended.\n";
    printChecks(out, status);
  }
}

}  // namespace

nlohmann::json planJson(const PlanInput& plan) {
  const RolloutStatus& status = plan.status;
  nlohmann::json transitions = nlohmann::json::array();
  for (const Transition& transition : plan.history.transitions) {
    transitions.push_back({{"from", phaseText(transition.from)},
                           {"to", phaseName(transition.to)},
                           {"at", transition.at}});
  }
  return {
      {"zone", status.zone},
      {"time", plan.now},
      {"phase", phaseText(status.phase)},
      {"detected_phase", phaseText(status.detected)},
      {"configured_phase", status.configured ? phaseName(*status.configured) : "auto"},
      {"pending_phase", phaseText(plan.history.pending)},
      {"since", status.since},
      {"since_first_seen", status.since_first_seen},
      {"next_step", status.next_step},
      {"next_step_at", status.next_step_at},
      {"wait_end", status.schedule.wait_end},
      {"watch_end", status.schedule.watch_end},
      {"ready", status.ready},
      {"blockers", status.blockers},
      {"broken_now", status.broken},
      {"rollback", {{"action", status.rollback}, {"effective_seconds", status.rollback_effective}}},
      {"steps", stepsJson(status)},
      {"ttls", ttlsJson(status)},
      {"ttls_off_advice", status.ttl_notes},
      {"transitions", transitions},
      {"chain_faults", plan.round ? plan.round->faults() : std::vector<std::string>{}},
      {"state_file",
       {{"path", plan.state_file},
        {"outcome", outcomeName(plan.state_outcome)},
        {"problem", plan.state_problem}}},
  };
}

void printPlan(std::ostream& out, const PlanInput& plan) {
  const RolloutStatus& status = plan.status;
  out << "Rollout plan for " << status.zone << " at " << utcTime(plan.now) << "\n";
  out << "Phase: " << phaseText(status.phase) << phaseSource(plan);
  if (status.phase) {
    out << ", since " << utcTime(status.since)
        << (status.since_first_seen ? " (when first seen in it)" : "");
  }
  out << "\n";
  if (plan.history.pending) {
    out << "The servers now serve " << phaseName(*plan.history.pending)
        << "; the daemon takes the new phase once a second round shows it.\n";
  }
  out << "State file: " << plan.state_file << " (" << outcomeName(plan.state_outcome)
      << (plan.state_problem.empty() ? "" : ": " + plan.state_problem) << ")\n";
  for (const std::string& problem : status.broken) {
    out << "BROKEN NOW: " << problem << "\n";
  }
  out << "\n";

  printSteps(out, status);

  out << "\nTTLs (seconds):";
  for (TtlKind kind : kTtlKinds) {
    if (const std::optional<uint32_t> ttl = status.ttls.get(kind)) {
      out << " " << ttlKindName(kind) << "=" << *ttl;
    }
  }
  out << "\n";
  for (const std::string& note : status.ttl_notes) {
    out << "  off the advice: " << note << "\n";
  }

  out << "\nNext step: " << status.next_step << "\n";
  if (status.next_step_at > 0) {
    out << "Earliest safe time: " << utcTime(status.next_step_at) << "\n";
  }
  out << "Ready: " << (status.ready ? "yes" : "no") << "\n";
}

}  // namespace dw
