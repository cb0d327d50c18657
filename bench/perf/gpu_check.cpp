// gpu_check: the gpu backend's device check in one program (bench/gpu_check.sh and
// tools/gpu-device-run.sh run it).
//
// For each model: the batch-1 graph (batch norm folded) on the reference once, and for
// fp16/bf16 on the reference with every weight and node output rounded to 16 bits
// (bench/accuracy/rounded_reference.h), which gives each output its bound; then per
// precision the gpu's relative L2 against the reference (and, for MobileDet, the share of
// reference detections found again after decoding and NMS); then per batch and precision
// a timed run with the project's runner (bench/runner.h) — host and CUDA-event device
// latency, the h2d / compute / d2h split, throughput — and, where NVML answers, energy per
// image (bench/power: NVML sampled around a run of at least --energy-seconds). The cpu
// backend, when built, is timed the same way in fp32 at --cpu-batches for comparison.
// One table at the end, and with --json FILE the rows as JSON, each figure with its
// provenance.
//
//   gpu_check [--models m3vit,mobiledet-gpu] [--batches 1,32] [--precisions fp32,fp16,bf16]
//             [--warmup 10] [--iterations 50] [--energy-seconds 2] [--no-graph]
//             [--cpu-batches 1] [--cpu-iterations 10] [--json FILE]
//
// A failing step (a conformance miss, or an exception such as cuDNN refusing one
// precision) is recorded and the check goes on with the rest (bench/conformance.h).
// Conformance: fp32 within 1e-4 and ≥ 95% of the reference detections found; fp16/bf16
// within their derived bounds, except on models with a mixture of experts, where a token
// whose 2nd and 3rd experts are closer than 16-bit rounding may legitimately route
// elsewhere: reported, not judged. A NaN or infinity fails everywhere.
// Exit status: 0 all passed; 1 a step failed (listed at the end); 2 bad arguments or the
// gpu backend unavailable (the probe's reason is printed).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backends/gpu/gpu_backend.h"
#include "bench/accuracy/fidelity.h"
#include "bench/accuracy/rounded_reference.h"
#include "bench/conformance.h"
#include "bench/power/energy_record.h"
#include "bench/power/nvml_source.h"
#include "bench/power/sampler.h"
#include "bench/provenance_json.h"
#include "bench/runner.h"
#include "core/atomic_file.h"
#include "bench/prepare_model.h"
#include "core/fold_batch_norm.h"
#include "core/registry.h"
#include "models/mobiledet/mobiledet.h"
#include "models/workload.h"

namespace eb {
namespace {

struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct Settings {
  std::vector<std::string> models = {"m3vit", "mobiledet-gpu"};
  std::vector<int> batches = {1, 32};
  std::vector<Precision> precisions = {Precision::fp32, Precision::fp16, Precision::bf16};
  int warmup = 10;
  int iterations = 50;
  double energy_seconds = 2.0;
  bool cuda_graph = true;
  std::vector<int> cpu_batches = {1};
  int cpu_iterations = 10;
  std::string json;
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

int to_int(const std::string& flag, const std::string& v, int min) {
  std::size_t used = 0;
  int x = 0;
  try {
    x = std::stoi(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || v.empty() || x < min)
    throw UsageError(flag + " needs an integer >= " + std::to_string(min) + ", got '" + v + "'");
  return x;
}

std::vector<int> to_ints(const std::string& flag, const std::string& v, int min) {
  std::vector<int> out;
  for (const auto& s : split(v)) out.push_back(to_int(flag, s, min));
  return out;
}

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(a + " needs a value");
      return argv[++i];
    };
    if (a == "--models") s.models = split(value());
    else if (a == "--batches") s.batches = to_ints(a, value(), 1);
    else if (a == "--precisions") {
      s.precisions.clear();
      for (const auto& p : split(value())) {
        try {
          s.precisions.push_back(parse_precision(p));
        } catch (const std::exception& e) {
          throw UsageError(e.what());
        }
      }
    } else if (a == "--warmup") s.warmup = to_int(a, value(), 0);
    else if (a == "--iterations") s.iterations = to_int(a, value(), 1);
    else if (a == "--energy-seconds") {
      const std::string v = value();
      char* end = nullptr;
      s.energy_seconds = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(s.energy_seconds >= 0)) throw UsageError(a + " needs seconds >= 0, got '" + v + "'");
    } else if (a == "--no-graph") s.cuda_graph = false;
    else if (a == "--cpu-batches") {
      const std::string v = value();
      s.cpu_batches = v == "none" ? std::vector<int>{} : to_ints(a, v, 1);
    }
    else if (a == "--cpu-iterations") s.cpu_iterations = to_int(a, value(), 1);
    else if (a == "--json") s.json = value();
    else throw UsageError("unknown argument " + a);
  }
  if (s.models.empty() || s.batches.empty() || s.precisions.empty()) throw UsageError("--models, --batches and --precisions must not be empty");
  return s;
}


