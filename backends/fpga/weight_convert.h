// The host's weight converter: float weights → the datapath's fixed-point formats, as raw
// integers in the layout the kernel reads from DDR (row-major, PyTorch [out][in] for
// linear layers; the gate transposed to [E][D]). Every conversion floors and saturates
// (hw/formats.h); saturations are counted and reported, never silent.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backends/fpga/hw/fixed.h"

namespace eb::fpga {

struct ConversionReport {
  std::int64_t values = 0;
  std::int64_t saturated = 0;
  std::string first_saturated;  // "tensor (value)" of the first clamp, for the message

  void add(const ConversionReport& o) {
    values += o.values;
    saturated += o.saturated;
    if (first_saturated.empty()) first_saturated = o.first_saturated;
  }
};

template <hw::FixedPoint T>
std::vector<typename T::raw_type> convert(std::span<const float> values, const std::string& tensor, ConversionReport& report) {
  std::vector<typename T::raw_type> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (T::saturates(values[i])) {
      ++report.saturated;
      if (report.first_saturated.empty()) report.first_saturated = tensor + " (" + std::to_string(values[i]) + ")";
    }
    out[i] = static_cast<typename T::raw_type>(T::from_double(values[i]).raw());
  }
  report.values += static_cast<std::int64_t>(values.size());
  return out;
}

// [rows][cols] → [cols][rows].
std::vector<float> transposed(std::span<const float> m, std::int64_t rows, std::int64_t cols);

// The 8-bit level k whose normalised value (k/255 − mean)/std, computed in float as the
// workloads compute it, is exactly v; nullopt when there is none (the input is not an
// 8-bit image under this normalisation).
std::optional<std::uint8_t> pixel_level(float v, float mean, float std);

// Patch-embedding weights [O][C][k·k] and bias [O] for 8-bit pixel input p = level/256 of
// an image the model normalises as x = (level/255 − mean_c)/std_c:
//   w·x = w·((256/255)·p − mean_c)/std_c   ⇒   w' = w·256/(255·std_c),  b' = b − Σ w·mean_c/std_c
// (computed in double).
struct FoldedPatch {
  std::vector<float> weight;
  std::vector<float> bias;
};
FoldedPatch fold_pixel_normalisation(std::span<const float> weight, std::span<const float> bias, std::int64_t out,
                                     std::int64_t channels, std::int64_t kernel_area, std::span<const float> mean,
                                     std::span<const float> std);

}  // namespace eb::fpga
