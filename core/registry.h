// The set of backends, built once at start-up (backends/registry.cpp is the one place
// that lists them) and read-only afterwards.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/backend.h"

namespace eb {

class BackendRegistry {
 public:
  BackendRegistry() = default;
  BackendRegistry(BackendRegistry&&) = default;
  BackendRegistry& operator=(BackendRegistry&&) = default;

  void add(std::unique_ptr<Backend> backend);  // throws on a duplicate name
  // Throws std::invalid_argument "unknown backend 'x' (known: a, b, c)".
  const Backend& get(std::string_view name) const;
  const Backend* find(std::string_view name) const;
  std::vector<const Backend*> all() const;
  // The reference backend, always present: the accuracy oracle and the fallback.
  const Backend& reference() const { return get("reference"); }

 private:
  std::vector<std::unique_ptr<Backend>> backends_;
};

// Every backend compiled into this build, in preference order, reference last.
BackendRegistry make_backend_registry();

}  // namespace eb
