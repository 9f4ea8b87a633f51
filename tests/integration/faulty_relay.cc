// SPDX-License-Identifier: Apache-2.0
#include "faulty_relay.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace dw::test {
namespace {

constexpr int kDnsPort = 53;
// How long an exchange waits for the upstream resolver. Lab resolvers answer in milliseconds,
// so an answer later than this is lost.
constexpr std::chrono::milliseconds kUpstreamTimeout(5000);
// How long a TCP connection may sit idle between two queries before the relay closes it.
constexpr std::chrono::milliseconds kTcpIdleTimeout(10000);

sockaddr_in socketAddress(const std::string& address) {
  sockaddr_in result{};
  result.sin_family = AF_INET;
  result.sin_port = htons(kDnsPort);
  if (inet_pton(AF_INET, address.c_str(), &result.sin_addr) != 1) {
    throw std::system_error(EINVAL, std::generic_category(),
                            "\"" + address + "\" is not a numeric IPv4 address");
  }
  return result;
}

int boundSocket(int type, const sockaddr_in& address, const std::string& text) {
  const int fd = socket(AF_INET, type, 0);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "creating a socket for " + text + " failed");
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    const int error = errno;
    close(fd);
    throw std::system_error(error, std::generic_category(),
                            std::string(type == SOCK_DGRAM ? "UDP" : "TCP") + " bind of " +
                                text + ":53 failed");
  }
  return fd;
}

// Connects a new socket of `type` to the upstream resolver. Returns -1 on failure.
int connectUpstream(int type, const sockaddr_in& upstream) {
  const int fd = socket(AF_INET, type, 0);
  if (fd < 0) {
    return -1;
  }
  if (connect(fd, reinterpret_cast<const sockaddr*>(&upstream), sizeof(upstream)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

FaultyRelay::FaultyRelay(const std::string& address, const std::string& upstream, Fault fault,
                         std::chrono::milliseconds delay)
    : upstream_(socketAddress(upstream)), fault_(fault), delay_(delay) {
  const sockaddr_in bound = socketAddress(address);
  udp_ = boundSocket(SOCK_DGRAM, bound, address);
  try {
    if (fault_ != Fault::RefuseTcp) {
      tcp_ = boundSocket(SOCK_STREAM, bound, address);
      listen(tcp_, 64);
    }
    if (pipe(wake_) != 0) {
      throw std::system_error(errno, std::generic_category(), "creating the wake pipe of the relay failed");
    }
  } catch (const std::system_error&) {
    for (int fd : {udp_, tcp_}) {
      if (fd >= 0) {
        close(fd);
      }
    }
    throw;
  }
  thread_ = std::thread(&FaultyRelay::serve, this);
}

// The wake byte is never read, so every poll on wake_[0] sees it and every thread returns.
FaultyRelay::~FaultyRelay() {
  const char stop = 's';
  [[maybe_unused]] ssize_t written = write(wake_[1], &stop, 1);
  thread_.join();
  for (int fd : {udp_, tcp_, wake_[0], wake_[1]}) {
    if (fd >= 0) {
      close(fd);
    }
  }
}

int FaultyRelay::udpQueries() const { return udp_queries_.load(); }

int FaultyRelay::tcpQueries() const { return tcp_queries_.load(); }

void FaultyRelay::serve() {
  for (;;) {
    pollfd fds[3] = {{wake_[0], POLLIN, 0}, {udp_, POLLIN, 0}, {tcp_, POLLIN, 0}};
    const nfds_t count = tcp_ >= 0 ? 3 : 2;
    const int ready = poll(fds, count, 100);
    if (ready < 0 && errno != EINTR) {
      break;
    }
    if (fds[0].revents != 0) {
      break;
    }
    if (fds[1].revents & POLLIN) {
      receiveUdpQuery();
    }
    if (count == 3 && (fds[2].revents & POLLIN)) {
      acceptTcpConnection();
    }
    joinFinishedExchanges(false);
  }
  joinFinishedExchanges(true);
}

void FaultyRelay::receiveUdpQuery() {
  std::vector<uint8_t> query(65535);
  sockaddr_in client{};
  socklen_t client_length = sizeof(client);
  const ssize_t size = recvfrom(udp_, query.data(), query.size(), 0,
                                reinterpret_cast<sockaddr*>(&client), &client_length);
  if (size < 0) {
    return;
  }
  ++udp_queries_;
  query.resize(static_cast<size_t>(size));
  startExchange([this, query = std::move(query), client]() mutable {
    relayUdp(std::move(query), client);
  });
}

void FaultyRelay::acceptTcpConnection() {
  const int client = accept(tcp_, nullptr, nullptr);
  if (client < 0) {
    return;
  }
  startExchange([this, client] { serveTcpConnection(client); });
}

void FaultyRelay::startExchange(std::function<void()> work) {
  Exchange& exchange = exchanges_.emplace_back();
  exchange.thread = std::thread([&exchange, work = std::move(work)] {
    work();
    exchange.finished = true;
  });
}

void FaultyRelay::joinFinishedExchanges(bool all) {
  for (auto it = exchanges_.begin(); it != exchanges_.end();) {
    if (all || it->finished) {
      it->thread.join();
      it = exchanges_.erase(it);
    } else {
      ++it;
    }
  }
}

// One upstream socket per query, so the upstream answer goes back to this query's client.
void FaultyRelay::relayUdp(std::vector<uint8_t> query, sockaddr_in client) {
  if (!pauseForDelay()) {
    return;
  }
  const int upstream = connectUpstream(SOCK_DGRAM, upstream_);
  if (upstream < 0) {
    return;
  }
  std::vector<uint8_t> answer(65535);
  ssize_t size = -1;
  if (send(upstream, query.data(), query.size(), 0) >= 0 &&
      waitFor(upstream, POLLIN, kUpstreamTimeout)) {
    size = recv(upstream, answer.data(), answer.size(), 0);
  }
  close(upstream);
  if (size <= 0) {
    return;
  }
  answer.resize(static_cast<size_t>(size));
  answer = applyFault(fault_, false, answer);
  if (!answer.empty()) {
    sendto(udp_, answer.data(), answer.size(), 0, reinterpret_cast<const sockaddr*>(&client),
           sizeof(client));
  }
}

// Answers the connection's queries one after another over one upstream TCP connection.
void FaultyRelay::serveTcpConnection(int client) {
  int upstream = -1;
  while (relayTcpQuery(client, upstream)) {
  }
  if (upstream >= 0) {
    close(upstream);
  }
  close(client);
}

// Relays one query of a TCP connection. Returns false when the connection should close.
bool FaultyRelay::relayTcpQuery(int client, int& upstream) {
  std::vector<uint8_t> query;
  if (!readTcpMessage(client, query, kTcpIdleTimeout)) {
    return false;
  }
  ++tcp_queries_;
  if (!pauseForDelay()) {
    return false;
  }
  if (upstream < 0) {
    upstream = connectUpstream(SOCK_STREAM, upstream_);
  }
  std::vector<uint8_t> answer;
  if (upstream < 0 || !writeTcpMessage(upstream, query) ||
      !readTcpMessage(upstream, answer, kUpstreamTimeout)) {
    return false;
  }
  answer = applyFault(fault_, true, answer);
  return writeTcpMessage(client, answer);
}

bool FaultyRelay::waitFor(int fd, short events, std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) {
      return false;
    }
    pollfd fds[2] = {{wake_[0], POLLIN, 0}, {fd, events, 0}};
    const int ready = poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0 || fds[0].revents != 0) {
      return false;
    }
    return (fds[1].revents & events) != 0;
  }
}

