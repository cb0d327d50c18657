#include "core/ops.h"

#include <array>
#include <stdexcept>
#include <string>

namespace eb {
namespace {
constexpr std::array<std::string_view, kOpCount> kOpNames = {
#define EB_X(e, n, a) n,
    EB_OPS(EB_X)
#undef EB_X
};
constexpr std::array<std::string_view, 7> kActNames = {"none", "relu", "relu6", "hardswish", "hardsigmoid", "sigmoid", "gelu"};
}  // namespace

std::string_view activation_name(Activation a) { return kActNames.at(static_cast<std::size_t>(a)); }

Activation parse_activation(std::string_view name) {
  for (std::size_t i = 0; i < kActNames.size(); ++i)
    if (kActNames[i] == name) return static_cast<Activation>(i);
  throw std::invalid_argument("unknown activation '" + std::string(name) + "'");
}

std::string_view op_name(OpKind op) { return kOpNames.at(static_cast<std::size_t>(op)); }

OpKind parse_op(std::string_view name) {
  for (std::size_t i = 0; i < kOpNames.size(); ++i)
    if (kOpNames[i] == name) return static_cast<OpKind>(i);
  throw std::invalid_argument("unknown operator '" + std::string(name) + "'");
}

OpAttrs default_attrs(OpKind op) {
  switch (op) {
#define EB_X(e, n, a) \
  case OpKind::e: return a{};
    EB_OPS(EB_X)
#undef EB_X
  }
  throw std::logic_error("bad OpKind");
}

bool attrs_match(OpKind op, const OpAttrs& attrs) {
  switch (op) {
#define EB_X(e, n, a) \
  case OpKind::e: return std::holds_alternative<a>(attrs);
    EB_OPS(EB_X)
#undef EB_X
  }
  return false;
}

bool is_unary_eltwise(OpKind op) {
  switch (op) {
    case OpKind::gelu:
    case OpKind::relu:
    case OpKind::relu6:
    case OpKind::hardswish:
    case OpKind::hardsigmoid:
    case OpKind::sigmoid: return true;
    default: return false;
  }
}

Activation unary_activation(OpKind op) {
  switch (op) {
    case OpKind::gelu: return Activation::gelu;
    case OpKind::relu: return Activation::relu;
    case OpKind::relu6: return Activation::relu6;
    case OpKind::hardswish: return Activation::hardswish;
    case OpKind::hardsigmoid: return Activation::hardsigmoid;
    case OpKind::sigmoid: return Activation::sigmoid;
    default: throw std::logic_error(std::string(op_name(op)) + " is not a unary eltwise op");
  }
}

}  // namespace eb
