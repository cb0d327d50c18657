// edgebench run: one workload on one or more backends, single-stream or offline; writes
// one result record per backend. Flags are parsed here; everything else is bench/job.h.
//
// Ctrl-C: the run in progress stops after its current query, its record is written marked
// INVALID ("interrupted"), backends not yet run are skipped, and the exit status is 130.
// An INVALID record never replaces a VALID one of the same name: it goes beside it as
// "<name>.json.invalid" (bench::write_result_record).
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/interrupt.h"
#include "bench/job.h"
#include "bench/power/duration.h"
#include "bench/power/modeled_energy.h"
#include "bench/progress.h"
#include "bench/provenance_json.h"
#include "bench/result_record.h"
#include "cli/commands.h"
#include "cli/validators.h"
#include "cli/format.h"

namespace eb::cli {
namespace {

constexpr int kInterruptedStatus = 130;  // 128 + SIGINT, what a shell shows for Ctrl-C
constexpr int kInvalidRecordStatus = 3;  // every record was written, but one is INVALID

struct RunOptions {
  std::string model;
  std::string backend;  // one name, or several separated by commas
  std::string task;
  int batch = 1;
  std::uint64_t seed = 0;
  std::string weights;
  std::string precision = "fp32";
  std::vector<std::string> backend_options;  // --backend-option KEY=VALUE, repeatable
  int threads = 0;
  std::string scenario = "single-stream";
  std::string warmup = "3";
  int iterations = 0;  // only when given (--iterations)
  std::string min_duration = "10s";
  std::int64_t min_queries = 100;
  std::string max_duration = "0";
  std::int64_t max_queries = 0;
  int samples = bench::JobSpec{}.samples;
  std::string power = "none";
  std::string power_period = "10ms";
  std::string idle_baseline = "0";
  bool profile = false;
  int profile_runs = 10;
  std::string cooldown = "0";
  bool interleave = false;
  bool no_fallback = false;
  std::string dataset;      // --dataset: accuracy on a data set (bench/accuracy/run_accuracy.h)
  std::int64_t limit = 0;   // --limit: its first N images (0: all)
  bool no_fidelity = false;
  std::string out = "results";
  bool quiet = false;
  bool json = false;
  CLI::Option* iterations_flag = nullptr;
  CLI::Option* backend_flag = nullptr;
  CLI::Option* precision_flag = nullptr;
};

std::string provenance_text(const Provenance& p) {
  return fmt::format("{}, {}", provenance_kind_name(p.kind), p.source == bench::kHostClock ? "steady_clock" : p.source);
}

std::chrono::nanoseconds duration_flag(const std::string& flag, const std::string& text) {
  try {
    return bench::parse_duration(text);
  } catch (const std::invalid_argument& e) {
    throw bench::InvalidJob(fmt::format("{}: {}", flag, e.what()));
  }
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string p; std::getline(in, p, ',');) parts.push_back(p);
  if (parts.empty()) parts.emplace_back();
  return parts;
}

void print_energy(const bench::EnergyRecord& e) {
  if (!e.totals) {
    fmt::print("  energy     no total ({})\n", e.warnings.empty() ? "no counted source" : e.warnings.front());
    return;
  }
  const auto& t = *e.totals;
  const auto kind = [](const bench::EnergyFigure& f) { return std::string(provenance_kind_name(f.provenance.base.kind)); };
  const bool device_time = e.clock == bench::kModeledDeviceClock;
  fmt::print("  energy     gross {:.3f} J, mean {:.2f} W over {:.3f} s{} ({}, {})\n", t.gross_j.value, t.mean_w.value,
             e.window.seconds(), device_time ? " of modeled device time" : "", kind(t.gross_j),
             t.gross_j.provenance.base.source);
  if (t.net_j)
    fmt::print("             idle {:.3f} J, net {:.3f} J ({})\n", t.idle_j ? t.idle_j->value : 0.0, t.net_j->value, kind(*t.net_j));
  if (t.net_mj_per_inference && t.inferences_per_net_j)
    fmt::print("             {:.3f} mJ/inference, {:.2f} inferences/J (net, {})\n", t.net_mj_per_inference->value,
               t.inferences_per_net_j->value, kind(*t.net_mj_per_inference));
  else if (t.gross_mj_per_inference && t.inferences_per_gross_j)
    fmt::print("             {:.3f} mJ/inference, {:.2f} inferences/J (gross, {})\n", t.gross_mj_per_inference->value,
               t.inferences_per_gross_j->value, kind(*t.gross_mj_per_inference));
}

void print_profile(const bench::ProfileFacts& p) {
  std::vector<bench::ProfileEntry> top = p.nodes;
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.node.ns > b.node.ns; });
  if (top.size() > 10) top.resize(10);
  if (top.empty()) {
    fmt::print("  profile    the backend reports no per-node times\n");
    return;
  }
  Table table({"node", "op", "mean", "share"}, {Table::Align::left, Table::Align::left, Table::Align::right, Table::Align::right});
  for (const auto& e : top)
    table.add_row({e.node.node, e.node.op, format_ns(e.node.ns), fmt::format("{:.1f}%", 100 * e.share)});
  fmt::print("  profile    top {} of {} entries, mean of {} runs ({})\n{}", top.size(), p.nodes.size(), p.runs,
             provenance_text(top.front().node.provenance), table.render("    "));
}

