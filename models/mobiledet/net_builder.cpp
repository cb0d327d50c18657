#include "models/mobiledet/net_builder.h"

#include <cmath>
#include <stdexcept>

namespace eb::mobiledet {
namespace {

// Batch-norm statistics of a freshly initialised but "trained-looking" layer: close to
// the identity transform, with a little seeded jitter so that folding is exercised.
void declare_batch_norm(GraphBuilder& g, const std::string& name, std::int64_t channels, std::vector<std::string>& inputs) {
  inputs.push_back(g.weight(name + ".gamma", {channels}, WeightInit::uniform(0.9, 1.1)));
  inputs.push_back(g.weight(name + ".beta", {channels}, WeightInit::uniform(-0.05, 0.05)));
  inputs.push_back(g.weight(name + ".mean", {channels}, WeightInit::uniform(-0.05, 0.05)));
  inputs.push_back(g.weight(name + ".var", {channels}, WeightInit::uniform(0.9, 1.1)));
}

}  // namespace

double activation_gain(Activation act) {
  switch (act) {
    case Activation::relu:
    case Activation::relu6: return 2.0;
    case Activation::hardswish: return 3.0;
    default: return 1.0;
  }
}

SamePadding same_padding(std::int64_t in, int kernel, int stride) {
  const std::int64_t out = (in + stride - 1) / stride;
  const std::int64_t total = std::max<std::int64_t>((out - 1) * stride + kernel - in, 0);
  return {static_cast<int>(total / 2), static_cast<int>(total - total / 2), out};
}

std::string NetBuilder::conv(const std::string& x, const std::string& name, const ConvSpec& spec) {
  const Shape& in = g_.shape(x);
  const std::int64_t cin = in[1];
  const std::int64_t cout = spec.depthwise ? cin : spec.filters;
  if (cout < 1) throw std::logic_error("conv '" + name + "': no output channels");
  const std::int64_t cin_per_group = spec.depthwise ? 1 : cin;
  const double fan_in = static_cast<double>(cin_per_group) * spec.kernel * spec.kernel;

  Conv2dAttrs a;
  const SamePadding ph = same_padding(in[2], spec.kernel, spec.stride);
  const SamePadding pw = same_padding(in[3], spec.kernel, spec.stride);
  a.stride = {spec.stride, spec.stride};
  a.pad = {ph.before, pw.before, ph.after, pw.after};
  a.groups = spec.depthwise ? static_cast<int>(cin) : 1;
  a.act = spec.act;
  a.has_bias = spec.bias;
  a.has_batch_norm = spec.batch_norm;
  a.bn_eps = spec.bn_eps;

  std::vector<std::string> inputs{x};
  inputs.push_back(g_.weight(name + ".weight", {cout, cin_per_group, spec.kernel, spec.kernel},
                             WeightInit::with_std(std::sqrt((spec.gain > 0 ? spec.gain : activation_gain(spec.act)) / fan_in))));
  if (spec.bias) inputs.push_back(g_.weight(name + ".bias", {cout}, WeightInit::constant(spec.bias_init)));
  if (spec.batch_norm) declare_batch_norm(g_, name, cout, inputs);
  return g_.add(OpKind::conv2d, a, std::move(inputs), name);
}

std::string NetBuilder::squeeze_excite(const std::string& x, const std::string& name, std::int64_t hidden,
                                       Activation hidden_act) {
  const std::string pooled = g_.add(OpKind::global_avg_pool, NoAttrs{}, {x}, name + ".pool");
  const std::string reduced =
      conv(pooled, name + ".reduce", {.filters = hidden, .act = hidden_act, .batch_norm = false, .bias = true});
  const std::string gate = conv(reduced, name + ".expand",
                                {.filters = channels(x), .act = Activation::sigmoid, .batch_norm = false, .bias = true,
                                 .bias_init = kSeGateBiasInit});
  return g_.add(OpKind::mul, NoAttrs{}, {x, gate}, name);
}

std::string NetBuilder::add(const std::string& a, const std::string& b, const std::string& name) {
  if (g_.shape(a) != g_.shape(b))
    throw std::logic_error("residual '" + name + "': " + to_string(g_.shape(a)) + " + " + to_string(g_.shape(b)));
  return g_.add(OpKind::add, NoAttrs{}, {a, b}, name);
}

}  // namespace eb::mobiledet
