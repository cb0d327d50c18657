#include "models/m3vit/config.h"

#include <stdexcept>
#include <string>

namespace eb::m3vit {

const Task& find_task(std::string_view name) {
  if (name.empty()) return kTasks[0];
  std::string known;
  for (const Task& t : kTasks) {
    if (t.name == name) return t;
    known += (known.empty() ? "" : ", ") + std::string(t.name);
  }
  throw std::invalid_argument("m3vit: unknown task '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace eb::m3vit
