#include "bench/host_fallback.h"
#include "bench/host_share.h"
#include "bench/job.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "bench/power/energy_record.h"
#include "bench/power/modeled_energy.h"
#include "bench/power/power_json.h"
#include "bench/power/sampler.h"
#include "bench/provenance_json.h"
#include "bench/weights_hash.h"

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

// A value of `o` that its declaration accepts, to ask the backend what giving `o` would do;
// none for free text.
std::optional<std::string> example_value(const OptionSpec& o) {
  std::vector<std::string> candidates;
  if (!o.default_value.empty()) candidates.push_back(o.default_value);
  candidates.insert(candidates.end(), o.choices.begin(), o.choices.end());
  if (std::isfinite(o.max)) candidates.push_back(fmt::format("{}", o.max));
  if (std::isfinite(o.min) && !o.min_exclusive) candidates.push_back(fmt::format("{}", o.min));
  candidates.emplace_back("1");
  for (const auto& v : candidates) {
    try {
      check_option_value(o, v);
      return v;
    } catch (const std::invalid_argument&) {
    }
  }
  return std::nullopt;
}

// Why `--power model` finds no model, from the backend's own answers: the declared
// settings that, given, would give it one (the cpu backend's TDP), or else "with these
// settings".
std::string no_power_model_hint(const Backend& b, const CompileOptions& compile) {
  std::string enabling;
  for (const OptionSpec& o : b.options()) {
    if (o.type == OptionType::text || compile.extra.contains(o.key)) continue;
    const auto value = example_value(o);
    if (!value) continue;
    CompileOptions with = compile;
    with.extra[o.key] = *value;
    if (b.power_model_use(with) != PowerModelUse::none)
      enabling += fmt::format("{}--backend-option {}=<{}> ({})", enabling.empty() ? "" : " or ", o.key, o.type_text(), o.help);
  }
  return enabling.empty() ? " with these settings" : " unless given " + enabling;
}

// The power request, checked before anything runs (a bad spec, a model the backend does
// not have, a modeled energy combined with sampled ones); its sources are selected once,
// after compile (select_job_power), when the backend's model exists.
void check_power_request(const PreparedJob& job) {
  std::vector<PowerSpecItem> items;
  try {
    items = parse_power_spec(job.spec.power);
  } catch (const std::invalid_argument& e) {
    throw InvalidJob(e.what());
  }
  if (!wants_power_model(job.spec.power)) return;
  const PowerModelUse use = job.backend->power_model_use(job.spec.compile);
  const std::string name(job.backend->name());
  if (use == PowerModelUse::none)
    throw InvalidJob(fmt::format("--power model: backend '{}' has no power model{}", name,
                                 no_power_model_hint(*job.backend, job.spec.compile)));
  // A simulated device's modeled energy and energy sampled over the host's wall time
  // cannot share one total.
  if (use == PowerModelUse::modeled_time && items.size() != 1)
    throw InvalidJob(fmt::format("--power: backend '{}' runs in modeled time, so its modeled energy cannot be combined "
                                 "with other sources sampled in host time; use --power model alone",
                                 name));
}

