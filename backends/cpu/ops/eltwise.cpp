// Element-wise operators: the unary activations (oneDNN eltwise) and add/mul (oneDNN
// binary), both working in whatever layout the producer left the tensor in.
//
// oneDNN's binary primitive broadcasts only its second source. add and mul commute, so
// the full-shape operand becomes the first source; when both operands broadcast (an
// outer sum such as [N,1] + [1,M]) a plain host loop computes the result instead.
#include <algorithm>

#include "backends/cpu/layouts.h"
#include "backends/cpu/ops/ops.h"
#include "backends/cpu/post_ops.h"
#include "core/shape_inference.h"

namespace eb::cpu {

using dnnl::memory;

void lower_unary(Builder& b, const Node& node) {
  Value cur = b.value(node.inputs[0]);
  const Value dst = b.fresh(cur.md);
  for (const auto& stage : eltwise_stages(unary_activation(node.op))) {
    // The second stage of a two-stage activation (hardsigmoid) runs in place on dst.
    const dnnl::eltwise_forward::primitive_desc pd({dnnl::prop_kind::forward_inference, stage.alg, cur.md, stage.alpha, stage.beta},
                                                   Builder::base_attr(), b.engine());
    b.add_primitive(node.name, std::string(op_name(node.op)), pd, dnnl::eltwise_forward(pd),
                    {{DNNL_ARG_SRC, cur}, {DNNL_ARG_DST, dst}});
    cur = dst;
  }
  b.define(node.name, dst);
}

namespace {

memory::dims padded_dims(const Shape& s, std::size_t rank) {
  memory::dims d(rank - s.size(), 1);
  d.insert(d.end(), s.begin(), s.end());
  return d;
}

// out = a (op) b with NumPy broadcasting of both operands, on dense row-major data.
void broadcast_binary(OpKind op, const float* a, const memory::dims& ad, const float* b, const memory::dims& bd,
                      float* y, const memory::dims& yd) {
  const std::size_t rank = yd.size();
  memory::dims as(rank, 0), bs(rank, 0);  // element strides, 0 along broadcast dimensions
  for (std::int64_t d = static_cast<std::int64_t>(rank) - 1, sa = 1, sb = 1; d >= 0; --d) {
    const auto u = static_cast<std::size_t>(d);
    as[u] = ad[u] == 1 ? 0 : sa;
    bs[u] = bd[u] == 1 ? 0 : sb;
    sa *= ad[u];
    sb *= bd[u];
  }
  const memory::dim inner = yd[rank - 1];
  memory::dim rows = 1;
  for (std::size_t d = 0; d + 1 < rank; ++d) rows *= yd[d];
  std::vector<memory::dim> idx(rank, 0);
  for (memory::dim r = 0; r < rows; ++r) {
    memory::dim oa = 0, ob = 0;
    for (memory::dim rem = r, d = static_cast<memory::dim>(rank) - 2; d >= 0; --d) {
      const auto u = static_cast<std::size_t>(d);
      const memory::dim i = rem % yd[u];
      rem /= yd[u];
      oa += i * as[u];
      ob += i * bs[u];
    }
    float* yr = y + r * inner;
    const memory::dim sa = as[rank - 1], sb = bs[rank - 1];
    if (op == OpKind::add)
      for (memory::dim i = 0; i < inner; ++i) yr[i] = a[oa + i * sa] + b[ob + i * sb];
    else
      for (memory::dim i = 0; i < inner; ++i) yr[i] = a[oa + i * sa] * b[ob + i * sb];
  }
}

void lower_outer_binary(Builder& b, const Node& node) {
  const Shape& ys = b.shape(node.name);
  const std::size_t rank = ys.size();
  const memory::dims ad = padded_dims(b.shape(node.inputs[0]), rank);
  const memory::dims bd = padded_dims(b.shape(node.inputs[1]), rank);
  const memory::dims yd(ys.begin(), ys.end());
  const Value va = b.plain(node.inputs[0]), vb = b.plain(node.inputs[1]);
  const Value dst = b.fresh(Builder::plain_desc(ys));
  const OpKind op = node.op;
  b.add_step({node.name, std::string(op_name(op)), {va, vb, dst}, [=](const Binding& bind) -> Runner {
                const auto* pa = reinterpret_cast<const float*>(bind.address(va));
                const auto* pb = reinterpret_cast<const float*>(bind.address(vb));
                auto* py = reinterpret_cast<float*>(bind.address(dst));
                return [=](const RunEnv&) { broadcast_binary(op, pa, ad, pb, bd, py, yd); };
              }});
  b.define(node.name, dst);
}

}  // namespace

void lower_binary(Builder& b, const Node& node) {
  const Shape& ys = b.shape(node.name);
  const std::size_t rank = ys.size();
  std::string full = node.inputs[0], other = node.inputs[1];
  if (b.shape(full) != ys) std::swap(full, other);
  if (b.shape(full) != ys) return lower_outer_binary(b, node);

  Value src0 = b.value(full);
  const memory::dims od = padded_dims(b.shape(other), rank);
  // The second source in the first one's format (blocked formats included): oneDNN's fast
  // binary kernels want both sources in one format.
  auto tag = dense_tag(src0.md);
  if (!tag) {
    src0 = b.plain(full);
    tag = dense_tag(src0.md);
  }
  const md_t src1_md(od, memory::data_type::f32, *tag);
  Value src1;
  if (b.shape(other) == Shape(od.begin(), od.end()))
    src1 = b.as(other, src1_md);
  else if (is_plain(src1_md))
    src1 = b.plain(other).viewed(src1_md);
  else
    src1 = b.convert(b.plain(other).viewed(Builder::plain_desc(Shape(od.begin(), od.end()))), src1_md, other + ":reorder");

  const auto alg = node.op == OpKind::add ? dnnl::algorithm::binary_add : dnnl::algorithm::binary_mul;
  const dnnl::binary::primitive_desc pd({alg, src0.md, src1.md, src0.md}, Builder::base_attr(), b.engine());
  // In place over the full-shape operand when it dies here (the squeeze-and-excite scaling
  // of a depthwise output): one activation-sized buffer less in the cache.
  const Value dst = b.can_overwrite(src0, node.name, std::span(&src1, 1)) ? src0 : b.fresh(src0.md);
  b.add_primitive(node.name, std::string(op_name(node.op)), pd, dnnl::binary(pd),
                  {{DNNL_ARG_SRC_0, src0}, {DNNL_ARG_SRC_1, src1}, {DNNL_ARG_DST, dst}});
  b.define(node.name, dst);
}

}  // namespace eb::cpu