double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v[(v.size() + 1) / 2 - 1];  // nearest rank
}

CompileOptions options_for(const Backend& b, Precision p, bool graph) {
  CompileOptions o;
  o.precision = p;
  // The gpu must run every node itself; the cpu row may lean on the reference (its plan
  // is printed under the row).
  o.allow_fallback = b.name() != "gpu";
  if (b.name() == "gpu") o.extra.emplace("gpu.cuda_graph", graph ? "1" : "0");  // (emplace: GCC 12 -Wrestrict false positive on assign)
  return o;
}

DType storage_of(Precision p) { return p == Precision::fp16 ? DType::f16 : p == Precision::bf16 ? DType::bf16 : DType::f32; }

struct Row {
  std::string model, backend;
  int batch = 1;
  Precision precision = Precision::fp32;
  std::string rel_l2 = "-", bound = "-", detections = "-", graph = "-", plan;
  double host_ms = std::nan(""), device_ms = std::nan(""), h2d_ms = std::nan(""), compute_ms = std::nan(""),
         d2h_ms = std::nan(""), images_per_s = std::nan("");
  std::optional<double> mj_per_image;  // gross NVML energy
  std::string energy_note;
};

struct Conformance {
  std::string rel_l2, bound, detections;
};

std::string sci(double x) { return std::isnan(x) ? "nan" : fmt::format("{:.2e}", x); }

bool has_moe(const Graph& g) {
  return std::any_of(g.nodes.begin(), g.nodes.end(), [](const Node& n) { return n.op == OpKind::moe; });
}

