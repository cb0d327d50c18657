// Lowering a graph onto the Edge-MoE datapath: which nodes it runs, and the program (DDR
// buffers, converted weights, one step per node) for a graph whose every node it runs.
//
// Nodes the datapath runs (everything else falls back to the host):
//   conv2d     patch embedding (kernel = stride ≥ 2, no padding, one group, no activation),
//              and — per "fpga.convs" — other one-group convolutions as im2col rows on the
//              linear unit with no activation, ReLU, ReLU6 or hard-swish:
//                auto (default)  im2col only in graphs without attention: in a transformer
//                                the other convolutions are the task head, which Edge-MoE
//                                leaves to the host (so M³ViT's heads stay there);
//                                CNNs such as MobileDet run their convolutions here
//                patch           patch embedding only;   im2col  every one-group convolution
//              Depthwise (grouped) convolutions stay on the host.
//   linear     no activation, GELU, ReLU, ReLU6 or hard-swish (fused in the output stage)
//   attention  head dimension a multiple of 8, at most 128; at most 1024 tokens
//   layernorm, moe (GELU experts, ≤ 16 experts, top-k ≤ 4), add (equal shapes or a
//   periodic broadcast operand such as the positional embedding), gelu
//   reshape, transpose, concat, slice (data movement)
// Bias formats follow Edge-MoE: the layer producing attention's q/k/v and the layer
// consuming attention's output use the 16-bit/7-integer-bit bias; other layers 16/5.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backends/fpga/program.h"
#include "core/backend.h"
#include "core/graph.h"
#include "core/weights.h"

namespace eb::fpga {

// Whether the graph's one-group convolutions run on the linear unit as im2col: "fpga.convs"
// (auto: when the graph has no attention, im2col, patch). A choice for the whole graph.
bool im2col_convs(const Graph& graph, const ResolvedOptions& options);
// Why the datapath cannot run `node` of `graph` ("rows of 8192 exceed the unit's 4096");
// empty when it can. `im2col` is im2col_convs() of the graph.
std::string unsupported_reason(const Graph& graph, const Node& node, bool im2col);

// How graph inputs feeding a patch embedding may enter as 8-bit pixels (program.h).
struct PixelOptions {
  bool enabled = true;                                 // "fpga.pixels" = "auto" (default) | "off"
  std::vector<float> mean = {0.485f, 0.456f, 0.406f};  // "fpga.pixel_mean", default ImageNet
  std::vector<float> std = {0.229f, 0.224f, 0.225f};   // "fpga.pixel_std"
  // Throws std::invalid_argument for mean and std lists of different lengths or a std that
  // is not positive (what the declarations cannot say).
  static PixelOptions from(const ResolvedOptions& options);
};

// Throws std::invalid_argument naming a node the datapath does not run.
Program lower(const Graph& graph, const Weights& weights, const ResolvedOptions& options);

// Stages one run's input into its buffer (f32 → act_t, floor, saturate) and, for pixel
// inputs, tries the 8-bit levels. Returns the number of values that saturated.
std::int64_t stage_input(Program& program, std::size_t input, const Tensor& value);

}  // namespace eb::fpga
