// A temporary folder tree for fake sysfs (powercap, hwmon) and meter logs; removed when
// the test ends.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "tests/support/temp_dir.h"

namespace eb::bench::testing {

class TempTree {
 public:
  const std::filesystem::path& root() const { return dir_.path(); }
  std::filesystem::path operator/(std::string_view rel) const { return root() / rel; }

  // Writes `content` to root/rel, creating folders on the way.
  std::filesystem::path write(std::string_view rel, std::string_view content) const {
    const auto path = root() / rel;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::trunc) << content;
    return path;
  }
  std::filesystem::path mkdir(std::string_view rel) const {
    const auto path = root() / rel;
    std::filesystem::create_directories(path);
    return path;
  }

 private:
  eb::test::TempDir dir_;  // the suite's one scratch-folder type (tests/support/temp_dir.h)
};

inline bool running_as_root() { return ::geteuid() == 0; }

}  // namespace eb::bench::testing
