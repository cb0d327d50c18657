// Every input kept under fuzz/corpus/<target>/ — seeds and the inputs of past findings —
// replayed through its fuzz target on every test run, so a fixed crash stays fixed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz/targets.h"

namespace eb::fuzz {

// What gtest prints for GetParam() (without it, the struct's bytes); in Target's own
// namespace, where gtest looks for it.
void PrintTo(const Target& t, std::ostream* os) { *os << t.name; }

namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Corpus : public ::testing::TestWithParam<Target> {};

TEST_P(Corpus, EveryInputParsesOrIsRejectedInOneLine) {
  const fs::path dir = fs::path(EB_SOURCE_DIR) / "fuzz" / "corpus" / std::string(GetParam().name);
  ASSERT_TRUE(fs::is_directory(dir)) << dir << " is missing: every target keeps its seed inputs there";
  int inputs = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    SCOPED_TRACE(entry.path().string());
    const auto bytes = read_bytes(entry.path());
    // A contract violation aborts the process, failing this test with the file's name
    // on stderr from the target.
    expect_clean_rejection(GetParam().run, bytes);
    ++inputs;
  }
  EXPECT_GE(inputs, 3) << "seed corpus of " << GetParam().name << " is too small";
}

// Seeds that must be accepted: a target that rejected everything would pass the test above.
TEST(Corpus, ValidSeedsAreAccepted) {
  for (const auto& t : targets()) {
    const fs::path dir = fs::path(EB_SOURCE_DIR) / "fuzz" / "corpus" / std::string(t.name);
    bool any_valid = false;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().filename().string().rfind("valid", 0) != 0) continue;
      const auto bytes = read_bytes(entry.path());
      EXPECT_NO_THROW(t.run(bytes)) << entry.path();
      any_valid = true;
    }
    EXPECT_TRUE(any_valid) << t.name << " has no seed named valid*";
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, Corpus, ::testing::ValuesIn(targets().begin(), targets().end()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace eb::fuzz
