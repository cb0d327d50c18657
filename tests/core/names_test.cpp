// Name tables of the closed enums round-trip, and unknown names are rejected.
#include <gtest/gtest.h>

#include <set>

#include "core/backend.h"
#include "core/dtype.h"
#include "core/ops.h"
#include "core/provenance.h"

namespace eb {
namespace {

TEST(Names, DTypes) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < kDTypeCount; ++i) {
    const auto t = static_cast<DType>(i);
    EXPECT_EQ(parse_dtype(dtype_name(t)), t);
    EXPECT_TRUE(seen.insert(dtype_name(t)).second);
  }
  EXPECT_EQ(dtype_name(DType::bf16), "bf16");
  EXPECT_EQ(dtype_size(DType::f32), 4u);
  EXPECT_EQ(dtype_size(DType::f16), 2u);
  EXPECT_EQ(dtype_size(DType::i8), 1u);
  EXPECT_EQ(dtype_size(DType::i64), 8u);
  EXPECT_THROW(parse_dtype("float32"), std::invalid_argument);
}

TEST(Names, Ops) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < kOpCount; ++i) {
    const auto op = static_cast<OpKind>(i);
    EXPECT_EQ(parse_op(op_name(op)), op);
    EXPECT_TRUE(seen.insert(op_name(op)).second) << op_name(op);
    EXPECT_TRUE(attrs_match(op, default_attrs(op))) << op_name(op);
  }
  EXPECT_EQ(op_name(OpKind::resize_bilinear), "resize_bilinear");
  EXPECT_THROW(parse_op("conv3d"), std::invalid_argument);
  EXPECT_FALSE(attrs_match(OpKind::conv2d, LinearAttrs{}));
  EXPECT_FALSE(attrs_match(OpKind::relu, Conv2dAttrs{}));
  EXPECT_TRUE(std::holds_alternative<MoeAttrs>(default_attrs(OpKind::moe)));
}

TEST(Names, UnaryOpsAndActivations) {
  int unary = 0;
  for (std::size_t i = 0; i < kOpCount; ++i) {
    const auto op = static_cast<OpKind>(i);
    if (!is_unary_eltwise(op)) {
      EXPECT_THROW(unary_activation(op), std::logic_error) << op_name(op);
      continue;
    }
    ++unary;
    EXPECT_EQ(activation_name(unary_activation(op)), op_name(op));  // the same names by design
  }
  EXPECT_EQ(unary, 6);
  for (auto a : {Activation::none, Activation::relu, Activation::relu6, Activation::hardswish, Activation::hardsigmoid,
                 Activation::sigmoid, Activation::gelu})
    EXPECT_EQ(parse_activation(activation_name(a)), a);
  EXPECT_THROW(parse_activation("swish"), std::invalid_argument);
}

TEST(Names, PrecisionAndProvenance) {
  for (auto p : {Precision::fp32, Precision::fp16, Precision::bf16, Precision::int8, Precision::fixed})
    EXPECT_EQ(parse_precision(precision_name(p)), p);
  EXPECT_EQ(precision_name(Precision::int8), "int8");
  EXPECT_THROW(parse_precision("fp8"), std::invalid_argument);
  for (auto k : {Provenance::Kind::measured, Provenance::Kind::modeled, Provenance::Kind::published})
    EXPECT_EQ(parse_provenance_kind(provenance_kind_name(k)), k);
  EXPECT_EQ(provenance_kind_name(Provenance::Kind::modeled), "modeled");
  EXPECT_THROW(parse_provenance_kind("guessed"), std::invalid_argument);
  EXPECT_EQ(Provenance::measured("steady_clock"), (Provenance{Provenance::Kind::measured, "steady_clock"}));
}

}  // namespace
}  // namespace eb
