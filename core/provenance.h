// Where a number came from. Every figure edgebench prints or stores carries one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eb {

struct Provenance {
  enum class Kind : std::uint8_t {
    measured,   // a clock or a sensor on this host; `source` names it ("steady_clock", "rapl:package-0")
    modeled,    // a documented model of hardware that is not present; `source` names the model
    published,  // a figure from a paper or vendor; `source` is the citation
  };
  Kind kind = Kind::measured;
  std::string source;

  static Provenance measured(std::string source) { return {Kind::measured, std::move(source)}; }
  static Provenance modeled(std::string model) { return {Kind::modeled, std::move(model)}; }
  static Provenance published(std::string citation) { return {Kind::published, std::move(citation)}; }
  friend bool operator==(const Provenance&, const Provenance&) = default;
};

// The source of a measured per-run time that a peer runtime took in its own process
// (backends/onnxruntime): "peer process: <runtime> <version> <what was timed>". Reports
// take such a device time as the peer's latency (reports/record.cpp).
inline constexpr std::string_view kPeerTimeSource = "peer process: ";

std::string_view provenance_kind_name(Provenance::Kind k);  // "measured" | "modeled" | "published"
Provenance::Kind parse_provenance_kind(std::string_view name);  // throws std::invalid_argument

}  // namespace eb
