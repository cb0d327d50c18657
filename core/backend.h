// The backend interface: a backend claims the nodes of a graph it runs, saying why for
// every other one (as ONNX Runtime's GetCapability does), and compiles a whole (sub)graph
// into an Executable, as ggml backends and TFLite delegates do. The framework
// (core/partition.h) does the partitioning and the fallback to the reference.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/backend_options.h"
#include "core/graph.h"
#include "core/provenance.h"
#include "core/weights.h"

namespace eb {

enum class Precision : std::uint8_t { fp32, fp16, bf16, int8, fixed };
std::string_view precision_name(Precision p);
Precision parse_precision(std::string_view name);  // throws std::invalid_argument

// Whether a backend can run here, and if not, why not (shown by `edgebench list`).
struct Probe {
  bool available = false;
  std::string reason;  // empty when available; otherwise what is missing ("no CUDA device", ...)
  std::string device;  // what was found ("Intel Xeon ... (2 threads)", "NVIDIA H200", ...)
};

struct CompileOptions {
  Precision precision = Precision::fp32;
  int threads = 0;             // 0: the backend's default
  bool allow_fallback = true;  // false: an unsupported node is an error (--no-fallback)
  std::map<std::string, std::string> extra;  // backend-specific settings, recorded in results
};

// Device-side time of one run, when a backend has it (CUDA events, a cycle model, ...): the
// *system* time a real board would show (docs/DESIGN: a modeled figure contains the host's
// share too). `ns` is the whole; of it, `host_ns` ran on this host for real (fallback
// partitions, the workload's post-processing) and was measured with steady_clock; the rest,
// ns − host_ns − transfer_ns, is the device's, with `provenance` (modeled or measured on
// the device). `transfer_ns` is the modeled data movement between the host's buffers and
// the device's (a partitioned graph's tensors crossing each partition boundary), kept apart
// so that a record labels it; it is always modeled, by `transfer_provenance`.
struct DeviceTime {
  double ns = 0;
  Provenance provenance;  // of the device's part
  double host_ns = 0;     // measured on this host (steady_clock), included in ns
  std::string host_what = {};  // what the host's part was ("2 fallback partitions", "post-processing")
  double transfer_ns = 0;                 // modeled, included in ns
  Provenance transfer_provenance = {};    // the transfer model ("zcu102-ddr-transfer(...)")
  std::string transfer_what = {};         // "3.1 MB across 28 partition boundaries"
};

// A backend's documented power model of its device, for hardware that is not present or
// has no sensor (`--power model`). Every figure derived from it is recorded as modeled,
// naming `model` and its `parameters`.
struct PowerModelInfo {
  std::string model;                             // "zcu102-power-model(static=3.5W, ...)"
  std::map<std::string, std::string> parameters;  // the model's settings
  double idle_watts = 0;                         // the device powered, doing nothing
};

// How `--power model` applies to a backend with these options: no model; a model whose
// watts are integrated over the host's wall time (a backend timed by the host clock); or
// over each run's modeled device time (a simulated device, whose wall time means nothing).
enum class PowerModelUse : std::uint8_t { none, wall_time, modeled_time };

struct NodeProfile {
  std::string node;  // node name, or a partition / unit name on devices
  std::string op;
  double ns = 0;
  Provenance provenance;
};

class Executable {
 public:
  virtual ~Executable() = default;
  // Inputs in Graph::inputs order; returns outputs in Graph::outputs order.
  virtual std::vector<Tensor> run(std::span<const Tensor> inputs) = 0;
  // Device time of the most recent run, if the backend measures or models one.
  virtual std::optional<DeviceTime> last_device_time() const { return std::nullopt; }
  // The power model of the device, if the backend has one, and the power it gives for the
  // most recent run (the model's busy power, which may depend on what the run did).
  // last_modeled_watts() is called after every timed run, so it must be cheap. Energy is
  // the watts × the run's device time when that time is modeled (the harness integrates
  // over modeled time, never the host's wall time of a simulation), else × wall time.
  virtual std::optional<PowerModelInfo> power_model() const { return std::nullopt; }
  virtual std::optional<double> last_modeled_watts() const { return std::nullopt; }
  // Per-node (or per-unit) times of the most recent run, collected once enabled. Entries
  // never overlap (a backend with both a coarse split and per-node times lists one or the
  // other), so their sum is at most the run's time and shares of it add up.
  virtual void enable_profiling(bool on) { (void)on; }
  virtual std::vector<NodeProfile> last_profile() const { return {}; }
  // Facts about how this executable was compiled, for the result record: the precision
  // actually used and why ("precision", "precision.reason"), the instruction set, thread
  // count, and other backend-specific choices. Keys are backend-defined; empty by default.
  virtual std::map<std::string, std::string> info() const { return {}; }
};

// What a backend takes of a graph: for each node of Graph::nodes, in order, an empty string
// when the backend runs it, else why not ("no int8 form", "after the compiler's cut at
// 'norm1'"). The framework turns maximal runs of claimed nodes into the backend's
// partitions and shows the reasons of the others, prefixed with their op when the reason
// does not start with it ("layernorm: no int8 form").
struct Capability {
  std::vector<std::string> reasons;
  bool claimed(std::size_t node) const { return reasons.at(node).empty(); }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  virtual Probe probe() const = 0;
  virtual std::vector<Precision> precisions() const { return {Precision::fp32}; }
  // Whether compile() with these options gives executables with a power model, and how
  // its energy is integrated (known before compiling, so a run fails early).
  virtual PowerModelUse power_model_use(const CompileOptions& options) const {
    (void)options;
    return PowerModelUse::none;
  }
  // The settings this backend reads, each key prefixed with the backend's name. The
  // framework rejects any other key of that prefix and any value outside its declaration
  // before check_options() and compile() see them (core/backend_options.h).
  virtual std::vector<OptionSpec> options() const { return {}; }
  // The settings of `options.extra` that this backend declares, parsed and with the
  // defaults filled in: what the backend reads (through the typed accessors) and what the
  // record stores, from one parse of one declaration. Throws std::invalid_argument for a
  // value outside its declaration (the framework has rejected those before a job runs).
  ResolvedOptions resolved_options(const CompileOptions& options) const { return {this->options(), options.extra}; }
  // Throws std::invalid_argument for settings that pass their declarations but that this
  // backend still cannot use together (compile() would throw the same later: a file that
  // is not an xclbin, mean and std lists of different lengths), so that they are a usage
  // error before anything slow runs.
  virtual void check_options(const CompileOptions& options) const { (void)options; }
  // Why this backend cannot run `node` of `graph` with these options; empty when it can.
  virtual std::string unsupported_reason(const Graph& graph, const Node& node, const CompileOptions& options) const = 0;
  // The nodes of `graph` this backend runs, with a reason for each other one. The default
  // asks unsupported_reason() node by node; a backend whose answer depends on the whole
  // graph (the Edge TPU compiler's cut, a mode chosen once per graph) overrides it and
  // decides once per graph.
  virtual Capability claim(const Graph& graph, const CompileOptions& options) const;
  // unsupported_reason() is empty: a shorthand for one node.
  bool supports(const Graph& graph, const Node& node, const CompileOptions& options) const {
    return unsupported_reason(graph, node, options).empty();
  }
  // Compiles a graph whose every node is supported (the framework guarantees it).
  // Weights are copied or uploaded here, once, not at run time.
  virtual std::unique_ptr<Executable> compile(const Graph& graph, const Weights& weights,
                                              const CompileOptions& options) const = 0;
};

}  // namespace eb
