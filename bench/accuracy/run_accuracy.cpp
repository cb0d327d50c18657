#include "bench/accuracy/run_accuracy.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/accuracy/dataset_eval.h"
#include "bench/accuracy/fidelity.h"
#include "bench/accuracy/model_outputs.h"
#include "bench/datasets/coco_dataset.h"
#include "bench/datasets/dataset_kind.h"
#include "bench/datasets/dense_dataset.h"
#include "bench/datasets/preprocess.h"
#include "bench/provenance_json.h"
#include "bench/runner.h"

namespace eb::bench {
namespace {

constexpr const char* kMode =
    "accuracy mode: after the timed phase, untimed, so that it never touches latency or energy figures";

const std::string& single_input(const Graph& graph) {
  if (graph.inputs.size() != 1)
    throw std::invalid_argument(fmt::format("accuracy: expected a model with one image input, it has {}", graph.inputs.size()));
  return graph.inputs.front();
}

// What the data set must hold for the model's kind of output.
void check_fits(DatasetKind kind, const ModelOutputs& m, std::string_view model, const std::filesystem::path& path,
                const DenseDataset* dense) {
  const std::string where = path.string();
  switch (m.kind) {
    case OutputKind::features:
      throw std::invalid_argument(fmt::format("--dataset: model '{}' outputs features only; no data-set metric applies to it", model));
    case OutputKind::detection:
      if (kind != DatasetKind::coco)
        throw std::invalid_argument(
            fmt::format("--dataset {}: model '{}' is a detector and needs a COCO-style data set, this one is {}", where, model,
                        dataset_kind_name(kind)));
      return;
    case OutputKind::segmentation:
    case OutputKind::depth:
      if (kind != DatasetKind::dense)
        throw std::invalid_argument(fmt::format("--dataset {}: model '{}' predicts {} and needs a dense data set, this one is {}",
                                                where, model, output_kind_name(m.kind), dataset_kind_name(kind)));
      if (m.kind == OutputKind::segmentation && !dense->has_labels())
        throw std::invalid_argument(fmt::format("--dataset {}: has no label maps, which segmentation needs", where));
      if (m.kind == OutputKind::depth && !dense->has_depth())
        throw std::invalid_argument(fmt::format("--dataset {}: has no depth maps, which depth prediction needs", where));
      return;
  }
}

nlohmann::json preprocessing_json(const PreprocessSpec& s) {
  static constexpr const char* kModes[] = {"stretch", "letterbox", "center_crop"};
  return {{"resize", kModes[static_cast<int>(s.mode)]},
          {"width", s.width},
          {"height", s.height},
          {"mean", s.mean},
          {"std", s.std},
          {"interpolation", "bilinear, half-pixel centres"}};
}

// Runs the executable over images in batches of the graph's batch size; `score` gets each
// real (not padding) image's outputs [1, ...] with its index.
template <class Load, class Score>
void run_batches(Executable& executable, const Graph& graph, std::size_t count, const PreprocessSpec& spec, Load load,
                 Score score) {
  const Shape& input_shape = graph.info(single_input(graph)).shape;
  const auto batch = static_cast<std::size_t>(input_shape.at(0));
  for (std::size_t start = 0; start < count; start += batch) {
    std::vector<Tensor> items;
    std::vector<ImageGeometry> geometries;
    const std::size_t real = std::min(batch, count - start);
    for (std::size_t i = 0; i < real; ++i) {
      PreprocessedImage p = preprocess(load(start + i), spec);
      items.push_back(std::move(p.tensor));
      geometries.push_back(p.geometry);
    }
    while (items.size() < batch) items.push_back(items.back());  // padding, not scored
    const Tensor stacked = stack_batch(items);
    const std::vector<Tensor> outputs = executable.run(std::span<const Tensor>(&stacked, 1));
    for (std::size_t i = 0; i < real; ++i) score(start + i, geometries[i], outputs, static_cast<std::int64_t>(i));
  }
}

nlohmann::json evaluate_coco_dataset(const AccuracySpec& spec, const Graph& model_graph, Executable& executable,
                                     const PreprocessSpec& pre) {
  CocoDataset dataset = CocoDataset::open(*spec.dataset);
  if (spec.limit) dataset.limit(*spec.limit);
  const CocoGroundTruth& gt = dataset.ground_truth();
  std::vector<CocoDetection> detections;
  run_batches(
      executable, model_graph, dataset.size(), pre, [&](std::size_t i) { return dataset.load_image(i); },
      [&](std::size_t i, const ImageGeometry& g, const std::vector<Tensor>& outputs, std::int64_t b) {
        const auto decoded = decode_detections(model_graph, outputs);
        const auto coco = to_coco(decoded.at(static_cast<std::size_t>(b)), gt.images[i].id, g);
        detections.insert(detections.end(), coco.begin(), coco.end());
      });
  nlohmann::json j = evaluate_detections(gt, detections);
  j["annotations"] = dataset.annotations_file().string();
  j["image_folder"] = dataset.image_folder().string();
  return j;
}

nlohmann::json evaluate_dense_dataset(const AccuracySpec& spec, const ModelOutputs& m, const Graph& model_graph,
                                      Executable& executable, const PreprocessSpec& pre) {
  DenseDataset dataset = DenseDataset::open(*spec.dataset);
  if (spec.limit) dataset.limit(*spec.limit);
  const auto it = std::find(model_graph.outputs.begin(), model_graph.outputs.end(), m.dense);
  if (it == model_graph.outputs.end()) throw std::invalid_argument("accuracy: the model has no output '" + m.dense + "'");
  const auto out_index = static_cast<std::size_t>(it - model_graph.outputs.begin());
  DenseEvaluator evaluator(dataset.info().num_classes, dataset.info().ignore_index);
  std::map<std::size_t, LoadedDenseSample> pending;  // the current batch's maps, by sample index
  run_batches(
      executable, model_graph, dataset.size(), pre,
      [&](std::size_t i) {
        LoadedDenseSample& s = pending[i] = dataset.load(i);
        return s.image;
      },
      [&](std::size_t i, const ImageGeometry& g, const std::vector<Tensor>& outputs, std::int64_t b) {
        const LoadedDenseSample& sample = pending.at(i);
        const Tensor prediction = batch_item(outputs.at(out_index), b);
        if (m.kind == OutputKind::segmentation) evaluator.add_segmentation(prediction, *sample.label, g);
        else evaluator.add_depth(prediction, *sample.depth, g);
        pending.erase(i);
      });
  nlohmann::json j = evaluator.result();
  j["metric"] = m.kind == OutputKind::segmentation ? "miou" : "depth";
  j["root"] = dataset.info().root.string();
  j["ignore_index"] = dataset.info().ignore_index;
  if (m.kind == OutputKind::depth) j["depth_units"] = "metres (the model's output taken as metres)";
  return j;
}

}  // namespace

void check_accuracy_spec(const AccuracySpec& spec, std::string_view model, const Graph& graph) {
  if (spec.limit && !spec.dataset) throw std::invalid_argument("--limit needs --dataset");
  if (spec.limit && *spec.limit < 1) throw std::invalid_argument("--limit must be at least 1");
  if (!spec.dataset) return;
  const ModelOutputs m = model_outputs(model, graph);
  const DatasetKind kind = detect_dataset_kind(*spec.dataset);
  std::optional<DenseDataset> dense;
  if (kind == DatasetKind::coco) (void)CocoDataset::open(*spec.dataset);
  else dense = DenseDataset::open(*spec.dataset);
  check_fits(kind, m, model, *spec.dataset, dense ? &*dense : nullptr);
  (void)preprocess_spec_for(model, graph.info(single_input(graph)).shape);
}

nlohmann::json fidelity_to_reference(std::string_view model, const Graph& model_graph, std::span<const Tensor> reference_outputs,
                                     std::span<const Tensor> outputs) {
  const ModelOutputs m = model_outputs(model, model_graph);
  FidelityOptions options;
  if (!m.class_logits.empty()) options.class_map_outputs = {m.class_logits}, options.channel_axis = m.class_axis;
  nlohmann::json j = fidelity_json(model_graph.outputs, reference_outputs, outputs, options);
  if (m.kind == OutputKind::detection) {
    // Boxes in model-input pixels (the same geometry for both sides).
    const Shape& s = model_graph.info(single_input(model_graph)).shape;
    const int h = static_cast<int>(s.at(2)), w = static_cast<int>(s.at(3));
    const ImageGeometry identity{w, h, w, h, 1, 1, 0, 0};
    const auto ref = decode_detections(model_graph, reference_outputs), act = decode_detections(model_graph, outputs);
    std::vector<CocoDetection> ref_coco, act_coco;
    for (std::size_t b = 0; b < ref.size(); ++b) {
      const auto r = to_coco(ref[b], static_cast<std::int64_t>(b), identity);
      ref_coco.insert(ref_coco.end(), r.begin(), r.end());
    }
    for (std::size_t b = 0; b < act.size(); ++b) {
      const auto a = to_coco(act[b], static_cast<std::int64_t>(b), identity);
      act_coco.insert(act_coco.end(), a.begin(), a.end());
    }
    j["detections"] = to_json(detection_agreement(ref_coco, act_coco));
    j["detections"]["note"] = "COCO AP/AR of the backend's decoded detections with the reference's as ground truth "
                              "(1.0: the same boxes and classes in the same score order)";
  }
  return j;
}

nlohmann::json evaluate_dataset(const AccuracySpec& spec, std::string_view model, const Graph& model_graph, Executable& executable) {
  const ModelOutputs m = model_outputs(model, model_graph);
  const PreprocessSpec pre = preprocess_spec_for(model, model_graph.info(single_input(model_graph)).shape);
  const DatasetKind kind = detect_dataset_kind(*spec.dataset);
  nlohmann::json j = kind == DatasetKind::coco ? evaluate_coco_dataset(spec, model_graph, executable, pre)
                                               : evaluate_dense_dataset(spec, m, model_graph, executable, pre);
  j["path"] = spec.dataset->string();
  j["kind"] = dataset_kind_name(kind);
  j["limit"] = spec.limit ? nlohmann::json(*spec.limit) : nlohmann::json(nullptr);
  j["preprocessing"] = preprocessing_json(pre);
  return j;
}

nlohmann::json evaluate_accuracy(const AccuracyRun& run) {
  nlohmann::json j = {{"mode", kMode}};
  const std::string backend = fmt::format("backend '{}' ({})", run.backend_info.name(), precision_name(run.precision));
  const bool is_reference = run.backend_info.name() == run.reference.name() && run.precision == Precision::fp32;

  nlohmann::json& f = j["fidelity"];
  f["reference"] = fmt::format("backend '{}' (fp32 storage, fp64 accumulation)", run.reference.name());
  f["inputs"] = {{"sample", 0}, {"seed", run.input_seed}};
  if (run.interrupted) {
    f["skipped"] = "the run was interrupted";
  } else if (!run.spec.fidelity) {
    f["skipped"] = "turned off (--no-fidelity)";
  } else if (run.outputs.empty()) {
    f["skipped"] = "the backend produced no outputs";
  } else if (is_reference) {
    f["skipped"] = "the backend is the reference: its outputs are the reference outputs by definition";
  } else {
    CompileOptions options;
    options.precision = Precision::fp32;
    CompiledModel ref = compile_model(run.graph, run.weights, run.reference, run.reference, options);
    const std::vector<Tensor> ref_outputs = ref.executable->run(run.inputs);
    ref.executable.reset();
    nlohmann::json figures = fidelity_to_reference(run.model, run.model_graph, ref_outputs, run.outputs);
    figures.insert(f.begin(), f.end());
    f = std::move(figures);
    f["provenance"] = to_json(Provenance::measured(fmt::format(
        "computed on this host from the outputs of {} and of the reference backend for the same inputs and weights", backend)));
  }

  if (run.spec.dataset) {
    nlohmann::json& d = j["dataset"];
    if (run.interrupted) {
      d = {{"skipped", "the run was interrupted"}, {"path", run.spec.dataset->string()}};
    } else {
      d = evaluate_dataset(run.spec, run.model, run.model_graph, run.backend);
      d["provenance"] =
          to_json(Provenance::measured(fmt::format("computed on this host from the outputs of {} on the data set's images", backend)));
    }
  }
  return j;
}

}  // namespace eb::bench
