#include "bench/job.h"

#include <algorithm>

#include <fmt/format.h>

#include "bench/weights_hash.h"
#include "core/safetensors.h"

namespace eb::bench {
namespace {

const Backend& resolve_backend(const JobSpec& spec, const BackendRegistry& backends) {
  const Backend* b = nullptr;
  try {
    b = spec.backend.empty() ? &default_backend(backends) : &backends.get(spec.backend);
  } catch (const std::invalid_argument& e) {
    throw InvalidJob(e.what());
  }
  const auto precisions = b->precisions();
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

}  // namespace

BuiltWorkload build_workload(const WorkloadRegistry& workloads, const std::string& model, const std::string& task, int batch) {
  if (batch < 1) throw InvalidJob(fmt::format("batch must be at least 1 (got {})", batch));
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
  if (spec.run.iterations < 1) throw InvalidJob(fmt::format("iterations must be at least 1 (got {})", spec.run.iterations));
  if (spec.run.warmup < 0) throw InvalidJob(fmt::format("warm-up runs must not be negative (got {})", spec.run.warmup));

  PreparedJob job;
  job.spec = spec;
  job.built = build_workload(workloads, spec.model, spec.task, spec.batch);
  job.backend = &resolve_backend(spec, backends);
  job.fallback = &backends.reference();
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
  job.inputs = job.built.workload->make_inputs(graph, spec.seed);
  job.folded = fold_batch_norm(graph, job.weights);
  return job;
}

ResultRecord run_job(const PreparedJob& job, const ProgressFn& progress) {
  const auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  const JobSpec& spec = job.spec;
  const Backend& backend = *job.backend;
  const Graph& graph = job.built.graph;

  ResultRecord r;
  r.tool = this_tool();
  r.created = utc_now_iso8601();
  r.command_line = spec.command_line;
  r.host = collect_host_info();
  r.workload = job.facts;
  r.backend.name = std::string(backend.name());
  r.backend.device = backend.probe().device;
  r.backend.options = spec.compile;
  r.scenario.settings = spec.run;

  say(fmt::format("compiling {} for {} ({})", spec.model, backend.name(), precision_name(spec.compile.precision)));
  CompiledModel compiled = compile_model(job.folded.graph, job.folded.weights, backend, *job.fallback, spec.compile);
  r.backend.plan = compiled.plan;
  r.backend.executable_info = compiled.info;

  say(fmt::format("running: first inference, {} warm-up, {} timed", spec.run.warmup, spec.run.iterations));
  const Timings timings = time_single_stream(*compiled.executable, job.inputs, spec.run);
  compiled.executable.reset();  // free the backend's memory before post-processing
  r.timing = make_timing_facts(compiled, timings, spec.batch);

  r.outputs.provenance = Provenance::measured(
      fmt::format("computed by backend '{}' ({}) on this host", backend.name(), precision_name(spec.compile.precision)));
  for (std::size_t i = 0; i < timings.outputs.size() && i < graph.outputs.size(); ++i)
    r.outputs.tensors.push_back(summarize_output(graph.outputs[i], timings.outputs[i]));
  r.outputs.workload = job.built.workload->describe_outputs(graph, job.weights, job.inputs, timings.outputs);

  r.validity = judge_validity(timings, spec.run, r.outputs.tensors, compiled.plan);
  return r;
}

}  // namespace eb::bench
