// SPDX-License-Identifier: Apache-2.0
// Results of one round of path checks for a zone through a resolver: what the path between
// the resolver and its clients does to large and signed answers.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "probe/result.h"

namespace dw {

// Outcome of one UDP query of the EDNS size sweep.
enum class SweepOutcome {
  Complete,   // The whole answer arrived over UDP.
  Truncated,  // The answer arrived with TC set; RawResult::tcp holds the TCP retry.
  Lost,       // No answer, while an answer to a query with a smaller EDNS size arrived.
  Timeout,    // No answer, and nothing smaller arrived either.
  Failed,     // An error rcode, a malformed answer, or a socket error.
};
std::string_view sweepOutcomeName(SweepOutcome outcome);

struct SweepStep {
  uint16_t edns_size = 0;  // 0: asked without EDNS, so the 512-octet limit of RFC 1035.
  RawResult raw;
  SweepOutcome outcome = SweepOutcome::Failed;
};

// Label value of a sweep step's size: "none" without EDNS, else the size in decimal.
std::string ednsSizeLabel(uint16_t edns_size);

// Records that a path removed from signed answers.
enum class StrippedRecord { Rrsig, Nsec, Dnskey, Opt };
inline constexpr size_t kStrippedRecordCount = 4;
std::string_view strippedRecordName(StrippedRecord record);

// The reply-size search over the zone's size canaries.
struct SizeSearch {
  bool ran = false;
  std::string error;          // Reason the search stopped, e.g. a canary that does not exist.
  size_t limit_bytes = 0;     // Largest canary answer that arrived complete over UDP; 0: none.
  size_t failing_bytes = 0;   // Smallest canary answer that did not; 0: all arrived or unknown.
  bool all_arrived = false;   // Every canary arrived complete.
  bool failing_lost = false;  // The failing answer was lost, not truncated.
  int queries = 0;
};

// Whether the denial of existence in a negative answer holds, judged locally with ldns.
enum class NegativeProof {
  Valid,      // The NSEC or NSEC3 records prove the answer and their RRSIGs verify.
  Missing,    // The zone is signed, but the answer carries no NSEC or NSEC3 record.
  Invalid,    // Records came, but they do not prove the answer or do not verify.
  Insecure,   // The zone is not signed, so there is nothing to prove.
  Unchecked,  // No answer, or the zone's keys are unknown.
};
std::string_view negativeProofName(NegativeProof proof);

// A query for a random name under the zone, which no cache can answer.
struct NegativeCheck {
  ProbeSpec question;
  RawResult raw;
  // "nxdomain", "nodata", "answer" (a wildcard matched), "servfail", "refused",
  // "other_rcode", or the exchange status when no answer came.
  std::string outcome;
  bool ad = false;
  NegativeProof proof = NegativeProof::Unchecked;
  std::string detail;  // Reason the proof is not valid or was not checked.
};

struct PathResult {
  bool reachable = false;  // Some answer, parseable or not, arrived during the sweep.
  // Whether the zone serves a DNSKEY RRset through the key resolver. Stripping is judged only
  // for signed zones.
  bool signing_known = false;
  bool zone_signed = false;
  std::vector<SweepStep> sweep;
  SizeSearch size;
  RawResult dnskey;  // The zone's DNSKEY RRset, asked with DO.
  NegativeCheck negative;
  std::array<bool, kStrippedRecordCount> stripped{};  // By StrippedRecord.
  int queries = 0;            // DNS queries sent, TCP retries and CD=1 rechecks included.
  size_t answer_bytes = 0;    // Octets of every answer received.
  std::chrono::microseconds duration{0};
};

}  // namespace dw
