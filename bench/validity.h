// The verdict on one run, with its reasons (as benchdnn marks results mistrusted): a
// result that fails a check is still written — with the reasons — so that a broken
// configuration is visible rather than silently missing from a comparison.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/latency_stats.h"
#include "bench/output_summary.h"
#include "bench/runner.h"
#include "core/partition.h"

namespace eb::bench {

struct EnergyRecord;

struct Validity {
  bool valid = true;
  std::vector<std::string> reasons;  // why INVALID (empty when VALID)
  std::vector<std::string> notes;    // facts a reader should know that do not invalidate the run
  std::vector<std::string> warnings; // facts that cast doubt on a figure (high CV); printed on stderr
  std::string error;                 // the backend failed: what it threw (the record has no timings)

  void fail(std::string reason) {
    valid = false;
    reasons.push_back(std::move(reason));
  }
};

// The reason for a run stopped by Ctrl-C (exactly this text, first in the reasons).
inline constexpr const char* kInterruptedReason = "interrupted";
// The reason for a backend that threw while compiling or running (Validity::error says what).
inline constexpr const char* kFailedReason = "failed";

// INVALID when: under half of the MACs ran on the backend (the rest fell back to the host);
// the run was interrupted ("interrupted"); a maximum stopped the timed phase
// before both minimums were met, or it has no query ("too few queries: ..."); a sample is
// not positive (the clock did not advance); an output has non-finite values; an output is
// all zeros.
// Warned: a coefficient of variation above 5%.
// Noted: fallback to the reference; outputs of the last timed query on sample 0 that differ
// bitwise from the first inference; percentiles that, with few samples, are the maximum;
// too few samples for an early-stopping p90 bound.
Validity judge_validity(const Timings& timings, const MeasureSettings& settings, const std::vector<OutputSummary>& outputs,
                        const PartitionPlan& plan);

// Energy: INVALID ("power window too short: ...") when a source counted in the total
// measured a window shorter than kMinUpdatesPerWindow of its update periods; the energy
// record's other warnings become notes.
void judge_energy(Validity& v, const EnergyRecord& energy);

nlohmann::json to_json(const Validity& v);

}  // namespace eb::bench
