// SPDX-License-Identifier: Apache-2.0
// Tests of the raw engine against hostile and broken DNS servers. A fake server in the test
// listens on 127.0.0.1 at a kernel-chosen port and replies to each query as each test
// specifies. The real RawEngine runs on a libevent loop that the test thread drives.
//
// Several expectations follow from c-ares 1.18.1 (src/lib/ares_process.c). process_answer()
// drops any datagram whose ID and question section do not both match an outstanding query
// (same_questions), so such replies end in a timeout, not in a malformed result. Without
// ARES_FLAG_EDNS it also cuts every UDP reply to 512 octets before the callback gets it, and
// read_udp_packets() reads into a buffer of MAXENDSSZ + 1 = 4097 octets.
#include "probe/raw_engine.h"

#include <ares.h>
#include <arpa/inet.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dns/message.h"
#include "probe/observation.h"
#include "support/dns_packets.h"

namespace dw {

// Prints enum values by their label in failure messages. gtest finds these by
// argument-dependent lookup, so they sit in namespace dw.
static void PrintTo(ExchangeStatus status, std::ostream* os) { *os << exchangeStatusName(status); }
static void PrintTo(ZoneHealth health, std::ostream* os) { *os << zoneHealthName(health); }

namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<uint8_t>;

constexpr const char* kQname = "www.example.com.";
constexpr uint16_t kTypeA = 1;
constexpr int kServFail = 2;

// libevent locking and c-ares global state, set up once for the whole binary.
class LibraryEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    evthread_use_pthreads();
    ares_library_init(ARES_LIB_INIT_ALL);
  }
  void TearDown() override {
    ares_library_cleanup();
    libevent_global_shutdown();
  }
};

[[maybe_unused]] ::testing::Environment* const kLibraryEnvironment =
    ::testing::AddGlobalTestEnvironment(new LibraryEnvironment);

// --- replies built from the query ---

bool hasCdBit(const Bytes& wire) { return (wire[3] & 0x10) != 0; }

// What the fake server puts in an answer. Everything else is copied from the query: the ID,
// the question, RD, CD, and an OPT record with DO when the query had one.
struct AnswerSpec {
  int rcode = 0;
  bool qr = true;
  bool tc = false;
  bool ad = false;
  std::optional<std::string> qname;  // Answers another question than the query's when set.
  std::vector<std::string> records;  // Answer section, in zone-file syntax.
};

// Returns `count` A records for `owner`, 16 octets each on the wire once the owner is
// compressed.
std::vector<std::string> manyARecords(int count, const std::string& owner = kQname) {
  std::vector<std::string> records;
  for (int i = 0; i < count; ++i) {
    records.push_back(owner + " 300 IN A 198.51." + std::to_string(i / 256) + "." +
                      std::to_string(i % 256));
  }
  return records;
}

// Builds the answer to `query`, or an empty message when the query cannot be parsed (the
// test then fails on what the engine reports).
Bytes answerTo(const Bytes& query, const AnswerSpec& spec) {
  test::PktPtr parsed = test::fromWire(query);
  if (!parsed || ldns_pkt_qdcount(parsed.get()) != 1) {
    return {};
  }
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(parsed.get()), 0);
  const std::string qname = spec.qname.value_or(test::questionName(parsed.get()).value_or("."));
  test::PktPtr answer = test::makePacket(qname, ldns_rr_get_type(question));
  if (!answer) {
    return {};
  }
  ldns_pkt_set_id(answer.get(), ldns_pkt_id(parsed.get()));
  ldns_pkt_set_qr(answer.get(), spec.qr);
  ldns_pkt_set_rd(answer.get(), ldns_pkt_rd(parsed.get()));
  ldns_pkt_set_cd(answer.get(), ldns_pkt_cd(parsed.get()));
  ldns_pkt_set_ra(answer.get(), true);
  ldns_pkt_set_ad(answer.get(), spec.ad);
  ldns_pkt_set_tc(answer.get(), spec.tc);
  ldns_pkt_set_rcode(answer.get(), static_cast<uint8_t>(spec.rcode));
  for (const std::string& record : spec.records) {
    if (!test::addRecord(answer.get(), LDNS_SECTION_ANSWER, record)) {
      return {};
    }
  }
  if (ldns_pkt_edns(parsed.get())) {
    ldns_pkt_set_edns_udp_size(answer.get(), 1232);
    ldns_pkt_set_edns_do(answer.get(), ldns_pkt_edns_do(parsed.get()));
  }
  return test::toWire(answer.get());
}

AnswerSpec noerror() {
  AnswerSpec spec;
  spec.records = {std::string(kQname) + " 300 IN A 192.0.2.1"};
  return spec;
}

AnswerSpec withRcode(int rcode) {
  AnswerSpec spec;
  spec.rcode = rcode;
  return spec;
}

// Returns the query's header and question section followed by `garbage_size` pseudo-random
// octets, with QR set and ANCOUNT 3, so that c-ares matches it to the query and ldns has to
// parse the garbage as records.
Bytes garbageAfterQuestion(const Bytes& query, size_t garbage_size) {
  // The question ends where the OPT record starts, 11 octets before the end of the query.
  Bytes answer(query.begin(), query.end() - 11);
  answer[2] |= 0x80;              // QR
  answer[6] = 0;                  // ANCOUNT high octet
  answer[7] = 3;                  // ANCOUNT
  answer[10] = answer[11] = 0;    // ARCOUNT
  std::mt19937 random(20240601);  // Fixed seed: the same bytes on every run.
  for (size_t i = 0; i < garbage_size; ++i) {
    answer.push_back(static_cast<uint8_t>(random()));
  }
  return answer;
}

// --- the fake server ---

struct ReceivedQuery {
  Bytes wire;
  bool tcp = false;
};

