#include "bench/runner.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace eb::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t elapsed_ns(Clock::time_point t0, Clock::time_point t1) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
}

std::int64_t since_epoch_ns(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

double median_of(const std::vector<std::int64_t>& samples) {
  if (samples.empty()) return 0;
  std::vector<std::int64_t> copy(samples);
  // Nearest rank ⌈n/2⌉, as latency_stats computes it.
  const auto mid = copy.begin() + static_cast<std::ptrdiff_t>((copy.size() + 1) / 2 - 1);
  std::nth_element(copy.begin(), mid, copy.end());
  return static_cast<double>(*mid);
}

}  // namespace

CompiledModel compile_model(const Graph& graph, const Weights& weights, const Backend& backend, const Backend& fallback,
                            const CompileOptions& options) {
  CompiledModel m;
  const auto t0 = Clock::now();
  m.executable = compile_partitioned(graph, weights, backend, fallback, options, &m.plan);
  m.compile_ns = elapsed_ns(t0, Clock::now());
  m.info = m.executable->info();
  return m;
}

SampleOrder::SampleOrder(std::size_t pool_size, std::uint64_t seed) : rng_(seed) {
  if (pool_size == 0) throw std::invalid_argument("sample order of an empty pool");
  perm_.resize(pool_size);
  shuffle();
}

void SampleOrder::shuffle() {
  for (std::size_t i = 0; i < perm_.size(); ++i) perm_[i] = static_cast<std::uint32_t>(i);
  for (std::size_t i = perm_.size(); i > 1; --i) std::swap(perm_[i - 1], perm_[rng_.below(i)]);
  pos_ = 0;
}

std::uint32_t SampleOrder::next() {
  if (pos_ == perm_.size()) shuffle();
  return perm_[pos_++];
}

TimedPhase::TimedPhase(Executable& executable, const SamplePool& pool, const MeasureSettings& settings,
                       const std::atomic<bool>* interrupt)
    : exe_(executable), pool_(pool), settings_(settings), interrupt_(interrupt), order_(pool.size(), settings.order_seed) {
  settings_.stop.validate();
  if (settings_.warmup.kind == WarmupSpec::Kind::count && settings_.warmup.count < 0)
    throw std::invalid_argument("warm-up count must not be negative");
  // Reserved up front so that the timed phase does not allocate (up to a bound: a
  // duration-only rule cannot say how many queries it will take).
  const auto reserve = static_cast<std::size_t>(std::clamp<std::int64_t>(
      std::max(settings_.stop.min_queries, settings_.stop.max_queries), 1024, std::int64_t{1} << 20));
  t_.samples_ns.reserve(reserve);
  t_.sample_indices.reserve(reserve);
  t_.device_samples_ns.reserve(reserve);
  t_.device_host_ns.reserve(reserve);
}

void TimedPhase::first_inference() {
  const auto t0 = Clock::now();
  auto out = exe_.run(pool_.samples[0]);
  t_.first_inference_ns = elapsed_ns(t0, Clock::now());
  t_.outputs = std::move(out);
}

void TimedPhase::warm_up() {
  const auto t0 = Clock::now();
  auto now = t0;
  while (!settings_.warmup.done(t_.warmup_queries, now - t0)) {
    if (interrupt_ && interrupt_->load(std::memory_order_relaxed)) break;
    (void)exe_.run(pool_.samples[order_.next()]);
    ++t_.warmup_queries;
    now = Clock::now();
  }
  t_.warmup_ns = elapsed_ns(t0, now);
}

void TimedPhase::start() {
  if (started_) return;
  started_ = true;
  cpu_at_start_ = read_cpu_times();
  phase_start_ = last_progress_ = Clock::now();
  t_.phase_start_ns = since_epoch_ns(phase_start_);
}

