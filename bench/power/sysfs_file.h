// Reading sysfs attributes (powercap, hwmon) cheaply and with honest errors.
//
// A sysfs attribute is regenerated on every read from offset 0, so a sampler keeps the
// file descriptor open and re-reads it with pread(fd, ..., 0): one system call per sample,
// no open/close at 1 kHz.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace eb::bench {

// An open, read-only file descriptor; closed when destroyed. Move-only.
class SysfsFile {
 public:
  SysfsFile() = default;
  SysfsFile(SysfsFile&& other) noexcept;
  SysfsFile& operator=(SysfsFile&& other) noexcept;
  SysfsFile(const SysfsFile&) = delete;
  SysfsFile& operator=(const SysfsFile&) = delete;
  ~SysfsFile();

  // Opens `path` for reading and reads it once, so that a file that opens but cannot be
  // read (powercap's energy_uj answers EACCES at open for non-root on most kernels since
  // the 2020 "Platypus" fix, CVE-2020-8694; some drivers fail at read time) is caught at
  // discovery, not in the sampler. On failure returns nullopt and sets `error` to
  // "cannot read PATH: REASON".
  static std::optional<SysfsFile> open(const std::filesystem::path& path, std::string& error);

  // The attribute as an unsigned integer (sysfs counters and µW/µJ values are decimal).
  // On failure returns nullopt and sets `error`.
  std::optional<std::uint64_t> read_u64(std::string& error) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  SysfsFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::filesystem::path path_;
};

// A whole small text attribute ("name", "power1_label"), without the trailing newline;
// nullopt when it is missing or unreadable.
std::optional<std::string> read_sysfs_text(const std::filesystem::path& path);

// A decimal unsigned attribute read once; nullopt (with `error`) when missing or unreadable.
std::optional<std::uint64_t> read_sysfs_u64(const std::filesystem::path& path, std::string& error);

}  // namespace eb::bench
