// M³ViT (Liang et al., NeurIPS 2022) as the Edge-MoE FPGA accelerator (Sarkar et al.,
// ICCAD 2023) runs it: a ViT-Tiny-width multi-task transformer whose odd blocks are
// 16-expert top-2 mixtures of experts, shared by two dense-prediction tasks that each
// route with their own gates.
//
// Where things are:
//   config.h       the configuration (sizes, tasks) and task lookup
//   backbone.h     patch embedding and the 12 blocks;  head.h  a task's dense head
//   init.h         the seeded weights and why they are shaped as they are
//   input.h        the default synthetic input image
//   expert_load.h  tokens per expert in each MoE layer (for describe_outputs and tests)
//
// Workloads (options.task ∈ {"seg" (default), "depth"}, options.batch ≥ 1):
//   m3vit-backbone  image [B,3,128,256] → tokens after block 11 [B,129,192]: what the FPGA
//                   accelerates; 17,983,680 parameters, 782,719,488 MACs per image.
//   m3vit           backbone + the task's head → [B,7,128,256] (seg) or [B,1,128,256] (depth).
// Both route with the task's gates; both declare the gates of every task, so the backbone's
// weight table is the same for either task. describe_outputs re-runs the backbone on the
// reference backend and reports {"task", "expert_load": [{"block", "counts"[16],
// "max_share"}, …]} (expert_load.h).
//
// Input (graph input "image"): NCHW f32, RGB, pixels k/255 (8-bit levels) normalised with
// the ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225), as timm's ViTs expect.
//
// Weight names (a checkpoint converter targets these; PyTorch/timm conventions; linear
// weights [out, in]; i = block 0…11, T = task "seg" or "depth", s = head stage 0…3):
//   patch_embed.proj.weight [192,3,16,16]   patch_embed.proj.bias [192]
//   cls_token [1,1,192]                     pos_embed [1,129,192]
//   blocks.i.norm1.weight / .bias [192]     blocks.i.norm2.weight / .bias [192]
//   blocks.i.attn.qkv.weight [576,192]      blocks.i.attn.qkv.bias [576]   (rows: q | k | v, heads contiguous)
//   blocks.i.attn.proj.weight [192,192]     blocks.i.attn.proj.bias [192]
//   even i (dense MLP, GELU):
//     blocks.i.mlp.fc1.weight [768,192]     blocks.i.mlp.fc1.bias [768]
//     blocks.i.mlp.fc2.weight [192,768]     blocks.i.mlp.fc2.bias [192]
//   odd i (mixture of experts, GELU, top-2, probabilities not renormalised):
//     blocks.i.mlp.gate.T [192,16]          logits = x·gate (no bias; transpose of an nn.Linear(192,16) weight)
//     blocks.i.mlp.experts.fc1.weight [16,384,192]   blocks.i.mlp.experts.fc1.bias [16,384]
//     blocks.i.mlp.experts.fc2.weight [16,192,384]   blocks.i.mlp.experts.fc2.bias [16,192]
//   head of task T (m3vit only; outputs O = 7 for seg, 1 for depth):
//     heads.T.norm.weight / .bias [192]
//     heads.T.stages.s.conv.weight [256,C,3,3]  (C = 192 for s = 0, else 256; no bias)
//     heads.T.stages.s.bn.weight / .bias / .running_mean / .running_var [256]  (eps 1e-5)
//     heads.T.pred.weight [O,256,1,1]        heads.T.pred.bias [O]
// Node (tensor) names follow the same prefixes: "blocks.i" is block i's output,
// "blocks.i.mlp" its MoE node, "heads.T.pred" the prediction.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "models/m3vit/config.h"
#include "models/workload.h"

namespace eb::m3vit {

inline constexpr std::string_view kImageInput = "image";

// Graphs of the two workloads. task "" is the default ("seg"); throws
// std::invalid_argument for an unknown task or batch < 1.
Graph build_backbone(std::string_view task = "", int batch = 1);
Graph build_model(std::string_view task = "", int batch = 1);

// The task whose gates a built graph's MoE nodes read. Throws std::invalid_argument for
// a graph with no M³ViT MoE node.
const Task& routed_task(const Graph& graph);

// The workloads "m3vit-backbone" and "m3vit".
std::vector<std::unique_ptr<Workload>> make_workloads();

}  // namespace eb::m3vit
