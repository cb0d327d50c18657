// edgebench reproduce PAPER: the paper's matrix on every backend available here
// (reports/reproduce.h), the paper's table beside ours, and the HTML report and CSV in --out.
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "bench/job.h"
#include "bench/power/selection.h"
#include "bench/progress.h"
#include "bench/result_record.h"
#include "cli/commands.h"
#include "cli/validators.h"
#include "core/atomic_file.h"
#include "reports/compare_render.h"
#include "reports/html_report.h"
#include "reports/record_csv.h"
#include "reports/reproduce.h"
#include "reports/text_format.h"

namespace eb::cli {
namespace {

struct ReproduceOptions {
  std::string paper;
  std::string out;
  bool quick = false;
  std::vector<std::string> backends;
  std::string power = "auto,model";
  std::string published;
  std::uint64_t seed = 0;
};

void reproduce(const ReproduceOptions& o, const Context& ctx) {
  reports::PaperMatrix matrix;
  try {
    matrix = reports::paper_matrix(o.paper);
    (void)bench::parse_power_spec(o.power);  // a typo is a usage error, not "no backend can run"
  } catch (const std::invalid_argument& e) {
    throw bench::InvalidJob(e.what());
  }
  const reports::PublishedSet published = reports::published_for(
      matrix, o.published.empty() ? std::nullopt : std::optional(reports::load_published(o.published, o.paper)));
  const std::filesystem::path out = o.out.empty() ? "reproduce-" + o.paper : o.out;

  reports::ReproduceSettings settings{o.quick, o.backends, o.power, o.seed};
  reports::ReproducePlan plan = reports::plan_reproduction(matrix, settings, ctx.backends, ctx.workloads);
  if (plan.jobs.empty()) {
    std::string why;
    for (const auto& s : plan.skipped) why += "; " + s;
    throw std::runtime_error(fmt::format("no backend here can run the {} matrix{}", o.paper, why));
  }
  bench::prepare_result_folder(out);

  fmt::print(stderr, "reproducing {}: {} job{}{}\n", matrix.title, plan.jobs.size(), plan.jobs.size() == 1 ? "" : "s",
             o.quick ? " (quick)" : "");
  std::vector<reports::RecordView> records;
  std::vector<std::string> failures;
  // The same live line as `run` (queries, elapsed, p50): a default job times for 1 s or
  // more and profiles after, and nothing else shows that it is alive.
  bench::ProgressLine progress_line(stderr, ::isatty(STDERR_FILENO) == 1);
  bench::JobHooks hooks;
  hooks.run.warn = [&](std::string_view w) {
    progress_line.finish();
    fmt::print(stderr, "edgebench: warning: {}\n", w);
  };
  hooks.run.progress = [&](std::string_view backend, const bench::ProgressSnapshot& s) { progress_line.update(backend, s); };
  hooks.on_start = [&](std::size_t i) {
    progress_line.finish();
    fmt::print(stderr, "... {}\n", plan.jobs[i].label);
  };
  // One backend's failure is recorded (INVALID, "failed") and shown in the report; the
  // other jobs run on and the command exits 1 at the end.
  hooks.on_failure = [&](std::size_t i, std::string_view error) { failures.push_back(fmt::format("{}: {}", plan.jobs[i].label, error)); };
  hooks.on_record = [&](std::size_t, const bench::ResultRecord& r) {
    progress_line.finish();
    const auto path = bench::write_result_record(r, out);
    records.push_back(reports::record_from_json(bench::to_json(r), path));
  };
  std::vector<bench::PreparedJob> jobs;
  for (auto& planned : plan.jobs) jobs.push_back(std::move(planned.job));
  (void)bench::run_jobs(jobs, bench::RunPolicy{}, hooks);

  const bool colour = ::isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
  const reports::SideBySide table = reports::side_by_side(published, records);
  fmt::print("\n{}: published figures beside this host's\n\n{}\n", matrix.title, reports::render_side_by_side(table, colour));
  const reports::Comparison c = reports::compare(records);
  fmt::print("This host, all backends\n\n{}", reports::render_compare_table(c, colour));
  for (const auto& s : plan.skipped) fmt::print("skipped: {}\n", s);

  reports::HtmlReportOptions html_options;
  html_options.title = "edgebench reproduce " + o.paper + ": " + matrix.title;
  html_options.lead_sections.push_back({"Published figures beside this host's", reports::side_by_side_html(table)});
  if (!plan.skipped.empty()) {
    std::string list = "<ul class=\"note\">\n";
    for (const auto& s : plan.skipped) list += "<li>" + reports::html_escape(s) + "</li>\n";
    html_options.lead_sections.push_back({"Skipped", list + "</ul>\n"});
  }
  const auto html_path = out / "report.html", csv_path = out / "results.csv";
  const std::string html = reports::html_report(records, c, html_options), csv = reports::records_csv(records);
  write_file_atomically(csv_path, csv);
  write_file_atomically(html_path, html);
  fmt::print("\nwrote {} record{} to {}, {} and {}\n", records.size(), records.size() == 1 ? "" : "s", out.string(),
             csv_path.string(), html_path.string());
  if (!failures.empty()) {
    for (const auto& f : failures) fmt::print(stderr, "edgebench: error: failed: {}\n", f);
    throw ExitStatus{1};
  }
}

}  // namespace

void add_reproduce_command(CLI::App& app, const Context& ctx) {
  auto o = std::make_shared<ReproduceOptions>();
  std::string papers;
  for (const auto& p : reports::known_papers()) papers += (papers.empty() ? "" : ", ") + p;
  CLI::App* cmd = app.add_subcommand(
      "reproduce", "Run a paper's workloads on every available backend and print its published table beside ours");
  cmd->add_option("paper", o->paper, "Paper: " + papers)->required()->check(CLI::IsMember(reports::known_papers()));
  cmd->add_option("--out", o->out, "Folder for the records, results.csv and report.html (default: reproduce-PAPER)");
  cmd->add_flag("--quick", o->quick, "Two timed queries per job, no warm-up (a smoke run; too few for the U test)");
  cmd->add_option("--backends", o->backends, "Only these backends (default: every available one but the reference)")
      ->delimiter(',');
  cmd->add_option("--power", o->power,
                  "Power sources, as for 'edgebench run' (auto,model falls back to auto for a backend without a power model)")
      ->capture_default_str();
  cmd->add_option("--published", o->published, "Published figures from this file instead of the compiled-in data/published copy");
  cmd->add_option("--seed", o->seed, "Seed of weights and inputs")->check(unsigned_value())->capture_default_str();
  cmd->callback([o, &ctx] { reproduce(*o, ctx); });
}

}  // namespace eb::cli
