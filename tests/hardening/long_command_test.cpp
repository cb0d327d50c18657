// Commands that take long, through the real binary: a reproduce job shows that it is alive
// (the same progress line as `run`), and a make-dataset killed half-way leaves nothing that
// the next make-dataset into the same place does not clean.
#include <gtest/gtest.h>

#include <chrono>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/hardening/child.h"

namespace eb::test {
namespace {

// Polls the child until `done(stderr so far)` holds or the child exits; true if `done` held.
template <class Done>
bool wait_for_stderr(pid_t pid, const fs::path& capture, Done done, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done(read_file(capture / "stderr"))) return true;
    int wstatus = 0;
    if (::waitpid(pid, &wstatus, WNOHANG) == pid) return done(read_file(capture / "stderr"));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void end_child(pid_t pid) {
  ::kill(pid, SIGKILL);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
}

// A default reproduce job times at least 10 queries and a second; on the reference backend
// that is seconds, in which the user used to see nothing but "... m3vit-backbone on
// reference". The plain (not a terminal) progress line must show while the job runs.
TEST(Reproduce, ShowsTheProgressLineOfRun) {
  TempDir tmp;
  const fs::path capture = tmp / "capture";
  const pid_t pid = start_cli({"reproduce", "edge-moe", "--backends", "reference", "--power", "none", "--out", (tmp / "r").string()},
                              capture);
  const bool shown = wait_for_stderr(
      pid, capture, [](const std::string& err) { return err.find("[reference] ") != std::string::npos && err.find(" queries, ") != std::string::npos; },
      std::chrono::seconds(300));
  const std::string err = read_file(capture / "stderr");
  end_child(pid);  // the line is what is tested; the rest of the job is not needed
  EXPECT_TRUE(shown) << "no progress line: " << err;
}

std::vector<fs::path> hidden_temporaries(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(".D.tmp-", 0) == 0) out.push_back(e.path());
  return out;
}

// This process's start time (field 22 of /proc/self/stat), as a build folder's marker holds it.
std::string own_start_time() {
  const std::string stat = read_file("/proc/self/stat");
  std::istringstream rest(stat.substr(stat.rfind(')') + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) rest >> field;
  return field;
}

// SIGKILL half-way through make-dataset leaves its hidden build folder (".D.tmp-XXXXXX"):
// nothing can clean up after SIGKILL. The next make-dataset into D removes it (its maker is
// gone), but leaves alone a folder of that name it did not make (no marker of its own) and
// one whose maker still runs (here: this test process).
TEST(MakeDataset, KilledRunsFolderIsCleanedByTheNext) {
  TempDir tmp;
  const fs::path capture = tmp / "capture", root = tmp / "sets";
  fs::create_directories(root);
  const fs::path foreign = root / ".D.tmp-f0r31g", live = root / ".D.tmp-l1v3ab";
  fs::create_directories(foreign);
  { std::ofstream(foreign / "keep.txt") << "not edgebench's"; }
  fs::create_directories(live);
  { std::ofstream(live / ".edgebench-make-dataset") << ::getpid() << " " << own_start_time() << "\n"; }

  const pid_t pid = start_cli({"make-dataset", "coco", "--out", (root / "D").string(), "--images", "400", "--width", "640",
                               "--height", "480"},
                              capture);
  // Killed once its build folder holds an image: half-way, not before it began.
  bool half_way = false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!half_way && std::chrono::steady_clock::now() < until) {
    for (const auto& t : hidden_temporaries(root)) {
      std::error_code ec;
      if (t == foreign || t == live) continue;
      for (const auto& e : fs::recursive_directory_iterator(t, ec))
        if (e.path().extension() == ".jpg") half_way = true;
    }
    if (!half_way) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  end_child(pid);
  ASSERT_TRUE(half_way) << read_file(capture / "stderr");
  ASSERT_EQ(hidden_temporaries(root).size(), 3u) << "the killed run's folder is not there to clean";

  const auto again = run_cli({"make-dataset", "coco", "--out", (root / "D").string(), "--images", "1"});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_TRUE(fs::exists(root / "D" / "annotations.json"));
  auto left = hidden_temporaries(root);
  std::sort(left.begin(), left.end());
  ASSERT_EQ(left.size(), 2u) << "the killed run's folder was left";
  EXPECT_EQ(left[0], foreign);
  EXPECT_EQ(left[1], live);
  EXPECT_TRUE(fs::exists(foreign / "keep.txt"));
}

}  // namespace
}  // namespace eb::test
