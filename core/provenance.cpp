#include "core/provenance.h"

#include <stdexcept>

namespace eb {

std::string_view provenance_kind_name(Provenance::Kind k) {
  switch (k) {
    case Provenance::Kind::measured: return "measured";
    case Provenance::Kind::modeled: return "modeled";
    case Provenance::Kind::published: return "published";
  }
  return "?";
}

Provenance::Kind parse_provenance_kind(std::string_view name) {
  if (name == "measured") return Provenance::Kind::measured;
  if (name == "modeled") return Provenance::Kind::modeled;
  if (name == "published") return Provenance::Kind::published;
  throw std::invalid_argument("unknown provenance '" + std::string(name) + "'");
}

}  // namespace eb
