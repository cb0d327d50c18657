// GraphWriter: appends nodes, constants and initializers to an ONNX GraphProto and keeps
// the names of the intermediate tensors a lowering introduces unique ("<node>/<what>").
// Internal to the exporter; the only file besides onnx_export.cpp that sees protobuf types
// in its interface.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "core/tensor.h"

namespace eb::onnx_export {

// One attribute of a node, typed as ONNX types them.
struct Attr {
  std::string name;
  enum class Kind : std::uint8_t { i, f, s, ints } kind = Kind::i;
  std::int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<std::int64_t> ints;

  static Attr integer(std::string n, std::int64_t v) { return {std::move(n), Kind::i, v, 0, {}, {}}; }
  static Attr real(std::string n, float v) { return {std::move(n), Kind::f, 0, v, {}, {}}; }
  static Attr text(std::string n, std::string v) { return {std::move(n), Kind::s, 0, 0, std::move(v), {}}; }
  static Attr list(std::string n, std::vector<std::int64_t> v) { return {std::move(n), Kind::ints, 0, 0, {}, std::move(v)}; }
};

class GraphWriter {
 public:
  explicit GraphWriter(onnx::GraphProto& graph) : graph_(graph) {}

  // A name not yet used in the graph: `base` itself, else base_2, base_3, ...
  std::string fresh(const std::string& base);

  // Adds a node with one output named `out` (taken as is: callers pass a node's name or a
  // fresh() one) and returns `out`.
  std::string node(const std::string& op, std::vector<std::string> inputs, const std::string& out, std::vector<Attr> attrs = {});
  // The same with several outputs.
  void node_n(const std::string& op, std::vector<std::string> inputs, const std::vector<std::string>& outs, std::vector<Attr> attrs = {});

  // Initializers: a weight under its own name, and small constants under fresh names.
  void weight(const std::string& name, const Tensor& value);  // f32 only; throws otherwise
  std::string const_i64(const std::string& base, const std::vector<std::int64_t>& values, bool scalar = false);
  std::string const_f32(const std::string& base, float value);  // a scalar

  std::int64_t nodes() const { return graph_.node_size(); }

 private:
  onnx::GraphProto& graph_;
  std::set<std::string> used_;
};

}  // namespace eb::onnx_export
