// Multi-head self-attention composed from oneDNN primitives, reading q, k and v in place
// from the packed qkv tensor through strided views (no split, no transpose copies):
//   scores[B,H,T,T] = Q·Kᵀ · 1/√head_dim   matmul, the scale as an eltwise_linear post-op
//   probs = softmax(scores, last axis)      softmax, in place
//   out[B,T,H·hd] = probs·V                 matmul writing each head's columns of the output
#include <cmath>

#include "backends/cpu/ops/ops.h"

namespace eb::cpu {

using dnnl::memory;

void lower_attention(Builder& b, const Node& node) {
  const Shape& s = b.shape(node.inputs[0]);
  const memory::dim B = s[0], T = s[1], D3 = s[2], D = D3 / 3, H = node.attr<AttentionAttrs>().heads, hd = D / H;
  const auto f32 = memory::data_type::f32;
  const Value qkv = b.plain(node.inputs[0]);
  // [B, H, T, hd] views of q and v and the [B, H, hd, T] view of kᵀ inside [B, T, 3·D].
  const md_t q_md({B, H, T, hd}, f32, memory::dims{T * D3, hd, D3, 1});
  const md_t kt_md({B, H, hd, T}, f32, memory::dims{T * D3, hd, 1, D3});
  const md_t v_md = q_md;
  const md_t scores_md({B, H, T, T}, f32, memory::format_tag::abcd);
  // The output [B, T, D] seen as [B, H, T, hd]: head h owns columns h·hd .. h·hd+hd-1.
  const md_t out_view({B, H, T, hd}, f32, memory::dims{T * D, hd, D, 1});
  const std::size_t f = sizeof(float);
  const Value q = qkv.viewed(q_md), kt = qkv.viewed(kt_md, static_cast<std::size_t>(D) * f),
              v = qkv.viewed(v_md, static_cast<std::size_t>(2 * D) * f);

  dnnl::post_ops scale;
  scale.append_eltwise(1.f, dnnl::algorithm::eltwise_linear, static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd))), 0.f);
  auto qk_attr = Builder::base_attr();
  qk_attr.set_post_ops(scale);
  const dnnl::matmul::primitive_desc qk_pd({q_md, kt_md, scores_md}, qk_attr, b.engine());
  const Value scores = b.fresh(scores_md);
  b.add_primitive(node.name, "attention/scores", qk_pd, dnnl::matmul(qk_pd),
                  {{DNNL_ARG_SRC, q}, {DNNL_ARG_WEIGHTS, kt}, {DNNL_ARG_DST, scores}});

  const dnnl::softmax_forward::primitive_desc sm_pd({dnnl::prop_kind::forward_inference, scores_md, 3},
                                                    Builder::base_attr(), b.engine());
  b.add_primitive(node.name, "attention/softmax", sm_pd, dnnl::softmax_forward(sm_pd), {{DNNL_ARG_SRC, scores}, {DNNL_ARG_DST, scores}});

  const Value out = b.fresh(Builder::plain_desc(b.shape(node.name)));
  const dnnl::matmul::primitive_desc pv_pd({scores_md, v_md, out_view}, Builder::base_attr(), b.engine());
  b.add_primitive(node.name, "attention/context", pv_pd, dnnl::matmul(pv_pd),
                  {{DNNL_ARG_SRC, scores}, {DNNL_ARG_WEIGHTS, v}, {DNNL_ARG_DST, out.viewed(out_view)}});
  b.define(node.name, out);
}

}  // namespace eb::cpu
