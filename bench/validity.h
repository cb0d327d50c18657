// The verdict on one run, with its reasons (as benchdnn marks results mistrusted): a
// result that fails a check is still written — with the reasons — so that a broken
// configuration is visible rather than silently missing from a comparison.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/output_summary.h"
#include "bench/runner.h"
#include "core/partition.h"

namespace eb::bench {

struct Validity {
  bool valid = true;
  std::vector<std::string> reasons;  // why INVALID (empty when VALID)
  std::vector<std::string> notes;    // facts a reader should know that do not invalidate the run
};

// INVALID when: the number of samples differs from the iterations asked for; a sample is
// not positive (the clock did not advance); an output has non-finite values; an output is
// all zeros. Noted: fallback to the reference; outputs of the last timed run that differ
// bitwise from the first inference; percentiles that, with few samples, are the maximum.
Validity judge_validity(const Timings& timings, const RunSettings& settings, const std::vector<OutputSummary>& outputs,
                        const PartitionPlan& plan);

nlohmann::json to_json(const Validity& v);

}  // namespace eb::bench
