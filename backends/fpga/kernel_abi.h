// The interface of the Edge-MoE FPGA kernel (Vitis HLS top function ViT_compute, AXI-lite
// control at 300 MHz on a ZCU102), as published with the accelerator: its arguments in
// order, their control-register offsets and the buffers they point to for M³ViT.
//
//   0x00          control (ap_start / ap_done / ap_idle / ap_ready / auto_restart)
//   0x10          num_images               (u32)
//   0x18          reload_one_time_weights  (bool: patch embedding and positional embedding)
//   0x20 + 12·i   buffer i's 64-bit address (low word, high word; Vitis leaves 4 bytes between)
//                 i = 0 images, 1 x, 2–5 tmp1–tmp4, 6 tmp_hidden, 7 attn, 8 attn_softmax_info,
//                 9 patch_embed_weights, 10 patch_embed_bias, 11 pos_embed, 12 attn_weights,
//                 13 attn_bias, 14 moe_w_gate, 15 moe_weights_l1, 16 moe_bias_l1,
//                 17 moe_weights_l2, 18 moe_bias_l2, 19 vit_weights_l1, 20 vit_bias_l1,
//                 21 vit_weights_l2, 22 vit_bias_l2, 23 norm_weights, 24 norm_bias
//   0x14C         debug_id                 (u32)
// The offsets are those of the published bitstream's hardware handoff. Which AXI master
// bundle (four activation ports, one weight port) serves each buffer is this project's
// assignment: activations round-robin over INOUT1–4, weights on WEIGHTS.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace eb::fpga {

enum class ArgKind : std::uint8_t { scalar, buffer };

struct KernelArg {
  std::string_view name;
  ArgKind kind;
  std::uint32_t offset;   // control-register offset
  std::uint32_t size;     // bytes of the register field (4 for a scalar, 8 for an address)
  std::string_view port;  // AXI port of a buffer (or S_AXI_CONTROL for a scalar)
};

inline constexpr std::string_view kKernelName = "ViT_compute";
inline constexpr std::uint32_t kControlRange = 0x10000;
inline constexpr int kKernelArgCount = 28;

// Every argument, in signature order (index = XRT argument index).
std::span<const KernelArg> kernel_args();
// Index of an argument by name; throws std::out_of_range.
int kernel_arg_index(std::string_view name);

}  // namespace eb::fpga
