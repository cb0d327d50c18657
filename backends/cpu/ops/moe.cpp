// The mixture-of-experts layer as M³ViT computes it: only the tokens routed to an expert
// go through it.
//
//   logits = x·gate                         oneDNN matmul
//   p = softmax(logits)                     oneDNN softmax, in place
//   route                                   host: top-k per token (ties to the lower
//                                           index), then the tokens gathered into one
//                                           buffer grouped by expert
//   experts                                 per active expert, two oneDNN matmuls over its
//                                           rows: fc1 + bias + activation, fc2 + bias
//   combine                                 host: out[t] = Σ_j p_j · y[row(t, j)]
//                                           (plus a residual when the add that follows
//                                           the layer is folded in)
//
// Row counts per expert change from run to run, so the expert matmuls are created once
// with a run-time M (DNNL_RUNTIME_DIM_VAL) and shared by all experts; each run only wraps
// the rows in memory objects (moe_experts.h). Exactly tokens·top_k rows are routed, so
// the gathered buffers have a fixed size and are planned like any other.
#include <algorithm>
#include <memory>
#include <numeric>

#include "backends/cpu/ops/moe_experts.h"
#include "backends/cpu/ops/ops.h"
#include "backends/cpu/post_ops.h"

namespace eb::cpu {

using dnnl::memory;

namespace {

// The routing of one run, shared by the route, experts and combine steps.
struct Routing {
  std::vector<memory::dim> first;  // [E + 1]: expert e owns rows first[e] .. first[e+1]-1
  std::vector<memory::dim> row;    // [tokens·k]: the gathered row of token t's j-th choice
  std::vector<float> weight;       // [tokens·k]: its combination weight
};

// Top-k of one token's probabilities, highest first, ties to the lower expert index.
void top_k(const float* p, int experts, int k, int* chosen) {
  for (int r = 0; r < k; ++r) {
    int best = -1;
    for (int e = 0; e < experts; ++e) {
      bool taken = false;
      for (int q = 0; q < r; ++q) taken = taken || chosen[q] == e;
      if (!taken && (best < 0 || p[e] > p[best])) best = e;  // strict '>' keeps the lower index
    }
    chosen[r] = best;
  }
}

}  // namespace

void lower_moe(Builder& b, const Node& node) {
  const auto& a = node.attr<MoeAttrs>();
  const Shape& xs = b.shape(node.inputs[0]);
  const memory::dim D = xs[2], N = numel(xs) / D, E = a.experts, H = a.hidden, K = a.top_k;
  const auto f32 = memory::data_type::f32;
  const auto ab = memory::format_tag::ab;
  const md_t x_md({N, D}, f32, ab);
  const Value x = b.plain(node.inputs[0]).viewed(x_md);

  // Gate.
  const md_t gate_md({D, E}, f32, ab), logits_md({N, E}, f32, ab);
  const Value probs = b.fresh(logits_md);
  const dnnl::matmul::primitive_desc gate_pd({x_md, gate_md, logits_md}, Builder::base_attr(), b.engine());
  b.add_primitive(node.name, "moe/gate", gate_pd, dnnl::matmul(gate_pd),
                  {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, b.plain(node.inputs[1])}, {DNNL_ARG_DST, probs}});
  const dnnl::softmax_forward::primitive_desc sm_pd({dnnl::prop_kind::forward_inference, logits_md, 1},
                                                    Builder::base_attr(), b.engine());
  b.add_primitive(node.name, "moe/gate", sm_pd, dnnl::softmax_forward(sm_pd), {{DNNL_ARG_SRC, probs}, {DNNL_ARG_DST, probs}});

  // Route and gather.
  const Value xg = b.fresh(md_t({N * K, D}, f32, ab));
  const Value hg = b.fresh(md_t({N * K, H}, f32, ab));
  const Value yg = b.fresh(md_t({N * K, D}, f32, ab));
  auto routing = std::make_shared<Routing>();
  routing->first.resize(static_cast<std::size_t>(E + 1));
  routing->row.resize(static_cast<std::size_t>(N * K));
  routing->weight.resize(static_cast<std::size_t>(N * K));
  const bool renormalize = a.renormalize;
  b.add_step({node.name, "moe/route", {x, probs, xg}, [=](const Binding& bind) -> Runner {
                const auto* px = reinterpret_cast<const float*>(bind.address(x));
                const auto* pp = reinterpret_cast<const float*>(bind.address(probs));
                auto* pg = reinterpret_cast<float*>(bind.address(xg));
                return [=](const RunEnv&) {
                  Routing& r = *routing;
                  std::vector<int> chosen(static_cast<std::size_t>(N * K));
                  std::vector<memory::dim> count(static_cast<std::size_t>(E), 0);
                  for (memory::dim t = 0; t < N; ++t) {
                    int* c = chosen.data() + t * K;
                    const float* p = pp + t * E;
                    top_k(p, static_cast<int>(E), static_cast<int>(K), c);
                    float sum = 0;
                    for (memory::dim j = 0; j < K; ++j) sum += p[c[j]];
                    for (memory::dim j = 0; j < K; ++j) {
                      r.weight[static_cast<std::size_t>(t * K + j)] = renormalize ? p[c[j]] / sum : p[c[j]];
                      ++count[static_cast<std::size_t>(c[j])];
                    }
                  }
                  r.first[0] = 0;
                  for (memory::dim e = 0; e < E; ++e) r.first[static_cast<std::size_t>(e + 1)] = r.first[static_cast<std::size_t>(e)] + count[static_cast<std::size_t>(e)];
                  // Rows of one expert in token order (a counting sort).
                  std::vector<memory::dim> next(r.first.begin(), r.first.end() - 1);
                  for (memory::dim i = 0; i < N * K; ++i) r.row[static_cast<std::size_t>(i)] = next[static_cast<std::size_t>(chosen[static_cast<std::size_t>(i)])]++;
#pragma omp parallel for
                  for (memory::dim i = 0; i < N * K; ++i)
                    std::copy_n(px + (i / K) * D, D, pg + r.row[static_cast<std::size_t>(i)] * D);
                };
              }});

