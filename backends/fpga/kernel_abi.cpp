#include "backends/fpga/kernel_abi.h"

#include <array>
#include <stdexcept>
#include <string>

namespace eb::fpga {
namespace {

constexpr std::uint32_t buf(int i) { return 0x20u + 12u * static_cast<std::uint32_t>(i); }
constexpr std::string_view act_port(int i) {
  constexpr std::array<std::string_view, 4> ports = {"M_AXI_INOUT1", "M_AXI_INOUT2", "M_AXI_INOUT3", "M_AXI_INOUT4"};
  return ports[static_cast<std::size_t>(i % 4)];
}
constexpr std::string_view kWeights = "M_AXI_WEIGHTS";
constexpr std::string_view kControl = "S_AXI_CONTROL";

constexpr std::array<KernelArg, kKernelArgCount> kArgs = {{
    {"num_images", ArgKind::scalar, 0x10, 4, kControl},
    {"reload_one_time_weights", ArgKind::scalar, 0x18, 4, kControl},
    {"images", ArgKind::buffer, buf(0), 8, act_port(0)},
    {"x", ArgKind::buffer, buf(1), 8, act_port(1)},
    {"tmp1", ArgKind::buffer, buf(2), 8, act_port(2)},
    {"tmp2", ArgKind::buffer, buf(3), 8, act_port(3)},
    {"tmp3", ArgKind::buffer, buf(4), 8, act_port(4)},
    {"tmp4", ArgKind::buffer, buf(5), 8, act_port(5)},
    {"tmp_hidden", ArgKind::buffer, buf(6), 8, act_port(6)},
    {"attn", ArgKind::buffer, buf(7), 8, act_port(7)},
    {"attn_softmax_info", ArgKind::buffer, buf(8), 8, act_port(8)},
    {"patch_embed_weights", ArgKind::buffer, buf(9), 8, kWeights},
    {"patch_embed_bias", ArgKind::buffer, buf(10), 8, kWeights},
    {"pos_embed", ArgKind::buffer, buf(11), 8, kWeights},
    {"attn_weights", ArgKind::buffer, buf(12), 8, kWeights},
    {"attn_bias", ArgKind::buffer, buf(13), 8, kWeights},
    {"moe_w_gate", ArgKind::buffer, buf(14), 8, kWeights},
    {"moe_weights_l1", ArgKind::buffer, buf(15), 8, kWeights},
    {"moe_bias_l1", ArgKind::buffer, buf(16), 8, kWeights},
    {"moe_weights_l2", ArgKind::buffer, buf(17), 8, kWeights},
    {"moe_bias_l2", ArgKind::buffer, buf(18), 8, kWeights},
    {"vit_weights_l1", ArgKind::buffer, buf(19), 8, kWeights},
    {"vit_bias_l1", ArgKind::buffer, buf(20), 8, kWeights},
    {"vit_weights_l2", ArgKind::buffer, buf(21), 8, kWeights},
    {"vit_bias_l2", ArgKind::buffer, buf(22), 8, kWeights},
    {"norm_weights", ArgKind::buffer, buf(23), 8, kWeights},
    {"norm_bias", ArgKind::buffer, buf(24), 8, kWeights},
    {"debug_id", ArgKind::scalar, 0x14C, 4, kControl},
}};
static_assert(kArgs[26].offset == 0x140 && buf(25) == 0x14C, "the last address sits right before debug_id");

}  // namespace

std::span<const KernelArg> kernel_args() { return kArgs; }

int kernel_arg_index(std::string_view name) {
  for (std::size_t i = 0; i < kArgs.size(); ++i)
    if (kArgs[i].name == name) return static_cast<int>(i);
  throw std::out_of_range("Edge-MoE kernel has no argument '" + std::string(name) + "'");
}

}  // namespace eb::fpga
