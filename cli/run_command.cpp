// edgebench run: one workload on one backend, single stream; writes one result record.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "bench/job.h"
#include "bench/provenance_json.h"
#include "bench/result_record.h"
#include "cli/commands.h"
#include "cli/format.h"

namespace eb::cli {
namespace {

struct RunOptions {
  std::string model;
  std::string backend;
  std::string task;
  int batch = 1;
  std::uint64_t seed = 0;
  std::string weights;
  std::string precision = "fp32";
  int threads = 0;
  int warmup = bench::RunSettings{}.warmup;
  int iterations = bench::RunSettings{}.iterations;
  bool no_fallback = false;
  std::string out = "results";
  bool quiet = false;
};

std::string provenance_text(const Provenance& p) {
  return fmt::format("{}, {}", provenance_kind_name(p.kind), p.source == bench::kHostClock ? "steady_clock" : p.source);
}

void print_summary(const bench::ResultRecord& r) {
  const auto& w = r.workload;
  const auto& t = r.timing;
  fmt::print("{}{} on {} ({}), batch {}, {}\n", w.model, w.task.empty() ? "" : " (" + w.task + ")", r.backend.name,
             precision_name(r.backend.options.precision), w.batch,
             w.weights.kind == bench::WeightsSource::Kind::seeded ? fmt::format("seeded weights (seed {})", w.weights.seed)
                                                                 : "weights from " + w.weights.path);
  fmt::print("  device     {}\n", r.backend.device);
  fmt::print("  partition  {}\n", r.backend.plan.summary());
  fmt::print("  compile    {}, first inference {} ({})\n", format_ns(static_cast<double>(t.compile_ns)),
             format_ns(static_cast<double>(t.first_inference_ns)), provenance_text(t.provenance));
  fmt::print("  latency    p50 {}, p90 {} over {} runs ({})\n", format_ns(t.stats.p50_ns), format_ns(t.stats.p90_ns),
             t.stats.count, provenance_text(t.provenance));
  if (t.device)
    fmt::print("  on device  p50 {}, p90 {} ({})\n", format_ns(t.device->stats.p50_ns), format_ns(t.device->stats.p90_ns),
               provenance_text(t.device->provenance));
  fmt::print("  validity   {}\n", r.validity.valid ? "VALID" : "INVALID");
  for (const auto& reason : r.validity.reasons) fmt::print("             {}\n", reason);
}

void run(const RunOptions& o, const Context& ctx) {
  bench::JobSpec spec;
  spec.model = o.model;
  spec.task = o.task;
  spec.batch = o.batch;
  spec.backend = o.backend;
  spec.seed = o.seed;
  if (!o.weights.empty()) spec.weights_file = o.weights;
  spec.compile.precision = parse_precision(o.precision);  // already checked by the flag's validator
  spec.compile.threads = o.threads;
  spec.compile.allow_fallback = !o.no_fallback;
  spec.run.warmup = o.warmup;
  spec.run.iterations = o.iterations;
  spec.command_line = ctx.command_line;

  const bench::PreparedJob job = bench::prepare_job(spec, ctx.backends, ctx.workloads);
  bench::prepare_result_folder(o.out);
  const auto progress = [&](std::string_view line) {
    if (o.quiet) return;
    fmt::print("... {}\n", line);
    std::fflush(stdout);
  };
  const bench::ResultRecord record = bench::run_job(job, progress);
  const auto path = bench::write_result_record(record, o.out);
  if (!o.quiet) print_summary(record);
  fmt::print("wrote {}\n", path.string());
}

}  // namespace

void add_run_command(CLI::App& app, const Context& ctx) {
  auto opts = std::make_shared<RunOptions>();
  const auto models = ctx.workloads.all();
  if (!models.empty()) opts->model = std::string(models.front()->name());
  std::vector<std::string> precisions;
  for (Precision p : {Precision::fp32, Precision::fp16, Precision::bf16, Precision::int8, Precision::fixed})
    precisions.emplace_back(precision_name(p));

  CLI::App* cmd = app.add_subcommand("run", "Run a model on a backend and write a result record (JSON)");
  cmd->add_option("--model", opts->model, "Model name (see 'edgebench list')")->capture_default_str();
  cmd->add_option("--backend", opts->backend, "Backend name (default: the first available in 'edgebench list')");
  cmd->add_option("--task", opts->task, "Task of a multi-task model (default: its first)");
  cmd->add_option("--batch", opts->batch, "Batch size")->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Seed of the weights (unless --weights) and of the inputs")->capture_default_str();
  cmd->add_option("--weights", opts->weights, "Weights from a safetensors file (see 'edgebench weights')");
  cmd->add_option("--precision", opts->precision, "Precision")->check(CLI::IsMember(precisions))->capture_default_str();
  cmd->add_option("--threads", opts->threads, "Threads for the backend (0: its default)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--warmup", opts->warmup, "Untimed runs after the first inference")->capture_default_str();
  cmd->add_option("--iterations", opts->iterations, "Timed runs")->capture_default_str();
  cmd->add_flag("--no-fallback", opts->no_fallback, "Fail if the backend cannot run every node (no reference fallback)");
  cmd->add_option("--out", opts->out, "Folder for the result record (created if missing)")->capture_default_str();
  cmd->add_flag("--quiet", opts->quiet, "Print only the path of the record");
  cmd->callback([opts, &ctx] { run(*opts, ctx); });
}

}  // namespace eb::cli
