// The fixed M³ViT configuration that Edge-MoE accelerates (ViT-Tiny width with MoE
// layers in every second block) and the two tasks that share its experts.
#pragma once

#include <cstdint>
#include <string_view>

namespace eb::m3vit {

struct Config {
  std::int64_t image_h = 128, image_w = 256, channels = 3;
  std::int64_t patch = 16;
  std::int64_t dim = 192;          // embedding width D
  int depth = 12;                  // transformer blocks
  int heads = 3;                   // of dim/heads = 64
  std::int64_t mlp_hidden = 768;   // dense blocks (even indices)
  int experts = 16;                // MoE blocks (odd indices)
  std::int64_t expert_hidden = 384;
  int top_k = 2;
  float ln_eps = 1e-6f;
  float bn_eps = 1e-5f;            // PyTorch BatchNorm2d default
  std::int64_t head_channels = 256;
  int head_stages = 4;             // conv3×3+BN+ReLU then ×2 upsampling, four times: 8×16 → 128×256

  constexpr std::int64_t grid_h() const { return image_h / patch; }        // 8
  constexpr std::int64_t grid_w() const { return image_w / patch; }        // 16
  constexpr std::int64_t patches() const { return grid_h() * grid_w(); }  // 128
  constexpr std::int64_t tokens() const { return patches() + 1; }         // 129 with the class token
  // M³ViT alternates: dense MLP in even blocks, mixture of experts in odd ones.
  static constexpr bool is_moe_block(int block) { return block % 2 == 1; }
};

inline constexpr Config kConfig{};

// A task sharing the backbone (and its experts) through its own gates and its own head.
struct Task {
  std::string_view name;
  std::int64_t outputs;  // channels of the dense prediction
};

inline constexpr Task kTasks[] = {{"seg", 7}, {"depth", 1}};  // the first is the default

// Looks a task up by name; "" is the default task. Throws std::invalid_argument that
// names the known tasks.
const Task& find_task(std::string_view name);

}  // namespace eb::m3vit
