// edgebench export: quantises a model as the edgetpu backend does (seeded calibration) and
// writes the int8 graph as a .tflite file that edgetpu_compiler and TFLite runtimes load
// (backends/edgetpu/tflite_export.h says what is written and why the interface is int8).
#include <cstddef>
#include <memory>
#include <span>

#include <fmt/format.h>

#include "backends/edgetpu/calibration.h"
#include "backends/edgetpu/quantized_program.h"
#include "backends/edgetpu/tflite_export.h"
#include "bench/job.h"
#include "cli/commands.h"
#include "cli/validators.h"
#include "core/atomic_file.h"
#include "core/fold_batch_norm.h"
#include "core/safetensors.h"
#include "core/version.h"

namespace eb::cli {
namespace {

struct ExportOptions {
  std::string model;
  std::string task;
  std::string out;
  std::string weights;
  std::uint64_t seed = 0;
  int calibration = 8;
};

std::string describe_io(const edgetpu::TfliteIo& io) {
  std::string shape;
  for (auto d : io.shape) shape += (shape.empty() ? "" : ",") + std::to_string(d);
  return fmt::format("'{}' int8 [{}] scale {:.6g} zero point {}", io.name, shape, io.q.scale, io.q.zero_point);
}

void export_model(const ExportOptions& o, const Context& ctx) {
  const bench::BuiltWorkload built = bench::build_workload(ctx.workloads, o.model, o.task, 1);
  edgetpu::check_tflite_exportable(built.graph);  // before the (slow) calibration
  Weights weights;
  if (o.weights.empty()) {
    weights = built.workload->make_weights(built.graph, o.seed);
  } else {
    weights = load_safetensors(o.weights);
    weights.check_against(built.graph);
  }
  const FoldedModel folded = fold_batch_norm(built.graph, weights);
  edgetpu::CalibrationSettings cal;
  cal.samples = o.calibration;
  cal.seed = o.seed;
  const edgetpu::QuantizedProgram program(folded.graph, folded.weights, edgetpu::calibrate(folded.graph, folded.weights, cal));
  const std::string description = fmt::format("edgebench {} ({}): {} int8, {} calibration samples, seed {}{}", kVersion, kGitRevision, o.model,
                                              o.calibration, o.seed, o.weights.empty() ? "" : ", weights " + o.weights);
  const edgetpu::TfliteModel m = edgetpu::export_tflite(program, description);
  write_file_atomically(o.out, std::as_bytes(std::span(m.bytes)));

  std::string ops;
  for (const auto& [name, n] : m.op_counts) ops += fmt::format("{}{} {}", ops.empty() ? "" : ", ", name, n);
  fmt::print("wrote {} ({} bytes): {} operators ({}), {} tensors, {} buffers\n", o.out, m.bytes.size(), m.operators, ops, m.tensors, m.buffers);
  for (const auto& io : m.inputs) fmt::print("  input  {}\n", describe_io(io));
  for (const auto& io : m.outputs) fmt::print("  output {}\n", describe_io(io));
  fmt::print("int8 interface, NHWC image tensors; compile for the Edge TPU with: edgetpu_compiler {}\n", o.out);
}

}  // namespace

void add_export_command(CLI::App& app, const Context& ctx) {
  auto opts = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "Quantise a model to int8 and write it as a .tflite file (for edgetpu_compiler)");
  cmd->add_option("--model", opts->model, "Model name (see 'edgebench list')")->required();
  cmd->add_option("--task", opts->task, "Task of a multi-task model (default: its first)");
  cmd->add_option("--out", opts->out, "Output file (.tflite)")->required();
  cmd->add_option("--weights", opts->weights, "Weights from a safetensors file (see 'edgebench weights'); default: seeded");
  cmd->add_option("--seed", opts->seed, "Seed of the weights (unless --weights) and of the calibration inputs")->check(unsigned_value())->capture_default_str();
  cmd->add_option("--calibration", opts->calibration, "Representative samples for calibration")->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->callback([opts, &ctx] { export_model(*opts, ctx); });
}

}  // namespace eb::cli
