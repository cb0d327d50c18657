#include "backends/fpga/xrt/runner.h"

#include <chrono>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <vector>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include "backends/fpga/kernel_abi.h"

namespace eb::fpga {
namespace {

bool is_weight_arg(const KernelArg& a) { return a.kind == ArgKind::buffer && a.port == "M_AXI_WEIGHTS"; }

}  // namespace

struct XrtRunner::Impl {
  xrt::device device;
  xrt::uuid uuid;
  xrt::kernel kernel;
  std::vector<xrt::bo> bos;  // by argument index; empty handles for scalars
  bool reload = true;
};

XrtRunner::XrtRunner(const Options& options, const KernelImage& layout) : impl_(std::make_unique<Impl>()) {
  try {
    impl_->device = xrt::device(options.device_index);
    impl_->uuid = impl_->device.load_xclbin(options.xclbin);
    impl_->kernel = xrt::kernel(impl_->device, impl_->uuid, std::string(kKernelName));
    const auto args = kernel_args();
    impl_->bos.resize(args.size());
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i].kind != ArgKind::buffer) continue;
      // Whole 4 KiB pages: XRT allocates host buffers with aligned_alloc(4096, size), which
      // C11 defines only for a size that is a multiple of the alignment (and ASan enforces).
      constexpr std::size_t kPage = 4096;
      const auto bytes = std::max<std::size_t>((layout.buffers.at(i).size() + kPage - 1) / kPage * kPage, kPage);
      impl_->bos[i] = xrt::bo(impl_->device, bytes, impl_->kernel.group_id(static_cast<int>(i)));
    }
  } catch (const std::exception& e) {
    throw std::runtime_error("fpga: XRT could not open the Edge-MoE kernel (" + options.xclbin + "): " + e.what());
  }
}

XrtRunner::~XrtRunner() = default;
XrtRunner::XrtRunner(XrtRunner&&) noexcept = default;
XrtRunner& XrtRunner::operator=(XrtRunner&&) noexcept = default;

void XrtRunner::upload_weights(const KernelImage& image) {
  const auto args = kernel_args();
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!is_weight_arg(args[i])) continue;
    const auto& data = image.buffers.at(i);
    impl_->bos[i].write(data.data(), data.size(), 0);
    impl_->bos[i].sync(XCL_BO_SYNC_BO_TO_DEVICE);
  }
  impl_->reload = true;
}

XrtRunner::RunTime XrtRunner::run(KernelImage& image) {
  const int images = kernel_arg_index("images"), x = kernel_arg_index("x");
  auto& img = image.buffers.at(static_cast<std::size_t>(images));
  impl_->bos[static_cast<std::size_t>(images)].write(img.data(), img.size(), 0);
  impl_->bos[static_cast<std::size_t>(images)].sync(XCL_BO_SYNC_BO_TO_DEVICE);

  xrt::run run(impl_->kernel);
  const auto args = kernel_args();
  for (std::size_t i = 0; i < args.size(); ++i)
    if (args[i].kind == ArgKind::buffer) run.set_arg(static_cast<int>(i), impl_->bos[i]);
  run.set_arg(kernel_arg_index("num_images"), static_cast<std::uint32_t>(image.num_images));
  run.set_arg(kernel_arg_index("reload_one_time_weights"), static_cast<std::uint32_t>(impl_->reload ? 1 : 0));
  run.set_arg(kernel_arg_index("debug_id"), std::uint32_t{0});

  const auto t0 = std::chrono::steady_clock::now();
  run.start();
  run.wait();
  const auto t1 = std::chrono::steady_clock::now();
  impl_->reload = false;

  auto& out = image.buffers.at(static_cast<std::size_t>(x));
  impl_->bos[static_cast<std::size_t>(x)].sync(XCL_BO_SYNC_BO_FROM_DEVICE);
  impl_->bos[static_cast<std::size_t>(x)].read(out.data(), out.size(), 0);
  return {static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count())};
}

std::uint32_t XrtRunner::arg_offset(int index) const { return impl_->kernel.offset(index); }
int XrtRunner::arg_group(int index) const { return impl_->kernel.group_id(index); }

std::string XrtRunner::mode() const {
  const char* emu = std::getenv("XCL_EMULATION_MODE");
  return emu ? "emulation: " + std::string(emu) : "hardware";
}

std::string XrtRunner::device_name() const {
  try {
    return impl_->device.get_info<xrt::info::device::name>();
  } catch (const std::exception&) {
    return "unknown";
  }
}

std::optional<double> XrtRunner::board_power_w() const {
  try {
    const std::string json = impl_->device.get_info<xrt::info::device::electrical>();
    const auto key = json.find("\"power_consumption_watts\"");
    if (key == std::string::npos) return std::nullopt;
    const auto quote = json.find('"', json.find(':', key) + 1);
    return std::stod(json.substr(quote + 1));
  } catch (const std::exception&) {
    return std::nullopt;  // the platform reports no power (edge boards, emulation)
  }
}

}  // namespace eb::fpga
