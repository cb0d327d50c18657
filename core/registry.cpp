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

void check_backend_options(const BackendRegistry& backends, const std::map<std::string, std::string>& extra) {
  for (const auto& [key, value] : extra) {
    const std::string owner = key.substr(0, key.find('.'));
    const Backend* b = backends.find(owner);
    if (!b) throw std::invalid_argument("'" + key + "' names no backend ('" + owner + "' is not one; see 'edgebench list')");
    const auto specs = b->options();
    // A backend this build left out declares nothing, yet its options are real ones; they
    // cannot be checked here and do nothing, since it cannot run.
    if (specs.empty() && !b->probe().available && owner != "reference") continue;
    const OptionSpec* spec = nullptr;
    std::string known;
    for (const auto& s : specs) {
      if (s.key == key) spec = &s;
      if (!known.empty()) known += ", ";
      known += s.key;
    }
    if (!spec)
      throw std::invalid_argument("'" + key + "' is not an option of " + owner +
                                  (known.empty() ? " (it has none)" : " (known: " + known + "; see 'edgebench list --options')"));
    check_option_value(*spec, value);
  }
}

}  // namespace eb
