#include "bench/progress.h"

#include <fmt/format.h>

namespace eb::bench {

std::string format_duration_ns(double ns) {
  if (ns < 1e3) return fmt::format("{:.0f} ns", ns);
  if (ns < 1e6) return fmt::format("{:.1f} us", ns / 1e3);
  if (ns < 1e9) return fmt::format("{:.2f} ms", ns / 1e6);
  return fmt::format("{:.3f} s", ns / 1e9);
}

ProgressLine::ProgressLine(std::FILE* out, bool terminal, std::chrono::nanoseconds plain_interval)
    : out_(out), terminal_(terminal), plain_interval_(plain_interval) {}

std::string ProgressLine::format(std::string_view backend, const ProgressSnapshot& s) {
  return fmt::format("[{}] {} quer{}, {:.1f} s, p50 {}", backend, s.queries, s.queries == 1 ? "y" : "ies",
                     std::chrono::duration<double>(s.elapsed).count(), format_duration_ns(s.p50_ns));
}

void ProgressLine::update(std::string_view backend, const ProgressSnapshot& s) {
  if (!out_ || s.elapsed <= std::chrono::seconds(1)) return;
  if (terminal_) {
    fmt::print(out_, "\r{}\x1b[K", format(backend, s));
    open_ = true;
  } else {
    if (last_plain_.count() >= 0 && s.elapsed - last_plain_ < plain_interval_ && s.elapsed > last_plain_) return;
    last_plain_ = s.elapsed;
    fmt::print(out_, "{}\n", format(backend, s));
    ++lines_;
  }
  std::fflush(out_);
}

void ProgressLine::finish() {
  if (open_ && out_) {
    fmt::print(out_, "\n");
    std::fflush(out_);
    ++lines_;
  }
  open_ = false;
  last_plain_ = std::chrono::nanoseconds{-1};
}

}  // namespace eb::bench