// The job's power sources, selected once, after compile: `model` is the compiled
// executable's. None with --power none. Throws std::runtime_error when a source named
// explicitly yields no channel.
std::optional<PowerSelection> select_job_power(const PreparedJob& job, const Executable& exe) {
  if (job.spec.power == "none") return std::nullopt;
  PowerEnvironment env;
  if (wants_power_model(job.spec.power)) env.model = power_model_of(exe, std::string(job.backend->name()));
  try {
    return select_power_sources(job.spec.power, env);
  } catch (const std::invalid_argument& e) {
    throw InvalidJob(e.what());
  }
}

}  // namespace

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
  BuiltWorkload built = build_workload(workloads, spec.model, spec.task, spec.batch);
  job.backend = &resolve_backend(job.spec, backends);
  try {
    check_backend_options(backends, job.spec.compile.extra);
    job.backend->check_options(job.spec.compile);
  } catch (const std::invalid_argument& e) {
    throw InvalidJob(fmt::format("--backend-option: {}", e.what()));
  }
  job.fallback = &backends.reference();
  job.model = prepare_model(std::move(built), ModelRequest{spec.model, spec.task, spec.batch, spec.seed, std::nullopt,
                                                           spec.weights_file, spec.samples});
  job.host = make_host_fallback(backends);
  const Graph& graph = job.model.built.graph;

  WorkloadFacts& w = job.facts;
  w.model = spec.model;
  w.task = job.model.built.task;
  w.batch = spec.batch;
  for (const auto& in : graph.inputs) w.inputs.emplace_back(in, graph.info(in).shape);
  w.input_seed = spec.seed;
  w.params = graph.param_count();
  w.macs = graph.mac_count();
  if (spec.weights_file) {
    w.weights.kind = WeightsSource::Kind::file;
    w.weights.path = spec.weights_file->string();
  } else {
    w.weights.kind = WeightsSource::Kind::seeded;
    w.weights.seed = spec.seed;
  }
  w.weights.hash = weights_hash(job.model.weights);
  try {
    check_accuracy_spec(spec.accuracy, spec.model, graph);  // a data set that cannot fit fails now, not after the timed run
  } catch (const std::invalid_argument& e) {
    throw InvalidJob(e.what());
  }
  if (spec.power != "none") check_power_request(job);
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
  r.backend.resolved_options = job.backend->resolved_options(spec.compile).strings();  // what the backend reads
  r.scenario.settings = spec.measure;
  return r;
}

