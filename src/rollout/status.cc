// SPDX-License-Identifier: Apache-2.0
#include "rollout/status.h"

#include <algorithm>
#include <ctime>

#include "dns/ds_check.h"
#include "dns/message.h"
#include "probe/chain_result.h"

namespace dw {

std::string utcTime(int64_t unix_time) {
  if (unix_time <= 0) {
    return "unknown";
  }
  const std::time_t time = static_cast<std::time_t>(unix_time);
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &parts);
  return text;
}

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) {
    text += (text.empty() ? "" : "; ") + item;
  }
  return text;
}

// The TTLs above the advice for `phase`, as "soa TTL 86400 s is above the advised 3600 s".
void noteTtls(RolloutStatus& status, Phase phase) {
  for (TtlKind kind : kTtlKinds) {
    const std::optional<uint32_t> ttl = status.ttls.get(kind);
    const std::optional<uint32_t> advised = advisedTtl(kind, phase);
    if (ttl && advised && *ttl > *advised) {
      status.ttl_notes.push_back(std::string(ttlKindName(kind)) + " TTL " + std::to_string(*ttl) +
                                 " s is above the advised " + std::to_string(*advised) + " s");
    }
  }
}

void check(RolloutStatus& status, std::string what, bool done, std::string detail = "") {
  status.checks.push_back(StepCheck{std::move(what), done, std::move(detail)});
}

void checkServers(RolloutStatus& status, const ChainResult& last) {
  std::vector<std::string> failed;
  std::vector<std::string> out_of_sync;
  for (const AuthServer& server : last.servers) {
    if (server.result != "ok") {
      failed.push_back(server.address + " " + server.result);
    } else if (!server.in_sync) {
      out_of_sync.push_back(server.address + " serves serial " + std::to_string(server.serial) +
                            (server.signed_zone ? " signed" : " unsigned"));
    }
  }
  check(status, "every authoritative server answers", !last.servers.empty() && failed.empty(),
        last.error.empty() ? joined(failed) : last.error);
  check(status, "every server serves the same serial, signing and DNSKEY RRset",
        out_of_sync.empty() && last.in_sync, joined(out_of_sync));
}

void checkSigning(RolloutStatus& status, const ChainResult& last) {
  std::vector<std::string> unsigned_servers;
  for (const AuthServer& server : last.servers) {
    if (server.result == "ok" && !server.signed_zone) {
      unsigned_servers.push_back(server.address);
    }
  }
  check(status, "every server signs the zone", unsigned_servers.empty(),
        unsigned_servers.empty() ? "" : "unsigned at " + joined(unsigned_servers));
  std::vector<std::string> bad;
  for (const SignatureFinding& signature : last.signatures) {
    const std::string what = signature.qname + " " + dns::rrTypeName(signature.qtype) + " at " +
                             signature.server;
    if (signature.expires_in <= 0) {
      bad.push_back(what + " expired");
    } else if (signature.inception_age < 0) {
      bad.push_back(what + " not valid yet");
    } else if (signature.ttl_outlives) {
      bad.push_back(what + " expires before its TTL of " + std::to_string(signature.ttl) +
                    " s runs out");
    }
  }
  check(status, "no signature expired, not yet valid or outlived by its TTL", bad.empty(),
        joined(bad));
}

void checkDs(RolloutStatus& status, const ChainResult& last, bool published) {
  const std::vector<DsFinding>& findings = published ? last.ds : last.expected_ds;
  std::vector<std::string> bad;
  for (const DsFinding& finding : findings) {
    if (finding.status != dns::DsStatus::Match) {
      bad.push_back(finding.ds.text() + " " + std::string(dns::dsStatusName(finding.status)));
    }
  }
  if (!published) {
    if (!findings.empty()) {
      check(status, "the DS to publish (expected_ds) matches a key that signs the DNSKEY RRset",
            bad.empty(), joined(bad));
    }
    return;
  }
  size_t serving = 0;
  for (const ParentServer& parent : last.parents) {
    serving += parent.result == "ok" && !parent.ds.empty() ? 1 : 0;
  }
  check(status, "every parent server serves the same DS RRset",
        last.ds_consistent && serving == last.parents.size(),
        std::to_string(serving) + " of " + std::to_string(last.parents.size()) +
            " parent servers serve a DS");
  check(status, "every DS matches a key that signs the DNSKEY RRset", bad.empty(), joined(bad));
}

