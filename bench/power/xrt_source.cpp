#include "bench/power/xrt_source.h"

#include <charconv>
#include <cmath>
#include <exception>

namespace eb::bench {
namespace {

class XrtSource final : public PowerSource {
 public:
  XrtSource(PowerSourceInfo info, std::function<std::string()> reader)
      : PowerSource(std::move(info)), reader_(std::move(reader)) {}
  PowerReading read() override {
    std::string json;
    try {
      json = reader_();
    } catch (const std::exception& e) {
      return PowerReading::failed(std::string("XRT electrical report: ") + e.what());
    }
    std::string error;
    const auto watts = parse_xrt_power_watts(json, error);
    if (!watts) return PowerReading::failed(std::move(error));
    return {*watts, {}};
  }

 private:
  std::function<std::string()> reader_;
};

}  // namespace

std::optional<double> parse_xrt_power_watts(const std::string& electrical_json, std::string& error) {
  const auto doc = nlohmann::json::parse(electrical_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "XRT electrical report is not a JSON object";
    return std::nullopt;
  }
  const auto it = doc.find("power_consumption_watts");
  if (it == doc.end()) {
    error = "XRT electrical report has no power_consumption_watts";
    return std::nullopt;
  }
  double watts = 0;
  if (it->is_number()) {
    watts = it->get<double>();
  } else if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), watts);
    if (ec != std::errc() || ptr != s.data() + s.size()) {
      error = "XRT power_consumption_watts is not a number: '" + s + "'";  // "N/A" on boards without the sensor
      return std::nullopt;
    }
  } else {
    error = "XRT power_consumption_watts has an unexpected type";
    return std::nullopt;
  }
  if (!std::isfinite(watts) || watts < 0) {
    error = "XRT power_consumption_watts is out of range: " + std::to_string(watts);
    return std::nullopt;
  }
  return watts;
}

PowerDiscovery discover_xrt(const std::optional<XrtBoard>& board) {
  PowerDiscovery out;
  if (!board || !board->electrical_json) {
    out.unavailable.push_back(
        {"xrt", "XRT power source needs the fpga backend build (its XRT runner supplies the board's reader)"});
    return out;
  }
  const std::string name = board->bdf.empty() ? "xrt" : "xrt:" + board->bdf;
  PowerSourceInfo info;
  info.name = name;
  info.kind = PowerKind::power;
  info.provenance = PowerProvenance::measured(
      name, {{"device", board->device},
             {"bdf", board->bdf},
             {"reading", "xrt::device::get_info<xrt::info::device::electrical>() power_consumption_watts"}});
  info.in_total = true;
  auto source = std::make_unique<XrtSource>(std::move(info), board->electrical_json);
  // One read now, so a board without the sensor is reported here rather than in the sampler.
  if (const auto first = source->read(); !first.ok()) {
    out.unavailable.push_back({name, first.error});
    return out;
  }
  out.sources.push_back(std::move(source));
  return out;
}

}  // namespace eb::bench