void print_summary(const bench::ResultRecord& r) {
  const auto& w = r.workload;
  const auto& t = r.timing;
  if (!r.validity.error.empty()) {
    fmt::print("{}{} on {} ({}): FAILED, no timings ({})\n", w.model, w.task.empty() ? "" : " (" + w.task + ")",
               r.backend.name, precision_name(r.backend.options.precision), r.validity.error);
    return;
  }
  fmt::print("{}{} on {} ({}), batch {}, {}\n", w.model, w.task.empty() ? "" : " (" + w.task + ")", r.backend.name,
             precision_name(r.backend.options.precision), w.batch,
             w.weights.kind == bench::WeightsSource::Kind::seeded ? fmt::format("seeded weights (seed {})", w.weights.seed)
                                                                 : "weights from " + w.weights.path);
  fmt::print("  device     {}\n", r.backend.device);
  fmt::print("  partition  {}\n", r.backend.plan.summary());
  fmt::print("  scenario   {}, {} timed queries in {:.2f} s (stopped: {})\n", r.scenario.name(), r.scenario.timed_queries,
             static_cast<double>(t.phase_ns) * 1e-9,
             r.scenario.interrupted ? "interrupt" : std::string(bench::stop_verdict_name(r.scenario.stop)));
  fmt::print("  compile    {}, first inference {} ({})\n", format_ns(static_cast<double>(t.compile_ns)),
             format_ns(static_cast<double>(t.first_inference_ns)), provenance_text(t.provenance));
  if (t.stats) {
    fmt::print("  latency    p50 {}, p90 {} over {} runs ({})\n", format_ns(t.stats->p50_ns), format_ns(t.stats->p90_ns),
               t.stats->count, provenance_text(t.provenance));
    fmt::print("             p99 {}, mean {}, CV {:.1f}%, p90 bound (99% conf.) {}\n", format_ns(t.stats->p99_ns),
               format_ns(t.stats->mean_ns), 100 * t.stats->cv,
               t.stats->p90_upper_99_ns ? format_ns(*t.stats->p90_upper_99_ns) : std::string("n/a (too few queries)"));
  }
  if (r.scenario.settings.scenario == bench::Scenario::offline)
    fmt::print("  throughput {:.2f} samples/s ({})\n", t.samples_per_s, provenance_text(t.provenance));
  if (t.device && t.device->device && t.device->host) {
    // The system time, then its two parts, each with its own provenance.
    fmt::print("  system     p50 {}, p90 {} = device + host share below\n", format_ns(t.device->stats.p50_ns),
               format_ns(t.device->stats.p90_ns));
    fmt::print("  on device  p50 {} ({})\n", format_ns(t.device->device->stats.p50_ns), provenance_text(t.device->device->provenance));
    fmt::print("  on host    p50 {}: {} ({})\n", format_ns(t.device->host->stats.p50_ns), t.device->host->what,
               provenance_text(t.device->host->provenance));
  } else if (t.device) {
    fmt::print("  on device  p50 {}, p90 {} ({})\n", format_ns(t.device->stats.p50_ns), format_ns(t.device->stats.p90_ns),
               provenance_text(t.device->provenance));
  }
  if (r.power) {
    if (r.power->energy)
      print_energy(*r.power->energy);
    else
      fmt::print("  energy     not measured: {}\n", r.power->not_measured);
  }
  if (r.profile) print_profile(*r.profile);
  fmt::print("  validity   {}\n", r.validity.valid ? "VALID" : "INVALID");
  for (const auto& reason : r.validity.reasons) fmt::print("             {}\n", reason);
}

