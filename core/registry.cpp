#include "core/registry.h"

#include <stdexcept>
#include <string>

namespace eb {

void BackendRegistry::add(std::unique_ptr<Backend> backend) {
  if (find(backend->name())) throw std::logic_error("backend '" + std::string(backend->name()) + "' registered twice");
  backends_.push_back(std::move(backend));
}

const Backend* BackendRegistry::find(std::string_view name) const {
  for (const auto& b : backends_)
    if (b->name() == name) return b.get();
  return nullptr;
}

const Backend& BackendRegistry::get(std::string_view name) const {
  if (const Backend* b = find(name)) return *b;
  std::string known;
  for (const auto& b : backends_) known += (known.empty() ? "" : ", ") + std::string(b->name());
  throw std::invalid_argument("unknown backend '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<const Backend*> BackendRegistry::all() const {
  std::vector<const Backend*> out;
  for (const auto& b : backends_) out.push_back(b.get());
  return out;
}

}  // namespace eb