// Batch-1 conformance of every precision against one reference run; each precision is a
// step of its own in `log`.
std::map<Precision, Conformance> conformance(const WorkloadRegistry& workloads, const Workload& w, const Backend& gpu,
                                             const Backend& ref, const Settings& s, bench::CheckLog& log) {
  const bench::PreparedModel prepared = bench::prepare_model(workloads, {.model = std::string(w.name())});
  const FoldedModel& m = prepared.folded;
  const auto inputs = prepared.inputs();
  fmt::print("  reference run of {} (batch 1)...\n", w.name());
  std::fflush(stdout);
  const auto want = bench::run_reference_rounded(m.graph, m.weights, inputs, DType::f32);
  const bool detector = std::string(w.name()).rfind("mobiledet", 0) == 0;
  const bool routed = has_moe(m.graph);
  std::map<Precision, Conformance> out;
  for (Precision p : s.precisions) {
    const std::string step = fmt::format("{} {} conformance", w.name(), precision_name(p));
    log.attempt(step, [&] {
      const bool judged = p == Precision::fp32 || !routed;
      std::vector<double> bounds(want.size(), bench::rounding_tolerance(DType::f32, 0));
      if (!judged) {
        // Not judged: only a NaN or infinity fails (the bound is infinite), and the
        // emulation (a reference run each) is not spent.
        bounds.assign(want.size(), std::numeric_limits<double>::infinity());
      } else if (p != Precision::fp32) {
        fmt::print("  16-bit emulation ({})...\n", precision_name(p));
        std::fflush(stdout);
        const auto emulated = bench::run_reference_rounded(m.graph, m.weights, inputs, storage_of(p));
        for (std::size_t i = 0; i < want.size(); ++i)
          bounds[i] = bench::rounding_tolerance(storage_of(p), bench::compare_tensors(want[i], emulated[i]).relative_l2);
      }
      const auto got =
          bench::compile_prepared(prepared, gpu, ref, options_for(gpu, p, s.cuda_graph)).executable->run(inputs);
      const bench::OutputsVerdict v = bench::judge_outputs(m.graph.outputs, want, got, bounds);
      Conformance c;
      c.rel_l2 = sci(v.worst_relative_l2) + (v.pass ? "" : "!");
      c.bound = judged ? sci(v.bound) : "(MoE)";
      if (!v.pass)
        log.fail(step, fmt::format("relative L2 {} not below {} ({}; {} non-finite values)", sci(v.worst_relative_l2),
                                   sci(v.bound), v.worst_output, v.non_finite));
      if (detector) {
        const auto at = [&](std::string_view n) {
          return static_cast<std::size_t>(std::find(m.graph.outputs.begin(), m.graph.outputs.end(), std::string(n)) -
                                          m.graph.outputs.begin());
        };
        const auto anchors = mobiledet::ssdlite_anchors(m.graph);
        const auto rd = mobiledet::postprocess(want[at(mobiledet::kBoxEncodings)], want[at(mobiledet::kClassLogits)], anchors);
        const auto gd = mobiledet::postprocess(got[at(mobiledet::kBoxEncodings)], got[at(mobiledet::kClassLogits)], anchors);
        const double f = bench::matched_fraction(rd[0], gd[0]);
        c.detections = fmt::format("{:.0f}% of {}", 100 * f, rd[0].size());
        if (p == Precision::fp32 && !(f >= 0.95))
          log.fail(step, fmt::format("{:.1f}% of the reference detections found (95% needed)", 100 * f));
      }
      out[p] = c;
    });
  }
  return out;
}

Row time_one(const WorkloadRegistry& workloads, const Workload& w, int batch, Precision p, const Backend& backend,
             const Backend& ref, int iterations, const Settings& s, bench::PowerSampler* power) {
  const bench::PreparedModel prepared = bench::prepare_model(workloads, {.model = std::string(w.name()), .batch = batch});
  bench::CompiledModel cm = bench::compile_prepared(prepared, backend, ref, options_for(backend, p, s.cuda_graph));
  Row r;
  r.model = std::string(w.name());
  r.backend = std::string(backend.name());
  r.batch = batch;
  r.precision = p;
  if (cm.plan.delegated_nodes != cm.plan.total_nodes) r.plan = "partial: " + cm.plan.summary();
  const auto info = cm.executable->info();
  if (auto it = info.find("gpu.cuda_graph"); it != info.end()) r.graph = it->second.substr(0, it->second.find(' '));
  const bench::Timings t = bench::measure(*cm.executable, prepared.pool, bench::MeasureSettings::fixed(s.warmup, iterations));
  std::vector<double> host(t.samples_ns.begin(), t.samples_ns.end());
  r.host_ms = median(host) * 1e-6;
  r.device_ms = median(t.device_samples_ns) * 1e-6;
  // The split of the last timed run (profiling is off: "h2d", "compute", "d2h").
  for (const auto& e : cm.executable->last_profile()) {
    if (e.node == "h2d") r.h2d_ms = e.ns * 1e-6;
    if (e.node == "compute") r.compute_ms = e.ns * 1e-6;
    if (e.node == "d2h") r.d2h_ms = e.ns * 1e-6;
  }
  r.images_per_s = batch / (r.host_ms * 1e-3);
  if (power) {
    power->start(bench::PowerPhase::busy);
    const std::int64_t t0 = bench::power_clock_ns();
    std::int64_t runs = 0;
    while (runs < iterations || (bench::power_clock_ns() - t0) * 1e-9 < s.energy_seconds) {
      (void)cm.executable->run(prepared.inputs());
      ++runs;
    }
    const std::int64_t t1 = bench::power_clock_ns();
    const bench::EnergyRecord e = bench::make_energy_record(power->stop(), {t0, t1}, runs * batch);
    if (e.totals && e.totals->gross_mj_per_inference) r.mj_per_image = e.totals->gross_mj_per_inference->value;
    for (const auto& wmsg : e.warnings) r.energy_note += (r.energy_note.empty() ? "" : "; ") + wmsg;
    for (const auto& src : e.sources)
      for (const auto& wmsg : src.warnings) r.energy_note += (r.energy_note.empty() ? "" : "; ") + wmsg;
  }
  return r;
}