bench::JobSpec job_spec(const RunOptions& o, const Context& ctx) {
  bench::JobSpec spec;
  spec.model = o.model;
  spec.task = o.task;
  spec.batch = o.batch;
  spec.seed = o.seed;
  if (!o.weights.empty()) spec.weights_file = o.weights;
  spec.compile.precision = parse_precision(o.precision);  // already checked by the flag's validator
  spec.precision_is_default = o.precision_flag && o.precision_flag->count() == 0;
  spec.compile.threads = o.threads;
  spec.compile.allow_fallback = !o.no_fallback;
  for (const auto& kv : o.backend_options) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw bench::InvalidJob(fmt::format("--backend-option: '{}' is not KEY=VALUE (for example fpga.clock_mhz=250)", kv));
    // Keys and values are checked against the backends' declarations by prepare_job.
    spec.compile.extra[kv.substr(0, eq)] = kv.substr(eq + 1);
  }

  bench::MeasureSettings& m = spec.measure;
  m.scenario = bench::parse_scenario(o.scenario);  // checked by the flag's validator
  try {
    m.warmup = bench::parse_warmup(o.warmup);
  } catch (const std::invalid_argument& e) {
    throw bench::InvalidJob(fmt::format("--warmup: {}", e.what()));
  }
  if (o.iterations_flag && o.iterations_flag->count() > 0) {
    if (o.iterations < 1) throw bench::InvalidJob(fmt::format("iterations must be at least 1 (got {})", o.iterations));
    m.stop = bench::StopRule::fixed(o.iterations);
    m.iterations_shorthand = true;
  } else {
    m.stop.min_duration = duration_flag("--min-duration", o.min_duration);
    m.stop.min_queries = o.min_queries;
    m.stop.max_duration = duration_flag("--max-duration", o.max_duration);
    m.stop.max_queries = o.max_queries;
  }
  m.order_seed = derive_seed(o.seed, "sample-order");
  m.profile_runs = o.profile ? o.profile_runs : 0;
  spec.samples = o.samples;
  spec.power = o.power;
  spec.power_period = duration_flag("--power-period", o.power_period);
  spec.idle_baseline = duration_flag("--idle-baseline", o.idle_baseline);
  spec.command_line = ctx.command_line;
  if (!o.dataset.empty()) spec.accuracy.dataset = o.dataset;
  if (o.limit > 0) spec.accuracy.limit = static_cast<std::size_t>(o.limit);
  spec.accuracy.fidelity = !o.no_fidelity;
  return spec;
}

