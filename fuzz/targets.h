// Fuzz targets: every parser that reads a file a user hands to edgebench, wrapped so
// that one input either parses or is rejected the way a user should see it.
//
// The contract each target checks (a broken one aborts, which libFuzzer and the CTest
// regression run both report as a finding):
//   - rejection is a std::exception whose message is one non-empty line (main() prints
//     it as "edgebench: error: …"); anything else thrown is a finding;
//   - accepted input is self-consistent (for example, safetensors re-encode to bytes that
//     decode to the same tensors);
//   - and, under the sanitizers, no out-of-bounds access, leak or undefined behaviour.
//
// The same functions back libFuzzer executables (fuzz/libfuzzer_main.cpp, clang only,
// tools/fuzz.sh) and the regression test over fuzz/corpus/ (tests/fuzz).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace eb::fuzz {

using Bytes = std::span<const std::uint8_t>;
using TargetFn = void (*)(Bytes);

struct Target {
  std::string_view name;  // also the corpus folder: fuzz/corpus/<name>/
  TargetFn run;
};

void safetensors_file(Bytes input);  // core/safetensors: header and body
void coco_annotations(Bytes input);  // bench/datasets/coco_json: ground truth, then detections
void meter_log(Bytes input);         // bench/power/meter_csv: an external meter's CSV
void image_file(Bytes input);        // bench/datasets/image_codec: PNG / JPEG data-set images
void result_record(Bytes input);     // reports/record: a run's result record, then compare on it
void dataset_manifest(Bytes input);  // bench/datasets/dense_dataset: a data set's dataset.json
void npy_array(Bytes input);         // bench/datasets/npy: a depth map in NumPy's format

// All targets, in a fixed order.
std::span<const Target> targets();

// Runs `body`, enforcing the rejection contract above; aborts on a violation.
void expect_clean_rejection(void (*body)(Bytes), Bytes input);

}  // namespace eb::fuzz
