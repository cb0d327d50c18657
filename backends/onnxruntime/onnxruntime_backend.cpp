#include "backends/onnxruntime/onnxruntime_backend.h"

#include <sched.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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

class PeerExecutable final : public Executable {
 public:
  PeerExecutable(const Graph& graph, const Weights& weights, int threads, bool spinning) : scratch_(std::make_unique<ScratchDir>()) {
    for (const auto& n : graph.inputs) input_shapes_.push_back(graph.info(n).shape);
    for (const auto& n : graph.outputs) output_shapes_.push_back(graph.info(n).shape);
    const auto model = onnx_export::export_onnx(graph, weights, "edgebench onnxruntime peer: " + graph.name);
    const fs::path file = scratch_->path() / "model.onnx";
    {
      std::ofstream f(file, std::ios::binary);
      f.write(reinterpret_cast<const char*>(model.bytes.data()), static_cast<std::streamsize>(model.bytes.size()));
      if (!f) throw std::runtime_error("onnxruntime: cannot write the exported model to " + file.string());
    }
    process_ = std::make_unique<peer::PeerProcess>(
        std::vector<std::string>{"python3", peer_script(), "--serve", file.string(), "--threads", std::to_string(threads), "--spinning",
                                 spinning ? "on" : "off"},
        scratch_->path() / "stderr");
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
    return "peer: ONNX Runtime (CPU execution provider, graph optimisation ALL) on the exported ONNX graph, via tools/peer_run.py";
  }

  Probe probe() const override {
    std::call_once(probed_, [this] { probe_ = find_runtime(); });
    return *probe_;
  }

  std::string unsupported_reason(const Graph&, const Node&, const CompileOptions&) const override { return {}; }

  std::vector<OptionSpec> options() const override {
    return {{.key = "onnxruntime.spinning", .type = OptionType::choice, .default_value = "on",
             .help = "ONNX Runtime's intra-op thread spinning", .choices = {"on", "off"}}};
  }

  std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights, const CompileOptions& options) const override {
    if (const Probe p = probe(); !p.available) throw std::runtime_error("onnxruntime: " + p.reason);
    return std::make_unique<PeerExecutable>(graph, weights, options.threads > 0 ? options.threads : default_threads(),
                                            spinning(options));
  }

 private:
  // ONNX Runtime's intra-op spinning (its default: on), from `onnxruntime.spinning=on|off`
  // (checked against options() by the framework).
  static bool spinning(const CompileOptions& options) {
    const auto it = options.extra.find("onnxruntime.spinning");
    return it == options.extra.end() || it->second != "off";
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
