#include "bench/power/selection.h"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>

#include "bench/power/meter_source.h"

namespace eb::bench {
namespace {

constexpr std::array<std::string_view, 6> kPlainItems{"auto", "rapl", "nvml", "xrt", "hwmon", "model"};
constexpr std::array<std::string_view, 3> kArgumentItems{"meter", "meter-unix", "meter-cmd"};
constexpr std::array<std::string_view, 4> kAutoSources{"rapl", "nvml", "xrt", "hwmon"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

PowerDiscovery discover(const PowerSpecItem& item, const PowerEnvironment& env) {
  if (item.name == "rapl") return discover_rapl(env.rapl);
  if (item.name == "nvml") return discover_nvml(env.nvml);
  if (item.name == "xrt") return discover_xrt(env.xrt);
  if (item.name == "hwmon") return discover_hwmon(env.hwmon);
  if (item.name == "model") return discover_model(env.model);
  if (item.name == "meter") return discover_meter_log({item.argument, MeterClock::monotonic});
  if (item.name == "meter-unix") return discover_meter_log({item.argument, MeterClock::unix_time});
  if (item.name == "meter-cmd") return discover_meter_command({item.argument});
  throw std::logic_error("power source without discovery: " + item.name);
}

// The kind of a channel, from its name: "rapl" for "rapl:package-0" and "rapl-mmio:...".
std::string kind_of(const std::string& channel) {
  const std::string kind = channel.substr(0, channel.find(':'));
  return kind == "rapl-mmio" ? "rapl" : kind;
}

void apply_total_rules(PowerSelection& s) {
  std::vector<std::string> system;
  std::set<std::string> kinds;
  for (const auto& src : s.sources) {
    if (src->info().scope == PowerSourceInfo::Scope::system) system.push_back(src->info().name);
    kinds.insert(kind_of(src->info().name));
  }
  for (auto& src : s.sources) {
    const PowerSourceInfo& info = src->info();
    if (!info.in_total) continue;
    if (!system.empty() && info.scope == PowerSourceInfo::Scope::component) {
      s.notes.push_back(info.name + " is not in the total: the whole-system channel " + system.front() + " contains it");
      src->leave_total();
    } else if (!info.mirrors.empty() && kinds.contains(info.mirrors)) {
      s.notes.push_back(info.name + " is not in the total: it repeats " + info.mirrors + ", which is selected");
      src->leave_total();
    }
  }
}

}  // namespace

std::vector<PowerSpecItem> parse_power_spec(std::string_view spec) {
  spec = trim(spec);
  if (spec.empty()) throw std::invalid_argument("--power: empty; use auto, none, or a list of sources");
  std::vector<PowerSpecItem> items;
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    std::string_view token = trim(spec.substr(0, comma));
    std::string_view rest = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    PowerSpecItem item;
    const auto eq = token.find('=');
    item.name = std::string(token.substr(0, eq));
    if (item.name == "meter-cmd" && eq != std::string_view::npos) {
      // The command keeps its commas: everything after "meter-cmd=" is the command.
      const auto start = spec.find('=') + 1;
      item.argument = std::string(trim(spec.substr(start)));
      rest = {};
    } else if (eq != std::string_view::npos) {
      item.argument = std::string(token.substr(eq + 1));
    }
    spec = rest;

    if (item.name == "none") {
      if (!items.empty() || !trim(spec).empty()) throw std::invalid_argument("--power: none cannot be combined");
      return {};
    }
    if (item.name.empty()) throw std::invalid_argument("--power: an empty item");
    const bool plain = contains(kPlainItems, item.name);
    const bool with_argument = contains(kArgumentItems, item.name);
    if (!plain && !with_argument)
      throw std::invalid_argument("--power: unknown source '" + item.name +
                                  "' (auto, none, rapl, nvml, xrt, hwmon, model, meter=PATH, meter-unix=PATH, "
                                  "meter-cmd=COMMAND)");
    if (plain && eq != std::string_view::npos)
      throw std::invalid_argument("--power: " + item.name + " takes no argument");
    if (with_argument && item.argument.empty())
      throw std::invalid_argument("--power: " + item.name + " needs an argument (" + item.name + "=...)");
    const bool repeated = std::any_of(items.begin(), items.end(), [&](const PowerSpecItem& i) {
      return i.name == item.name || (i.name.starts_with("meter") && item.name.starts_with("meter"));
    });
    if (repeated) throw std::invalid_argument("--power: " + item.name + " is given twice (one meter at most)");
    items.push_back(std::move(item));
  }
  return items;
}

PowerSelection select_power_sources(std::string_view spec, const PowerEnvironment& env) {
  PowerSelection out;
  out.spec = std::string(spec);
  const auto items = parse_power_spec(spec);
  const bool has_auto = std::any_of(items.begin(), items.end(), [](const auto& i) { return i.name == "auto"; });

  std::vector<std::pair<PowerSpecItem, bool>> todo;  // item, named explicitly
  for (const auto& item : items)
    if (item.name != "auto") todo.emplace_back(item, true);
  if (has_auto)
    for (const auto name : kAutoSources)
      if (std::none_of(items.begin(), items.end(), [&](const auto& i) { return i.name == name; }))
        todo.emplace_back(PowerSpecItem{std::string(name), {}}, false);

  std::set<std::string> names;
  for (const auto& [item, explicit_item] : todo) {
    PowerDiscovery d = discover(item, env);
    if (explicit_item && d.sources.empty()) {
      std::string reasons;
      for (const auto& u : d.unavailable) reasons += "\n  " + u.source + ": " + u.reason;
      throw std::runtime_error("--power " + item.name + ": unavailable" + reasons);
    }
    for (auto& s : d.sources) {
      if (!names.insert(s->info().name).second)
        throw std::logic_error("two power channels named " + s->info().name);
      out.sources.push_back(std::move(s));
    }
    for (auto& u : d.unavailable) out.unavailable.push_back(std::move(u));
  }
  apply_total_rules(out);
  return out;
}

}  // namespace eb::bench
