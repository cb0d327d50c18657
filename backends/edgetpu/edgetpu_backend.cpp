#include "backends/edgetpu/edgetpu_backend.h"

#include "backends/edgetpu/executable.h"
#include "backends/edgetpu/runtime_probe.h"
#include "backends/edgetpu/support.h"

namespace eb::edgetpu {
namespace {

std::string runtime_note(const RuntimeStatus& s) {
  if (s.complete())
    return "libedgetpu, TFLite C and an Edge TPU are present, but this build has no Edge TPU runner: simulated";
  return "no Edge TPU runtime here: " + s.missing();
}

class EdgeTpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "edgetpu"; }
  std::string_view description() const override {
    return "Coral Edge TPU: TFLite full-integer int8 (calibrated, per-channel weights) run as an integer simulation with "
           "TFLite's arithmetic; time and power modeled (64x64 MAC @ 500 MHz, 8 MiB parameter cache, USB 3); graph cut "
           "at the first op the Edge TPU compiler cannot map, the rest on the host";
  }
  Probe probe() const override {
    const RuntimeStatus s = probe_runtime();
    return {true, "", "Edge TPU integer simulation, timing and power modeled (" + runtime_note(s) + ")"};
  }
  std::vector<Precision> precisions() const override { return {Precision::int8}; }
  bool supports(const Graph& graph, const Node& node, const CompileOptions&) const override { return edgetpu_supports(graph, node); }
  std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights, const CompileOptions& options) const override {
    return std::make_unique<EdgeTpuExecutable>(graph, weights, options, runtime_note(probe_runtime()));
  }
};

}  // namespace

std::unique_ptr<Backend> make_edgetpu_backend() { return std::make_unique<EdgeTpuBackend>(); }

}  // namespace eb::edgetpu
