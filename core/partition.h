// Partitioning a graph between a backend and the reference fallback (TFLite delegate /
// ONNX Runtime execution-provider style): the backend claims the nodes it runs
// (Backend::claim, a reason for each other one), maximal runs of claimed nodes become its
// partitions, everything else runs on the reference backend, and the split is reported
// with the reasons ("N of M nodes on cpu in P partitions; fallback: layernorm (no int8 form)").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/backend.h"

namespace eb {

struct Partition {
  std::string backend;             // the backend that runs these nodes
  std::vector<std::size_t> nodes;  // indices into Graph::nodes, in order
  std::int64_t macs = 0;
};

struct PartitionPlan {
  std::string backend;  // the requested backend (fallback partitions are named "reference")
  std::vector<Partition> partitions;
  std::size_t total_nodes = 0;
  std::size_t delegated_nodes = 0;  // nodes on the requested backend
  std::int64_t total_macs = 0;
  std::int64_t delegated_macs = 0;
  std::vector<std::string> fallback_ops;      // distinct op names that fell back
  std::vector<std::string> fallback_reasons;  // distinct "op: reason" of the nodes that fell back, first seen first
  // "118 of 120 nodes (99.8% of MACs) on cpu in 3 partitions; fallback: moe (top_k 9 (at most 8))":
  // each fallback op with the reason of its first node.
  std::string summary() const;
};

// Asks `backend` to claim the graph's nodes. With options.allow_fallback == false, an
// unclaimed node throws std::runtime_error naming it and the reason.
PartitionPlan plan_partitions(const Graph& graph, const Backend& backend, const CompileOptions& options);

// The nodes of one partition as a graph of its own: inputs are the tensors it reads that
// are produced outside it (graph inputs or other partitions' outputs), outputs are the
// tensors it produces that are read outside it or are graph outputs; weights are those it uses.
Graph extract_subgraph(const Graph& graph, const Partition& part, const std::string& name);

// An executable a fallback compiled may name, under this info key, the backend that
// actually runs it (a fallback that chooses between backends: bench/host_fallback.h);
// the host-stage text and the stage names use it.
inline constexpr const char* kHostBackendInfoKey = "host.backend";

// Compiles `graph` for `backend`, delegating unsupported nodes to `fallback` (normally the
// reference backend). The returned executable runs all partitions in order.
std::unique_ptr<Executable> compile_partitioned(const Graph& graph, const Weights& weights, const Backend& backend,
                                                const Backend& fallback, const CompileOptions& options,
                                                PartitionPlan* plan_out = nullptr);

}  // namespace eb
