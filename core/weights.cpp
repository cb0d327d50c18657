#include "core/weights.h"

#include <stdexcept>

namespace eb {

const Tensor& Weights::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::invalid_argument("missing weight tensor '" + name + "'");
  return it->second;
}

std::vector<std::string> Weights::names() const {
  std::vector<std::string> out;
  out.reserve(values_.size());
  for (const auto& [k, v] : values_) out.push_back(k);
  return out;
}

void Weights::check_against(const Graph& graph) const {
  for (const auto& spec : graph.weights) {
    const Tensor& t = get(spec.name);
    if (t.shape() != spec.shape)
      throw std::invalid_argument("weight tensor '" + spec.name + "' has shape " + to_string(t.shape()) + ", model expects " +
                                  to_string(spec.shape));
    if (t.dtype() != spec.dtype)
      throw std::invalid_argument("weight tensor '" + spec.name + "' has dtype " + std::string(dtype_name(t.dtype())) +
                                  ", model expects " + std::string(dtype_name(spec.dtype)));
  }
}

}  // namespace eb
