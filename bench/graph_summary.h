// What a graph computes, node by node: operator, output shape, parameters and MACs — the
// numbers `edgebench inspect` shows and that are compared with published model sizes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/graph.h"

namespace eb::bench {

struct LayerSummary {
  std::string name;
  std::string op;
  Shape output_shape;
  std::int64_t params = 0;  // elements of the weights this node reads
  std::int64_t macs = 0;    // core/shape_inference.h node_macs
};

struct TensorSummary {
  std::string name;
  Shape shape;
  DType dtype = DType::f32;
};

struct GraphSummary {
  std::string name;
  std::vector<TensorSummary> inputs;
  std::vector<TensorSummary> outputs;
  std::vector<LayerSummary> layers;  // graph order
  std::int64_t params = 0;  // Graph::param_count(): every declared weight, batch-norm statistics included
  // Convolution and linear weights and biases without the batch-norm statistics (γ, β, μ,
  // σ²): the convention of the published counts (TF-slim's tables, the MobileNet papers).
  std::int64_t params_without_batch_norm = 0;
  std::int64_t macs = 0;    // Graph::mac_count()
  std::size_t weight_tensors = 0;
};

GraphSummary summarize_graph(const Graph& graph);

nlohmann::json to_json(const GraphSummary& s);

}  // namespace eb::bench
