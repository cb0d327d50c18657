#include "reports/reproduce.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/partition.h"
#include "reports/text_format.h"

namespace eb::reports {
namespace {

const std::vector<PaperMatrix>& matrices() {
  static const std::vector<PaperMatrix> m = {
      {"edge-moe", "Edge-MoE (Sarkar et al., ICCAD 2023)", {"m3vit-backbone"}, {"edge-moe"}, {{"m3vit", "fpga"}}},
      {"mobiledet", "MobileDets (Xiong et al., CVPR 2021; TF1 detection zoo; Coral USB Accelerator)",
       {"mobiledet-cpu", "mobiledet-edgetpu", "mobiledet-dsp", "mobiledet-gpu", "ssd-mobilenet-v1", "ssd-mobilenet-v2"},
       {"mobiledet", "coral"},
       {},
       {{"cpu", Precision::int8}}},
      {"coral", "Coral Edge TPU benchmarks (USB Accelerator): the edgetpu timing model's fit anchors and held-out models",
       {"mobilenet-v1", "mobilenet-v2", "ssd-mobilenet-v1", "ssd-mobilenet-v2", "mobiledet-edgetpu"},
       {"coral"}},
  };
  return m;
}

Precision precision_for(const Backend& b) {
  const auto ps = b.precisions();
  if (ps.empty() || std::find(ps.begin(), ps.end(), Precision::fp32) != ps.end()) return Precision::fp32;
  return ps.front();  // the fpga datapath computes only in fixed point
}

// A phone's on-SoC Edge TPU: not the device the edgetpu model is of (the Coral accelerators).
bool phone_edgetpu(const std::string& device) {
  return device.find("Edge TPU") != std::string::npos && device.find("Pixel") != std::string::npos;
}

// The Coral USB Accelerator: the device class the edgetpu model models by default.
bool coral_usb(const std::string& device) { return device.find("USB Accelerator") != std::string::npos; }

// Which of our backends a published device corresponds to ("" when none does).
std::string backend_for_device(const std::string& device) {
  const auto has = [&](const char* s) { return device.find(s) != std::string::npos; };
  if (phone_edgetpu(device)) return "";
  if (has("FPGA")) return "fpga";
  if (has("Edge TPU")) return "edgetpu";
  if (has("DSP")) return "dsp";
  if (has("Jetson") || has("GPU")) return "gpu";
  if (has("CPU")) return "cpu";
  return "";
}

std::string with_precision(const std::string& device, const std::string& precision) {
  return precision.empty() ? device : device + ", " + precision;
}

// The record of `workload` on `backend`: the one in `precision` when there is one (cpu runs
// fp32 and int8 for mobiledet; a published int8 figure is set beside the int8 one), else
// the first.
const RecordView* find_record(const std::vector<RecordView>& ours, const std::string& workload, const std::string& backend,
                              const std::string& precision = "") {
  const RecordView* first = nullptr;
  for (const auto& r : ours)
    if (r.model == workload && r.backend == backend) {
      if (r.precision == precision) return &r;
      if (!first) first = &r;
    }
  return first;
}

// "(+3.1% vs published)" — or "vs derived" for a figure computed from the source.
std::string distance(double ours_ms, const PublishedFigure& f) {
  if (!(f.value > 0)) return {};
  return fmt::format(" ({:+.1f}% vs {}{})", 100.0 * (ours_ms - f.value) / f.value, f.basis,
                     f.role.empty() ? "" : "; " + f.role);
}

// A device's system time with its labelled parts, each its median and kind:
// " = the device ~19.6 ms (modeled) + transfers ~0.12 ms (modeled) + host 41.0 ms (measured)".
std::string parts_text(const RecordView& r) {
  std::string s;
  for (const auto& p : r.system_parts) {
    const std::string name = p.name == "device" ? "datapath" : p.name == "host" ? "host fallback" : "DDR transfers";
    s += fmt::format("{}{} {} ({})", s.empty() ? " = " : " + ", name, format_latency(p.p50_ns),
                     p.p50_ns.modeled() ? "modeled" : "measured");
  }
  return s.empty() ? s : s + "; medians of each part";
}

// The device's own part of a record's system time: the "device" part when the record
// splits it, else the whole.
MaybeFigure datapath_p50(const RecordView& r) {
  for (const auto& p : r.system_parts)
    if (p.name == "device") return p.p50_ns;
  return r.p50_ns;
}

// A published precision in our names ("uint8" is TFLite's older int8 scheme).
std::string our_precision(const std::string& published) { return published == "uint8" ? "int8" : published; }

// "auto,model" needs a power model for the backend; without one, plain "auto". A simulated
// device (its time modeled) gets its model alone: the host's sensors would measure the
// simulation, not the device.
bench::PreparedJob prepare_with_power_fallback(bench::JobSpec spec, const BackendRegistry& backends,
                                               const WorkloadRegistry& workloads) {
  if (spec.power == "auto,model") {
    const Backend* b = backends.find(spec.backend);
    if (b && b->power_model_use(spec.compile) == PowerModelUse::modeled_time) spec.power = "model";
    try {
      return bench::prepare_job(spec, backends, workloads);
    } catch (const std::exception&) {
      spec.power = "auto";
    }
  }
  return bench::prepare_job(spec, backends, workloads);
}

}  // namespace

PublishedSet published_for(const PaperMatrix& m, const std::optional<PublishedSet>& own) {
  PublishedSet set;
  for (std::size_t i = 0; i < m.published.size(); ++i) {
    PublishedSet part = i == 0 && own ? *own : embedded_published(m.published[i]);
    if (i == 0) {
      set.name = part.name;
      set.about = part.about;
    }
    for (auto& f : part.figures) {
      const bool ours = std::find(m.workloads.begin(), m.workloads.end(), f.workload) != m.workloads.end() ||
                        std::any_of(m.system_jobs.begin(), m.system_jobs.end(), [&](const auto& j) { return j.first == f.workload; });
      if (i == 0 || ours) set.figures.push_back(std::move(f));
    }
  }
  return set;
}

std::vector<std::string> known_papers() {
  std::vector<std::string> out;
  for (const auto& m : matrices()) out.push_back(m.paper);
  return out;
}

PaperMatrix paper_matrix(const std::string& paper) {
  for (const auto& m : matrices())
    if (m.paper == paper) return m;
  std::string known;
  for (const auto& p : known_papers()) known += (known.empty() ? "" : ", ") + p;
  throw std::invalid_argument(fmt::format("unknown paper '{}' (known: {})", paper, known));
}

bench::MeasureSettings reproduce_measure(const ReproduceSettings& s) {
  bench::MeasureSettings m;
  if (s.quick) {
    m.warmup = bench::WarmupSpec::queries(0);
    m.stop = bench::StopRule::fixed(2);
    m.iterations_shorthand = true;
  } else {
    m.warmup = bench::WarmupSpec::queries(1);
    m.stop.min_queries = 10;
    m.stop.min_duration = std::chrono::seconds(1);
    m.stop.max_queries = 1000;
    m.profile_runs = 3;  // the report's per-node profile
  }
  m.order_seed = derive_seed(s.seed, "sample-order");
  return m;
}

ReproducePlan plan_reproduction(const PaperMatrix& m, const ReproduceSettings& s, const BackendRegistry& backends,
                                const WorkloadRegistry& workloads) {
  std::vector<const Backend*> chosen;
  if (s.backends.empty()) {
    for (const Backend* b : backends.all())
      if (b->name() != "reference" && b->probe().available) chosen.push_back(b);
  } else {
    for (const auto& name : s.backends) {
      const Backend* b = backends.find(name);
      if (!b) throw bench::InvalidJob(fmt::format("unknown backend '{}'", name));
      chosen.push_back(b);
    }
  }
  ReproducePlan plan;
  if (s.backends.empty())
    for (const Backend* b : backends.all())
      if (b->name() != "reference" && !b->probe().available)
        plan.skipped.push_back(fmt::format("{}: not available here ({})", b->name(), b->probe().reason));
  // A system job keeps a backend that runs under half of the MACs: its figure is the
  // system's (device and host), set beside a published whole-system figure.
  const auto add_job = [&](const std::string& w, const Backend* b, Precision precision, bool system_job) {
    bench::JobSpec spec;
    spec.model = w;
    spec.backend = std::string(b->name());
    spec.seed = s.seed;
    spec.compile.precision = precision;
    spec.measure = reproduce_measure(s);
    spec.measure.whole_system = system_job;
    spec.samples = s.quick ? 1 : 2;
    spec.power = s.power;
    spec.command_line = fmt::format("edgebench reproduce {}{} (job {} on {})", m.paper, s.quick ? " --quick" : "", w, b->name());
    const std::string label = fmt::format("{} on {} ({})", w, b->name(), precision_name(spec.compile.precision));
    try {
      bench::PreparedJob job = prepare_with_power_fallback(spec, backends, workloads);
      const PartitionPlan p = plan_partitions(job.model.folded.graph, *job.backend, spec.compile);
      if (!system_job && b->name() != "reference" && 2 * p.delegated_macs < p.total_macs) {
        plan.skipped.push_back(fmt::format("{}: the backend would run under half of its multiply-accumulates, the rest "
                                           "falling back to the reference ({})", label, p.summary()));
        return;
      }
      plan.jobs.push_back({std::move(job), system_job ? label + ", system time with the host's share" : label});
    } catch (const std::exception& e) {
      plan.skipped.push_back(fmt::format("{}: {}", label, e.what()));
    }
  };
  // Each backend's own precision, then the matrix's extra runs of it.
  std::vector<std::pair<const Backend*, Precision>> runs;
  for (const Backend* b : chosen) {
    runs.emplace_back(b, precision_for(*b));
    for (const auto& [name, precision] : m.also) {
      if (b->name() != name) continue;
      const auto ps = b->precisions();
      if (std::find(ps.begin(), ps.end(), precision) != ps.end())
        runs.emplace_back(b, precision);
      else
        plan.skipped.push_back(fmt::format("{} ({}): not on this host ({})", name, precision_name(precision), b->probe().device));
    }
  }
  for (const auto& w : m.workloads)
    for (const auto& [b, precision] : runs) add_job(w, b, precision, false);
  for (const auto& [w, backend] : m.system_jobs)
    for (const Backend* b : chosen)
      if (b->name() == backend) add_job(w, b, precision_for(*b), true);
  return plan;
}

namespace {

// A long "ours on" text (why a figure is missing, a simulated device with the reasons no
// runtime was found) repeated row after row buries the table: each such text is said once,
// as "note N: ..." under the table, and its rows keep the head of it with "(note N)".
void shorten_repeated_texts(SideBySide& t) {
  constexpr std::size_t kColumn = 4, kLong = 60;
  std::map<std::string, int> count;
  for (const auto& row : t.rows) ++count[row[kColumn]];
  std::map<std::string, int> note;
  for (auto& row : t.rows) {
    std::string& cell = row[kColumn];
    if (cell.size() <= kLong || count[cell] < 2) continue;
    if (!note.contains(cell)) {
      note[cell] = static_cast<int>(note.size()) + 1;
      t.notes.push_back(fmt::format("note {}: {}", note[cell], cell));
    }
    // The head ends at the first " (", ", " or ": " that leaves a few words.
    std::size_t cut = std::string::npos;
    for (const char* sep : {" (", ", ", ": "})
      for (auto at = cell.find(sep); at != std::string::npos && at <= kLong; at = cell.find(sep, at + 1))
        if (at >= 8) {
          cut = std::min(cut, at);
          break;
        }
    const bool at_separator = cut != std::string::npos;
    if (!at_separator) {
      cut = kLong - 20;
      while (cut > 0 && (static_cast<unsigned char>(cell[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    }
    const std::string head = cell.substr(0, cut) + (at_separator ? "" : "…");
    cell = fmt::format("{} (note {})", head, note[cell]);
  }
}

}  // namespace

SideBySide side_by_side(const PublishedSet& published, const std::vector<RecordView>& ours) {
  SideBySide t;
  std::map<std::string, int> cite;
  const auto ref = [&](const std::string& c) {
    if (!cite.contains(c)) {
      cite[c] = static_cast<int>(cite.size()) + 1;
      t.citations.push_back(fmt::format("[{}] {}", cite[c], c));
    }
    return fmt::format("[{}]", cite[c]);
  };
  std::vector<const RecordView*> shown;
  for (const auto& f : published.figures) {
    const std::string workload = f.workload.empty() ? f.model : f.workload;
    std::string pub, ours_text = kMissing, ours_on;
    if (f.metric == "energy_efficiency_ratio") {
      pub = fmt::format("{}× {}", format_number(f.value, 3), ref(f.citation));
      const std::string figure = fmt::format("{}: energy efficiency {} vs {}", workload, f.numerator, f.denominator);
      const RecordView* num = find_record(ours, f.workload, f.numerator);
      const RecordView* den = find_record(ours, f.workload, f.denominator);
      if (!num || !den) {
        ours_on = fmt::format("no {} record here", !num ? f.numerator : f.denominator);
      } else {
        std::vector<RecordView> pair = {*num, *den};
        const Comparison c = compare(pair, {f.denominator});
        const CompareRow& row = c.groups.front().rows.front();
        if (row.energy_efficiency) {
          ours_text = format_ratio(row.energy_efficiency->interval, row.energy_efficiency->modeled);
        } else {
          const RecordView* missing = !num->inferences_per_j ? num : den;
          ours_on = fmt::format("no energy on {}: {}", missing->backend, missing->energy_note);
        }
        if (ours_on.empty()) ours_on = fmt::format("{}: {} vs {}: {}", num->backend, num->device, den->backend, den->device);
      }
      t.rows.push_back({figure, pub, f.device, ours_text, ours_on});
    } else if (f.metric == "datapath_latency_ms") {
      // The accelerator's compute alone: beside our modeled datapath time (the device's
      // own part of its system time).
      pub = fmt::format("{}{:g} ms{} {}", f.approximate ? "about " : "", f.value, f.basis == "derived" ? ", derived" : "",
                        ref(f.citation));
      const std::string backend = backend_for_device(f.device);
      const RecordView* r = backend.empty() ? nullptr : find_record(ours, workload, backend, our_precision(f.precision));
      const MaybeFigure dp = r ? datapath_p50(*r) : std::nullopt;
      if (dp) {
        ours_text = format_latency(dp) + " p50 datapath" + distance(dp->value * 1e-6, f);
        ours_on = with_precision(r->backend + ": " + r->device, r->precision);
      } else {
        ours_on = backend.empty() ? "no matching backend" : fmt::format("no {} record here", backend);
      }
      const std::string label = f.basis == "derived" ? "datapath time vs ideal compute (derived)" : "datapath time";
      t.rows.push_back({workload + ": " + label, pub, with_precision(f.device, f.precision), ours_text, ours_on});
      if (!f.derivation.empty()) t.notes.push_back(fmt::format("{} {}: {}", workload, label, f.derivation));
    } else if (f.metric == "latency_ms") {
      pub = fmt::format("{}{:g} ms{} {}", f.approximate ? "about " : "", f.value, f.basis == "derived" ? ", derived" : "",
                        ref(f.citation));
      const std::string backend = backend_for_device(f.device);
      const RecordView* r = backend.empty() ? nullptr : find_record(ours, workload, backend, our_precision(f.precision));
      std::string label = "latency";
      if (r) {
        ours_text = format_latency(r->p50_ns) + " p50";
        // Like for like (the modeled device is the published one): the model's error.
        // A fit anchor's error is the fit's residual, not validation: said so. The FPGA's
        // published figure is a whole system's: ours is the system time, with its parts.
        if (backend == "edgetpu" && coral_usb(f.device) && r->p50_ns) ours_text += distance(r->p50_ns->value * 1e-6, f);
        if (backend == "fpga" && r->p50_ns && r->p50_ns->modeled()) {
          label = "system time per frame";
          ours_text += " system" + distance(r->p50_ns->value * 1e-6, f) + parts_text(*r);
        }
        ours_on = with_precision(r->backend + ": " + r->device, r->precision);
        shown.push_back(r);
      } else {
        ours_on = f.workload.empty()        ? "not an edgebench workload"
                  : phone_edgetpu(f.device) ? "not modeled here (a phone's on-chip Edge TPU; the edgetpu model is of the Coral USB Accelerator)"
                  : backend.empty()         ? "no matching backend"
                                            : fmt::format("no {} backend here", backend);
      }
      t.rows.push_back({workload + ": " + label, pub, with_precision(f.device, f.precision), ours_text, ours_on});
    } else if (f.metric == "coco_map") {
      pub = fmt::format("{:.1f} mAP {}", f.value, ref(f.citation));
      const RecordView* r = nullptr;
      for (const auto& x : ours)
        if (x.model == workload && x.accuracy && x.accuracy_metric == "COCO mAP") r = &x;
      if (r) {
        ours_text = format_figure(r->accuracy, "mAP");
        ours_on = with_precision(r->backend + ": " + r->device, r->precision);
      } else {
        ours_on = "not evaluated here (needs COCO val2017 and trained weights: edgebench eval)";
      }
      t.rows.push_back({workload + ": accuracy", pub, with_precision(f.dataset, f.precision), ours_text, ours_on});
    } else {
      t.rows.push_back({workload + ": " + f.metric, format_number(f.value, 3) + " " + ref(f.citation), f.device, kMissing,
                        "not reproduced"});
    }
  }
  // Our other latencies, so that every backend that ran shows up.
  for (const auto& r : ours) {
    if (std::find(shown.begin(), shown.end(), &r) != shown.end()) continue;
    t.rows.push_back({r.model + ": latency", kMissing, "", format_latency(r.p50_ns) + " p50",
                      with_precision(r.backend + ": " + r.device, r.precision)});
  }
  shorten_repeated_texts(t);
  t.notes.push_back("Published figures were measured on the devices named; ours on this host. Latencies on different "
                    "devices are not comparable as equals; ratios are the like-for-like figure.");
  t.notes.push_back("~ marks a modeled figure (a model of hardware not present here), never a measurement.");
  return t;
}

std::string render_side_by_side(const SideBySide& t, bool colour) {
  TextTable table({"figure", "published", "published on", "ours", "ours on"});
  for (const auto& row : t.rows) table.add_row(row);
  std::string out = table.render(colour);
  for (const auto& c : t.citations) out += c + "\n";
  for (const auto& n : t.notes) out += n + "\n";
  return out;
}

std::string side_by_side_html(const SideBySide& t) {
  std::string s = "<table><tr><th class=\"l\">figure</th><th>published</th><th class=\"l\">published on</th><th>ours</th>"
                  "<th class=\"l\">ours on</th></tr>\n";
  for (const auto& row : t.rows) {
    s += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const bool modeled = row[i].starts_with(kModeledMark);
      s += fmt::format("<td class=\"{}{}\">{}</td>", i == 1 || i == 3 ? "" : "l", modeled ? " modeled" : "", html_escape(row[i]));
    }
    s += "</tr>\n";
  }
  s += "</table>\n<ol class=\"note\">\n";
  for (const auto& c : t.citations) s += fmt::format("<li>{}</li>\n", html_escape(c.substr(c.find(']') + 2)));
  s += "</ol>\n";
  for (const auto& n : t.notes) s += fmt::format("<p class=\"note\">{}</p>\n", html_escape(n));
  return s;
}

}  // namespace eb::reports
