// The model around the lowered nodes: IR version, opset, typed inputs and outputs, the
// weights as initializers; then ONNX's checker, then serialisation.
#include "export/onnx/onnx_export.h"

#include <stdexcept>

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include "core/version.h"
#include "export/onnx/graph_writer.h"
#include "export/onnx/lower.h"

namespace eb::onnx_export {
namespace {

// ONNX IR version 8 is the one that goes with opset 17 (ONNX 1.12).
constexpr std::int64_t kIrVersion = 8;

void add_value_info(onnx::ValueInfoProto* v, const std::string& name, const Shape& shape) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (auto d : shape) t->mutable_shape()->add_dim()->set_dim_value(d);
}

}  // namespace

bool onnx_export_available() { return true; }
std::string onnx_export_unavailable_reason() { return {}; }

OnnxModel export_onnx(const Graph& graph, const Weights& weights, const std::string& description) {
  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("edgebench");
  model.set_producer_version(std::string(kVersion));
  model.set_doc_string(description);
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);

  onnx::GraphProto& g = *model.mutable_graph();
  g.set_name(graph.name);
  GraphWriter w(g);
  for (const auto& name : graph.inputs) {
    if (graph.info(name).dtype != DType::f32) throw std::invalid_argument("onnx export: input '" + name + "' is not f32");
    add_value_info(g.add_input(), name, graph.info(name).shape);
    w.fresh(name);
  }
  for (const auto& spec : graph.weights) {
    const Tensor& t = weights.get(spec.name);
    if (t.shape() != spec.shape) throw std::invalid_argument("onnx export: weight '" + spec.name + "' has the wrong shape");
    w.weight(spec.name, t);
  }
  for (const Node& node : graph.nodes) w.fresh(node.name);  // reserve every node's name for its own output
  for (const Node& node : graph.nodes) lower_node(w, graph, node);
  for (const auto& name : graph.outputs) add_value_info(g.add_output(), name, graph.info(name).shape);

  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw std::runtime_error("onnx export: the ONNX checker rejects the model written for '" + graph.name + "': " + e.what());
  }

  OnnxModel out;
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw std::runtime_error("onnx export: protobuf could not serialise the model (over 2 GiB?)");
  out.bytes.assign(bytes.begin(), bytes.end());
  out.nodes = g.node_size();
  out.initializers = g.initializer_size();
  for (const auto& n : g.node()) ++out.op_counts[n.op_type()];
  return out;
}

}  // namespace eb::onnx_export
