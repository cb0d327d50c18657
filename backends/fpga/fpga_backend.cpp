#include "backends/fpga/fpga_backend.h"

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

#include "backends/fpga/executable.h"
#include "backends/fpga/cycle_model.h"
#include "backends/fpga/lower.h"
#include "backends/fpga/options.h"
#include "backends/fpga/power_model.h"
#include "backends/fpga/xrt_probe.h"

#ifdef EB_FPGA_HAVE_XRT
#include "backends/fpga/xrt/xrt_executable.h"
#endif

namespace eb::fpga {
namespace {

// A file that is not an xclbin gets an error naming it before XRT (whose message would be
// about the device or the environment) is involved. Every xclbin starts with "xclbin2\0".
void check_xclbin_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("fpga.xclbin: cannot read '" + path + "'");
  char magic[8] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() != sizeof magic || std::memcmp(magic, "xclbin2", 8) != 0)
    throw std::runtime_error("fpga.xclbin: '" + path + "' is not an xclbin (it does not start with the \"xclbin2\" magic)");
}

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
  // The C simulation has the board power model; a real board through XRT is measured.
  PowerModelUse power_model_use(const CompileOptions& options) const override {
    return resolved_options(options).has("fpga.xclbin") ? PowerModelUse::none : PowerModelUse::modeled_time;
  }
  std::vector<OptionSpec> options() const override { return fpga_options(); }
  // The pixel mean and std lists of one length, the std positive: what the declarations
  // cannot say.
  void check_options(const CompileOptions& options) const override { (void)PixelOptions::from(resolved_options(options)); }
  std::string unsupported_reason(const Graph& graph, const Node& node, const CompileOptions& options) const override {
    return fpga::unsupported_reason(graph, node, im2col_convs(graph, resolved_options(options)));
  }
  // The im2col choice is the graph's: made once, then every node asked.
  Capability claim(const Graph& graph, const CompileOptions& options) const override {
    const bool im2col = im2col_convs(graph, resolved_options(options));
    Capability c;
    for (const Node& node : graph.nodes) c.reasons.push_back(fpga::unsupported_reason(graph, node, im2col));
    return c;
  }
  // With "fpga.xclbin", the Edge-MoE kernel through XRT; otherwise the C simulation.
  std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights, const CompileOptions& options) const override {
    const ResolvedOptions settings = resolved_options(options);
    if (settings.has("fpga.xclbin")) {
      check_xclbin_file(settings.get_text("fpga.xclbin"));
#ifdef EB_FPGA_HAVE_XRT
      return make_xrt_executable(graph, weights, settings);
#else
      throw std::runtime_error("fpga: fpga.xclbin was given but the XRT runner is not built (install libxrt-dev and reconfigure)");
#endif
    }
    return std::make_unique<FpgaExecutable>(graph, weights, options, settings);
  }
};

}  // namespace

std::unique_ptr<Backend> make_fpga_backend() { return std::make_unique<FpgaBackend>(); }

}  // namespace eb::fpga
