#include "backends/cpu/cpu_backend.h"

#include <fstream>
#include <string>

#include <fmt/format.h>

#include "backends/cpu/context.h"
#include "backends/cpu/executable.h"
#include "backends/cpu/int8_lowering.h"
#include "backends/cpu/lower.h"
#include "backends/cpu/power_model.h"
#include "backends/cpu/precision.h"
#include "backends/edgetpu/calibration.h"
#include "backends/edgetpu/options.h"

namespace eb {
namespace {

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("model name")) {
      const auto at = line.find_first_not_of(" \t", line.find(':') + 1);
      return at == std::string::npos ? "" : line.substr(at);
    }
  return "unknown CPU";
}

std::string onednn_version() {
  const dnnl_version_t* v = dnnl_version();
  return fmt::format("{}.{}.{}", v->major, v->minor, v->patch);
}

// Every tensor a node touches must be f32 and of rank 1..6 (the formats the lowering
// recognises); convolution weights must be weights, so they can be reordered at compile
// time. Empty when the node is supported, else why not.
std::string unsupported_reason(const Graph& graph, const Node& node) {
  auto why = [&](const std::string& t) -> std::string {
    const TensorInfo& info = graph.info(t);
    if (info.dtype != DType::f32) return "tensor '" + t + "' is " + std::string(dtype_name(info.dtype)) + " (f32 only)";
    if (info.shape.size() > 6) return "tensor '" + t + "' has rank " + std::to_string(info.shape.size()) + " (at most 6)";
    return {};
  };
  for (const auto& in : node.inputs)
    if (auto w = why(in); !w.empty()) return w;
  if (auto w = why(node.name); !w.empty()) return w;
  if (node.op == OpKind::conv2d && !graph.is_weight(node.inputs[1])) return "filter '" + node.inputs[1] + "' is computed at run time (a weight only)";
  return {};
}

std::string implementations_summary(const std::map<std::string, int>& impls) {
  std::string s;
  for (const auto& [name, n] : impls) s += (s.empty() ? "" : ", ") + fmt::format("{} x{}", name, n);
  return s;
}

// The int8 graph: the edgetpu backend's, from the same calibration settings (the
// "edgetpu.calibration*" options, so that both backends quantise alike when given them).
cpu::Int8Lowering lower_int8(cpu::Context& ctx, const Graph& graph, const Weights& weights, const CompileOptions& options,
                             const ResolvedOptions& settings, std::map<std::string, std::string>& info) {
  const auto calibration = edgetpu::calibration_settings(options.extra);
  info["cpu.int8.calibration"] = fmt::format("{} samples, seed {}, input range [{}, {}] (the edgetpu backend's)",
                                         calibration.samples, calibration.seed, calibration.input_lo, calibration.input_hi);
  info["cpu.int8.quantization"] =
      "the edgetpu backend's graph: weights int8 per-channel symmetric, activations int8 per-tensor asymmetric, biases "
      "int32";
  try {
    const edgetpu::QuantizedProgram qprogram(graph, weights, edgetpu::calibrate(graph, weights, calibration));
    const auto requantize =
        settings.get_choice("cpu.int8.requantize") == "tflite" ? cpu::Int8Requantize::tflite : cpu::Int8Requantize::onednn;
    info["cpu.int8.requantize"] = requantize == cpu::Int8Requantize::onednn
                                  ? "onednn (f32 scale, round to nearest even: within 1 LSB of TFLite's per layer)"
                                  : "tflite (int32 accumulator from oneDNN, TFLite's fixed-point requantisation on the host)";
    return cpu::lower_int8(ctx, graph, weights, qprogram, requantize);
  } catch (const std::invalid_argument& e) {
    // A node the shared int8 graph has no form for (layernorm, softmax, GELU, attention, moe).
    throw std::invalid_argument(std::string("cpu backend: no int8 form of this graph: ") + e.what());
  }
}

class CpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "cpu"; }
  std::string_view description() const override {
    return "oneDNN primitives on the host CPU (fp32; bf16 and int8 where the CPU has them; blocked layouts, fused "
           "post-ops, planned memory)";
  }

  Probe probe() const override {
    Probe p;
    try {
      const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
      const auto caps = cpu::detect_capabilities(engine);
      if (!caps.has_jit()) {
        p.reason = fmt::format("oneDNN {} has no JIT kernels for this CPU (instruction set '{}', fp32 matmul '{}'): "
                               "it needs SSE4.1 or newer (AVX2 or newer for useful speed)",
                               onednn_version(), caps.isa, caps.fp32_impl);
        p.device = cpu_model_name();
        return p;
      }
      p.available = true;
      p.device = fmt::format("{} ({} threads, oneDNN {} {}; {})", cpu_model_name(), cpu::default_threads(),
                             onednn_version(), caps.isa, cpu::precision_notes(caps));
    } catch (const std::exception& e) {
      p.reason = std::string("oneDNN has no CPU engine here: ") + e.what();
    }
    return p;
  }

  // What this CPU runs (precision.h); `edgebench list` shows the device line's reasons.
  std::vector<Precision> precisions() const override {
    try {
      return cpu::runnable_precisions(cpu::detect_capabilities(dnnl::engine(dnnl::engine::kind::cpu, 0)));
    } catch (const std::exception&) {
      return {Precision::fp32};
    }
  }
  std::vector<OptionSpec> options() const override {
    return {{.key = "cpu.tdp_watts", .type = OptionType::number,
             .help = "the CPU's TDP in watts: enables the TDP power model (--power model)", .min = 0, .max = 1000,
             .min_exclusive = true},
            {.key = "cpu.int8.requantize", .type = OptionType::choice, .default_value = "onednn",
             .help = "--precision int8: requantise in oneDNN's output scales (fast, within 1 LSB per layer) or TFLite's "
                     "fixed-point way on the host (bit-exact with the edgetpu simulation); calibration: edgetpu.calibration*",
             .choices = {"onednn", "tflite"}}};
  }
  // The TDP model needs the CPU's TDP, which the OS does not give (cpu.tdp_watts); int8
  // takes cpu.int8.requantize and the edgetpu backend's calibration settings, whose range
  // (lo < hi) is the one thing here a declaration cannot say.
  void check_options(const CompileOptions& options) const override {
    if (options.precision == Precision::int8) (void)edgetpu::calibration_settings(options.extra);
  }
  PowerModelUse power_model_use(const CompileOptions& options) const override {
    return resolved_options(options).has("cpu.tdp_watts") ? PowerModelUse::wall_time : PowerModelUse::none;
  }

  std::string unsupported_reason(const Graph& graph, const Node& node, const CompileOptions&) const override {
    return eb::unsupported_reason(graph, node);
  }

  std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights,
                                      const CompileOptions& options) const override {
    const ResolvedOptions settings = resolved_options(options);
    cpu::Context ctx;
    ctx.threads = options.threads > 0 ? options.threads : cpu::default_threads();
    const cpu::ThreadScope scope(ctx.threads);
    const auto caps = cpu::detect_capabilities(ctx.engine);
    const auto choice = cpu::choose_precision(options.precision, caps);
    for (const Node& n : graph.nodes)
      if (const std::string why = eb::unsupported_reason(graph, n); !why.empty())
        throw std::invalid_argument("cpu backend: node '" + n.name + "' (" + std::string(op_name(n.op)) + ") is not supported: " + why);

    std::map<std::string, std::string> info;
    info["precision"] = std::string(precision_name(choice.precision));
    info["precision.requested"] = std::string(precision_name(options.precision));
    info["precision.reason"] = choice.reason;
    if (choice.precision == Precision::bf16) ctx.compute_type = dnnl::memory::data_type::bf16;
    cpu::Program program;
    if (choice.precision == Precision::int8) {
      auto lowered = lower_int8(ctx, graph, weights, options, settings, info);
      program = std::move(lowered.program);
      info.merge(lowered.info);
    } else {
      program = cpu::lower_graph(ctx, graph, weights);
    }
    info["cpu.isa"] = caps.isa;
    info["threads"] = std::to_string(ctx.threads);
    info["cpu.onednn"] = onednn_version();
    info["cpu.memory.arena_bytes"] = std::to_string(program.arena_bytes);
    info["cpu.memory.unplanned_bytes"] = std::to_string(program.unplanned_bytes);
    info["cpu.memory.scratchpad_bytes"] = std::to_string(program.scratchpad_bytes);
    info["cpu.memory.constant_bytes"] = std::to_string(program.constant_bytes);
    info["cpu.reorders"] = std::to_string(program.reorders);
    info["cpu.sums.in_place"] = std::to_string(program.sums_in_place);
    info["cpu.sums.copied"] = std::to_string(program.sum_copies);
    info["cpu.steps.single_thread"] = std::to_string(program.single_thread_steps);
    info["cpu.steps"] = std::to_string(program.steps.size());
    info["cpu.implementations"] = implementations_summary(program.implementations);
    // Which kernel (and so which instruction set) each kind of primitive ran on.
    for (const auto& [op, impls] : program.implementations_by_op) info["cpu.implementations." + op] = implementations_summary(impls);
    info["cpu.threads.wait_policy"] = cpu::openmp_wait_policy();
    std::optional<cpu::TdpPowerModel> power;
    if (settings.has("cpu.tdp_watts")) {
      power = cpu::host_power_model(settings.get_double("cpu.tdp_watts"));
      info["power.model"] = power->description();
    }

    std::vector<Shape> in_shapes, out_shapes;
    for (const auto& t : graph.inputs) in_shapes.push_back(graph.info(t).shape);
    for (const auto& t : graph.outputs) out_shapes.push_back(graph.info(t).shape);
    auto exe = std::make_unique<cpu::CpuExecutable>(std::move(ctx), std::move(program), std::move(in_shapes),
                                                     std::move(out_shapes), std::move(info));
    if (power) exe->set_power_model(*power);
    return exe;
  }
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() { return std::make_unique<CpuBackend>(); }

}  // namespace eb