bool FaultyRelay::pauseForDelay() const {
  if (fault_ != Fault::Slow || delay_.count() <= 0) {
    return true;
  }
  pollfd wake{wake_[0], POLLIN, 0};
  return poll(&wake, 1, static_cast<int>(delay_.count())) == 0;
}

bool FaultyRelay::readExactly(int fd, uint8_t* data, size_t size,
                              std::chrono::milliseconds limit) const {
  size_t done = 0;
  while (done < size) {
    if (!waitFor(fd, POLLIN, limit)) {
      return false;
    }
    const ssize_t got = recv(fd, data + done, size - done, 0);
    if (got <= 0) {
      return false;
    }
    done += static_cast<size_t>(got);
  }
  return true;
}

bool FaultyRelay::writeAll(int fd, const uint8_t* data, size_t size) const {
  size_t done = 0;
  while (done < size) {
    if (!waitFor(fd, POLLOUT, kUpstreamTimeout)) {
      return false;
    }
    const ssize_t sent = send(fd, data + done, size - done, MSG_NOSIGNAL);
    if (sent <= 0) {
      return false;
    }
    done += static_cast<size_t>(sent);
  }
  return true;
}

// DNS over TCP prefixes each message with its length in two octets (RFC 1035 4.2.2).
bool FaultyRelay::readTcpMessage(int fd, std::vector<uint8_t>& message,
                                 std::chrono::milliseconds limit) const {
  uint8_t length[2];
  if (!readExactly(fd, length, 2, limit)) {
    return false;
  }
  message.resize(static_cast<size_t>((length[0] << 8) | length[1]));
  return !message.empty() && readExactly(fd, message.data(), message.size(), kUpstreamTimeout);
}

bool FaultyRelay::writeTcpMessage(int fd, const std::vector<uint8_t>& message) const {
  if (message.empty() || message.size() > 65535) {
    return false;
  }
  std::vector<uint8_t> framed{static_cast<uint8_t>(message.size() >> 8),
                              static_cast<uint8_t>(message.size() & 0xff)};
  framed.insert(framed.end(), message.begin(), message.end());
  return writeAll(fd, framed.data(), framed.size());
}

}  // namespace dw::test
