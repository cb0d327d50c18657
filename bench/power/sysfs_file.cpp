#include "bench/power/sysfs_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <utility>

namespace eb::bench {
namespace {

std::string cannot_read(const std::filesystem::path& path, int err) {
  return "cannot read " + path.string() + ": " + std::strerror(err);
}

}  // namespace

SysfsFile::SysfsFile(SysfsFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

SysfsFile& SysfsFile::operator=(SysfsFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

SysfsFile::~SysfsFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<SysfsFile> SysfsFile::open(const std::filesystem::path& path, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = cannot_read(path, errno);
    return std::nullopt;
  }
  SysfsFile file(fd, path);
  if (!file.read_u64(error)) return std::nullopt;
  return file;
}

std::optional<std::uint64_t> SysfsFile::read_u64(std::string& error) const {
  char buf[32];
  const ssize_t n = ::pread(fd_, buf, sizeof buf, 0);
  if (n < 0) {
    error = cannot_read(path_, errno);
    return std::nullopt;
  }
  const char* end = buf + n;
  while (end > buf && (end[-1] == '\n' || end[-1] == ' ')) --end;
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(buf, end, value);
  if (ec != std::errc() || ptr != end || end == buf) {
    error = path_.string() + ": not a decimal counter: '" + std::string(buf, static_cast<std::size_t>(end - buf)) + "'";
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> read_sysfs_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

std::optional<std::uint64_t> read_sysfs_u64(const std::filesystem::path& path, std::string& error) {
  auto file = SysfsFile::open(path, error);
  if (!file) return std::nullopt;
  return file->read_u64(error);
}

}  // namespace eb::bench
