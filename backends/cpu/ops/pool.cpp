// global_avg_pool as oneDNN average pooling with one window covering the whole plane,
// in the producer's layout (squeeze-and-excite reads blocked conv outputs).
#include "backends/cpu/ops/ops.h"

namespace eb::cpu {

using dnnl::memory;

void lower_global_avg_pool(Builder& b, const Node& node) {
  const Value src = b.value(node.inputs[0]);
  const Shape& xs = b.shape(node.inputs[0]);
  const Shape& ys = b.shape(node.name);
  const md_t dst_any({ys.begin(), ys.end()}, memory::data_type::f32, memory::format_tag::any);
  const dnnl::pooling_forward::primitive_desc pd(
      {dnnl::prop_kind::forward_inference, dnnl::algorithm::pooling_avg_exclude_padding, src.md, dst_any, {1, 1},
       {xs[2], xs[3]}, {0, 0}, {0, 0}},
      Builder::base_attr(), b.engine());
  const Value dst = b.fresh(pd.dst_desc());
  b.add_primitive(node.name, "global_avg_pool", pd, dnnl::pooling_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
  b.define(node.name, dst);
}

}  // namespace eb::cpu
