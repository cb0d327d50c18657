// eb_gpu_check: the gpu backend's device check in one program (bench/gpu_check.sh runs it).
//
// For each model: the batch-1 graph (batch norm folded) on the reference once; then per
// precision the gpu's relative L2 against it (and, for MobileDet, the share of reference
// detections found again after decoding and NMS); then per batch and precision a timed
// run with the project's runner (bench/runner.h) — host and CUDA-event device latency,
// the h2d / compute / d2h split, throughput — and, where NVML answers, energy per image.
// One table at the end.
//
//   eb_gpu_check [--models m3vit,mobiledet-gpu] [--batches 1,32] [--precisions fp32,fp16,bf16]
//                [--warmup 10] [--iterations 50] [--energy-seconds 2] [--no-graph]
//
// Exit status 1 when an fp32 check fails (relative L2 ≥ 1e-4, or < 95% of the reference
// detections found); 16-bit results are marked but do not fail the check (M³ViT's top-2
// routing may legitimately move a token at 16-bit rounding; see tests/gpu/models_test.cpp).
// Exit status 2 when the gpu backend is unavailable (the probe's reason is printed).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "backends/gpu/device_info.h"
#include "backends/gpu/gpu_backend.h"
#include "backends/gpu/nvml_power.h"
#include "bench/runner.h"
#include "core/fold_batch_norm.h"
#include "core/reference/reference_backend.h"
#include "models/mobiledet/mobiledet.h"
#include "models/workload.h"

namespace eb {
namespace {

using gpu::EnergyReading;
using gpu::NvmlDevice;
using gpu::NvmlEnergyMeter;

struct Settings {
  std::vector<std::string> models = {"m3vit", "mobiledet-gpu"};
  std::vector<int> batches = {1, 32};
  std::vector<Precision> precisions = {Precision::fp32, Precision::fp16, Precision::bf16};
  int warmup = 10;
  int iterations = 50;
  double energy_seconds = 2.0;
  bool cuda_graph = true;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= s.size()) {
    const std::size_t comma = s.find(',', at);
    const std::size_t end = comma == std::string::npos ? s.size() : comma;
    if (end > at) out.push_back(s.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--models") s.models = split(value());
    else if (a == "--batches") {
      s.batches.clear();
      for (const auto& b : split(value())) s.batches.push_back(std::stoi(b));
    } else if (a == "--precisions") {
      s.precisions.clear();
      for (const auto& p : split(value())) s.precisions.push_back(parse_precision(p));
    } else if (a == "--warmup") s.warmup = std::stoi(value());
    else if (a == "--iterations") s.iterations = std::stoi(value());
    else if (a == "--energy-seconds") s.energy_seconds = std::stod(value());
    else if (a == "--no-graph") s.cuda_graph = false;
    else throw std::invalid_argument("unknown argument " + a);
  }
  return s;
}

double relative_l2(const Tensor& got, const Tensor& want) {
  const auto g = got.data<float>();
  const auto w = want.data<float>();
  double diff = 0, ref = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    diff += (static_cast<double>(g[i]) - w[i]) * (static_cast<double>(g[i]) - w[i]);
    ref += static_cast<double>(w[i]) * w[i];
  }
  return ref > 0 ? std::sqrt(diff / ref) : std::sqrt(diff);
}

// Share of the reference detections the gpu found: same class, IoU ≥ 0.9, score within 1e-3.
double matched_fraction(const mobiledet::Detections& want, const mobiledet::Detections& got) {
  std::vector<bool> used(got.size(), false);
  std::size_t matched = 0;
  for (std::size_t i = 0; i < want.size(); ++i)
    for (std::size_t j = 0; j < got.size(); ++j)
      if (!used[j] && got.classes[j] == want.classes[i] && mobiledet::iou(got.boxes[j], want.boxes[i]) >= 0.9f &&
          std::abs(got.scores[j] - want.scores[i]) <= 1e-3f) {
        used[j] = true;
        ++matched;
        break;
      }
  return want.size() == 0 ? 1.0 : static_cast<double>(matched) / static_cast<double>(want.size());
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v[(v.size() + 1) / 2 - 1];  // nearest rank
}

CompileOptions options_for(Precision p, bool graph) {
  CompileOptions o;
  o.precision = p;
  o.extra.emplace("cuda_graph", graph ? "1" : "0");  // (emplace: GCC 12 -Wrestrict false positive on assign)
  return o;
}

struct Row {
  std::string model;
  int batch = 1;
  Precision precision = Precision::fp32;
  std::string rel_l2 = "-", detections = "-", verdict = "";
  double host_ms = 0, device_ms = 0, h2d_ms = 0, compute_ms = 0, d2h_ms = 0, images_per_s = 0;
  std::string energy = "-";
  std::string graph;
};

struct Conformance {
  std::string rel_l2, detections;
  bool pass = true;
};

// Batch-1 conformance of every precision against one reference run.
std::map<Precision, Conformance> conformance(const Workload& w, const Backend& gpu, const Backend& ref, const Settings& s) {
  const Graph g = w.build({"", 1});
  const FoldedModel m = fold_batch_norm(g, w.make_weights(g, 0));
  const auto inputs = w.make_inputs(g, 0);
  fmt::print("  reference run of {} (batch 1)...\n", w.name());
  std::fflush(stdout);
  const auto want = ref.compile(m.graph, m.weights, {})->run(inputs);
  const bool detector = std::string(w.name()).rfind("mobiledet", 0) == 0;
  std::map<Precision, Conformance> out;
  for (Precision p : s.precisions) {
    const auto got = gpu.compile(m.graph, m.weights, options_for(p, s.cuda_graph))->run(inputs);
    Conformance c;
    double worst = 0;
    for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, relative_l2(got[i], want[i]));
    const double bound = p == Precision::fp32 ? 1e-4 : 1e-2;
    c.rel_l2 = fmt::format("{:.2e}{}", worst, worst < bound ? "" : "!");
    c.pass = worst < bound;
    if (detector) {
      const auto at = [&](std::string_view n) {
        return static_cast<std::size_t>(std::find(m.graph.outputs.begin(), m.graph.outputs.end(), std::string(n)) -
                                        m.graph.outputs.begin());
      };
      const auto anchors = mobiledet::ssdlite_anchors(m.graph);
      const auto rd = mobiledet::postprocess(want[at(mobiledet::kBoxEncodings)], want[at(mobiledet::kClassLogits)], anchors);
      const auto gd = mobiledet::postprocess(got[at(mobiledet::kBoxEncodings)], got[at(mobiledet::kClassLogits)], anchors);
      const double f = matched_fraction(rd[0], gd[0]);
      c.detections = fmt::format("{:.0f}% of {}", 100 * f, rd[0].size());
      c.pass = c.pass && (f >= 0.95 || p != Precision::fp32);
    }
    out[p] = c;
  }
  return out;
}

