// The set of backends, built once at start-up (backends/registry.cpp is the one place
// that lists them) and read-only afterwards.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
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

// Checks every key of `extra` ("<backend>.<name>") against the declared options of the
// backend it names, and its value against the declaration. Throws std::invalid_argument
// with one line naming the key: a prefix that is no backend, a key the backend does not
// declare (listing those it does), or a value outside the declared type and range. Keys of
// a backend left out of this build (it declares nothing and is unavailable) pass unchecked.
void check_backend_options(const BackendRegistry& backends, const std::map<std::string, std::string>& extra);

// Every backend compiled into this build, in preference order, reference last.
BackendRegistry make_backend_registry();

}  // namespace eb
