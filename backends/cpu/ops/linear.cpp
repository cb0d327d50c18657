// linear and matmul as oneDNN matmul primitives.
//
// linear: x[..., K] is viewed as [M, K]; the [N, K] weight is the [K, N] operand in
// column-major order, handed to oneDNN as format_tag::any so it may pack it at compile
// time; bias, activation and any folded chain are fused. matmul: batched with NumPy
// broadcasting of the batch dimensions, transpose_b by strides (no copy).
#include "backends/cpu/ops/ops.h"
#include "backends/cpu/post_ops.h"

namespace eb::cpu {

using dnnl::memory;

void lower_linear(Builder& b, const Node& node) {
  const auto& a = node.attr<LinearAttrs>();
  const Shape& xs = b.shape(node.inputs[0]);
  const Shape& ws = b.shape(node.inputs[1]);
  const memory::dim K = ws[1], N = ws[0], M = numel(xs) / K;
  const auto f32 = memory::data_type::f32;
  const auto ct = b.context().compute_type;  // f32, or bf16 with f32 accumulation and output
  const md_t src_md({M, K}, ct, memory::format_tag::ab);
  const md_t w_f32({K, N}, f32, memory::format_tag::ba);  // the [N, K] bytes, read as [K, N]
  const md_t w_plain({K, N}, ct, memory::format_tag::ba);
  const md_t w_any({K, N}, ct, memory::format_tag::any);
  const md_t bias_md({1, N}, f32, memory::format_tag::ab);
  const md_t dst_md({M, N}, f32, memory::format_tag::ab);

  const PostOpChain chain = b.chain_after(node);
  const FusedPostOps post = build_post_ops(a.act, chain, dst_md);
  auto attr = Builder::base_attr();
  attr.set_post_ops(post.ops);
  // A weight tensor may be packed at compile time; a computed one is read where it lies.
  const bool constant_w = b.graph().is_weight(node.inputs[1]);
  const md_t& w_md = constant_w ? w_any : w_plain;
  const auto desc = a.has_bias ? dnnl::matmul::desc(src_md, w_md, bias_md, dst_md) : dnnl::matmul::desc(src_md, w_md, dst_md);
  const dnnl::matmul::primitive_desc pd(desc, attr, b.engine());

  const Value src = b.plain_compute(node.inputs[0]).viewed(src_md);
  const Value weights = constant_w ? b.constant(b.weight(node.inputs[1]).data<float>(), w_f32, pd.weights_desc())
                                   : b.plain_compute(node.inputs[1]).viewed(w_plain);
  const Value dst = b.fresh(dst_md);
  Args args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}};
  if (a.has_bias) args.emplace_back(DNNL_ARG_BIAS, b.plain(node.inputs[2]).viewed(bias_md));
  for (auto& operand : bind_operands(b, post, dst_md)) args.push_back(std::move(operand));
  b.add_primitive(fused_name(node.name, chain), "linear", pd, dnnl::matmul(pd), std::move(args));
  b.absorb(chain);
  b.define(chain.result, dst.viewed(Builder::plain_desc(b.shape(chain.result))));
}

namespace {

// Dense row-major strides of a tensor stored with dimensions `stored`.
memory::dims dense_strides(const memory::dims& stored) {
  memory::dims s(stored.size(), 1);
  for (std::size_t d = stored.size() - 1; d-- > 0;) s[d] = s[d + 1] * stored[d + 1];
  return s;
}

}  // namespace

void lower_matmul(Builder& b, const Node& node) {
  const bool tb = node.attr<MatmulAttrs>().transpose_b;
  const Shape& as = b.shape(node.inputs[0]);
  const Shape& bs = b.shape(node.inputs[1]);
  const Shape& ys = b.shape(node.name);
  const std::size_t rank = ys.size();
  // Left-pad both operands with unit batch dimensions to the output's rank; oneDNN
  // broadcasts unit batch dimensions itself.
  auto padded = [rank](const Shape& s) {
    memory::dims d(rank - s.size(), 1);
    d.insert(d.end(), s.begin(), s.end());
    return d;
  };
  const memory::dims a_dims = padded(as);
  const memory::dims b_stored = padded(bs);
  memory::dims b_dims = b_stored, b_strides = dense_strides(b_stored);
  if (tb) {
    std::swap(b_dims[rank - 1], b_dims[rank - 2]);
    std::swap(b_strides[rank - 1], b_strides[rank - 2]);
  }
  const auto ct = b.context().compute_type;  // f32, or bf16 with f32 accumulation and output
  const md_t a_md(a_dims, ct, dense_strides(a_dims));
  const md_t b_md(b_dims, ct, b_strides);
  const md_t y_md = Builder::plain_desc(ys);
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, y_md), Builder::base_attr(), b.engine());
  const Value dst = b.fresh(y_md);
  b.add_primitive(node.name, "matmul", pd, dnnl::matmul(pd),
                  {{DNNL_ARG_SRC, b.plain_compute(node.inputs[0]).viewed(a_md)},
                   {DNNL_ARG_WEIGHTS, b.plain_compute(node.inputs[1]).viewed(b_md)},
                   {DNNL_ARG_DST, dst}});
  b.define(node.name, dst);
}

}  // namespace eb::cpu
