// SPDX-License-Identifier: Apache-2.0
// Relays that stand in front of a lab resolver and break answers the way middleboxes do.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <thread>
#include <vector>

namespace dw::test {

// The damage a FaultyRelay does to the answers it forwards.
enum class Fault {
  None,             // forwards unchanged
  TruncateOver512,  // a UDP answer over 512 octets is replaced by its header + question with TC set
  DropOver1232,     // a UDP answer over 1232 octets is dropped (lost fragments)
  StripRrsig,       // removes every RRSIG record from answers (UDP and TCP), fixes counts
  StripNsec,        // removes NSEC and NSEC3 records (and their RRSIGs) from the authority
                    // section of NXDOMAIN/NODATA answers
  StripOpt,         // removes the OPT record from answers
  RefuseTcp,        // no TCP listener: TCP connects are refused; UDP forwarded unchanged
  Slow,             // forwards unchanged after `delay`
};

// Returns the enumerator's name, e.g. "StripRrsig", for test output.
std::string faultName(Fault fault);

// Applies `fault` to one answer from the upstream resolver. Returns the answer to send to the
// client, or an empty vector when the fault drops it. An answer that ldns cannot parse passes
// unchanged, as it would through a middlebox that does not understand it.
std::vector<uint8_t> applyFault(Fault fault, bool over_tcp, const std::vector<uint8_t>& answer);

// A relay on its own IPv4 loopback address. Each UDP query and each TCP connection runs in a
// thread of its own with its own upstream socket, so concurrent queries never wait for each
// other and upstream answers reach the client that sent the query. Queries are forwarded as
// received, garbage included. Every thread also polls the relay's wake pipe, so the
// destructor returns without waiting for an upstream or idle timeout.
class FaultyRelay {
 public:
  // Listens on address:53 (UDP, and TCP unless RefuseTcp) and forwards every query to
  // upstream:53 over the same transport, applying `fault` to the answers. Serves until
  // destroyed. Throws std::system_error when it cannot bind address:53.
  FaultyRelay(const std::string& address, const std::string& upstream, Fault fault,
              std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  ~FaultyRelay();
  FaultyRelay(const FaultyRelay&) = delete;
  FaultyRelay& operator=(const FaultyRelay&) = delete;

  // Queries received from clients so far: UDP datagrams, and length-prefixed TCP messages.
  int udpQueries() const;
  int tcpQueries() const;

 private:
  // One thread that relays a UDP query or serves a TCP connection.
  struct Exchange {
    std::thread thread;
    std::atomic<bool> finished{false};
  };

  void serve();
  void receiveUdpQuery();
  void acceptTcpConnection();
  void startExchange(std::function<void()> work);
  void joinFinishedExchanges(bool all);

  void relayUdp(std::vector<uint8_t> query, sockaddr_in client);
  void serveTcpConnection(int client);
  bool relayTcpQuery(int client, int& upstream);

  // Waits until `fd` has `events`. Returns false on timeout, error or stop.
  bool waitFor(int fd, short events, std::chrono::milliseconds limit) const;
  // Sleeps for the Slow fault's delay. Returns false when the relay stops first.
  bool pauseForDelay() const;
  bool readExactly(int fd, uint8_t* data, size_t size, std::chrono::milliseconds limit) const;
  bool writeAll(int fd, const uint8_t* data, size_t size) const;
  bool readTcpMessage(int fd, std::vector<uint8_t>& message, std::chrono::milliseconds limit) const;
  bool writeTcpMessage(int fd, const std::vector<uint8_t>& message) const;

  const sockaddr_in upstream_;
  const Fault fault_;
  const std::chrono::milliseconds delay_;
  int udp_ = -1;
  int tcp_ = -1;  // -1 for RefuseTcp.
  int wake_[2] = {-1, -1};
  std::atomic<int> udp_queries_{0};
  std::atomic<int> tcp_queries_{0};
  std::list<Exchange> exchanges_;  // Used only by the serve thread.
  std::thread thread_;
};

}  // namespace dw::test
