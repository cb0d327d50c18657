#include "core/backend.h"

#include <array>
#include <stdexcept>

namespace eb {
namespace {
constexpr std::array<std::string_view, 5> kPrecisionNames = {"fp32", "fp16", "bf16", "int8", "fixed"};
}

std::string_view precision_name(Precision p) { return kPrecisionNames.at(static_cast<std::size_t>(p)); }

Precision parse_precision(std::string_view name) {
  for (std::size_t i = 0; i < kPrecisionNames.size(); ++i)
    if (kPrecisionNames[i] == name) return static_cast<Precision>(i);
  throw std::invalid_argument("unknown precision '" + std::string(name) + "' (known: fp32, fp16, bf16, int8, fixed)");
}

Capability Backend::claim(const Graph& graph, const CompileOptions& options) const {
  Capability c;
  c.reasons.reserve(graph.nodes.size());
  for (const Node& node : graph.nodes) c.reasons.push_back(unsupported_reason(graph, node, options));
  return c;
}

}  // namespace eb
