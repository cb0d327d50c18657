// A scratch folder for one test, removed with everything in it when the test ends.
//
// The one TempDir of the test suite: every folder's tests include this header rather than
// defining their own, because two different classes named eb::test::TempDir in one test
// program (a folder's own and the one tests/cli/cli_runner.h brings) break the
// one-definition rule.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <string>

namespace eb::test {

class TempDir {
 public:
  TempDir() {
    // pid + a per-process counter keep parallel test processes and tests apart; the
    // random part keeps a folder left by a crashed earlier run (same pid) out of the way.
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("eb-test-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(counter.fetch_add(1)) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace eb::test
