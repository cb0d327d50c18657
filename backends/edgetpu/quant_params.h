// Quantisation parameters of int8 tensors, chosen as TensorFlow Lite's post-training
// full-integer quantisation chooses them:
//   activations  per tensor, asymmetric: real = scale·(q − zero_point), q in [−128, 127],
//                the calibrated [min, max] widened to contain 0 and the zero point
//                nudged to an integer (TF's ChooseQuantizationParams);
//   weights      per output channel, symmetric: zero point 0, scale = max|w|/127,
//                q in [−127, 127];
//   biases       int32, scale = input scale · weight scale of the channel, zero point 0.
// Scales are stored as float32, as in a .tflite file, and every derived multiplier is
// computed from those float32 values in double, as TFLite's kernels do.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/ops.h"

namespace eb::edgetpu {

struct QParams {
  float scale = 1.0f;
  std::int32_t zero_point = 0;
  friend bool operator==(const QParams&, const QParams&) = default;
};

// From a calibrated range. Throws std::invalid_argument if min > max or either is not finite.
QParams choose_activation_params(float min, float max);

std::int8_t quantize_value(float x, QParams p);  // round half away from zero, saturate
float dequantize_value(std::int8_t q, QParams p);

// The clamp a fused activation puts on a quantised output: relu → [q(0), 127],
// relu6 → [q(0), q(6)], none → [−128, 127] (TFLite's CalculateActivationRangeQuantized).
// Other activations are not fused by TFLite (they become their own ops): throws.
struct ActRange {
  std::int32_t min = -128;
  std::int32_t max = 127;
};
ActRange fused_activation_range(Activation act, QParams out);

// Per-channel symmetric int8 weights of a [O, ...] tensor (channel = first dimension).
struct ChannelQuantized {
  std::vector<std::int8_t> values;
  std::vector<float> scales;  // one per output channel; 1.0 for an all-zero channel
};
ChannelQuantized quantize_weights_per_channel(std::span<const float> w, std::int64_t channels);

// int32 bias: round(b / (input_scale·weight_scale[c])), saturated to int32.
std::vector<std::int32_t> quantize_bias(std::span<const float> bias, float input_scale, std::span<const float> weight_scales);

}  // namespace eb::edgetpu
