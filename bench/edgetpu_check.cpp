#include "bench/edgetpu_check.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "core/fold_batch_norm.h"
#include "core/reference/reference_backend.h"

namespace eb::bench {
namespace {

// Median wall time of the workload's host post-processing on one reference run's outputs.
double host_share_ms(const Workload& w, const Graph& graph, int runs) {
  if (!w.has_host_postprocess()) return 0;
  const Weights weights = w.make_weights(graph, 0);
  const FoldedModel folded = fold_batch_norm(graph, weights);
  const auto reference = make_reference_backend();
  const auto exe = reference->compile(folded.graph, folded.weights, {});
  const auto outputs = exe->run(w.make_inputs(graph, 0));
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    w.host_postprocess(graph, outputs);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

std::vector<std::string> edgetpu_fit_anchors() { return {"mobilenet-v1", "mobilenet-v2"}; }

EdgeTpuCheck check_edgetpu_model(const WorkloadRegistry& workloads, const std::vector<PublishedLatency>& published,
                                 const std::vector<std::string>& anchors, int host_runs, edgetpu::FitStructure structure,
                                 const std::vector<ModelCheckRow>* host_from) {
  if (host_runs < 1) throw std::invalid_argument("host post-processing runs must be at least 1");
  EdgeTpuCheck check;
  const edgetpu::TpuParams base;
  std::vector<edgetpu::FitAnchor> fit_anchors;
  std::vector<Graph> graphs;
  for (const auto& p : published) graphs.push_back(workloads.get(p.workload).build({}));
  for (std::size_t i = 0; i < published.size(); ++i)
    if (std::find(anchors.begin(), anchors.end(), published[i].workload) != anchors.end())
      fit_anchors.push_back({published[i].workload, edgetpu::graph_work(graphs[i], base), published[i].ms});
  check.fit = edgetpu::fit_timing(fit_anchors, base, structure);
  check.params = check.fit.apply(base);
  for (int pass = 0; pass < 2; ++pass)  // anchors first
    for (std::size_t i = 0; i < published.size(); ++i) {
      const bool anchor = std::find(anchors.begin(), anchors.end(), published[i].workload) != anchors.end();
      if (anchor != (pass == 0)) continue;
      ModelCheckRow row;
      row.workload = published[i].workload;
      row.anchor = anchor;
      row.published_ms = published[i].ms;
      row.device = edgetpu::model_timing(edgetpu::graph_work(graphs[i], check.params), check.params);
      row.host_ms = -1;
      if (host_from)
        for (const auto& h : *host_from)
          if (h.workload == row.workload) row.host_ms = h.host_ms;
      if (row.host_ms < 0) row.host_ms = host_share_ms(workloads.get(row.workload), graphs[i], host_runs);
      row.total_ms = row.device.total_ns * 1e-6 + row.host_ms;
      row.error_pct = 100.0 * (row.total_ms - row.published_ms) / row.published_ms;
      check.rows.push_back(std::move(row));
    }
  return check;
}

}  // namespace eb::bench