void run(const RunOptions& o, const Context& ctx) {
  const bench::JobSpec base = job_spec(o, ctx);
  const auto cooldown = duration_flag("--cooldown", o.cooldown);
  // Given but empty (--backend "", a shell variable that was not set): not the default.
  if (o.backend_flag && o.backend_flag->count() > 0 && o.backend.empty())
    throw bench::InvalidJob("--backend is empty: give a backend name (see 'edgebench list')");
  const std::vector<std::string> backends = split_commas(o.backend);
  if (backends.size() > 1)
    for (const auto& b : backends)
      if (b.empty()) throw bench::InvalidJob(fmt::format("--backend '{}' has an empty name", o.backend));
  for (std::size_t i = 0; i < backends.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (backends[i] == backends[k]) throw bench::InvalidJob(fmt::format("backend '{}' is named twice in --backend", backends[i]));
  if (o.interleave && backends.size() < 2) throw bench::InvalidJob("--interleave needs two or more backends (--backend a,b)");

  // Everything that can be wrong with the request fails here, before anything slow runs.
  std::vector<bench::PreparedJob> jobs;
  for (const auto& b : backends) {
    bench::JobSpec spec = base;
    spec.backend = b;
    jobs.push_back(bench::prepare_job(spec, ctx.backends, ctx.workloads));
  }
  bench::prepare_result_folder(o.out);

  // Human-readable text goes to stdout, unless stdout carries the JSON (--json).
  std::FILE* text = o.json ? stderr : stdout;
  bench::ProgressLine progress_line(o.quiet ? nullptr : stderr, ::isatty(STDERR_FILENO) == 1);
  bench::InterruptGuard interrupt;
  bench::JobHooks hooks;
  hooks.run.interrupt = &bench::InterruptGuard::flag();
  if (!o.quiet) {
    hooks.run.say = [&](std::string_view line) {
      progress_line.finish();
      fmt::print(text, "... {}\n", line);
      std::fflush(text);
    };
    hooks.run.progress = [&](std::string_view backend, const bench::ProgressSnapshot& s) { progress_line.update(backend, s); };
  }
  std::vector<std::filesystem::path> paths;  // where each record went (bench::write_result_record)
  hooks.on_record = [&](std::size_t, const bench::ResultRecord& r) { paths.push_back(bench::write_result_record(r, o.out)); };
  hooks.on_failure = [&](std::size_t, std::string_view) { progress_line.finish(); };

  // In a comparison one backend's failure must not cost the others' results (it is
  // recorded INVALID, "failed", with the error); a lone run's failure is the command's error.
  bench::RunPolicy policy;
  policy.order = o.interleave ? bench::RunPolicy::Order::interleaved : bench::RunPolicy::Order::sequential;
  policy.keep_going = jobs.size() > 1;
  policy.cool_down = cooldown;
  const std::vector<bench::ResultRecord> records = bench::run_jobs(jobs, policy, hooks);
  progress_line.finish();
  const bool was_interrupted = interrupt.requested();

  nlohmann::json all = nlohmann::json::array();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const auto& path = paths[i];
    if (path.filename() != bench::result_file_name(r))
      fmt::print(stderr, "edgebench: warning: kept the earlier VALID record {}; this INVALID one is beside it\n",
                 (std::filesystem::path(o.out) / bench::result_file_name(r)).string());
    if (o.json) all.push_back(bench::to_json(r));
    if (!o.quiet) {
      if (o.json) {
        // The summary would mix with the JSON on stdout; the path goes to stderr instead.
      } else {
        print_summary(r);
      }
      for (const auto& w : r.validity.warnings) fmt::print(stderr, "edgebench: warning: {} ({})\n", w, r.backend.name);
    }
    fmt::print(o.json ? stderr : stdout, "wrote {}\n", path.string());
  }
  if (o.json) fmt::print("{}\n", records.size() == 1 ? all.front().dump(2) : all.dump(2));
  std::fflush(stdout);
  bool any_failed = false;
  for (const auto& r : records)
    if (!r.validity.error.empty()) {
      fmt::print(stderr, "edgebench: error: backend '{}' failed: {}\n", r.backend.name, r.validity.error);
      any_failed = true;
    }
  if (any_failed && !was_interrupted) throw ExitStatus{1};
  if (was_interrupted) {
    fmt::print(stderr, "edgebench: interrupted: the record{} written {} marked INVALID (interrupted)\n",
               records.size() == 1 ? "" : "s", records.size() == 1 ? "is" : "are");
    throw ExitStatus{kInterruptedStatus};
  }
  for (const auto& r : records)
    if (!r.validity.valid) {
      fmt::print(stderr, "edgebench: error: the {} record is INVALID: {}\n", r.backend.name,
                 r.validity.reasons.empty() ? std::string("see its validity section") : r.validity.reasons.front());
      throw ExitStatus{kInvalidRecordStatus};
    }
}

}  // namespace

