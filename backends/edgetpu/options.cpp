#include "backends/edgetpu/options.h"

#include <algorithm>

#include <fmt/format.h>

#include "backends/edgetpu/device_runner.h"
#include "backends/edgetpu/timing_model.h"

namespace eb::edgetpu {
namespace {

OptionSpec number(std::string key, double def, double lo, double hi, std::string help) {
  return {.key = std::move(key), .type = OptionType::number, .default_value = fmt::format("{:g}", def), .help = std::move(help),
          .min = lo, .max = hi};
}

}  // namespace

std::vector<OptionSpec> calibration_option_specs() {
  const CalibrationSettings c;
  return {
      {.key = "edgetpu.calibration", .type = OptionType::integer, .default_value = std::to_string(c.samples),
       .help = "representative samples calibrating the int8 ranges", .min = 1, .max = 10000},
      {.key = "edgetpu.calibration.seed", .type = OptionType::integer, .default_value = std::to_string(c.seed),
       .help = "seed of the representative samples", .min = 0},
      {.key = "edgetpu.calibration.range", .type = OptionType::numbers,
       .default_value = fmt::format("{:g},{:g}", c.input_lo, c.input_hi), .help = "lo,hi of the representative inputs"},
  };
}

CalibrationSettings calibration_settings(const std::map<std::string, std::string>& extra) {
  return CalibrationSettings::from(ResolvedOptions(calibration_option_specs(), extra));
}

std::vector<OptionSpec> edgetpu_options() {
  const TpuParams t;
  const DeviceRunnerOptions d;
  std::vector<OptionSpec> specs = {
      {.key = "edgetpu.array_rows", .type = OptionType::integer, .default_value = std::to_string(t.array_rows),
       .help = "rows of the int8 MAC array", .min = 1, .max = 4096},
      {.key = "edgetpu.array_cols", .type = OptionType::integer, .default_value = std::to_string(t.array_cols),
       .help = "columns of the int8 MAC array", .min = 1, .max = 4096},
      {.key = "edgetpu.clock", .type = OptionType::choice, .default_value = t.clock,
       .help = "libedgetpu's clock setting: max (500 MHz) or std (250 MHz)", .choices = {"max", "std"}},
      number("edgetpu.cache_mib", t.cache_mib, 0, 1024, "on-chip SRAM for parameters and activations (MiB)"),
      {.key = "edgetpu.link", .type = OptionType::choice, .default_value = t.link, .help = "host link (both 5 Gb/s)",
       .choices = {"usb3", "pcie"}},
      number("edgetpu.link_mb_s", t.link_mb_s, 1e-3, 1e6, "host link throughput (MB/s)"),
      number("edgetpu.invoke_overhead_us", t.invoke_overhead_us, 0, 1e7, "fixed cost per invoke (us; fitted)"),
      number("edgetpu.compute_scale", t.compute_scale, 1e-3, 1e3, "multiplier on the array's compute time (fitted)"),
      number("edgetpu.layer_overhead_ns", t.layer_overhead_ns, 0, 1e9, "fixed cost per layer (ns)"),
      number("edgetpu.idle_w", t.idle_w, 0, 1000, "device power when idle (W)"),
      number("edgetpu.w_per_tops", t.w_per_tops, 0, 1000, "busy power per TOPS of array utilisation (W)"),
      {.key = "edgetpu.model", .type = OptionType::text,
       .help = "an Edge-TPU-compiled .tflite FILE: run it on a real Edge TPU through libedgetpu"},
      // The device runner's settings apply only with edgetpu.model, so they have no default
      // of their own in a record of the simulation.
      {.key = "edgetpu.device", .type = OptionType::integer,
       .help = fmt::format("Edge TPU index, with edgetpu.model (default {})", d.device_index), .min = 0},
      {.key = "edgetpu.libtflite", .type = OptionType::text,
       .help = "the TFLite C library, path or soname, with edgetpu.model (default " + d.tflite_library + ")"},
      {.key = "edgetpu.libedgetpu", .type = OptionType::text,
       .help = "libedgetpu, path or soname, with edgetpu.model (default " + d.edgetpu_library + ")"},
  };
  // In the order `list --options` has always shown: the calibration before the device runner.
  const auto calibration = calibration_option_specs();
  const auto at = std::find_if(specs.begin(), specs.end(), [](const OptionSpec& o) { return o.key == "edgetpu.model"; });
  specs.insert(at, calibration.begin(), calibration.end());
  return specs;
}

}  // namespace eb::edgetpu
