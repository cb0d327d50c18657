// Ctrl-C during a run: the first SIGINT asks the harness to stop after the query in
// flight, so that what was measured can still be written (marked INVALID: interrupted);
// a second SIGINT ends the process at once (the handler is one-shot, SA_RESETHAND).
//
// A signal handler can only reach process-wide state, so the flag is the one piece of
// static state in the harness: a lock-free std::atomic<bool> (async-signal-safe to store),
// owned by the single InterruptGuard alive at a time, and reset when the guard ends.
//
//   InterruptGuard guard;                       // installs the handler
//   while (!guard.requested()) run_one_query();
//   // guard's destructor restores the previous SIGINT disposition
#pragma once

#include <atomic>
#include <csignal>

namespace eb::bench {

class InterruptGuard {
 public:
  // Installs the SIGINT handler. Throws std::logic_error if another guard is alive and
  // std::runtime_error if sigaction fails.
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  bool requested() const { return flag().load(std::memory_order_relaxed); }
  // The flag the runner polls between queries (valid while the guard lives).
  static const std::atomic<bool>& flag();
  // As if Ctrl-C had been pressed (tests; also a clean way for code to stop the run).
  void request() { mutable_flag().store(true, std::memory_order_relaxed); }

 private:
  static std::atomic<bool>& mutable_flag();
  struct sigaction previous_ {};
};

}  // namespace eb::bench
