// The fixed records of tests/reports/data (written by data/make_fixtures.py) and the golden
// files of tests/reports/golden. EB_UPDATE_GOLDEN=1 rewrites a golden file instead of
// comparing with it (review the diff before committing it).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "reports/record.h"

namespace eb::reports::testing {

inline std::filesystem::path data_dir() { return std::filesystem::path(EB_SOURCE_DIR) / "tests/reports/data"; }
inline std::filesystem::path records_dir() { return data_dir() / "records"; }

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every fixture record, in name order, with paths made relative (so outputs do not depend on
// where the tree is checked out).
inline std::vector<RecordView> fixture_records() {
  auto records = load_records({records_dir()});
  for (auto& r : records) r.file = r.file.filename();
  return records;
}

inline void expect_golden(const std::string& name, const std::string& actual) {
  const auto path = std::filesystem::path(EB_SOURCE_DIR) / "tests/reports/golden" / name;
  if (const char* update = std::getenv("EB_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << path;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing (EB_UPDATE_GOLDEN=1 writes it)";
  EXPECT_EQ(read_text(path), actual) << "differs from " << path;
}

}  // namespace eb::reports::testing
