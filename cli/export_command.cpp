// edgebench export: two formats.
//   tflite (default)  quantises a model as the edgetpu backend does (seeded calibration)
//                     and writes the int8 graph as a .tflite file that edgetpu_compiler and
//                     TFLite runtimes load (backends/edgetpu/tflite_export.h says what is
//                     written and why the interface is int8).
//   onnx              the float graph every backend compiles (batch norm folded), opset 17,
//                     weights as initializers (export/onnx/onnx_export.h), for ONNX
//                     runtimes: the peers `edgebench peer` times.
#include <cstddef>
#include <memory>
#include <span>

#include <fmt/format.h>

#include "backends/edgetpu/calibration.h"
#include "backends/edgetpu/quantized_program.h"
#include "backends/edgetpu/tflite_export.h"
#include "bench/prepare_model.h"
#include "cli/commands.h"
#include "cli/validators.h"
#include "core/atomic_file.h"
#include "core/fold_batch_norm.h"
#include "core/version.h"
#include "export/onnx/onnx_export.h"

namespace eb::cli {
namespace {

struct ExportOptions {
  std::string model;
  std::string task;
  std::string out;
  std::string weights;
  std::string format = "tflite";
  std::uint64_t seed = 0;
  int calibration = 8;
};

std::string describe_io(const edgetpu::TfliteIo& io) {
  std::string shape;
  for (auto d : io.shape) shape += (shape.empty() ? "" : ",") + std::to_string(d);
  return fmt::format("'{}' int8 [{}] scale {:.6g} zero point {}", io.name, shape, io.q.scale, io.q.zero_point);
}

// The model as every command prepares it (bench/prepare_model.h): a weights file must be
// exactly the model's, a stray tensor included; no inputs (calibration makes its own).
bench::PreparedModel prepare(const ExportOptions& o, const Context& ctx) {
  bench::ModelRequest request{o.model, o.task, 1, o.seed};
  if (!o.weights.empty()) request.weights_file = o.weights;
  request.samples = 0;
  return bench::prepare_model(ctx.workloads, request);
}

void export_onnx_model(const ExportOptions& o, const Context& ctx) {
  if (!onnx_export::onnx_export_available()) throw std::runtime_error(onnx_export::onnx_export_unavailable_reason());
  const bench::PreparedModel model = prepare(o, ctx);
  const bench::BuiltWorkload& built = model.built;
  const FoldedModel& folded = model.folded;
  const std::string description = fmt::format("edgebench {} ({}): {}{} fp32, batch norm folded, weights {}", kVersion, kGitRevision, o.model,
                                              built.task.empty() ? "" : " (" + built.task + ")",
                                              o.weights.empty() ? fmt::format("seeded (seed {})", o.seed) : o.weights);
  const onnx_export::OnnxModel m = onnx_export::export_onnx(folded.graph, folded.weights, description);
  write_file_atomically(o.out, std::as_bytes(std::span(m.bytes)));
  std::string ops;
  for (const auto& [name, n] : m.op_counts) ops += fmt::format("{}{} {}", ops.empty() ? "" : ", ", name, n);
  fmt::print("wrote {} ({} bytes): ONNX opset {}, {} nodes ({}), {} initializers; accepted by the ONNX checker\n", o.out, m.bytes.size(),
             onnx_export::kOpset, m.nodes, ops, m.initializers);
  for (const auto& name : folded.graph.inputs) fmt::print("  input  '{}' f32 {}\n", name, to_string(folded.graph.info(name).shape));
  for (const auto& name : folded.graph.outputs) fmt::print("  output '{}' f32 {}\n", name, to_string(folded.graph.info(name).shape));
}

void export_model(const ExportOptions& o, const Context& ctx) {
  if (o.format == "onnx") return export_onnx_model(o, ctx);
  const bench::PreparedModel model = prepare(o, ctx);
  edgetpu::check_tflite_exportable(model.built.graph);  // before the (slow) calibration
  const FoldedModel& folded = model.folded;
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
  CLI::App* cmd = app.add_subcommand("export", "Write a model as .tflite (int8, for edgetpu_compiler) or .onnx (fp32, for ONNX runtimes)");
  cmd->add_option("--format", opts->format, "tflite: int8 as the edgetpu backend quantises it; onnx: the fp32 graph every backend compiles")
      ->capture_default_str()
      ->check(CLI::IsMember({"tflite", "onnx"}));
  cmd->add_option("--model", opts->model, "Model name (see 'edgebench list')")->required();
  cmd->add_option("--task", opts->task, "Task of a multi-task model (default: its first)");
  cmd->add_option("--out", opts->out, "Output file (.tflite or .onnx)")->required();
  cmd->add_option("--weights", opts->weights, "Weights from a safetensors file (see 'edgebench weights'); default: seeded");
  cmd->add_option("--seed", opts->seed, "Seed of the weights (unless --weights) and of the calibration inputs (tflite)")->check(unsigned_value())->capture_default_str();
  cmd->add_option("--calibration", opts->calibration, "Representative samples for calibration (tflite)")->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->callback([opts, &ctx] { export_model(*opts, ctx); });
}

}  // namespace eb::cli
