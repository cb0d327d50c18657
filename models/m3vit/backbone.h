// The M³ViT backbone as Edge-MoE runs it: patch embedding, class token, positional
// embedding and 12 pre-norm transformer blocks, dense MLPs in even blocks and a
// 16-expert top-2 mixture of experts in odd ones (weight names: m3vit.h).
#pragma once

#include <cstdint>
#include <string>

#include "core/graph.h"
#include "models/m3vit/config.h"

namespace eb::m3vit {

// Adds the backbone to `g` reading `image` [B, 3, 128, 256] (normalised as make_inputs
// documents) and returns the name of its output, the tokens after the last block,
// [B, 129, 192] (no final norm: each task head has its own). Every MoE layer routes with
// `task`'s gate; the gates of all tasks are declared, so the weight table (and the
// parameter count) is the same whichever task the graph serves.
std::string add_backbone(GraphBuilder& g, const std::string& image, const Task& task, std::int64_t batch,
                         const Config& c = kConfig);

}  // namespace eb::m3vit
