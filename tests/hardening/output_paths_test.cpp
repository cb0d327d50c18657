// Output paths that are not plain files, and earlier results at the output path: what the
// atomic write-then-rename (core/atomic_file.h) and the record writer must not destroy.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/hardening/child.h"

namespace eb::test {
namespace {

using nlohmann::json;

// A folder with one small VALID record of the reference backend.
fs::path make_records(const fs::path& tmp) {
  const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--iterations", "2", "--warmup", "0",
                          "--no-fidelity", "--out", tmp / "rec", "--quiet"});
  EXPECT_EQ(r.status, 0) << r.err;
  return tmp / "rec";
}

// A named pipe is written through, not replaced by a regular file.
TEST(OutputPath, FifoIsWrittenThroughAndStaysAFifo) {
  TempDir tmp;
  const auto rec = make_records(tmp.path());
  const fs::path fifo = tmp / "csv.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  // A reader first, so the writer's open does not block; the CSV fits in the pipe's buffer.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  const auto r = run_cli({"report", rec.string(), "--csv", fifo.string()});
  std::string got(1 << 16, '\0');
  const ssize_t n = ::read(reader, got.data(), got.size());
  ::close(reader);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo))) << "the named pipe was replaced";
  ASSERT_GT(n, 0);
  EXPECT_NE(got.find("reference"), std::string::npos);
}

// A symbolic link stays a link; the file it points at gets the content.
TEST(OutputPath, SymlinkStaysALinkAndItsTargetIsWritten) {
  TempDir tmp;
  const auto rec = make_records(tmp.path());
  fs::create_directories(tmp / "real");
  { std::ofstream(tmp / "real" / "r.csv") << "old"; }
  fs::create_symlink("real/r.csv", tmp / "link.csv");
  fs::create_symlink("real/new.csv", tmp / "dangling.csv");
  for (const char* name : {"link.csv", "dangling.csv"}) {
    const auto r = run_cli({"report", rec.string(), "--csv", (tmp / name).string()});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(fs::is_symlink(tmp / name)) << name << " was replaced by a file";
  }
  EXPECT_NE(read_file(tmp / "real" / "r.csv").find("reference"), std::string::npos);
  EXPECT_NE(read_file(tmp / "real" / "new.csv").find("reference"), std::string::npos);
}

// /dev/null takes the output and is still the device afterwards (only checked where the
// test may write to it; as root the unfixed rename replaced it with a regular file).
TEST(OutputPath, DevNullStaysADevice) {
  TempDir tmp;
  const auto rec = make_records(tmp.path());
  const auto r = run_cli({"report", rec.string(), "--csv", "/dev/null"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

// A Ctrl-C (here: max-duration stopping short, the same INVALID verdict) in a rerun must not
// replace the earlier VALID record: the INVALID one goes beside it, and the exit says so.
TEST(EarlierRecord, InvalidRerunKeepsTheValidRecord) {
  TempDir tmp;
  const auto rec = make_records(tmp.path());
  const fs::path valid = rec / "m3vit-backbone-seg-reference-fp32.json";
  const std::string before = read_file(valid);
  ASSERT_NE(before.find("\"VALID\""), std::string::npos);
  const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--warmup", "0", "--no-fidelity",
                          "--min-duration", "100ms", "--min-queries", "100000", "--max-duration", "100ms", "--out", rec.string()});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(read_file(valid), before) << "the VALID record was replaced";
  const fs::path beside = rec / "m3vit-backbone-seg-reference-fp32.json.invalid";
  ASSERT_TRUE(fs::exists(beside));
  EXPECT_EQ(json::parse(read_file(beside))["validity"]["verdict"], "INVALID");
  EXPECT_NE(r.out.find("wrote " + beside.string()), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("is INVALID: too few queries"), std::string::npos) << r.err;
  // The folder still compares as its VALID result.
  const auto c = run_cli({"compare", rec.string()});
  EXPECT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(c.out.find("INVALID"), std::string::npos) << c.out;
}

// An INVALID record replaces an earlier INVALID one (nothing valid to keep).
TEST(EarlierRecord, InvalidReplacesInvalid) {
  TempDir tmp;
  const std::vector<std::string> args = {"run", "--model", kModel, "--backend", "reference", "--warmup", "0", "--no-fidelity",
                                         "--min-duration", "100ms", "--min-queries", "100000", "--max-duration", "100ms", "--out", (tmp / "rec").string(), "--quiet"};
  EXPECT_EQ(run_cli(args).status, 3);
  EXPECT_EQ(run_cli(args).status, 3);
  EXPECT_TRUE(fs::exists(tmp / "rec" / "m3vit-backbone-seg-reference-fp32.json"));
  EXPECT_FALSE(fs::exists(tmp / "rec" / "m3vit-backbone-seg-reference-fp32.json.invalid"));
}

// Another process busy during the timed phase (here a spinning thread of this test, about
// one core): the record says how many cores others used and warns above the threshold.
TEST(BusyHost, IsMeasuredRecordedAndWarned) {
  TempDir tmp;
  std::atomic<bool> stop{false};
  std::thread spinner([&stop] {
    volatile std::uint64_t x = 0;
    while (!stop.load(std::memory_order_relaxed)) x = x + 1;
  });
  const auto r = run_cli({"run", "--model", kModel, "--backend", "reference", "--iterations", "3", "--warmup", "0",
                          "--no-fidelity", "--out", (tmp / "rec").string()});
  stop = true;
  spinner.join();
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(read_file(tmp / "rec" / "m3vit-backbone-seg-reference-fp32.json"));
  const json& load = j["timing"]["host_load"];
  if (load.is_null()) GTEST_SKIP() << "/proc is not readable here";
  EXPECT_GT(load["other_processes_cores"].get<double>(), 0.5) << load.dump();
  EXPECT_EQ(load["provenance"]["kind"], "measured");
  bool warned = false;
  for (const auto& w : j["validity"]["warnings"]) warned = warned || w.get<std::string>().rfind("busy host:", 0) == 0;
  EXPECT_TRUE(warned) << j["validity"].dump();
  EXPECT_NE(r.err.find("edgebench: warning: busy host:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace eb::test
