#include "bench/host_fallback.h"
#include "bench/host_share.h"
#include "bench/job.h"

#include <unistd.h>

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "bench/power/energy_record.h"
#include "bench/power/modeled_energy.h"
#include "bench/power/power_json.h"
#include "bench/power/sampler.h"
#include "bench/provenance_json.h"
#include "bench/weights_hash.h"
#include "core/safetensors.h"

namespace eb::bench {
namespace {

bool wants_power_model(const std::string& spec) {
  const auto items = parse_power_spec(spec);
  return std::any_of(items.begin(), items.end(), [](const PowerSpecItem& i) { return i.name == "model"; });
}

// The compiled executable's power model as a `model` power source.
PowerModel power_model_of(const Executable& exe, const std::string& backend) {
  const auto info = exe.power_model();
  if (!info)
    throw std::logic_error(fmt::format("backend '{}' said it has a power model, but its executable has none", backend));
  nlohmann::json parameters = nlohmann::json::object();
  for (const auto& [k, v] : info->parameters) parameters[k] = v;
  const double idle_w = info->idle_watts;
  return PowerModel{info->model, std::move(parameters), [&exe, idle_w](PowerPhase phase) {
                      return phase == PowerPhase::idle ? idle_w : exe.last_modeled_watts().value_or(idle_w);
                    }};
}

// The backend, with the precision it will run: the one asked for, or — when none was asked
// for and the backend has no fp32 (fpga: fixed, edgetpu: int8) — its own first one.
const Backend& resolve_backend(JobSpec& spec, const BackendRegistry& backends) {
  const Backend* b = nullptr;
  try {
    b = spec.backend.empty() ? &default_backend(backends) : &backends.get(spec.backend);
  } catch (const std::invalid_argument& e) {
    throw InvalidJob(e.what());
  }
  const auto precisions = b->precisions();
  if (spec.precision_is_default && !precisions.empty() &&
      std::find(precisions.begin(), precisions.end(), spec.compile.precision) == precisions.end())
    spec.compile.precision = precisions.front();
  if (std::find(precisions.begin(), precisions.end(), spec.compile.precision) == precisions.end()) {
    std::string supported;
    for (Precision p : precisions) {
      if (!supported.empty()) supported += ", ";
      supported += precision_name(p);
    }
    throw InvalidJob(fmt::format("backend '{}' does not support precision '{}' (supported: {})", b->name(),
                                 precision_name(spec.compile.precision), supported));
  }
  if (const Probe probe = b->probe(); !probe.available)
    throw std::runtime_error(fmt::format("backend '{}' is not available here: {}", b->name(), probe.reason));
  return *b;
}

// Weights from a safetensors file must be exactly the model's: every weight present with
// its shape and dtype, and nothing else (a stray tensor usually means the wrong model).
Weights load_weights_for(const std::filesystem::path& path, const Graph& graph, const std::string& model) {
  Weights w = load_safetensors(path);
  try {
    w.check_against(graph);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(fmt::format("{} does not fit model '{}': {}", path.string(), model, e.what()));
  }
  for (const auto& name : w.names())
    if (!graph.is_weight(name))
      throw std::runtime_error(
          fmt::format("{} does not fit model '{}': tensor '{}' is not a weight of the model", path.string(), model, name));
  return w;
}

// The input samples are allocated up front; a batch (times --samples) that cannot fit in
// memory is a usage error with the figures, not a std::bad_alloc later.
void check_input_memory(const Graph& graph, const JobSpec& spec) {
  double bytes = 0;
  for (const auto& in : graph.inputs) bytes += static_cast<double>(numel(graph.info(in).shape)) * 4.0;
  bytes *= spec.samples;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  const double limit = pages > 0 && page > 0 ? 0.5 * static_cast<double>(pages) * static_cast<double>(page) : 0;
  if (limit > 0 && bytes > limit)
    throw InvalidJob(fmt::format("batch {} with {} input samples needs {:.1f} GB of inputs, above the limit of half this "
                                 "machine's memory ({:.1f} GB): lower --batch or --samples",
                                 spec.batch, spec.samples, bytes * 1e-9, limit * 1e-9));
}

}  // namespace

BuiltWorkload build_workload(const WorkloadRegistry& workloads, const std::string& model, const std::string& task, int batch) {
  if (batch < 1) throw InvalidJob(fmt::format("batch must be at least 1 (got {})", batch));
  if (batch > kMaxBatch) throw InvalidJob(fmt::format("batch {} is above the limit of {}", batch, kMaxBatch));
  BuiltWorkload b;
  try {
    b.workload = &workloads.get(model);
    const auto tasks = b.workload->tasks();
    b.task = task.empty() && !tasks.empty() ? tasks.front() : task;
    b.graph = b.workload->build(WorkloadOptions{b.task, batch});
  } catch (const std::invalid_argument& e) {
    throw InvalidJob(e.what());
  }
  return b;
}

const Backend& default_backend(const BackendRegistry& backends) {
  for (const Backend* b : backends.all())
    if (b->probe().available) return *b;
  throw std::runtime_error("no backend is available on this machine");
}

PreparedJob prepare_job(const JobSpec& spec, const BackendRegistry& backends, const WorkloadRegistry& workloads) {
  try {
    spec.measure.stop.validate();
  } catch (const std::invalid_argument& e) {
    throw InvalidJob(e.what());
  }
  if (spec.measure.warmup.kind == WarmupSpec::Kind::count && spec.measure.warmup.count < 0)
    throw InvalidJob(fmt::format("warm-up runs must not be negative (got {})", spec.measure.warmup.count));
  if (spec.samples < 1) throw InvalidJob(fmt::format("samples must be at least 1 (got {})", spec.samples));
  if (spec.power_period <= std::chrono::nanoseconds::zero()) throw InvalidJob("the power sampling period must be positive");
  if (spec.measure.profile_runs < 0) throw InvalidJob("profile runs must not be negative");

  PreparedJob job;
  job.spec = spec;
  job.built = build_workload(workloads, spec.model, spec.task, spec.batch);
  job.backend = &resolve_backend(job.spec, backends);
  try {
    check_backend_options(backends, job.spec.compile.extra);
    job.backend->check_options(job.spec.compile);
  } catch (const std::invalid_argument& e) {
    throw InvalidJob(fmt::format("--backend-option: {}", e.what()));
  }
  job.fallback = &backends.reference();
  job.host = make_host_fallback(backends);
  const Graph& graph = job.built.graph;

  WorkloadFacts& w = job.facts;
  w.model = spec.model;
  w.task = job.built.task;
  w.batch = spec.batch;
  for (const auto& in : graph.inputs) w.inputs.emplace_back(in, graph.info(in).shape);
  w.input_seed = spec.seed;
  w.params = graph.param_count();
  w.macs = graph.mac_count();
  if (spec.weights_file) {
    job.weights = load_weights_for(*spec.weights_file, graph, spec.model);
    w.weights.kind = WeightsSource::Kind::file;
    w.weights.path = spec.weights_file->string();
  } else {
    job.weights = job.built.workload->make_weights(graph, spec.seed);
    w.weights.kind = WeightsSource::Kind::seeded;
    w.weights.seed = spec.seed;
  }
  w.weights.hash = weights_hash(job.weights);
  check_input_memory(graph, spec);
  job.inputs = job.built.workload->make_inputs(graph, spec.seed);
  for (int i = 0; i < spec.samples; ++i) {
    const std::uint64_t seed = spec.seed + static_cast<std::uint64_t>(i);
    job.pool.samples.push_back(i == 0 ? job.inputs : job.built.workload->make_inputs(graph, seed));
    job.pool.seeds.push_back(seed);
  }
  job.folded = fold_batch_norm(graph, job.weights);
  try {
    check_accuracy_spec(spec.accuracy, spec.model, graph);  // a data set that cannot fit fails now, not after the timed run
  } catch (const std::invalid_argument& e) {
    throw InvalidJob(e.what());
  }
  if (spec.power != "none") {
    try {
      // `model` is the compiled executable's (run_job selects again then); a stand-in here
      // lets the rest of the spec fail now.
      PowerEnvironment env;
      if (wants_power_model(spec.power)) env.model = PowerModel{"(the backend's, once compiled)", {}, [](PowerPhase) { return 0.0; }};
      job.power = select_power_sources(spec.power, env);
    } catch (const std::invalid_argument& e) {
      throw InvalidJob(e.what());
    }
    if (wants_power_model(spec.power)) {
      const PowerModelUse use = job.backend->power_model_use(job.spec.compile);
      const std::string name(job.backend->name());
      if (use == PowerModelUse::none)
        throw InvalidJob(fmt::format("--power model: backend '{}' has no power model{}", name,
                                     name == "cpu" ? " unless given the CPU's TDP (--backend-option cpu.tdp_watts=W)" : " with these settings"));
      // A simulated device's modeled energy and energy sampled over the host's wall time
      // cannot share one total.
      if (use == PowerModelUse::modeled_time && job.power->sources.size() != 1)
        throw InvalidJob(fmt::format("--power: backend '{}' runs in modeled time, so its modeled energy cannot be combined "
                                     "with other sources sampled in host time; use --power model alone",
                                     name));
    }
  }
  return job;
}

namespace {

// The parts of a record known before anything runs.
ResultRecord start_record(const PreparedJob& job) {
  const JobSpec& spec = job.spec;
  ResultRecord r;
  r.tool = this_tool();
  r.created = utc_now_iso8601();
  r.command_line = spec.command_line;
  r.host = collect_host_info();
  r.workload = job.facts;
  r.backend.name = std::string(job.backend->name());
  r.backend.device = job.backend->probe().device;
  r.backend.options = spec.compile;
  r.backend.resolved_options = resolve_options(job.backend->options(), spec.compile.extra);
  r.scenario.settings = spec.measure;
  return r;
}

CompiledModel compile_job(const PreparedJob& job, ResultRecord& r, const RunHooks& hooks) {
  const JobSpec& spec = job.spec;
  if (hooks.say)
    hooks.say(fmt::format("compiling {} for {} ({})", spec.model, job.backend->name(), precision_name(spec.compile.precision)));
  CompiledModel compiled = compile_model(job.folded.graph, job.folded.weights, *job.backend, *job.host, spec.compile);
  compiled.executable = with_host_postprocess(std::move(compiled.executable), *job.built.workload, job.folded.graph);
  compiled.info = compiled.executable->info();
  r.backend.plan = compiled.plan;
  r.backend.executable_info = compiled.info;
  return compiled;
}

std::string running_line(const JobSpec& spec, const SamplePool& pool) {
  const StopRule& s = spec.measure.stop;
  std::string stop = s.min_duration.count() == 0 && s.max_queries == s.min_queries
                         ? fmt::format("{} timed", s.min_queries)
                         : fmt::format("timed until {} queries and {:g} s", s.min_queries,
                                       std::chrono::duration<double>(s.min_duration).count());
  return fmt::format("running {}: first inference, warm-up {}, {} ({} input samples)",
                     scenario_name(spec.measure.scenario), spec.measure.warmup.describe(), stop, pool.size());
}

// After the timed phase: profile, outputs, validity.
void finish_record(ResultRecord& r, const PreparedJob& job, CompiledModel& compiled, const Timings& timings) {
  const JobSpec& spec = job.spec;
  const Graph& graph = job.built.graph;
  if (spec.measure.profile_runs > 0 && !timings.interrupted)
    r.profile = ProfileFacts{spec.measure.profile_runs, profile_nodes(*compiled.executable, job.pool, spec.measure.profile_runs)};
  // Accuracy mode: untimed, on the executable already compiled, before it is freed.
  r.accuracy = evaluate_accuracy({spec.accuracy, spec.model, graph, job.folded.graph, job.folded.weights, job.inputs, spec.seed,
                                  timings.outputs, *compiled.executable, *job.backend, spec.compile.precision, *job.fallback,
                                  timings.interrupted});
  // The executable's facts of its last run (e.g. fpga.last_run.*: cycles, fixed-point wraps)
  // join its compile-time facts.
  for (auto& [key, value] : compiled.executable->info()) r.backend.executable_info.insert_or_assign(key, value);
  compiled.executable.reset();  // free the backend's memory before post-processing
  r.timing = make_timing_facts(compiled, timings, spec.batch);
  r.scenario = make_scenario_facts(spec.measure, job.pool, timings);

  r.outputs.provenance = Provenance::measured(
      fmt::format("computed by backend '{}' ({}) on this host", job.backend->name(), precision_name(spec.compile.precision)));
  for (std::size_t i = 0; i < timings.outputs.size() && i < graph.outputs.size(); ++i)
    r.outputs.tensors.push_back(summarize_output(graph.outputs[i], timings.outputs[i]));
  r.outputs.workload = job.built.workload->describe_outputs(graph, job.weights, job.inputs, timings.outputs);

  r.validity = judge_validity(timings, spec.measure, r.outputs.tensors, compiled.plan);
  if (r.power && r.power->energy) judge_energy(r.validity, *r.power->energy);
}

std::function<void(const ProgressSnapshot&)> progress_for(const RunHooks& hooks, const std::string& backend) {
  if (!hooks.progress) return {};
  return [&hooks, backend](const ProgressSnapshot& s) { hooks.progress(backend, s); };
}

bool interrupted(const std::atomic<bool>* flag) { return flag && flag->load(std::memory_order_relaxed); }

}  // namespace

void cool_down(std::chrono::nanoseconds d, const std::atomic<bool>* interrupt) {
  const auto end = std::chrono::steady_clock::now() + d;
  while (!interrupted(interrupt)) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= end) return;
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(end - now, std::chrono::milliseconds(50)));
  }
}