void add_run_command(CLI::App& app, const Context& ctx) {
  auto opts = std::make_shared<RunOptions>();
  const auto models = ctx.workloads.all();
  if (!models.empty()) opts->model = std::string(models.front()->name());
  std::vector<std::string> precisions;
  for (Precision p : {Precision::fp32, Precision::fp16, Precision::bf16, Precision::int8, Precision::fixed})
    precisions.emplace_back(precision_name(p));

  CLI::App* cmd = app.add_subcommand("run", "Run a model on one or more backends and write a result record (JSON) for each");
  cmd->add_option("--model", opts->model, "Model name (see 'edgebench list')")->capture_default_str();
  opts->backend_flag = cmd->add_option("--backend", opts->backend,
                  "Backend name, or several separated by commas (default: the first available in 'edgebench list')");
  cmd->add_option("--task", opts->task, "Task of a multi-task model (default: its first)");
  cmd->add_option("--batch", opts->batch, "Batch size (samples per query)")->capture_default_str();
  cmd->add_option("--seed", opts->seed, "Seed of the weights (unless --weights), the inputs and the sample order")
      ->check(unsigned_value())
      ->capture_default_str();
  cmd->add_option("--weights", opts->weights, "Weights from a safetensors file (see 'edgebench weights')");
  opts->precision_flag =
      cmd->add_option("--precision", opts->precision,
                      "Precision (default fp32; a backend without fp32 runs its own: fpga fixed, edgetpu int8)")
          ->check(CLI::IsMember(precisions))
          ->capture_default_str();
  cmd->add_option("--threads", opts->threads, "Threads for the backend (0: its default)")
      ->check(int_at_least(0))
      ->capture_default_str();
  cmd->add_option("--scenario", opts->scenario, "single-stream (latency) or offline (throughput)")
      ->check(CLI::IsMember({"single-stream", "offline"}))
      ->capture_default_str();
  cmd->add_option("--warmup", opts->warmup, "Untimed queries after the first inference: a count (5) or a duration (2s)")
      ->capture_default_str();
  auto* min_duration = cmd->add_option("--min-duration", opts->min_duration, "Run at least this long (500ms, 10s, 1m)")
                           ->capture_default_str();
  auto* min_queries = cmd->add_option("--min-queries", opts->min_queries, "Run at least this many timed queries")
                          ->check(int_range(1, INT64_MAX))
                          ->capture_default_str();
  auto* max_duration =
      cmd->add_option("--max-duration", opts->max_duration, "Stop at this duration even if a minimum is not met (0: no limit)")
          ->capture_default_str();
  auto* max_queries =
      cmd->add_option("--max-queries", opts->max_queries, "Stop at this many queries even if a minimum is not met (0: no limit)")
          ->check(int_range(0, INT64_MAX))
          ->capture_default_str();
  opts->iterations_flag =
      cmd->add_option("--iterations", opts->iterations,
                      "Exactly N timed queries: shorthand for --min-queries N --max-queries N --min-duration 0");
  opts->iterations_flag->excludes(min_duration)->excludes(min_queries)->excludes(max_duration)->excludes(max_queries);
  cmd->add_option("--samples", opts->samples, "Seeded input samples the queries cycle through (sample i: seed + i)")
      ->check(int_at_least(1))
      ->capture_default_str();
  cmd->add_option("--power", opts->power,
                  "Power sources: none, auto, or rapl,nvml,xrt,hwmon,model,meter=FILE,meter-unix=FILE,meter-cmd=CMD")
      ->capture_default_str();
  cmd->add_option("--power-period", opts->power_period, "Power sampling period")->capture_default_str();
  cmd->add_option("--idle-baseline", opts->idle_baseline, "Measure idle power this long before the timed phase (0: none)")
      ->capture_default_str();
  cmd->add_flag("--profile", opts->profile, "Per-node times after the timed phase (top 10 printed, all in the record)");
  cmd->add_option("--profile-runs", opts->profile_runs, "Runs averaged for --profile")
      ->check(int_at_least(1))
      ->capture_default_str();
  cmd->add_option("--cooldown", opts->cooldown, "Pause between backends (e.g. 30s)")->capture_default_str();
  cmd->add_flag("--interleave", opts->interleave, "Alternate backends query by query, so drift hits all of them alike");
  cmd->add_option("--backend-option", opts->backend_options,
                  "Backend setting KEY=VALUE, repeatable (e.g. fpga.clock_mhz=250, edgetpu.calibration=16; "
                  "every backend's settings: 'edgebench list --options')")
      ->take_all();
  cmd->add_flag("--no-fallback", opts->no_fallback, "Fail if the backend cannot run every node (no reference fallback)");
  cmd->add_option("--dataset", opts->dataset,
                  "Also score the task metric on a data set after the timed phase: COCO-style (detectors) or a dense "
                  "folder (segmentation, depth); see 'edgebench make-dataset'");
  cmd->add_option("--limit", opts->limit, "Score only the data set's first N images")->check(int_range(1, INT64_MAX));
  cmd->add_flag("--no-fidelity", opts->no_fidelity, "Skip the reference run that measures fidelity to the reference backend");
  cmd->add_option("--out", opts->out, "Folder for the result records (created if missing)")->capture_default_str();
  cmd->add_flag("--quiet", opts->quiet, "No progress or summary: print only the path of each record");
  cmd->add_flag("--json", opts->json, "Print the record (an array for several backends) as JSON on stdout");
  cmd->footer(
      "Exit status: 0 every record VALID; 1 a backend failed or another error; 2 a usage error; 3 records written, "
      "one INVALID (too few queries, non-finite outputs); 130 interrupted (Ctrl-C).\n"
      "An INVALID record never replaces a VALID one of the same name: it is written beside it as NAME.json.invalid.");
  cmd->callback([opts, &ctx] { run(*opts, ctx); });
}

}  // namespace eb::cli
