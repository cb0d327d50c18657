// layernorm and softmax as their oneDNN primitives, on dense row-major data.
#include "backends/cpu/ops/ops.h"

namespace eb::cpu {

using dnnl::memory;

void lower_layernorm(Builder& b, const Node& node) {
  const float eps = node.attr<LayerNormAttrs>().eps;
  const Value src = b.plain(node.inputs[0]);
  // oneDNN normalises over the last logical dimension, as core/ops.h defines layernorm.
  const auto flags = dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
  const dnnl::layer_normalization_forward::primitive_desc pd(
      {dnnl::prop_kind::forward_inference, src.md, eps, flags}, Builder::base_attr(), b.engine());
  const Value dst = b.fresh(src.md);
  b.add_primitive(node.name, "layernorm", pd, dnnl::layer_normalization_forward(pd),
                  {{DNNL_ARG_SRC, src},
                   {DNNL_ARG_SCALE, b.plain(node.inputs[1])},
                   {DNNL_ARG_SHIFT, b.plain(node.inputs[2])},
                   {DNNL_ARG_DST, dst}});
  b.define(node.name, dst);
}

void lower_softmax(Builder& b, const Node& node) {
  const Value src = b.plain(node.inputs[0]);
  const int rank = src.md.data.ndims;
  const int axis = node.attr<SoftmaxAttrs>().axis < 0 ? node.attr<SoftmaxAttrs>().axis + rank : node.attr<SoftmaxAttrs>().axis;
  const dnnl::softmax_forward::primitive_desc pd({dnnl::prop_kind::forward_inference, src.md, axis},
                                                 Builder::base_attr(), b.engine());
  const Value dst = b.fresh(src.md);
  b.add_primitive(node.name, "softmax", pd, dnnl::softmax_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  b.define(node.name, dst);
}

}  // namespace eb::cpu
