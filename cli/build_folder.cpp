#include "cli/build_folder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace eb::cli {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kTmpInfix = ".tmp-";
constexpr std::size_t kUniqueChars = 6;  // mkdtemp's XXXXXX

// Field 22 of /proc/PID/stat: the process's start time in clock ticks since boot. With the
// pid it names one process for the life of the machine (a pid alone is reused).
std::optional<unsigned long long> start_time_of(long pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat;
  if (!std::getline(in, stat)) return std::nullopt;
  const auto close = stat.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(stat.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i)
    if (!(rest >> field)) return std::nullopt;
  try {
    return std::stoull(field);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string marker_text() {
  const long pid = ::getpid();
  return fmt::format("{} {}\n", pid, start_time_of(pid).value_or(0));
}

// Whether `dir` is a build folder of ours whose maker no longer runs.
bool is_stale(const fs::path& dir) {
  std::ifstream in(dir / kBuildFolderMarker);
  long pid = 0;
  unsigned long long start = 0;
  if (!(in >> pid >> start) || pid <= 0 || start == 0) return false;  // not ours, or its maker could not be named
  const auto now = start_time_of(pid);
  return !now || *now != start;
}

bool is_build_folder_name(const std::string& name, const std::string& prefix) {
  return name.size() == prefix.size() + kUniqueChars && name.compare(0, prefix.size(), prefix) == 0;
}

std::string build_prefix(const fs::path& out) { return "." + out.filename().string() + std::string(kTmpInfix); }

fs::path parent_of(const fs::path& out) { return out.has_parent_path() ? out.parent_path() : fs::path("."); }

}  // namespace

int remove_stale_build_folders(const fs::path& out) {
  // Without /proc no maker can be told gone from running: nothing is removed.
  if (!start_time_of(::getpid())) return 0;
  const std::string prefix = build_prefix(out);
  int removed = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent_of(out), ec)) {
    std::error_code kind;
    if (!is_build_folder_name(e.path().filename().string(), prefix) || !e.is_directory(kind) || e.is_symlink(kind)) continue;
    if (!is_stale(e.path())) continue;
    std::error_code gone;
    fs::remove_all(e.path(), gone);
    if (!gone) ++removed;
  }
  return removed;
}

void build_then_rename(const fs::path& out, const std::function<void(const fs::path&)>& write) {
  const fs::path parent = parent_of(out);
  fs::create_directories(parent);
  remove_stale_build_folders(out);
  std::string pattern = (parent / (build_prefix(out) + std::string(kUniqueChars, 'X'))).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error(fmt::format("cannot create a temporary folder in {}: {}", parent.string(), std::strerror(errno)));
  const fs::path tmp = pattern;
  try {
    {
      std::ofstream marker(tmp / kBuildFolderMarker);
      marker << marker_text();
      if (!marker.flush()) throw std::runtime_error(fmt::format("cannot write in {}", tmp.string()));
    }
    write(tmp);
    fs::remove(tmp / kBuildFolderMarker);
    ::chmod(tmp.c_str(), 0755);  // mkdtemp makes it 0700; a data set is meant to be shared
    if (::rename(tmp.c_str(), out.c_str()) != 0)
      throw std::runtime_error(fmt::format("cannot rename {} to {}: {}", tmp.string(), out.string(), std::strerror(errno)));
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace eb::cli
