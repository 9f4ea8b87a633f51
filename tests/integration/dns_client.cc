// SPDX-License-Identifier: Apache-2.0
#include "dns_client.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "dns/message.h"

namespace dw::test {
namespace {

sockaddr_in dnsAddress(const std::string& address) {
  sockaddr_in result{};
  result.sin_family = AF_INET;
  result.sin_port = htons(53);
  inet_pton(AF_INET, address.c_str(), &result.sin_addr);
  return result;
}

bool waitReadable(int fd, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    return false;
  }
  pollfd readable{fd, POLLIN, 0};
  return poll(&readable, 1, static_cast<int>(left.count())) == 1;
}

bool readExactly(int fd, uint8_t* data, size_t size,
                 std::chrono::steady_clock::time_point deadline) {
  size_t done = 0;
  while (done < size) {
    if (!waitReadable(fd, deadline)) {
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

}  // namespace

std::vector<uint8_t> dnssecQuery(const std::string& qname, uint16_t qtype,
                                 uint16_t edns_buffer_size, uint16_t id) {
  dns::QueryOptions options;
  options.edns_buffer_size = edns_buffer_size;
  std::vector<uint8_t> query = dns::buildQuery(qname, qtype, options);
  if (query.size() >= 2) {
    query[0] = static_cast<uint8_t>(id >> 8);
    query[1] = static_cast<uint8_t>(id & 0xff);
  }
  return query;
}

std::optional<std::vector<uint8_t>> askUdp(const std::string& address,
                                           const std::vector<uint8_t>& query,
                                           std::chrono::milliseconds limit) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const sockaddr_in server = dnsAddress(address);
  std::optional<std::vector<uint8_t>> answer;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) == 0 &&
      send(fd, query.data(), query.size(), 0) >= 0 &&
      waitReadable(fd, std::chrono::steady_clock::now() + limit)) {
    std::vector<uint8_t> buffer(65535);
    const ssize_t size = recv(fd, buffer.data(), buffer.size(), 0);
    if (size >= 0) {
      buffer.resize(static_cast<size_t>(size));
      answer = std::move(buffer);
    }
  }
  close(fd);
  return answer;
}

int connectTcp(const std::string& address) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in server = dnsAddress(address);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) != 0) {
    const int error = errno;
    close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

bool sendTcpQuery(int fd, const std::vector<uint8_t>& query) {
  std::vector<uint8_t> framed{static_cast<uint8_t>(query.size() >> 8),
                              static_cast<uint8_t>(query.size() & 0xff)};
  framed.insert(framed.end(), query.begin(), query.end());
  return send(fd, framed.data(), framed.size(), MSG_NOSIGNAL) ==
         static_cast<ssize_t>(framed.size());
}

std::optional<std::vector<uint8_t>> readTcpAnswer(int fd, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  uint8_t length[2];
  if (!readExactly(fd, length, 2, deadline)) {
    return std::nullopt;
  }
  std::vector<uint8_t> answer(static_cast<size_t>((length[0] << 8) | length[1]));
  if (!readExactly(fd, answer.data(), answer.size(), deadline)) {
    return std::nullopt;
  }
  return answer;
}

std::optional<std::vector<uint8_t>> askTcp(const std::string& address,
                                           const std::vector<uint8_t>& query,
                                           std::chrono::milliseconds limit) {
  const int fd = connectTcp(address);
  if (fd < 0) {
    return std::nullopt;
  }
  std::optional<std::vector<uint8_t>> answer;
  if (sendTcpQuery(fd, query)) {
    answer = readTcpAnswer(fd, limit);
  }
  close(fd);
  return answer;
}

}  // namespace dw::test
