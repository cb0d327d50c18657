#include "backends/fpga/weight_convert.h"

#include <cmath>

namespace eb::fpga {

std::vector<float> transposed(std::span<const float> m, std::int64_t rows, std::int64_t cols) {
  std::vector<float> t(m.size());
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) t[static_cast<std::size_t>(c * rows + r)] = m[static_cast<std::size_t>(r * cols + c)];
  return t;
}

std::optional<std::uint8_t> pixel_level(float v, float mean, float std) {
  const double level = std::round((static_cast<double>(v) * std + mean) * 255.0);
  if (!(level >= 0 && level <= 255) || (static_cast<float>(level) / 255.0f - mean) / std != v) return std::nullopt;
  return static_cast<std::uint8_t>(level);
}

FoldedPatch fold_pixel_normalisation(std::span<const float> weight, std::span<const float> bias, std::int64_t out,
                                     std::int64_t channels, std::int64_t kernel_area, std::span<const float> mean,
                                     std::span<const float> std) {
  FoldedPatch f{std::vector<float>(weight.size()), std::vector<float>(bias.begin(), bias.end())};
  for (std::int64_t o = 0; o < out; ++o) {
    double shift = 0;
    for (std::int64_t c = 0; c < channels; ++c) {
      const double sd = std[static_cast<std::size_t>(c)], mu = mean[static_cast<std::size_t>(c)];
      for (std::int64_t i = 0; i < kernel_area; ++i) {
        const auto at = static_cast<std::size_t>((o * channels + c) * kernel_area + i);
        f.weight[at] = static_cast<float>(static_cast<double>(weight[at]) * 256.0 / (255.0 * sd));
        shift += static_cast<double>(weight[at]) * mu / sd;
      }
    }
    f.bias[static_cast<std::size_t>(o)] = static_cast<float>(static_cast<double>(bias[static_cast<std::size_t>(o)]) - shift);
  }
  return f;
}

}  // namespace eb::fpga