void checkTtls(RolloutStatus& status) {
  for (TtlKind kind : {TtlKind::Max, TtlKind::Soa, TtlKind::SoaMinimum}) {
    const std::optional<uint32_t> ttl = status.ttls.get(kind);
    const uint32_t advised = advisedTtl(kind, Phase::Unsigned).value_or(0);
    check(status, std::string(ttlKindName(kind)) + " TTL at most " + std::to_string(advised) + " s",
          ttl && *ttl <= advised, ttl ? std::to_string(*ttl) + " s" : "not measured");
  }
}

void checkTimes(RolloutStatus& status, int64_t now) {
  const PhaseSchedule& schedule = status.schedule;
  const Phase phase = *status.phase;
  if (phase == Phase::Signed) {
    check(status, "wait until resolvers drop the unsigned answers they cached",
          now >= schedule.wait_end, "until " + utcTime(schedule.wait_end));
  } else if (phase == Phase::DsPublished) {
    const uint32_t ttl =
        status.ttls.longest({TtlKind::NsParent, TtlKind::NsZone, TtlKind::DsNegative});
    check(status,
          "wait 10 minutes after the DS reached every parent server, then the largest of the NS "
          "TTLs and the parent's negative TTL for the DS (" + std::to_string(ttl) + " s)",
          schedule.wait_known && now >= schedule.wait_end,
          schedule.wait_known ? "until " + utcTime(schedule.wait_end)
                              : "the DS has not reached every parent server");
  }
  if (phase == Phase::Signed || phase == Phase::DsPublished) {
    check(status, "two-week watch without failures", schedule.wait_known && now >= schedule.watch_end,
          schedule.wait_known ? "until " + utcTime(schedule.watch_end) : "starts after the wait");
  }
}

bool someServerSigns(const ChainResult* last) {
  return last != nullptr &&
         std::any_of(last->servers.begin(), last->servers.end(), [](const AuthServer& server) {
           return server.result == "ok" && server.signed_zone;
         });
}

// The cached DS outlives the parent's copy: signing must stay until the caches drop it.
void checkRemovedDs(RolloutStatus& status, int64_t now) {
  if (status.ds_cache_until > now) {
    check(status, "resolvers dropped the DS that the parent no longer serves", false,
          "until " + utcTime(status.ds_cache_until) + "; keep signing with the same keys until then");
  }
}

void describeStep(RolloutStatus& status, const ChainResult* last) {
  const uint32_t signed_lifetime =
      status.ttls.longest({TtlKind::Max, TtlKind::Dnskey, TtlKind::Soa, TtlKind::SoaMinimum});
  switch (*status.phase) {
    case Phase::Unsigned:
      status.next_step = "enable signing";
      if (someServerSigns(last)) {
        // Signing started at some servers: resolvers may hold their signed answers.
        status.rollback = "disable signing at the servers that sign, then undo the TTL changes";
        status.rollback_effective = signed_lifetime;
      } else {
        status.rollback = "undo the TTL changes";
        status.rollback_effective = 0;
      }
      break;
    case Phase::Signed:
      status.next_step = "publish the DS at the parent";
      status.rollback = "disable signing, then undo the TTL changes";
      // Signed answers and NSEC-based negative answers stay cached this long.
      status.rollback_effective = signed_lifetime;
      break;
    case Phase::DsPublished:
    case Phase::Stable:
      status.next_step = *status.phase == Phase::DsPublished
                             ? "let the two-week watch end"
                             : "none; the DS TTL may rise to 1 hour";
      status.rollback = "remove the DS at the parent, then wait its TTL";
      status.rollback_effective = status.ttls.longest({TtlKind::Ds});
      break;
  }
}

void checkStep(RolloutStatus& status, const ChainResult* last, int64_t now) {
  if (status.mismatch) {
    check(status, "the servers serve the configured phase", false,
          "the config says " + std::string(phaseName(*status.configured)) +
              " but the servers serve " + std::string(phaseName(*status.detected)));
  }
  if (last == nullptr) {
    check(status, "a chain-check round reached the servers", false, "no round has run yet");
  } else {
    const Phase phase = *status.phase;
    checkServers(status, *last);
    if (phase == Phase::Unsigned) {
      checkTtls(status);
    } else {
      checkSigning(status, *last);
      checkDs(status, *last, phase != Phase::Signed);
    }
  }
  if (*status.phase == Phase::Unsigned || *status.phase == Phase::Signed) {
    checkRemovedDs(status, now);
  }
  checkTimes(status, now);
}