nlohmann::json number(double v, const Provenance& p) {
  if (!std::isfinite(v)) return nullptr;
  return {{"value", v}, {"provenance", bench::to_json(p)}};
}

nlohmann::json to_json(const Row& r) {
  const Provenance host = Provenance::measured("steady_clock"), events = Provenance::measured("cuda_event");
  nlohmann::json j = {{"model", r.model},
                      {"backend", r.backend},
                      {"batch", r.batch},
                      {"precision", std::string(precision_name(r.precision))},
                      {"cuda_graph", r.graph},
                      {"relative_l2_batch1", r.rel_l2},
                      {"bound", r.bound},
                      {"detections", r.detections},
                      {"host_p50_ms", number(r.host_ms, host)},
                      {"device_p50_ms", number(r.device_ms, events)},
                      {"h2d_ms", number(r.h2d_ms, events)},
                      {"compute_ms", number(r.compute_ms, events)},
                      {"d2h_ms", number(r.d2h_ms, events)},
                      {"images_per_s", number(r.images_per_s, host)}};
  j["gross_mj_per_image"] = r.mj_per_image ? number(*r.mj_per_image, Provenance::measured("nvml")) : nullptr;
  if (!r.energy_note.empty()) j["energy_warnings"] = r.energy_note;
  if (!r.plan.empty()) j["plan"] = r.plan;
  return j;
}

std::string ms(double v) { return std::isnan(v) ? "-" : fmt::format("{:.3f}", v); }

