#include "bench/power/hwmon_source.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <system_error>

#include "bench/power/sysfs_file.h"

namespace eb::bench {
namespace {

// One reading: the product of one or two integer attributes, times a scale to J or W.
class HwmonSource final : public PowerSource {
 public:
  HwmonSource(PowerSourceInfo info, std::vector<SysfsFile> files, double scale)
      : PowerSource(std::move(info)), files_(std::move(files)), scale_(scale) {}
  PowerReading read() override {
    double value = scale_;
    std::string error;
    for (const auto& f : files_) {
      const auto v = f.read_u64(error);
      if (!v) return PowerReading::failed(std::move(error));
      value *= static_cast<double>(*v);
    }
    return {value, {}};
  }

 private:
  std::vector<SysfsFile> files_;
  double scale_;
};

struct Channel {
  PowerKind kind = PowerKind::power;
  std::string stem;   // "power1", "energy2", "in1" (ina3221)
  std::string label;  // from <stem>_label, else the stem
  std::vector<std::filesystem::path> files;
  double scale = 1e-6;  // µW or µJ (and mV·mA = µW) to W or J
  std::optional<std::chrono::milliseconds> period;
};

struct Chip {
  std::filesystem::path dir;  // hwmonN
  std::string folder;         // "hwmonN"
  std::string name;
  std::vector<Channel> channels;
};

bool is_board_input(std::string_view label) {
  if (label.size() < 3) return false;
  const auto tail = label.substr(label.size() - 3);
  return tail[0] == '_' && std::toupper(static_cast<unsigned char>(tail[1])) == 'I' &&
         std::toupper(static_cast<unsigned char>(tail[2])) == 'N';
}

std::optional<std::chrono::milliseconds> read_ms(const std::filesystem::path& path) {
  std::string ignored;
  const auto v = read_sysfs_u64(path, ignored);
  if (!v || *v == 0) return std::nullopt;
  return std::chrono::milliseconds(*v);
}

Chip scan_chip(const std::filesystem::path& dir) {
  Chip chip{dir, dir.filename().string(), {}, {}};
  // Older drivers keep their attributes in device/; newer ones in the hwmon folder itself.
  std::vector<std::filesystem::path> attr_dirs{dir};
  std::error_code ec;
  if (std::filesystem::is_directory(dir / "device", ec)) attr_dirs.push_back(dir / "device");
  for (const auto& d : attr_dirs)
    if (auto n = read_sysfs_text(d / "name")) {
      chip.name = *n;
      break;
    }
  if (chip.name.empty()) chip.name = chip.folder;

  std::optional<std::chrono::milliseconds> chip_period;
  for (const auto& d : attr_dirs)
    if ((chip_period = read_ms(d / "update_interval"))) break;

  static const std::regex power_attr(R"((energy|power)(\d+)_(input|average))");
  static const std::regex ina_voltage(R"(in(\d+)_input)");
  std::map<std::string, Channel> by_stem;  // sorted by stem: a stable order in the record
  for (const auto& d : attr_dirs) {
    for (const auto& entry : std::filesystem::directory_iterator(d, ec)) {
      const std::string file = entry.path().filename().string();
      std::smatch m;
      if (std::regex_match(file, m, power_attr)) {
        const std::string stem = m[1].str() + m[2].str();
        const bool average = m[3] == "average";
        if (by_stem.contains(stem) && average) continue;  // keep _input over _average
        Channel c;
        c.kind = m[1] == "energy" ? PowerKind::counter : PowerKind::power;
        c.stem = stem;
        c.files = {entry.path()};
        c.period = average ? read_ms(d / (stem + "_average_interval")) : std::nullopt;
        if (!c.period) c.period = chip_period;
        c.label = read_sysfs_text(d / (stem + "_label")).value_or(stem);
        by_stem[stem] = std::move(c);
      } else if (chip.name == "ina3221" && std::regex_match(file, m, ina_voltage)) {
        // The mainline ina3221 driver: inN = bus voltage (mV), currN = current (mA), for
        // the channels 1..3; its in4..6 (shunt voltages) have no current partner.
        const auto current = d / ("curr" + m[1].str() + "_input");
        if (!std::filesystem::exists(current, ec)) continue;
        Channel c;
        c.kind = PowerKind::power;
        c.stem = "in" + m[1].str();
        c.files = {entry.path(), current};
        c.period = chip_period;
        c.label = read_sysfs_text(d / (c.stem + "_label")).value_or(c.stem);
        by_stem[c.stem] = std::move(c);
      }
    }
  }
  for (auto& [stem, c] : by_stem) chip.channels.push_back(std::move(c));
  return chip;
}

}  // namespace

PowerDiscovery discover_hwmon(const HwmonOptions& options) {
  PowerDiscovery out;
  std::error_code ec;
  if (!std::filesystem::is_directory(options.root, ec)) {
    out.unavailable.push_back({"hwmon", "no " + options.root.string()});
    return out;
  }
  std::vector<Chip> chips;
  std::vector<std::filesystem::path> dirs;
  for (const auto& entry : std::filesystem::directory_iterator(options.root, ec)) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) chips.push_back(scan_chip(dir));

  std::map<std::string, int> name_count;
  for (const auto& chip : chips) ++name_count[chip.name];

  bool any_channel = false;
  for (const auto& chip : chips) {
    const bool has_board_input = std::any_of(chip.channels.begin(), chip.channels.end(),
                                             [](const Channel& c) { return is_board_input(c.label); });
    std::set<std::string> energy_labels;
    for (const auto& c : chip.channels)
      if (c.kind == PowerKind::counter) energy_labels.insert(c.label);
    for (const auto& c : chip.channels) {
      any_channel = true;
      std::string name = "hwmon:" + chip.name + ":" + c.label;
      if (name_count[chip.name] > 1) name += "@" + chip.folder;
      if (c.kind == PowerKind::power && energy_labels.contains(c.label)) {
        out.unavailable.push_back({name + " (" + c.stem + ")", "not used: an energy counter measures the same rail"});
        continue;
      }
      std::string why;
      std::vector<SysfsFile> files;
      for (const auto& path : c.files) {
        auto f = SysfsFile::open(path, why);
        if (!f) break;
        files.push_back(std::move(*f));
      }
      if (files.size() != c.files.size()) {
        out.unavailable.push_back({name, why});
        continue;
      }
      PowerSourceInfo info;
      info.name = name;
      info.kind = c.kind;
      nlohmann::json paths = nlohmann::json::array();
      for (const auto& p : c.files) paths.push_back(p.string());
      nlohmann::json params{{"chip", chip.name}, {"hwmon", chip.folder}, {"paths", paths}};
      if (c.files.size() == 2) params["method"] = "bus voltage (mV) x current (mA)";
      info.provenance = PowerProvenance::measured(name, std::move(params));
      if (c.period) info.update_period = *c.period;
      info.in_total = !has_board_input || is_board_input(c.label);
      if (is_board_input(c.label) || chip.name == "acpi_power_meter") info.scope = PowerSourceInfo::Scope::system;
      if (chip.name == "amd_energy" || chip.name == "zenergy" || chip.name == "zenpower") info.mirrors = "rapl";
      out.sources.push_back(std::make_unique<HwmonSource>(std::move(info), std::move(files), c.scale));
    }
  }
  if (!any_channel) out.unavailable.push_back({"hwmon", "no power or energy inputs under " + options.root.string()});
  return out;
}

}  // namespace eb::bench
