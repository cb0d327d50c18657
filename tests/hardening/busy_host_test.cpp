// A busy host: a measuring edgebench command samples the host for 150 ms at start and, when
// other processes keep more than half a core busy, runs its OpenMP runtime with the passive
// wait policy (cli/openmp_defaults.h: threads that spin at a barrier hold the core that a
// late thread needs); on a quiet host it keeps the runtime's default; a policy the
// environment names is kept either way; the cpu backend's record says which policy ran and
// why. Timings are not asserted (they cannot be, on a shared machine); what the runtime
// read is: libgomp prints it with OMP_DISPLAY_ENV=verbose (its default prints as PASSIVE
// too, but with GOMP_SPINCOUNT 300000: spin, then sleep). A quiet host cannot be promised
// here (ctest runs tests side by side), so the busy case is made with spinning processes.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/hardening/child.h"

namespace eb::test {
namespace {

// Processes that keep every core of this host busy while in scope.
class Spinners {
 public:
  Spinners() {
    const long cores = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
    for (long i = 0; i < cores; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        for (;;) __asm__ volatile("" ::: "memory");  // spin until killed
      }
      if (pid > 0) pids_.push_back(pid);
    }
  }
  ~Spinners() {
    for (pid_t pid : pids_) ::kill(pid, SIGKILL);
    for (pid_t pid : pids_) ::waitpid(pid, nullptr, 0);
  }
  Spinners(const Spinners&) = delete;
  Spinners& operator=(const Spinners&) = delete;

 private:
  std::vector<pid_t> pids_;
};

CliResult run_with_env(const std::vector<std::string>& args, std::vector<std::string> env) {
  ChildLimits limits;
  limits.env = std::move(env);
  return run_cli_limited(args, limits);
}

// `run --help` parses as a run and exits before running anything. libgomp prints its
// settings when it starts: with the default first, then (restarted) passive.
TEST(BusyHost, OnABusyHostTheOpenMpRuntimeRunsPassive) {
  const Spinners busy;
  const auto r = run_with_env({"run", "--help"}, {"OMP_DISPLAY_ENV=verbose", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("OMP_WAIT_POLICY = 'PASSIVE'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("GOMP_SPINCOUNT = '0'"), std::string::npos) << r.err;
}

// The user's own setting wins (it is what they asked to measure), busy host or not.
TEST(BusyHost, AWaitPolicyFromTheEnvironmentIsKept) {
  const Spinners busy;
  const auto r = run_with_env({"run", "--help"}, {"OMP_DISPLAY_ENV=verbose", "OMP_WAIT_POLICY=active"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("OMP_WAIT_POLICY = 'ACTIVE'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("OMP_WAIT_POLICY = 'PASSIVE'"), std::string::npos) << r.err;
}

// Commands that do not measure start once, under the runtime's default.
TEST(BusyHost, CommandsThatDoNotMeasureKeepTheDefault) {
  const Spinners busy;
  const auto r = run_with_env({"list"}, {"OMP_DISPLAY_ENV=verbose", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("GOMP_SPINCOUNT = '0'"), std::string::npos) << r.err;
}

#ifdef EB_HAVE_CPU
nlohmann::json cpu_record(const std::vector<std::string>& env) {
  TempDir tmp;
  const auto r = run_with_env({"run", "--model", "m3vit-backbone", "--backend", "cpu", "--iterations", "1", "--warmup", "0",
                               "--no-fidelity", "--out", (tmp / "out").string(), "--json"},
                              env);
  EXPECT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_array() && !j.empty() ? j[0] : j;
}

TEST(BusyHost, CpuRecordSaysWhichWaitPolicyRanAndWhy) {
  const Spinners busy;
  const auto passive = cpu_record({"OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "EDGEBENCH_OPENMP_CHOICE"});
  ASSERT_TRUE(passive.is_object());
  const std::string policy = passive["backend"]["executable_info"].value("cpu.threads.wait_policy", "");
  EXPECT_EQ(policy.rfind("passive (chosen by edgebench: host busy at start, other processes ", 0), 0u) << policy;
  const auto active = cpu_record({"OMP_WAIT_POLICY=active", "EDGEBENCH_OPENMP_CHOICE"});
  ASSERT_TRUE(active.is_object());
  EXPECT_EQ(active["backend"]["executable_info"]["cpu.threads.wait_policy"], "active") << active["backend"].dump();
}
#endif

}  // namespace
}  // namespace eb::test
