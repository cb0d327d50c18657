// Reading what else the host ran: /proc/stat and /proc/self/stat parsed from text, and
// the difference of two readings as average cores.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/host_load.h"

namespace eb::bench {
namespace {

TEST(HostLoad, ParsesProcStatAndSelfStat) {
  // user nice system idle iowait irq softirq steal guest guest_nice, in ticks of 1/100 s
  const std::string stat = "cpu  100 10 50 900 5 3 2 7 0 0\ncpu0 50 5 25 450 2 1 1 3 0 0\n";
  // A command name with a space and a parenthesis must not shift the fields.
  const std::string self = "4242 (eb (x) y) R 1 4242 4242 0 -1 4194304 100 0 0 0 40 20 6 4 20 0 3 0 12345 0 0";
  const auto t = parse_cpu_times(stat, self, 100);
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(t->busy_s, (100 + 10 + 50 + 3 + 2) / 100.0);
  EXPECT_DOUBLE_EQ(t->steal_s, 0.07);
  EXPECT_DOUBLE_EQ(t->self_s, (40 + 20 + 6 + 4) / 100.0);  // with the children it has waited for
  const auto p = parse_process_stat(self, 100);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ppid, 1);
  EXPECT_DOUBLE_EQ(p->cpu_s, 0.6);
  EXPECT_DOUBLE_EQ(p->waited_children_s, 0.1);
  EXPECT_FALSE(parse_cpu_times("intr 1 2 3", self, 100));
  EXPECT_FALSE(parse_cpu_times(stat, "4242 (eb) R 1", 100));
}

TEST(HostLoad, DifferenceIsAverageCores) {
  const CpuTimes a{10.0, 1.0, 2.0, 0};
  const CpuTimes b{14.0, 1.5, 3.0, 2'000'000'000};  // 2 s: 4 CPU-s busy, 1 of them ours
  const auto l = host_load_between(a, b);
  ASSERT_TRUE(l);
  EXPECT_DOUBLE_EQ(l->seconds, 2.0);
  EXPECT_DOUBLE_EQ(l->own_cores, 0.5);
  EXPECT_DOUBLE_EQ(l->other_cores, 1.5);
  EXPECT_DOUBLE_EQ(l->steal_cores, 0.25);
  EXPECT_FALSE(host_load_between(b, a));
}

// Other processes and steal together, above half a core: the busy-host warning and the
// measuring commands' passive OpenMP threads (cli/openmp_defaults.h).
TEST(HostLoad, BusyIsOtherProcessesAndStealAboveHalfACore) {
  EXPECT_FALSE(is_busy(HostLoad{.seconds = 1, .other_cores = 0.3, .steal_cores = 0.2, .own_cores = 2}));
  EXPECT_TRUE(is_busy(HostLoad{.seconds = 1, .other_cores = 0.3, .steal_cores = 0.21, .own_cores = 0}));
  EXPECT_TRUE(is_busy(HostLoad{.seconds = 1, .other_cores = 1.0, .steal_cores = 0, .own_cores = 0}));
}

// A child that computes while the benchmark runs (the onnxruntime peer) is this process's
// load, not another process's.
TEST(HostLoad, ALiveChildCountsAsThisProcess) {
  const auto before = read_cpu_times();
  if (!before) GTEST_SKIP() << "/proc is not readable here";
  // The child says when it has used 300 ms of CPU, however long a loaded host takes to
  // give it that, so the check is on CPU seconds, not on a share of wall time.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    timespec cpu{};
    do {
      for (int i = 0; i < 100000; ++i) __asm__ volatile("" ::: "memory");
      ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    } while (cpu.tv_sec * 1000 + cpu.tv_nsec / 1'000'000 < 300);
    const char byte = 1;
    (void)!::write(ready[1], &byte, 1);
    for (;;) __asm__ volatile("" ::: "memory");  // spin until killed
  }
  ::close(ready[1]);
  char byte = 0;
  const ssize_t got = ::read(ready[0], &byte, 1);
  const auto after = read_cpu_times();
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ASSERT_EQ(got, 1);
  ASSERT_TRUE(after);
  const auto l = host_load_between(*before, *after);
  ASSERT_TRUE(l);
  // The parent only slept on the pipe: 0.25 CPU-s or more of "own" time is the child's.
  EXPECT_GE(l->own_cores * l->seconds, 0.25) << "the child's 300 ms of CPU counted as other load";
}

TEST(HostLoad, ReadsThisHost) {
  const auto t = read_cpu_times();
  if (!t) GTEST_SKIP() << "/proc is not readable here";
  EXPECT_GT(t->busy_s, 0);
  EXPECT_GE(t->self_s, 0);
}

}  // namespace
}  // namespace eb::bench
