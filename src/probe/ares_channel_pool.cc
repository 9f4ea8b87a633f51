// SPDX-License-Identifier: Apache-2.0
#include "probe/ares_channel_pool.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include <event2/event.h>

namespace dw {

// One c-ares channel and the libevent events that watch its sockets and its timeouts.
class AresChannel {
 public:
  AresChannel(event_base* base, int flags, std::chrono::milliseconds timeout);
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  bool ok() const { return channel_ != nullptr; }
  const std::string& server() const { return server_; }
  size_t queries = 0;  // Queries in flight on the channel, counted by the pool.
  const std::string& initError() const { return init_error_; }
  bool pointAt(const std::string& address, int family, uint16_t port, std::string& error);
  bool ednsDropped() const;
  void send(const std::vector<unsigned char>& query, ares_callback callback, void* arg);
  void destroy();

 private:
  static void onSocketState(void* data, ares_socket_t fd, int readable, int writable);
  static void onSocket(evutil_socket_t fd, short what, void* arg);
  static void onTimer(evutil_socket_t fd, short what, void* arg);
  void armTimer();

  event_base* base_;
  ares_channel channel_ = nullptr;
  std::string init_error_;
  std::unordered_map<ares_socket_t, event*> socket_events_;
  event* timer_ = nullptr;
  std::string server_;  // "address|port" the channel points at, to skip needless resets.
};

AresChannel::AresChannel(event_base* base, int flags, std::chrono::milliseconds timeout)
    : base_(base) {
  ares_options options{};
  options.flags = flags;
  options.timeout = static_cast<int>(timeout.count());
  options.tries = 1;
  options.sock_state_cb = &AresChannel::onSocketState;
  options.sock_state_cb_data = this;
  // With ARES_FLAG_IGNTC, c-ares 1.18 cuts a UDP answer to 512 octets unless ARES_FLAG_EDNS
  // sets a larger limit. Probes build their own OPT record, so the flag changes only that and
  // one more thing: after a FORMERR without OPT, c-ares resends the query without its OPT
  // record and clears the flag on the channel (process_answer in ares_process.c 1.18.1).
  // ednsDropped() detects that.
  options.flags |= ARES_FLAG_EDNS;
  options.ednspsz = 65535;
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
             ARES_OPT_EDNSPSZ;
  int status = ares_init_options(&channel_, &options, mask);
  if (status != ARES_SUCCESS) {
    init_error_ = ares_strerror(status);
    channel_ = nullptr;
    return;
  }
  timer_ = evtimer_new(base_, &AresChannel::onTimer, this);
}

AresChannel::~AresChannel() { destroy(); }

void AresChannel::destroy() {
  if (channel_ != nullptr) {
    ares_destroy(channel_);  // Calls pending callbacks with ARES_EDESTRUCTION.
    channel_ = nullptr;
  }
  for (auto& [fd, ev] : socket_events_) {
    event_free(ev);
  }
  socket_events_.clear();
  if (timer_ != nullptr) {
    event_free(timer_);
    timer_ = nullptr;
  }
}

bool AresChannel::pointAt(const std::string& address, int family, uint16_t port,
                          std::string& error) {
  std::string server = address + "|" + std::to_string(port);
  if (server == server_) {
    return true;
  }
  ares_addr_port_node node{};
  node.family = family == 6 ? AF_INET6 : AF_INET;
  void* destination = family == 6 ? static_cast<void*>(&node.addr.addr6)
                                  : static_cast<void*>(&node.addr.addr4);
  if (inet_pton(node.family, address.c_str(), destination) != 1) {
    error = "invalid resolver address \"" + address + "\"";
    return false;
  }
  node.udp_port = port;
  node.tcp_port = port;
  int status = ares_set_servers_ports(channel_, &node);
  if (status != ARES_SUCCESS) {
    error = std::string("c-ares could not set the server: ") + ares_strerror(status);
    return false;
  }
  server_ = std::move(server);
  return true;
}

bool AresChannel::ednsDropped() const {
  ares_options options{};
  int mask = 0;
  if (channel_ == nullptr || ares_save_options(channel_, &options, &mask) != ARES_SUCCESS) {
    return false;
  }
  const bool dropped = (options.flags & ARES_FLAG_EDNS) == 0;
  ares_destroy_options(&options);
  return dropped;
}

void AresChannel::send(const std::vector<unsigned char>& query, ares_callback callback,
                       void* arg) {
  ares_send(channel_, query.data(), static_cast<int>(query.size()), callback, arg);
  armTimer();
}

void AresChannel::armTimer() {
  if (channel_ == nullptr || timer_ == nullptr) {
    return;
  }
  timeval tv{};
  if (ares_timeout(channel_, nullptr, &tv) != nullptr) {
    evtimer_add(timer_, &tv);
  } else {
    evtimer_del(timer_);
  }
}

void AresChannel::onSocketState(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<AresChannel*>(data);
  auto found = self->socket_events_.find(fd);
  if (found != self->socket_events_.end()) {
    event_free(found->second);
    self->socket_events_.erase(found);
  }
  if (!readable && !writable) {
    return;
  }
  short what = EV_PERSIST;
  what = static_cast<short>(what | (readable ? EV_READ : 0) | (writable ? EV_WRITE : 0));
  event* ev = event_new(self->base_, fd, what, &AresChannel::onSocket, self);
  event_add(ev, nullptr);
  self->socket_events_[fd] = ev;
}

void AresChannel::onSocket(evutil_socket_t fd, short what, void* arg) {
  auto* self = static_cast<AresChannel*>(arg);
  ares_socket_t read_fd = (what & EV_READ) ? fd : ARES_SOCKET_BAD;
  ares_socket_t write_fd = (what & EV_WRITE) ? fd : ARES_SOCKET_BAD;
  ares_process_fd(self->channel_, read_fd, write_fd);
  self->armTimer();
}

void AresChannel::onTimer(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<AresChannel*>(arg);
  // With no socket named, c-ares only expires queries whose deadline has passed.
  ares_process_fd(self->channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  self->armTimer();
}

AresChannelPool::AresChannelPool(event_base* base, int flags, std::chrono::milliseconds timeout,
                                 size_t max_idle)
    : base_(base), flags_(flags), timeout_(timeout), max_idle_(max_idle) {
  recycle_event_ = event_new(base_, -1, 0, &AresChannelPool::onRecycle, this);
}

AresChannelPool::~AresChannelPool() {
  for (auto& channel : all_) {
    channel->destroy();
  }
  all_.clear();
  event_free(recycle_event_);
}

AresChannel* AresChannelPool::acquire(const std::string& address, int family, uint16_t port,
                                      std::string& error) {
  const std::string server = address + "|" + std::to_string(port);
  auto active = active_.find(server);
  if (active != active_.end()) {
    ++active->second->queries;
    return active->second;
  }
  AresChannel* channel = nullptr;
  if (!idle_.empty()) {
    channel = idle_.back();
    idle_.pop_back();
  } else {
    auto created = std::make_unique<AresChannel>(base_, flags_, timeout_);
    if (!created->ok()) {
      error = "c-ares could not create a channel: " + created->initError();
      return nullptr;
    }
    channel = created.get();
    all_.push_back(std::move(created));
  }
  if (!channel->pointAt(address, family, port, error)) {
    idle_.push_back(channel);
    return nullptr;
  }
  channel->queries = 1;
  active_[server] = channel;
  return channel;
}

void AresChannelPool::retire(AresChannel* channel) {
  auto active = active_.find(channel->server());
  if (active != active_.end() && active->second == channel) {
    active_.erase(active);
  }
}

void AresChannelPool::release(AresChannel* channel) {
  if (channel->queries == 0 || --channel->queries > 0) {
    return;
  }
  retire(channel);
  // c-ares frees the query only after its callback returns, and ares_set_servers_ports
  // refuses a channel with a query pending, so recycling waits for the next loop turn.
  to_recycle_.push_back(channel);
  event_active(recycle_event_, 0, 0);
}

bool AresChannelPool::ednsDropped(const AresChannel* channel) const {
  return channel->ednsDropped();
}

void AresChannelPool::send(AresChannel* channel, const std::vector<unsigned char>& query,
                           ares_callback callback, void* arg) {
  channel->send(query, callback, arg);
}

void AresChannelPool::onRecycle(int, short, void* arg) {
  auto* self = static_cast<AresChannelPool*>(arg);
  std::vector<AresChannel*> batch;
  batch.swap(self->to_recycle_);
  for (AresChannel* channel : batch) {
    // A channel whose EDNS flag c-ares cleared would cut later answers to 512 octets.
    if (self->idle_.size() < self->max_idle_ && !channel->ednsDropped()) {
      self->idle_.push_back(channel);
      continue;
    }
    auto owned = std::find_if(self->all_.begin(), self->all_.end(),
                              [channel](const auto& item) { return item.get() == channel; });
    if (owned != self->all_.end()) {
      self->all_.erase(owned);
    }
  }
}

}  // namespace dw
