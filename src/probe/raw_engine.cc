// SPDX-License-Identifier: Apache-2.0
#include "probe/raw_engine.h"

#include <utility>

#include <ares.h>

#include "probe/ares_channel_pool.h"

namespace dw {
namespace {

using Clock = std::chrono::steady_clock;

// Idle channels kept per pool; enough to absorb the probes of one scheduler tick.
constexpr size_t kMaxIdleChannels = 256;

}  // namespace

struct RawEngine::Probe {
  RawEngine* engine = nullptr;
  ResolverSpec resolver;
  ProbeSpec question;
  Callback done;
  ProbeOptions options;
  RawResult result;
  Step step = Step::Udp;
  bool resent_after_edns_drop = false;
  uint16_t query_id = 0;  // ID of the exchange in flight, held in ids_in_flight_.
  Clock::time_point sent_at;
  AresChannel* channel = nullptr;
  AresChannelPool* pool = nullptr;
};

RawEngine::RawEngine(event_base* base, Settings settings)
    : base_(base),
      settings_(settings),
      random_(std::random_device{}()),
      udp_pool_(std::make_unique<AresChannelPool>(
          base, ARES_FLAG_IGNTC | ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH, settings.timeout,
          kMaxIdleChannels)),
      tcp_pool_(std::make_unique<AresChannelPool>(
          base, ARES_FLAG_USEVC | ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH, settings.timeout,
          kMaxIdleChannels)) {}

RawEngine::~RawEngine() {
  stopping_ = true;
  udp_pool_.reset();
  tcp_pool_.reset();
}

void RawEngine::probe(const ResolverSpec& resolver, const ProbeSpec& question, Callback done,
                      ProbeOptions options) {
  auto* probe = new Probe;
  probe->options = options;
  probe->engine = this;
  probe->resolver = resolver;
  probe->question = question;
  probe->done = std::move(done);
  ++in_flight_;
  send(probe, options.tcp_only ? Step::Tcp : Step::Udp);
}

void RawEngine::send(Probe* probe, Step step) {
  probe->step = step;
  Exchange& exchange = step == Step::Udp   ? probe->result.udp
                       : step == Step::Tcp ? probe->result.tcp
                                           : probe->result.cd_recheck;
  exchange.attempted = true;
  dns::QueryOptions options;
  options.checking_disabled = step == Step::CdRecheck || probe->options.checking_disabled;
  options.edns_buffer_size = probe->options.edns_buffer_size.value_or(settings_.edns_buffer_size);
  options.dnssec_ok = options.edns_buffer_size != 0;
  options.recursion_desired = probe->options.recursion_desired;
  options.id = takeQueryId();
  probe->query_id = options.id;
  std::vector<uint8_t> query = dns::buildQuery(probe->question.qname, probe->question.qtype,
                                               options);
  AresChannelPool* pool = step == Step::Tcp ? tcp_pool_.get() : udp_pool_.get();
  std::string error;
  AresChannel* channel = query.empty() ? nullptr
                                       : pool->acquire(probe->resolver.address,
                                                       probe->resolver.family,
                                                       probe->resolver.port, error);
  if (channel == nullptr) {
    ids_in_flight_.erase(probe->query_id);
    exchange.status = ExchangeStatus::NetworkError;
    exchange.error = query.empty() ? "could not build the query" : error;
    finish(probe);
    return;
  }
  probe->channel = channel;
  probe->pool = pool;
  probe->sent_at = Clock::now();
  pool->send(channel, query, &RawEngine::onAnswer, probe);
}

void RawEngine::onAnswer(void* arg, int status, int, unsigned char* abuf, int alen) {
  auto* probe = static_cast<Probe*>(arg);
  RawEngine* engine = probe->engine;
  if (status == ARES_EDESTRUCTION || engine->stopping_) {
    delete probe;
    return;
  }
  engine->ids_in_flight_.erase(probe->query_id);
  engine->handleAnswer(probe, status, abuf, alen);
}

uint16_t RawEngine::takeQueryId() {
  // The worker caps the probes in flight at 8,000 of the 65,536 IDs, so this ends quickly.
  uint16_t id = 0;
  do {
    id = static_cast<uint16_t>(random_());
  } while (!ids_in_flight_.insert(id).second);
  return id;
}

void RawEngine::handleAnswer(Probe* probe, int status, const unsigned char* abuf, int alen) {
  Exchange& exchange = probe->step == Step::Udp   ? probe->result.udp
                       : probe->step == Step::Tcp ? probe->result.tcp
                                                  : probe->result.cd_recheck;
  exchange.latency =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - probe->sent_at);
  if (status == ARES_SUCCESS && abuf != nullptr && alen > 0) {
    exchange.answer = dns::summarizeAnswer(abuf, static_cast<size_t>(alen),
                                           probe->question.qname, probe->question.qtype);
    if (!exchange.answer.parsed) {
      exchange.status = ExchangeStatus::Malformed;
      exchange.error = "unparseable answer: " + exchange.answer.parse_error;
    } else if (!exchange.answer.question_matches || !exchange.answer.qr) {
      exchange.status = ExchangeStatus::Malformed;
      exchange.error = "the answer's question section does not match the query";
    } else if (probe->step == Step::Tcp && exchange.answer.tc) {
      exchange.status = ExchangeStatus::Malformed;
      exchange.error = "TC set on an answer over TCP";
    } else {
      exchange.status = ExchangeStatus::Answered;
      if (probe->options.keep_wire) {
        exchange.wire.assign(abuf, abuf + alen);
      }
    }
  } else if (status == ARES_ETIMEOUT) {
    exchange.status = ExchangeStatus::Timeout;
  } else if (status == ARES_ECONNREFUSED) {
    exchange.status = ExchangeStatus::Unreachable;
    exchange.error = "connection refused: nothing listens at " + probe->resolver.address +
                     " port " + std::to_string(probe->resolver.port);
  } else if (status == ARES_EBADRESP) {
    exchange.status = ExchangeStatus::Malformed;
    exchange.error = ares_strerror(status);
  } else {
    exchange.status = ExchangeStatus::NetworkError;
    exchange.error = ares_strerror(status);
  }
  const bool edns_dropped = (exchange.status != ExchangeStatus::Answered ||
                             !exchange.answer.has_opt) &&
                            probe->pool->ednsDropped(probe->channel);
  if (edns_dropped) {
    probe->pool->retire(probe->channel);
  }
  probe->pool->release(probe->channel);
  probe->channel = nullptr;
  if (edns_dropped && resendIfCut(probe, exchange)) {
    return;
  }
  advance(probe);
}

