// --precision int8: the edgetpu backend's quantised graph (backends/edgetpu/
// quantized_program.h: the same calibration, per-channel symmetric int8 weights, per-tensor
// asymmetric int8 activations, int32 biases) lowered to oneDNN int8 primitives and host
// integer steps over the cpu backend's planned arena.
//
//   conv2d, linear   oneDNN int8 convolution / matmul: s8 source with its zero point, s8
//                    weights, s32 bias, per-channel output scales s_in·s_w[c]/s_out, the
//                    fused ReLU/ReLU6 as a clip, the output zero point; s8 out.
//   layout ops       reshape, transpose, slice, concat: oneDNN reorders / concat of s8
//                    (exact copies).
//   the rest         hard-swish, logistic and hard-sigmoid tables, relu, add, mul,
//                    requantize, global average pool, bilinear resize: host steps with
//                    the edgetpu backend's TFLite integer kernels (bit-exact with it);
//                    oneDNN 2.6 has no int8 form of these with TFLite's rounding.
//   interface        f32 in, quantised on the host with TFLite's rounding; f32 out,
//                    dequantised.
//
// Requantisation ("cpu.int8.requantize"):
//   onednn (default)  inside the oneDNN primitive: the int32 accumulator converted to f32,
//                     times the f32 scale, rounded to nearest-even. TFLite instead applies a
//                     Q0.31 fixed-point multiplier with two roundings (the high half of the
//                     doubled product, rounded; then a rounding right shift by the
//                     multiplier's exponent, ties away from zero). Per convolution or
//                     linear layer the two differ by at most 1 LSB, on the elements whose
//                     exact value lies within the first rounding's step (2^-shift LSB,
//                     about 0.1% of them) or f32's 2^-24 relative error of a half-integer.
//                     Through a deep network those 1-LSB differences spread and grow
//                     (tests/cpu/int8_test.cpp states what they reach per model).
//   tflite            the primitive writes the int32 accumulator (without bias) and a host
//                     step adds the bias and applies TFLite's fixed-point requantisation:
//                     bit-exact with the edgetpu integer simulation (for accumulators below
//                     2^24, which oneDNN passes through f32), at the cost of an int32
//                     write and a second pass. For verification, not for timing.
#pragma once

#include <map>
#include <string>

#include "backends/cpu/builder.h"
#include "backends/edgetpu/quantized_program.h"

namespace eb::cpu {

struct Int8Lowering {
  Program program;
  // What ran where, for the record: "int8.onednn_ops", "int8.host_ops", "int8.fp32_ops".
  std::map<std::string, std::string> info;
};

enum class Int8Requantize { onednn, tflite };

// Throws std::invalid_argument if the quantised program has a step this lowering lacks.
Int8Lowering lower_int8(Context& ctx, const Graph& graph, const Weights& weights,
                        const edgetpu::QuantizedProgram& qprogram, Int8Requantize requantize = Int8Requantize::onednn);

}  // namespace eb::cpu