// The messages to send back for one query: UDP datagrams, or TCP messages (the server adds the
// two-octet length prefix of RFC 1035 4.2.2). An empty TCP message makes the server close the
// connection instead.
using Responder = std::function<std::vector<Bytes>(const ReceivedQuery&)>;

// A DNS server on 127.0.0.1 with UDP and TCP on one kernel-chosen port, answering from its own
// thread. Without a TCP responder, a TCP socket is bound to the port but never listens, so
// TCP connections to it are refused.
class FakeDnsServer {
 public:
  explicit FakeDnsServer(Responder udp, Responder tcp = nullptr)
      : udp_responder_(std::move(udp)), tcp_responder_(std::move(tcp)) {}

  ~FakeDnsServer() {
    if (thread_.joinable()) {
      const char stop = 's';
      [[maybe_unused]] ssize_t written = write(wake_[1], &stop, 1);
      thread_.join();
    }
    for (auto& [fd, buffer] : connections_) {
      close(fd);
    }
    for (int fd : {udp_, tcp_, wake_[0], wake_[1]}) {
      if (fd >= 0) {
        close(fd);
      }
    }
  }

  // Makes start() bind to ::1 instead of 127.0.0.1.
  void useIpv6() { family_ = AF_INET6; }

  // Binds the sockets and starts answering. Returns false with error() set when it cannot.
  bool start() {
    if (pipe(wake_) != 0) {
      error_ = std::string("pipe failed: ") + std::strerror(errno);
      return false;
    }
    // The kernel picks the port of the UDP socket, and the TCP socket then binds that same
    // port. Another process may already use it for TCP, so this tries a few kernel-chosen ports.
    for (int attempt = 0; attempt < 20 && port_ == 0; ++attempt) {
      bindPair();
    }
    if (port_ == 0) {
      return false;
    }
    thread_ = std::thread([this] { serve(); });
    return true;
  }

  uint16_t port() const { return port_; }
  const std::string& error() const { return error_; }

  std::vector<ReceivedQuery> queries() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queries_;
  }

  size_t queryCount(bool tcp) const {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t count = 0;
    for (const ReceivedQuery& query : queries_) {
      count += query.tcp == tcp ? 1 : 0;
    }
    return count;
  }

  // Datagrams and TCP messages sent so far.
  size_t sentCount() const { return sent_.load(); }

 private:
  // Binds to 127.0.0.1, or to ::1 after useIpv6().
  int boundSocket(int type, uint16_t port) const {
    int fd = socket(family_, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return -1;
    }
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (family_ == AF_INET6) {
      auto* address = reinterpret_cast<sockaddr_in6*>(&storage);
      address->sin6_family = AF_INET6;
      address->sin6_port = htons(port);
      address->sin6_addr = in6addr_loopback;
      length = sizeof(sockaddr_in6);
    } else {
      auto* address = reinterpret_cast<sockaddr_in*>(&storage);
      address->sin_family = AF_INET;
      address->sin_port = htons(port);
      address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      length = sizeof(sockaddr_in);
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }

  static uint16_t localPort(int fd) {
    sockaddr_storage storage{};
    socklen_t length = sizeof(storage);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
      return 0;
    }
    return storage.ss_family == AF_INET6
               ? ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port)
               : ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  }

  void bindPair() {
    int first = boundSocket(SOCK_DGRAM, 0);
    const uint16_t port = first >= 0 ? localPort(first) : 0;
    int second = port != 0 ? boundSocket(SOCK_STREAM, port) : -1;
    if (first < 0 || port == 0 || second < 0) {
      error_ = std::string("could not bind UDP and TCP to one port on loopback: ") +
               std::strerror(errno);
      if (first >= 0) {
        close(first);
      }
      return;
    }
    if (tcp_responder_ && listen(second, 16) != 0) {
      error_ = std::string("listen failed: ") + std::strerror(errno);
      close(first);
      close(second);
      return;
    }
    udp_ = first;
    tcp_ = second;
    port_ = port;
  }

  void record(const Bytes& wire, bool tcp) {
    std::lock_guard<std::mutex> lock(mutex_);
    queries_.push_back(ReceivedQuery{wire, tcp});
  }

  void serve() {
    for (;;) {
      std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {udp_, POLLIN, 0}};
      if (tcp_responder_) {
        fds.push_back({tcp_, POLLIN, 0});
      }
      for (const auto& [fd, buffer] : connections_) {
        fds.push_back({fd, POLLIN, 0});
      }
      if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
        return;
      }
      if (fds[0].revents != 0) {
        return;
      }
      if (fds[1].revents != 0) {
        readDatagram();
      }
      size_t next = 2;
      if (tcp_responder_) {
        if (fds[next].revents != 0) {
          acceptConnection();
        }
        ++next;
      }
      for (; next < fds.size(); ++next) {
        if (fds[next].revents != 0) {
          readStream(fds[next].fd);
        }
      }
    }
  }

  void readDatagram() {
    Bytes buffer(65535);
    sockaddr_storage from{};
    socklen_t from_length = sizeof(from);
    ssize_t size = recvfrom(udp_, buffer.data(), buffer.size(), 0,
                            reinterpret_cast<sockaddr*>(&from), &from_length);
    if (size < 0) {
      return;
    }
    buffer.resize(static_cast<size_t>(size));
    record(buffer, false);
    for (const Bytes& reply : udp_responder_(ReceivedQuery{buffer, false})) {
      sendto(udp_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_length);
      ++sent_;
    }
  }

  void acceptConnection() {
    int fd = accept4(tcp_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      connections_.emplace(fd, Bytes{});
    }
  }

  void readStream(int fd) {
    uint8_t chunk[4096];
    ssize_t size = recv(fd, chunk, sizeof(chunk), 0);
    if (size <= 0) {
      close(fd);
      connections_.erase(fd);
      return;
    }
    Bytes& buffer = connections_[fd];
    buffer.insert(buffer.end(), chunk, chunk + size);
    while (buffer.size() >= 2) {
      const size_t length = (static_cast<size_t>(buffer[0]) << 8) | buffer[1];
      if (buffer.size() < 2 + length) {
        return;
      }
      Bytes query(buffer.begin() + 2, buffer.begin() + 2 + static_cast<long>(length));
      buffer.erase(buffer.begin(), buffer.begin() + 2 + static_cast<long>(length));
      record(query, true);
      for (const Bytes& reply : tcp_responder_(ReceivedQuery{query, true})) {
        if (reply.empty()) {
          close(fd);
          connections_.erase(fd);
          return;
        }
        Bytes framed{static_cast<uint8_t>(reply.size() >> 8),
                     static_cast<uint8_t>(reply.size() & 0xff)};
        framed.insert(framed.end(), reply.begin(), reply.end());
        sendAll(fd, framed);
        ++sent_;
      }
    }
  }

  static void sendAll(int fd, const Bytes& data) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t written = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (written <= 0) {
        return;
      }
      done += static_cast<size_t>(written);
    }
  }

  Responder udp_responder_;
  Responder tcp_responder_;
  int family_ = AF_INET;
  int udp_ = -1;
  int tcp_ = -1;
  int wake_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::string error_;
  std::thread thread_;
  std::map<int, Bytes> connections_;  // Used only by the server thread.
  mutable std::mutex mutex_;          // Guards queries_.
  std::vector<ReceivedQuery> queries_;
  std::atomic<size_t> sent_{0};
};

