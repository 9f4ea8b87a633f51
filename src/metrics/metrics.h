// SPDX-License-Identifier: Apache-2.0
// Every metric family dnssec-watch exports, declared and registered in one place. The
// README's metrics table lists the same names.
#pragma once

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace dw {

// Metric families of the prober. Each carries the constant label vantage="<config vantage>".
// Families are owned by the registry; this struct only points at them.
struct Metrics {
  Metrics(prometheus::Registry& registry, const std::string& vantage);

  // Per resolver, zone, qname, qtype.
  prometheus::Family<prometheus::Counter>& raw_probes;         // result
  prometheus::Family<prometheus::Counter>& validation_probes;  // state
  prometheus::Family<prometheus::Gauge>& answer_size;          // transport
  prometheus::Family<prometheus::Gauge>& validation_state;     // state, one-hot
  // Per resolver and zone.
  prometheus::Family<prometheus::Counter>& bogus;                // reason
  prometheus::Family<prometheus::Counter>& servfail;             // cause
  prometheus::Family<prometheus::Counter>& validation_failures;  // reason
  prometheus::Family<prometheus::Counter>& ad_answers;
  prometheus::Family<prometheus::Counter>& truncated;
  prometheus::Family<prometheus::Counter>& tcp_fallback;  // outcome
  prometheus::Family<prometheus::Counter>& rrsig_missing;
  prometheus::Family<prometheus::Counter>& opt_missing;
  prometheus::Family<prometheus::Counter>& edns_formerr;
  prometheus::Family<prometheus::Counter>& extended_errors;  // code
  prometheus::Family<prometheus::Gauge>& zone_state;         // engine, state, one-hot
  // Per resolver.
  prometheus::Family<prometheus::Histogram>& probe_duration;  // engine
  prometheus::Family<prometheus::Gauge>& last_probe_time;     // engine
  prometheus::Family<prometheus::Gauge>& edns_udp_size;
  prometheus::Family<prometheus::Gauge>& resolver_validating;
  prometheus::Family<prometheus::Counter>& canary_probes;  // result
  // The prober itself.
  prometheus::Family<prometheus::Gauge>& probes_in_flight;  // engine
  prometheus::Family<prometheus::Counter>& probes_late;     // engine
  prometheus::Family<prometheus::Counter>& probes_skipped;  // engine
  prometheus::Family<prometheus::Gauge>& targets;           // engine
  prometheus::Family<prometheus::Counter>& errors;          // kind
  prometheus::Family<prometheus::Counter>& config_reloads;  // result
  prometheus::Family<prometheus::Gauge>& config_last_reload_successful;
  prometheus::Family<prometheus::Gauge>& build_info;
};

// Metric families of the path checks, with the constant label vantage.
struct PathMetrics {
  PathMetrics(prometheus::Registry& registry, const std::string& vantage);

  // Per resolver and zone.
  prometheus::Family<prometheus::Counter>& checks;             // result
  prometheus::Family<prometheus::Counter>& sweep;              // edns_size, outcome
  prometheus::Family<prometheus::Counter>& sweep_tcp;          // edns_size, outcome
  prometheus::Family<prometheus::Gauge>& sweep_tcp_duration;   // edns_size
  prometheus::Family<prometheus::Gauge>& reply_size_limit;
  prometheus::Family<prometheus::Gauge>& reply_size_failing;
  prometheus::Family<prometheus::Gauge>& reply_size_exceeds_path;
  prometheus::Family<prometheus::Counter>& stripped;           // record
  prometheus::Family<prometheus::Counter>& negative_probes;    // outcome
  prometheus::Family<prometheus::Counter>& negative_proofs;    // proof
  prometheus::Family<prometheus::Counter>& negative_ad;
  // The prober itself: the cost of the path checks.
  prometheus::Family<prometheus::Counter>& queries;
  prometheus::Family<prometheus::Counter>& answer_bytes;
};

// Metric families of the chain checks, with the constant label vantage. `server` is the IP
// address of an authoritative server of the zone, or for the DS of a parent server.
struct ChainMetrics {
  ChainMetrics(prometheus::Registry& registry, const std::string& vantage);

  prometheus::Family<prometheus::Counter>& checks;        // zone, result
  prometheus::Family<prometheus::Counter>& auth_checks;   // zone, server, result
  prometheus::Family<prometheus::Gauge>& auth_serial;     // zone, server
  prometheus::Family<prometheus::Gauge>& auth_signed;     // zone, server
  prometheus::Family<prometheus::Gauge>& auth_in_sync;    // zone
  // zone, server, key_tag, algorithm, digest_type, status
  prometheus::Family<prometheus::Gauge>& ds_records;
  prometheus::Family<prometheus::Gauge>& ds_ttl;          // zone
  prometheus::Family<prometheus::Gauge>& ds_consistent;   // zone
  prometheus::Family<prometheus::Gauge>& cds_agreement;   // zone, state, one-hot
  // zone, qname, qtype
  prometheus::Family<prometheus::Gauge>& rrsig_expiry;
  prometheus::Family<prometheus::Gauge>& rrsig_inception_age;
  prometheus::Family<prometheus::Gauge>& rrsig_ttl_outlives;
  prometheus::Family<prometheus::Counter>& queries;
};

// Bucket bounds of dnssec_watch_probe_duration_seconds, in seconds.
const prometheus::Histogram::BucketBoundaries& probeDurationBuckets();

}  // namespace dw
