// SPDX-License-Identifier: Apache-2.0
#include "lab_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <curl/curl.h>
#include <gtest/gtest.h>

extern char** environ;

namespace dw::test {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Starts `program` with stdout and stderr sent to files; returns the pid.
pid_t spawnProgram(const std::string& program, const std::vector<std::string>& args,
                   const std::string& out_path, const std::string& err_path) {
  std::vector<std::string> argv_storage{program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = -1;
  int status = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(status, 0) << "posix_spawn " << program << " failed";
  return status == 0 ? pid : -1;
}

pid_t spawnBinary(const std::vector<std::string>& args, const std::string& out_path,
                  const std::string& err_path) {
  return spawnProgram(DW_BINARY, args, out_path, err_path);
}

// Waits for pid at most `limit`; returns its exit code, 128+signal, or -1 on time-out.
int waitFor(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

size_t appendBody(char* data, size_t size, size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

bool labelsMatch(const std::string& line, const std::map<std::string, std::string>& labels) {
  for (const auto& [key, value] : labels) {
    if (line.find(key + "=\"" + value + "\"") == std::string::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

Lab readLab() {
  const char* dir = std::getenv("LAB_DIR");
  Lab lab;
  lab.dir = dir != nullptr ? dir : "/tmp/dnssec-watch-test-lab";
  std::ifstream env(lab.dir + "/lab.env");
  EXPECT_TRUE(env.good()) << lab.dir << "/lab.env is missing; is the lab running?";
  std::string line;
  while (std::getline(env, line)) {
    auto equals = line.find('=');
    if (equals == std::string::npos) {
      continue;
    }
    std::string key = line.substr(0, equals);
    std::string value = line.substr(equals + 1);
    if (key == "LAB_AUTH") lab.auth = value;
    if (key == "LAB_AUTH2") lab.auth2 = value;
    if (key == "LAB_VALIDATING") lab.validating = value;
    if (key == "LAB_NONVALIDATING") lab.nonvalidating = value;
    if (key == "LAB_DEAD") lab.dead = value;
    if (key == "LAB_ROOT_KEY") lab.root_key = value;
  }
  return lab;
}

// LAB_NET comes from the lab's addresses, so that the script also finds a lab that was
// started with a LAB_NET other than the one in this process's environment.
CommandOutput runLabScript(const std::string& arguments) {
  const Lab lab = readLab();
  const std::string command =
      "LAB_DIR=" + shellQuote(lab.dir) +
      " LAB_NET=" + shellQuote(lab.validating.substr(0, lab.validating.rfind('.'))) + " bash " +
      shellQuote(std::string(DW_SOURCE_DIR) + "/tests/lab/lab.sh") + " " + arguments;
  return runCommand(command);
}

std::string labConfig(const Lab& lab, const std::vector<std::string>& resolvers,
                      const std::string& extra) {
  std::ostringstream yaml;
  // A relative state file lies in the config's own temporary directory.
  yaml << "vantage: test\nstate_file: state.yaml\n"
       << "trust_anchor_files: [" << lab.root_key << "]\n"
       << "bogus_canary: {name: www.bogusds.lab, type: A}\n"
       << "zones:\n";
  for (const char* zone : {"good", "unsigned", "nods", "bogusds", "expired"}) {
    yaml << "  - name: " << zone << ".lab\n"
         << "    probes: [{name: www." << zone << ".lab, type: A}, {name: " << zone
         << ".lab, type: DNSKEY}";
    if (std::string(zone) == "good") {
      yaml << ", {name: big.good.lab, type: TXT}";
    }
    yaml << "]\n";
    if (std::string(zone) == "good") {
      // The canaries lab.sh adds from `dnssec-watch canaries`, so that path checks truncate,
      // retry over TCP and search the reply size.
      yaml << "    size_canaries: [dw-size-0496.good.lab, dw-size-0528.good.lab, "
              "dw-size-1216.good.lab, dw-size-1248.good.lab, dw-size-1384.good.lab, "
              "dw-size-1416.good.lab, dw-size-1484.good.lab, dw-size-1516.good.lab, "
              "dw-size-4000.good.lab]\n";
    }
  }
  yaml << "resolvers:\n";
  for (const std::string& resolver : resolvers) {
    std::istringstream fields(resolver);
    std::string name, address;
    fields >> name >> address;
    std::string port = "53";
    if (auto colon = address.find(':'); colon != std::string::npos) {
      port = address.substr(colon + 1);
      address = address.substr(0, colon);
    }
    yaml << "  - {name: " << name << ", address: " << address << ", port: " << port << "}\n";
  }
  yaml << extra;
  return yaml.str();
}

std::string writeTempFile(const std::string& name, const std::string& text) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "dnssec-watch-test-XXXXXX").string();
  std::string dir = mkdtemp(pattern.data());
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

CommandResult runBinary(const std::vector<std::string>& args, std::chrono::seconds limit) {
  const std::string out = writeTempFile("stdout", "");
  const std::string err = out.substr(0, out.rfind('/')) + "/stderr";
  CommandResult result;
  pid_t pid = spawnBinary(args, out, err);
  if (pid < 0) {
    return result;
  }
  result.exit_code = waitFor(pid, limit);
  if (result.exit_code == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    ADD_FAILURE() << "dnssec-watch did not finish within " << limit.count() << " s";
  }
  result.out = readFile(out);
  result.err = readFile(err);
  return result;
}

Daemon::Daemon(const std::vector<std::string>& args) : Daemon(DW_BINARY, args) {}

Daemon::Daemon(const std::string& program, const std::vector<std::string>& args) {
  const std::string out = writeTempFile("stdout", "");
  stderr_path_ = out.substr(0, out.rfind('/')) + "/stderr";
  pid_ = spawnProgram(program, args, out, stderr_path_);
}

Daemon::~Daemon() {
  if (running()) {
    stop();
  }
}

bool Daemon::running() {
  if (pid_ < 0 || exit_code_ != -1) {
    return false;
  }
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

void Daemon::signal(int signal_number) { kill(pid_, signal_number); }

int Daemon::stop(std::chrono::seconds limit) {
  if (!running()) {
    return exit_code_;
  }
  kill(pid_, SIGTERM);
  exit_code_ = waitFor(pid_, limit);
  if (exit_code_ == -1) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    exit_code_ = 128 + SIGKILL;
    return -1;
  }
  return exit_code_;
}

std::string Daemon::stderrText() const { return readFile(stderr_path_); }

int freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

long httpGet(const std::string& url, std::string& body) {
  body.clear();
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &appendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  }
  curl_easy_cleanup(curl);
  return status;
}

double metricValue(const std::string& exposition, const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name + "{", 0) != 0 && line.rfind(name + " ", 0) != 0) {
      continue;
    }
    if (labelsMatch(line, labels)) {
      return std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return std::nan("");
}

std::string waitForMetric(const std::string& url, const std::string& name,
                          const std::map<std::string, std::string>& labels,
                          bool (*ready)(double), std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string body;
  while (std::chrono::steady_clock::now() < deadline) {
    if (httpGet(url, body) == 200 && ready(metricValue(body, name, labels))) {
      return body;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return body;
}

BlackHole::BlackHole(const std::string& address, int port) {
  sockaddr_in socket_address{};
  socket_address.sin_family = AF_INET;
  socket_address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address.c_str(), &socket_address.sin_addr);
  udp_ = socket(AF_INET, SOCK_DGRAM, 0);
  tcp_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(tcp_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  EXPECT_EQ(bind(udp_, reinterpret_cast<sockaddr*>(&socket_address), sizeof(socket_address)), 0)
      << "cannot bind UDP " << address << ":" << port;
  EXPECT_EQ(bind(tcp_, reinterpret_cast<sockaddr*>(&socket_address), sizeof(socket_address)), 0)
      << "cannot bind TCP " << address << ":" << port;
  // A backlog but no accept: connections complete, then nothing is ever read or sent.
  listen(tcp_, 16);
}

BlackHole::~BlackHole() {
  close(udp_);
  close(tcp_);
}

}  // namespace dw::test

namespace dw::test {
namespace {

sockaddr_in socketAddress(const std::string& address, int port) {
  sockaddr_in result{};
  result.sin_family = AF_INET;
  result.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address.c_str(), &result.sin_addr);
  return result;
}

// "qname/qtype" of a query, read from its question section; empty when it is malformed.
std::string questionKey(const uint8_t* data, size_t size) {
  std::string name;
  size_t at = 12;
  while (at < size && data[at] != 0) {
    const size_t length = data[at];
    if (length > 63 || at + 1 + length > size) {
      return "";
    }
    for (size_t i = 0; i < length; ++i) {
      name += static_cast<char>(std::tolower(data[at + 1 + i]));
    }
    name += '.';
    at += 1 + length;
  }
  if (at + 3 > size) {
    return "";
  }
  return (name.empty() ? "." : name) + "/" + std::to_string((data[at + 1] << 8) | data[at + 2]);
}

}  // namespace

CountingRelay::CountingRelay(const std::string& address, const std::string& upstream)
    : upstream_address_(upstream) {
  listen_ = socket(AF_INET, SOCK_DGRAM, 0);
  upstream_ = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in bound = socketAddress(address, 53);
  EXPECT_EQ(bind(listen_, reinterpret_cast<sockaddr*>(&bound), sizeof(bound)), 0)
      << "cannot bind UDP " << address << ":53";
  EXPECT_EQ(pipe(wake_), 0);
  thread_ = std::thread(&CountingRelay::serve, this);
}

CountingRelay::~CountingRelay() {
  const char stop = 's';
  [[maybe_unused]] ssize_t written = write(wake_[1], &stop, 1);
  thread_.join();
  for (int fd : {listen_, upstream_, wake_[0], wake_[1]}) {
    close(fd);
  }
}

int CountingRelay::count(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = counts_.find(key);
  return found == counts_.end() ? 0 : found->second;
}

// Relays one query at a time: the upstream is a lab resolver on loopback that answers fast.
void CountingRelay::serve() {
  std::vector<uint8_t> buffer(65535);
  const sockaddr_in upstream = socketAddress(upstream_address_, 53);
  for (;;) {
    pollfd fds[2] = {{wake_[0], POLLIN, 0}, {listen_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 || fds[0].revents != 0) {
      return;
    }
    sockaddr_in client{};
    socklen_t client_length = sizeof(client);
    ssize_t size = recvfrom(listen_, buffer.data(), buffer.size(), 0,
                            reinterpret_cast<sockaddr*>(&client), &client_length);
    if (size <= 0) {
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++counts_[questionKey(buffer.data(), static_cast<size_t>(size))];
    }
    sendto(upstream_, buffer.data(), static_cast<size_t>(size), 0,
           reinterpret_cast<const sockaddr*>(&upstream), sizeof(upstream));
    pollfd answer{upstream_, POLLIN, 0};
    if (poll(&answer, 1, 2000) <= 0) {
      continue;
    }
    size = recv(upstream_, buffer.data(), buffer.size(), 0);
    if (size > 0) {
      sendto(listen_, buffer.data(), static_cast<size_t>(size), 0,
             reinterpret_cast<sockaddr*>(&client), client_length);
    }
  }
}

}  // namespace dw::test
