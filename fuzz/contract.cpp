#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "fuzz/targets.h"

namespace eb::fuzz {
namespace {

[[noreturn]] void finding(std::string_view what) {
  std::fprintf(stderr, "fuzz finding: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace

void expect_clean_rejection(void (*body)(Bytes), Bytes input) {
  try {
    body(input);
  } catch (const std::exception& e) {
    const std::string_view message = e.what();
    if (message.empty()) finding("an exception with an empty message");
    if (message.find('\n') != std::string_view::npos) finding("a multi-line message: " + std::string(message));
  } catch (...) {
    finding("an exception that is not a std::exception");
  }
}

}  // namespace eb::fuzz
