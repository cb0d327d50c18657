#include "backends/gpu/executable.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "backends/gpu/arena.h"
#include "backends/gpu/device_info.h"
#include "backends/gpu/kernels.h"
#include "backends/gpu/ops/ops.h"
#include "backends/gpu/run_profile.h"
#include "backends/gpu/support.h"

namespace eb::gpu {
namespace {

std::string conv_algo_name(cudnnConvolutionFwdAlgo_t a) {
  switch (a) {
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM: return "implicit_gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM: return "implicit_precomp_gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_GEMM: return "gemm";
    case CUDNN_CONVOLUTION_FWD_ALGO_DIRECT: return "direct";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT: return "fft";
    case CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING: return "fft_tiling";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD: return "winograd";
    case CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED: return "winograd_nonfused";
    default: return "algo" + std::to_string(static_cast<int>(a));
  }
}

// "implicit_precomp_gemm×12, winograd×3" over the distinct geometries of this compile.
std::string summarize(const std::map<std::string, ConvAlgo>& algos) {
  std::map<std::string, int> count;
  int fallbacks = 0;
  for (const auto& [key, a] : algos) {
    ++count[conv_algo_name(a.algo)];
    if (!a.searched) ++fallbacks;
  }
  std::string s;
  for (const auto& [name, n] : count) s += (s.empty() ? "" : ", ") + name + "×" + std::to_string(n);
  if (fallbacks) s += " (" + std::to_string(fallbacks) + " without a qualifying candidate)";
  return s;
}

double elapsed_ns(const Event& from, const Event& to) {
  float ms = 0.0f;
  EB_GPU_CHECK(cudaEventElapsedTime(&ms, from.get(), to.get()));
  return static_cast<double>(ms) * 1e6;
}

}  // namespace

GpuExecutable::GpuExecutable(const Graph& graph, const Weights& weights, const GpuOptions& options)
    : graph_(graph), ctx_(options), weights_(weights, ctx_.stream()) {
  graph_.validate();
  CompileOptions as_compile;
  as_compile.precision = options.precision;
  for (const Node& n : graph_.nodes)
    if (const std::string why = unsupported_reason(graph_, n, as_compile); !why.empty())
      throw std::invalid_argument("gpu: node '" + n.name + "' (" + std::string(op_name(n.op)) + "): " + why);

  const DType t = ctx_.dtype();
  const std::size_t elt = dtype_size(t);
  const std::size_t n_nodes = graph_.nodes.size();

  // Reshape outputs share their input's memory; `root` maps an alias to the owner.
  std::map<std::string, std::string> root;
  const auto root_of = [&root](const std::string& name) {
    auto it = root.find(name);
    return it == root.end() ? name : it->second;
  };
  for (const Node& n : graph_.nodes)
    if (n.op == OpKind::reshape) root[n.name] = root_of(n.inputs[0]);

  // Lifetimes, in node indices, of every owner of arena memory (graph inputs and node
  // outputs); graph outputs stay live past the last node (index n_nodes) for the copy out.
  struct Live {
    std::size_t first, last, bytes;
  };
  std::map<std::string, Live> live;
  const auto bytes_of = [&](const std::string& name) { return static_cast<std::size_t>(numel(graph_.info(name).shape)) * elt; };
  for (const auto& in : graph_.inputs) live[in] = {0, 0, bytes_of(in)};
  for (std::size_t i = 0; i < n_nodes; ++i)
    if (graph_.nodes[i].op != OpKind::reshape) live[graph_.nodes[i].name] = {i, i, bytes_of(graph_.nodes[i].name)};
  for (std::size_t i = 0; i < n_nodes; ++i)
    for (const auto& in : graph_.nodes[i].inputs)
      if (auto it = live.find(root_of(in)); it != live.end()) it->second.last = std::max(it->second.last, i);
  for (const auto& out : graph_.outputs)
    if (auto it = live.find(root_of(out)); it != live.end()) it->second.last = n_nodes;

  std::vector<ArenaRequest> requests;
  std::vector<std::string> owners;
  for (const auto& [name, l] : live) {
    requests.push_back({l.bytes, l.first, l.last});
    owners.push_back(name);
  }
  const ArenaPlan plan = plan_arena(requests, kAlignment);
  arena_ = DeviceBuffer(plan.total);
  std::map<std::string, void*> slot;
  for (std::size_t i = 0; i < owners.size(); ++i) slot[owners[i]] = arena_.bytes_ptr() + plan.offsets[i];

  // Weights are read-only; the address is non-const only so that one function serves
  // outputs and operands alike.
  const auto address = [&](const std::string& name) -> void* {
    const std::string r = root_of(name);
    if (auto it = slot.find(r); it != slot.end()) return it->second;
    if (graph_.is_weight(r)) return const_cast<void*>(weights_.get(r, t));
    throw std::logic_error("gpu: tensor '" + name + "' of graph '" + graph_.name + "' has no device memory");
  };

  // Inputs: copied as f32; 16-bit precisions convert on the device, as part of compute.
  for (const auto& in : graph_.inputs) {
    const Shape& shape = graph_.info(in).shape;
    const std::size_t bytes = static_cast<std::size_t>(numel(shape)) * sizeof(float);
    Transfer tr{address(in), PinnedBuffer(bytes), bytes, shape};
    if (t != DType::f32) {
      staging_.emplace_back(bytes);
      const void* src = staging_.back().data();
      void* dst = tr.device;
      const kernels::i64 n = numel(shape);
      tr.device = staging_.back().data();
      steps_.push_back(make_step(in, "convert", [=](cudaStream_t s) { kernels::convert(src, DType::f32, dst, t, n, s); }));
    }
    inputs_.push_back(std::move(tr));
  }

  std::map<std::string, ConvAlgo> conv_algos;
  BuildEnv env{ctx_, graph_, weights_, scratch_, zeros_, address, conv_algos};
  for (const Node& n : graph_.nodes)
    for (auto& step : build_node(n, env)) steps_.push_back(std::move(step));

  for (const auto& out : graph_.outputs) {
    const Shape& shape = graph_.info(out).shape;
    const std::size_t bytes = static_cast<std::size_t>(numel(shape)) * sizeof(float);
    Transfer tr{address(out), PinnedBuffer(bytes), bytes, shape};
    if (t != DType::f32) {
      staging_.emplace_back(bytes);
      const void* src = tr.device;
      void* dst = staging_.back().data();
      const kernels::i64 n = numel(shape);
      tr.device = dst;
      steps_.push_back(make_step(out, "convert", [=](cudaStream_t s) { kernels::convert(src, t, dst, DType::f32, n, s); }));
    }
    outputs_.push_back(std::move(tr));
  }

  scratch_.finalize();
  zeros_.finalize(ctx_.stream());
  for (auto& e : events_) e = make_event();

  // Warm-up: loads every kernel module, lets cuDNN settle the fused path, and runs each
  // step once outside any capture. The arena starts zeroed so it computes on numbers.
  if (arena_.bytes() > 0) EB_GPU_CHECK(cudaMemsetAsync(arena_.data(), 0, arena_.bytes(), ctx_.stream()));
  for (auto& st : staging_) EB_GPU_CHECK(cudaMemsetAsync(st.data(), 0, st.bytes(), ctx_.stream()));
  for (auto& step : steps_) step->enqueue(ctx_.stream());
  EB_GPU_CHECK(cudaStreamSynchronize(ctx_.stream()));

  capture_graphs();

  info_["device"] = device_description(options.device);
  info_["precision"] = std::string(precision_name(options.precision));
  info_["gpu.tf32"] = options.tf32 ? "1" : "0";
  info_["gpu.memory.arena_bytes"] = std::to_string(plan.total);
  info_["gpu.memory.arena_unshared_bytes"] = std::to_string(plan.unshared);
  info_["gpu.memory.weight_bytes"] = std::to_string(weights_.bytes());
  info_["gpu.memory.scratch_bytes"] = std::to_string(scratch_.bytes());
  info_["gpu.memory.zero_bytes"] = std::to_string(zeros_.bytes());
  if (!conv_algos.empty()) info_["gpu.conv_algos"] = summarize(conv_algos);
  // How steps that had a choice ended up computing, per operator:
  // info["gpu.conv2d"] = "cudnn fused bias+relu×12, cudnn + epilogue kernel×74".
  std::map<std::string, std::map<std::string, int>> choices;
  for (const auto& step : steps_)
    if (std::string d = step->describe(); !d.empty()) ++choices[step->op()][d];
  for (const auto& [op, counts] : choices) {
    std::string line;
    for (const auto& [d, n] : counts) line += (line.empty() ? "" : ", ") + d + "×" + std::to_string(n);
    info_["gpu." + op] = line;
  }
  weights_.release_host();
  if (std::any_of(steps_.begin(), steps_.end(), [](const auto& s) { return !s->capturable(); }))
    info_["gpu.moe"] = "per-expert cuBLAS GEMMs sized by token counts read back each run (host synchronisation)";
}

GpuExecutable::~GpuExecutable() {
  // Members release device memory and handles; make sure the device is current and idle.
  // Errors are ignored: a destructor cannot report them.
  (void)cudaSetDevice(ctx_.device());
  (void)cudaStreamSynchronize(ctx_.stream());
}

void GpuExecutable::capture_graphs() {
  segments_.clear();
  for (std::size_t i = 0; i < steps_.size();) {
    std::size_t j = i + 1;
    if (steps_[i]->capturable())
      while (j < steps_.size() && steps_[j]->capturable()) ++j;
    segments_.push_back({i, j, GraphExec()});
    i = j;
  }
  std::size_t eager = 0;
  for (const auto& step : steps_) eager += step->capturable() ? 0 : 1;
  if (!ctx_.options().cuda_graph) {
    info_["gpu.cuda_graph"] = "off (option gpu.cuda_graph=0)";
    return;
  }
  const cudaStream_t s = ctx_.stream();
  std::size_t graphs = 0;
  for (Segment& seg : segments_) {
    if (!steps_[seg.begin]->capturable()) continue;
    std::string error;
    EB_GPU_CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    try {
      for (std::size_t i = seg.begin; i < seg.end; ++i) steps_[i]->enqueue(s);
    } catch (const std::exception& e) {
      error = e.what();
    }
    cudaGraph_t g = nullptr;
    const cudaError_t ended = cudaStreamEndCapture(s, &g);
    const CudaGraph owned(g);
    if (error.empty() && ended != cudaSuccess) error = std::string("cudaStreamEndCapture: ") + cudaGetErrorString(ended);
    if (error.empty()) {
      cudaGraphExec_t exec = nullptr;
      if (const cudaError_t r = cudaGraphInstantiate(&exec, g, 0); r != cudaSuccess)
        error = std::string("cudaGraphInstantiate: ") + cudaGetErrorString(r);
      else
        seg.graph = GraphExec(exec);
    }
    if (!error.empty()) {
      (void)cudaGetLastError();  // clear the error the failed capture recorded
      for (Segment& other : segments_) other.graph.reset();
      info_["gpu.cuda_graph"] = "off (capture failed: " + error + ")";
      return;
    }
    ++graphs;
  }
  // One replay now, so that a graph that cannot run fails the compile, not the first run.
  enqueue_compute(s);
  EB_GPU_CHECK(cudaStreamSynchronize(s));
  info_["gpu.cuda_graph"] = "on (" + std::to_string(graphs) + (graphs == 1 ? " graph, " : " graphs, ") + std::to_string(eager) +
                        " eager " + (eager == 1 ? "step" : "steps") + ")";
}

void GpuExecutable::enqueue_compute(cudaStream_t s) {
  if (profiling_) {
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      EB_GPU_CHECK(cudaEventRecord(step_events_[i].get(), s));
      steps_[i]->enqueue(s);
    }
    EB_GPU_CHECK(cudaEventRecord(step_events_[steps_.size()].get(), s));
    return;
  }
  for (const Segment& seg : segments_) {
    if (seg.graph) {
      EB_GPU_CHECK(cudaGraphLaunch(seg.graph.get(), s));
    } else {
      for (std::size_t i = seg.begin; i < seg.end; ++i) steps_[i]->enqueue(s);
    }
  }
}

