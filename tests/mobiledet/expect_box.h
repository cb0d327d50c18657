// A box compared corner by corner, for the anchor and box-coder tests.
#pragma once

#include <gtest/gtest.h>

#include "models/mobiledet/box.h"

namespace eb::mobiledet::testing {

inline void expect_box(const Box& b, double ymin, double xmin, double ymax, double xmax, double tol = 1e-6) {
  EXPECT_NEAR(b.ymin, ymin, tol);
  EXPECT_NEAR(b.xmin, xmin, tol);
  EXPECT_NEAR(b.ymax, ymax, tol);
  EXPECT_NEAR(b.xmax, xmax, tol);
}

}  // namespace eb::mobiledet::testing
