#include "backends/fpga/fpga_backend.h"

#include <stdexcept>

#include "backends/fpga/executable.h"
#include "backends/fpga/lower.h"
#include "backends/fpga/xrt_probe.h"

#ifdef EB_FPGA_HAVE_XRT
#include "backends/fpga/xrt/xrt_executable.h"
#endif

namespace eb::fpga {
namespace {

class FpgaBackend final : public Backend {
 public:
  std::string_view name() const override { return "fpga"; }
  std::string_view description() const override {
    return "Edge-MoE datapath (ICCAD 2023) in fixed point: bit-accurate C simulation here, ZCU102 cycle and power model "
           "(300 MHz); heads' convolutions fall back to the host";
  }
  Probe probe() const override {
    // The datapath always runs here as its C simulation; timing and power are modeled.
    return {true, "", "Edge-MoE datapath, C simulation (no FPGA board; " + xrt_status() + "); timing and power modeled for ZCU102 @ 300 MHz"};
  }
  std::vector<Precision> precisions() const override { return {Precision::fixed}; }
  bool supports(const Graph& graph, const Node& node, const CompileOptions& options) const override {
    return datapath_supports(graph, node, options.extra);
  }
  // With "fpga.xclbin", the Edge-MoE kernel through XRT; otherwise the C simulation.
  std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights, const CompileOptions& options) const override {
    if (options.extra.contains("fpga.xclbin")) {
#ifdef EB_FPGA_HAVE_XRT
      return make_xrt_executable(graph, weights, options);
#else
      throw std::runtime_error("fpga: fpga.xclbin was given but the XRT runner is not built (install libxrt-dev and reconfigure)");
#endif
    }
    return std::make_unique<FpgaExecutable>(graph, weights, options);
  }
};

}  // namespace

std::unique_ptr<Backend> make_fpga_backend() { return std::make_unique<FpgaBackend>(); }

}  // namespace eb::fpga
