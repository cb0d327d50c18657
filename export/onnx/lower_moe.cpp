// moe (core/ops.h, core/reference/moe.cpp): p = softmax(x·gate) over E experts; TopK
// picks the top_k experts per token (largest, ties to the lower index, as ONNX specifies
// and the reference does); their p, renormalised over the chosen ones only when the
// attributes say so, are scattered into a dense [M, E] combination matrix, and a second
// scatter of ones marks which experts each token chose. Then, unrolled per expert, only
// the tokens routed to it are gathered (NonZero of its column), run through
// fc2(act(fc1 x)), weighted and added into the output with ScatterND(reduction add).
#include <string>

#include "export/onnx/lower.h"

namespace eb::onnx_export {

void lower_moe(GraphWriter& w, const Graph& g, const Node& node) {
  const auto& a = node.attr<MoeAttrs>();
  const Shape& xs = g.info(node.inputs.at(0)).shape;
  const std::int64_t D = xs.back();
  std::int64_t M = 1;
  for (std::size_t i = 0; i + 1 < xs.size(); ++i) M *= xs[i];
  const std::string& n = node.name;
  const std::string& fc1_w = node.inputs.at(2);
  const std::string& fc1_b = node.inputs.at(3);
  const std::string& fc2_w = node.inputs.at(4);
  const std::string& fc2_b = node.inputs.at(5);

  // Routing.
  const auto x = w.node("Reshape", {node.inputs.at(0), w.const_i64(n + "/tokens_shape", {M, D})}, w.fresh(n + "/tokens"));
  const auto logits = w.node("MatMul", {x, node.inputs.at(1)}, w.fresh(n + "/logits"));
  const auto p = w.node("Softmax", {logits}, w.fresh(n + "/probs"), {Attr::integer("axis", -1)});
  const std::string top_p = w.fresh(n + "/top_p"), top_i = w.fresh(n + "/top_i");
  w.node_n("TopK", {p, w.const_i64(n + "/k", {a.top_k})}, {top_p, top_i}, {Attr::integer("axis", -1), Attr::integer("largest", 1), Attr::integer("sorted", 1)});
  std::string weight = top_p;
  if (a.renormalize) {
    const auto sum = w.node("ReduceSum", {top_p, w.const_i64(n + "/last_axis", {-1})}, w.fresh(n + "/top_sum"), {Attr::integer("keepdims", 1)});
    weight = w.node("Div", {top_p, sum}, w.fresh(n + "/top_w"));
  }
  const auto zeros = w.node("ConstantOfShape", {w.const_i64(n + "/route_shape", {M, a.experts})}, w.fresh(n + "/route_zeros"));
  const auto combine = w.node("ScatterElements", {zeros, top_i, weight}, w.fresh(n + "/combine"), {Attr::integer("axis", 1)});
  const auto ones = w.node("Expand", {w.const_f32(n + "/one", 1.0f), w.const_i64(n + "/top_shape", {M, a.top_k})}, w.fresh(n + "/top_ones"));
  const auto chosen = w.node("ScatterElements", {zeros, top_i, ones}, w.fresh(n + "/chosen"), {Attr::integer("axis", 1)});

  // Experts.
  std::string acc = w.node("ConstantOfShape", {w.const_i64(n + "/out_tokens_shape", {M, D})}, w.fresh(n + "/acc0"));
  const auto one_axis = w.const_i64(n + "/axis1", {1});
  const auto flat = w.const_i64(n + "/flat", {-1});
  for (std::int64_t e = 0; e < a.experts; ++e) {
    const std::string p_e = n + "/expert" + std::to_string(e);
    const auto idx_e = w.const_i64(p_e + "/index", {e}, true);
    const auto col = w.node("Gather", {chosen, idx_e}, w.fresh(p_e + "/chosen"), {Attr::integer("axis", 1)});  // [M]
    const auto nz = w.node("NonZero", {col}, w.fresh(p_e + "/nonzero"));                                           // [1, n]
    const auto tok = w.node("Reshape", {nz, flat}, w.fresh(p_e + "/tokens"));                                      // [n]
    const auto tok2 = w.node("Unsqueeze", {tok, one_axis}, w.fresh(p_e + "/tokens_nd"));                           // [n, 1]
    const auto xe = w.node("Gather", {x, tok}, w.fresh(p_e + "/x"), {Attr::integer("axis", 0)});                 // [n, D]
    const auto w1 = w.node("Gather", {fc1_w, idx_e}, w.fresh(p_e + "/fc1_w"), {Attr::integer("axis", 0)});       // [H, D]
    const auto w1t = w.node("Transpose", {w1}, w.fresh(p_e + "/fc1_wt"), {Attr::list("perm", {1, 0})});
    const auto b1 = w.node("Gather", {fc1_b, idx_e}, w.fresh(p_e + "/fc1_b"), {Attr::integer("axis", 0)});
    const auto h0 = w.node("Add", {w.node("MatMul", {xe, w1t}, w.fresh(p_e + "/fc1_mm")), b1}, w.fresh(p_e + "/fc1"));
    const auto h = lower_activation(w, a.act, h0, w.fresh(p_e + "/act"));
    const auto w2 = w.node("Gather", {fc2_w, idx_e}, w.fresh(p_e + "/fc2_w"), {Attr::integer("axis", 0)});  // [D, H]
    const auto w2t = w.node("Transpose", {w2}, w.fresh(p_e + "/fc2_wt"), {Attr::list("perm", {1, 0})});
    const auto b2 = w.node("Gather", {fc2_b, idx_e}, w.fresh(p_e + "/fc2_b"), {Attr::integer("axis", 0)});
    const auto y = w.node("Add", {w.node("MatMul", {h, w2t}, w.fresh(p_e + "/fc2_mm")), b2}, w.fresh(p_e + "/fc2"));
    const auto wcol = w.node("Gather", {combine, idx_e}, w.fresh(p_e + "/weight_all"), {Attr::integer("axis", 1)});  // [M]
    const auto we = w.node("Unsqueeze", {w.node("Gather", {wcol, tok}, w.fresh(p_e + "/weight"), {Attr::integer("axis", 0)}), one_axis},
                           w.fresh(p_e + "/weight_col"));  // [n, 1]
    const auto yw = w.node("Mul", {y, we}, w.fresh(p_e + "/weighted"));
    acc = w.node("ScatterND", {acc, tok2, yw}, w.fresh(p_e + "/acc"), {Attr::text("reduction", "add")});
  }
  w.node("Reshape", {acc, w.const_i64(n + "/out_shape", {xs.begin(), xs.end()})}, n);
}

}  // namespace eb::onnx_export
