// The accuracy part of `edgebench run`: what goes under "accuracy" in every result record.
//
// Accuracy work runs after the timed phase, untimed, on executables already compiled (as
// MLPerf's accuracy mode is a separate pass), so it never touches latency or energy figures.
//
//   fidelity  (always, unless turned off) the backend's outputs of the run's first input
//             sample against the reference backend's outputs of the same sample, same
//             folded graph and weights (the reference compiled here, fp32, fp64
//             accumulation): per output relative L2, max abs, max relative, RMSE, cosine,
//             top-1 agreement of class logits; for detectors, COCO AP/AR of the backend's
//             decoded detections with the reference's as ground truth. When the backend IS
//             the reference the reference run is skipped and the record says so.
//   dataset   (--dataset PATH [--limit N]) the task metric on a data set in its standard
//             layout: COCO bbox AP/AR for detectors (detections in the original images'
//             pixels), mIoU / pixel accuracy for segmentation and RMSE / AbsRel / δ<1.25
//             for depth (at the label maps' resolution), after the model's preprocessing
//             (datasets/preprocess.h). Images are batched to the graph's batch size; a
//             last short batch is filled with copies of its last image, whose outputs are
//             not scored.
//
// Every figure is measured (computed on this host from real outputs); the JSON carries
// its provenance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/backend.h"
#include "core/graph.h"
#include "core/tensor.h"
#include "core/weights.h"

namespace eb::bench {

struct AccuracySpec {
  bool fidelity = true;                          // off: --no-fidelity (recorded as skipped)
  std::optional<std::filesystem::path> dataset;  // --dataset
  std::optional<std::size_t> limit;              // --limit: the data set's first N images
};

// Checks, before anything slow, what a user can get wrong: --limit without --dataset or
// below 1; a data set that does not open (its annotations or manifest are read and
// validated here, naming file, entry and problem); a data set of the wrong kind for the
// model (a detector needs COCO-style, segmentation labels, depth depth maps); a model with
// no data-set metric. `graph` is the model's graph as built. Throws std::invalid_argument.
void check_accuracy_spec(const AccuracySpec& spec, std::string_view model, const Graph& graph);

struct AccuracyRun {
  const AccuracySpec& spec;
  std::string_view model;
  const Graph& model_graph;  // as built: output names, anchors
  const Graph& graph;        // what the executables run (batch norm folded)
  const Weights& weights;    // ... and its weights
  std::span<const Tensor> inputs;   // the run's first sample
  std::uint64_t input_seed = 0;     // its seed
  std::span<const Tensor> outputs;  // the backend's outputs of `inputs` (empty: none, e.g. interrupted)
  Executable& backend;              // compiled for the timed run, reused here
  const Backend& backend_info;
  Precision precision = Precision::fp32;
  const Backend& reference;
  bool interrupted = false;  // the run was cut short: no accuracy work is done
};

// {"mode": ..., "fidelity": {...}, "dataset": {...} (only with --dataset)}. Throws what
// compiling or running the reference throws, and data-set problems found while loading
// (an undecodable picture, a map whose size differs from its picture's).
nlohmann::json evaluate_accuracy(const AccuracyRun& run);

// The fidelity part alone, given the reference's outputs of the same inputs.
nlohmann::json fidelity_to_reference(std::string_view model, const Graph& model_graph, std::span<const Tensor> reference_outputs,
                                     std::span<const Tensor> outputs);

// The data-set part alone, running `executable` (compiled from `model_graph`, folded or
// not) on every image.
nlohmann::json evaluate_dataset(const AccuracySpec& spec, std::string_view model, const Graph& model_graph, Executable& executable);

}  // namespace eb::bench
