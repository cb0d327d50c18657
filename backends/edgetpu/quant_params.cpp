#include "backends/edgetpu/quant_params.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace eb::edgetpu {

QParams choose_activation_params(float min, float max) {
  if (!std::isfinite(min) || !std::isfinite(max) || min > max)
    throw std::invalid_argument("edgetpu: calibrated range [" + std::to_string(min) + ", " + std::to_string(max) + "] is not a valid range");
  constexpr double qmin = -128.0;
  constexpr double qmax = 127.0;
  // The range must contain 0 so that zero (padding, ReLU) is exactly representable.
  const double rmin = std::min(0.0, static_cast<double>(min));
  const double rmax = std::max(0.0, static_cast<double>(max));
  if (rmin == rmax) return {1.0f, 0};  // all-zero tensor: any scale represents it exactly
  const double scale = (rmax - rmin) / (qmax - qmin);
  // TF's ChooseQuantizationParams: take the zero point from whichever end gives the
  // smaller rounding error, then nudge it to an integer inside [qmin, qmax].
  const double zp_from_min = qmin - rmin / scale;
  const double zp_from_max = qmax - rmax / scale;
  const double err_min = std::abs(qmin) + std::abs(rmin / scale);
  const double err_max = std::abs(qmax) + std::abs(rmax / scale);
  const double zp_real = err_min < err_max ? zp_from_min : zp_from_max;
  std::int32_t zp = 0;
  if (zp_real < qmin) zp = static_cast<std::int32_t>(qmin);
  else if (zp_real > qmax) zp = static_cast<std::int32_t>(qmax);
  else zp = static_cast<std::int32_t>(std::round(zp_real));
  return {static_cast<float>(scale), zp};
}

std::int8_t quantize_value(float x, QParams p) {
  const float r = std::round(x / p.scale);
  const double q = static_cast<double>(r) + p.zero_point;
  return static_cast<std::int8_t>(std::clamp(q, -128.0, 127.0));
}

float dequantize_value(std::int8_t q, QParams p) { return p.scale * static_cast<float>(static_cast<std::int32_t>(q) - p.zero_point); }

ActRange fused_activation_range(Activation act, QParams out) {
  const auto q = [&](float f) { return out.zero_point + static_cast<std::int32_t>(std::round(f / out.scale)); };
  switch (act) {
    case Activation::none: return {-128, 127};
    case Activation::relu: return {std::max(-128, q(0.0f)), 127};
    case Activation::relu6: return {std::max(-128, q(0.0f)), std::min(127, q(6.0f))};
    default: break;
  }
  throw std::invalid_argument("edgetpu: activation '" + std::string(activation_name(act)) + "' is not a fused activation in TFLite");
}

ChannelQuantized quantize_weights_per_channel(std::span<const float> w, std::int64_t channels) {
  if (channels <= 0 || w.size() % static_cast<std::size_t>(channels) != 0)
    throw std::invalid_argument("edgetpu: " + std::to_string(w.size()) + " weights do not split into " + std::to_string(channels) + " channels");
  const std::size_t per = w.size() / static_cast<std::size_t>(channels);
  ChannelQuantized out;
  out.values.resize(w.size());
  out.scales.resize(static_cast<std::size_t>(channels));
  for (std::size_t c = 0; c < out.scales.size(); ++c) {
    float m = 0.0f;
    for (std::size_t i = 0; i < per; ++i) m = std::max(m, std::abs(w[c * per + i]));
    const float scale = m > 0.0f ? m / 127.0f : 1.0f;
    out.scales[c] = scale;
    for (std::size_t i = 0; i < per; ++i)
      out.values[c * per + i] = static_cast<std::int8_t>(std::clamp(std::round(w[c * per + i] / scale), -127.0f, 127.0f));
  }
  return out;
}

std::vector<std::int32_t> quantize_bias(std::span<const float> bias, float input_scale, std::span<const float> weight_scales) {
  if (bias.size() != weight_scales.size())
    throw std::invalid_argument("edgetpu: " + std::to_string(bias.size()) + " biases for " + std::to_string(weight_scales.size()) + " channels");
  std::vector<std::int32_t> q(bias.size());
  for (std::size_t c = 0; c < bias.size(); ++c) {
    const double s = static_cast<double>(input_scale) * static_cast<double>(weight_scales[c]);
    const double v = std::round(static_cast<double>(bias[c]) / s);
    q[c] = static_cast<std::int32_t>(std::clamp(v, static_cast<double>(std::numeric_limits<std::int32_t>::min()),
                                                static_cast<double>(std::numeric_limits<std::int32_t>::max())));
  }
  return q;
}

}  // namespace eb::edgetpu
