// The one place where backends are registered, in preference order, reference last.
#include "core/reference/reference_backend.h"
#include "core/registry.h"

namespace eb {

BackendRegistry make_backend_registry() {
  BackendRegistry r;
  r.add(make_reference_backend());
  return r;
}

}  // namespace eb
