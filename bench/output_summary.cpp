#include "bench/output_summary.h"

#include <algorithm>
#include <cmath>

#include "bench/weights_hash.h"

namespace eb::bench {

OutputSummary summarize_output(const std::string& name, const Tensor& t) {
  OutputSummary s;
  s.name = name;
  s.shape = t.shape();
  s.dtype = t.dtype();
  s.hash = fnv1a64_bytes(t.bytes());
  const Tensor f = t.dtype() == DType::f32 ? t : t.to(DType::f32);
  double sum = 0, sum_abs = 0;
  std::int64_t finite = 0;
  bool first = true;
  for (float v : f.data<float>()) {
    if (!std::isfinite(v)) {
      ++s.nonfinite;
      continue;
    }
    if (v == 0.0f) ++s.zeros;
    s.min = first ? v : std::min<double>(s.min, v);
    s.max = first ? v : std::max<double>(s.max, v);
    first = false;
    sum += v;
    sum_abs += std::fabs(v);
    ++finite;
  }
  if (finite > 0) {
    s.mean = sum / static_cast<double>(finite);
    s.mean_abs = sum_abs / static_cast<double>(finite);
  }
  return s;
}

nlohmann::json to_json(const OutputSummary& s) {
  return {{"name", s.name},         {"shape", s.shape},   {"dtype", dtype_name(s.dtype)},
          {"min", s.min},           {"max", s.max},       {"mean", s.mean},
          {"mean_abs", s.mean_abs}, {"nonfinite", s.nonfinite}, {"zeros", s.zeros},
          {"fnv1a64", hex64(s.hash)}};
}

}  // namespace eb::bench
