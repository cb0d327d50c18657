#include "reports/published.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace eb::reports {

PublishedSet parse_published(std::string_view json_text, const std::string& name, const std::string& origin) {
  using nlohmann::json;
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(fmt::format("{}: malformed JSON ({})", origin, e.what()));
  }
  const auto fail = [&](const std::string& why) { return std::runtime_error(fmt::format("{}: {}", origin, why)); };
  if (!j.is_object() || !j.contains("models") || !j["models"].is_array()) throw fail("no 'models' array");
  const json citations = j.value("citations", json::object());
  PublishedSet set;
  set.name = name;
  set.about = j.value("about", "");
  for (const auto& m : j["models"]) {
    if (!m.is_object() || !m.contains("results") || !m["results"].is_array()) throw fail("a model without 'results'");
    for (const auto& r : m["results"]) {
      PublishedFigure f;
      f.workload = m.value("workload", json(nullptr)).is_string() ? m["workload"].get<std::string>() : "";
      f.model = m.value("model", "");
      if (!r.contains("metric") || !r["metric"].is_string() || !r.contains("value") || !r["value"].is_number())
        throw fail(fmt::format("a result of '{}' without a metric and a numeric value", f.model));
      f.metric = r["metric"].get<std::string>();
      f.value = r["value"].get<double>();
      f.approximate = r.value("approximate", false);
      f.device = r.value("device", "");
      f.precision = r.value("precision", json(nullptr)).is_string() ? r["precision"].get<std::string>() : "";
      f.dataset = r.value("dataset", "");
      f.numerator = r.value("numerator", "");
      f.role = r.value("role", "");
      f.denominator = r.value("denominator", "");
      const std::string key = r.value("citation", "");
      if (key.empty() || !citations.contains(key) || !citations[key].is_string())
        throw fail(fmt::format("result '{}' of '{}' has no citation in 'citations'", f.metric, f.model));
      f.citation = citations[key].get<std::string>();
      f.basis = r.value("basis", "published");
      f.derivation = r.value("derivation", "");
      if (f.basis != "published" && f.basis != "derived")
        throw fail(fmt::format("result '{}' of '{}' has basis '{}' (published or derived)", f.metric, f.model, f.basis));
      if (f.basis == "derived" && f.derivation.empty())
        throw fail(fmt::format("derived result '{}' of '{}' does not say how it was derived", f.metric, f.model));
      if ((f.metric == "latency_ms" || f.metric == "datapath_latency_ms") && f.device.empty()) throw fail(fmt::format("latency of '{}' names no device", f.model));
      set.figures.push_back(std::move(f));
    }
  }
  return set;
}

PublishedSet embedded_published(const std::string& name) {
  std::string known;
  for (const auto& f : embedded_published_files()) {
    if (f.name == name) return parse_published(f.text, name, fmt::format("data/published/{}.json (compiled in)", name));
    known += (known.empty() ? "" : ", ") + std::string(f.name);
  }
  throw std::invalid_argument(fmt::format("no published figures for '{}' (known: {})", name, known));
}

PublishedSet load_published(const std::filesystem::path& file, const std::string& name) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read the file", file.string()));
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_published(buf.str(), name, file.string());
}

}  // namespace eb::reports
