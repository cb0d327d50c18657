#include "core/graph.h"

#include <cmath>
#include <set>
#include <stdexcept>

#include "core/shape_inference.h"

namespace eb {

WeightInit WeightInit::with_std(double std) {
  const double half = std * std::sqrt(3.0);
  return uniform(-half, half);
}

const TensorInfo& Graph::info(const std::string& tensor) const {
  auto it = tensors.find(tensor);
  if (it == tensors.end()) throw std::invalid_argument("graph '" + name + "' has no tensor '" + tensor + "'");
  return it->second;
}

bool Graph::is_weight(const std::string& tensor) const {
  auto it = tensors.find(tensor);
  return it != tensors.end() && it->second.kind == TensorKind::weight;
}

const WeightSpec& Graph::weight(const std::string& tensor) const {
  for (const auto& w : weights)
    if (w.name == tensor) return w;
  throw std::invalid_argument("graph '" + name + "' has no weight '" + tensor + "'");
}

const Node* Graph::producer(const std::string& tensor) const {
  for (const auto& n : nodes)
    if (n.name == tensor) return &n;
  return nullptr;
}

void Graph::validate() const {
  std::set<std::string> defined;
  auto define = [&](const std::string& t, TensorKind kind, const Shape* shape, DType dtype) {
    if (!defined.insert(t).second) throw std::invalid_argument("graph '" + name + "': tensor '" + t + "' defined twice");
    auto it = tensors.find(t);
    if (it == tensors.end()) throw std::invalid_argument("graph '" + name + "': tensor '" + t + "' has no shape record");
    if (it->second.kind != kind) throw std::invalid_argument("graph '" + name + "': tensor '" + t + "' has the wrong kind");
    if (shape && it->second.shape != *shape)
      throw std::invalid_argument("graph '" + name + "': tensor '" + t + "' recorded as " + to_string(it->second.shape) +
                                  " but is " + to_string(*shape));
    if (it->second.dtype != dtype)
      throw std::invalid_argument("graph '" + name + "': tensor '" + t + "' has inconsistent dtype");
  };
  for (const auto& in : inputs) define(in, TensorKind::input, nullptr, info(in).dtype);
  for (const auto& w : weights) define(w.name, TensorKind::weight, &w.shape, w.dtype);
  for (const auto& n : nodes) {
    for (const auto& in : n.inputs)
      if (!defined.contains(in))
        throw std::invalid_argument("graph '" + name + "': node '" + n.name + "' reads '" + in +
                                    "' before it is defined");
    const Shape s = infer_shape(n, input_shapes(*this, n));
    define(n.name, TensorKind::activation, &s, DType::f32);
  }
  if (defined.size() != tensors.size())
    throw std::invalid_argument("graph '" + name + "': shape records for tensors that nothing defines");
  for (const auto& out : outputs)
    if (!defined.contains(out)) throw std::invalid_argument("graph '" + name + "': output '" + out + "' is never produced");
  if (outputs.empty()) throw std::invalid_argument("graph '" + name + "' has no outputs");
}

std::int64_t Graph::param_count() const {
  std::int64_t n = 0;
  for (const auto& w : weights) n += numel(w.shape);
  return n;
}

std::int64_t Graph::mac_count() const {
  std::int64_t n = 0;
  for (const auto& node : nodes) n += node_macs(node, input_shapes(*this, node), info(node.name).shape);
  return n;
}

GraphBuilder::GraphBuilder(std::string graph_name) { graph_.name = std::move(graph_name); }

void GraphBuilder::define(const std::string& name, TensorInfo info) {
  if (name.empty()) throw std::invalid_argument("graph '" + graph_.name + "': empty tensor name");
  if (!graph_.tensors.emplace(name, std::move(info)).second)
    throw std::invalid_argument("graph '" + graph_.name + "': tensor '" + name + "' defined twice");
}

std::string GraphBuilder::input(const std::string& name, Shape shape, DType dtype) {
  define(name, {shape, dtype, TensorKind::input});
  graph_.inputs.push_back(name);
  return graph_.inputs.back();
}

std::string GraphBuilder::weight(const std::string& name, Shape shape, WeightInit init, DType dtype) {
  define(name, {shape, dtype, TensorKind::weight});
  graph_.weights.push_back({name, std::move(shape), dtype, init});
  return graph_.weights.back().name;
}

std::string GraphBuilder::add(OpKind op, OpAttrs attrs, std::vector<std::string> inputs, const std::string& name) {
  Node n{name, op, std::move(attrs), std::move(inputs)};
  std::vector<Shape> shapes;
  shapes.reserve(n.inputs.size());
  for (const auto& in : n.inputs) {
    if (!graph_.has_tensor(in))
      throw std::invalid_argument("graph '" + graph_.name + "': node '" + name + "' reads unknown tensor '" + in + "'");
    shapes.push_back(graph_.info(in).shape);
  }
  Shape out = infer_shape(n, shapes);
  define(name, {std::move(out), DType::f32, TensorKind::activation});
  graph_.nodes.push_back(std::move(n));
  return graph_.nodes.back().name;
}

void GraphBuilder::output(const std::string& tensor) {
  if (!graph_.has_tensor(tensor)) throw std::invalid_argument("graph '" + graph_.name + "': unknown output '" + tensor + "'");
  graph_.outputs.push_back(tensor);
}

const Shape& GraphBuilder::shape(const std::string& tensor) const { return graph_.info(tensor).shape; }

Graph GraphBuilder::finish() {
  graph_.validate();
  Graph g = std::move(graph_);
  graph_ = Graph{};
  return g;
}

}  // namespace eb
