#include "bench/provenance_json.h"

namespace eb::bench {

nlohmann::json to_json(const Provenance& p) {
  return {{"kind", provenance_kind_name(p.kind)}, {"source", p.source}};
}

}  // namespace eb::bench