CompiledModel compile_job(const PreparedJob& job, ResultRecord& r, const RunHooks& hooks) {
  const JobSpec& spec = job.spec;
  if (hooks.say)
    hooks.say(fmt::format("compiling {} for {} ({})", spec.model, job.backend->name(), precision_name(spec.compile.precision)));
  CompiledModel compiled = compile_prepared(job.model, *job.backend, *job.host, spec.compile);
  compiled.executable = with_host_postprocess(std::move(compiled.executable), *job.model.built.workload, job.model.folded.graph);
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
  const Graph& graph = job.model.built.graph;
  if (spec.measure.profile_runs > 0 && !timings.interrupted)
    r.profile = ProfileFacts{spec.measure.profile_runs, profile_nodes(*compiled.executable, job.model.pool, spec.measure.profile_runs)};
  // Accuracy mode: untimed, on the executable already compiled, before it is freed.
  r.accuracy = evaluate_accuracy({spec.accuracy, spec.model, graph, job.model.folded.graph, job.model.folded.weights, job.model.inputs(), spec.seed,
                                  timings.outputs, *compiled.executable, *job.backend, spec.compile.precision, *job.fallback,
                                  timings.interrupted});
  // The executable's facts of its last run (e.g. fpga.last_run.*: cycles, fixed-point wraps)
  // join its compile-time facts.
  for (auto& [key, value] : compiled.executable->info()) r.backend.executable_info.insert_or_assign(key, value);
  compiled.executable.reset();  // free the backend's memory before post-processing
  r.timing = make_timing_facts(compiled, timings, spec.batch);
  r.scenario = make_scenario_facts(spec.measure, job.model.pool, timings);

  r.outputs.provenance = Provenance::measured(
      fmt::format("computed by backend '{}' ({}) on this host", job.backend->name(), precision_name(spec.compile.precision)));
  for (std::size_t i = 0; i < timings.outputs.size() && i < graph.outputs.size(); ++i)
    r.outputs.tensors.push_back(summarize_output(graph.outputs[i], timings.outputs[i]));
  r.outputs.workload = job.model.built.workload->describe_outputs(graph, job.model.weights, job.model.inputs(), timings.outputs);

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
  std::optional<PowerSelection> power = select_job_power(job, *compiled.executable);
  // `--power model` on a simulated device: its energy is the model's power over the
  // modeled time (prepare_job made sure no other source was asked for).
  std::optional<PowerModelInfo> model_only;
  if (power && wants_power_model(spec.power) && job.backend->power_model_use(spec.compile) == PowerModelUse::modeled_time)
    model_only = compiled.executable->power_model();
  if (hooks.say) hooks.say(running_line(spec, job.model.pool));
  TimedPhase phase(*compiled.executable, job.model.pool, spec.measure, hooks.interrupt);
  phase.first_inference();
  if (power) {
    r.power = PowerFacts{};
    r.power->selection = to_json(*power);
    unavailable = power->unavailable;
    if (power->sources.empty()) {
      r.power->not_measured = "no power source could be used here (see selection.unavailable)";
    } else if (!model_only) {
      SamplerOptions options;
      options.period = spec.power_period;
      sampler = std::make_unique<PowerSampler>(std::move(power->sources), options);
    }
    power.reset();
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
  r.scenario.sample_seeds = job.model.pool.seeds;
  r.validity.fail(kFailedReason);
  r.validity.error = std::string(error);
  return r;
}

ResultRecord run_job(PreparedJob& job, const ProgressFn& progress) {
  RunHooks hooks;
  hooks.say = progress;
  return run_job(job, hooks);
}

namespace {

std::vector<ResultRecord> run_interleaved(std::vector<PreparedJob>& jobs, const RunHooks& hooks) {
  const std::size_t n = jobs.size();
  std::vector<ResultRecord> records;
  std::vector<CompiledModel> compiled(n);
  std::vector<std::unique_ptr<TimedPhase>> phases(n);
  std::vector<std::string> failures(n);  // non-empty: the job threw this, and is out of the rotation
  std::vector<std::optional<PowerSelection>> power(n);  // recorded, not sampled
  records.reserve(n);
  const auto fail = [&](std::size_t i, const std::exception& e) {
    failures[i] = e.what();
    phases[i].reset();
    power[i].reset();  // its model source reads the executable
    compiled[i].executable.reset();
  };
  for (std::size_t i = 0; i < n; ++i) {
    PreparedJob& job = jobs[i];
    records.push_back(start_record(job));
    try {
      compiled[i] = compile_job(job, records.back(), hooks);
      power[i] = select_job_power(job, *compiled[i].executable);
      if (hooks.say) hooks.say(running_line(job.spec, job.model.pool) + ", interleaved");
      phases[i] = std::make_unique<TimedPhase>(*compiled[i].executable, job.model.pool, job.spec.measure, hooks.interrupt);
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
    if (power[i]) {
      records[i].power = PowerFacts{};
      records[i].power->selection = to_json(*power[i]);
      records[i].power->not_measured = "backends were interleaved (--interleave), so energy cannot be "
                                       "attributed to one of them";
      power[i].reset();
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

std::vector<ResultRecord> run_sequential(std::vector<PreparedJob>& jobs, const RunPolicy& policy, const JobHooks& hooks) {
  std::vector<ResultRecord> records;
  const RunHooks& run = hooks.run;
  for (std::size_t i = 0; i < jobs.size() && !interrupted(run.interrupt); ++i) {
    if (i > 0 && policy.cool_down.count() > 0) {
      if (run.say) run.say(fmt::format("cooldown {:g} s", std::chrono::duration<double>(policy.cool_down).count()));
      cool_down(policy.cool_down, run.interrupt);
      if (interrupted(run.interrupt)) break;
    }
    if (hooks.on_start) hooks.on_start(i);
    if (!policy.keep_going) {
      records.push_back(run_job(jobs[i], run));
    } else {
      // One job's failure must not cost the others' results: it is recorded (INVALID,
      // "failed", with the error) and the next job runs.
      try {
        records.push_back(run_job(jobs[i], run));
      } catch (const std::exception& e) {
        if (hooks.on_failure) hooks.on_failure(i, e.what());
        records.push_back(failed_record(jobs[i], e.what()));
      }
    }
    // At once, so that a later job's failure or Ctrl-C does not lose it.
    if (hooks.on_record) hooks.on_record(i, records.back());
  }
  return records;
}

}  // namespace

std::vector<ResultRecord> run_jobs(std::vector<PreparedJob>& jobs, const RunPolicy& policy, const JobHooks& hooks) {
  if (policy.order == RunPolicy::Order::sequential) return run_sequential(jobs, policy, hooks);
  std::vector<ResultRecord> records = run_interleaved(jobs, hooks.run);
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (hooks.on_failure && !records[i].validity.error.empty()) hooks.on_failure(i, records[i].validity.error);
    if (hooks.on_record) hooks.on_record(i, records[i]);
  }
  return records;
}

}  // namespace eb::bench
