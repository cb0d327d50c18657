// attention on packed qkv [B, T, 3·D]: q, k, v split off the last axis, each viewed as
// [B, T, heads, hd] and put head-major; softmax(q·kᵀ · 1/√hd)·v; heads concatenated back.
// The scale multiplies the scores, as the reference does.
#include <cmath>

#include "export/onnx/lower.h"

namespace eb::onnx_export {

void lower_attention(GraphWriter& w, const Graph& g, const Node& node) {
  const std::int64_t heads = node.attr<AttentionAttrs>().heads;
  const Shape& s = g.info(node.inputs.at(0)).shape;
  const std::int64_t B = s[0], T = s[1], D = s[2] / 3, hd = D / heads;
  const std::string& n = node.name;
  const std::vector<std::string> qkv{w.fresh(n + "/q"), w.fresh(n + "/k"), w.fresh(n + "/v")};
  w.node_n("Split", {node.inputs.at(0), w.const_i64(n + "/split", {D, D, D})}, qkv, {Attr::integer("axis", 2)});
  const std::string heads_shape = w.const_i64(n + "/heads_shape", {B, T, heads, hd});
  const auto per_head = [&](const std::string& x, std::vector<std::int64_t> perm) {
    const auto r = w.node("Reshape", {x, heads_shape}, w.fresh(x + "_heads"));
    return w.node("Transpose", {r}, w.fresh(x + "_t"), {Attr::list("perm", std::move(perm))});
  };
  const auto q = per_head(qkv[0], {0, 2, 1, 3});  // [B, h, T, hd]
  const auto k = per_head(qkv[1], {0, 2, 3, 1});  // [B, h, hd, T]
  const auto v = per_head(qkv[2], {0, 2, 1, 3});  // [B, h, T, hd]
  const auto scores = w.node("MatMul", {q, k}, w.fresh(n + "/scores"));
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd)));
  const auto scaled = w.node("Mul", {scores, w.const_f32(n + "/scale", scale)}, w.fresh(n + "/scores_scaled"));
  const auto p = w.node("Softmax", {scaled}, w.fresh(n + "/probs"), {Attr::integer("axis", -1)});
  const auto o = w.node("MatMul", {p, v}, w.fresh(n + "/context"));  // [B, h, T, hd]
  const auto ot = w.node("Transpose", {o}, w.fresh(n + "/context_t"), {Attr::list("perm", {0, 2, 1, 3})});
  w.node("Reshape", {ot, w.const_i64(n + "/out_shape", {B, T, D})}, n);
}

}  // namespace eb::onnx_export
