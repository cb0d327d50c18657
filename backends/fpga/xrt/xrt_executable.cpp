#include "backends/fpga/xrt/xrt_executable.h"

#include <stdexcept>
#include <string>

#include "backends/fpga/kernel_image.h"
#include "backends/fpga/xrt/runner.h"

namespace eb::fpga {
namespace {

class XrtExecutable final : public Executable {
 public:
  XrtExecutable(const Graph& g, const Weights& w, const ResolvedOptions& o)
      : pixels_(PixelOptions::from(o)),
        image_(make_m3vit_kernel_image(g, w, static_cast<int>(check_graph(g)), pixels_)),
        runner_({o.get_text("fpga.xclbin"), device_index(o)}, image_) {
    runner_.upload_weights(image_);
    hardware_ = runner_.mode() == "hardware";
    info_["precision"] = "fixed";
    info_["precision.reason"] = "the Edge-MoE kernel's fixed-point formats";
    info_["fpga.xclbin"] = o.get_text("fpga.xclbin");
    info_["fpga.mode"] = hardware_ ? "XRT hardware (" + runner_.device_name() + ")"
                                   : "XRT " + runner_.mode() + ": the host path runs, nothing computes; outputs are not results";
    info_["fpga.weights.converted"] = std::to_string(image_.conversion.values);
    info_["fpga.weights.saturated"] = std::to_string(image_.conversion.saturated);
  }

  std::vector<Tensor> run(std::span<const Tensor> inputs) override {
    if (inputs.size() != 1) throw std::invalid_argument("fpga (XRT): the backbone takes one input, the image");
    stage_images(image_, inputs[0], pixels_);
    const auto t = runner_.run(image_);
    if (hardware_) device_time_ = DeviceTime{.ns = t.wall_ns, .provenance = Provenance::measured("steady_clock: xrt::run start to wait")};
    if (auto w = runner_.board_power_w()) info_["fpga.power.board_w"] = std::to_string(*w);
    std::vector<Tensor> out;
    out.push_back(read_tokens(image_));
    return out;
  }

  std::optional<DeviceTime> last_device_time() const override { return device_time_; }
  std::map<std::string, std::string> info() const override { return info_; }

 private:
  static std::int64_t check_graph(const Graph& g) {
    if (g.inputs.size() != 1 || g.outputs.size() != 1)
      throw std::invalid_argument("fpga (XRT): the kernel runs the whole M3ViT backbone: one image in, block 11's tokens out");
    const Shape& in = g.info(g.inputs[0]).shape;
    const Shape& out = g.info(g.outputs[0]).shape;
    if (in.size() != 4 || out != Shape{in[0], 129, 192})
      throw std::invalid_argument("fpga (XRT): graph '" + g.name + "' is not the M3ViT backbone (output " + to_string(out) +
                                  "); run the m3vit-backbone workload, or the C simulation (no fpga.xclbin)");
    return in[0];
  }
  static unsigned device_index(const ResolvedOptions& o) {
    return o.has("fpga.device") ? static_cast<unsigned>(o.get_int("fpga.device")) : 0u;
  }

  PixelOptions pixels_;
  KernelImage image_;
  XrtRunner runner_;
  bool hardware_ = false;
  std::map<std::string, std::string> info_;
  std::optional<DeviceTime> device_time_;
};

}  // namespace

std::unique_ptr<Executable> make_xrt_executable(const Graph& graph, const Weights& weights, const ResolvedOptions& settings) {
  return std::make_unique<XrtExecutable>(graph, weights, settings);
}

}  // namespace eb::fpga
