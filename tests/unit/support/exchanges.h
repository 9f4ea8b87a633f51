// SPDX-License-Identifier: Apache-2.0
// Probe results built in memory, for tests of what the code concludes from them.
#pragma once

#include <utility>

#include "probe/result.h"

namespace dw::test {

// An exchange whose answer parsed, echoes the question and has `rcode`.
inline Exchange answered(int rcode) {
  Exchange exchange;
  exchange.attempted = true;
  exchange.status = ExchangeStatus::Answered;
  exchange.answer.parsed = true;
  exchange.answer.qr = true;
  exchange.answer.question_matches = true;
  exchange.answer.rcode = rcode;
  return exchange;
}

// An exchange that got no usable answer.
inline Exchange failed(ExchangeStatus status) {
  Exchange exchange;
  exchange.attempted = true;
  exchange.status = status;
  return exchange;
}

// A raw result with only its UDP exchange.
inline RawResult udpOnly(Exchange udp) {
  RawResult result;
  result.udp = std::move(udp);
  return result;
}

}  // namespace dw::test
