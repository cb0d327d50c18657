// int8 kernels with TensorFlow Lite's arithmetic (reference_integer_ops / reference_ops),
// on NCHW tensors. Integer accumulation is exact, so the layout (NCHW here, NHWC in TFLite)
// does not change any result; rounding happens only where TFLite rounds:
//   conv / linear   acc = Σ (x − x_zp)·w + bias (int32); y = MBQM(acc, m_c) + y_zp, clamped
//   add             both inputs << 20, each scaled by its multiplier (< 1), summed, scaled
//                   to the output (TFLite's AddElementwise for int8)
//   mul             y = MBQM((a − a_zp)(b − b_zp), m) + y_zp
//   requantize      y = MBQM(x − x_zp, s_x/s_y) + y_zp (TFLite QUANTIZE int8→int8; used to
//                   bring concat inputs to the output's scale)
//   average pool    (Σx ± n/2)/n, same parameters in and out
//   hard-swish      TFLite's fixed-point HardSwish (int16 intermediate, reluish multiplier)
//   logistic, hard-sigmoid   a 256-entry table: dequantise, f(x), quantise (TFLite's LUT path)
//   resize bilinear TFLite's ResizeBilinearInteger (10-bit fractional coordinates)
// MBQM is fx::multiply_by_quantized_multiplier.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "backends/edgetpu/fixed_point.h"
#include "backends/edgetpu/quant_params.h"
#include "core/ops.h"

namespace eb::edgetpu {

struct ConvQuant {
  std::int32_t input_zero_point = 0;
  std::int32_t output_zero_point = 0;
  std::vector<fx::QuantizedMultiplier> multipliers;  // one per output channel
  ActRange clamp;
};

// Multipliers s_in·s_w[c]/s_out (computed in double from the float32 scales).
std::vector<fx::QuantizedMultiplier> channel_multipliers(float input_scale, std::span<const float> weight_scales, float output_scale);

// x [N,C,H,W], w [O, C/groups, kh, kw], bias [O] or empty, y [N,O,OH,OW].
void conv2d_int8(std::span<const std::int8_t> x, const Shape& xs, std::span<const std::int8_t> w, const Shape& ws,
                 std::span<const std::int32_t> bias, const Conv2dAttrs& attrs, const ConvQuant& q, std::span<std::int8_t> y,
                 const Shape& ys);

// x [M, K], w [N, K], bias [N] or empty, y [M, N].
void linear_int8(std::span<const std::int8_t> x, std::int64_t m, std::int64_t k, std::span<const std::int8_t> w, std::int64_t n,
                 std::span<const std::int32_t> bias, const ConvQuant& q, std::span<std::int8_t> y);

// For every element of `out` (row-major), the index of the element of `in` that NumPy
// broadcasting reads.
std::vector<std::int64_t> broadcast_index(const Shape& in, const Shape& out);

struct AddQuant {
  std::int32_t a_offset = 0, b_offset = 0, out_offset = 0;  // −zero points and +output zero point
  int left_shift = 20;
  fx::QuantizedMultiplier a_mult, b_mult, out_mult;
  ActRange clamp;
};
AddQuant prepare_add(QParams a, QParams b, QParams out);
void add_int8(std::span<const std::int8_t> a, std::span<const std::int64_t> a_index, std::span<const std::int8_t> b,
              std::span<const std::int64_t> b_index, const AddQuant& q, std::span<std::int8_t> y);

struct MulQuant {
  std::int32_t a_offset = 0, b_offset = 0, out_offset = 0;
  fx::QuantizedMultiplier mult;
  ActRange clamp;
};
MulQuant prepare_mul(QParams a, QParams b, QParams out);
void mul_int8(std::span<const std::int8_t> a, std::span<const std::int64_t> a_index, std::span<const std::int8_t> b,
              std::span<const std::int64_t> b_index, const MulQuant& q, std::span<std::int8_t> y);

void requantize_int8(std::span<const std::int8_t> x, QParams in, QParams out, std::span<std::int8_t> y);

// x [N*C planes of `plane` elements] -> y [N*C]; input and output share parameters.
void global_avg_pool_int8(std::span<const std::int8_t> x, std::int64_t planes, std::int64_t plane, std::span<std::int8_t> y);

struct HardSwishQuant {
  std::int32_t input_zero_point = 0, output_zero_point = 0;
  std::int16_t reluish_multiplier = 0;
  int reluish_exponent = 0;
  std::int16_t output_multiplier = 0;
  int output_exponent = 0;
};
HardSwishQuant prepare_hardswish(QParams in, QParams out);  // throws if the output scale is too small
void hardswish_int8(std::span<const std::int8_t> x, const HardSwishQuant& q, std::span<std::int8_t> y);

using Lut = std::array<std::int8_t, 256>;  // indexed by q + 128
Lut make_lut(const std::function<double(double)>& f, QParams in, QParams out);
void lut_int8(std::span<const std::int8_t> x, const Lut& lut, std::span<std::int8_t> y);

// TFLite's int8 RELU / RELU6 (QuantizedReluX): y = clamp(MBQM(x − x_zp, s_x/s_y) + y_zp, q(0), q(hi)).
void relu_int8(std::span<const std::int8_t> x, QParams in, QParams out, float hi, bool has_hi, std::span<std::int8_t> y);

// x [N,C,H,W] -> y [N,C,OH,OW]; same parameters in and out.
void resize_bilinear_int8(std::span<const std::int8_t> x, const Shape& xs, const ResizeAttrs& a, std::span<std::int8_t> y);

}  // namespace eb::edgetpu
