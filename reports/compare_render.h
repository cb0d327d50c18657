// The comparison as text for a terminal, CSV, JSON or Markdown. Formatting only: every
// figure and decision comes from comparison.h. Modeled figures carry "~" (a "modeled"
// column in CSV and JSON) and are listed in footnotes with their sources.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "reports/comparison.h"

namespace eb::reports {

std::string render_compare_table(const Comparison& c, bool colour);
std::string render_compare_markdown(const Comparison& c);
std::string render_compare_csv(const Comparison& c);
nlohmann::json compare_to_json(const Comparison& c);

}  // namespace eb::reports
