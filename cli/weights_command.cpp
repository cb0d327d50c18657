// edgebench weights: writes a model's seeded weights as safetensors, so users see the
// tensor names and shapes a --weights file must have (and can replace the values).
#include <memory>

#include <fmt/format.h>

#include "bench/job.h"
#include "bench/weights_hash.h"
#include "cli/commands.h"
#include "cli/validators.h"
#include "cli/format.h"
#include "core/safetensors.h"
#include "core/version.h"

namespace eb::cli {
namespace {

struct WeightsOptions {
  std::string model;
  std::string task;
  std::uint64_t seed = 0;
  std::string out;
};

void write_weights(const WeightsOptions& o, const Context& ctx) {
  const bench::BuiltWorkload built = bench::build_workload(ctx.workloads, o.model, o.task, 1);
  const Weights weights = built.workload->make_weights(built.graph, o.seed);
  SafetensorsMetadata meta{{"producer", fmt::format("edgebench {} ({})", kVersion, kGitRevision)},
                           {"model", o.model},
                           {"seed", std::to_string(o.seed)},
                           {"batch_norm", "unfolded"},
                           {"fnv1a64", bench::hex64(bench::weights_hash(weights))}};
  if (!built.task.empty()) meta["task"] = built.task;
  save_safetensors(o.out, weights, meta);
  std::size_t bytes = 0;
  for (const auto& [name, t] : weights.all()) bytes += t.nbytes();
  fmt::print("wrote {} ({} tensors, {} parameters, {:.1f} MB)\n", o.out, weights.size(),
             format_count(static_cast<double>(built.graph.param_count())), static_cast<double>(bytes) / 1e6);
}

}  // namespace

void add_weights_command(CLI::App& app, const Context& ctx) {
  auto opts = std::make_shared<WeightsOptions>();
  CLI::App* cmd = app.add_subcommand("weights", "Write a model's seeded weights to a safetensors file");
  cmd->add_option("--model", opts->model, "Model name (see 'edgebench list')")->required();
  cmd->add_option("--task", opts->task, "Task of a multi-task model (default: its first)");
  cmd->add_option("--seed", opts->seed, "Seed")->check(unsigned_value())->capture_default_str();
  cmd->add_option("--out", opts->out, "Output file (.safetensors)")->required();
  cmd->callback([opts, &ctx] { write_weights(*opts, ctx); });
}

}  // namespace eb::cli