// Responds to each UDP query with the given answer.
Responder answerWith(AnswerSpec spec) {
  return
      [spec](const ReceivedQuery& query) { return std::vector<Bytes>{answerTo(query.wire, spec)}; };
}

Responder silent() {
  return [](const ReceivedQuery&) { return std::vector<Bytes>{}; };
}

// Returns a UDP port on 127.0.0.1 that nothing listens on. The kernel picks it for a socket
// that is closed again at once.
uint16_t closedUdpPort() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// --- the event loop and the engine ---

class RawEngineTest : public ::testing::Test {
 protected:
  // Short, so that tests whose point is a timeout end quickly.
  static constexpr std::chrono::milliseconds kTimeout = 300ms;
  // Upper bound on any wait in these tests. Reaching it is a failure, not a measurement.
  static constexpr std::chrono::milliseconds kWaitLimit = 3s;
  // Extra loop time after the last expected callback, to catch a second callback.
  static constexpr std::chrono::milliseconds kSettleTime = 100ms;

  void SetUp() override {
    base_ = event_base_new();
    ASSERT_NE(base_, nullptr);
    tick_ = event_new(
        base_, -1, EV_PERSIST, [](evutil_socket_t, short, void*) {}, nullptr);
    ASSERT_NE(tick_, nullptr);
  }

  void TearDown() override {
    if (tick_ != nullptr) {
      event_free(tick_);
    }
    if (base_ != nullptr) {
      event_base_free(base_);
    }
  }

  static RawEngine::Settings settings() {
    RawEngine::Settings settings;
    settings.timeout = kTimeout;
    settings.edns_buffer_size = 1232;
    return settings;
  }

  static ResolverSpec resolverAt6(uint16_t port) {
    ResolverSpec resolver;
    resolver.name = "fake-v6";
    resolver.address = "::1";
    resolver.port = port;
    resolver.family = 6;
    return resolver;
  }

  static ResolverSpec resolverAt(uint16_t port) {
    ResolverSpec resolver;
    resolver.name = "fake";
    resolver.address = "127.0.0.1";
    resolver.port = port;
    resolver.family = 4;
    return resolver;
  }

  static ProbeSpec question(const std::string& qname = kQname) {
    return ProbeSpec{qname, kTypeA, "A"};
  }

  // Runs the loop until `done` returns true or kWaitLimit passes. A 10 ms tick keeps the loop
  // from blocking longer than that between checks.
  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = kWaitLimit) {
    const timeval tick{0, 10'000};
    event_add(tick_, &tick);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    bool reached = done();
    while (!reached && std::chrono::steady_clock::now() < deadline) {
      event_base_loop(base_, EVLOOP_ONCE);
      reached = done();
    }
    event_del(tick_);
    return reached;
  }

  void runFor(std::chrono::milliseconds duration) {
    runUntil([] { return false; }, duration);
  }

  // Sends one probe to the server at `port`, waits for its callback, and checks that the
  // callback ran exactly once.
  RawResult probeOnce(uint16_t port, RawEngine::ProbeOptions options = {},
                      const ProbeSpec& probe_question = question()) {
    RawEngine engine(base_, settings());
    int calls = 0;
    RawResult result;
    engine.probe(
        resolverAt(port), probe_question,
        [&](RawResult done) {
          ++calls;
          result = std::move(done);
        },
        options);
    EXPECT_TRUE(runUntil([&] { return calls > 0; })) << "the probe's callback never ran";
    runFor(kSettleTime);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(engine.inFlight(), 0u);
    return result;
  }

  event_base* base_ = nullptr;
  event* tick_ = nullptr;
};

// --- well-behaved servers ---

TEST_F(RawEngineTest, ReportsNoerrorForCorrectAnswer) {
  FakeDnsServer server(answerWith(noerror()));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_TRUE(result.udp.attempted);
  EXPECT_EQ(result.udp.status, ExchangeStatus::Answered) << result.udp.error;
  EXPECT_EQ(result.udp.answer.rcode, 0);
  EXPECT_EQ(result.udp.answer.answer_count, 1u);
  EXPECT_TRUE(result.udp.answer.has_opt);
  EXPECT_FALSE(result.tcp.attempted);
  EXPECT_FALSE(result.cd_recheck.attempted);
  EXPECT_EQ(rawResultLabel(result), "noerror");
}

