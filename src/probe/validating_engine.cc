// SPDX-License-Identifier: Apache-2.0
#include "probe/validating_engine.h"

#include <utility>

#include <event2/event.h>
#include <unbound-event.h>
#include <unbound.h>

#include "dns/message.h"

namespace dw {
namespace {

using Clock = std::chrono::steady_clock;

// libunbound options for a probe context, as "option:" / value pairs.
constexpr std::pair<const char*, const char*> kContextOptions[] = {
    // Resolvers under test often live on loopback (the lab does), which unbound skips by
    // default.
    {"do-not-query-localhost:", "no"},
    // Cached data expires at once, so every probe reaches the resolver, the DS and DNSKEY
    // queries of the chain included: about 6 queries per probe for a zone two levels below
    // the root. (A cache size of 0 is not enough: unbound keeps the latest entry per slab.)
    {"cache-max-ttl:", "0"},
    {"cache-max-negative-ttl:", "0"},
    {"msg-cache-size:", "0"},
    {"rrset-cache-size:", "0"},
    {"prefetch:", "no"},
    // No RFC 8145 key-tag queries to the resolver under test.
    {"trust-anchor-signaling:", "no"},
    {"prefetch-key:", "no"},
};

}  // namespace

struct ValidatingEngine::Probe {
  ValidatingEngine* engine = nullptr;
  uint64_t id = 0;
  ub_ctx* context = nullptr;
  int async_id = 0;
  bool submitted = false;
  event* deadline = nullptr;
  Callback done;
  ValidationResult result;
  Clock::time_point started;
};

ValidatingEngine::ValidatingEngine(event_base* base, Settings settings)
    : base_(base), settings_(std::move(settings)) {}

ValidatingEngine::~ValidatingEngine() {
  for (auto& [id, probe] : probes_) {
    if (probe->submitted) {
      ub_cancel(probe->context, probe->async_id);
    }
    event_free(probe->deadline);
  }
  probes_.clear();
  for (auto& [key, context] : contexts_) {
    ub_ctx_delete(context);
  }
}

ub_ctx* ValidatingEngine::contextFor(const ResolverSpec& resolver, std::string& error) {
  std::string key = resolver.address + "@" + std::to_string(resolver.port);
  auto found = contexts_.find(key);
  if (found != contexts_.end()) {
    return found->second;
  }
  ub_ctx* context = ub_ctx_create_event(base_);
  if (context == nullptr) {
    error = "libunbound could not create a context";
    return nullptr;
  }
  int status = ub_ctx_set_fwd(context, key.c_str());
  for (const auto& [option, value] : kContextOptions) {
    if (status == 0) {
      status = ub_ctx_set_option(context, option, value);
    }
  }
  for (const std::string& file : settings_.trust_anchor_files) {
    if (status == 0) {
      status = ub_ctx_add_ta_file(context, file.c_str());
    }
  }
  if (status != 0) {
    error = std::string("libunbound context setup failed: ") + ub_strerror(status);
    ub_ctx_delete(context);
    return nullptr;
  }
  contexts_.emplace(key, context);
  return context;
}

void ValidatingEngine::probe(const ResolverSpec& resolver, const ProbeSpec& question,
                             Callback done) {
  auto owned = std::make_unique<Probe>();
  Probe* probe = owned.get();
  const uint64_t id = next_id_++;
  probe->id = id;
  probe->engine = this;
  probe->done = std::move(done);
  probe->started = Clock::now();
  probe->deadline = evtimer_new(base_, &ValidatingEngine::onDeadline, probe);
  probes_.emplace(id, std::move(owned));

  std::string error;
  probe->context = contextFor(resolver, error);
  int status = UB_INITFAIL;
  if (probe->context != nullptr) {
    probe->submitted = true;
    status = ub_resolve_event(probe->context, question.qname.c_str(), question.qtype, 1, probe,
                              &ValidatingEngine::onResult, &probe->async_id);
    if (probes_.count(id) == 0) {
      return;  // libunbound answered from its cache before returning.
    }
  }
  if (status != 0) {
    probe->submitted = false;
    probe->result.status = ExchangeStatus::NetworkError;
    probe->result.error = error.empty() ? ub_strerror(status) : error;
    finish(probe);
    return;
  }
  timeval tv{};
  tv.tv_sec = settings_.timeout.count() / 1000;
  tv.tv_usec = static_cast<suseconds_t>((settings_.timeout.count() % 1000) * 1000);
  evtimer_add(probe->deadline, &tv);
}

void ValidatingEngine::onResult(void* arg, int error, void* packet, int packet_len, int sec,
                                char* why_bogus, int) {
  auto* probe = static_cast<Probe*>(arg);
  probe->submitted = false;
  ValidationResult& result = probe->result;
  // The callback's second argument is a libunbound error code, and the DNS rcode is in the
  // answer's header (unbound-event.h).
  if (error != 0 || packet == nullptr || packet_len < 12) {
    result.status = ExchangeStatus::NetworkError;
    result.error = error != 0 ? ub_strerror(error) : "libunbound returned no answer";
    probe->engine->finish(probe);
    return;
  }
  const int rcode = static_cast<const uint8_t*>(packet)[3] & 0x0f;
  result.status = ExchangeStatus::Answered;
  result.rcode = rcode;
  // libunbound's event callback passes sec as 0 insecure, 1 bogus, 2 secure.
  switch (sec) {
    case 2: result.state = ValidationState::Secure; break;
    case 1: result.state = ValidationState::Bogus; break;
    default:
      // A SERVFAIL that validation did not explain leaves the status unknown.
      result.state = rcode == 2 ? ValidationState::Indeterminate : ValidationState::Insecure;
      break;
  }
  result.have_data = rcode == 0;
  if (why_bogus != nullptr) {
    result.why_bogus = why_bogus;
    result.reason = classifyWhyBogus(result.why_bogus);
  }
  if (result.state == ValidationState::Bogus && result.reason == BogusReason::None) {
    result.reason = BogusReason::Other;
  }
  probe->engine->finish(probe);
}

void ValidatingEngine::onDeadline(int, short, void* arg) {
  auto* probe = static_cast<Probe*>(arg);
  // libunbound retries an unreachable server for about 17 s; the probe's deadline wins.
  if (probe->submitted) {
    ub_cancel(probe->context, probe->async_id);
    probe->submitted = false;
  }
  probe->result.status = ExchangeStatus::Timeout;
  probe->result.state = ValidationState::Indeterminate;
  probe->engine->finish(probe);
}

void ValidatingEngine::finish(Probe* probe) {
  probe->result.latency =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - probe->started);
  event_free(probe->deadline);
  probe->deadline = nullptr;
  auto node = probes_.extract(probe->id);
  Callback done = std::move(probe->done);
  ValidationResult result = std::move(probe->result);
  done(std::move(result));
}

}  // namespace dw
