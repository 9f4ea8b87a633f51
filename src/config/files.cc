// SPDX-License-Identifier: Apache-2.0
#include "config/files.h"
#include "config/values.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace dw::config_internal {

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

std::string resolvePath(const std::string& base_dir, const std::string& path) {
  const std::filesystem::path relative(path);
  if (base_dir.empty() || relative.is_absolute()) {
    return path;
  }
  return (std::filesystem::path(base_dir) / relative).string();
}

std::string readErrorText(int error) {
  if (error == kNotRegularFile) {
    return "not a regular file (a FIFO, device or socket)";
  }
  if (error == kFileTooLarge) {
    return "larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB";
  }
  return std::strerror(error);
}

int readFile(const std::string& path, std::string& contents) {
  // Checked before opening, because opening a FIFO blocks until a writer comes.
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    return errno;
  }
  if (S_ISDIR(info.st_mode)) {
    return EISDIR;
  }
  if (!S_ISREG(info.st_mode)) {
    return kNotRegularFile;
  }
  if (info.st_size > kMaxFileBytes) {
    return kFileTooLarge;
  }
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return errno;
  }
  contents.clear();
  char buffer[1 << 16];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    contents.append(buffer, read);
  }
  if (!std::ferror(file.get())) {
    return 0;
  }
  // A directory opens on Linux, and reading it fails with EISDIR.
  return errno != 0 ? errno : EIO;
}

std::string describeReadError(const Field& field, const std::string& resolved_path, int error) {
  std::string problem = "cannot be read: ";
  problem += readErrorText(error);
  if (resolved_path != field.text) {
    problem += " (resolved to " + quote(resolved_path) + ")";
  }
  return problem;
}

void checkTrustAnchorFile(const Field& field, const std::string& resolved_path) {
  std::string contents;
  const int error = readFile(resolved_path, contents);
  if (error != 0) {
    failValue(field, describeReadError(field, resolved_path, error),
              "check the path and permissions");
  }
  if (contents.empty()) {
    failValue(field, "is an empty file", "point it at a file that contains DS or DNSKEY records");
  }
  if (const std::string problem = trustAnchorProblem(contents); !problem.empty()) {
    failValue(field, "is not a trust anchor file: " + problem,
              "point it at a file of DS or DNSKEY records in zone-file format, such as "
              "/usr/share/dns/root.key");
  }
}

}  // namespace dw::config_internal
