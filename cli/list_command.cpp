// edgebench list: the backends of this build (available here or not, and why) and the models;
// with --options, every backend's declared --backend-option settings.
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"

namespace eb::cli {
namespace {

struct ListOptions {
  std::string format = "table";
  bool options = false;
};

std::string precisions_text(const Backend& b) {
  std::string s;
  for (Precision p : b.precisions()) {
    if (!s.empty()) s += ',';
    s += precision_name(p);
  }
  return s;
}

nlohmann::json options_json(const Backend& b) {
  nlohmann::json out = nlohmann::json::array();
  for (const OptionSpec& o : b.options())
    out.push_back({{"key", o.key},
                   {"values", o.type_text()},
                   {"default", o.default_value.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.default_value)},
                   {"help", o.help}});
  return out;
}

void print_options(const Context& ctx) {
  Table t({"OPTION", "VALUES", "DEFAULT", "MEANING"});
  for (const Backend* b : ctx.backends.all())
    for (const OptionSpec& o : b->options())
      t.add_row({o.key, o.type_text(), o.default_value.empty() ? "-" : o.default_value, o.help});
  fmt::print("Backend options (run --backend-option KEY=VALUE; any other key is an error):\n{}", t.render("  "));
}

void print_json(const Context& ctx) {
  nlohmann::json backends = nlohmann::json::array(), models = nlohmann::json::array();
  for (const Backend* b : ctx.backends.all()) {
    const Probe p = b->probe();
    nlohmann::json precisions = nlohmann::json::array();
    for (Precision x : b->precisions()) precisions.push_back(precision_name(x));
    backends.push_back({{"name", b->name()},
                        {"description", b->description()},
                        {"available", p.available},
                        {"device", p.device},
                        {"reason", p.reason},
                        {"precisions", precisions},
                        {"options", options_json(*b)}});
  }
  for (const Workload* w : ctx.workloads.all())
    models.push_back({{"name", w->name()}, {"description", w->description()}, {"tasks", w->tasks()}});
  fmt::print("{}\n", nlohmann::json{{"backends", backends}, {"models", models}}.dump(2));
}

void print_table(const Context& ctx) {
  Table backends({"BACKEND", "AVAILABLE", "PRECISIONS", "DEVICE / WHY NOT"});
  for (const Backend* b : ctx.backends.all()) {
    const Probe p = b->probe();
    backends.add_row({std::string(b->name()), p.available ? "yes" : "no", precisions_text(*b),
                      p.available ? p.device : p.reason});
  }
  Table models({"MODEL", "TASKS", "DESCRIPTION"});
  for (const Workload* w : ctx.workloads.all())
    models.add_row({std::string(w->name()), w->tasks().empty() ? "-" : fmt::format("{}", fmt::join(w->tasks(), ",")), std::string(w->description())});
  fmt::print("Backends (in preference order; `run` uses the first available by default):\n{}\nModels:\n{}",
             backends.render("  "), models.render("  "));
}

}  // namespace

void add_list_command(CLI::App& app, const Context& ctx) {
  auto opts = std::make_shared<ListOptions>();
  CLI::App* cmd = app.add_subcommand("list", "List backends (with availability on this machine) and models");
  cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  cmd->add_flag("--options", opts->options, "List every backend's settings (--backend-option KEY=VALUE) instead");
  cmd->callback([opts, &ctx] {
    if (opts->format == "json") print_json(ctx);
    else if (opts->options) print_options(ctx);
    else print_table(ctx);
  });
}

}  // namespace eb::cli
