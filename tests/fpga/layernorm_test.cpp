// One-pass LayerNorm, residual add and the standalone GELU unit against float.
#include <gtest/gtest.h>

#include <vector>

#include "backends/fpga/hw/layernorm_unit.h"
#include "core/reference/kernels.h"
#include "tests/fpga/test_util.h"

namespace eb::fpga::hw {
namespace {

TEST(LayerNormUnit, OnePassMatchesFloatLayerNorm) {
  const int rows = 129, D = 192;
  for (auto [lo, hi, off] : {std::tuple{-3.0, 3.0, 0.0}, {-0.01, 0.01, 0.0}, {-2.0, 2.0, 20.0}}) {
    auto x = test::random_acts(static_cast<std::size_t>(rows * D), 11, lo, hi);
    for (auto& v : x) v = act_t::quantize(v + act_t::from_double(off));
    const auto g = test::random_floats(D, 12, 0.5, 1.5), b = test::random_floats(D, 13, -0.5, 0.5);
    std::vector<wt_norm_t> gq, bq;
    for (int i = 0; i < D; ++i) gq.push_back(wt_norm_t::from_double(g[static_cast<std::size_t>(i)]));
    for (int i = 0; i < D; ++i) bq.push_back(wt_norm_t::from_double(b[static_cast<std::size_t>(i)]));
    std::vector<act_t> y(x.size());
    const UnitStats s = layernorm_unit({gq, bq, 1e-6}, ConstActRows{x, rows, D, D}, ActRows{y, rows, D, D});
    EXPECT_EQ(s.cycles, rows * D / 8);

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
    // Relative to the normalised scale: a few steps of 2^−22 for well-scaled rows; the
    // tiny-variance rows (std ≈ 0.006) lose more to the E[x²] − E[x]² cancellation.
    const double tol = hi - lo < 0.1 ? 2e-3 : 2e-5;
    EXPECT_LE(test::max_abs_diff(test::to_tensor(y, {rows, D}).data<float>(), want.data<float>()), tol) << lo << ".." << hi << "+" << off;
  }
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