int run(int argc, char** argv) {
  const Settings s = parse(argc, argv);
  const BackendRegistry backends = make_backend_registry();
  const Backend& gpu = backends.get("gpu");
  const Backend& ref = backends.reference();
  const Probe probe = gpu.probe();
  if (!probe.available) {
    fmt::print("gpu backend unavailable: {}\n", probe.reason);
    return 2;
  }
  fmt::print("device: {}\n", probe.device);
  const Backend* cpu = backends.find("cpu");
  if (cpu && !cpu->probe().available) cpu = nullptr;
  fmt::print("cpu backend: {}\n", cpu ? cpu->probe().device : "not available (no comparison rows)");

  // Energy: NVML through bench/power. With several GPUs the channel of the CUDA device is
  // not identified here, so none is used rather than a wrong one.
  bench::PowerDiscovery nvml = bench::discover_nvml();
  std::unique_ptr<bench::PowerSampler> power;
  if (nvml.sources.size() == 1) {
    fmt::print("power: {} ({})\n", nvml.sources[0]->info().name,
               power_kind_name(nvml.sources[0]->info().kind) == "counter" ? "total-energy counter" : "polled power");
    power = std::make_unique<bench::PowerSampler>(std::move(nvml.sources));
  } else if (nvml.sources.size() > 1) {
    fmt::print("power: none ({} NVML GPUs; the CUDA device's is not identified)\n", nvml.sources.size());
  } else {
    std::string why;
    for (const auto& u : nvml.unavailable) why += (why.empty() ? "" : "; ") + u.source + ": " + u.reason;
    fmt::print("power: none ({})\n", why.empty() ? "NVML found nothing" : why);
  }

  const WorkloadRegistry workloads = make_workload_registry();
  bench::CheckLog log;
  std::vector<Row> rows;
  for (const auto& name : s.models) {
    const Workload* w = nullptr;
    if (!log.attempt(name, [&] { w = &workloads.get(name); })) continue;
    fmt::print("{}:\n", name);
    const auto conf = conformance(workloads, *w, gpu, ref, s, log);
    for (const auto& [p, c] : conf)
      fmt::print("  {} batch 1: relative L2 {} (bound {}){}\n", precision_name(p), c.rel_l2, c.bound,
                 c.detections.empty() ? "" : ", detections matched " + c.detections);
    for (int batch : s.batches)
      for (Precision p : s.precisions) {
        const std::string step = fmt::format("{} gpu batch {} {} timing", name, batch, precision_name(p));
        fmt::print("  {}...\n", step);
        std::fflush(stdout);
        log.attempt(step, [&] {
          Row r = time_one(workloads, *w, batch, p, gpu, ref, s.iterations, s, power.get());
          if (batch == 1 && conf.contains(p)) {
            r.rel_l2 = conf.at(p).rel_l2;
            r.bound = conf.at(p).bound;
            if (!conf.at(p).detections.empty()) r.detections = conf.at(p).detections;
          }
          rows.push_back(std::move(r));
        });
      }
    if (cpu)
      for (int batch : s.cpu_batches) {
        const std::string step = fmt::format("{} cpu batch {} fp32 timing", name, batch);
        fmt::print("  {}...\n", step);
        std::fflush(stdout);
        log.attempt(step, [&] { rows.push_back(time_one(workloads, *w, batch, Precision::fp32, *cpu, ref, s.cpu_iterations, s, nullptr)); });
      }
  }

  fmt::print("\n{:<15} {:<4} {:>5} {:<5} {:<5} {:>10} {:>10} {:>12} {:>9} {:>9} {:>8} {:>9} {:>8} {:>9} {:>8}\n", "model", "be",
             "batch", "prec", "graph", "relL2(b1)", "bound", "detections", "host ms", "dev ms", "h2d ms", "comp ms", "d2h ms",
             "img/s", "mJ/img");
  for (const Row& r : rows) {
    fmt::print("{:<15} {:<4} {:>5} {:<5} {:<5} {:>10} {:>10} {:>12} {:>9} {:>9} {:>8} {:>9} {:>8} {:>9.1f} {:>8}\n", r.model,
               r.backend, r.batch, precision_name(r.precision), r.graph, r.rel_l2, r.bound, r.detections, ms(r.host_ms),
               ms(r.device_ms), ms(r.h2d_ms), ms(r.compute_ms), ms(r.d2h_ms), r.images_per_s,
               r.mj_per_image ? fmt::format("{:.2f}", *r.mj_per_image) : "-");
    if (!r.plan.empty()) fmt::print("    {}\n", r.plan);
    if (!r.energy_note.empty()) fmt::print("    energy: {}\n", r.energy_note);
  }
  fmt::print(
      "\nbounds: fp32 relative L2 < 1e-4; fp16/bf16 < 3x the 16-bit rounding emulation's, except '(MoE)': reported, not "
      "judged (top-2 routing may move a token at 16-bit rounding), only NaN/inf fail; '!' marks a miss. detections: share "
      "of the reference's found again (same class, IoU >= 0.9, score within 1e-3). Latencies: medians, measured (host: "
      "steady_clock; dev, h2d, comp, d2h: CUDA events). mJ/img: gross NVML energy, measured, idle included.\n");
  if (!s.json.empty()) {
    nlohmann::json j = {{"device", probe.device}, {"rows", nlohmann::json::array()}, {"failures", nlohmann::json::array()}};
    for (const Row& r : rows) j["rows"].push_back(to_json(r));
    for (const auto& f : log.failures()) j["failures"].push_back({{"step", f.step}, {"why", f.why}});
    write_file_atomically(s.json, j.dump(2) + "\n");
  }
  fmt::print("{}\n", log.summary());
  return log.exit_status();
}

}  // namespace
}  // namespace eb

int main(int argc, char** argv) {
  try {
    return eb::run(argc, argv);
  } catch (const eb::UsageError& e) {
    std::fprintf(stderr, "gpu_check: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gpu_check: %s\n", e.what());
    return 1;
  }
}
