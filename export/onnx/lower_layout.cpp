// add, mul, concat, reshape, transpose, slice, resize_bilinear, global_avg_pool.
#include <stdexcept>

#include "export/onnx/lower.h"

namespace eb::onnx_export {

void lower_binary(GraphWriter& w, const Graph&, const Node& node) {
  // Both follow NumPy broadcasting, as ONNX's Add and Mul do.
  w.node(node.op == OpKind::add ? "Add" : "Mul", {node.inputs.at(0), node.inputs.at(1)}, node.name);
}

void lower_concat(GraphWriter& w, const Graph&, const Node& node) {
  w.node("Concat", node.inputs, node.name, {Attr::integer("axis", node.attr<ConcatAttrs>().axis)});
}

void lower_reshape(GraphWriter& w, const Graph& g, const Node& node) {
  // The inferred shape, not the attribute: it has no -1 left and, having no zeros, means
  // the same under ONNX's "0 copies the input dimension" rule.
  const Shape& s = g.info(node.name).shape;
  w.node("Reshape", {node.inputs.at(0), w.const_i64(node.name + "/shape", {s.begin(), s.end()})}, node.name);
}

void lower_transpose(GraphWriter& w, const Graph&, const Node& node) {
  const auto& p = node.attr<TransposeAttrs>().perm;
  w.node("Transpose", {node.inputs.at(0)}, node.name, {Attr::list("perm", {p.begin(), p.end()})});
}

void lower_slice(GraphWriter& w, const Graph&, const Node& node) {
  const auto& a = node.attr<SliceAttrs>();
  w.node("Slice",
         {node.inputs.at(0), w.const_i64(node.name + "/starts", {a.start}), w.const_i64(node.name + "/ends", {a.end}),
          w.const_i64(node.name + "/axes", {a.axis})},
         node.name);
}

void lower_resize(GraphWriter& w, const Graph& g, const Node& node) {
  const auto& a = node.attr<ResizeAttrs>();
  const Shape& in = g.info(node.inputs.at(0)).shape;
  // core/ops.h's three coordinate modes are ONNX's align_corners, half_pixel (not
  // pytorch_half_pixel, which differs when an output side is 1) and asymmetric.
  const char* mode = a.align_corners ? "align_corners" : a.half_pixel_centers ? "half_pixel" : "asymmetric";
  w.node("Resize", {node.inputs.at(0), "", "", w.const_i64(node.name + "/sizes", {in[0], in[1], a.out_h, a.out_w})}, node.name,
         {Attr::text("mode", "linear"), Attr::text("coordinate_transformation_mode", mode)});
}

void lower_global_avg_pool(GraphWriter& w, const Graph&, const Node& node) { w.node("GlobalAveragePool", {node.inputs.at(0)}, node.name); }

}  // namespace eb::onnx_export
