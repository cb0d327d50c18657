// A busy host: a measuring edgebench command runs its OpenMP runtime with the passive wait
// policy (cli/openmp_defaults.h: threads that spin at a barrier hold the core that a late
// thread needs when another process is busy), unless the environment names a policy; and
// the cpu backend's record says which policy ran. Timings are not asserted (they cannot be, on a
// shared machine); what the runtime read is: libgomp prints it with OMP_DISPLAY_ENV=verbose
// (its default prints as PASSIVE too, but with GOMP_SPINCOUNT 300000: spin, then sleep).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/hardening/child.h"

namespace eb::test {
namespace {

CliResult run_with_env(const std::vector<std::string>& args, std::vector<std::string> env) {
  ChildLimits limits;
  limits.env = std::move(env);
  return run_cli_limited(args, limits);
}

// `run --help` parses as a run and exits before running anything. libgomp prints its
// settings when it starts: with the default first, then (restarted) passive.
TEST(BusyHost, OpenMpRuntimeRunsPassive) {
  const auto r = run_with_env({"run", "--help"}, {"OMP_DISPLAY_ENV=verbose", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("OMP_WAIT_POLICY = 'PASSIVE'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("GOMP_SPINCOUNT = '0'"), std::string::npos) << r.err;
}

// The user's own setting wins (it is what they asked to measure).
TEST(BusyHost, AWaitPolicyFromTheEnvironmentIsKept) {
  const auto r = run_with_env({"run", "--help"}, {"OMP_DISPLAY_ENV=verbose", "OMP_WAIT_POLICY=active"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("OMP_WAIT_POLICY = 'ACTIVE'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("OMP_WAIT_POLICY = 'PASSIVE'"), std::string::npos) << r.err;
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

TEST(BusyHost, CpuRecordSaysWhichWaitPolicyRan) {
  const auto passive = cpu_record({"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"});
  ASSERT_TRUE(passive.is_object());
  EXPECT_EQ(passive["backend"]["executable_info"]["cpu.threads.wait_policy"], "passive") << passive["backend"].dump();
  const auto active = cpu_record({"OMP_WAIT_POLICY=active"});
  ASSERT_TRUE(active.is_object());
  EXPECT_EQ(active["backend"]["executable_info"]["cpu.threads.wait_policy"], "active") << active["backend"].dump();
}
#endif

}  // namespace
}  // namespace eb::test
