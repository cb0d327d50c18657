// A few numbers that characterise one output tensor, for the result record: enough to
// spot a broken run (non-finite or all-zero outputs) and to tell whether two backends
// produced bit-identical outputs (the hash), without storing the tensor.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/tensor.h"

namespace eb::bench {

struct OutputSummary {
  std::string name;
  Shape shape;
  DType dtype = DType::f32;
  double min = 0;  // over finite values (0 when there are none)
  double max = 0;
  double mean = 0;
  double mean_abs = 0;
  std::int64_t nonfinite = 0;  // NaN and ±inf values
  std::int64_t zeros = 0;
  std::uint64_t hash = 0;  // FNV-1a 64 over the raw bytes
};

OutputSummary summarize_output(const std::string& name, const Tensor& t);

nlohmann::json to_json(const OutputSummary& s);

}  // namespace eb::bench
