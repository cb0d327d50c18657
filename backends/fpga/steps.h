// The steps a graph lowers to: one per node, each driving one datapath unit over buffers
// of the program's memory. Weights arrive already converted to their formats and loaded
// into the unit's on-chip layout; buffers are named by index into Memory::buffers.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/fpga/hw/attention_unit.h"
#include "backends/fpga/hw/layernorm_unit.h"
#include "backends/fpga/hw/linear_unit.h"
#include "backends/fpga/hw/moe_unit.h"
#include "backends/fpga/program.h"
#include "core/ops.h"

namespace eb::fpga {

// linear: x [..., K] → y [..., N] on the unified linear unit (fused GELU when asked).
std::unique_ptr<Step> make_linear_step(std::string node, int x, int y, hw::LinearWeights<hw::wt_linear_t> weights, hw::OutAct act);

// A convolution with one group, x [B, C, H, W] → y [B, O, OH, OW], as im2col rows of
// C·kh·kw values on the linear unit (activation in its output stage). The input feature
// map is read once (line buffers in hardware); the im2col rows exist on chip only.
struct ConvGeometry {
  int kh = 1, kw = 1;
  std::array<int, 2> stride{1, 1};
  std::array<int, 4> pad{0, 0, 0, 0};  // top, left, bottom, right
  std::array<int, 2> dilation{1, 1};
};
std::unique_ptr<Step> make_conv_step(std::string node, int x, int y, ConvGeometry geometry, hw::LinearWeights<hw::wt_linear_t> weights,
                                     hw::OutAct act);

// Patch embedding: conv2d with kernel == stride and no padding, x [B, C, H, W] →
// y [B, O, H/k, W/k], as im2col rows of C·k·k values on the linear unit. `plain` holds the
// weights for Q32.10 input; `folded` (optional, with pixel ≥ 0) those for 8-bit pixels
// of memory.pixels[pixel], normalisation folded in.
struct PatchEmbedWeights {
  hw::LinearWeights<hw::wt_patch_embed_t> plain;
  std::optional<hw::LinearWeights<hw::wt_patch_embed_t>> folded;
  int pixel = -1;
  int kernel = 0;
};
std::unique_ptr<Step> make_patch_embed_step(std::string node, int x, int y, PatchEmbedWeights weights);

// attention: qkv [B, T, 3D] → [B, T, D] on the attention unit (reordered, 4 lanes).
std::unique_ptr<Step> make_attention_step(std::string node, int qkv, int y, int heads);

// layernorm over the last dimension.
std::unique_ptr<Step> make_layernorm_step(std::string node, int x, int y, std::vector<hw::wt_norm_t> gamma,
                                          std::vector<hw::wt_norm_t> beta, double eps);

// moe: x [B, T, D] → y [B, T, D], one image (T tokens) at a time, patch-reordered.
std::unique_ptr<Step> make_moe_step(std::string node, int x, int y, hw::MoeConfig config, hw::MoeWeights weights);

// add: y = a + b, b repeating with period numel(b) (a broadcast operand).
std::unique_ptr<Step> make_add_step(std::string node, int a, int b, int y);

// gelu, element-wise.
std::unique_ptr<Step> make_gelu_step(std::string node, int x, int y);

// reshape, transpose, concat, slice: pure data movement, done by the producing unit's
// address generator in hardware (modeled as free).
std::unique_ptr<Step> make_layout_step(std::string node, OpKind op, OpAttrs attrs, std::vector<int> inputs, int y);

}  // namespace eb::fpga
