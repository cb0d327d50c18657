// Lowering of edgebench operators to ONNX nodes, one family per file: lower_nn.cpp
// (conv2d, linear, matmul, layernorm, softmax, activations), lower_layout.cpp (add, mul,
// concat, reshape, transpose, slice, resize, global average pool), lower_attention.cpp,
// lower_moe.cpp. Each writes nodes whose final output is named after the edgebench node,
// so every tensor of the graph keeps its name in the ONNX model.
#pragma once

#include <string>

#include "core/graph.h"
#include "export/onnx/graph_writer.h"

namespace eb::onnx_export {

// Dispatches on node.op (an exhaustive switch: a new operator is a compile warning here).
void lower_node(GraphWriter& w, const Graph& g, const Node& node);

// `act` applied to `x`, the result named `out`; Activation::none is an Identity.
std::string lower_activation(GraphWriter& w, Activation act, const std::string& x, const std::string& out);

void lower_conv2d(GraphWriter& w, const Graph& g, const Node& node);
void lower_linear(GraphWriter& w, const Graph& g, const Node& node);
void lower_matmul(GraphWriter& w, const Graph& g, const Node& node);
void lower_layernorm(GraphWriter& w, const Graph& g, const Node& node);
void lower_softmax(GraphWriter& w, const Graph& g, const Node& node);
void lower_binary(GraphWriter& w, const Graph& g, const Node& node);
void lower_concat(GraphWriter& w, const Graph& g, const Node& node);
void lower_reshape(GraphWriter& w, const Graph& g, const Node& node);
void lower_transpose(GraphWriter& w, const Graph& g, const Node& node);
void lower_slice(GraphWriter& w, const Graph& g, const Node& node);
void lower_resize(GraphWriter& w, const Graph& g, const Node& node);
void lower_global_avg_pool(GraphWriter& w, const Graph& g, const Node& node);
void lower_attention(GraphWriter& w, const Graph& g, const Node& node);
void lower_moe(GraphWriter& w, const Graph& g, const Node& node);

}  // namespace eb::onnx_export