  // Experts: one primitive per layer with a run-time row count; the expert's weights and
  // bias are passed per call. Each expert's [H, D] / [D, H] weight is stored transposed
  // ([D, H] / [H, D] row-major, done once at compile time): the GEMM then reads each weight
  // row contiguously, which matters here because with ~16 rows per expert every weight is
  // used only ~16 times and the weights stream from memory on every run.
  const memory::dim rt = DNNL_RUNTIME_DIM_VAL;
  const md_t fc1_src({rt, D}, f32, ab), fc1_w({D, H}, f32, ab), fc1_b({1, H}, f32, ab), fc1_dst({rt, H}, f32, ab);
  const md_t fc2_w({H, D}, f32, ab), fc2_b({1, D}, f32, ab), fc2_dst({rt, D}, f32, ab);
  // [E, R, C] data re-laid out so that each [R, C] slice is stored as its [C, R] transpose.
  auto transposed_slices = [&](const std::string& t, memory::dim r, memory::dim c) {
    return b.as(t, md_t({E, r, c}, f32, memory::dims{r * c, 1, r}));
  };
  dnnl::post_ops act;
  append_activation(act, a.act);
  auto fc1_attr = Builder::base_attr();
  fc1_attr.set_post_ops(act);
  const dnnl::matmul::primitive_desc fc1_pd({fc1_src, fc1_w, fc1_b, fc1_dst}, fc1_attr, b.engine());
  const dnnl::matmul::primitive_desc fc2_pd({fc1_dst, fc2_w, fc2_b, fc2_dst}, Builder::base_attr(), b.engine());
  const Value w1 = transposed_slices(node.inputs[2], H, D), b1 = b.plain(node.inputs[3]),
              w2 = transposed_slices(node.inputs[4], D, H), b2 = b.plain(node.inputs[5]);
  // Their scratchpads are the runner's own (one per thread); count the implementations.
  b.note_primitive(fc1_pd, "moe/experts");
  b.note_primitive(fc2_pd, "moe/experts");
  const int threads = b.context().threads;
  b.add_step({node.name, "moe/experts", {xg, hg, yg, w1, b1, w2, b2}, [=](const Binding& bind) -> Runner {
                auto f = [&](const Value& v) { return reinterpret_cast<float*>(bind.address(v)); };
                const auto layers = std::make_shared<const ExpertLayers>(
                    fc1_pd, fc2_pd, D, H, bind.engine(), threads, ExpertWeights{f(w1), f(b1), f(w2), f(b2)},
                    ExpertBuffers{f(xg), f(hg), f(yg)});
                return [layers, routing](const RunEnv& env) { layers->run(env.stream, routing->first); };
              }});

  // Combine, folding in a residual add that follows the layer when there is one.
  PostOpChain chain = b.chain_after(node);
  const bool residual = !chain.ops.empty() && chain.ops.front().kind == PostOp::Kind::binary &&
                        chain.ops.front().op == OpKind::add;
  if (residual) {
    chain.ops.resize(1);
    chain.absorbed.resize(1);
    chain.result = chain.absorbed.front();
  } else {
    chain = PostOpChain{{}, {}, node.name};
  }
  const Value res = residual ? b.plain(chain.ops.front().operand).viewed(x_md) : Value{};
  const Value out = b.fresh(x_md);
  std::vector<Value> uses{yg, out};
  if (residual) uses.push_back(res);
  b.add_step({fused_name(node.name, chain), "moe/combine", uses, [=](const Binding& bind) -> Runner {
                const auto* py = reinterpret_cast<const float*>(bind.address(yg));
                const float* pres = residual ? reinterpret_cast<const float*>(bind.address(res)) : nullptr;
                auto* po = reinterpret_cast<float*>(bind.address(out));
                return [=](const RunEnv&) {
                  const Routing& r = *routing;
#pragma omp parallel for
                  for (memory::dim t = 0; t < N; ++t) {
                    float* o = po + t * D;
                    if (pres)
                      std::copy_n(pres + t * D, D, o);
                    else
                      std::fill_n(o, D, 0.f);
                    for (memory::dim j = 0; j < K; ++j) {
                      const auto i = static_cast<std::size_t>(t * K + j);
                      const float w = r.weight[i];
                      const float* y = py + r.row[i] * D;
                      for (memory::dim c = 0; c < D; ++c) o[c] += w * y[c];
                    }
                  }
                };
              }});
  b.absorb(chain);
  b.define(chain.result, out.viewed(Builder::plain_desc(b.shape(chain.result))));
}

}  // namespace eb::cpu