void GpuExecutable::enable_profiling(bool on) {
  profiling_ = on;
  if (on && step_events_.size() != steps_.size() + 1) {
    ctx_.make_current();
    step_events_.clear();
    for (std::size_t i = 0; i <= steps_.size(); ++i) step_events_.push_back(make_event());
  }
}

std::vector<Tensor> GpuExecutable::run(std::span<const Tensor> inputs) {
  if (inputs.size() != inputs_.size())
    throw std::invalid_argument("gpu: graph '" + graph_.name + "' takes " + std::to_string(inputs_.size()) + " inputs, got " +
                                std::to_string(inputs.size()));
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Transfer& in = inputs_[i];
    if (inputs[i].shape() != in.shape)
      throw std::invalid_argument("gpu: input '" + graph_.inputs[i] + "' must be " + to_string(in.shape) + ", got " +
                                  to_string(inputs[i].shape()));
    if (in.bytes == 0) continue;
    if (inputs[i].dtype() == DType::f32) {
      std::memcpy(in.host.data(), inputs[i].bytes().data(), in.bytes);
    } else {
      const Tensor f = inputs[i].to(DType::f32);
      std::memcpy(in.host.data(), f.bytes().data(), in.bytes);
    }
  }

  ctx_.make_current();
  const cudaStream_t s = ctx_.stream();
  EB_GPU_CHECK(cudaEventRecord(events_[0].get(), s));
  for (const Transfer& in : inputs_)
    if (in.bytes) EB_GPU_CHECK(cudaMemcpyAsync(in.device, in.host.data(), in.bytes, cudaMemcpyHostToDevice, s));
  EB_GPU_CHECK(cudaEventRecord(events_[1].get(), s));
  enqueue_compute(s);
  EB_GPU_CHECK(cudaEventRecord(events_[2].get(), s));
  for (const Transfer& out : outputs_)
    if (out.bytes) EB_GPU_CHECK(cudaMemcpyAsync(out.host.data(), out.device, out.bytes, cudaMemcpyDeviceToHost, s));
  EB_GPU_CHECK(cudaEventRecord(events_[3].get(), s));
  EB_GPU_CHECK(cudaEventSynchronize(events_[3].get()));

  const Provenance prov = Provenance::measured("cuda_event");
  device_time_ = DeviceTime{.ns = elapsed_ns(events_[0], events_[3]), .provenance = prov};
  std::vector<StepTime> step_times;
  if (profiling_)
    for (std::size_t i = 0; i < steps_.size(); ++i)
      step_times.push_back({steps_[i]->node(), steps_[i]->op(), elapsed_ns(step_events_[i], step_events_[i + 1])});
  profile_ = run_profile(elapsed_ns(events_[0], events_[1]), elapsed_ns(events_[1], events_[2]),
                         elapsed_ns(events_[2], events_[3]), step_times, prov);

  std::vector<Tensor> outputs;
  outputs.reserve(outputs_.size());
  for (const Transfer& out : outputs_) {
    Tensor y(DType::f32, out.shape);
    if (out.bytes) std::memcpy(y.bytes().data(), out.host.data(), out.bytes);
    outputs.push_back(std::move(y));
  }
  return outputs;
}

}  // namespace eb::gpu
