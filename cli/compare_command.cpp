// edgebench compare RESULT...: result records side by side, per workload and backend, with
// ratios against a baseline (reports/comparison.h). RESULT is a record or a folder of them.
// Nothing is written unless every record reads: one bad file is one error line naming it.
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "bench/job.h"
#include "cli/commands.h"
#include "cli/validators.h"
#include "reports/compare_render.h"
#include "reports/record.h"

namespace eb::cli {
namespace {

struct CompareOptions {
  std::vector<std::string> inputs;
  std::string baseline;
  std::string format = "table";
  int resamples = reports::kBootstrapResamples;
  std::uint64_t seed = reports::kBootstrapSeed;
};

void compare(const CompareOptions& o) {
  std::vector<std::filesystem::path> paths(o.inputs.begin(), o.inputs.end());
  const auto records = reports::load_records(paths);
  reports::Comparison c;
  try {
    c = reports::compare(records, {o.baseline, o.resamples, o.seed});
  } catch (const std::invalid_argument& e) {
    throw bench::InvalidJob(e.what());
  }
  std::string out;
  if (o.format == "csv")
    out = reports::render_compare_csv(c);
  else if (o.format == "json")
    out = reports::compare_to_json(c).dump(2) + "\n";
  else if (o.format == "markdown")
    out = reports::render_compare_markdown(c);
  else
    out = reports::render_compare_table(c, ::isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr);
  fmt::print("{}", out);
}

}  // namespace

void add_compare_command(CLI::App& app, const Context&) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Compare result records side by side: latency, throughput, power, energy, accuracy, ratios vs a baseline");
  cmd->add_option("results", o->inputs, "Result records (JSON), or folders of them")->required();
  cmd->add_option("--baseline", o->baseline,
                  "Backend the ratios are against: NAME or NAME:PRECISION (default: cpu if present, else the first)");
  cmd->add_option("--format", o->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "json", "markdown"}))
      ->capture_default_str();
  cmd->add_option("--resamples", o->resamples, "Bootstrap resamples for the confidence intervals")
      ->check(CLI::Range(100, 100000))
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of the bootstrap resampling")->check(unsigned_value())->capture_default_str();
  cmd->callback([o] { compare(*o); });
}

}  // namespace eb::cli
