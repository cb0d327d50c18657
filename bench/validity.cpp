#include "bench/validity.h"

#include <chrono>

#include <fmt/format.h>

#include "bench/power/energy_record.h"

namespace eb::bench {

Validity judge_validity(const Timings& timings, const MeasureSettings& settings, const std::vector<OutputSummary>& outputs,
                        const PartitionPlan& plan) {
  Validity v;
  const std::size_t n = timings.samples_ns.size();
  const StopRule& rule = settings.stop;

  if (timings.interrupted) v.fail(kInterruptedReason);
  if (n == 0) {
    v.fail("too few queries: no timed query completed");
  } else if (timings.stop == StopRule::Verdict::max_queries || timings.stop == StopRule::Verdict::max_duration) {
    v.fail(fmt::format("too few queries: stopped by {} after {} queries in {:.3f} s, before min-queries {} and "
                       "min-duration {:g} s were both met",
                       timings.stop == StopRule::Verdict::max_queries ? "max-queries" : "max-duration", n,
                       to_seconds(std::chrono::nanoseconds{timings.phase_ns}), rule.min_queries,
                       to_seconds(rule.min_duration)));
  }
  if (settings.iterations_shorthand && !timings.interrupted && n > 0 && static_cast<std::int64_t>(n) != rule.min_queries)
    v.fail(fmt::format("{} latency samples for {} iterations", n, rule.min_queries));
  std::size_t non_positive = 0;
  for (auto s : timings.samples_ns) non_positive += s <= 0 ? 1 : 0;
  if (non_positive > 0) v.fail(fmt::format("{} latency samples are not positive (clock did not advance)", non_positive));

  for (const auto& o : outputs) {
    const std::int64_t count = numel(o.shape);
    if (o.nonfinite > 0) v.fail(fmt::format("output '{}' has {} non-finite values of {}", o.name, o.nonfinite, count));
    if (count > 0 && o.zeros == count) v.fail(fmt::format("output '{}' is all zeros", o.name));
  }
  // Bitwise run-to-run differences are reported, not judged: a GPU reduction with atomics
  // may legitimately differ in the last bit, and the latency is still meaningful.
  if (!timings.last_outputs.empty()) {
    if (timings.last_outputs.size() != timings.outputs.size()) {
      v.fail("the last timed query on sample 0 returned a different number of outputs than the first inference");
    } else {
      for (std::size_t i = 0; i < timings.outputs.size(); ++i)
        if (!(timings.outputs[i] == timings.last_outputs[i])) {
          const std::string name = i < outputs.size() ? outputs[i].name : std::to_string(i);
          v.notes.push_back(
              fmt::format("output '{}' of the last timed query on sample 0 differs bitwise from the first inference", name));
        }
    }
  }

  // Most of the work on the host: the record would time the fallback, not the backend (a
  // modeled device time would leave most of the run out or be mostly the host's).
  if (plan.backend != "reference" && plan.total_macs > 0 && 2 * plan.delegated_macs < plan.total_macs) {
    const std::string why = fmt::format("most of the work ran on the host, not on {}: {}", plan.backend, plan.summary());
    if (settings.whole_system && !timings.device_host_ns.empty())
      v.notes.push_back(why + " (a whole-system figure, as asked: the host's measured part is recorded apart from the device's)");
    else
      v.fail(why);
  }
  if (plan.delegated_nodes < plan.total_nodes)
    v.notes.push_back(fmt::format("{} of {} nodes fell back to the reference backend", plan.total_nodes - plan.delegated_nodes,
                                  plan.total_nodes));
  // Nearest rank: p99 is rank ceil(0.99 n), the maximum exactly when n < 100 (at n = 100
  // it is rank 99); likewise p99.9 for n < 1000.
  if (n > 0 && n < 100)
    v.notes.push_back(fmt::format("with {} samples, p99 and p99.9 are the maximum (nearest rank)", n));
  else if (n >= 100 && n < 1000)
    v.notes.push_back(fmt::format("with {} samples, p99.9 is the maximum (nearest rank)", n));
  if (const auto& l = timings.host_load; l && is_busy(*l))
    v.warnings.push_back(fmt::format("busy host: other processes used {:.2f} cores and steal took {:.2f} on average during "
                                     "the timed phase, above {} (latency may be inflated; run on a quiet host)",
                                     l->other_cores, l->steal_cores, kBusyHostCores));
  if (n > 0) {
    const LatencyStats s = compute_latency_stats(std::span<const std::int64_t>(timings.samples_ns));
    if (!s.p90_upper_99_ns)
      v.notes.push_back(fmt::format("{} samples are too few for an early-stopping p90 bound at 99% confidence (needs 44)", n));
    if (s.cv > kCvWarningThreshold)
      v.warnings.push_back(fmt::format("latency varies: coefficient of variation {:.1f}% is above {:.0f}% (noisy host? "
                                       "frequency scaling? background load?)",
                                       100 * s.cv, 100 * kCvWarningThreshold));
  }
  return v;
}

void judge_energy(Validity& v, const EnergyRecord& energy) {
  const double window_s = energy.window.seconds();
  for (const SourceEnergy& s : energy.sources) {
    if (!s.in_total || !s.update_period) continue;
    const double period_s = std::chrono::duration<double>(*s.update_period).count();
    if (window_s < kMinUpdatesPerWindow * period_s)
      v.fail(fmt::format("power window too short: {:.3f} s is under {} update periods of {} ({:.3f} ms{}); run longer "
                         "(--min-duration)",
                         window_s, kMinUpdatesPerWindow, s.name, period_s * 1e3,
                         s.update_period_estimated ? ", estimated" : ""));
  }
  for (const auto& w : energy.warnings) v.notes.push_back("energy: " + w);
}

nlohmann::json to_json(const Validity& v) {
  return {{"verdict", v.valid ? "VALID" : "INVALID"},
          {"reasons", v.reasons},
          {"notes", v.notes},
          {"warnings", v.warnings},
          {"error", v.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.error)}};
}

}  // namespace eb::bench
