// A task's dense-prediction head: LayerNorm, class token dropped, tokens back to the
// 8×16 patch grid, four stages of conv3×3 + batch norm + ReLU each followed by ×2
// bilinear upsampling (PyTorch align_corners=False), and a 1×1 convolution to the
// task's outputs at full resolution (weight names: m3vit.h).
#pragma once

#include <cstdint>
#include <string>

#include "core/graph.h"
#include "models/m3vit/config.h"

namespace eb::m3vit {

// Adds `task`'s head to `g` reading backbone tokens [B, 129, D]; returns the prediction
// [B, task.outputs, 128, 256].
std::string add_head(GraphBuilder& g, const std::string& tokens, const Task& task, std::int64_t batch,
                     const Config& c = kConfig);

}  // namespace eb::m3vit