// The states in which validating resolvers fail for the zone now, whatever the step.
void findBroken(RolloutStatus& status, const ChainResult& last, int64_t now) {
  const bool ds_served = std::any_of(last.parents.begin(), last.parents.end(),
                                     [](const ParentServer& p) { return !p.ds.empty(); });
  std::vector<std::string> unsigned_servers;
  for (const AuthServer& server : last.servers) {
    if (server.result == "ok" && !server.signed_zone) {
      unsigned_servers.push_back(server.address);
    }
  }
  if (ds_served && !unsigned_servers.empty()) {
    status.broken.push_back("the parent serves a DS but " + joined(unsigned_servers) +
                            " serve the zone unsigned, so validating resolvers fail for "
                            "answers from there: sign it again with the same keys, or remove "
                            "the DS");
  }
  const bool any_match = std::any_of(last.ds.begin(), last.ds.end(), [](const DsFinding& ds) {
    return ds.status == dns::DsStatus::Match;
  });
  if (ds_served && unsigned_servers.size() < last.servers.size() && !any_match) {
    status.broken.push_back("no DS at the parent matches a key that signs the DNSKEY RRset, so "
                            "validating resolvers fail: publish the right DS or remove it");
  }
  if (!ds_served && status.ds_cache_until > now && !unsigned_servers.empty()) {
    status.broken.push_back("resolvers may hold the removed DS until " +
                            utcTime(status.ds_cache_until) + " while " +
                            joined(unsigned_servers) + " serve the zone unsigned, so they fail "
                            "until then: sign it again with the same keys");
  }
}

// The history's times apply when it saw the zone in the phase the status is about.
void takeTimes(RolloutStatus& status, const ZoneHistory& history, int64_t now) {
  const Phase phase = *status.phase;
  if (history.phase && servesAlike(*history.phase, phase)) {
    status.since = history.since;
    status.since_first_seen = !history.seen_entering;
    status.schedule = phaseSchedule(history, phase);
    return;
  }
  // The config names a phase the servers do not show, so its time starts now.
  ZoneHistory assumed = history;
  assumed.since = now;
  assumed.ds_everywhere_at = phase == Phase::DsPublished ? now : 0;
  status.since = now;
  status.since_first_seen = true;
  status.schedule = phaseSchedule(assumed, phase);
}

}  // namespace

RolloutStatus evaluateRollout(const std::string& zone, const ZoneHistory& history,
                              const ChainResult* last, std::optional<Phase> configured,
                              int64_t now) {
  RolloutStatus status;
  status.zone = zone;
  status.detected = history.phase;
  status.configured = configured;
  status.phase = configured ? configured : history.phase;
  status.mismatch = configured && history.phase && !servesAlike(*configured, *history.phase);
  status.ttls = history.ttls;
  status.unsigned_cache_until = history.unsigned_cache_until;
  status.ds_cache_until = history.ds_cache_until;
  if (!history.transitions.empty()) {
    status.last_transition = history.transitions.back().at;
  }
  if (!status.phase) {
    status.blockers.push_back("the phase is not known yet: no round reached the servers");
    return status;
  }
  takeTimes(status, history, now);
  status.next_step_at = std::max(status.schedule.wait_end, status.schedule.watch_end);
  noteTtls(status, *status.phase);
  describeStep(status, last);
  checkStep(status, last, now);
  if (last != nullptr) {
    findBroken(status, *last, now);
  }
  if (status.ds_cache_until > now && *status.phase == Phase::Signed) {
    status.rollback = "wait until " + utcTime(status.ds_cache_until) +
                      ", when resolvers have dropped the removed DS, then " + status.rollback;
    status.rollback_effective += static_cast<uint32_t>(status.ds_cache_until - now);
  }
  for (const StepCheck& item : status.checks) {
    if (!item.done) {
      status.blockers.push_back(item.detail.empty() ? item.what : item.what + ": " + item.detail);
    }
  }
  for (const std::string& problem : status.broken) {
    status.blockers.insert(status.blockers.begin(), "broken now: " + problem);
  }
  status.ready = status.blockers.empty();
  return status;
}

}  // namespace dw
