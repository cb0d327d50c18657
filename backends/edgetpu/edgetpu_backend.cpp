#include "backends/edgetpu/edgetpu_backend.h"

#include <stdexcept>

#include "backends/edgetpu/device_executable.h"
#include "backends/edgetpu/executable.h"
#include "backends/edgetpu/options.h"
#include "backends/edgetpu/runtime_probe.h"
#include "backends/edgetpu/support.h"
#include "backends/edgetpu/timing_model.h"
#include "backends/edgetpu/calibration.h"

namespace eb::edgetpu {
namespace {

std::string runtime_note(const RuntimeStatus& s) {
  if (s.complete())
    return "libedgetpu, TFLite C and an Edge TPU are present: give edgetpu.model=FILE (an Edge-TPU-compiled .tflite) to run on "
           "the device; without it, simulated";
  return "no Edge TPU runtime here: " + s.missing();
}

class EdgeTpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "edgetpu"; }
  std::string_view description() const override {
    return "Coral Edge TPU: TFLite full-integer int8 (calibrated, per-channel weights) run as an integer simulation with "
           "TFLite's arithmetic; time and power modeled (64x64 MAC @ 500 MHz, 8 MiB SRAM, USB 3; overheads fitted on Coral's "
           "MobileNet v1/v2 figures, docs/edgetpu-model.md), plus the host's share (fallback, post-processing) measured; graph cut "
           "at the first op the Edge TPU compiler cannot map, the rest on the host; with edgetpu.model=FILE.tflite, that "
           "Edge-TPU-compiled file on a real Edge TPU through libedgetpu (measured)";
  }
  Probe probe() const override {
    const RuntimeStatus s = probe_runtime();
    return {true, "", "Edge TPU integer simulation, timing and power modeled (" + runtime_note(s) + ")"};
  }
  std::vector<Precision> precisions() const override { return {Precision::int8}; }
  // The simulation has the timing model's power; a real device (edgetpu.model) has none.
  PowerModelUse power_model_use(const CompileOptions& options) const override {
    return resolved_options(options).has("edgetpu.model") ? PowerModelUse::none : PowerModelUse::modeled_time;
  }
  std::vector<OptionSpec> options() const override { return edgetpu_options(); }
  // With edgetpu.model the .tflite stands for the whole graph: TFLite runs whatever the
  // Edge TPU compiler left on the CPU itself, so nothing falls back to the reference.
  // The calibration range (two numbers, lo < hi) is the one thing the declarations cannot say.
  void check_options(const CompileOptions& options) const override { (void)CalibrationSettings::from(resolved_options(options)); }
  // The cut is the whole graph's: found once per claim. One node alone costs a whole claim.
  Capability claim(const Graph& graph, const CompileOptions& options) const override {
    if (resolved_options(options).has("edgetpu.model")) return {std::vector<std::string>(graph.nodes.size())};
    return claim_before_cut(graph);
  }
  std::string unsupported_reason(const Graph& graph, const Node& node, const CompileOptions& options) const override {
    for (std::size_t i = 0; i < graph.nodes.size(); ++i)
      if (&graph.nodes[i] == &node || graph.nodes[i].name == node.name) return claim(graph, options).reasons[i];
    throw std::invalid_argument("edgetpu: node '" + node.name + "' is not one of the graph's");
  }
  // With edgetpu.model, the real device (device_executable.h), or the probe's one-line
  // reason why not: never a silent fall back to the simulation. Otherwise the simulation.
  std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights, const CompileOptions& options) const override {
    const ResolvedOptions settings = resolved_options(options);
    if (settings.has("edgetpu.model")) {
      DeviceRunnerOptions device = DeviceRunnerOptions::from(settings, options.threads);
      const RuntimeStatus s = probe_runtime_with(device.edgetpu_library, device.tflite_library, "");
      if (!s.complete()) throw std::runtime_error("edgetpu: edgetpu.model was given but the Edge TPU cannot run here: " + s.missing());
      return std::make_unique<EdgeTpuDeviceExecutable>(graph, std::move(device));
    }
    for (const char* key : {"edgetpu.device", "edgetpu.libtflite", "edgetpu.libedgetpu"})
      if (settings.has(key))
        throw std::invalid_argument(std::string("edgetpu: ") + key + " applies to a real Edge TPU and needs edgetpu.model=FILE.tflite");
    return std::make_unique<EdgeTpuExecutable>(graph, weights, options, settings, runtime_note(probe_runtime()));
  }
};

}  // namespace

std::unique_ptr<Backend> make_edgetpu_backend() { return std::make_unique<EdgeTpuBackend>(); }

}  // namespace eb::edgetpu
