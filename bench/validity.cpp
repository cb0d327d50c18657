#include "bench/validity.h"

#include <fmt/format.h>

namespace eb::bench {

Validity judge_validity(const Timings& timings, const RunSettings& settings, const std::vector<OutputSummary>& outputs,
                        const PartitionPlan& plan) {
  Validity v;
  const auto fail = [&v](std::string reason) {
    v.valid = false;
    v.reasons.push_back(std::move(reason));
  };

  if (timings.samples_ns.size() != static_cast<std::size_t>(settings.iterations))
    fail(fmt::format("{} latency samples for {} iterations", timings.samples_ns.size(), settings.iterations));
  std::size_t non_positive = 0;
  for (auto s : timings.samples_ns) non_positive += s <= 0 ? 1 : 0;
  if (non_positive > 0) fail(fmt::format("{} latency samples are not positive (clock did not advance)", non_positive));

  for (const auto& o : outputs) {
    const std::int64_t n = numel(o.shape);
    if (o.nonfinite > 0) fail(fmt::format("output '{}' has {} non-finite values of {}", o.name, o.nonfinite, n));
    if (n > 0 && o.zeros == n) fail(fmt::format("output '{}' is all zeros", o.name));
  }
  // Bitwise run-to-run differences are reported, not judged: a GPU reduction with atomics
  // may legitimately differ in the last bit, and the latency is still meaningful.
  if (timings.last_outputs.size() != timings.outputs.size()) {
    fail("the last timed run returned a different number of outputs than the first");
  } else {
    for (std::size_t i = 0; i < timings.outputs.size(); ++i)
      if (!(timings.outputs[i] == timings.last_outputs[i])) {
        const std::string name = i < outputs.size() ? outputs[i].name : std::to_string(i);
        v.notes.push_back(fmt::format("output '{}' of the last timed run differs bitwise from the first inference", name));
      }
  }

  if (plan.delegated_nodes < plan.total_nodes)
    v.notes.push_back(fmt::format("{} of {} nodes fell back to the reference backend", plan.total_nodes - plan.delegated_nodes,
                                  plan.total_nodes));
  const std::size_t n = timings.samples_ns.size();
  if (n > 0 && n <= 100)
    v.notes.push_back(fmt::format("with {} samples, p99 and p99.9 are the maximum (nearest rank)", n));
  else if (n > 100 && n <= 1000)
    v.notes.push_back(fmt::format("with {} samples, p99.9 is the maximum (nearest rank)", n));
  return v;
}

nlohmann::json to_json(const Validity& v) {
  return {{"verdict", v.valid ? "VALID" : "INVALID"}, {"reasons", v.reasons}, {"notes", v.notes}};
}

}  // namespace eb::bench
