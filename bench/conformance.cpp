#include "bench/conformance.h"

#include <cmath>
#include <exception>
#include <set>
#include <stdexcept>

#include "bench/accuracy/fidelity.h"
#include "models/mobiledet/box.h"

namespace eb::bench {

OutputsVerdict judge_outputs(std::span<const std::string> names, std::span<const Tensor> reference,
                             std::span<const Tensor> actual, std::span<const double> bounds) {
  if (names.size() != reference.size() || actual.size() != reference.size() || bounds.size() != reference.size())
    throw std::invalid_argument("conformance: " + std::to_string(names.size()) + " names, " + std::to_string(reference.size()) +
                                " reference outputs, " + std::to_string(actual.size()) + " outputs and " +
                                std::to_string(bounds.size()) + " bounds");
  OutputsVerdict v;
  double closest = -1;  // largest relative L2 / bound among passing outputs
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const TensorFidelity f = compare_tensors(reference[i], actual[i]);
    v.non_finite += f.non_finite;
    const double rel = f.non_finite > 0 ? std::nan("") : f.relative_l2;
    // Written as "not below" so that a NaN on either side fails.
    const bool ok = rel < bounds[i];
    if (!ok && v.pass) {
      v.pass = false;
      v.worst_relative_l2 = rel;
      v.bound = bounds[i];
      v.worst_output = names[i];
    }
    // Ties (infinite bounds: nothing judged but finiteness) go to the larger error.
    if (ok && v.pass && (rel / bounds[i] > closest || (rel / bounds[i] == closest && rel > v.worst_relative_l2))) {
      closest = rel / bounds[i];
      v.worst_relative_l2 = rel;
      v.bound = bounds[i];
      v.worst_output = names[i];
    }
  }
  return v;
}

bool CheckLog::attempt(const std::string& step, const std::function<void()>& body) {
  ++steps_;
  try {
    body();
    return true;
  } catch (const std::exception& e) {
    failures_.push_back({step, e.what()});
  } catch (...) {
    failures_.push_back({step, "unknown exception"});
  }
  return false;
}

void CheckLog::fail(std::string step, std::string why) { failures_.push_back({std::move(step), std::move(why)}); }

std::string CheckLog::summary() const {
  if (failures_.empty()) return "all " + std::to_string(steps_) + " steps passed";
  std::set<std::string> failed;  // a step may fail more than one way
  for (const auto& f : failures_) failed.insert(f.step);
  std::string s = std::to_string(failed.size()) + " of " + std::to_string(steps_) + " steps failed:";
  for (const auto& f : failures_) s += "\n  " + f.step + ": " + f.why;
  return s;
}

double matched_fraction(const mobiledet::Detections& want, const mobiledet::Detections& got) {
  std::vector<bool> used(got.size(), false);
  std::size_t matched = 0;
  for (std::size_t i = 0; i < want.size(); ++i)
    for (std::size_t j = 0; j < got.size(); ++j)
      if (!used[j] && got.classes[j] == want.classes[i] && mobiledet::iou(got.boxes[j], want.boxes[i]) >= 0.9f &&
          std::abs(got.scores[j] - want.scores[i]) <= 1e-3f) {
        used[j] = true;
        ++matched;
        break;
      }
  return want.size() == 0 ? (got.size() == 0 ? 1.0 : 0.0) : static_cast<double>(matched) / static_cast<double>(want.size());
}

}  // namespace eb::bench
