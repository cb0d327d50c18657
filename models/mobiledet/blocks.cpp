#include "models/mobiledet/blocks.h"

#include <stdexcept>

namespace eb::mobiledet {
namespace {

// Gains of the linear 1x1 projection (see ConvSpec::gain): on a residual branch the
// projection starts small so that a stack of residual blocks grows the stream's variance
// by a bounded amount (as zero-γ or "fixup" initialisations do); elsewhere it preserves
// the variance of its input.
double projection_gain(bool residual) { return residual ? 0.25 : 1.0; }

ConvSpec backbone_conv(std::int64_t filters, int kernel, int stride, Activation act) {
  return {.filters = filters, .kernel = kernel, .stride = stride, .act = act, .bn_eps = kBackboneBnEps};
}

ConvSpec depthwise_conv(int kernel, int stride, Activation act) {
  return {.kernel = kernel, .stride = stride, .depthwise = true, .act = act, .bn_eps = kBackboneBnEps};
}

ConvSpec projection(std::int64_t filters, bool residual) {
  return {.filters = filters, .bn_eps = kBackboneBnEps, .gain = projection_gain(residual)};
}

std::string finish_residual(NetBuilder& net, const std::string& shortcut, const std::string& h, const std::string& name,
                            bool residual) {
  return residual ? net.add(h, shortcut, name + ".add") : h;
}

void check_expansion(const std::string& name, int expansion) {
  // The TF blocks reject expansion <= 1 (that case is the no-expansion block).
  if (expansion <= 1) throw std::logic_error("block '" + name + "': expansion must be greater than 1");
}

}  // namespace

std::int64_t scale_filters(std::int64_t filters, double multiplier, std::int64_t base) {
  const auto half_up = static_cast<std::int64_t>(static_cast<double>(filters) * multiplier / static_cast<double>(base) + 0.5);
  return std::max(half_up * base, base);
}

std::string inverted_bottleneck(NetBuilder& net, const std::string& x, const std::string& name, const BottleneckSpec& s) {
  check_expansion(name, s.expansion);
  const std::int64_t expanded = net.channels(x) * s.expansion;
  std::string h = net.conv(x, name + ".expand", backbone_conv(expanded, 1, 1, s.act));
  h = net.conv(h, name + ".depthwise", depthwise_conv(s.kernel, s.stride, s.act));
  if (s.use_se) h = net.squeeze_excite(h, name + ".se", scale_filters(expanded, 0.25), s.act);
  h = net.conv(h, name + ".project", projection(s.filters, s.residual));
  return finish_residual(net, x, h, name, s.residual);
}

std::string fused_inverted_bottleneck(NetBuilder& net, const std::string& x, const std::string& name,
                                      const BottleneckSpec& s) {
  check_expansion(name, s.expansion);
  const std::int64_t expanded = net.channels(x) * s.expansion;
  std::string h = net.conv(x, name + ".expand", backbone_conv(expanded, s.kernel, s.stride, s.act));
  if (s.use_se) h = net.squeeze_excite(h, name + ".se", scale_filters(expanded, 0.25), s.act);
  h = net.conv(h, name + ".project", projection(s.filters, s.residual));
  return finish_residual(net, x, h, name, s.residual);
}

std::string inverted_bottleneck_no_expansion(NetBuilder& net, const std::string& x, const std::string& name,
                                             const BottleneckSpec& s) {
  std::string h = net.conv(x, name + ".depthwise", depthwise_conv(s.kernel, s.stride, s.act));
  if (s.use_se) h = net.squeeze_excite(h, name + ".se", scale_filters(net.channels(h), 0.25), s.act);
  return net.conv(h, name + ".project", projection(s.filters, false));
}

std::string tucker_conv(NetBuilder& net, const std::string& x, const std::string& name, const TuckerSpec& s) {
  const std::int64_t input_rank = scale_filters(net.channels(x), s.input_rank_ratio);
  const std::int64_t output_rank = scale_filters(s.filters, s.output_rank_ratio);
  std::string h = net.conv(x, name + ".reduce", backbone_conv(input_rank, 1, 1, s.act));
  h = net.conv(h, name + ".core", backbone_conv(output_rank, s.kernel, s.stride, s.act));
  h = net.conv(h, name + ".project", projection(s.filters, s.residual));
  return finish_residual(net, x, h, name, s.residual);
}

}  // namespace eb::mobiledet
