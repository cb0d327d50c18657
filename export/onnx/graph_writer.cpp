#include "export/onnx/graph_writer.h"

#include <stdexcept>

#include "core/dtype.h"

namespace eb::onnx_export {

std::string GraphWriter::fresh(const std::string& base) {
  std::string name = base;
  for (int i = 2; used_.contains(name); ++i) name = base + "_" + std::to_string(i);
  used_.insert(name);
  return name;
}

std::string GraphWriter::node(const std::string& op, std::vector<std::string> inputs, const std::string& out, std::vector<Attr> attrs) {
  node_n(op, std::move(inputs), {out}, std::move(attrs));
  return out;
}

void GraphWriter::node_n(const std::string& op, std::vector<std::string> inputs, const std::vector<std::string>& outs, std::vector<Attr> attrs) {
  onnx::NodeProto* n = graph_.add_node();
  n->set_op_type(op);
  n->set_name(outs.front());
  for (auto& i : inputs) n->add_input(std::move(i));
  for (const auto& o : outs) {
    used_.insert(o);
    n->add_output(o);
  }
  for (const Attr& a : attrs) {
    onnx::AttributeProto* p = n->add_attribute();
    p->set_name(a.name);
    switch (a.kind) {
      case Attr::Kind::i:
        p->set_type(onnx::AttributeProto::INT);
        p->set_i(a.i);
        break;
      case Attr::Kind::f:
        p->set_type(onnx::AttributeProto::FLOAT);
        p->set_f(a.f);
        break;
      case Attr::Kind::s:
        p->set_type(onnx::AttributeProto::STRING);
        p->set_s(a.s);
        break;
      case Attr::Kind::ints:
        p->set_type(onnx::AttributeProto::INTS);
        for (auto v : a.ints) p->add_ints(v);
        break;
    }
  }
}

void GraphWriter::weight(const std::string& name, const Tensor& value) {
  if (value.dtype() != DType::f32)
    throw std::invalid_argument("onnx export: weight '" + name + "' is " + std::string(dtype_name(value.dtype())) + ", only f32 weights are written");
  used_.insert(name);
  onnx::TensorProto* t = graph_.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : value.shape()) t->add_dims(d);
  // raw_data is little-endian IEEE floats, which is how Tensor stores them on every
  // machine edgebench builds for.
  const auto b = value.bytes();
  t->set_raw_data(reinterpret_cast<const char*>(b.data()), b.size());
}

std::string GraphWriter::const_i64(const std::string& base, const std::vector<std::int64_t>& values, bool scalar) {
  const std::string name = fresh(base);
  onnx::TensorProto* t = graph_.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  if (!scalar) t->add_dims(static_cast<std::int64_t>(values.size()));
  for (auto v : values) t->add_int64_data(v);
  return name;
}

std::string GraphWriter::const_f32(const std::string& base, float value) {
  const std::string name = fresh(base);
  onnx::TensorProto* t = graph_.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_float_data(value);
  return name;
}

}  // namespace eb::onnx_export
