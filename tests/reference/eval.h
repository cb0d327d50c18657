// What the reference kernel tests share: one node evaluated on its own, and seeded
// random inputs.
#pragma once

#include <cstdint>
#include <vector>

#include "core/reference/kernels.h"
#include "core/rng.h"
#include "core/shape_inference.h"

namespace eb::test {

// The reference kernel of one node, its output shape inferred from the inputs'.
inline Tensor eval(const Node& n, const std::vector<const Tensor*>& in) {
  std::vector<Shape> shapes;
  for (const Tensor* t : in) shapes.push_back(t->shape());
  return ref::eval_node(n, in, infer_shape(n, shapes));
}

// fp32 values uniform in [lo, hi), the same for the same seed.
inline Tensor random_tensor(Shape s, std::uint64_t seed, float lo = -1, float hi = 1) {
  Rng r(seed);
  Tensor t(DType::f32, std::move(s));
  for (auto& v : t.data<float>()) v = r.uniform(lo, hi);
  return t;
}

}  // namespace eb::test
