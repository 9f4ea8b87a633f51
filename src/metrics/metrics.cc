// SPDX-License-Identifier: Apache-2.0
#include "metrics/metrics.h"

namespace dw {
namespace {

template <typename Builder>
auto& family(Builder builder, prometheus::Registry& registry, const std::string& vantage,
             const std::string& name, const std::string& help) {
  return builder.Name(name).Help(help).Labels({{"vantage", vantage}}).Register(registry);
}

auto& counter(prometheus::Registry& registry, const std::string& vantage,
              const std::string& name, const std::string& help) {
  return family(prometheus::BuildCounter(), registry, vantage, name, help);
}

auto& gauge(prometheus::Registry& registry, const std::string& vantage, const std::string& name,
            const std::string& help) {
  return family(prometheus::BuildGauge(), registry, vantage, name, help);
}

}  // namespace

const prometheus::Histogram::BucketBoundaries& probeDurationBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets{0.005, 0.01, 0.025, 0.05, 0.1,
                                                                0.25,  0.5,  1,     2.5,  5};
  return kBuckets;
}

Metrics::Metrics(prometheus::Registry& r, const std::string& v)
    : raw_probes(counter(r, v, "dnssec_watch_raw_probes_total",
                         "Raw probes (DO=1, CD=0) by outcome: noerror, nxdomain, servfail, "
                         "refused, other_rcode, timeout, malformed, unreachable, network_error.")),
      validation_probes(counter(r, v, "dnssec_watch_validation_probes_total",
                                "Validating probes by DNSSEC state: secure, insecure, bogus, "
                                "indeterminate; or timeout, unreachable, malformed, "
                                "network_error when no answer came.")),
      answer_size(gauge(r, v, "dnssec_watch_answer_size_bytes",
                        "Size of the latest raw answer on the wire, by transport.")),
      validation_state(gauge(r, v, "dnssec_watch_validation_state",
                             "1 for the DNSSEC state of the latest validating probe, else 0.")),
      bogus(counter(r, v, "dnssec_watch_bogus_total",
                    "Validating probes judged bogus, by reason class.")),
      servfail(counter(r, v, "dnssec_watch_servfail_total",
                       "Raw SERVFAIL answers by cause: validation (the CD=1 retry was "
                       "answered), other, or unknown (the CD=1 retry failed).")),
      validation_failures(counter(
          r, v, "dnssec_watch_validation_failures_total",
          "SERVFAIL caused by DNSSEC validation at a resolver known to validate: the "
          "rollback signal after the DS is published. Reason from EDE when present.")),
      ad_answers(counter(r, v, "dnssec_watch_ad_answers_total",
                         "Raw answers with the AD bit set.")),
      truncated(counter(r, v, "dnssec_watch_truncated_total",
                        "Raw UDP answers with the TC bit set.")),
      tcp_fallback(counter(r, v, "dnssec_watch_tcp_fallback_total",
                           "TCP retries after a truncated UDP answer, by outcome.")),
      rrsig_missing(counter(r, v, "dnssec_watch_rrsig_missing_total",
                            "Raw answers for a signed zone that held records but no RRSIG.")),
      opt_missing(counter(r, v, "dnssec_watch_opt_missing_total",
                          "Raw answers that came back without an OPT record.")),
      edns_formerr(counter(r, v, "dnssec_watch_edns_formerr_total",
                           "Raw queries with EDNS answered by FORMERR without OPT, so that "
                           "c-ares asked again without EDNS: the resolver does not speak EDNS.")),
      extended_errors(counter(r, v, "dnssec_watch_extended_errors_total",
                              "Extended DNS Error codes (RFC 8914) seen in raw answers.")),
      zone_state(gauge(r, v, "dnssec_watch_zone_state",
                       "1 for the current state of a resolver for a zone (ok, failing, "
                       "bogus), after hysteresis; all 0 while unknown.")),
      probe_duration(family(prometheus::BuildHistogram(), r, v,
                            "dnssec_watch_probe_duration_seconds",
                            "Time from sending a probe to its result, first exchange only.")),
      last_probe_time(gauge(r, v, "dnssec_watch_last_probe_timestamp_seconds",
                            "Unix time of the latest probe result.")),
      edns_udp_size(gauge(r, v, "dnssec_watch_resolver_edns_udp_size_bytes",
                          "EDNS UDP payload size the resolver advertised in its latest "
                          "answer's OPT record.")),
      resolver_validating(gauge(r, v, "dnssec_watch_resolver_validating",
                                "1 when the resolver validates DNSSEC, 0 when it does not, "
                                "-1 while unknown.")),
      canary_probes(counter(r, v, "dnssec_watch_canary_probes_total",
                            "Raw probes of the known-bogus canary name by outcome; a "
                            "validating resolver answers servfail.")),
      probes_in_flight(gauge(r, v, "dnssec_watch_probes_in_flight",
                             "Probes sent and not yet finished.")),
      probes_late(counter(r, v, "dnssec_watch_probes_late_total",
                          "Probes started more than a tenth of the interval (at most 1 s) "
                          "after their scheduled time.")),
      probes_skipped(counter(r, v, "dnssec_watch_probes_skipped_total",
                             "Scheduled probes skipped because the previous run of the same "
                             "probe was still in flight, or the worker had 8,000 probes in "
                             "flight.")),
      targets(gauge(r, v, "dnssec_watch_targets",
                    "Probe targets (question x resolver x engine, bogus canary included) "
                    "in the running config.")),
      errors(counter(r, v, "dnssec_watch_errors_total",
                     "Failed probes by kind: timeout, unreachable, malformed, network_error.")),
      config_reloads(counter(r, v, "dnssec_watch_config_reloads_total",
                             "Config reloads on SIGHUP by result: success or failure.")),
      config_last_reload_successful(gauge(r, v, "dnssec_watch_config_last_reload_successful",
                                          "1 when the latest config reload succeeded.")),
      build_info(gauge(r, v, "dnssec_watch_build_info",
                       "Always 1; labels name the versions of dnssec-watch and its "
                       "libraries.")) {}

