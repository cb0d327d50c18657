// NetBuilder: the TF-slim convolution vocabulary of the MobileDet code (conv + batch norm
// + activation with "SAME" padding, depthwise conv, squeeze-and-excite, residual add) on
// top of GraphBuilder, so that the backbones and the SSD head read like their TF source.
//
// Every convolution declares its weights with a seeded-initialisation recipe
// (core/graph.h WeightInit) chosen to keep activations in a sane range through the
// network: He-style conv weights, batch norm γ≈1, β≈0, μ≈0, σ²≈1 with small jitter.
#pragma once

#include <cstdint>
#include <string>

#include "core/graph.h"

namespace eb::mobiledet {

// TF "SAME" padding along one spatial dimension: the output has ceil(in/stride) pixels
// and when the total padding is odd the extra pixel goes after (bottom/right).
struct SamePadding {
  int before = 0;
  int after = 0;
  std::int64_t out = 0;
};
SamePadding same_padding(std::int64_t in, int kernel, int stride);

// Initial bias of the squeeze-and-excite gate: sigmoid(3) ≈ 0.95, the gates start open
// (see NetBuilder::squeeze_excite).
inline constexpr double kSeGateBiasInit = 3.0;

struct ConvSpec {
  std::int64_t filters = 0;  // output channels (ignored for depthwise: output = input channels)
  int kernel = 1;
  int stride = 1;
  bool depthwise = false;
  Activation act = Activation::none;
  bool batch_norm = true;  // slim: normalizer_fn=batch_norm, which also means no bias
  bool bias = false;       // slim: normalizer_fn=None adds a bias
  float bn_eps = 1e-3f;
  // Weight std = sqrt(gain / fan_in), so that the layer roughly preserves the second
  // moment of its input. 0 picks the gain from the activation (activation_gain); the
  // blocks set smaller gains on residual branches so that the residual stream stays
  // bounded.
  double gain = 0.0;
  double bias_init = 0.0;
};

// He-style gain for a convolution followed by `act`: 2 for ReLU and ReLU6 (they keep half
// of a zero-mean input's second moment); 3 for hard-swish, which keeps only about 0.27–0.33
// of it at the scales seen here (x·relu6(x+3)/6 ≈ x/2 near zero); 1 otherwise.
double activation_gain(Activation act);

class NetBuilder {
 public:
  explicit NetBuilder(GraphBuilder& graph) : g_(graph) {}

  // A convolution node `name` with weights `name.weight` [O, I/groups, k, k], then
  // `name.bias` and `name.gamma|beta|mean|var` as the spec asks. Returns its output.
  std::string conv(const std::string& x, const std::string& name, const ConvSpec& spec);

  // Squeeze-and-excite as ssd_mobiledet_feature_extractor.py builds it: global average
  // pool, 1x1 conv (bias, `hidden_act`) to `hidden` channels, 1x1 conv (bias, sigmoid)
  // back to the input's channels, multiplied onto the input. The gate's bias starts at
  // kSeGateBiasInit so that a fresh block passes its input (nearly) through instead of
  // halving it — with SE in every block of MobileDet-CPU, halving would shrink the
  // activations geometrically with depth.
  std::string squeeze_excite(const std::string& x, const std::string& name, std::int64_t hidden, Activation hidden_act);

  // Element-wise residual add; throws std::logic_error when the shapes differ (TF would
  // fail the same way: its configs switch residuals off wherever shapes change).
  std::string add(const std::string& a, const std::string& b, const std::string& name);

  std::int64_t channels(const std::string& x) const { return g_.shape(x)[1]; }
  const Shape& shape(const std::string& x) const { return g_.shape(x); }
  GraphBuilder& graph() { return g_; }

 private:
  GraphBuilder& g_;
};

}  // namespace eb::mobiledet
