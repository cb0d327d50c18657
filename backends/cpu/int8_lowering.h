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
// Rounding: TFLite requantises an int32 accumulator with a Q0.31 fixed-point multiplier
// and two round-half-away steps; oneDNN 2.6 converts it to f32, multiplies by the f32
// scale and rounds to nearest-even. For one convolution or linear layer the two differ by
// at most 1 LSB, and only where the exact value lies within about |acc·M|·2⁻²² of a
// half-integer; every other step is bit-exact. Through a deep network such 1-LSB
// differences propagate (tests/cpu/int8_test.cpp states the bound measured per model).
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

// Throws std::invalid_argument if the quantised program has a step this lowering lacks.
Int8Lowering lower_int8(Context& ctx, const Graph& graph, const Weights& weights,
                        const edgetpu::QuantizedProgram& qprogram);

}  // namespace eb::cpu
