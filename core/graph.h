// The graph IR: a topologically ordered list of nodes over named tensors, plus a
// weight table. Every node produces exactly one tensor, named after the node.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/ops.h"
#include "core/tensor.h"

namespace eb {

// How a weight is filled by seeded initialisation (core/seeded_init.h).
struct WeightInit {
  enum class Kind : std::uint8_t { constant, uniform };
  Kind kind = Kind::constant;
  double lo = 0.0;  // uniform: [lo, hi); constant: value in lo
  double hi = 0.0;

  static WeightInit constant(double v) { return {Kind::constant, v, v}; }
  static WeightInit zeros() { return constant(0.0); }
  static WeightInit ones() { return constant(1.0); }
  static WeightInit uniform(double lo, double hi) { return {Kind::uniform, lo, hi}; }
  // Zero-mean uniform with the given standard deviation (half-width std·√3).
  static WeightInit with_std(double std);
  friend bool operator==(const WeightInit&, const WeightInit&) = default;
};

struct WeightSpec {
  std::string name;
  Shape shape;
  DType dtype = DType::f32;
  WeightInit init;
};

enum class TensorKind : std::uint8_t { input, weight, activation };

struct TensorInfo {
  Shape shape;
  DType dtype = DType::f32;
  TensorKind kind = TensorKind::activation;
};

struct Node {
  std::string name;  // also the name of the tensor the node produces
  OpKind op = OpKind::add;
  OpAttrs attrs;
  std::vector<std::string> inputs;

  const std::string& output() const { return name; }
  template <class A>
  const A& attr() const {
    return std::get<A>(attrs);
  }
};

class Graph {
 public:
  std::string name;
  std::vector<std::string> inputs;   // run-time inputs, in the order executables take them
  std::vector<std::string> outputs;  // results, in the order executables return them
  std::vector<WeightSpec> weights;
  std::vector<Node> nodes;           // topological order
  std::map<std::string, TensorInfo> tensors;  // every named tensor: inputs, weights, node outputs

  const TensorInfo& info(const std::string& tensor) const;  // throws naming the tensor
  bool has_tensor(const std::string& tensor) const { return tensors.contains(tensor); }
  bool is_weight(const std::string& tensor) const;
  const WeightSpec& weight(const std::string& tensor) const;  // throws naming the tensor
  const Node* producer(const std::string& tensor) const;      // nullptr for inputs and weights

  // Throws std::invalid_argument naming the first problem: a node reading a tensor that
  // is not yet defined, a duplicate name, attributes of the wrong type, a shape that does
  // not match what shape inference derives, an output that is never produced.
  void validate() const;

  // Parameters (elements of all weights, as published counts do: batch-norm statistics
  // included) and multiply-accumulates of one run.
  std::int64_t param_count() const;
  std::int64_t mac_count() const;
};

// Builds graphs node by node, inferring every output shape as it goes, so that a model
// builder reads like the network's definition.
class GraphBuilder {
 public:
  explicit GraphBuilder(std::string graph_name);

  std::string input(const std::string& name, Shape shape, DType dtype = DType::f32);
  std::string weight(const std::string& name, Shape shape, WeightInit init, DType dtype = DType::f32);
  // Adds a node named `name` and returns its output tensor's name (== name).
  std::string add(OpKind op, OpAttrs attrs, std::vector<std::string> inputs, const std::string& name);
  void output(const std::string& tensor);

  const Shape& shape(const std::string& tensor) const;
  bool has(const std::string& tensor) const { return graph_.has_tensor(tensor); }
  // Validates and hands the graph over; the builder is empty afterwards.
  Graph finish();

 private:
  void define(const std::string& name, TensorInfo info);
  Graph graph_;
};

}  // namespace eb
