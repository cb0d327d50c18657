// Drives the Edge-MoE kernel through XRT's native C++ API (XRT 2.13): opens the device,
// loads the xclbin, creates one buffer object per buffer argument in the memory bank the
// kernel's group_id names, writes the kernel image (kernel_image.h) into them, sets the
// arguments of the register map (kernel_abi.h) and starts and waits for a run.
//
// On a board with the accelerator's xclbin this runs the real hardware; its wall time from
// start to completion is a measured device time, and board power is read from XRT where
// the platform reports it. Under XRT's no-hardware mode (XCL_EMULATION_MODE=noop, with the
// interface xclbin of interface_xclbin.h) the whole host path runs but nothing computes:
// mode() says so, and the times are not device times.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "backends/fpga/kernel_image.h"

namespace eb::fpga {

class XrtRunner {
 public:
  struct Options {
    std::string xclbin;         // path of the xclbin to load
    unsigned device_index = 0;
  };
  struct RunTime {
    double wall_ns = 0;  // start → wait returned, steady_clock
  };

  // Throws std::runtime_error with XRT's message when the device, xclbin or kernel is unusable.
  XrtRunner(const Options& options, const KernelImage& layout);
  ~XrtRunner();
  XrtRunner(XrtRunner&&) noexcept;
  XrtRunner& operator=(XrtRunner&&) noexcept;

  // Writes every weight buffer and syncs it to the device; the next run reloads the
  // one-time weights (reload_one_time_weights = 1).
  void upload_weights(const KernelImage& image);
  // Writes the images, runs the kernel for image.num_images images, reads x back into image.
  RunTime run(KernelImage& image);

  // XRT's view of the loaded kernel: register offset and memory group of argument i.
  std::uint32_t arg_offset(int index) const;
  int arg_group(int index) const;
  // "hardware" or "emulation: noop" (XCL_EMULATION_MODE), and the device's name.
  std::string mode() const;
  std::string device_name() const;
  // Board power from XRT's electrical report, when the platform has one.
  std::optional<double> board_power_w() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eb::fpga
