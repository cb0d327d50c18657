#include "backends/onnxruntime/onnxruntime_backend.h"

#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <span>
#include <utility>
#include <optional>
#include <random>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "backends/edgetpu/calibration.h"
#include "backends/edgetpu/options.h"
#include "backends/onnxruntime/peer_process.h"
#include "export/onnx/onnx_export.h"

namespace eb {
namespace {

namespace fs = std::filesystem;

std::string peer_script() {
  if (const char* env = std::getenv("EB_PEER_RUN"); env != nullptr && *env != '\0') return env;
  return EB_PEER_RUN_DEFAULT;
}

// The cpu backend's default: every CPU this process may run on.
int default_threads() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return 1;
}

// A private scratch folder for the exported model and the peer's stderr.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / fmt::format("eb-onnxruntime-{:x}{:x}", rd(), rd());
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& file, std::span<const std::byte> bytes, const std::string& what) {
  std::ofstream f(file, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("onnxruntime: cannot write " + what + " to " + file.string());
}

// The calibration inputs of an int8 session: the edgetpu backend's representative inputs
// (the same seeded samples its own quantisation is calibrated on), every sample's inputs
// in graph order as raw float32, the layout tools/peer_run.py --int8 reads.
void write_calibration(const fs::path& file, const Graph& graph, const edgetpu::CalibrationSettings& s) {
  std::ofstream f(file, std::ios::binary);
  for (int k = 0; k < s.samples; ++k)
    for (const Tensor& t : edgetpu::representative_inputs(graph, s, k)) {
      const auto bytes = t.bytes();
      f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
  if (!f) throw std::runtime_error("onnxruntime: cannot write the calibration inputs to " + file.string());
}

// "QuantizeLinear 12, DequantizeLinear 40, ..." from the peer's op counts, most first.
std::string op_counts(const nlohmann::json& ops) {
  std::vector<std::pair<int, std::string>> v;
  for (const auto& [op, n] : ops.items()) v.emplace_back(n.get<int>(), op);
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::string out;
  for (const auto& [n, op] : v) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", op, n);
  return out;
}

class PeerExecutable final : public Executable {
 public:
  // With `int8`, the peer quantises the exported model with ONNX Runtime's static
  // quantisation, calibrated on those settings' representative inputs, and runs that.
  PeerExecutable(const Graph& graph, const Weights& weights, int threads, bool spinning,
                 const std::optional<edgetpu::CalibrationSettings>& int8)
      : scratch_(std::make_unique<ScratchDir>()) {
    for (const auto& n : graph.inputs) input_shapes_.push_back(graph.info(n).shape);
    for (const auto& n : graph.outputs) output_shapes_.push_back(graph.info(n).shape);
    const auto model = onnx_export::export_onnx(graph, weights, "edgebench onnxruntime peer: " + graph.name);
    const fs::path file = scratch_->path() / "model.onnx";
    write_file(file, std::as_bytes(std::span(model.bytes)), "the exported model");
    std::vector<std::string> argv{"python3", peer_script(), "--serve", file.string(), "--threads", std::to_string(threads), "--spinning",
                                  spinning ? "on" : "off"};
    if (int8) {
      const fs::path calibration = scratch_->path() / "calibration.bin";
      write_calibration(calibration, graph, *int8);
      argv.insert(argv.end(), {"--int8", calibration.string(), "--calibration-samples", std::to_string(int8->samples)});
    }
    process_ = std::make_unique<peer::PeerProcess>(argv, scratch_->path() / "stderr");
    const auto ready = nlohmann::json::parse(process_->read_line(), nullptr, false);
    if (!ready.is_object() || ready.contains("error") || !ready.value("ready", false))
      throw std::runtime_error("onnxruntime: the peer did not start: " +
                               (ready.is_object() && ready.contains("error") ? ready["error"].get<std::string>() : process_->last_error_line()));
    version_ = ready.value("version", "?");
    info_ = {{"onnxruntime.runtime", "onnxruntime " + version_},
             {"onnxruntime.execution_provider", "CPUExecutionProvider"},
             {"onnxruntime.graph_optimization", "ORT_ENABLE_ALL"},
             {"onnxruntime.intra_op_threads", std::to_string(threads)},
             {"onnxruntime.inter_op_threads", "1"},
             {"onnxruntime.intra_op_spinning", spinning ? "on (ONNX Runtime's default)" : "off"},
             {"onnxruntime.model", fmt::format("exported by edgebench (export/onnx, opset {}, {} nodes)", onnx_export::kOpset, model.nodes)},
             {"onnxruntime.latency", "InferenceSession.run timed in the peer process (time.perf_counter_ns); tensors are exchanged outside it"},
             {"onnxruntime.peer", "tools/peer_run.py"}};
    if (int8) {
      const auto q = ready.value("quantization", nlohmann::json::object());
      info_["precision"] = "int8";
      info_["precision.reason"] = "requested: ONNX Runtime's post-training static quantisation of the exported float graph";
      info_["onnxruntime.quantization"] =
          "onnxruntime.quantization.quantize_static: QDQ format, int8 weights per output channel (symmetric), int8 activations per "
          "tensor (asymmetric), MinMax calibration, reduce_range off, no pre-processing";
      info_["onnxruntime.quantization.calibration"] = fmt::format(
          "{} samples, the edgetpu backend's representative inputs (seed {}, range [{}, {}])", int8->samples, int8->seed,
          int8->input_lo, int8->input_hi);
      info_["onnxruntime.quantization.ops"] = q.contains("ops") ? op_counts(q["ops"]) : "?";
    } else {
      info_["precision"] = "fp32";
    }
  }

  std::vector<Tensor> run(std::span<const Tensor> inputs) override {
    if (inputs.size() != input_shapes_.size())
      throw std::invalid_argument(fmt::format("onnxruntime: {} inputs given, the graph takes {}", inputs.size(), input_shapes_.size()));
    for (std::size_t i = 0; i < inputs.size(); ++i)
      if (inputs[i].dtype() != DType::f32 || inputs[i].shape() != input_shapes_[i])
        throw std::invalid_argument(fmt::format("onnxruntime: input {} must be f32 {}", i, to_string(input_shapes_[i])));
    process_->write(std::string("run\n"));
    for (const Tensor& t : inputs) process_->write(t.bytes());
    const auto reply = nlohmann::json::parse(process_->read_line(), nullptr, false);
    if (!reply.is_object() || !reply.contains("ns"))
      throw std::runtime_error("onnxruntime: " + (reply.is_object() && reply.contains("error") ? reply["error"].get<std::string>()
                                                                                               : "the peer answered nonsense"));
    const auto shapes = reply.value("shapes", nlohmann::json::array());
    std::vector<Tensor> out;
    for (std::size_t i = 0; i < output_shapes_.size(); ++i) {
      if (i >= shapes.size() || shapes[i].get<Shape>() != output_shapes_[i])
        throw std::runtime_error(fmt::format("onnxruntime: output {} does not have the graph's shape {}", i, to_string(output_shapes_[i])));
      Tensor t(DType::f32, output_shapes_[i]);
      process_->read_exact(t.bytes());
      out.push_back(std::move(t));
    }
    last_ns_ = reply["ns"].get<double>();
    return out;
  }

  std::optional<DeviceTime> last_device_time() const override {
    if (!last_ns_) return std::nullopt;
    return DeviceTime{*last_ns_, Provenance::measured(std::string(kPeerTimeSource) + "onnxruntime " + version_ +
                                                      " InferenceSession.run, time.perf_counter_ns")};
  }

  std::map<std::string, std::string> info() const override { return info_; }

 private:
  std::unique_ptr<ScratchDir> scratch_;  // declared first: removed after the peer has quit
  std::unique_ptr<peer::PeerProcess> process_;
  std::vector<Shape> input_shapes_, output_shapes_;
  std::string version_;
  std::map<std::string, std::string> info_;
  std::optional<double> last_ns_;
};

class OnnxRuntimeBackend final : public Backend {
 public:
  std::string_view name() const override { return "onnxruntime"; }
  std::string_view description() const override {
    return "peer: ONNX Runtime (CPU execution provider, graph optimisation ALL) on the exported ONNX graph, via tools/peer_run.py; "
           "int8: ONNX Runtime's QDQ static quantisation calibrated on the edgetpu backend's samples";
  }

  Probe probe() const override {
    std::call_once(probed_, [this] { probe_ = find_runtime(); });
    return *probe_;
  }

  std::vector<Precision> precisions() const override { return {Precision::fp32, Precision::int8}; }

  std::string unsupported_reason(const Graph&, const Node&, const CompileOptions&) const override { return {}; }

  std::vector<OptionSpec> options() const override {
    return {{.key = "onnxruntime.spinning", .type = OptionType::choice, .default_value = "on",
             .help = "ONNX Runtime's intra-op thread spinning", .choices = {"on", "off"}},
            {.key = "onnxruntime.calibration", .type = OptionType::integer,
             .default_value = std::to_string(edgetpu::CalibrationSettings{}.samples),
             .help = "--precision int8: calibration samples (the edgetpu backend's representative inputs)", .min = 1, .max = 10000}};
  }

  std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights, const CompileOptions& options) const override {
    if (const Probe p = probe(); !p.available) throw std::runtime_error("onnxruntime: " + p.reason);
    std::optional<edgetpu::CalibrationSettings> int8;
    const ResolvedOptions settings = resolved_options(options);
    if (options.precision == Precision::int8) int8 = calibration(settings);
    else if (options.precision != Precision::fp32)
      throw std::invalid_argument(fmt::format("onnxruntime: precision {} is not supported (fp32, int8)", precision_name(options.precision)));
    return std::make_unique<PeerExecutable>(graph, weights, options.threads > 0 ? options.threads : default_threads(),
                                            settings.get_choice("onnxruntime.spinning") == "on", int8);
  }

 private:
  // The calibration of --precision int8: the edgetpu backend's defaults (so both quantise
  // on the same samples) with `onnxruntime.calibration=SAMPLES` as its edgetpu.calibration.
  static edgetpu::CalibrationSettings calibration(const ResolvedOptions& settings) {
    auto c = edgetpu::calibration_settings({});
    c.samples = static_cast<int>(settings.get_int("onnxruntime.calibration"));
    return c;
  }

  static Probe find_runtime() {
    Probe p;
    if (!onnx_export::onnx_export_available()) {
      p.reason = onnx_export::onnx_export_unavailable_reason();
      return p;
    }
    const std::string script = peer_script();
    if (!fs::exists(script)) {
      p.reason = "the peer script " + script + " is missing (set EB_PEER_RUN)";
      return p;
    }
    const std::string cmd = "python3 '" + script + "' --probe 2>&1";
    std::string text;
    if (FILE* f = ::popen(cmd.c_str(), "r")) {
      char buf[1024];
      while (std::fgets(buf, sizeof buf, f) != nullptr) text += buf;
      ::pclose(f);
    }
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("version")) {
      while (!text.empty() && text.back() == '\n') text.pop_back();
      p.reason = text.empty() ? "python3 could not run " + script : text.substr(text.rfind('\n') + 1);
      if (p.reason.find("pip install") == std::string::npos) p.reason += " (pip install onnxruntime)";
      return p;
    }
    p.available = true;
    p.device = fmt::format("ONNX Runtime {} (CPU execution provider; python {}, {} threads by default)", j["version"].get<std::string>(),
                           j.value("python", "?"), default_threads());
    return p;
  }

  mutable std::once_flag probed_;
  mutable std::optional<Probe> probe_;
};

}  // namespace

std::unique_ptr<Backend> make_onnxruntime_backend() { return std::make_unique<OnnxRuntimeBackend>(); }

}  // namespace eb
