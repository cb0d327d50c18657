#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace eb {
namespace {

constexpr std::string_view kTempMarker = ".tmp-";
constexpr std::string_view kTempUnique = "XXXXXX";  // mkostemp's pattern

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, int err) {
  throw std::runtime_error("cannot write " + path.string() + ": " + what + ": " + std::strerror(err));
}

// Writes all of `bytes` to `fd`, retrying short writes and interrupted calls; a failure is
// reported against `path`, the file the user named.
void write_all_to(int fd, const std::filesystem::path& path, std::span<const std::byte> bytes) {
  const std::byte* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "write failed", errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

// The temporary file: closed and removed on destruction unless committed.
class TempFile {
 public:
  explicit TempFile(const std::filesystem::path& target) : target_(target) {
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
    // Hidden, and named after the target so a leftover (after a power cut) is recognisable.
    std::string name = ".";
    name += target.filename().string();
    name += kTempMarker;
    name += kTempUnique;
    const std::string pattern = (dir / name).string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd_ < 0) fail(target_, "cannot create a temporary file in " + dir.string(), errno);
    path_.assign(buf.data());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }

  void write_all(std::span<const std::byte> bytes) { write_all_to(fd_, target_, bytes); }

  void commit() {
    // mkostemp creates 0600; results and weights are meant to be shared.
    if (::fchmod(fd_, 0644) != 0) fail(target_, "chmod failed", errno);
    if (::fsync(fd_) != 0) fail(target_, "fsync failed", errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail(target_, "close failed", errno);
    if (::rename(path_.c_str(), target_.c_str()) != 0) fail(target_, "rename failed", errno);
    committed_ = true;
  }

 private:
  std::filesystem::path target_;
  std::string path_;
  int fd_ = -1;
  bool committed_ = false;
};

// Makes the rename itself durable. Best effort: some file systems refuse to sync folders,
// and by now the new file is complete either way.
void sync_folder(const std::filesystem::path& target) {
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// Where a write to `path` lands: `path` itself unless it is a symbolic link, then the file
// the chain of links ends at (which may not exist yet). Replacing the link with a file
// would silently cut what the user linked.
std::filesystem::path final_target(const std::filesystem::path& path) {
  std::filesystem::path p = path;
  for (int hops = 0;; ++hops) {
    std::error_code ec;
    if (!std::filesystem::is_symlink(p, ec)) return p;
    if (hops == 40) throw std::runtime_error("cannot write " + path.string() + ": too many levels of symbolic links");
    const std::filesystem::path next = std::filesystem::read_symlink(p, ec);
    if (ec) fail(path, "cannot read the symbolic link", ec.value());
    p = next.is_absolute() ? next : p.parent_path() / next;
  }
}

// A character device or FIFO (/dev/null, /dev/stdout through a pipe, a named pipe) is
// written through in place: renaming a file over it would replace the device node.
void write_through(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open", errno);
  try {
    write_all_to(fd, path, bytes);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) fail(path, "close failed", errno);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes) {
  if (path.empty() || !path.has_filename()) throw std::runtime_error("cannot write '" + path.string() + "': not a file name");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {  // follows links: what a write would reach
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return write_through(path, bytes);
    if (S_ISDIR(st.st_mode)) throw std::runtime_error("cannot write " + path.string() + ": it is a directory");
    if (!S_ISREG(st.st_mode))
      throw std::runtime_error("cannot write " + path.string() + ": it exists and is not a regular file");
  }
  const std::filesystem::path target = final_target(path);
  TempFile tmp(target);
  tmp.write_all(bytes);
  tmp.commit();
  sync_folder(target);
}

bool is_atomic_write_temporary(const std::filesystem::path& file, std::string_view target_suffix) {
  const std::string name = file.filename().string();
  const std::size_t tail = kTempMarker.size() + kTempUnique.size();
  if (name.size() <= tail || name.front() != '.') return false;
  const std::string_view head = std::string_view(name).substr(0, name.size() - tail);
  return std::string_view(name).substr(name.size() - tail, kTempMarker.size()) == kTempMarker && head.ends_with(target_suffix);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text) {
  write_file_atomically(path, std::as_bytes(std::span<const char>(text.data(), text.size())));
}

}  // namespace eb