bool TimedPhase::step(const std::function<void(const ProgressSnapshot&)>& on_progress) {
  if (done_) return false;
  start();
  if (interrupt_ && interrupt_->load(std::memory_order_relaxed)) {
    t_.interrupted = true;
    done_ = true;
    return false;
  }
  const auto n = static_cast<std::int64_t>(t_.samples_ns.size());
  if (const auto v = settings_.stop.check(n, Clock::now() - phase_start_); v != StopRule::Verdict::go_on) {
    t_.stop = v;
    done_ = true;
    return false;
  }

  const std::uint32_t sample = order_.next();
  const auto t0 = Clock::now();
  auto out = exe_.run(pool_.samples[sample]);
  const auto t1 = Clock::now();  // before `out` is destroyed: freeing is not inference
  t_.samples_ns.push_back(elapsed_ns(t0, t1));
  t_.sample_indices.push_back(sample);
  if (every_run_has_device_time_) {
    if (auto d = exe_.last_device_time()) {
      t_.device_samples_ns.push_back(d->ns);
      t_.device_host_ns.push_back(d->host_ns);
      t_.device_transfer_ns.push_back(d->transfer_ns);
      if (!t_.device_transfer_provenance && d->transfer_ns > 0) t_.device_transfer_provenance = d->transfer_provenance;
      if (t_.device_transfer_what.empty()) t_.device_transfer_what = d->transfer_what;
      if (!t_.device_provenance) t_.device_provenance = std::move(d->provenance);
      if (t_.device_host_what.empty()) t_.device_host_what = std::move(d->host_what);
    } else {
      every_run_has_device_time_ = false;
    }
  }
  if (every_run_has_watts_) {
    if (const auto w = exe_.last_modeled_watts())
      t_.modeled_watts.push_back(*w);
    else
      every_run_has_watts_ = false;
  }
  if (sample == 0) t_.last_outputs = std::move(out);

  if (on_progress && t1 - last_progress_ >= settings_.progress_interval) {
    last_progress_ = t1;
    on_progress(ProgressSnapshot{n + 1, t1 - phase_start_, median_of(t_.samples_ns)});
  }
  return true;
}

Timings TimedPhase::finish() {
  start();
  if (!done_) t_.interrupted = true;  // ended from outside before the stop rule said so
  if (t_.interrupted) t_.stop = StopRule::Verdict::go_on;
  done_ = true;
  t_.phase_ns = elapsed_ns(phase_start_, Clock::now());
  if (cpu_at_start_)
    if (const auto now = read_cpu_times()) t_.host_load = host_load_between(*cpu_at_start_, *now);
  if (!every_run_has_device_time_ || t_.device_samples_ns.size() != t_.samples_ns.size()) {
    t_.device_samples_ns.clear();
    t_.device_provenance.reset();
  }
  if (t_.device_samples_ns.empty() || std::all_of(t_.device_host_ns.begin(), t_.device_host_ns.end(), [](double h) { return h == 0; }))
    t_.device_host_ns.clear();
  if (t_.device_samples_ns.empty() ||
      std::all_of(t_.device_transfer_ns.begin(), t_.device_transfer_ns.end(), [](double x) { return x == 0; })) {
    t_.device_transfer_ns.clear();
    t_.device_transfer_provenance.reset();
  }
  if (!every_run_has_watts_ || t_.modeled_watts.size() != t_.samples_ns.size()) t_.modeled_watts.clear();
  return std::move(t_);
}

Timings measure(Executable& executable, const SamplePool& pool, const MeasureSettings& settings,
                const std::atomic<bool>* interrupt, const std::function<void(const ProgressSnapshot&)>& on_progress) {
  TimedPhase phase(executable, pool, settings, interrupt);
  phase.first_inference();
  phase.warm_up();
  while (phase.step(on_progress)) {
  }
  return phase.finish();
}

std::vector<ProfileEntry> profile_nodes(Executable& executable, const SamplePool& pool, int runs) {
  std::vector<ProfileEntry> entries;
  if (runs < 1 || pool.size() == 0) return entries;
  executable.enable_profiling(true);
  std::unordered_map<std::string, std::size_t> index;  // node name → entry
  for (int r = 0; r < runs; ++r) {
    (void)executable.run(pool.samples[0]);
    for (const NodeProfile& p : executable.last_profile()) {
      auto [it, fresh] = index.try_emplace(p.node, entries.size());
      if (fresh) entries.push_back({NodeProfile{p.node, p.op, 0.0, p.provenance}, 0.0});
      entries[it->second].node.ns += p.ns;
    }
  }
  executable.enable_profiling(false);
  double total = 0;
  for (auto& e : entries) {
    e.node.ns /= runs;
    total += e.node.ns;
  }
  for (auto& e : entries) e.share = total > 0 ? e.node.ns / total : 0;
  return entries;
}

}  // namespace eb::bench