TEST_F(RawEngineTest, RecordsAnswerSize) {
  const Bytes expected_answer = [] {
    // The answer depends only on the question and the query's flags, so build it once here
    // from a query like the engine's to know its size.
    dns::QueryOptions options;
    return answerTo(dns::buildQuery(kQname, kTypeA, options), noerror());
  }();
  ASSERT_FALSE(expected_answer.empty());
  FakeDnsServer server(answerWith(noerror()));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.answer.size_bytes, expected_answer.size());
  EXPECT_EQ(result.udp.answer.opt_size_bytes, 11u);
}

TEST_F(RawEngineTest, SendsDoAndRdWithCdClear) {
  FakeDnsServer server(answerWith(noerror()));
  ASSERT_TRUE(server.start()) << server.error();
  probeOnce(server.port());
  std::vector<ReceivedQuery> queries = server.queries();
  ASSERT_EQ(queries.size(), 1u);
  test::PktPtr query = test::fromWire(queries[0].wire);
  ASSERT_NE(query, nullptr);
  EXPECT_TRUE(ldns_pkt_rd(query.get()));
  EXPECT_FALSE(ldns_pkt_cd(query.get()));
  EXPECT_TRUE(ldns_pkt_edns_do(query.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(query.get()), 1232);
  EXPECT_EQ(test::questionName(query.get()), kQname);
}

TEST_F(RawEngineTest, GivesConcurrentQueriesDistinctIds) {
  FakeDnsServer server(answerWith(noerror()));
  ASSERT_TRUE(server.start()) << server.error();
  RawEngine engine(base_, settings());
  constexpr int kProbes = 50;
  int calls = 0;
  for (int i = 0; i < kProbes; ++i) {
    engine.probe(resolverAt(server.port()), question(), [&](RawResult) { ++calls; });
  }
  ASSERT_TRUE(runUntil([&] { return calls == kProbes; }));
  std::set<uint16_t> ids;
  for (const ReceivedQuery& query : server.queries()) {
    test::PktPtr parsed = test::fromWire(query.wire);
    ASSERT_NE(parsed, nullptr);
    ids.insert(ldns_pkt_id(parsed.get()));
  }
  // c-ares 1.18 sends the ID it is given: equal IDs would let the answers of equal questions
  // reach each other's callbacks.
  EXPECT_EQ(ids.size(), static_cast<size_t>(kProbes));
}

TEST_F(RawEngineTest, ReportsNxdomain) {
  FakeDnsServer server(answerWith(withRcode(3)));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(rawResultLabel(result), "nxdomain");
  EXPECT_FALSE(result.cd_recheck.attempted);
}

TEST_F(RawEngineTest, DoesNotRecheckRefused) {
  FakeDnsServer server(answerWith(withRcode(5)));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(rawResultLabel(result), "refused");
  EXPECT_FALSE(result.cd_recheck.attempted);
  EXPECT_EQ(server.queryCount(false), 1u);
}

// Returns a FORMERR answer to `query` without an OPT record, as from a server without EDNS.
Bytes formerrWithoutOpt(const Bytes& query) {
  Bytes answer = answerTo(query, withRcode(1));
  if (answer.size() >= 12 + 11 && (answer[10] != 0 || answer[11] != 0)) {
    answer.resize(answer.size() - 11);  // The OPT record, with no options, ends the message.
    answer[10] = answer[11] = 0;        // ARCOUNT
  }
  return answer;
}

bool hasOpt(const Bytes& query) {
  test::PktPtr parsed = test::fromWire(query);
  return parsed && ldns_pkt_edns(parsed.get());
}

// c-ares 1.18 resends a query without its OPT record after a FORMERR that has none, on
// channels with ARES_FLAG_EDNS (which the engine needs for answers over 512 octets). The
// engine flags the exchange so that the EDNS failure is not lost, and reports the answer to
// the resend.
TEST_F(RawEngineTest, FlagsFormerrToEdns) {
  FakeDnsServer server([](const ReceivedQuery& query) {
    if (hasOpt(query.wire)) {
      return std::vector<Bytes>{formerrWithoutOpt(query.wire)};
    }
    return std::vector<Bytes>{answerTo(query.wire, noerror())};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_TRUE(result.udp.edns_formerr);
  EXPECT_EQ(result.udp.status, ExchangeStatus::Answered) << result.udp.error;
  EXPECT_EQ(result.udp.answer.rcode, 0);
  EXPECT_FALSE(result.udp.answer.has_opt);
  std::vector<ReceivedQuery> queries = server.queries();
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_TRUE(hasOpt(queries[0].wire));
  EXPECT_FALSE(hasOpt(queries[1].wire));
}

TEST_F(RawEngineTest, KeepsAdBit) {
  AnswerSpec spec = noerror();
  spec.ad = true;
  FakeDnsServer server(answerWith(spec));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_TRUE(result.udp.answer.ad);
  EXPECT_EQ(validatingFromZoneAnswer(result), true);
}

TEST_F(RawEngineTest, AcceptsQuestionInOtherCase) {
  AnswerSpec spec = noerror();
  spec.qname = "WWW.Example.COM.";
  FakeDnsServer server(answerWith(spec));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Answered) << result.udp.error;
}

// --- silence and refusal ---

TEST_F(RawEngineTest, TimesOutWhenServerIsSilent) {
  FakeDnsServer server(silent());
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Timeout);
  EXPECT_FALSE(result.tcp.attempted);
  EXPECT_FALSE(result.cd_recheck.attempted);
  EXPECT_EQ(rawResultLabel(result), "timeout");
  EXPECT_EQ(server.queryCount(false), 1u);  // One try per channel, so nothing is sent again.
}

TEST_F(RawEngineTest, ReportsUnreachableWhenNothingListens) {
  const uint16_t port = closedUdpPort();
  ASSERT_NE(port, 0);
  RawResult result = probeOnce(port);
  EXPECT_EQ(result.udp.status, ExchangeStatus::Unreachable);
  EXPECT_FALSE(result.udp.error.empty());
  EXPECT_EQ(rawResultLabel(result), "unreachable");
}

// --- hostile answers ---

// c-ares drops datagrams whose question section does not match the query, so pseudo-random
// bytes behind the right ID never reach the engine.
TEST_F(RawEngineTest, TimesOutOnGarbageWithRightId) {
  FakeDnsServer server([](const ReceivedQuery& query) {
    std::mt19937 random(7);
    Bytes garbage(200);
    for (uint8_t& octet : garbage) {
      octet = static_cast<uint8_t>(random());
    }
    garbage[0] = query.wire[0];
    garbage[1] = query.wire[1];
    return std::vector<Bytes>{garbage};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Timeout);
}

TEST_F(RawEngineTest, ReportsMalformedForGarbageRecords) {
  FakeDnsServer server([](const ReceivedQuery& query) {
    return std::vector<Bytes>{garbageAfterQuestion(query.wire, 64)};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Malformed);
  EXPECT_FALSE(result.udp.error.empty());
  EXPECT_EQ(rawResultLabel(result), "malformed");
}

TEST_F(RawEngineTest, ReportsMalformedForCutRecord) {
  FakeDnsServer server([](const ReceivedQuery& query) {
    Bytes answer = answerTo(query.wire, noerror());
    // Header 12, question 17 + 4, then 6 octets into the A record (owner pointer, TYPE,
    // CLASS).
    answer.resize(12 + 17 + 4 + 6);
    return std::vector<Bytes>{answer};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Malformed);
}

// The query sent back unchanged has the right ID and question but QR clear.
TEST_F(RawEngineTest, ReportsMalformedWhenQueryIsEchoed) {
  FakeDnsServer server([](const ReceivedQuery& query) { return std::vector<Bytes>{query.wire}; });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Malformed);
}

// c-ares compares the question sections before it calls back, so the engine's own check of
// the question is not what ends this probe.
TEST_F(RawEngineTest, TimesOutWhenAnswerIsForAnotherQuestion) {
  AnswerSpec spec = noerror();
  spec.qname = "other.example.com.";
  FakeDnsServer server(answerWith(spec));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Timeout);
}

// QDCOUNT 0 differs from the query's 1, so c-ares drops the message.
TEST_F(RawEngineTest, TimesOutWhenAnswerIsHeaderOnly) {
  FakeDnsServer server([](const ReceivedQuery& query) {
    Bytes header{query.wire[0], query.wire[1], 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
    return std::vector<Bytes>{header};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Timeout);
}

TEST_F(RawEngineTest, IgnoresWrongIdBeforeRealAnswer) {
  FakeDnsServer server([](const ReceivedQuery& query) {
    Bytes wrong = answerTo(query.wire, withRcode(kServFail));
    wrong[0] ^= 0xff;
    return std::vector<Bytes>{wrong, answerTo(query.wire, noerror())};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(rawResultLabel(result), "noerror");
}

TEST_F(RawEngineTest, IgnoresOtherQuestionBeforeRealAnswer) {
  AnswerSpec other = withRcode(kServFail);
  other.qname = "other.example.com.";
  FakeDnsServer server([other](const ReceivedQuery& query) {
    return std::vector<Bytes>{answerTo(query.wire, other), answerTo(query.wire, noerror())};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(rawResultLabel(result), "noerror");
}

// A zero-length datagram is not an error on a UDP socket. c-ares 1.18.1 took it for a closed
// connection (CVE-2023-32067); Debian's 1.18.1-3 carries the fix.
TEST_F(RawEngineTest, IgnoresZeroLengthDatagramBeforeRealAnswer) {
  FakeDnsServer server([](const ReceivedQuery& query) {
    return std::vector<Bytes>{Bytes{}, answerTo(query.wire, noerror())};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Answered) << result.udp.error;
}

TEST_F(RawEngineTest, RunsCallbackOnceUnderFlood) {
  constexpr size_t kCopies = 50;
  FakeDnsServer server([](const ReceivedQuery& query) {
    return std::vector<Bytes>(kCopies, answerTo(query.wire, noerror()));
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Answered) << result.udp.error;
  EXPECT_EQ(server.sentCount(), kCopies);
}

// An answer of about 1000 octets fits the 1232-octet EDNS buffer that the query offers, so
// the whole message must reach the engine. c-ares 1.18 cuts UDP answers to 512 octets unless
// the channel has ARES_FLAG_EDNS with ARES_OPT_EDNSPSZ.
TEST_F(RawEngineTest, KeepsUdpAnswerLargerThan512Octets) {
  AnswerSpec spec;
  spec.records = manyARecords(60);
  const Bytes expected_answer = answerTo(dns::buildQuery(kQname, kTypeA, {}), spec);
  ASSERT_GT(expected_answer.size(), 512u);
  ASSERT_LT(expected_answer.size(), 1232u);
  FakeDnsServer server(answerWith(spec));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Answered) << result.udp.error;
  EXPECT_EQ(result.udp.answer.size_bytes, expected_answer.size());
  EXPECT_EQ(result.udp.answer.answer_count, 60u);
}

// A datagram beyond c-ares's 4097-octet receive buffer cannot reach the engine whole (with the
// 512-octet cut above, only its start does), so ldns cannot parse it. The point is that nothing
// crashes and the callback runs once.
TEST_F(RawEngineTest, ReportsMalformedForUdpAnswerBeyond4096Octets) {
  AnswerSpec spec;
  spec.records = manyARecords(370);
  FakeDnsServer server(answerWith(spec));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Malformed);
  EXPECT_FALSE(result.tcp.attempted);
}

// --- truncation and TCP ---

TEST_F(RawEngineTest, RetriesTruncatedAnswerOverTcp) {
  AnswerSpec truncated;
  truncated.tc = true;
  FakeDnsServer server(answerWith(truncated), answerWith(noerror()));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.status, ExchangeStatus::Answered) << result.udp.error;
  EXPECT_TRUE(result.udp.answer.tc);
  EXPECT_TRUE(result.tcp.attempted);
  EXPECT_EQ(result.tcp.status, ExchangeStatus::Answered) << result.tcp.error;
  EXPECT_EQ(result.tcp.answer.answer_count, 1u);
  EXPECT_EQ(&result.final(), &result.tcp);
  EXPECT_EQ(server.queryCount(true), 1u);
}

// A client behind this resolver gets no answer either, so the failed TCP fallback is the
// probe's result, while the truncated UDP answer stays on record.
TEST_F(RawEngineTest, ReportsRefusedTcpFallback) {
  AnswerSpec truncated;
  truncated.tc = true;
  FakeDnsServer server(answerWith(truncated));  // TCP bound but not listening.
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_TRUE(result.tcp.attempted);
  EXPECT_EQ(result.tcp.status, ExchangeStatus::Unreachable) << result.tcp.error;
  EXPECT_EQ(result.udp.status, ExchangeStatus::Answered) << result.udp.error;
  EXPECT_TRUE(result.udp.answer.tc);
  EXPECT_EQ(&result.final(), &result.tcp);
  EXPECT_EQ(rawResultLabel(result), "unreachable");
}

TEST_F(RawEngineTest, TimesOutWhenTcpIsSilent) {
  AnswerSpec truncated;
  truncated.tc = true;
  FakeDnsServer server(answerWith(truncated), silent());
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_TRUE(result.tcp.attempted);
  EXPECT_EQ(result.tcp.status, ExchangeStatus::Timeout);
  EXPECT_EQ(&result.final(), &result.tcp);
  EXPECT_EQ(rawResultLabel(result), "timeout");
}

// c-ares 1.18 ends a query with ARES_ECONNREFUSED, its initial error status, when the server
// closes the connection before it answers, so the engine cannot tell this from a refused
// connection.
// NOTE: this labels a server that accepted the connection as unreachable.
TEST_F(RawEngineTest, ReportsUnreachableWhenTcpClosesBeforeAnswer) {
  AnswerSpec truncated;
  truncated.tc = true;
  FakeDnsServer server(answerWith(truncated),
                       [](const ReceivedQuery&) { return std::vector<Bytes>{Bytes{}}; });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(server.queryCount(true), 1u);
  EXPECT_EQ(result.tcp.status, ExchangeStatus::Unreachable) << result.tcp.error;
  EXPECT_EQ(&result.final(), &result.tcp);
}

TEST_F(RawEngineTest, RejectsTruncatedAnswerOverTcp) {
  AnswerSpec truncated;
  truncated.tc = true;
  FakeDnsServer server(answerWith(truncated), answerWith(truncated));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.tcp.status, ExchangeStatus::Malformed);
  EXPECT_EQ(rawResultLabel(result), "malformed");
}

// --- SERVFAIL and the CD=1 recheck ---

TEST_F(RawEngineTest, BlamesValidationWhenRecheckAnswers) {
  FakeDnsServer server([](const ReceivedQuery& query) {
    const AnswerSpec spec = hasCdBit(query.wire) ? noerror() : withRcode(kServFail);
    return std::vector<Bytes>{answerTo(query.wire, spec)};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.udp.answer.rcode, kServFail);
  EXPECT_TRUE(result.cd_recheck.attempted);
  EXPECT_EQ(result.cd_recheck.status, ExchangeStatus::Answered) << result.cd_recheck.error;
  EXPECT_EQ(servfailCause(result), "validation");
  EXPECT_EQ(observeRaw(result), ZoneHealth::Bogus);
  EXPECT_EQ(rawResultLabel(result), "servfail");
}

TEST_F(RawEngineTest, SendsRecheckWithCdSet) {
  FakeDnsServer server(answerWith(withRcode(kServFail)));
  ASSERT_TRUE(server.start()) << server.error();
  probeOnce(server.port());
  std::vector<ReceivedQuery> queries = server.queries();
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_FALSE(hasCdBit(queries[0].wire));
  EXPECT_TRUE(hasCdBit(queries[1].wire));
}

TEST_F(RawEngineTest, BlamesOtherCauseWhenRecheckServfails) {
  FakeDnsServer server(answerWith(withRcode(kServFail)));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_TRUE(result.cd_recheck.attempted);
  EXPECT_EQ(result.cd_recheck.answer.rcode, kServFail);
  EXPECT_EQ(servfailCause(result), "other");
  EXPECT_EQ(observeRaw(result), ZoneHealth::Failing);
}

TEST_F(RawEngineTest, ReportsUnknownCauseWhenRecheckTimesOut) {
  FakeDnsServer server([](const ReceivedQuery& query) {
    if (hasCdBit(query.wire)) {
      return std::vector<Bytes>{};
    }
    return std::vector<Bytes>{answerTo(query.wire, withRcode(kServFail))};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_EQ(result.cd_recheck.status, ExchangeStatus::Timeout);
  EXPECT_EQ(servfailCause(result), "unknown");
  EXPECT_EQ(rawResultLabel(result), "servfail");
}

// --- probe options ---

TEST_F(RawEngineTest, SendsCdFromStartWhenRequested) {
  FakeDnsServer server(answerWith(withRcode(kServFail)));
  ASSERT_TRUE(server.start()) << server.error();
  RawEngine::ProbeOptions options;
  options.checking_disabled = true;
  RawResult result = probeOnce(server.port(), options);
  EXPECT_FALSE(result.cd_recheck.attempted);
  std::vector<ReceivedQuery> queries = server.queries();
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_TRUE(hasCdBit(queries[0].wire));
}

TEST_F(RawEngineTest, KeepsAnswerBytesWhenRequested) {
  FakeDnsServer server(answerWith(noerror()));
  ASSERT_TRUE(server.start()) << server.error();
  RawEngine::ProbeOptions options;
  options.keep_wire = true;
  RawResult result = probeOnce(server.port(), options);
  EXPECT_EQ(result.udp.wire.size(), result.udp.answer.size_bytes);
  EXPECT_FALSE(result.udp.wire.empty());
}

TEST_F(RawEngineTest, KeepsNoAnswerBytesByDefault) {
  FakeDnsServer server(answerWith(noerror()));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port());
  EXPECT_TRUE(result.udp.wire.empty());
}

// --- local failures ---

TEST_F(RawEngineTest, ReportsNetworkErrorForInvalidQname) {
  FakeDnsServer server(answerWith(noerror()));
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result = probeOnce(server.port(), {}, question("www..example.com."));
  EXPECT_EQ(result.udp.status, ExchangeStatus::NetworkError);
  EXPECT_FALSE(result.udp.error.empty());
  EXPECT_EQ(server.queryCount(false), 0u);
}

TEST_F(RawEngineTest, ReportsNetworkErrorForInvalidResolverAddress) {
  RawEngine engine(base_, settings());
  int calls = 0;
  RawResult result;
  ResolverSpec resolver = resolverAt(53);
  resolver.address = "not-an-address";
  engine.probe(resolver, question(), [&](RawResult done) {
    ++calls;
    result = std::move(done);
  });
  runFor(kSettleTime);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(result.udp.status, ExchangeStatus::NetworkError);
  EXPECT_NE(result.udp.error.find("not-an-address"), std::string::npos) << result.udp.error;
}

// --- many probes and shutdown ---

TEST_F(RawEngineTest, RunsEachCallbackOnceForConcurrentProbes) {
  constexpr int kProbes = 20;
  FakeDnsServer server(answerWith(noerror()));
  ASSERT_TRUE(server.start()) << server.error();
  RawEngine engine(base_, settings());
  std::vector<int> calls(kProbes, 0);
  std::vector<ExchangeStatus> statuses(kProbes, ExchangeStatus::Timeout);
  for (int i = 0; i < kProbes; ++i) {
    engine.probe(resolverAt(server.port()), question(), [&calls, &statuses, i](RawResult done) {
      ++calls[i];
      statuses[i] = done.udp.status;
    });
  }
  EXPECT_EQ(engine.inFlight(), static_cast<size_t>(kProbes));
  EXPECT_TRUE(runUntil([&] { return engine.inFlight() == 0; }));
  runFor(kSettleTime);
  for (int i = 0; i < kProbes; ++i) {
    EXPECT_EQ(calls[i], 1) << "probe " << i;
    EXPECT_EQ(statuses[i], ExchangeStatus::Answered) << "probe " << i;
  }
}

// Pooled channels are pointed at one resolver after another, so each answer must still come
// from the resolver its probe named.
TEST_F(RawEngineTest, KeepsProbesToDifferentResolversApart) {
  constexpr int kProbes = 10;
  FakeDnsServer noerror_server(answerWith(noerror()));
  FakeDnsServer nxdomain_server(answerWith(withRcode(3)));
  ASSERT_TRUE(noerror_server.start()) << noerror_server.error();
  ASSERT_TRUE(nxdomain_server.start()) << nxdomain_server.error();
  RawEngine engine(base_, settings());
  std::vector<std::string> labels(kProbes);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kProbes; ++i) {
      const uint16_t port = i % 2 == 0 ? noerror_server.port() : nxdomain_server.port();
      engine.probe(resolverAt(port), question(),
                   [&labels, i](RawResult done) { labels[i] = std::string(rawResultLabel(done)); });
    }
    EXPECT_TRUE(runUntil([&] { return engine.inFlight() == 0; })) << "round " << round;
    for (int i = 0; i < kProbes; ++i) {
      EXPECT_EQ(labels[i], i % 2 == 0 ? "noerror" : "nxdomain")
          << "round " << round << " probe " << i;
    }
  }
  EXPECT_EQ(noerror_server.queryCount(false), static_cast<size_t>(kProbes));
  EXPECT_EQ(nxdomain_server.queryCount(false), static_cast<size_t>(kProbes));
}

// Queries to one resolver share a c-ares channel. The server answers only the even-numbered
// names, so the other probes must time out without taking an answer meant for another query.
TEST_F(RawEngineTest, KeepsQueriesToOneResolverApart) {
  constexpr int kProbes = 10;
  FakeDnsServer server([](const ReceivedQuery& query) {
    test::PktPtr parsed = test::fromWire(query.wire);
    const std::string qname =
        parsed ? test::questionName(parsed.get()).value_or("") : std::string();
    const int index = qname.size() > 1 ? qname[1] - '0' : 1;
    if (index % 2 != 0) {
      return std::vector<Bytes>{};
    }
    AnswerSpec spec;
    spec.records = {qname + " 300 IN A 192.0.2.1"};
    return std::vector<Bytes>{answerTo(query.wire, spec)};
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawEngine engine(base_, settings());
  std::vector<int> calls(kProbes, 0);
  std::vector<std::string> labels(kProbes);
  for (int i = 0; i < kProbes; ++i) {
    const std::string qname = "q" + std::to_string(i) + ".example.com.";
    engine.probe(resolverAt(server.port()), question(qname), [&calls, &labels, i](RawResult done) {
      ++calls[i];
      labels[i] = std::string(rawResultLabel(done));
    });
  }
  EXPECT_TRUE(runUntil([&] { return engine.inFlight() == 0; }));
  runFor(kSettleTime);
  for (int i = 0; i < kProbes; ++i) {
    EXPECT_EQ(calls[i], 1) << "probe " << i;
    EXPECT_EQ(labels[i], i % 2 == 0 ? "noerror" : "timeout") << "probe " << i;
  }
}

// A resolver behind one address whose backends differ: one rejects EDNS with a FORMERR without
// OPT, another sends a large EDNS answer. c-ares 1.18 clears ARES_FLAG_EDNS on the whole
// channel after that FORMERR, and queries to one resolver share a channel. The other query in
// flight gets its answer cut to 512 octets, is asked again on a fresh channel, and must end
// with its whole answer and without the FORMERR flag.
TEST_F(RawEngineTest, KeepsLargeAnswerAfterOtherQueryFormerr) {
  struct HeldQuery {
    std::mutex mutex;
    Bytes wire;
    bool formerr_answered = false;
  };
  auto held = std::make_shared<HeldQuery>();
  FakeDnsServer server([held](const ReceivedQuery& query) {
    test::PktPtr parsed = test::fromWire(query.wire);
    const std::string qname = parsed ? test::questionName(parsed.get()).value_or("") : "";
    std::lock_guard<std::mutex> lock(held->mutex);
    AnswerSpec large;
    large.records = manyARecords(60, "large.example.com.");
    if (qname != "formerr.example.com.") {
      if (held->formerr_answered) {
        return std::vector<Bytes>{answerTo(query.wire, large)};  // The engine's resend.
      }
      held->wire = query.wire;  // Answered after the FORMERR has been processed.
      return std::vector<Bytes>{};
    }
    if (hasOpt(query.wire)) {
      return std::vector<Bytes>{formerrWithoutOpt(query.wire)};
    }
    // Answers c-ares's resend without OPT, then the held query.
    AnswerSpec resend;
    resend.records = {qname + " 300 IN A 192.0.2.1"};
    std::vector<Bytes> replies{answerTo(query.wire, resend)};
    held->formerr_answered = true;
    if (!held->wire.empty()) {
      replies.push_back(answerTo(held->wire, large));
    }
    return replies;
  });
  ASSERT_TRUE(server.start()) << server.error();
  RawEngine engine(base_, settings());
  RawResult formerr_result;
  RawResult large_result;
  int calls = 0;
  engine.probe(resolverAt(server.port()), question("formerr.example.com."), [&](RawResult done) {
    ++calls;
    formerr_result = std::move(done);
  });
  engine.probe(resolverAt(server.port()), question("large.example.com."), [&](RawResult done) {
    ++calls;
    large_result = std::move(done);
  });
  EXPECT_TRUE(runUntil([&] { return engine.inFlight() == 0; }));
  runFor(kSettleTime);
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(formerr_result.udp.edns_formerr);
  EXPECT_EQ(formerr_result.udp.status, ExchangeStatus::Answered) << formerr_result.udp.error;
  EXPECT_EQ(large_result.udp.status, ExchangeStatus::Answered) << large_result.udp.error;
  EXPECT_EQ(large_result.udp.answer.answer_count, 60u);
  EXPECT_FALSE(large_result.udp.edns_formerr);
}

TEST_F(RawEngineTest, ReusesEngineAfterProbesFinish) {
  FakeDnsServer server(answerWith(noerror()));
  ASSERT_TRUE(server.start()) << server.error();
  RawEngine engine(base_, settings());
  int calls = 0;
  for (int round = 0; round < 3; ++round) {
    engine.probe(resolverAt(server.port()), question(), [&calls](RawResult) { ++calls; });
    EXPECT_TRUE(runUntil([&] { return engine.inFlight() == 0; })) << "round " << round;
  }
  runFor(kSettleTime);
  EXPECT_EQ(calls, 3);
}

TEST_F(RawEngineTest, DestructorSkipsCallbacksInFlight) {
  constexpr size_t kProbes = 5;
  FakeDnsServer server(silent());
  ASSERT_TRUE(server.start()) << server.error();
  int calls = 0;
  {
    RawEngine engine(base_, settings());
    for (size_t i = 0; i < kProbes; ++i) {
      engine.probe(resolverAt(server.port()), question(), [&calls](RawResult) { ++calls; });
    }
    EXPECT_TRUE(runUntil([&] { return server.queryCount(false) == kProbes; }));
    EXPECT_EQ(engine.inFlight(), kProbes);
  }
  runFor(kTimeout + kSettleTime);  // Runs past the probes' deadline.
  EXPECT_EQ(calls, 0);
}

TEST_F(RawEngineTest, DestructorSkipsCallbackDuringTcpRetry) {
  AnswerSpec truncated;
  truncated.tc = true;
  FakeDnsServer server(answerWith(truncated), silent());
  ASSERT_TRUE(server.start()) << server.error();
  int calls = 0;
  {
    RawEngine engine(base_, settings());
    engine.probe(resolverAt(server.port()), question(), [&calls](RawResult) { ++calls; });
    EXPECT_TRUE(runUntil([&] { return server.queryCount(true) == 1; }));
  }
  runFor(kSettleTime);
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace dw

namespace dw {
namespace {

TEST_F(RawEngineTest, ProbesResolverOverIpv6) {
  FakeDnsServer server(answerWith(noerror()));
  server.useIpv6();
  ASSERT_TRUE(server.start()) << server.error();
  RawResult result;
  RawEngine engine(base_, settings());
  engine.probe(resolverAt6(server.port()), question(), [&result](RawResult done) {
    result = std::move(done);
  });
  EXPECT_TRUE(runUntil([&] { return engine.inFlight() == 0; }));
  EXPECT_EQ(rawResultLabel(result), "noerror") << result.udp.error;
  EXPECT_TRUE(result.udp.answer.has_opt);
}

}  // namespace
}  // namespace dw
