// linear and matmul against hand-computed values and naive triple loops written here.
#include <gtest/gtest.h>

#include <vector>

#include "core/reference/kernels.h"
#include "core/rng.h"
#include "core/shape_inference.h"
#include "tests/reference/eval.h"

namespace eb {
namespace {

using test::eval;
using test::random_tensor;

TEST(Linear, HandComputed) {
  // x = [[1, 2], [3, 4]], W = [[1, 1], [2, −1], [0, 0.5]] ([out=3, in=2]), b = [0, 1, −3]
  // row 0: [1+2, 2−2+1, 1−3] = [3, 1, −2];  row 1: [3+4, 6−4+1, 2−3] = [7, 3, −1]
  const Tensor x = Tensor::from_f32({2, 2}, {1, 2, 3, 4});
  const Tensor w = Tensor::from_f32({3, 2}, {1, 1, 2, -1, 0, 0.5f});
  const Tensor b = Tensor::from_f32({3}, {0, 1, -3});
  Node n{"fc", OpKind::linear, LinearAttrs{Activation::none, true}, {"x", "w", "b"}};
  EXPECT_EQ(eval(n, {&x, &w, &b}), Tensor::from_f32({2, 3}, {3, 1, -2, 7, 3, -1}));
  n.attrs = LinearAttrs{Activation::relu, true};
  EXPECT_EQ(eval(n, {&x, &w, &b}), Tensor::from_f32({2, 3}, {3, 1, 0, 7, 3, 0}));
  n.attrs = LinearAttrs{Activation::none, false};
  n.inputs.pop_back();
  EXPECT_EQ(eval(n, {&x, &w}), Tensor::from_f32({2, 3}, {3, 0, 1, 7, 2, 2}));
}

TEST(Linear, MatchesNaiveOnTokens) {
  // [B=2, T=7, K=13] · [N=11, K]ᵀ + b with gelu — 14 rows exercise the 4-row blocks and the tail.
  const Tensor x = random_tensor({2, 7, 13}, 1), w = random_tensor({11, 13}, 2), b = random_tensor({11}, 3);
  Node n{"fc", OpKind::linear, LinearAttrs{Activation::gelu, true}, {"x", "w", "b"}};
  const Tensor y = eval(n, {&x, &w, &b});
  ASSERT_EQ(y.shape(), (Shape{2, 7, 11}));
  const auto X = x.data<float>(), W = w.data<float>(), B = b.data<float>(), Y = y.data<float>();
  for (int m = 0; m < 14; ++m)
    for (int o = 0; o < 11; ++o) {
      double s = B[o];
      for (int k = 0; k < 13; ++k) s += static_cast<double>(X[m * 13 + k]) * W[o * 13 + k];
      const double want = ref::apply_activation(Activation::gelu, s);
      ASSERT_NEAR(Y[m * 11 + o], want, 1e-6 * (1 + std::abs(want))) << m << "," << o;
    }
}

TEST(Matmul, HandComputed) {
  // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]; with transpose_b the
  // second operand is read as [[5, 7], [6, 8]]: [[17, 23], [39, 53]].
  const Tensor a = Tensor::from_f32({2, 2}, {1, 2, 3, 4});
  const Tensor b = Tensor::from_f32({2, 2}, {5, 6, 7, 8});
  Node n{"mm", OpKind::matmul, MatmulAttrs{}, {"a", "b"}};
  EXPECT_EQ(eval(n, {&a, &b}), Tensor::from_f32({2, 2}, {19, 22, 43, 50}));
  n.attrs = MatmulAttrs{true};
  EXPECT_EQ(eval(n, {&a, &b}), Tensor::from_f32({2, 2}, {17, 23, 39, 53}));
}

void check_batched(const Shape& as, const Shape& bs, bool tb) {
  const Tensor a = random_tensor(as, 4), b = random_tensor(bs, 5);
  Node n{"mm", OpKind::matmul, MatmulAttrs{tb}, {"a", "b"}};
  const Tensor y = eval(n, {&a, &b});
  const Shape& ys = y.shape();
  const auto r = ys.size();
  const std::int64_t M = ys[r - 2], N = ys[r - 1], K = as.back();
  const std::int64_t batches = y.numel() / (M * N);
  // Index an operand's batch position by NumPy broadcasting, spelled out per element.
  auto offset = [&](const Shape& s, std::int64_t flat_batch) {
    std::int64_t off = 0, mul = 1, rem = flat_batch;
    for (std::size_t i = 0; i + 2 < r; ++i) {
      const std::size_t od = r - 3 - i;  // output batch dim, innermost first
      const std::int64_t idx = rem % ys[od];
      rem /= ys[od];
      if (i + 2 < s.size()) {
        const std::int64_t dim = s[s.size() - 3 - i];
        off += (dim == 1 ? 0 : idx) * mul;
        mul *= dim;
      }
    }
    return off;
  };
  const auto A = a.data<float>(), B = b.data<float>(), Y = y.data<float>();
  for (std::int64_t bt = 0; bt < batches; ++bt) {
    const std::int64_t oa = offset(as, bt) * M * K, ob = offset(bs, bt) * K * N;
    for (std::int64_t i = 0; i < M; ++i)
      for (std::int64_t j = 0; j < N; ++j) {
        double s = 0;
        for (std::int64_t k = 0; k < K; ++k)
          s += static_cast<double>(A[static_cast<std::size_t>(oa + i * K + k)]) *
               B[static_cast<std::size_t>(ob + (tb ? j * K + k : k * N + j))];
        ASSERT_NEAR(Y[static_cast<std::size_t>((bt * M + i) * N + j)], s, 1e-6 * (1 + std::abs(s)));
      }
  }
}

TEST(Matmul, BatchedWithBroadcast) {
  check_batched({3, 5, 4}, {3, 4, 6}, false);
  check_batched({2, 1, 5, 4}, {3, 4, 6}, false);     // [2,1] x [3] → [2,3]
  check_batched({5, 4}, {2, 3, 6, 4}, true);          // a broadcast over both batch dims
  check_batched({2, 3, 5, 4}, {1, 3, 6, 4}, true);
}

}  // namespace
}  // namespace eb