Row time_one(const Workload& w, int batch, Precision p, const Backend& gpu, const Backend& ref, const Settings& s,
             NvmlDevice* nvml) {
  const Graph g = w.build({"", batch});
  const FoldedModel m = fold_batch_norm(g, w.make_weights(g, 0));
  const auto inputs = w.make_inputs(g, 0);
  bench::CompiledModel cm = bench::compile_model(m.graph, m.weights, gpu, ref, options_for(p, s.cuda_graph));
  Row r;
  r.model = std::string(w.name());
  r.batch = batch;
  r.precision = p;
  if (cm.plan.delegated_nodes != cm.plan.total_nodes) r.verdict = "partial: " + cm.plan.summary();
  const auto info = cm.executable->info();
  if (auto it = info.find("cuda_graph"); it != info.end()) r.graph = it->second.substr(0, it->second.find(' '));
  const bench::Timings t = bench::time_single_stream(*cm.executable, inputs, {s.warmup, s.iterations});
  std::vector<double> host(t.samples_ns.begin(), t.samples_ns.end());
  r.host_ms = median(host) * 1e-6;
  r.device_ms = median(t.device_samples_ns) * 1e-6;
  // The split of the last timed run (the executable reports it for every run).
  for (const auto& e : cm.executable->last_profile()) {
    if (e.node == "h2d") r.h2d_ms = e.ns * 1e-6;
    if (e.node == "compute") r.compute_ms = e.ns * 1e-6;
    if (e.node == "d2h") r.d2h_ms = e.ns * 1e-6;
  }
  r.images_per_s = batch / (r.host_ms * 1e-3);
  if (nvml) {
    NvmlEnergyMeter meter(*nvml);
    meter.start();
    const auto t0 = std::chrono::steady_clock::now();
    int runs = 0;
    while (runs < s.iterations || std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < s.energy_seconds) {
      (void)cm.executable->run(inputs);
      ++runs;
    }
    try {
      const EnergyReading e = meter.stop();
      r.energy = fmt::format("{:.2f}", e.joules * 1e3 / (static_cast<double>(runs) * batch));
    } catch (const std::exception& e) {
      r.energy = "?";
    }
  }
  return r;
}

