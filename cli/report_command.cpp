// edgebench report RESULT... --html FILE --csv FILE: the HTML report (one self-contained
// file with charts) and the per-record CSV. Everything is read and rendered before any
// file is written, and each file is written atomically: a bad record leaves no output.
#include <memory>

#include <fmt/format.h>

#include "bench/job.h"
#include "cli/commands.h"
#include "core/atomic_file.h"
#include "reports/comparison.h"
#include "reports/html_report.h"
#include "reports/record.h"
#include "reports/record_csv.h"

namespace eb::cli {
namespace {

struct ReportOptions {
  std::vector<std::string> inputs;
  std::string html;
  std::string csv;
  std::string baseline;
  std::string title = "edgebench report";
};

void report(const ReportOptions& o) {
  if (o.html.empty() && o.csv.empty()) throw bench::InvalidJob("nothing to write: give --html FILE and/or --csv FILE");
  std::vector<std::filesystem::path> paths(o.inputs.begin(), o.inputs.end());
  const auto records = reports::load_records(paths);
  reports::Comparison c;
  try {
    c = reports::compare(records, {o.baseline});
  } catch (const std::invalid_argument& e) {
    throw bench::InvalidJob(e.what());
  }
  std::string html, csv;
  if (!o.html.empty()) html = reports::html_report(records, c, {o.title, {}});
  if (!o.csv.empty()) csv = reports::records_csv(records);
  if (!o.csv.empty()) {
    write_file_atomically(o.csv, csv);
    fmt::print("wrote {}\n", o.csv);
  }
  if (!o.html.empty()) {
    write_file_atomically(o.html, html);
    fmt::print("wrote {}\n", o.html);
  }
}

}  // namespace

void add_report_command(CLI::App& app, const Context&) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand("report", "Write an HTML report with charts and a CSV of result records");
  cmd->add_option("results", o->inputs, "Result records (JSON), or folders of them")->required();
  cmd->add_option("--html", o->html, "HTML report to write (one self-contained file)");
  cmd->add_option("--csv", o->csv, "CSV to write: one row per record, every figure with its provenance");
  cmd->add_option("--baseline", o->baseline, "Backend the ratios are against: NAME or NAME:PRECISION");
  cmd->add_option("--title", o->title, "Title of the HTML report")->capture_default_str();
  cmd->callback([o] { report(*o); });
}

}  // namespace eb::cli
