// The judgement of a device check program (bench/perf/gpu_check.cpp): how far a
// backend's outputs are from the reference's, judged so that a NaN or an infinity never
// passes, and a log of the check's steps that records a failed or throwing step and lets
// the program go on with the others, so one refusal still leaves the whole table.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "models/mobiledet/nms.h"

namespace eb::bench {

// The worst output of one run against the reference.
struct OutputsVerdict {
  double worst_relative_l2 = 0;  // NaN when an output has a non-finite value
  double bound = 0;              // the bound of the output that decided the verdict
  std::string worst_output;      // name of the deciding output
  std::size_t non_finite = 0;    // NaN/inf values over all outputs
  bool pass = true;              // every output finite and below its bound
};

// Compares outputs i of `actual` and `reference` (relative L2, bench/accuracy/fidelity.h)
// against bounds[i]. An output with a NaN or infinity fails whatever its bound, and so
// does a NaN bound; the verdict names the first failing output, else the one closest to
// its bound. Throws std::invalid_argument when the four lists differ in length or shapes
// differ.
OutputsVerdict judge_outputs(std::span<const std::string> names, std::span<const Tensor> reference,
                             std::span<const Tensor> actual, std::span<const double> bounds);

// The fraction of `want`'s detections that `got` has too: same class, IoU >= 0.9, score
// within 1e-3, matched order-free (ties broken differently are not misses); 1 when both
// are empty, 0 when only `want` is.
double matched_fraction(const mobiledet::Detections& want, const mobiledet::Detections& got);

// What went wrong in one step of a check.
struct CheckFailure {
  std::string step;  // "mobiledet-gpu bf16 conformance"
  std::string why;   // "relative L2 3.4e-02 >= 1.2e-02 (box_encodings)", or the exception's message
};

// The steps of a check program and their failures. Not thread-safe.
class CheckLog {
 public:
  // Runs `body`; an exception it throws is recorded as the failure of `step` and not
  // rethrown. Returns whether the body returned normally.
  bool attempt(const std::string& step, const std::function<void()>& body);
  // A step that ran (through attempt) but did not pass; one step may fail several ways.
  void fail(std::string step, std::string why);

  const std::vector<CheckFailure>& failures() const { return failures_; }
  int steps() const { return steps_; }
  // 0 when nothing failed, else 1.
  int exit_status() const { return failures_.empty() ? 0 : 1; }
  // "all 12 steps passed", or "2 of 12 steps failed:" and one indented line per failure.
  std::string summary() const;

 private:
  std::vector<CheckFailure> failures_;
  int steps_ = 0;
};

}  // namespace eb::bench
