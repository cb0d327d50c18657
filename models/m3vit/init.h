// Seeded weights for M³ViT that behave like a trained network where it matters for
// benchmarking: the experts each MoE layer picks.
//
// Why not plain random weights: the residual stream of a randomly initialised ViT is
// dominated by a component common to all tokens (GELU's positive mean, biases, attention
// averaging many tokens), layer norm keeps it, and so every token's gate logits agree and
// nearly all 129 tokens go to the same expert — no trained M³ViT routes like that, and
// it would make every MoE timing meaningless. The recipe below keeps the stream
// token-specific and the gates decisive:
//   * every weight is zero-mean uniform with std = gain/√fan_in, biases and LayerNorm β
//     are zero, LayerNorm γ is one (declared in the graph: eb::init_weights alone gives a
//     usable, if less well routed, network);
//   * the positional embedding is as large as the patch content (std 1), so tokens differ
//     even where the image is flat, as in trained ViTs; the default input is zero-mean
//     (input.h), so the patch embedding adds no colour cast common to all tokens;
//   * the residual branches (attention projection, MLP fc2, expert fc2) have gain 0.4, so
//     the stream grows slowly from the embedding (std ≈ 1.3) to the block-11 output
//     (std ≈ 1.7 on the default input);
//   * each row of every fc2 (dense and expert) is shifted to sum to zero, which cancels
//     the mean of GELU — otherwise the main source of a token-independent component;
//   * k is mostly q's random matrix (plus an independent part with a quarter of the
//     variance), so attention is content-based: about a quarter of a token's attention goes
//     to itself and the rest spreads over the tokens most like it (~20 effective tokens)
//     instead of averaging all 129 into the same vector for every token;
//   * each gate's 16 columns are orthonormalised (Gram–Schmidt) and scaled to norm
//     kGateLogitStd: on a layer-normed token (per-element std ≈ 1) the logits have
//     std ≈ kGateLogitStd and the experts' preferred directions do not overlap.
// On the default seeded input (seed 0) no expert of any MoE layer takes more than ~21% of
// the layer's token-slots for either task (a uniform router would give 6.25%).
// Everything is computed from eb::Rng streams with integer and correctly rounded IEEE
// arithmetic (+ − × ÷ √), never from model activations, so weights are bit-identical on
// every machine.
#pragma once

#include <cstdint>

#include "core/graph.h"
#include "core/weights.h"

namespace eb::m3vit {

// Gains (std·√fan_in) of the recipes the graph builders declare.
inline constexpr double kPatchEmbedGain = 1.0;  // conv 16×16×3 → 192: patch tokens as large as the normalised pixels
inline constexpr double kClsTokenStd = 1.0;     // a token as large as the patch tokens
inline constexpr double kPosEmbedStd = 1.0;     // as large as the content: position matters, as in trained ViTs
inline constexpr double kQkGain = 0.85;         // q and k std per element ≈ 0.85 on a normed token
inline constexpr double kQkOwnShare = 0.25;     // fraction of k's variance independent of q
inline constexpr double kVGain = 1.0;
inline constexpr double kAttnProjGain = 0.4;    // residual branch outputs: small, the stream stays token-specific
inline constexpr double kFc1Gain = 1.0;
inline constexpr double kFc2Gain = 0.4;
inline constexpr double kGateLogitStd = 1.5;    // decisive but not one-hot softmax over 16 experts
inline constexpr double kHeadConvGain = 1.4142135623730951;  // He: ReLU follows
inline constexpr double kHeadPredGain = 1.0;

// WeightInit for a zero-mean uniform weight with std = gain/√fan_in.
WeightInit scaled_init(double gain, std::int64_t fan_in);

// eb::init_weights(graph, seed) followed by the adjustments above (gates, fc2 rows, q/k)
// for every weight of `graph` they apply to, recognised by name (m3vit.h lists them).
Weights seeded_weights(const Graph& graph, std::uint64_t seed);

}  // namespace eb::m3vit
