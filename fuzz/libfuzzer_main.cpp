// One libFuzzer executable per target: EB_FUZZ_TARGET names it (fuzz/CMakeLists.txt).
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/targets.h"

namespace {

eb::fuzz::TargetFn selected() {
  for (const auto& t : eb::fuzz::targets())
    if (t.name == EB_FUZZ_TARGET) return t.run;
  std::fprintf(stderr, "no fuzz target named %s\n", EB_FUZZ_TARGET);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const eb::fuzz::TargetFn run = selected();
  eb::fuzz::expect_clean_rejection(run, {data, size});
  return 0;
}
