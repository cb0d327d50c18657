// Where the cpu backend spends a model's time: per-step wall time from the Executable
// profiling API (the cpu executable waits on its stream after every step when profiling,
// so each step's time is its own), averaged over iterations and grouped by step kind,
// with each kind's share of the multiply-accumulates and its GFLOP/s.
//
//   cpu_profile [--model=NAME] [--threads=N] [--iterations=N] [--top=K]
//
// Times are measured (steady_clock); the per-step stream waits add a little to the total,
// so the sum is slightly above an unprofiled run's latency. Each step's best (fastest) run
// is shown next to its mean: on a shared machine the mean mostly measures the other load,
// the best is what the kernel costs.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bench/prepare_model.h"
#include "core/registry.h"
#include "core/shape_inference.h"
#include "models/workload.h"

namespace {

struct Totals {
  double ns = 0;       // mean over the profiled runs
  double best_ns = 0;  // fastest of the profiled runs (least disturbed by other load)
  double macs = 0;
  int steps = 0;
};

std::string flag(int argc, char** argv, const char* name, std::string fallback) {
  const std::string prefix = std::string("--") + name + "=";
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) return argv[i] + prefix.size();
  return fallback;
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string model = flag(argc, argv, "model", "m3vit-backbone");
  const int threads = std::stoi(flag(argc, argv, "threads", "2"));
  const int iterations = std::stoi(flag(argc, argv, "iterations", "20"));
  const auto top = static_cast<std::size_t>(std::stoi(flag(argc, argv, "top", "15")));

  const auto registry = eb::make_workload_registry();
  const eb::bench::PreparedModel prepared = eb::bench::prepare_model(registry, {.model = model, .seed = 1, .input_seed = 2});
  const auto inputs = prepared.inputs();
  const auto& folded = prepared.folded;
  eb::CompileOptions options;
  options.threads = threads;
  options.allow_fallback = false;  // the cpu backend's own steps, every node
  const auto backends = eb::make_backend_registry();
  auto exe = eb::bench::compile_prepared(prepared, backends.get("cpu"), backends.reference(), options).executable;

  // MACs per node, so a fused step ("conv3+add4") is credited with its base node's MACs.
  std::map<std::string, double> node_macs;
  for (const auto& n : folded.graph.nodes)
    node_macs[n.name] = static_cast<double>(eb::node_macs(n, eb::input_shapes(folded.graph, n), folded.graph.info(n.name).shape));

  for (int i = 0; i < 3; ++i) exe->run(inputs);
  exe->enable_profiling(true);
  std::map<std::string, Totals> steps;  // step (node) name -> totals
  std::map<std::string, std::string> step_op;
  std::vector<std::string> order;
  for (int i = 0; i < iterations; ++i) {
    exe->run(inputs);
    for (const auto& p : exe->last_profile()) {
      const std::string key = p.node + " [" + p.op + "]";
      if (!steps.contains(key)) order.push_back(key);
      Totals& t = steps[key];
      t.ns += p.ns / iterations;
      t.best_ns = t.best_ns == 0 ? p.ns : std::min(t.best_ns, p.ns);
      step_op[key] = p.op;
    }
  }
  // MACs of a step: its base node's. The stages of attention share its MACs equally (two
  // products of one size); moe's gate stage gets tokens·D·E and its experts stage the rest.
  std::map<std::string, const eb::Node*> nodes;
  for (const auto& n : folded.graph.nodes) nodes[n.name] = &n;
  std::map<std::string, Totals> kinds;
  double total_ns = 0, total_best_ns = 0, total_macs = 0;
  for (const auto& key : order) {
    Totals& s = steps[key];
    const std::string node = key.substr(0, key.find_first_of("+ "));
    const std::string& op = step_op[key];
    if (const auto it = node_macs.find(node); it != node_macs.end()) {
      const eb::Node& n = *nodes.at(node);
      if (n.op == eb::OpKind::attention) {
        s.macs = op == "attention/softmax" ? 0 : it->second / 2;
      } else if (n.op == eb::OpKind::moe) {
        const auto& xs = folded.graph.info(n.inputs[0]).shape;
        const double gate = static_cast<double>(eb::numel(xs)) * n.attr<eb::MoeAttrs>().experts;
        s.macs = op == "moe/gate" ? gate : op == "moe/experts" ? it->second - gate : 0;
      } else if (op != "reorder") {
        s.macs = it->second;
      }
    }
    Totals& k = kinds[step_op[key]];
    k.ns += s.ns;
    k.best_ns += s.best_ns;
    total_best_ns += s.best_ns;
    k.macs += s.macs;
    ++k.steps;
    total_ns += s.ns;
    total_macs += s.macs;
  }

  std::printf("%s on cpu, %d threads, %d profiled runs (measured, steady_clock; sums of steps): mean %.3f ms "
              "(%.2f GFLOP/s), sum of per-step bests %.3f ms (%.2f GFLOP/s); %.3f GMAC\n",
              model.c_str(), threads, iterations, total_ns / 1e6, 2 * total_macs / total_ns, total_best_ns / 1e6,
              2 * total_macs / total_best_ns, total_macs / 1e9);
  for (const auto& [k, v] : exe->info()) std::printf("  info %-24s %s\n", k.c_str(), v.c_str());
  std::printf("\n%-22s %6s %10s %7s %10s %10s %9s %9s\n", "step kind", "steps", "mean ms", "share", "best ms", "GMAC",
              "GFLOP/s", "best GF/s");
  std::vector<std::pair<std::string, Totals>> by_kind(kinds.begin(), kinds.end());
  std::sort(by_kind.begin(), by_kind.end(), [](const auto& a, const auto& b) { return a.second.ns > b.second.ns; });
  for (const auto& [k, v] : by_kind)
    std::printf("%-22s %6d %10.3f %6.1f%% %10.3f %10.4f %9.2f %9.2f\n", k.c_str(), v.steps, v.ns / 1e6,
                100 * v.ns / total_ns, v.best_ns / 1e6, v.macs / 1e9, v.ns > 0 ? 2 * v.macs / v.ns : 0.0,
                v.best_ns > 0 ? 2 * v.macs / v.best_ns : 0.0);
  std::vector<std::string> slowest = order;
  std::sort(slowest.begin(), slowest.end(),
            [&](const auto& a, const auto& b) { return steps[a].best_ns > steps[b].best_ns; });
  std::printf("\nslowest steps (by best time; mean, share of mean, best, GFLOP/s at best):\n");
  for (std::size_t i = 0; i < std::min(top, slowest.size()); ++i) {
    const Totals& s = steps[slowest[i]];
    std::printf("  %9.3f ms %6.1f%% %9.3f ms %9.2f GFLOP/s  %s\n", s.ns / 1e6, 100 * s.ns / total_ns, s.best_ns / 1e6,
                s.best_ns > 0 ? 2 * s.macs / s.best_ns : 0.0, slowest[i].c_str());
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "cpu_profile: error: %s\n", e.what());
  return 1;
}