ResultRecord run_job(PreparedJob& job, const RunHooks& hooks) {
  const JobSpec& spec = job.spec;
  ResultRecord r = start_record(job);
  CompiledModel compiled = compile_job(job, r, hooks);

  // Power: the sampler owns the sources; the selection's description is kept first.
  std::unique_ptr<PowerSampler> sampler;
  std::vector<PowerUnavailable> unavailable;
  // `--power model` on a simulated device: its energy is the model's power over the
  // modeled time (prepare_job made sure no other source was asked for).
  std::optional<PowerModelInfo> model_only;
  if (job.power && wants_power_model(spec.power)) {
    PowerEnvironment env;
    env.model = power_model_of(*compiled.executable, r.backend.name);
    job.power = select_power_sources(spec.power, env);
    if (job.backend->power_model_use(spec.compile) == PowerModelUse::modeled_time) model_only = compiled.executable->power_model();
  }
  if (hooks.say) hooks.say(running_line(spec, job.pool));
  TimedPhase phase(*compiled.executable, job.pool, spec.measure, hooks.interrupt);
  phase.first_inference();
  if (job.power) {
    r.power = PowerFacts{};
    r.power->selection = to_json(*job.power);
    unavailable = job.power->unavailable;
    if (job.power->sources.empty()) {
      r.power->not_measured = "no power source could be used here (see selection.unavailable)";
    } else if (!model_only) {
      SamplerOptions options;
      options.period = spec.power_period;
      sampler = std::make_unique<PowerSampler>(std::move(job.power->sources), options);
    }
    job.power.reset();
  }

  phase.warm_up();

  std::optional<IdleBaseline> idle;
  if (sampler && spec.idle_baseline > std::chrono::nanoseconds::zero() && !interrupted(hooks.interrupt)) {
    if (hooks.say)
      hooks.say(fmt::format("idle baseline: {:g} s with nothing running",
                            std::chrono::duration<double>(spec.idle_baseline).count()));
    sampler->start(PowerPhase::idle);
    cool_down(spec.idle_baseline, hooks.interrupt);
    const PowerTrace idle_trace = sampler->stop();
    idle = idle_baseline(idle_trace);
    r.power->idle_trace = to_json(idle_trace, spec.keep_power_samples);
  }

  if (sampler) sampler->start(PowerPhase::busy);
  const std::int64_t t0 = power_clock_ns();
  phase.start();
  const auto on_progress = progress_for(hooks, r.backend.name);
  while (phase.step(on_progress)) {
  }
  const std::int64_t t1 = power_clock_ns();
  const Timings timings = phase.finish();
  if (sampler) {
    const PowerTrace trace = sampler->stop();
    EnergyRecord energy = make_energy_record(trace, EnergyWindow{t0, t1},
                                             static_cast<std::int64_t>(timings.samples_ns.size()) * spec.batch,
                                             idle ? &*idle : nullptr);
    energy.unavailable = unavailable;
    r.power->trace = to_json(trace, spec.keep_power_samples);
    r.power->energy = std::move(energy);
  } else if (model_only) {
    if (timings.modeled_watts.empty() || timings.device_samples_ns.size() != timings.modeled_watts.size()) {
      r.power->not_measured = "the power model gave no figure for every timed run";
    } else {
      nlohmann::json parameters = nlohmann::json::object();
      for (const auto& [k, v] : model_only->parameters) parameters[k] = v;
      EnergyRecord energy = modeled_energy_record(
          timings.modeled_watts, timings.device_samples_ns, static_cast<std::int64_t>(timings.samples_ns.size()) * spec.batch,
          PowerProvenance::modeled(model_only->model, std::move(parameters)),
          spec.idle_baseline > std::chrono::nanoseconds::zero() ? std::optional<double>(model_only->idle_watts) : std::nullopt);
      energy.unavailable = unavailable;
      r.power->energy = std::move(energy);
    }
  }
  finish_record(r, job, compiled, timings);
  return r;
}

