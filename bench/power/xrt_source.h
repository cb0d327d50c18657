// `xrt`: an FPGA board's power from XRT's electrical report — the JSON string that
// `xrt::device::get_info<xrt::info::device::electrical>()` returns (XRT 2.13), whose
// "power_consumption_watts" is the board's input power ("20.989838", a string in XRT's
// property tree; a number is accepted too).
//
// Linking XRT belongs to the fpga backend, so this library does not call XRT itself: the
// backend's XRT runner hands in a reader (a callable returning that JSON), e.g.
//   XrtBoard{"xilinx_u50_gen3x16_xdma_base_5", "0000:3b:00.1",
//            [dev] { return dev.get_info<xrt::info::device::electrical>(); }}
// Without one, `xrt` is unavailable and says so. The board's power is a card-management
// firmware reading (update period not published; estimated from the samples).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "bench/power/power_source.h"

namespace eb::bench {

struct XrtBoard {
  std::string device;  // VBNV / platform name, for the record
  std::string bdf;     // PCIe bus:device.function, for the record
  std::function<std::string()> electrical_json;  // may throw; the message becomes the read error
};

// The board's power in watts from an electrical report; nullopt (with `error`) when the
// JSON is malformed or has no usable power_consumption_watts.
std::optional<double> parse_xrt_power_watts(const std::string& electrical_json, std::string& error);

// One channel ("xrt:<bdf>", or "xrt" when no bdf is given), or the reason it is unavailable.
PowerDiscovery discover_xrt(const std::optional<XrtBoard>& board);

}  // namespace eb::bench
