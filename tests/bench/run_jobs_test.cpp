// bench/job.h run_jobs: one way to run several jobs (run --backend a,b, --interleave,
// reproduce) — each record handed over as soon as it is complete, a job that throws
// recorded INVALID ("failed") while the others run on, or its exception the caller's when
// the policy does not keep going.
#include <gtest/gtest.h>

#include <stdexcept>

#include "bench/job.h"

namespace eb::bench {
namespace {

// Available, runs nothing: every compile throws.
class FailingBackend final : public Backend {
 public:
  std::string_view name() const override { return "failing"; }
  std::string_view description() const override { return "compile always throws"; }
  Probe probe() const override { return {true, "", "nothing"}; }
  std::string unsupported_reason(const Graph&, const Node&, const CompileOptions&) const override { return {}; }
  std::unique_ptr<Executable> compile(const Graph&, const Weights&, const CompileOptions&) const override {
    throw std::runtime_error("no kernels here");
  }
};

struct Fixture {
  BackendRegistry backends = make_backend_registry();
  WorkloadRegistry workloads = make_workload_registry();
  FailingBackend failing;

  // jobs[i] fails where `fails` has a 1.
  std::vector<PreparedJob> jobs(const std::vector<int>& fails) {
    JobSpec spec;
    spec.model = "mobilenet-v1";
    spec.backend = "reference";
    spec.samples = 1;
    spec.measure.warmup = WarmupSpec::queries(0);
    spec.measure.stop = StopRule::fixed(1);
    spec.accuracy.fidelity = false;
    std::vector<PreparedJob> out;
    for (int f : fails) {
      out.push_back(prepare_job(spec, backends, workloads));
      if (f) out.back().backend = &failing;
    }
    return out;
  }
};

struct Seen {
  std::vector<std::size_t> started, recorded, failed;
  JobHooks hooks() {
    JobHooks h;
    h.on_start = [this](std::size_t i) { started.push_back(i); };
    h.on_record = [this](std::size_t i, const ResultRecord&) { recorded.push_back(i); };
    h.on_failure = [this](std::size_t i, std::string_view error) {
      EXPECT_NE(error.find("no kernels here"), std::string_view::npos);
      failed.push_back(i);
    };
    return h;
  }
};

using Ids = std::vector<std::size_t>;

TEST(RunJobs, SequentialKeepsGoingAfterAFailureAndHandsOverEveryRecord) {
  Fixture f;
  auto jobs = f.jobs({0, 1, 0});
  Seen seen;
  const auto records = run_jobs(jobs, RunPolicy{}, seen.hooks());
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(seen.started, (Ids{0, 1, 2}));
  EXPECT_EQ(seen.recorded, (Ids{0, 1, 2}));
  EXPECT_EQ(seen.failed, (Ids{1}));
  EXPECT_TRUE(records[0].validity.valid);
  EXPECT_FALSE(records[1].validity.valid);
  EXPECT_NE(records[1].validity.error.find("no kernels here"), std::string::npos);
  EXPECT_TRUE(records[2].validity.valid);
}

TEST(RunJobs, WithoutKeepGoingAFailureIsTheCallers) {
  Fixture f;
  auto jobs = f.jobs({1, 0});
  Seen seen;
  RunPolicy policy;
  policy.keep_going = false;
  EXPECT_THROW(run_jobs(jobs, policy, seen.hooks()), std::runtime_error);
  EXPECT_TRUE(seen.recorded.empty());
  EXPECT_TRUE(seen.failed.empty());
}

TEST(RunJobs, AnInterruptSkipsTheJobsNotYetRun) {
  Fixture f;
  auto jobs = f.jobs({0, 0});
  std::atomic<bool> interrupt{true};
  Seen seen;
  JobHooks hooks = seen.hooks();
  hooks.run.interrupt = &interrupt;
  EXPECT_TRUE(run_jobs(jobs, RunPolicy{}, hooks).empty());
  EXPECT_TRUE(seen.started.empty());
}

TEST(RunJobs, InterleavedRecordsAFailureAndRunsTheOthers) {
  Fixture f;
  auto jobs = f.jobs({1, 0});
  Seen seen;
  RunPolicy policy;
  policy.order = RunPolicy::Order::interleaved;
  const auto records = run_jobs(jobs, policy, seen.hooks());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(seen.recorded, (Ids{0, 1}));
  EXPECT_EQ(seen.failed, (Ids{0}));
  EXPECT_FALSE(records[0].validity.valid);
  EXPECT_TRUE(records[1].validity.valid) << (records[1].validity.reasons.empty() ? "" : records[1].validity.reasons[0]);
  EXPECT_EQ(records[1].scenario.timed_queries, 1);
}

}  // namespace
}  // namespace eb::bench
