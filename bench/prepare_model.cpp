#include "bench/prepare_model.h"

#include <unistd.h>

#include <fmt/format.h>

#include "core/safetensors.h"

namespace eb::bench {
namespace {

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

// The input samples are allocated up front; a batch (times the samples) that cannot fit in
// memory is a usage error with the figures, not a std::bad_alloc later.
void check_input_memory(const Graph& graph, int batch, int samples) {
  double bytes = 0;
  for (const auto& in : graph.inputs) bytes += static_cast<double>(numel(graph.info(in).shape)) * 4.0;
  bytes *= samples;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  const double limit = pages > 0 && page > 0 ? 0.5 * static_cast<double>(pages) * static_cast<double>(page) : 0;
  if (limit > 0 && bytes > limit)
    throw InvalidJob(fmt::format("batch {} with {} input samples needs {:.1f} GB of inputs, above the limit of half this "
                                 "machine's memory ({:.1f} GB): lower --batch or --samples",
                                 batch, samples, bytes * 1e-9, limit * 1e-9));
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

PreparedModel prepare_model(const WorkloadRegistry& workloads, const ModelRequest& request) {
  return prepare_model(build_workload(workloads, request.model, request.task, request.batch), request);
}

PreparedModel prepare_model(BuiltWorkload built, const ModelRequest& request) {
  if (request.samples < 0) throw InvalidJob(fmt::format("samples must not be negative (got {})", request.samples));
  PreparedModel m;
  m.built = std::move(built);
  const Graph& graph = m.built.graph;
  const Workload& w = *m.built.workload;
  m.weights = request.weights_file ? load_weights_for(*request.weights_file, graph, request.model)
                                   : w.make_weights(graph, request.seed);
  check_input_memory(graph, request.batch, request.samples);
  const std::uint64_t input_seed = request.input_seed.value_or(request.seed);
  for (int i = 0; i < request.samples; ++i) {
    const std::uint64_t seed = input_seed + static_cast<std::uint64_t>(i);
    m.pool.samples.push_back(w.make_inputs(graph, seed));
    m.pool.seeds.push_back(seed);
  }
  m.folded = fold_batch_norm(graph, m.weights);
  return m;
}

CompiledModel compile_prepared(const PreparedModel& model, const Backend& backend, const Backend& fallback,
                               const CompileOptions& options) {
  return compile_model(model.folded.graph, model.folded.weights, backend, fallback, options);
}

}  // namespace eb::bench
