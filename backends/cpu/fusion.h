// Which nodes fold into the node before them as oneDNN post-ops.
//
// After a convolution or a linear layer, a run of nodes can be applied to its output
// while it is still in registers: unary activations (eltwise post-ops) and an add or mul
// with a tensor that already exists (binary post-ops; the residual add of inverted
// bottlenecks and transformer blocks). A node joins the chain only when the tensor it
// reads has that node as its single reader and is not a graph output, so no
// intermediate tensor that someone else needs disappears.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/graph.h"

namespace eb::cpu {

struct PostOp {
  enum class Kind : std::uint8_t { activation, binary };
  Kind kind = Kind::activation;
  Activation act = Activation::none;  // kind == activation
  OpKind op = OpKind::add;            // kind == binary: add or mul
  std::string operand;                // kind == binary: the other input (same shape as the output)
};

struct PostOpChain {
  std::vector<PostOp> ops;
  std::vector<std::string> absorbed;  // names of the nodes folded in, in order
  // The tensor the fused step produces: the last absorbed node's output, or the base
  // node's own output when nothing was absorbed.
  std::string result;
};

class GraphIndex {
 public:
  explicit GraphIndex(const Graph& graph);

  std::size_t reader_count(const std::string& tensor) const;
  // Whether `tensor` is read by no node after `node` (in graph order) and is not a graph
  // output: once `node` has run, its bytes may be overwritten.
  bool dead_after(const std::string& tensor, const std::string& node) const;
  bool is_output(const std::string& tensor) const { return outputs_.contains(tensor); }

  // The chain that can follow `base` (a conv2d or linear node). `available` says whether
  // a tensor already has a value at the time `base` runs (binary operands must).
  PostOpChain chain_after(const Node& base, const std::function<bool(const std::string&)>& available) const;

 private:
  const Graph& graph_;
  std::map<std::string, std::vector<std::size_t>> readers_;  // tensor -> indices of nodes reading it
  std::map<std::string, std::size_t> position_;              // node -> its index in graph order
  std::set<std::string> outputs_;
};

}  // namespace eb::cpu
