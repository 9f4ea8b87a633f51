// SPDX-License-Identifier: Apache-2.0
// A blocking DNS client for integration tests: one query over UDP or TCP to address:53.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dw::test {

// Builds a recursive query with DO set and an OPT record advertising `edns_buffer_size`, with
// message ID `id`.
std::vector<uint8_t> dnssecQuery(const std::string& qname, uint16_t qtype,
                                 uint16_t edns_buffer_size = 4096, uint16_t id = 0x5157);

// Sends `query` over UDP to address:53 and returns the first datagram that comes back, or
// nullopt when none arrives within `limit`.
std::optional<std::vector<uint8_t>> askUdp(const std::string& address,
                                           const std::vector<uint8_t>& query,
                                           std::chrono::milliseconds limit);

// Sends `query` over a new TCP connection to address:53 and returns the answer, or nullopt
// when the connection fails or no whole answer arrives within `limit`.
std::optional<std::vector<uint8_t>> askTcp(const std::string& address,
                                           const std::vector<uint8_t>& query,
                                           std::chrono::milliseconds limit);

// Connects a TCP socket to address:53; returns the socket, or -1 with errno set.
int connectTcp(const std::string& address);

// Frames `query` with its two-octet length and sends it on a connected TCP socket.
bool sendTcpQuery(int fd, const std::vector<uint8_t>& query);

// Reads one length-prefixed answer from a connected TCP socket within `limit`.
std::optional<std::vector<uint8_t>> readTcpAnswer(int fd, std::chrono::milliseconds limit);

}  // namespace dw::test
