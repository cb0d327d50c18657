// edgebench inspect: a model's graph node by node — operator, output shape, parameters, MACs.
#include <memory>

#include <fmt/format.h>

#include "bench/graph_summary.h"
#include "bench/job.h"
#include "cli/commands.h"
#include "cli/format.h"

namespace eb::cli {
namespace {

struct InspectOptions {
  std::string model;
  std::string task;
  int batch = 1;
  std::string format = "table";
};

void inspect(const InspectOptions& o, const Context& ctx) {
  const bench::BuiltWorkload built = bench::build_workload(ctx.workloads, o.model, o.task, o.batch);
  const bench::GraphSummary s = bench::summarize_graph(built.graph);
  if (o.format == "json") {
    nlohmann::json j = to_json(s);
    j["model"] = o.model;
    j["task"] = built.task.empty() ? nlohmann::json(nullptr) : nlohmann::json(built.task);
    j["batch"] = o.batch;
    fmt::print("{}\n", j.dump(2));
    return;
  }
  Table t({"#", "NODE", "OP", "OUTPUT SHAPE", "PARAMS", "MACS"},
          {Table::Align::right, Table::Align::left, Table::Align::left, Table::Align::left, Table::Align::right,
           Table::Align::right});
  for (std::size_t i = 0; i < s.layers.size(); ++i) {
    const auto& l = s.layers[i];
    t.add_row({std::to_string(i), l.name, l.op, to_string(l.output_shape), l.params ? std::to_string(l.params) : "-",
               l.macs ? std::to_string(l.macs) : "-"});
  }
  fmt::print("{}{} (batch {})\n", o.model, built.task.empty() ? "" : " task " + built.task, o.batch);
  for (const auto& in : s.inputs) fmt::print("  input  {} {} {}\n", in.name, to_string(in.shape), dtype_name(in.dtype));
  for (const auto& out : s.outputs) fmt::print("  output {} {} {}\n", out.name, to_string(out.shape), dtype_name(out.dtype));
  fmt::print("\n{}\n", t.render());
  fmt::print("total: {} nodes, {} parameters ({}, counted before batch-norm folding; {} without batch-norm statistics, as "
             "published counts are), {} MACs ({})\n",
             s.layers.size(), s.params, format_count(static_cast<double>(s.params)),
             format_count(static_cast<double>(s.params_without_batch_norm)), s.macs, format_count(static_cast<double>(s.macs)));
}

}  // namespace

void add_inspect_command(CLI::App& app, const Context& ctx) {
  auto opts = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand("inspect", "Show a model's nodes with output shapes, parameters and MACs");
  cmd->add_option("--model", opts->model, "Model name (see 'edgebench list')")->required();
  cmd->add_option("--task", opts->task, "Task of a multi-task model (default: its first)");
  cmd->add_option("--batch", opts->batch, "Batch size")->capture_default_str();
  cmd->add_option("--format", opts->format, "Output format")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
  cmd->callback([opts, &ctx] { inspect(*opts, ctx); });
}

}  // namespace eb::cli
