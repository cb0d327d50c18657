// Compiling a graph into a Program: every node lowered in graph order (nodes folded into
// an earlier one as post-ops are skipped), then the arena planned and the steps bound.
#pragma once

#include "backends/cpu/builder.h"

namespace eb::cpu {

Program lower_graph(Context& ctx, const Graph& graph, const Weights& weights);

}  // namespace eb::cpu
