// `edgebench reproduce PAPER`: the paper's matrix of workloads run on every backend
// available here through the bench library (bench/job.h), and the paper's published
// figures (published.h) set beside ours — each published figure with its device and
// citation, each of ours with our device, modeled ones marked "~".
//
//   edge-moe   m3vit-backbone (the part the Edge-MoE datapath runs whole) on every backend,
//              and m3vit (seg: backbone on the datapath, the head's convolutions on the
//              host) on fpga alone, for the system time; published: FPGA energy efficiency
//              2.24x vs GPU and 4.90x vs CPU, ~59 ms per frame of the demo on a ZCU102 at
//              300 MHz (beside our system time and its parts); derived: ~5.2 M cycles of
//              ideal compute (beside our modeled datapath time).
//   mobiledet  mobiledet-cpu, -edgetpu, -dsp, -gpu and the SSD MobileNet v1/v2 baselines,
//              on the cpu backend in fp32 and int8 (the Edge TPU's quantised graph);
//              published: latency on Pixel phones (and a Jetson for -gpu), COCO mAP, and
//              Coral's USB Accelerator latencies (data/published/coral.json) — the
//              like-for-like rows of the edgetpu model, with its error.
//   coral      mobilenet-v1, -v2 (the timing model's fit anchors), ssd-mobilenet-v1, -v2 and
//              mobiledet-edgetpu (held out); published: Coral's USB Accelerator latencies.
//
// A backend that would run under half of a workload's multiply-accumulates (the rest
// falling back to the reference) is skipped with the reason: its figures would be mostly
// the reference's.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/job.h"
#include "reports/comparison.h"
#include "reports/published.h"
#include "reports/record.h"

namespace eb::reports {

struct PaperMatrix {
  std::string paper;                   // "edge-moe"
  std::string title;                   // "Edge-MoE (ICCAD 2023)"
  std::vector<std::string> workloads;  // edgebench workload names
  // data/published files whose figures go beside ours: the paper's own (named `paper`),
  // then others, of which only figures of the matrix's workloads are kept.
  std::vector<std::string> published;
  // (workload, backend): jobs run on that backend alone, whatever share of their MACs
  // falls back to the host — a published whole-system figure (device and host) to set
  // our system time beside.
  std::vector<std::pair<std::string, std::string>> system_jobs = {};
  // Runs besides each backend's own precision (fp32, or the one it has): mobiledet adds
  // cpu int8, so that the accelerators' int8 figures have a CPU at the same precision
  // (skipped with the reason where the CPU has no int8 kernels).
  std::vector<std::pair<std::string, Precision>> also = {};
};

// The figures of every file of m.published, the first file's replaced by `own` when given
// (--published FILE). Throws what embedded_published throws.
PublishedSet published_for(const PaperMatrix& m, const std::optional<PublishedSet>& own = std::nullopt);

// Throws std::invalid_argument for an unknown paper (naming the known ones).
PaperMatrix paper_matrix(const std::string& paper);
std::vector<std::string> known_papers();

struct ReproduceSettings {
  bool quick = false;                 // a few queries per job (tests, smoke runs)
  std::vector<std::string> backends;  // empty: every available backend but the reference
  // "auto,model": every sensor found, plus the backend's power model where the harness
  // has one (modeled, marked "~"); falls back to "auto" for a job that has no model.
  std::string power = "auto,model";
  std::uint64_t seed = 0;
};

// The timed-phase rule of a job: default at least 10 queries (enough for the U test) and
// 1 s after 1 warm-up query, then a 3-run per-node profile; quick: exactly 2 queries, no
// warm-up, one input sample, no profile.
bench::MeasureSettings reproduce_measure(const ReproduceSettings& s);

struct PlannedJob {
  bench::PreparedJob job;
  std::string label;  // "m3vit on fpga (fixed)"
};

struct ReproducePlan {
  std::vector<PlannedJob> jobs;
  std::vector<std::string> skipped;  // "mobiledet-cpu on fpga: why"
};

// Prepares every job (nothing runs yet). Throws bench::InvalidJob for an unknown backend
// named in settings.backends.
ReproducePlan plan_reproduction(const PaperMatrix& m, const ReproduceSettings& s, const BackendRegistry& backends,
                                const WorkloadRegistry& workloads);

// The paper's figures beside ours, as a text table, a Markdown table and an HTML fragment.
struct SideBySide {
  std::vector<std::vector<std::string>> rows;  // figure, published, published on, ours, ours on
  std::vector<std::string> citations;          // "[1] ..."
  std::vector<std::string> notes;
};
SideBySide side_by_side(const PublishedSet& published, const std::vector<RecordView>& ours);
std::string render_side_by_side(const SideBySide& t, bool colour);
std::string side_by_side_html(const SideBySide& t);

}  // namespace eb::reports