int run(int argc, char** argv) {
  const Settings s = parse(argc, argv);
  const auto gpu = make_gpu_backend();
  const auto ref = make_reference_backend();
  const Probe probe = gpu->probe();
  if (!probe.available) {
    fmt::print("gpu backend unavailable: {}\n", probe.reason);
    return 2;
  }
  fmt::print("device: {}\n", probe.device);
  std::string nvml_why;
  auto nvml = NvmlDevice::open(gpu::pci_bus_id(0), &nvml_why);
  if (nvml)
    fmt::print("power: NVML on {} ({}; sensor period {:.0f} ms)\n", nvml->name(),
               nvml->has_energy_counter() ? "total-energy counter" : "polled power", nvml->power_update_period_s() * 1e3);
  else
    fmt::print("power: none ({})\n", nvml_why);

  const WorkloadRegistry workloads = make_workload_registry();
  std::vector<Row> rows;
  bool ok = true;
  for (const auto& name : s.models) {
    const Workload& w = workloads.get(name);
    fmt::print("{}:\n", name);
    const auto conf = conformance(w, *gpu, *ref, s);
    for (const auto& [p, c] : conf) {
      fmt::print("  {} batch 1: relative L2 {}{}\n", precision_name(p), c.rel_l2,
                 c.detections.empty() ? "" : ", detections matched " + c.detections);
      if (p == Precision::fp32 && !c.pass) ok = false;
    }
    for (int batch : s.batches)
      for (Precision p : s.precisions) {
        fmt::print("  timing batch {} {}...\n", batch, precision_name(p));
        std::fflush(stdout);
        Row r = time_one(w, batch, p, *gpu, *ref, s, nvml.get());
        if (batch == 1 && conf.contains(p)) {
          r.rel_l2 = conf.at(p).rel_l2;
          if (!conf.at(p).detections.empty()) r.detections = conf.at(p).detections;
        }
        rows.push_back(std::move(r));
      }
  }

  fmt::print("\n{:<15} {:>5} {:<5} {:<5} {:>10} {:>12} {:>9} {:>9} {:>8} {:>9} {:>8} {:>9} {:>8}\n", "model", "batch", "prec",
             "graph", "relL2(b1)", "detections", "host ms", "dev ms", "h2d ms", "comp ms", "d2h ms", "img/s", "mJ/img");
  for (const Row& r : rows) {
    fmt::print("{:<15} {:>5} {:<5} {:<5} {:>10} {:>12} {:>9.3f} {:>9.3f} {:>8.3f} {:>9.3f} {:>8.3f} {:>9.1f} {:>8}\n", r.model,
               r.batch, precision_name(r.precision), r.graph, r.rel_l2, r.detections, r.host_ms, r.device_ms, r.h2d_ms,
               r.compute_ms, r.d2h_ms, r.images_per_s, r.energy);
    if (!r.verdict.empty()) fmt::print("    {}\n", r.verdict);
  }
  fmt::print("\nbounds: fp32 relative L2 < 1e-4, fp16/bf16 < 1e-2 ('!' marks a miss); detections: share of the reference's "
             "found again (same class, IoU >= 0.9, score within 1e-3); latencies are medians; device = CUDA events, "
             "h2d + compute + d2h.\n");
  fmt::print("{}\n", ok ? "fp32 conformance: PASS" : "fp32 conformance: FAIL");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace eb

int main(int argc, char** argv) {
  try {
    return eb::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "eb_gpu_check: %s\n", e.what());
    return 1;
  }
}
