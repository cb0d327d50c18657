// ONNX export: the graph the backends compile (batch norm already folded, core/
// fold_batch_norm.h) written as an ONNX model, opset 17, every weight an initializer under
// its own name, every node's output tensor under the node's name, inputs and outputs with
// their static shapes.
//
// Operators that ONNX has map one to one (Conv, MatMul, LayerNormalization, Softmax,
// Resize, ...); fused activations become their own nodes. Three have no single ONNX
// counterpart and are written as standard ops with the reference backend's semantics
// (core/ops.h):
//   gelu       x·0.5·(1 + erf(x/√2))  (opset 17 has no Gelu; ONNX Runtime fuses the pattern)
//   attention  Split of the packed qkv, per-head MatMul, scale, Softmax, MatMul
//   moe        MatMul gate, Softmax, TopK (ties to the lower index, as ONNX specifies),
//              optional renormalisation, then per expert: the tokens routed to it (NonZero,
//              Gather), its two layers, weighted, added back with ScatterND(add). Only the
//              chosen experts' tokens are computed, as in every backend.
// The model is checked by ONNX's own checker before it is returned.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/weights.h"

namespace eb::onnx_export {

inline constexpr int kOpset = 17;

// False when edgebench was built without libonnx-dev/protobuf; the reason says what to install.
bool onnx_export_available();
std::string onnx_export_unavailable_reason();

struct OnnxModel {
  std::vector<std::uint8_t> bytes;  // the .onnx file
  std::int64_t nodes = 0;
  std::int64_t initializers = 0;
  std::map<std::string, int> op_counts;  // ONNX op type -> nodes
};

// `graph` must be folded (no conv2d with batch norm) and `weights` hold every weight it
// declares, as f32. Throws std::invalid_argument naming the node or weight that cannot be
// written, std::runtime_error when the ONNX checker rejects the model (a bug) or export is
// not built.
OnnxModel export_onnx(const Graph& graph, const Weights& weights, const std::string& description);

}  // namespace eb::onnx_export
