#include "bench/interrupt.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace eb::bench {
namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<bool> g_guard_alive{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the SIGINT flag must be lock-free to be set from a handler");

extern "C" void on_sigint(int) { g_interrupted.store(true, std::memory_order_relaxed); }

}  // namespace

std::atomic<bool>& InterruptGuard::mutable_flag() { return g_interrupted; }
const std::atomic<bool>& InterruptGuard::flag() { return g_interrupted; }

InterruptGuard::InterruptGuard() {
  if (g_guard_alive.exchange(true)) throw std::logic_error("only one InterruptGuard may be alive at a time");
  g_interrupted.store(false);
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND | SA_RESTART;  // a second Ctrl-C takes the default action: the process ends
  if (sigaction(SIGINT, &sa, &previous_) != 0) {
    g_guard_alive.store(false);
    throw std::runtime_error(std::string("cannot install the SIGINT handler: ") + std::strerror(errno));
  }
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &previous_, nullptr);
  g_interrupted.store(false);
  g_guard_alive.store(false);
}

}  // namespace eb::bench