bool RawEngine::resendIfCut(Probe* probe, Exchange& exchange) {
  // A FORMERR to another query on the shared channel made c-ares cut this UDP answer to 512
  // octets, so it is asked again once on a fresh channel. An answer that was not cut is the
  // answer to c-ares's resend without EDNS: the resolver rejected EDNS.
  const bool maybe_cut = probe->step != Step::Tcp &&
                         (exchange.status == ExchangeStatus::Malformed ||
                          exchange.answer.size_bytes == 512);
  if (maybe_cut && !probe->resent_after_edns_drop) {
    probe->resent_after_edns_drop = true;
    send(probe, probe->step);
    return true;
  }
  exchange.edns_formerr = true;
  return false;
}

void RawEngine::advance(Probe* probe) {
  const RawResult& result = probe->result;
  if (probe->step == Step::Udp && result.udp.status == ExchangeStatus::Answered &&
      result.udp.answer.tc) {
    send(probe, Step::Tcp);
    return;
  }
  if (probe->step != Step::CdRecheck && !probe->options.checking_disabled &&
      probe->options.recheck_servfail && result.answered() && result.final().answer.rcode == 2) {
    send(probe, Step::CdRecheck);
    return;
  }
  finish(probe);
}

void RawEngine::finish(Probe* probe) {
  --in_flight_;
  Callback done = std::move(probe->done);
  RawResult result = std::move(probe->result);
  delete probe;
  done(std::move(result));
}

}  // namespace dw