PathMetrics::PathMetrics(prometheus::Registry& r, const std::string& v)
    : checks(counter(r, v, "dnssec_watch_path_checks_total",
                     "Path-check rounds by result: complete, or unreachable when no answer "
                     "to the EDNS size sweep arrived.")),
      sweep(counter(r, v, "dnssec_watch_edns_sweep_total",
                    "UDP queries of the EDNS size sweep for the zone's large signed answer, "
                    "by EDNS size (none, or the size advertised) and outcome: complete, "
                    "truncated, lost (no answer while a smaller one arrived), timeout, "
                    "failed.")),
      sweep_tcp(counter(r, v, "dnssec_watch_edns_sweep_tcp_total",
                        "TCP retries after a truncated sweep answer, by EDNS size and outcome: "
                        "ok or failed.")),
      sweep_tcp_duration(gauge(r, v, "dnssec_watch_edns_sweep_tcp_duration_seconds",
                               "Time the latest TCP retry of the sweep took, by EDNS size.")),
      reply_size_limit(gauge(r, v, "dnssec_watch_reply_size_limit_bytes",
                             "Size of the largest size canary answer that arrived complete "
                             "over UDP in the latest search; 0 when none did.")),
      reply_size_failing(gauge(r, v, "dnssec_watch_reply_size_failing_bytes",
                               "Size of the smallest size canary answer that did not arrive "
                               "complete over UDP; 0 when every canary arrived.")),
      reply_size_exceeds_path(gauge(r, v, "dnssec_watch_reply_size_exceeds_path",
                                    "1 when the resolver sends UDP answers larger than its "
                                    "path delivers: the smallest failing canary was lost, "
                                    "not truncated.")),
      stripped(counter(r, v, "dnssec_watch_stripped_total",
                       "Path-check rounds in which answers for a signed zone, asked with DO, "
                       "came without records the path removed, by record: rrsig, nsec, dnskey, "
                       "opt.")),
      negative_probes(counter(r, v, "dnssec_watch_negative_probes_total",
                              "Queries for a random name under the zone by outcome: nxdomain, "
                              "nodata, answer, servfail, refused, other_rcode, or the "
                              "exchange error.")),
      negative_proofs(counter(r, v, "dnssec_watch_negative_proofs_total",
                              "Denial-of-existence proofs of the random-name answers, checked "
                              "locally: valid, missing, invalid, insecure, unchecked.")),
      negative_ad(counter(r, v, "dnssec_watch_negative_ad_total",
                          "Random-name answers with the AD bit set.")),
      queries(counter(r, v, "dnssec_watch_path_queries_total",
                      "DNS queries the path checks sent, TCP retries included.")),
      answer_bytes(counter(r, v, "dnssec_watch_path_answer_bytes_total",
                           "Octets of the answers the path checks received.")) {}

}  // namespace dw

