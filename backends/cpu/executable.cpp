#include "backends/cpu/executable.h"

#include <chrono>
#include <stdexcept>

namespace eb::cpu {

CpuExecutable::CpuExecutable(Context ctx, Program program, std::vector<Shape> input_shapes,
                             std::vector<Shape> output_shapes, std::map<std::string, std::string> info)
    : ctx_(std::move(ctx)),
      program_(std::move(program)),
      input_shapes_(std::move(input_shapes)),
      output_shapes_(std::move(output_shapes)),
      info_(std::move(info)) {}

std::optional<PowerModelInfo> CpuExecutable::power_model() const {
  if (!power_) return std::nullopt;
  return PowerModelInfo{power_->description(),
                        {{"cpu.tdp_watts", std::to_string(power_->tdp_watts)},
                         {"busy_cores", std::to_string(ctx_.threads)},
                         {"sockets", std::to_string(power_->sockets)},
                         {"cores_per_socket", std::to_string(power_->cores_per_socket)}},
                        power_->watts(0)};
}

std::optional<double> CpuExecutable::last_modeled_watts() const {
  if (!power_) return std::nullopt;
  return power_->watts(ctx_.threads);
}

std::vector<Tensor> CpuExecutable::run(std::span<const Tensor> inputs) {
  if (inputs.size() != input_shapes_.size())
    throw std::invalid_argument("cpu backend: expected " + std::to_string(input_shapes_.size()) + " inputs, got " +
                                std::to_string(inputs.size()));
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].dtype() != DType::f32 || inputs[i].shape() != input_shapes_[i])
      throw std::invalid_argument("cpu backend: input " + std::to_string(i) + " must be f32 " +
                                  to_string(input_shapes_[i]) + ", got " + std::string(dtype_name(inputs[i].dtype())) +
                                  " " + to_string(inputs[i].shape()));
  std::vector<Tensor> outputs;
  outputs.reserve(output_shapes_.size());
  for (const auto& s : output_shapes_) outputs.emplace_back(DType::f32, s);

  const ThreadScope threads(ctx_.threads);
  const RunEnv env{ctx_.stream, inputs, outputs};
  // A step created for fewer threads runs under that count: a parallel region of two
  // threads for a few microseconds of work costs more in fork-join than it saves.
  auto run_step = [&](const Step& s) {
    if (s.threads == 0 || s.threads == ctx_.threads) return s.run(env);
    const ThreadScope narrow(s.threads);
    s.run(env);
  };
  if (!profiling_) {
    for (const Step& s : program_.steps) run_step(s);
    ctx_.stream.wait();
    return outputs;
  }
  profile_.clear();
  using clock = std::chrono::steady_clock;
  for (const Step& s : program_.steps) {
    const auto t0 = clock::now();
    run_step(s);
    ctx_.stream.wait();
    const double ns = std::chrono::duration<double, std::nano>(clock::now() - t0).count();
    // Consecutive steps of one node and kind (the two stages of hard-sigmoid) are one
    // entry; the stages of attention and moe ("moe/route", ...) stay apart.
    if (!profile_.empty() && profile_.back().node == s.name && profile_.back().op == s.op)
      profile_.back().ns += ns;
    else
      profile_.push_back({s.name, s.op, ns, Provenance::measured("steady_clock")});
  }
  return outputs;
}

}  // namespace eb::cpu
