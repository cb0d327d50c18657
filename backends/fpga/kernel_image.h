// The Edge-MoE kernel's buffers for an M³ViT backbone, in the formats and layouts the
// kernel reads from DDR (kernel_abi.h lists them): what the host writes into XRT buffer
// objects before starting the kernel, and where it reads the result.
//
// Layouts (C arrays, row-major, little-endian raw integers; L = 12 blocks, D = 192,
// E = 16 experts, H = 384 expert hidden, M = 768 MLP hidden, T = 129 tokens):
//   images               pixel_t  [N][3][128][256]     8-bit levels (the normalisation is in the weights)
//   x                    fm_t     [N][T][D]            block 11's tokens after the run
//   tmp1–4               fm_t     [T][D]               scratch;  tmp_hidden fm_t [T][M]
//   attn                 fm_t     [33][T][4][4]        scores of 4 query lanes × (3 heads, padded to 4)
//   attn_softmax_info    fm_t     [T][8]               (1/S, m) per head, padded
//   patch_embed_weights  Q16.0    [D][3][16][16]       pixel-normalisation folded in
//   patch_embed_bias     Q16.5    [D]                  likewise
//   pos_embed            fm_t     [T][D]               row 0 holds pos_embed[0] + cls_token (our choice:
//                                                      the kernel adds it to an all-zero class row)
//   attn_weights         Q16.2    [L][4][D][D]         q, k, v, projection, PyTorch [out][in]
//   attn_bias            Q16.7    [L][4][D]
//   moe_w_gate           Q16.2    [L/2][E][D]          the routed task's gate, transposed
//   moe_weights_l1/_l2   Q16.2    [L/2][E][H][D] / [L/2][E][D][H]   (odd blocks)
//   moe_bias_l1/_l2      Q16.5    [L/2][E][H] / [L/2][E][D]
//   vit_weights_l1/_l2   Q16.2    [L/2][M][D] / [L/2][D][M]         (even blocks)
//   vit_bias_l1/_l2      Q16.5    [L/2][M] / [L/2][D]
//   norm_weights / bias  Q16.5    [L][2][D]            norm1, norm2
// Every value is floored and saturated into its format (e.g. Q16.2: int16 = floor(w·2^14)).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "backends/fpga/lower.h"
#include "backends/fpga/weight_convert.h"
#include "core/graph.h"
#include "core/weights.h"

namespace eb::fpga {

struct KernelImage {
  int num_images = 1;
  std::vector<std::vector<std::byte>> buffers;  // by kernel argument index; empty for scalars
  ConversionReport conversion;

  std::span<std::byte> buffer(std::string_view name);
  std::span<const std::byte> buffer(std::string_view name) const;
};

// Throws std::invalid_argument when `backbone` is not an M³ViT backbone graph (m3vit.h's
// weight names and shapes).
KernelImage make_m3vit_kernel_image(const Graph& backbone, const Weights& weights, int num_images, const PixelOptions& pixels);

// Writes `images` [N, 3, 128, 256] (normalised f32, as the workload makes them) into the
// images buffer as 8-bit levels; throws std::invalid_argument when a value is not an 8-bit
// level under the normalisation (the kernel reads pixels only).
void stage_images(KernelImage& image, const Tensor& images, const PixelOptions& pixels);

// Block 11's tokens from the x buffer as f32 [N, 129, 192].
Tensor read_tokens(const KernelImage& image);

}  // namespace eb::fpga
