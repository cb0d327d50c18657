// Published figures (data/published/*.json): what a paper or vendor reported, each figure
// with the device it was measured on and its citation, so that a reproduction never sets
// someone else's hardware beside ours without saying so. The files are compiled into the
// binary (reports/CMakeLists.txt), so `edgebench reproduce` works from any folder; a file
// given on the command line replaces the compiled-in copy.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eb::reports {

struct PublishedFigure {
  std::string workload;  // edgebench workload name; empty when it is not one (a baseline model)
  std::string model;     // the model as the source names it
  // "latency_ms" (per inference, the whole system as the source timed it),
  // "datapath_latency_ms" (the accelerator's compute alone), "coco_map", "energy_efficiency_ratio"
  std::string metric;
  double value = 0;
  bool approximate = false;  // "about 59 ms"
  std::string device;        // where it was measured
  std::string precision;     // empty when the source does not say
  std::string dataset;       // for accuracy figures
  std::string numerator, denominator;  // for ratios: backends compared ("fpga" vs "gpu")
  std::string citation;      // full citation text
  // "published" (the source states the figure) or "derived" (computed here from the
  // source, never stated in it: `derivation` says how); reports label a derived figure so.
  std::string basis = "published";
  std::string derivation;
  std::string role;          // "fit anchor" (a model was fitted on it: not validation), "held out", or empty
};

struct PublishedSet {
  std::string name;   // "edge-moe"
  std::string about;
  std::vector<PublishedFigure> figures;
};

// Throws std::runtime_error naming `origin` when the text is not a valid published-figures file.
PublishedSet parse_published(std::string_view json_text, const std::string& name, const std::string& origin);
// The compiled-in copy of data/published/NAME.json. Throws std::invalid_argument for an unknown name.
PublishedSet embedded_published(const std::string& name);
PublishedSet load_published(const std::filesystem::path& file, const std::string& name);

// The generated table of compiled-in files: name → JSON text.
struct EmbeddedFile {
  std::string_view name, text;
};
std::vector<EmbeddedFile> embedded_published_files();

}  // namespace eb::reports
