// One-pass LayerNorm, residual add and the standalone GELU unit against float.
#include <gtest/gtest.h>

#include <vector>

#include "backends/fpga/hw/layernorm_unit.h"
#include "core/reference/kernels.h"
#include "tests/fpga/test_util.h"

namespace eb::fpga::hw {
namespace {

// Against float LayerNorm, for rows of order one and rows with a large mean. The design's
// statistics are sums of fm_t terms x·fm_t(1/D), and fm_t(1/192) is 1.5·10⁻⁵ below 1/192,
// so the mean and E[x²] come out 1.5·10⁻⁵ low: harmless for rows of order one, a variance
// off by ≈ mean²·1.5·10⁻⁵ for a mean of 20 (0.2 % of the output). Rows of standard
// deviation ≈ 0.006 are not compared: their E[x²] terms are a few steps of 2⁻²² each, so
// the design's variance is mostly truncation (docs/fpga-model.md).
TEST(LayerNormUnit, OnePassMatchesFloatLayerNormAsCloselyAsTheDesignsArithmetic) {
  const int rows = 129, D = 192;
  for (auto [lo, hi, off, tol] : {std::tuple{-3.0, 3.0, 0.0, 1e-4}, {-2.0, 2.0, 20.0, 1e-2}}) {
    auto x = test::random_acts(static_cast<std::size_t>(rows * D), 11, lo, hi);
    for (auto& v : x) v = act_t::quantize(v + act_t::from_double(off));
    const auto g = test::random_floats(D, 12, 0.5, 1.5), b = test::random_floats(D, 13, -0.5, 0.5);
    std::vector<wt_norm_t> gq, bq;
    for (int i = 0; i < D; ++i) gq.push_back(wt_norm_t::from_double(g[static_cast<std::size_t>(i)]));
    for (int i = 0; i < D; ++i) bq.push_back(wt_norm_t::from_double(b[static_cast<std::size_t>(i)]));
    std::vector<act_t> y(x.size());
    const UnitStats s = layernorm_unit({gq, bq, 1e-6}, ConstActRows{x, rows, D, D}, ActRows{y, rows, D, D});
    EXPECT_EQ(s.cycles, rows * D / 8);
    EXPECT_EQ(s.wraps, 0);

    Node n;
    n.name = "ln";
    n.op = OpKind::layernorm;
    n.attrs = LayerNormAttrs{1e-6f};
    Tensor gt(DType::f32, {D}), bt(DType::f32, {D});
    for (int i = 0; i < D; ++i) gt.data<float>()[static_cast<std::size_t>(i)] = static_cast<float>(gq[static_cast<std::size_t>(i)].to_double());
    for (int i = 0; i < D; ++i) bt.data<float>()[static_cast<std::size_t>(i)] = static_cast<float>(bq[static_cast<std::size_t>(i)].to_double());
    const Tensor xt = test::to_tensor(x, {rows, D});
    const Tensor* in[] = {&xt, &gt, &bt};
    const Tensor want = ref::eval_node(n, in, {rows, D});
    EXPECT_LE(test::max_abs_diff(test::to_tensor(y, {rows, D}).data<float>(), want.data<float>()), tol) << lo << ".." << hi << "+" << off;
  }
}

// A constant row of 1.0 shows the design's arithmetic step by step: each term
// x·fm_t(1/192) is 21845·2⁻²², so the mean is 4194240·2⁻²² (64 steps below 1), E[x²] the
// same, mean² 4194176·2⁻²², the variance 64 + 4 (ε) steps, σ = ⌊√(68·2²²)⌋ = 16888 steps,
// 1/σ = ⌊2⁴⁴/16888⌋, and every output (x − mean)·(1/σ) = 15895·2⁻²² ≈ 0.0038 with γ = 1,
// β = 0 — where exact statistics (the datapath before) give 0.
TEST(LayerNormUnit, FollowsTheDesignsStatisticsStepByStep) {
  const int D = 192;
  const std::vector<act_t> x(D, act_t::one());
  const std::vector<wt_norm_t> g(D, wt_norm_t::from_double(1.0)), b(D, wt_norm_t::from_double(0.0));
  std::vector<act_t> y(D);
  const UnitStats s = layernorm_unit({g, b, 1e-6}, ConstActRows{x, 1, D, D}, ActRows{y, 1, D, D});
  for (const act_t v : y) EXPECT_EQ(v.raw(), 15895);
  EXPECT_EQ(s.wraps, 0);
}

// The residual add is the design's fm_t addition (compute_add): it wraps on overflow, and
// the unit counts it.
TEST(AddUnit, WrapsAndBroadcastsThePeriodicOperand) {
  const std::vector<act_t> a{act_t::from_double(1.0), act_t::from_double(511.5), act_t::from_double(-2.0), act_t::min()};
  const std::vector<act_t> b{act_t::from_double(0.5), act_t::from_double(1.0)};
  std::vector<act_t> y(4);
  const UnitStats s = add_unit(a, b, y);
  EXPECT_EQ(y[0].to_double(), 1.5);
  EXPECT_EQ(y[1].to_double(), 512.5 - 1024.0);
  EXPECT_EQ(s.wraps, 1);
  EXPECT_EQ(y[2].to_double(), -1.5);
  EXPECT_EQ(y[3].to_double(), -511.0);
}

TEST(GeluUnit, AppliesTheGeluApproximationElementwise) {
  const auto x = test::random_acts(100, 14, -6.0, 6.0);
  std::vector<act_t> y(x.size());
  gelu_unit(x, y);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], gelu(x[i]));
}

}  // namespace
}  // namespace eb::fpga::hw