namespace dw {

ChainMetrics::ChainMetrics(prometheus::Registry& r, const std::string& v)
    : checks(counter(r, v, "dnssec_watch_chain_checks_total",
                     "Chain-check rounds by result: healthy, faulty, or failed when the "
                     "zone's servers could not be found.")),
      auth_checks(counter(r, v, "dnssec_watch_auth_checks_total",
                          "SOA queries to each authoritative server by result: ok, lame (an "
                          "answer without AA or with an error rcode), timeout, unreachable, "
                          "malformed, network_error.")),
      auth_serial(gauge(r, v, "dnssec_watch_auth_serial",
                        "SOA serial each authoritative server serves.")),
      auth_signed(gauge(r, v, "dnssec_watch_auth_signed",
                        "1 when the server's SOA comes with an RRSIG, else 0.")),
      auth_in_sync(gauge(r, v, "dnssec_watch_auth_in_sync",
                         "1 when every authoritative server answers with the same serial, "
                         "signing and DNSKEY RRset, else 0.")),
      ds_records(gauge(r, v, "dnssec_watch_ds_records",
                       "1 for each DS a parent server serves (server=the parent server) or "
                       "the config expects (server=config), by status: match, no_match, "
                       "not_signing, non_sep, unexpected_algorithm, unexpected_digest.")),
      ds_ttl(gauge(r, v, "dnssec_watch_ds_ttl_seconds",
                   "Largest TTL of the DS RRset over the parent servers; 0 without DS.")),
      ds_consistent(gauge(r, v, "dnssec_watch_ds_consistent",
                          "1 when every parent server that answers serves the same DS RRset, "
                          "0 when they differ or none answers.")),
      cds_agreement(gauge(r, v, "dnssec_watch_cds_state",
                          "1 for how the child's CDS and CDNSKEY relate to the DS: none, "
                          "agrees, disagrees, delete.")),
      rrsig_expiry(gauge(r, v, "dnssec_watch_rrsig_expiry_seconds",
                         "Seconds until the RRset's RRSIG expires by the local clock, the "
                         "minimum over authoritative servers; negative once expired.")),
      rrsig_inception_age(gauge(r, v, "dnssec_watch_rrsig_inception_age_seconds",
                                "Seconds since the RRSIG's inception by the local clock, the "
                                "minimum over servers; negative while not valid yet.")),
      rrsig_ttl_outlives(gauge(r, v, "dnssec_watch_rrsig_ttl_outlives_signature",
                               "1 when on some server the RRSIG expires before the RRset's "
                               "TTL runs out, else 0.")),
      queries(counter(r, v, "dnssec_watch_chain_queries_total",
                      "DNS queries the chain checks sent.")) {}

}  // namespace dw
