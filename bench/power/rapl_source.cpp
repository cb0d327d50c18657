#include "bench/power/rapl_source.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <regex>
#include <system_error>

#include "bench/power/sysfs_file.h"

namespace eb::bench {
namespace {

using namespace std::chrono_literals;

constexpr auto kRaplUpdatePeriod = 976us;  // Intel SDM: the energy status unit updates about every 1 ms

class RaplSource final : public PowerSource {
 public:
  RaplSource(PowerSourceInfo info, SysfsFile energy) : PowerSource(std::move(info)), energy_(std::move(energy)) {}
  PowerReading read() override {
    std::string error;
    const auto uj = energy_.read_u64(error);
    if (!uj) return PowerReading::failed(std::move(error));
    return {static_cast<double>(*uj) * 1e-6, {}};
  }

 private:
  SysfsFile energy_;
};

struct Zone {
  std::filesystem::path dir;
  std::string id;    // "intel-rapl:0"
  std::string name;  // "package-0"
  bool mmio = false;
};

// Opens a zone's counter, or says why it cannot be used.
std::unique_ptr<PowerSource> open_zone(const Zone& zone, std::string& why) {
  const auto energy_path = zone.dir / "energy_uj";
  auto energy = SysfsFile::open(energy_path, why);
  if (!energy) {
    if (why.find(std::strerror(EACCES)) != std::string::npos)
      why += " (energy_uj is root-only on most kernels since the 2020 'Platypus' fix, CVE-2020-8694; "
             "run as root or make it readable)";
    return nullptr;
  }
  const auto range_uj = read_sysfs_u64(zone.dir / "max_energy_range_uj", why);
  if (!range_uj || *range_uj == 0) {
    if (range_uj) why = (zone.dir / "max_energy_range_uj").string() + " is 0";
    why += " (without the counter's range a wraparound could not be told from a reset)";
    return nullptr;
  }
  PowerSourceInfo info;
  info.name = std::string(zone.mmio ? "rapl-mmio:" : "rapl:") + zone.name;
  info.kind = PowerKind::counter;
  info.provenance = PowerProvenance::measured(
      info.name, {{"path", energy_path.string()},
                  {"zone", zone.id},
                  {"interface", zone.mmio ? "powercap intel-rapl-mmio" : "powercap intel-rapl (MSR)"},
                  {"max_energy_range_uj", *range_uj}});
  info.update_period = kRaplUpdatePeriod;
  info.counter_range_j = static_cast<double>(*range_uj) * 1e-6;
  info.in_total = true;
  return std::make_unique<RaplSource>(std::move(info), std::move(*energy));
}

}  // namespace

PowerDiscovery discover_rapl(const RaplOptions& options) {
  PowerDiscovery out;
  std::error_code ec;
  if (!std::filesystem::is_directory(options.root, ec)) {
    out.unavailable.push_back({"rapl", "no " + options.root.string() +
                                           " (no powercap driver, or not exposed to this container or VM)"});
    return out;
  }
  static const std::regex top_level(R"((intel-rapl|intel-rapl-mmio):(\d+))");
  static const std::regex sub_zone(R"((intel-rapl|intel-rapl-mmio):\d+:\d+)");

  // package name -> its zones through each interface
  std::map<std::string, std::map<bool, Zone>> packages;
  for (const auto& entry : std::filesystem::directory_iterator(options.root, ec)) {
    const std::string id = entry.path().filename().string();
    std::smatch m;
    if (std::regex_match(id, sub_zone)) {
      const auto name = read_sysfs_text(entry.path() / "name").value_or("?");
      out.unavailable.push_back({"rapl:" + id + " (" + name + ")",
                                 "not counted: a subzone (core and uncore are inside the package; dram is not "
                                 "CPU package energy)"});
      continue;
    }
    if (!std::regex_match(id, m, top_level)) continue;
    Zone zone{entry.path(), id, read_sysfs_text(entry.path() / "name").value_or(""), m[1] == "intel-rapl-mmio"};
    if (zone.name.starts_with("package-")) {
      packages[zone.name][zone.mmio] = std::move(zone);
    } else if (zone.name == "psys") {
      out.unavailable.push_back({"rapl:" + id + " (psys)", "not counted: the platform domain contains the packages"});
    } else {
      out.unavailable.push_back(
          {"rapl:" + id + " (" + (zone.name.empty() ? "no name" : zone.name) + ")", "not counted: not a package zone"});
    }
  }
  if (packages.empty()) {
    if (out.unavailable.empty()) out.unavailable.push_back({"rapl", "no intel-rapl zones under " + options.root.string()});
    else out.unavailable.push_back({"rapl", "no package zone under " + options.root.string()});
    return out;
  }
  for (auto& [name, zones] : packages) {
    std::string why_msr;
    std::string why_mmio;
    std::unique_ptr<PowerSource> source;
    if (auto it = zones.find(false); it != zones.end()) source = open_zone(it->second, why_msr);
    if (auto it = zones.find(true); it != zones.end()) {
      if (source) {
        out.unavailable.push_back({"rapl-mmio:" + name, "not counted: the same package as " + zones.at(false).id});
      } else {
        source = open_zone(it->second, why_mmio);
      }
    }
    if (source) {
      out.sources.push_back(std::move(source));
      continue;
    }
    std::string reason = why_msr;
    if (!why_mmio.empty()) reason += (reason.empty() ? "" : "; through MMIO: ") + why_mmio;
    out.unavailable.push_back({"rapl:" + name, reason});
  }
  return out;
}

}  // namespace eb::bench