ResultRecord failed_record(const PreparedJob& job, std::string_view error) {
  ResultRecord r = start_record(job);
  r.timing.provenance = Provenance::measured(kHostClock);
  r.scenario.sample_seeds = job.pool.seeds;
  r.validity.fail(kFailedReason);
  r.validity.error = std::string(error);
  return r;
}

ResultRecord run_job(PreparedJob& job, const ProgressFn& progress) {
  RunHooks hooks;
  hooks.say = progress;
  return run_job(job, hooks);
}

std::vector<ResultRecord> run_jobs_interleaved(std::vector<PreparedJob>& jobs, const RunHooks& hooks) {
  const std::size_t n = jobs.size();
  std::vector<ResultRecord> records;
  std::vector<CompiledModel> compiled(n);
  std::vector<std::unique_ptr<TimedPhase>> phases(n);
  std::vector<std::string> failures(n);  // non-empty: the job threw this, and is out of the rotation
  records.reserve(n);
  const auto fail = [&](std::size_t i, const std::exception& e) {
    failures[i] = e.what();
    phases[i].reset();
    compiled[i].executable.reset();
  };
  for (std::size_t i = 0; i < n; ++i) {
    PreparedJob& job = jobs[i];
    records.push_back(start_record(job));
    try {
      compiled[i] = compile_job(job, records.back(), hooks);
      if (hooks.say) hooks.say(running_line(job.spec, job.pool) + ", interleaved");
      phases[i] = std::make_unique<TimedPhase>(*compiled[i].executable, job.pool, job.spec.measure, hooks.interrupt);
      phases[i]->first_inference();
      phases[i]->warm_up();
    } catch (const std::exception& e) {
      fail(i, e);
    }
  }
  std::vector<std::function<void(const ProgressSnapshot&)>> progress;
  for (const auto& r : records) progress.push_back(progress_for(hooks, r.backend.name));
  for (bool any = true; any;) {
    any = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (!phases[i]) continue;
      try {
        any = phases[i]->step(progress[i]) || any;
      } catch (const std::exception& e) {
        fail(i, e);
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!failures[i].empty()) {
      records[i] = failed_record(jobs[i], failures[i]);
      continue;
    }
    if (jobs[i].power) {
      records[i].power = PowerFacts{};
      records[i].power->selection = to_json(*jobs[i].power);
      records[i].power->not_measured = "backends were interleaved (--interleave), so energy cannot be "
                                       "attributed to one of them";
      jobs[i].power.reset();
    }
    try {
      const Timings timings = phases[i]->finish();
      finish_record(records[i], jobs[i], compiled[i], timings);
    } catch (const std::exception& e) {
      records[i] = failed_record(jobs[i], e.what());
    }
  }
  return records;
}

}  // namespace eb::bench
